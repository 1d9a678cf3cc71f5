/**
 * Database client loaders (`dbClients`, SPEC §2, §6.1): a module that imports a client specifier, a
 * client repository path or a generated client, or (transitively, cycle-safe) a repository module that
 * does; `import type` loads nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRepoFacts } from "../../src/facts/repo-facts.js";
import { contractWith, factsFor, fixtureRoot } from "./helpers.js";

describe("transitive loaders through lib/prisma.ts", () => {
  const { facts, at } = factsFor("resolution");

  it("a module importing @prisma/client is a loader", () => {
    expect(facts.isDbClientLoader(at("src/lib/prisma.ts"))).toBe(true);
    expect(facts.dbClientChain(at("src/lib/prisma.ts"))?.map((e) => e.specifier)).toEqual(["@prisma/client"]);
  });

  it("every importer of lib/prisma.ts is a loader, through aliases, index files and .js specifiers", () => {
    for (const script of ["scripts/relative.ts", "scripts/alias.ts", "scripts/index-file.ts", "scripts/js-extension.ts"]) {
      expect(facts.isDbClientLoader(at(script)), script).toBe(true);
    }
    expect(facts.dbClientChain(at("scripts/index-file.ts"))?.map((e) => [e.specifier, e.line])).toEqual([
      ["../src/lib", 1],
      ["./users", 1],
      ["./prisma.js", 1],
      ["@prisma/client", 1],
    ]);
  });

  it("a module that reaches no client is not a loader", () => {
    expect(facts.isDbClientLoader(at("scripts/base-url.ts"))).toBe(false);
    expect(facts.isDbClientLoader(at("scripts/tsx-component.ts"))).toBe(false);
    expect(facts.dbClientChain(at("scripts/base-url.ts"))).toBeUndefined();
  });

  it("a CommonJS module requiring the client, beside its .d.ts, is a loader", () => {
    expect(facts.isDbClientLoader(at("scripts/legacy.ts"))).toBe(true);
  });

  it("answers per specifier", () => {
    const from = at("scripts/alias.ts");
    expect(facts.isDbClientSpecifier(from, "@prisma/client")).toBe(true);
    expect(facts.isDbClientSpecifier(from, "@prisma/client/edge")).toBe(true);
    expect(facts.isDbClientSpecifier(from, ".prisma/client")).toBe(true);
    expect(facts.isDbClientSpecifier(from, "@prisma/clientele")).toBe(false);
    expect(facts.isDbClientSpecifier(from, "@/lib/prisma")).toBe(false);
    expect(facts.loadsDbClient(from, "@/lib/prisma")).toBe(true);
    expect(facts.loadsDbClient(from, "@/lib/format")).toBe(false);
    expect(facts.loadsDbClient(from, "zod")).toBe(false);
  });

  it("a type import loads nothing; a require resolves with CommonJS conditions", () => {
    const from = at("scripts/alias.ts");
    expect(facts.loadsDbClient(from, "@prisma/client", "type")).toBe(false);
    expect(facts.loadsDbClient(from, "@/lib/prisma", "type")).toBe(false);
    expect(facts.isDbClientSpecifier(from, "@prisma/client", "type")).toBe(false);
    expect(facts.loadsDbClient(from, "@/lib/prisma", "require")).toBe(true);
    expect(facts.loadsDbClient(from, "@/lib/prisma", "dynamic")).toBe(true);
  });

  it("lists the transitive repository dependencies", () => {
    expect([...facts.dependencies(at("scripts/index-file.ts"))].sort()).toEqual([at("src/lib/index.ts"), at("src/lib/prisma.ts"), at("src/lib/users.ts")]);
  });
});

describe("type imports, requires and cycles", () => {
  const { facts, at } = factsFor("writes");

  it("import type of the client module loads nothing", () => {
    expect(facts.isDbClientLoader(at("scripts/type-import.ts"))).toBe(false);
    expect(facts.isDbClientLoader(at("lib/types-only.ts"))).toBe(false);
  });

  it("a require of the client module is a load", () => {
    expect(facts.isDbClientLoader(at("scripts/guarded-require.ts"))).toBe(true);
    expect(facts.dbClientChain(at("scripts/guarded-require.ts"))?.[0]).toMatchObject({ specifier: "../lib/prisma", kind: "require", line: 2 });
  });

  it("a cycle of modules terminates, and both are loaders through the one that imports the client", () => {
    expect(facts.isDbClientLoader(at("lib/cycle-a.ts"))).toBe(true);
    expect(facts.isDbClientLoader(at("lib/cycle-b.ts"))).toBe(true);
    expect(facts.dbClientChain(at("lib/cycle-a.ts"))?.map((e) => e.specifier)).toEqual(["./cycle-b", "./prisma", "@prisma/client"]);
  });
});

describe("contract dbClients", () => {
  it("a repository path entry makes its module a client and its importers loaders", () => {
    const { facts, at } = factsFor("resolution", { dbClients: ["src/lib/format.ts"] });
    expect(facts.isDbClientLoader(at("src/lib/format.ts"))).toBe(true);
    expect(facts.isDbClientLoader(at("scripts/base-url.ts"))).toBe(true);
    // @prisma/client is no longer a client: only what the contract lists.
    expect(facts.isDbClientLoader(at("scripts/alias.ts"))).toBe(false);
    expect(facts.isDbClientSpecifier(at("scripts/base-url.ts"), "src/lib/format")).toBe(true);
  });

  it("a path entry without extension, or a folder, matches the modules there", () => {
    const { facts, at } = factsFor("resolution", { dbClients: ["src/legacy"] });
    expect(facts.isDbClientLoader(at("scripts/legacy.ts"))).toBe(true);
    expect(facts.isDbClientLoader(at("scripts/alias.ts"))).toBe(false);
  });

  it("a specifier entry matches the specifier and its subpaths only", () => {
    const { facts, at } = factsFor("commonjs", { dbClients: ["@acme/db"] });
    expect(facts.isDbClientSpecifier(at("scripts/purge.js"), "@acme/db")).toBe(true);
    expect(facts.isDbClientSpecifier(at("scripts/purge.js"), "@acme/db/client")).toBe(true);
    expect(facts.isDbClientSpecifier(at("scripts/purge.js"), "@acme/dbx")).toBe(false);
    expect(facts.isDbClientLoader(at("scripts/purge.js"))).toBe(false);
  });
});

describe("monorepo and generated clients", () => {
  it("a script importing a workspace package that creates the client is a loader", () => {
    const { facts, at } = factsFor("monorepo");
    expect(facts.isDbClientLoader(at("apps/web/scripts/fix-accounts.ts"))).toBe(true);
    expect(facts.dbClientChain(at("apps/web/scripts/fix-accounts.ts"))?.map((e) => e.specifier)).toEqual(["@/lib/prisma", "@acme/db", "./client", "@prisma/client"]);
    expect(facts.isDbClientLoader(at("apps/web/scripts/direct-subpath.ts"))).toBe(true);
    expect(facts.isDbClientLoader(at("apps/admin/scripts/report.ts"))).toBe(true);
    expect(facts.isDbClientLoader(at("apps/web/scripts/packages.ts"))).toBe(false);
  });

  it("a module importing a Prisma generator's output that is not generated is a loader", () => {
    const { facts, at } = factsFor("schema-single");
    expect(facts.prismaSchema?.clientOutputs).toEqual([at("src/generated/prisma")]);
    expect(facts.isDbClientSpecifier(at("src/lib/db.ts"), "../generated/prisma/client")).toBe(true);
    expect(facts.isDbClientLoader(at("src/lib/db.ts"))).toBe(true);
    expect(facts.isDbClientLoader(at("src/lib/enums.ts"))).toBe(true);
    expect(facts.isDbClientSpecifier(at("src/lib/db.ts"), "../generated/other")).toBe(false);
  });
});

// Issue 13 item 3 (SPEC §6.18): an import that cannot be resolved but is used as a Prisma client on a
// schema model counts as a client, fail closed. Modelled on Molemo21/ConnectSA-k9
// `scripts/quarantine/cleanup-unverified-users.ts` (fixtures/corpus-regressions/unresolved-client-import).
describe("an unresolvable import used as a Prisma client", () => {
  const root = path.resolve(fixtureRoot("resolution"), "../../corpus-regressions/unresolved-client-import");
  const facts = createRepoFacts(root, contractWith(), { snapshot: true });
  const at = (repoPath: string): string => path.join(root, repoPath);

  it("is a database client where its binding calls a model delegate's method (before: not a loader)", () => {
    const script = at("scripts/quarantine/cleanup-unverified-users.ts");
    expect(facts.resolve(script, "../lib/prisma")).toBeUndefined();
    expect(facts.imports(script)).toEqual([{ specifier: "../lib/prisma", resolved: undefined, kind: "static", line: 3, column: 1, clientUse: true }]);
    expect(facts.isDbClientSpecifier(script, "../lib/prisma")).toBe(true);
    expect(facts.loadsDbClient(script, "../lib/prisma")).toBe(true);
    expect(facts.isDbClientLoader(script)).toBe(true);
  });

  it("near-misses: used on no schema model, a type-only import, a resolvable module that loads no client", () => {
    const script = at("scripts/quarantine/sync-customers.ts");
    expect(facts.isDbClientSpecifier(script, "../lib/stripe")).toBe(false);
    expect(facts.isDbClientSpecifier(script, "../lib/cache")).toBe(false);
    expect(facts.isDbClientLoader(script)).toBe(false);
    expect(facts.isDbClientSpecifier(at("scripts/quarantine/cleanup-unverified-users.ts"), "../lib/prisma", "type")).toBe(false);
  });

  it("reaches importers transitively, and needs a schema (no model, no client use)", () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "ps-unresolved-"));
    try {
      const write = (file: string, text: string): void => {
        mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
        writeFileSync(path.join(tmp, file), text);
      };
      write("lib/users.ts", 'const { db } = require("../app/db");\nexport async function purge() {\n  await db.user.deleteMany({});\n}\n');
      write("scripts/purge.ts", 'import { purge } from "../lib/users";\nvoid purge();\n');
      const withoutSchema = createRepoFacts(tmp, contractWith(), { snapshot: true });
      expect(withoutSchema.isDbClientLoader(path.join(tmp, "scripts/purge.ts"))).toBe(false);
      write("prisma/schema.prisma", 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel User {\n  id String @id\n}\n');
      const withSchema = createRepoFacts(tmp, contractWith(), { snapshot: true });
      expect(withSchema.dbClientChain(path.join(tmp, "scripts/purge.ts"))?.map((e) => [e.specifier, e.kind])).toEqual([
        ["../lib/users", "static"],
        ["../app/db", "require"],
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

// Issue 13 item 2: a generator's output folder holds the client whether it is missing, empty or generated
// in part. Modelled on umami-software/umami `scripts/seed/index.ts` (fixtures/corpus-regressions/
// generated-client-empty-folder, whose output folder holds only a .gitkeep).
describe("a generated client in an output folder that exists (issue 13 item 2)", () => {
  const root = path.resolve(fixtureRoot("resolution"), "../../corpus-regressions/generated-client-empty-folder");
  const facts = createRepoFacts(root, contractWith(), { snapshot: true });
  const seed = path.join(root, "scripts/seed/index.ts");

  it("an import into the empty output folder is a database client (before: unresolved, no client)", () => {
    expect(facts.prismaSchema?.clientOutputs).toEqual([path.join(root, "src/generated/prisma")]);
    expect(facts.isDbClientSpecifier(seed, "../../src/generated/prisma/client.js")).toBe(true);
    expect(facts.isDbClientSpecifier(seed, "../../src/generated/prisma")).toBe(true);
    expect(facts.isDbClientLoader(seed)).toBe(true);
  });

  it("near-misses: a sibling of the output folder, a folder whose name only starts like it", () => {
    expect(facts.isDbClientSpecifier(seed, "../../src/generated/words.js")).toBe(false);
    expect(facts.isDbClientSpecifier(seed, "../../src/generated/prisma-extras/client.js")).toBe(false);
    expect(facts.isDbClientLoader(path.join(root, "scripts/seed/names.ts"))).toBe(false);
  });

  it("Prisma's client entry points under the default dbClients: edge, wasm, .prisma/client and their subpaths", () => {
    for (const specifier of ["@prisma/client/edge", "@prisma/client/wasm", "@prisma/client/runtime/library", ".prisma/client", ".prisma/client/default", ".prisma/client/edge"]) {
      expect(facts.isDbClientSpecifier(seed, specifier), specifier).toBe(true);
    }
    expect(facts.isDbClientSpecifier(seed, "@prisma/adapter-pg")).toBe(false);
    expect(facts.isDbClientSpecifier(seed, ".prisma/clientele")).toBe(false);
  });
});
