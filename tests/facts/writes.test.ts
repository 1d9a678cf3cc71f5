/**
 * Which exported functions write to the database (`mutatingExports`, `exportWrites`), what runs when a
 * module loads (`loadWrites`), and the ESLint seam (`referenceWrites`). Writes are found by the one
 * detector (`getDatabaseWrite`, SPEC §6.16) and Prisma CLI writes by `getPrismaCliCall`, on ESTree +
 * scope-manager trees of the other modules.
 */
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import type { MutationFact } from "../../src/facts/types.js";
import { factsFor, identifierIn } from "./helpers.js";

/** `[operation, model, line]` of each write, for compact assertions. */
function brief(writes: readonly MutationFact[] | undefined): [string, string | undefined, number][] {
  return (writes ?? []).map((w) => [w.operation, w.model, w.line]);
}

describe("exports of lib/users.ts (ESM, with a Prisma schema)", () => {
  const { facts, at } = factsFor("writes");
  const users = at("lib/users.ts");
  const exports = facts.mutatingExports(users);

  it("lists exactly the exports that write", () => {
    expect([...exports.keys()]).toEqual(["UserService", "archivePosts", "createPost", "default", "deploy", "inTransaction", "rawCleanup", "removeAll", "renameUser", "repository", "wipeUsers"]);
  });

  it("a function declaration, an arrow const, and a function under another export name", () => {
    expect(brief(exports.get("wipeUsers"))).toEqual([["deleteMany", "User", 6]]);
    expect(brief(exports.get("removeAll"))).toEqual([["deleteMany", "User", 6]]);
    expect(brief(exports.get("renameUser"))).toEqual([["update", "User", 9]]);
    expect(brief(exports.get("createPost"))).toEqual([["create", "Post", 34]]);
  });

  it("the default export writes through a local call", () => {
    expect(brief(exports.get("default"))).toEqual([["deleteMany", "User", 6]]);
  });

  it("a callback wrapped by another function, a $transaction callback, raw SQL", () => {
    expect(brief(exports.get("archivePosts"))).toEqual([["updateMany", "Post", 20]]);
    expect(brief(exports.get("inTransaction"))).toEqual([["delete", "Post", 25]]);
    expect(exports.get("rawCleanup")).toEqual([{ operation: "executeRaw", model: undefined, tables: ["posts"], file: users, line: 30, column: 9 }]);
  });

  it("a Prisma CLI write, a class method, an object's method", () => {
    expect(brief(exports.get("deploy"))).toEqual([["prisma migrate deploy", undefined, 40]]);
    expect(brief(exports.get("UserService"))).toEqual([["deleteMany", "User", 45]]);
    expect(brief(exports.get("repository"))).toEqual([["update", "User", 50]]);
  });

  it("read-only functions are absent: findMany, Map#delete, fetch with DELETE", () => {
    expect(exports.has("listUsers")).toBe(false);
    expect(exports.has("readOnlyHelpers")).toBe(false);
    expect(facts.exportWrites(users, "listUsers")).toEqual([]);
    expect(facts.exportWrites(users, "noSuchExport")).toEqual([]);
  });

  it("`*` is every export's writes, without duplicates", () => {
    expect(brief(facts.exportWrites(users, "*")).map(([op, , line]) => `${op}@${line}`)).toEqual([
      "deleteMany@6",
      "update@9",
      "updateMany@20",
      "delete@25",
      "executeRaw@30",
      "create@34",
      "prisma migrate deploy@40",
      "deleteMany@45",
      "update@50",
    ]);
  });
});

describe("re-exports and cycles", () => {
  const { facts, at } = factsFor("writes");

  it("export * and export { default as x } from, and export * as ns", () => {
    const reexport = facts.mutatingExports(at("lib/reexport.ts"));
    expect(brief(reexport.get("wipeUsers"))).toEqual([["deleteMany", "User", 6]]);
    expect(brief(reexport.get("resetAllAgain"))).toEqual([["deleteMany", "User", 6]]);
    expect(reexport.get("usersNamespace")?.length).toBe(9);
    // export * never re-exports default
    expect(reexport.has("default")).toBe(false);
    expect(reexport.get("wipeUsers")?.[0]?.file).toBe(at("lib/users.ts"));
  });

  it("functions calling each other across a module cycle share the writes and terminate", () => {
    expect(brief(facts.exportWrites(at("lib/cycle-a.ts"), "a"))).toEqual([["create", "User", 6]]);
    expect(brief(facts.exportWrites(at("lib/cycle-b.ts"), "b"))).toEqual([["create", "User", 6]]);
  });
});

describe("what runs when a module loads", () => {
  const { facts, at } = factsFor("writes");

  it("a script calling imported functions from its top level (named, namespace member, default)", () => {
    expect(facts.loadWrites(at("scripts/uses-imported.ts")).map((w) => `${w.operation}@${w.line}`)).toEqual(["deleteMany@6", "update@9"]);
  });

  it("a read-only script loads no write", () => {
    expect(facts.loadWrites(at("scripts/read-only.ts"))).toEqual([]);
  });

  it("importing a module that writes at its top level is a write", () => {
    expect(facts.loadWrites(at("scripts/imports-seed.ts"))).toEqual([{ operation: "create", model: "User", file: at("lib/seed-on-load.ts"), line: 3, column: 7 }]);
  });

  it("a handler registered at load is not run at load", () => {
    expect(facts.loadWrites(at("scripts/imports-routes.ts"))).toEqual([]);
    expect(brief(facts.exportWrites(at("lib/routes.ts"), "POST"))).toEqual([["delete", "User", 5]]);
  });

  it("type imports load nothing", () => {
    expect(facts.loadWrites(at("scripts/type-import.ts"))).toEqual([]);
  });
});

describe("members of objects and classes", () => {
  const { facts, at } = factsFor("writes");

  it("calling a read-only method of an imported instance or object, or constructing a class, loads no write", () => {
    expect(facts.loadWrites(at("scripts/service-read.ts"))).toEqual([]);
  });

  it("calling a writing method reaches exactly that method", () => {
    expect(brief(facts.loadWrites(at("scripts/service-write.ts")))).toEqual([
      ["deleteMany", "User", 11],
      ["deleteMany", "User", 19],
    ]);
  });

  it("an export used as a whole reaches every member; a subclass's unknown members fail closed", () => {
    expect(brief(facts.exportWrites(at("lib/services.ts"), "repo"))).toEqual([["deleteMany", "User", 19]]);
    expect(brief(facts.exportWrites(at("lib/services.ts"), "accounts"))).toEqual([["deleteMany", "User", 11]]);
    expect(brief(facts.loadWrites(at("scripts/service-extended.ts")))).toEqual([["deleteMany", "User", 11]]);
  });
});

describe("CommonJS", () => {
  const { facts, at } = factsFor("commonjs");

  it("module.exports = { ... } with shorthand and inline properties, and the whole object as default", () => {
    const exports = facts.mutatingExports(at("lib/db.js"));
    expect([...exports.keys()]).toEqual(["archive", "default", "purgeSessions"]);
    expect(brief(exports.get("purgeSessions"))).toEqual([["deleteMany", "Session", 6]]);
    expect(brief(exports.get("archive"))).toEqual([["updateMany", "Session", 13]]);
  });

  it("exports.x = and module.exports.x =", () => {
    const exports = facts.mutatingExports(at("lib/exports-style.js"));
    expect([...exports.keys()]).toEqual(["touch"]);
  });

  it("module.exports = function, called through a whole-module require", () => {
    expect(brief(facts.exportWrites(at("lib/single.js"), "default"))).toEqual([["deleteMany", "Session", 6]]);
    expect(brief(facts.loadWrites(at("scripts/reset.js")))).toEqual([["deleteMany", "Session", 6]]);
  });

  it("a top-level write through a client bound at the top level (module scope)", () => {
    expect(brief(facts.loadWrites(at("lib/boot.js")))).toEqual([["deleteMany", "Session", 6]]);
  });

  it("a destructured require, a member of a required module, a destructured dynamic import", () => {
    expect(brief(facts.loadWrites(at("scripts/purge.js")))).toEqual([["deleteMany", "Session", 6]]);
    expect(facts.loadWrites(at("scripts/count.js"))).toEqual([]);
    // `const purge = require("../lib/db").purgeSessions`, called in an exported function.
    expect(brief(facts.exportWrites(at("scripts/count.js"), "later"))).toEqual([["deleteMany", "Session", 6]]);
    expect(brief(facts.loadWrites(at("scripts/lazy.mjs")))).toEqual([["update", "Session", 4]]);
  });
});


describe("referenceWrites (the ESLint seam)", () => {
  const { facts, at } = factsFor("writes");
  const file = at("scripts/uses-imported.ts");
  const text = 'import { wipeUsers, listUsers } from "../lib/users";\nimport * as users from "../lib/users";\nconst { prisma } = require("../lib/prisma");\nconst wipeUsersLocal = () => 1;\nawait wipeUsers();\nawait users.renameUser(1);\nawait users.listUsers();\nawait listUsers();\nwipeUsersLocal();\n';

  it("an imported function's writes at its call", () => {
    const { identifier, scope } = identifierIn(file, text, "wipeUsers");
    expect(brief(facts.referenceWrites(file, identifier, scope))).toEqual([["deleteMany", "User", 6]]);
  });

  it("a namespace member picks that export", () => {
    const { identifier, scope } = identifierIn(file, text, "users", 0);
    expect(brief(facts.referenceWrites(file, identifier, scope))).toEqual([["update", "User", 9]]);
    const second = identifierIn(file, text, "users", 1);
    expect(facts.referenceWrites(file, second.identifier, second.scope)).toEqual([]);
  });

  it("a member of an imported object narrows to that member", () => {
    const serviceFile = at("scripts/service-write.ts");
    const serviceText = 'import { repo } from "../lib/services";\nawait repo.read();\nawait repo.wipe();\n';
    const read = identifierIn(serviceFile, serviceText, "repo", 0);
    expect(facts.referenceWrites(serviceFile, read.identifier, read.scope)).toEqual([]);
    const wipe = identifierIn(serviceFile, serviceText, "repo", 1);
    expect(brief(facts.referenceWrites(serviceFile, wipe.identifier, wipe.scope))).toEqual([["deleteMany", "User", 19]]);
  });

  it("read-only imports, a required object that is not a function, and local functions give nothing", () => {
    for (const name of ["listUsers", "prisma", "wipeUsersLocal"]) {
      const { identifier, scope } = identifierIn(file, text, name);
      expect(facts.referenceWrites(file, identifier, scope), name).toEqual([]);
    }
  });
});

describe("parsedModule (shared detectors on other modules)", () => {
  const { facts, at } = factsFor("writes");

  it("gives the tree with parents and the scopes of a repository module, cached by content", () => {
    const parsed = facts.parsedModule?.(at("lib/users.ts"));
    expect(parsed?.file).toBe(at("lib/users.ts"));
    const first = parsed?.ast.body[0];
    expect(first?.type).toBe(AST_NODE_TYPES.ImportDeclaration);
    expect(first?.parent).toBe(parsed?.ast);
    const moduleScope = parsed?.scopeManager.scopes.find((s) => s.type === "module");
    expect(moduleScope?.set.has("wipeUsers")).toBe(true);
    expect(facts.parsedModule?.(at("lib/users.ts"))).toBe(parsed);
  });

  it("gives nothing for a file that is not a repository module or does not exist", () => {
    expect(facts.parsedModule?.(at("README.md"))).toBeUndefined();
    expect(facts.parsedModule?.(at("lib/missing.ts"))).toBeUndefined();
  });
});
