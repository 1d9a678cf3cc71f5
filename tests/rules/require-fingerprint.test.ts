/**
 * RuleTester cases for `require-fingerprint` (SPEC §3 group C, §2 `fingerprint`; issue 6 item 1; seeds
 * 001 and 003). Every clause of the row has invalid cases and near-miss valid cases; where the spec is
 * silent a `// Choice:` comment names the behaviour the case pins down. Imported wrappers, subclasses and
 * factories run on fixtures/rules/require-fingerprint/ through the repository facts.
 */
import path from "node:path";
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/require-fingerprint.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const FINGERPRINT = { functions: ["validateEnvironmentFingerprint", "assertDatabaseUrl"], factories: ["createClient", "createCheckedClient"] };
const CONTRACT = { version: 1, fingerprint: FINGERPRINT };
const ruleTester = createTester(CONTRACT);
const FUNCTIONS = "validateEnvironmentFingerprint, assertDatabaseUrl";

const LIB = repoFile("src/lib/prisma.ts");
const SCRIPT = repoFile("scripts/sync.ts");
const IMPORTS = 'import { PrismaClient } from "@prisma/client";\nimport { validateEnvironmentFingerprint, assertDatabaseUrl } from "./env-fingerprint";\n';

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

/** `IMPORTS` on lines 1-2, `code` from line 3. */
function valid(code: string, extra: Partial<Valid> = {}): Valid {
  return { code: IMPORTS + code, filename: LIB, ...extra };
}

function invalid(code: string, errors: { what: string; line: number; column: number }[], extra: Partial<Invalid> = {}): Invalid {
  return {
    code: IMPORTS + code,
    filename: LIB,
    errors: errors.map(({ what, line, column }) => ({ messageId: "noFingerprint" as const, data: { what, functions: FUNCTIONS }, line, column })),
    ...extra,
  };
}

const at = (what: string, line: number, column: number): { what: string; line: number; column: number } => ({ what, line, column });
const NEW = "new PrismaClient()";

ruleTester.run("require-fingerprint: a call at top level before the new", rule, {
  valid: [
    { code: "", filename: LIB },
    valid("await validateEnvironmentFingerprint(process.env.DATABASE_URL!);\nexport const prisma = new PrismaClient();"),
    valid("assertDatabaseUrl();\nexport const prisma = new PrismaClient();"),
    // The Next.js singleton: the new on the right of `??`.
    valid("await validateEnvironmentFingerprint(url);\nconst g = globalThis as { prisma?: PrismaClient };\nexport const prisma = g.prisma ?? new PrismaClient();"),
    // Choice: a fingerprint function matches by the callee's last name, as ciGuard.functions do (`fp.x()`).
    valid('import * as fp from "./fp";\nawait fp.validateEnvironmentFingerprint(url);\nexport const prisma = new PrismaClient();'),
    // Choice: a call of a function the rule cannot find (a package, an unresolved module) counts awaited or not.
    valid("validateEnvironmentFingerprint(url);\nexport const prisma = new PrismaClient();"),
    // On every path: both branches, or a branch that leaves.
    valid("if (process.env.CI) { await validateEnvironmentFingerprint(a); } else { await validateEnvironmentFingerprint(b); }\nexport const prisma = new PrismaClient();"),
    valid('if (!process.env.DATABASE_URL) { throw new Error("unset"); } else { assertDatabaseUrl(); }\nexport const prisma = new PrismaClient();'),
    // In the test of an enclosing if.
    valid("if (await validateEnvironmentFingerprint(url)) {\n  new PrismaClient();\n}"),
    // try whose catch ends the process.
    valid("try {\n  await validateEnvironmentFingerprint(url);\n} catch (error) {\n  console.error(error);\n  process.exit(1);\n}\nexport const prisma = new PrismaClient();"),
    // A local wrapper that calls it first.
    valid("async function boot() {\n  await validateEnvironmentFingerprint(url);\n}\nawait boot();\nexport const prisma = new PrismaClient();"),
    // CommonJS require, and a namespace of the client package.
    valid('const { PrismaClient: Client } = require("@prisma/client");\nassertDatabaseUrl();\nmodule.exports = new Client();'),
    valid('import * as pkg from "@prisma/client";\nassertDatabaseUrl();\nexport const prisma = new pkg.PrismaClient();'),
    // Not a Prisma client.
    valid('import Redis from "ioredis";\nexport const redis = new Redis();\nclass Cache {}\nexport const cache = new Cache();'),
    // The fingerprint function's own probe client is the check, not a creation.
    valid("export async function validateEnvironmentFingerprint(url: string) {\n  const probe = new PrismaClient({ datasources: { db: { url } } });\n  await probe.$disconnect();\n}"),
    // Tests and ignored files are not checked.
    valid("export const prisma = new PrismaClient();", { filename: repoFile("src/lib/prisma.test.ts") }),
    valid("export const prisma = new PrismaClient();", { filename: repoFile("vendor/prisma.ts"), settings: contractSettings({ ...CONTRACT, ignore: ["vendor/**"] }) }),
  ],
  invalid: [
    invalid("export const prisma = new PrismaClient();", [at(NEW, 3, 23)]),
    // Near-miss: the call comes after the new.
    invalid("export const prisma = new PrismaClient();\nawait validateEnvironmentFingerprint(url);", [at(NEW, 3, 23)]),
    // Near-miss: the call is in a function that is never called.
    invalid("function setup() {\n  assertDatabaseUrl();\n}\nexport const prisma = new PrismaClient();", [at(NEW, 6, 23)]),
    // Only sometimes: in a branch, the right side of &&, a loop.
    invalid("if (process.env.CHECK_DB) await validateEnvironmentFingerprint(url);\nexport const prisma = new PrismaClient();", [at(NEW, 4, 23)]),
    invalid("process.env.CHECK_DB && assertDatabaseUrl();\nexport const prisma = new PrismaClient();", [at(NEW, 4, 23)]),
    invalid("for (const url of urls) await validateEnvironmentFingerprint(url);\nexport const prisma = new PrismaClient();", [at(NEW, 4, 23)]),
    // Choice: a catch that goes on lets the client be created without the check (seed 003: no fallback).
    invalid("try {\n  await validateEnvironmentFingerprint(url);\n} catch (error) {\n  console.warn(error);\n}\nexport const prisma = new PrismaClient();", [at(NEW, 8, 23)]),
    // A local async wrapper that is not awaited has not finished its check.
    invalid("async function boot() {\n  await validateEnvironmentFingerprint(url);\n}\nboot();\nexport const prisma = new PrismaClient();", [at(NEW, 7, 23)]),
    // Choice: an async fingerprint function of this file must be awaited.
    invalid(
      "async function validateEnvironmentFingerprint(url: string) {\n  if (!url) throw new Error();\n}\nvalidateEnvironmentFingerprint(url);\nexport const prisma = new PrismaClient();",
      [at(NEW, 7, 23)],
      { code: 'import { PrismaClient } from "@prisma/client";\nconst url = process.env.DATABASE_URL ?? "";\nasync function validateEnvironmentFingerprint(url: string) {\n  if (!url) throw new Error();\n}\nvalidateEnvironmentFingerprint(url);\nexport const prisma = new PrismaClient();' },
    ),
    // A renamed import and a namespace.
    invalid('import { PrismaClient as Db } from "@prisma/client";\nexport const db = new Db();', [at("new Db()", 4, 19)]),
    invalid('import * as pkg from "@prisma/client";\nexport const db = new pkg.PrismaClient();', [at(NEW, 4, 19)]),
    // Application code and scripts alike: any module that creates a client.
    invalid("export const prisma = new PrismaClient();", [at(NEW, 3, 23)], { filename: SCRIPT }),
  ],
});

ruleTester.run("require-fingerprint: inside functions", rule, {
  valid: [
    // Before the new in the same function.
    valid("export async function getClient() {\n  await validateEnvironmentFingerprint(url);\n  return new PrismaClient();\n}"),
    // A function whose every call comes after the check.
    valid("await validateEnvironmentFingerprint(url);\nmain();\nfunction main() {\n  const prisma = new PrismaClient();\n}"),
    // An exported function nobody here calls runs after the module (and its top-level check) has loaded.
    valid("assertDatabaseUrl();\nexport function getDb() {\n  return new PrismaClient();\n}"),
    // A function that is never used never runs.
    valid("function unused() {\n  return new PrismaClient();\n}"),
    // A class field: preceded when every instance is created after the check.
    valid("class Repository {\n  db = new PrismaClient();\n}\nawait validateEnvironmentFingerprint(url);\nexport const repository = new Repository();"),
    // A callback created after the check.
    valid("await validateEnvironmentFingerprint(url);\nexport const clients = urls.map((url) => new PrismaClient({ datasources: { db: { url } } }));"),
  ],
  invalid: [
    // Near-miss: the check comes after the new in its function.
    invalid("export function getClient() {\n  const client = new PrismaClient();\n  assertDatabaseUrl();\n  return client;\n}", [at(NEW, 4, 18)]),
    // One call of the function runs before the check.
    invalid("function make() {\n  return new PrismaClient();\n}\nmake();\nawait validateEnvironmentFingerprint(url);\nmake();", [at(NEW, 4, 10)]),
    // An early return in the wrapper can skip the check.
    invalid("function boot(skip: boolean) {\n  if (skip) return;\n  assertDatabaseUrl();\n}\nboot(process.argv.includes(\"--fast\"));\nexport const prisma = new PrismaClient();", [at(NEW, 8, 23)]),
    // An exported function with no check anywhere.
    invalid("export function getDb() {\n  return new PrismaClient();\n}", [at(NEW, 4, 10)]),
    // A class field whose instance is created before the check.
    invalid("class Repository {\n  db = new PrismaClient();\n}\nexport const repository = new Repository();\nawait validateEnvironmentFingerprint(url);", [at(NEW, 4, 8)]),
    // The constructor runs where the instance is created (ConnectSA's sync script: the check only without --dry-run).
    invalid(
      'class Sync {\n  private readonly db: PrismaClient;\n  constructor() {\n    this.db = new PrismaClient();\n  }\n}\nasync function main() {\n  if (!process.argv.includes("--dry-run")) await validateEnvironmentFingerprint(url);\n  const sync = new Sync();\n}\nawait main();',
      [at(NEW, 6, 15)],
    ),
  ],
});

ruleTester.run("require-fingerprint: subclasses validating in $connect or connect", rule, {
  valid: [
    valid("class Db extends PrismaClient {\n  async $connect() {\n    await validateEnvironmentFingerprint(url);\n    await super.$connect();\n  }\n}\nexport const db = new Db();"),
    valid("class Db extends PrismaClient {\n  async connect() {\n    assertDatabaseUrl();\n    return super.$connect();\n  }\n}\nexport const db = new Db();"),
    // A subclass of a validating subclass inherits its $connect.
    valid("class Db extends PrismaClient {\n  async $connect() {\n    await validateEnvironmentFingerprint(url);\n    await super.$connect();\n  }\n}\nclass AuditedDb extends Db {}\nexport const db = new AuditedDb();"),
    // A subclass created after a top-level check needs no override.
    valid("class Db extends PrismaClient {}\nawait validateEnvironmentFingerprint(url);\nexport const db = new Db();"),
    // Near-miss of the replica case below: both paths check before their super.$connect().
    valid(
      "class Db extends PrismaClient {\n  async $connect() {\n    if (this.replica) {\n      await validateEnvironmentFingerprint(replicaUrl);\n      return super.$connect();\n    }\n    await validateEnvironmentFingerprint(url);\n    await super.$connect();\n  }\n}\nexport const db = new Db();",
    ),
  ],
  invalid: [
    invalid("class Db extends PrismaClient {}\nexport const db = new Db();", [at("new Db()", 4, 19)]),
    // Near-miss: the check runs after super.$connect().
    invalid("class Db extends PrismaClient {\n  async $connect() {\n    await super.$connect();\n    await validateEnvironmentFingerprint(url);\n  }\n}\nexport const db = new Db();", [at("new Db()", 9, 19)]),
    // Only sometimes (ConnectSA's build-phase skip).
    invalid(
      'class Db extends PrismaClient {\n  async $connect() {\n    if (process.env.NEXT_PHASE !== "phase-production-build") await validateEnvironmentFingerprint(url);\n    await super.$connect();\n  }\n}\nexport const db = new Db();',
      [at("new Db()", 9, 19)],
    ),
    // Every super.$connect() must come after the check, not only the first one written (regression from
    // fixtures/safety-app/scripts/broken/subclass-skips-fingerprint.ts: a replica path that connects unchecked).
    invalid(
      "class Db extends PrismaClient {\n  async $connect() {\n    if (!this.replica) {\n      await validateEnvironmentFingerprint(url);\n      await super.$connect();\n      return;\n    }\n    await super.$connect();\n  }\n}\nexport const db = new Db();",
      [at("new Db()", 13, 19)],
    ),
    // The same with an early return of the unchecked path.
    invalid("class Db extends PrismaClient {\n  async $connect() {\n    if (this.replica) return super.$connect();\n    await validateEnvironmentFingerprint(url);\n    return super.$connect();\n  }\n}\nexport const db = new Db();", [at("new Db()", 10, 19)]),
    // An override of another method does not count.
    invalid("class Db extends PrismaClient {\n  async $disconnect() {\n    assertDatabaseUrl();\n    await super.$connect();\n  }\n}\nexport const db = new Db();", [at("new Db()", 9, 19)]),
  ],
});

ruleTester.run("require-fingerprint: factories", rule, {
  valid: [
    valid('import { createClient } from "./factory";\nassertDatabaseUrl();\nexport const db = createClient();'),
    // The factory's body is not a creation: its calls are.
    valid("export function createClient() {\n  return new PrismaClient();\n}"),
    // A local factory that checks first.
    valid("async function createCheckedClient() {\n  await validateEnvironmentFingerprint(url);\n  return new PrismaClient();\n}\nexport const db = await createCheckedClient();"),
    // A function not listed in factories.
    valid('import { createLogger } from "./log";\nexport const log = createLogger();'),
  ],
  invalid: [
    invalid('import { createClient } from "./factory";\nexport const db = createClient();', [at("createClient()", 4, 19)]),
    invalid('import * as factory from "./factory";\nexport const db = factory.createClient();', [at("createClient()", 4, 19)]),
    // A local factory that does not check, called before any check.
    invalid("function createClient() {\n  return new PrismaClient();\n}\nexport const db = createClient();", [at("createClient()", 6, 19)]),
  ],
});

// RuleTester merges a case's settings into the tester's, so the contract without `fingerprint` gets its own tester.
createTester().run("require-fingerprint: group C is off without fingerprint.functions", rule, {
  valid: [
    valid("export const prisma = new PrismaClient();"),
    valid("class Db extends PrismaClient {}\nexport const db = new Db();", { settings: contractSettings({ version: 1, safety: { backup: ["createBackup"] } }) }),
  ],
  invalid: [],
});

// ---------------------------------------------------------------------------------------------------
// Through the repository facts: fixtures/rules/require-fingerprint/ (library modules on disk; the linted
// files are the cases).

const FIXTURE = path.resolve("fixtures/rules/require-fingerprint");
const factsSettings = { "production-safety": { contract: CONTRACT, root: FIXTURE } };
const IN_FIXTURE = path.join(FIXTURE, "scripts/sync.ts");
const CLIENT = 'import { PrismaClient } from "@prisma/client";\n';

function validWithFacts(code: string, file = IN_FIXTURE): Valid {
  return { code, filename: file, settings: factsSettings };
}

function invalidWithFacts(code: string, what: string, line: number, column: number): Invalid {
  return { code, filename: IN_FIXTURE, settings: factsSettings, errors: [{ messageId: "noFingerprint", data: { what, functions: FUNCTIONS }, line, column }] };
}

ruleTester.run("require-fingerprint: imported wrappers, subclasses and factories (repository facts)", rule, {
  valid: [
    // An imported wrapper that calls a fingerprint function first (named and default import).
    validWithFacts(`${CLIENT}import { checkDatabase } from "../lib/startup.js";\nawait checkDatabase();\nexport const db = new PrismaClient();`),
    validWithFacts(`${CLIENT}import boot from "../lib/startup.js";\nawait boot();\nexport const db = new PrismaClient();`),
    // A synchronous wrapper needs no await.
    validWithFacts(`${CLIENT}import { checkUrl } from "../lib/startup.js";\ncheckUrl();\nexport const db = new PrismaClient();`),
    // An imported subclass whose $connect validates, and one that inherits it.
    validWithFacts('import { CheckedClient, AuditedClient } from "../lib/clients.js";\nexport const db = new CheckedClient();\nexport const audited = new AuditedClient();'),
    // An imported factory that checks first.
    validWithFacts('import { createCheckedClient } from "../lib/factory.js";\nexport const db = await createCheckedClient();'),
    // A hoisted import of a module whose top level checks (also through a module it imports).
    validWithFacts(`${CLIENT}import "../lib/check-fingerprint.js";\nexport const db = new PrismaClient();`),
    validWithFacts(`import { PrismaClient } from "../lib/prisma-reexport.js";\nimport { ready } from "../lib/boot.js";\nexport const db = new PrismaClient();\nconsole.log(ready);`),
    // Not a client class.
    validWithFacts('import { Cache } from "../lib/clients.js";\nexport const cache = new Cache();'),
    // The fingerprint module itself: its probe client is the check.
    validWithFacts(
      'import { PrismaClient } from "@prisma/client";\nexport async function validateEnvironmentFingerprint(url: string) {\n  const probe = new PrismaClient({ datasources: { db: { url } } });\n  await probe.$disconnect();\n}',
      path.join(FIXTURE, "lib/env-fingerprint.ts"),
    ),
  ],
  invalid: [
    // A wrapper that checks only sometimes.
    invalidWithFacts(`${CLIENT}import { maybeCheck } from "../lib/startup.js";\nawait maybeCheck(false);\nexport const db = new PrismaClient();`, NEW, 4, 19),
    // An async wrapper, and an async fingerprint function of a repository module, not awaited.
    invalidWithFacts(`${CLIENT}import { checkDatabase } from "../lib/startup.js";\ncheckDatabase();\nexport const db = new PrismaClient();`, NEW, 4, 19),
    invalidWithFacts(`${CLIENT}import { validateEnvironmentFingerprint } from "../lib/env-fingerprint.js";\nvalidateEnvironmentFingerprint("");\nexport const db = new PrismaClient();`, NEW, 4, 19),
    // Imported subclasses that do not validate before super.$connect().
    invalidWithFacts('import { RetryClient } from "../lib/clients.js";\nexport const db = new RetryClient();', "new RetryClient()", 2, 19),
    invalidWithFacts('import { SkippableClient } from "../lib/clients.js";\nexport const db = new SkippableClient();', "new SkippableClient()", 2, 19),
    // An imported factory that does not check.
    invalidWithFacts('import { createClient } from "../lib/factory.js";\nexport const db = createClient();', "createClient()", 2, 19),
    // Near-miss: the imported module only declares its checks; its top level calls none.
    invalidWithFacts(`${CLIENT}import "../lib/startup.js";\nexport const db = new PrismaClient();`, NEW, 3, 19),
    // PrismaClient re-exported by a repository module.
    invalidWithFacts('import { PrismaClient } from "../lib/prisma-reexport.js";\nexport const db = new PrismaClient();', NEW, 2, 19),
  ],
});
