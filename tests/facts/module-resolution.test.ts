/**
 * Module resolution (SPEC §6.16): TypeScript's own resolver with the nearest parsed tsconfig, on
 * fixture repositories without node_modules. One case per form the issue lists: relative paths, index
 * files, `.js` specifiers naming `.ts` sources, `paths`/`baseUrl` aliases, `extends` (a file and a
 * workspace package), workspace package names (npm `workspaces` and `pnpm-workspace.yaml`), one
 * tsconfig per app, `nodenext`.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ModuleResolver, packageNameOf } from "../../src/facts/module-resolution.js";
import { readWorkspaces } from "../../src/facts/workspaces.js";
import { factsFor, fixtureRoot } from "./helpers.js";

describe("single package (tsconfig extends a base with baseUrl and paths)", () => {
  const { facts, at } = factsFor("resolution");

  it("resolves a relative path without extension to the .ts file", () => {
    expect(facts.resolve(at("scripts/relative.ts"), "../src/lib/prisma")).toBe(at("src/lib/prisma.ts"));
  });

  it("resolves a folder to its index file", () => {
    expect(facts.resolve(at("scripts/index-file.ts"), "../src/lib")).toBe(at("src/lib/index.ts"));
  });

  it("resolves a .js specifier to the .ts source", () => {
    expect(facts.resolve(at("scripts/js-extension.ts"), "../src/lib/users.js")).toBe(at("src/lib/users.ts"));
    expect(facts.resolve(at("src/lib/users.ts"), "./prisma.js")).toBe(at("src/lib/prisma.ts"));
  });

  it("resolves a paths alias declared in the extended config", () => {
    expect(facts.resolve(at("scripts/alias.ts"), "@/lib/prisma")).toBe(at("src/lib/prisma.ts"));
  });

  it("resolves a bare specifier against baseUrl", () => {
    expect(facts.resolve(at("scripts/base-url.ts"), "src/lib/format")).toBe(at("src/lib/format.ts"));
  });

  it("resolves .tsx files through an alias", () => {
    expect(facts.resolve(at("scripts/tsx-component.ts"), "@/components/Badge")).toBe(at("src/components/Badge.tsx"));
  });

  it("reaches the .js module beside a .d.ts (declarations load nothing)", () => {
    expect(facts.resolve(at("scripts/legacy.ts"), "../src/legacy/db")).toBe(at("src/legacy/db.js"));
  });

  it("leaves packages that are not installed and missing files unresolved", () => {
    expect(facts.resolve(at("scripts/unresolvable.ts"), "./does-not-exist")).toBeUndefined();
    expect(facts.resolve(at("scripts/unresolvable.ts"), "zod")).toBeUndefined();
    expect(facts.resolve(at("src/lib/prisma.ts"), "@prisma/client")).toBeUndefined();
  });

  it("records the resolution on each import edge", () => {
    expect(facts.imports(at("scripts/alias.ts"))).toEqual([{ specifier: "@/lib/prisma", resolved: at("src/lib/prisma.ts"), kind: "static", line: 1, column: 1 }]);
  });

  it("reads the tsconfig through extends (comments and trailing commas allowed)", () => {
    const resolver = new ModuleResolver({ root: fixtureRoot("resolution"), workspaces: new Map(), generatedDirs: [], snapshot: true });
    const config = resolver.configFor(at("scripts"));
    expect(config.file).toBe(at("tsconfig.json"));
    expect(config.options.paths).toEqual({ "@/*": ["src/*"] });
    expect(config.options.baseUrl).toBe(at("."));
    expect(config.errors).toEqual([]);
  });
});

describe("monorepo with npm workspaces", () => {
  const { facts, at, root } = factsFor("monorepo");

  it("finds the workspace packages by package.json name", () => {
    const workspaces = readWorkspaces(root);
    expect(workspaces.monorepo).toBe(true);
    expect([...workspaces.packages].sort()).toEqual([
      ["@acme/admin", at("apps/admin")],
      ["@acme/built", at("packages/built")],
      ["@acme/db", at("packages/db")],
      ["@acme/exports-map", at("packages/exports-map")],
      ["@acme/tsconfig", at("packages/tsconfig")],
      ["@acme/web", at("apps/web")],
    ]);
  });

  it("resolves a workspace package name to its main file", () => {
    expect(facts.resolve(at("apps/web/lib/prisma.ts"), "@acme/db")).toBe(at("packages/db/index.ts"));
  });

  it("resolves a workspace package subpath", () => {
    expect(facts.resolve(at("apps/web/scripts/direct-subpath.ts"), "@acme/db/client")).toBe(at("packages/db/client.ts"));
  });

  it("resolves through a workspace package's exports map", () => {
    expect(facts.resolve(at("apps/web/scripts/packages.ts"), "@acme/exports-map/client")).toBe(at("packages/exports-map/src/client.ts"));
  });

  it("falls back to the package folder when its exports point at build output that does not exist", () => {
    expect(facts.resolve(at("apps/web/scripts/packages.ts"), "@acme/built")).toBe(at("packages/built/index.ts"));
  });

  it("uses the nearest tsconfig: each app has its own @/ alias", () => {
    expect(facts.resolve(at("apps/web/scripts/fix-accounts.ts"), "@/lib/prisma")).toBe(at("apps/web/lib/prisma.ts"));
    expect(facts.resolve(at("apps/admin/scripts/report.ts"), "@/db")).toBe(at("apps/admin/src/db.ts"));
    expect(facts.resolve(at("apps/admin/scripts/report.ts"), "@/lib/prisma")).toBeUndefined();
  });

  it("extends a tsconfig published by a workspace package", () => {
    const resolver = new ModuleResolver({ root, workspaces: readWorkspaces(root).packages, generatedDirs: [], snapshot: true });
    const config = resolver.configFor(at("apps/web/scripts"));
    expect(config.file).toBe(at("apps/web/tsconfig.json"));
    expect(config.options.strict).toBe(true);
    expect(config.errors).toEqual([]);
  });
});

describe("pnpm workspace without any tsconfig", () => {
  const { facts, at, root } = factsFor("pnpm");

  it("reads pnpm-workspace.yaml with a YAML parser (quotes, comments, negations)", () => {
    const workspaces = readWorkspaces(root);
    expect([...workspaces.packages.keys()].sort()).toEqual(["@pnpm-fixture/shared", "api"]);
  });

  it("resolves a workspace package from a JavaScript file with TypeScript's defaults", () => {
    expect(facts.resolve(at("apps/api/server.js"), "@pnpm-fixture/shared")).toBe(at("packages/shared/main.js"));
  });
});

describe("nodenext", () => {
  const { facts, at } = factsFor("nodenext");

  it("resolves the .js specifier the compiler wants and the extensionless one tsx accepts", () => {
    expect(facts.resolve(at("src/main.ts"), "./db.js")).toBe(at("src/db.ts"));
    expect(facts.resolve(at("src/main.ts"), "./db")).toBe(at("src/db.ts"));
  });
});

describe("repository modules", () => {
  const { facts, at } = factsFor("resolution", { ignore: ["src/legacy/**"] });

  it("follows only sources inside the root, outside the ignore zone, not declarations", () => {
    expect(facts.isRepoModule(at("src/lib/users.ts"))).toBe(true);
    expect(facts.isRepoModule(at("src/legacy/db.js"))).toBe(false);
    expect(facts.isRepoModule(at("src/legacy/db.d.ts"))).toBe(false);
    expect(facts.isRepoModule(at("README.md"))).toBe(false);
    expect(facts.isRepoModule(path.resolve(at("."), "../imports/src/a.ts"))).toBe(false);
    expect(facts.resolve(at("scripts/legacy.ts"), "../src/legacy/db")).toBeUndefined();
  });

  it("follows only the scanner's files when given", () => {
    const { facts: listed, at: atListed } = factsFor("resolution", {}, { files: [at("scripts/alias.ts")] });
    expect(listed.isRepoModule(atListed("scripts/alias.ts"))).toBe(true);
    expect(listed.isRepoModule(atListed("src/lib/prisma.ts"))).toBe(false);
    expect(listed.imports(atListed("scripts/alias.ts"))[0]?.resolved).toBeUndefined();
  });
});

describe("packageNameOf", () => {
  it("names the package of a bare specifier", () => {
    expect(packageNameOf("@acme/db/client")).toBe("@acme/db");
    expect(packageNameOf("lodash/fp")).toBe("lodash");
    expect(packageNameOf("./x")).toBeUndefined();
    expect(packageNameOf("/abs")).toBeUndefined();
  });
});
