/**
 * Writes tracked member by member (fixtures/facts/members/, modelled on Molemo21/ConnectSA-k9): a call
 * on a member of an exported value reaches only that member's writes when the member is known (an object
 * literal a factory returns, a class's methods, an instance of a class), and the whole value only when it
 * cannot be known. Constructing a client runs its constructor, not its methods, and an override that
 * only forwards the client's own `$executeRaw` is no write of its own: the write is where `$executeRaw`
 * is called.
 */
import { describe, expect, it } from "vitest";
import type { MutationFact } from "../../src/facts/types.js";
import { factsFor, identifierIn } from "./helpers.js";

/** `operation model@file:line` of each write, for compact assertions. */
function brief(writes: readonly MutationFact[], root: string): string[] {
  return writes.map((w) => `${w.model === undefined ? "" : `${w.model}.`}${w.operation}@${w.file.slice(root.length + 1)}:${w.line}`);
}

/** Every write of the wrapper's closures (lib/db-utils.ts), which the whole `db` value reaches. */
const EVERY_CLOSURE = ["User.update@lib/db-utils.ts:38", "User.create@lib/db-utils.ts:39", "Booking.delete@lib/db-utils.ts:43", "executeRaw@lib/db-utils.ts:45"];

describe("a factory's result: `export const db = createDbWrapper()` (ConnectSA-k9 lib/db-utils.ts, lib/auth.ts)", () => {
  const { facts, root, at } = factsFor("members");

  it("a function that only reads through `db.user.findFirst` writes nothing", () => {
    expect(brief(facts.exportWrites(at("lib/auth.ts"), "getCurrentUser"), root)).toEqual([]);
  });

  it("a function calling `db.user.update` reaches that closure only", () => {
    // The call itself is also a delegate write seen directly (`db` names a client).
    expect(brief(facts.exportWrites(at("lib/auth.ts"), "touchUser"), root)).toEqual(["User.update@lib/auth.ts:11", "User.update@lib/db-utils.ts:38"]);
    expect(brief(facts.exportWrites(at("lib/maintenance.ts"), "fixStatuses"), root)).toEqual(["executeRaw@lib/db-utils.ts:45", "executeRaw@lib/maintenance.ts:5"]);
  });

  it("a member that neither returned object has writes nothing (both object literals are complete)", () => {
    expect(brief(facts.exportWrites(at("lib/auth.ts"), "logAudit"), root)).toEqual([]);
  });

  it("a member chosen at run time, or the value handed on, is the whole value: every closure", () => {
    expect(brief(facts.exportWrites(at("lib/auth.ts"), "countOf"), root)).toEqual(EVERY_CLOSURE);
    expect(brief(facts.exportWrites(at("lib/auth.ts"), "rawClient"), root)).toEqual(EVERY_CLOSURE);
    expect(brief(facts.exportWrites(at("lib/db-utils.ts"), "db"), root)).toEqual(EVERY_CLOSURE);
  });

  it("building the value at load runs the factory, not the closures it returns", () => {
    expect(facts.loadWrites(at("lib/db-utils.ts"))).toEqual([]);
    expect(facts.loadWrites(at("lib/auth.ts"))).toEqual([]);
  });

  it("a script that only asks for the current user writes nothing (ConnectSA-k9 scripts/test-dashboard-fixes.js); one that touches a user does", () => {
    expect(facts.loadWrites(at("scripts/dashboard-check.js"))).toEqual([]);
    expect(brief(facts.loadWrites(at("scripts/touch-user.ts")), root)).toEqual(["User.update@lib/auth.ts:11", "User.update@lib/db-utils.ts:38"]);
  });

  it("the retry helper only tests, connects and disconnects the client", () => {
    expect(facts.exportWrites(at("lib/db-utils.ts"), "withRetry")).toEqual([]);
  });
});

describe("a client subclass: `class PrismaWithRetry extends PrismaClient` (ConnectSA-k9 lib/prisma.ts)", () => {
  const { facts, root, at } = factsFor("members");

  it("loading the client module, or a module that builds on it, writes nothing", () => {
    expect(facts.loadWrites(at("lib/prisma.ts"))).toEqual([]);
    expect(facts.loadWrites(at("scripts/warm-client.js"))).toEqual([]);
  });

  it("the instance as a whole writes nothing: its `$executeRaw` override only forwards to `super.$executeRaw`", () => {
    expect(facts.exportWrites(at("lib/prisma.ts"), "prisma")).toEqual([]);
    expect(facts.exportWrites(at("lib/prisma.ts"), "default")).toEqual([]);
    expect(facts.mutatingExports(at("lib/prisma.ts")).size).toBe(0);
    expect(facts.loadWrites(at("scripts/report-client.ts"))).toEqual([]);
  });

  it("a real write is where `$executeRaw` is called", () => {
    expect(brief(facts.exportWrites(at("lib/maintenance.ts"), "resetFlags"), root)).toEqual(["executeRaw@lib/maintenance.ts:9"]);
  });
});

describe("class instance methods", () => {
  const { facts, root, at } = factsFor("members");

  it("a read-only method of an instance writes nothing; a method reaches the methods it calls through `this`", () => {
    expect(facts.loadWrites(at("scripts/repository-read.ts"))).toEqual([]);
    expect(brief(facts.loadWrites(at("scripts/repository-clean.ts")), root)).toEqual(["User.delete@lib/repository.ts:9"]);
  });

  it("the class or its instance as a whole reaches every method", () => {
    expect(brief(facts.exportWrites(at("lib/repository.ts"), "users"), root)).toEqual(["User.delete@lib/repository.ts:9"]);
    expect(brief(facts.exportWrites(at("lib/repository.ts"), "UserRepository"), root)).toEqual(["User.delete@lib/repository.ts:9"]);
  });
});


describe("referenceWrites (the ESLint seam) on these modules", () => {
  const { facts, root, at } = factsFor("members");
  const file = at("scripts/check.ts");
  const text = [
    'import { getCurrentUser, touchUser } from "../lib/auth";',
    'import prisma from "../lib/prisma";',
    "async function report(client: unknown) { return client; }",
    "const user = await getCurrentUser(undefined);",
    "await report(prisma);",
    "if (!prisma) process.exit(1);",
    "await touchUser(user.id);",
    "",
  ].join("\n");

  it("calling a read-only function, handing the client on, testing it: nothing", () => {
    const call = identifierIn(file, text, "getCurrentUser");
    expect(facts.referenceWrites(file, call.identifier, call.scope)).toEqual([]);
    const handed = identifierIn(file, text, "prisma", 0);
    expect(facts.referenceWrites(file, handed.identifier, handed.scope)).toEqual([]);
    const tested = identifierIn(file, text, "prisma", 1);
    expect(facts.referenceWrites(file, tested.identifier, tested.scope)).toEqual([]);
  });

  it("calling a function that writes through the wrapper: its writes", () => {
    const call = identifierIn(file, text, "touchUser");
    expect(brief(facts.referenceWrites(file, call.identifier, call.scope), root)).toEqual(["User.update@lib/auth.ts:11", "User.update@lib/db-utils.ts:38"]);
  });
});
