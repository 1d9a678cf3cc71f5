/**
 * The persistent module facts (`RepoFactsOptions.moduleCache`, what `contract-scan --cache` keeps): facts
 * built from stored parse results answer every question as facts that parsed the modules themselves, and
 * parse nothing; a stored entry of other content (hash) or another `verbatimModuleSyntax` is not used.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ModuleFactsCache, StoredModuleFacts } from "../../src/facts/repo-facts.js";
import { factsFor, fixtureRoot } from "./helpers.js";

/** A module cache in memory that counts its hits, and keeps entries as JSON text (as the cache file does). */
function memoryCache(): ModuleFactsCache & { hits: number; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    hits: 0,
    entries,
    get(file, hash, verbatim) {
      const text = entries.get(`${file}\0${hash}\0${verbatim}`);
      if (text === undefined) return undefined;
      this.hits += 1;
      return JSON.parse(text) as StoredModuleFacts;
    },
    set(file, hash, verbatim, facts) {
      entries.set(`${file}\0${hash}\0${verbatim}`, JSON.stringify(facts));
    },
  };
}

const modules = (name: string): string[] =>
  readdirSync(fixtureRoot(name), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.[cm]?[jt]sx?$/.test(f))
    .map((f) => path.join(fixtureRoot(name), f))
    .sort();

/** Every question the rules ask, for every module of the fixture. */
function answers(name: string, cache: ModuleFactsCache): unknown[] {
  const files = modules(name);
  const { facts } = factsFor(name, {}, { files, moduleCache: cache });
  return files.map((file) => ({
    file,
    imports: facts.imports(file),
    loader: facts.dbClientChain(file),
    loads: facts.loadWrites(file),
    exports: [...facts.mutatingExports(file)],
    problem: facts.problem(file),
    dependencies: [...facts.dependencies(file)].sort(),
  }));
}

describe.each(["writes", "members", "imports", "commonjs"])("fixtures/facts/%s", (name) => {
  it("facts from stored parse results answer as fresh facts, without parsing", () => {
    const cache = memoryCache();
    const fresh = answers(name, cache);
    expect(cache.entries.size).toBeGreaterThan(0);
    expect(cache.hits).toBe(0);
    const restored = answers(name, cache);
    expect(restored).toEqual(fresh);
    expect(cache.hits).toBe(cache.entries.size);
  });
});

describe("near-misses", () => {
  it("an entry stored for other content or another verbatimModuleSyntax is not used", () => {
    const cache = memoryCache();
    answers("writes", cache);
    const stored = [...cache.entries];
    cache.entries.clear();
    // Same files, but every entry under another hash, then under the other verbatimModuleSyntax.
    for (const [key, value] of stored) cache.entries.set(key.replace(/\0[^\0]*\0/, "\0other-hash\0"), value);
    answers("writes", cache);
    expect(cache.hits).toBe(0);
    cache.entries.clear();
    for (const [key, value] of stored) cache.entries.set(key.replace(/\0(true|false)$/, (_, v: string) => `\0${v === "true" ? "false" : "true"}`), value);
    answers("writes", cache);
    expect(cache.hits).toBe(0);
  });
});
