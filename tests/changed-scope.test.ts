/**
 * `changedScope` (SPEC §6.15, src/changed.ts) on a repository that is not read: which files a change
 * covers. Here only the global inputs: a change that can move the Prisma schema or module resolution for
 * every module covers every candidate mutation script.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { changedScope } from "../src/changed.js";
import { defaultContract } from "../src/contract.js";
import type { RepoFacts } from "../src/facts/types.js";

const ROOT = path.resolve("/repo");
const at = (repoPath: string): string => path.join(ROOT, repoPath);
const FILES = [at("scripts/seed.ts"), at("src/app.ts"), at("packages/db/prisma.config.ts")];
/** Facts that know no module: only the global inputs can cover the script. */
const NO_FACTS = { isRepoModule: () => false, dependents: () => new Set<string>() } as unknown as RepoFacts;

function covered(changed: string): string[] {
  const scope = changedScope({ root: ROOT, contract: defaultContract(), contractFile: undefined, files: FILES, facts: NO_FACTS, changed: { existing: [at(changed)], deleted: [] } });
  return [...(scope ?? [])].map((f) => path.relative(ROOT, f).split(path.sep).join("/")).sort();
}

describe("changedScope: global inputs", () => {
  it("a Prisma config file names the schema for every module (issue 13 item 2): every script is covered", () => {
    expect(covered("packages/db/prisma.config.ts")).toEqual(["packages/db/prisma.config.ts", "scripts/seed.ts"]);
    expect(covered("prisma.config.mjs")).toEqual(["prisma.config.mjs", "scripts/seed.ts"]);
    expect(covered(".config/prisma.ts")).toEqual([".config/prisma.ts", "scripts/seed.ts"]);
    expect(covered("prisma/schema.prisma")).toEqual(["prisma/schema.prisma", "scripts/seed.ts"]);
  });

  it("near-misses: an application module, a file named like a config that is none", () => {
    expect(covered("src/app.ts")).toEqual(["src/app.ts"]);
    expect(covered("src/prisma.config.json")).toEqual(["src/prisma.config.json"]);
    expect(covered("src/my-prisma.config.ts")).toEqual(["src/my-prisma.config.ts"]);
  });
});
