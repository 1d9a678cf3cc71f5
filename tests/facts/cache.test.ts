/**
 * Caching (issue 4: "computed lazily ... and cached by file content"): live facts see edits on disk,
 * unsaved buffers (`withFileText`) and schema edits; snapshot facts read once; `getRepoFacts` hands out
 * one instance per (root, contract) and the scanner's registered instance during a scan. Each test
 * works on its own copy of a fixture in a temporary folder.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileStore } from "../../src/facts/cache.js";
import { buildRepoFacts, createRepoFacts, getRepoFacts, registerScanFacts } from "../../src/facts/repo-facts.js";
import { contractWith, fixtureRoot } from "./helpers.js";

const copies: string[] = [];

/** A fresh copy of a fixture repository, removed after the test. */
function copyOf(name: string): { root: string; at: (p: string) => string } {
  const root = mkdtempSync(path.join(tmpdir(), `facts-${name}-`));
  cpSync(fixtureRoot(name), root, { recursive: true });
  copies.push(root);
  return { root, at: (p: string) => path.join(root, p) };
}

afterEach(() => {
  for (const root of copies.splice(0)) rmSync(root, { recursive: true, force: true });
});

const READ_ONLY_USERS = 'export function listUsers() {\n  return [];\n}\n';

describe("live facts (editors)", () => {
  it("see a file's new content on the next question", () => {
    const { root, at } = copyOf("writes");
    const facts = createRepoFacts(root, contractWith(), { snapshot: false, ttlMs: 0 });
    expect(facts.isDbClientLoader(at("scripts/read-only.ts"))).toBe(true);
    expect(facts.mutatingExports(at("lib/users.ts")).has("wipeUsers")).toBe(true);
    writeFileSync(at("lib/users.ts"), READ_ONLY_USERS);
    expect(facts.isDbClientLoader(at("scripts/read-only.ts"))).toBe(false);
    expect(facts.mutatingExports(at("lib/users.ts")).size).toBe(0);
    expect(facts.loadWrites(at("scripts/uses-imported.ts"))).toEqual([]);
  });

  it("use an unsaved buffer for the file being linted, and the disk again once another file is linted", () => {
    const { root, at } = copyOf("writes");
    const facts = createRepoFacts(root, contractWith(), { snapshot: false, ttlMs: 0 });
    expect(facts.mutatingExports(at("lib/users.ts")).has("wipeUsers")).toBe(true);
    facts.withFileText(at("lib/users.ts"), READ_ONLY_USERS);
    expect(facts.mutatingExports(at("lib/users.ts")).size).toBe(0);
    expect(facts.isDbClientLoader(at("scripts/read-only.ts"))).toBe(false);
    // The buffer of a file that is not on disk yet.
    facts.withFileText(at("scripts/new.ts"), 'import { prisma } from "../lib/prisma";\n');
    expect(facts.isDbClientLoader(at("scripts/new.ts"))).toBe(true);
    expect(facts.mutatingExports(at("lib/users.ts")).has("wipeUsers")).toBe(true);
  });

  it("see a new file that a specifier could not reach before", () => {
    const { root, at } = copyOf("writes");
    const facts = createRepoFacts(root, contractWith(), { snapshot: false, ttlMs: 0 });
    facts.withFileText(at("scripts/later.ts"), 'import { x } from "../lib/later";\nx();\n');
    expect(facts.imports(at("scripts/later.ts"))[0]?.resolved).toBeUndefined();
    writeFileSync(at("lib/later.ts"), 'import { prisma } from "./prisma";\nexport const x = () => prisma.user.deleteMany();\n');
    expect(facts.imports(at("scripts/later.ts"))[0]?.resolved).toBe(at("lib/later.ts"));
    expect(facts.loadWrites(at("scripts/later.ts")).map((w) => w.operation)).toEqual(["deleteMany"]);
  });

  it("see a schema edit: model mapping and the writes found with it", () => {
    const { root, at } = copyOf("writes");
    const facts = createRepoFacts(root, contractWith(), { snapshot: false, ttlMs: 0 });
    expect(facts.prismaSchema?.modelForDelegate("user")?.table).toBe("User");
    expect(facts.exportWrites(at("lib/users.ts"), "wipeUsers").map((w) => w.model)).toEqual(["User"]);
    const schema = readFileSync(at("prisma/schema.prisma"), "utf8");
    writeFileSync(at("prisma/schema.prisma"), schema.replace("model User {", "model Member {\n  @@map(\"members\")").replace("author   User ", "author   Member "));
    expect(facts.prismaSchema?.modelForDelegate("user")).toBeUndefined();
    expect(facts.prismaSchema?.modelForDelegate("member")?.table).toBe("members");
    // `prisma.user` names no model any more: with a schema, that is not a write.
    expect(facts.exportWrites(at("lib/users.ts"), "wipeUsers")).toEqual([]);
  });
});

describe("snapshot facts (the scanner)", () => {
  it("read each file once", () => {
    const { root, at } = copyOf("writes");
    const facts = createRepoFacts(root, contractWith(), { snapshot: true });
    expect(facts.isDbClientLoader(at("scripts/read-only.ts"))).toBe(true);
    writeFileSync(at("lib/users.ts"), READ_ONLY_USERS);
    expect(facts.isDbClientLoader(at("scripts/read-only.ts"))).toBe(true);
    // Different text given explicitly does count.
    facts.withFileText(at("lib/users.ts"), READ_ONLY_USERS);
    expect(facts.isDbClientLoader(at("scripts/read-only.ts"))).toBe(false);
  });
});

describe("buildRepoFacts (the scanner's discovery)", () => {
  it("follows the files the scanner discovers: sources, not .gitignored ones, not the ignore zone", async () => {
    const { root, at } = copyOf("resolution");
    writeFileSync(at(".gitignore"), "src/lib/format.ts\n");
    const facts = await buildRepoFacts(root, contractWith({ ignore: ["scripts/unresolvable.ts"] }));
    expect(facts.isRepoModule(at("scripts/alias.ts"))).toBe(true);
    expect(facts.isRepoModule(at("src/legacy/db.js"))).toBe(true);
    expect(facts.isRepoModule(at("src/lib/format.ts"))).toBe(false);
    expect(facts.isRepoModule(at("scripts/unresolvable.ts"))).toBe(false);
    expect(facts.isDbClientLoader(at("scripts/alias.ts"))).toBe(true);
    // The snapshot reads once: an edit after the build is not seen.
    writeFileSync(at("src/lib/prisma.ts"), "export const prisma = {};\n");
    expect(facts.isDbClientLoader(at("scripts/relative.ts"))).toBe(true);
  });
});

describe("FileStore", () => {
  it("keeps a record when a file is touched without a change, and replaces it when the content changes", () => {
    const { at } = copyOf("writes");
    const store = new FileStore(false);
    const file = at("lib/wrap.ts");
    store.beginEpoch();
    const first = store.get(file);
    const generation = store.generation;
    store.beginEpoch();
    expect(store.get(file)).toBe(first);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    store.beginEpoch();
    expect(store.get(file)).toBe(first);
    expect(store.generation).toBe(generation);
    writeFileSync(file, "export const changed = 1;\n");
    store.beginEpoch();
    const second = store.get(file);
    expect(second).not.toBe(first);
    expect(second?.text).toBe("export const changed = 1;\n");
    expect(store.generation).toBeGreaterThan(generation);
  });

  it("checks a file at most once per epoch in live mode", () => {
    const { at } = copyOf("writes");
    const store = new FileStore(false);
    const file = at("lib/wrap.ts");
    store.beginEpoch();
    const first = store.get(file);
    writeFileSync(file, "export const changed = 1;\n");
    expect(store.get(file)).toBe(first);
    store.beginEpoch();
    expect(store.get(file)).not.toBe(first);
  });

  it("reports a file that disappears, and one that is binary", () => {
    const { at } = copyOf("writes");
    const store = new FileStore(false);
    store.beginEpoch();
    expect(store.get(at("lib/wrap.ts"))).toBeDefined();
    rmSync(at("lib/wrap.ts"));
    writeFileSync(at("lib/binary.ts"), Buffer.from([0x61, 0x00, 0x62]));
    store.beginEpoch();
    expect(store.get(at("lib/wrap.ts"))).toBeUndefined();
    expect(store.problem(at("lib/wrap.ts"))).toMatch(/cannot read the file/);
    expect(store.get(at("lib/binary.ts"))).toBeUndefined();
    expect(store.problem(at("lib/binary.ts"))).toMatch(/binary/);
  });
});

describe("getRepoFacts", () => {
  it("returns one instance per (root, contract object)", () => {
    const root = fixtureRoot("writes");
    const contract = contractWith();
    const facts = getRepoFacts(root, contract);
    expect(getRepoFacts(`${root}/`, contract)).toBe(facts);
    expect(getRepoFacts(root, contractWith())).not.toBe(facts);
    expect(getRepoFacts(fixtureRoot("resolution"), contract)).not.toBe(facts);
  });

  it("returns the scanner's registered facts for an equal contract until unregistered", () => {
    const root = fixtureRoot("writes");
    const scanFacts = createRepoFacts(root, contractWith(), { files: [] });
    const unregister = registerScanFacts(scanFacts);
    try {
      expect(getRepoFacts(root, contractWith())).toBe(scanFacts);
      expect(getRepoFacts(root, contractWith({ dbClients: ["x"] }))).not.toBe(scanFacts);
    } finally {
      unregister();
    }
    expect(getRepoFacts(root, contractWith())).not.toBe(scanFacts);
  });
});
