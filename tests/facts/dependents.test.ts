/**
 * `RepoFacts.dependents` (the reverse of `dependencies`): which candidate modules import a target,
 * directly or transitively, through non-type imports. `contract-scan --changed` asks it for the mutation
 * scripts a change reaches (SPEC §6.15).
 */
import { describe, expect, it } from "vitest";
import { factsFor } from "./helpers.js";

const SCRIPTS = [
  "scripts/guarded-require.ts",
  "scripts/imports-routes.ts",
  "scripts/imports-seed.ts",
  "scripts/read-only.ts",
  "scripts/service-extended.ts",
  "scripts/service-read.ts",
  "scripts/service-write.ts",
  "scripts/type-import.ts",
  "scripts/uses-imported.ts",
];

describe("dependents over fixtures/facts/writes", () => {
  const { facts, at } = factsFor("writes");
  const sorted = (set: ReadonlySet<string>): string[] => [...set].sort();
  const scripts = SCRIPTS.map(at);

  it("every script that reaches the client module, through require, chains of imports and tsconfig paths; not through import type", () => {
    expect(sorted(facts.dependents([at("lib/prisma.ts")], scripts))).toEqual(
      [
        "scripts/guarded-require.ts",
        "scripts/imports-routes.ts",
        "scripts/imports-seed.ts",
        "scripts/read-only.ts",
        "scripts/service-extended.ts",
        "scripts/service-read.ts",
        "scripts/service-write.ts",
        "scripts/uses-imported.ts",
      ].map(at),
    );
  });

  it("a module deeper in the graph is reached only by the scripts whose imports lead to it", () => {
    // lib/wrap.ts is imported by lib/routes.ts and lib/users.ts (read-only.ts reaches users through "@/lib/users").
    expect(sorted(facts.dependents([at("lib/wrap.ts")], scripts))).toEqual(["scripts/imports-routes.ts", "scripts/read-only.ts", "scripts/uses-imported.ts"].map(at));
  });

  it("a module imported only with import type is reached by nobody", () => {
    expect(sorted(facts.dependents([at("lib/types-only.ts")], scripts))).toEqual([]);
  });

  it("several targets: the union", () => {
    expect(sorted(facts.dependents([at("lib/seed-on-load.ts"), at("lib/services.ts")], scripts))).toEqual(
      ["scripts/imports-seed.ts", "scripts/service-extended.ts", "scripts/service-read.ts", "scripts/service-write.ts"].map(at),
    );
  });

  it("a target that is a candidate counts only when it reaches a target through a cycle", () => {
    expect(sorted(facts.dependents([at("lib/cycle-a.ts")], [at("lib/cycle-a.ts"), at("lib/cycle-b.ts"), at("lib/prisma.ts")]))).toEqual([at("lib/cycle-a.ts"), at("lib/cycle-b.ts")]);
    expect(sorted(facts.dependents([at("scripts/read-only.ts")], [at("scripts/read-only.ts")]))).toEqual([]);
  });

  it("the answer does not depend on the order of the candidates (modules proved to reach nothing are remembered, not misjudged)", () => {
    // lib/prisma.ts reaches nothing but @prisma/client; asked first, it must not hide lib/users.ts -> lib/wrap.ts.
    const forward = facts.dependents([at("lib/wrap.ts")], [at("lib/prisma.ts"), at("lib/services.ts"), ...scripts]);
    const backward = facts.dependents([at("lib/wrap.ts")], [...scripts].reverse().concat([at("lib/services.ts"), at("lib/prisma.ts")]));
    expect(sorted(forward)).toEqual(sorted(backward));
    expect(sorted(forward)).toEqual(["scripts/imports-routes.ts", "scripts/read-only.ts", "scripts/uses-imported.ts"].map(at));
  });

  it("no targets, no candidates, or a target that is no repository module: nobody", () => {
    expect(facts.dependents([], scripts).size).toBe(0);
    expect(facts.dependents([at("lib/prisma.ts")], []).size).toBe(0);
    expect(facts.dependents([at("README.md"), at("lib/missing.ts")], scripts).size).toBe(0);
  });
});

describe("dependents in live mode (editors: no file list)", () => {
  it("follows the same graph", () => {
    const { facts, at } = factsFor("writes", {}, { snapshot: false });
    expect([...facts.dependents([at("lib/wrap.ts")], SCRIPTS.map(at))].sort()).toEqual(["scripts/imports-routes.ts", "scripts/read-only.ts", "scripts/uses-imported.ts"].map(at));
  });
});
