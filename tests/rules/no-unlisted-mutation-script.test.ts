/**
 * RuleTester cases for `no-unlisted-mutation-script` (SPEC §3 group A row, §6.1 what a mutation script
 * is, §6.3 one finding per file at its first write). Every kind of write (delegate write, `$executeRaw*`,
 * writing SQL at a sink, Prisma CLI write) has invalid cases; the near misses of the issue
 * (`map.delete(k)`, `stripe.customers.update(...)`, `fetch(url, { method: "DELETE" })`, non-database
 * `.create(`) and read-only scripts stay silent, and so does every file whose role gives its writes to
 * another rule. "Is this a database write" itself is tested in tests/analysis/mutations.test.ts.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import path from "node:path";
import { describe } from "vitest";
import rule, { type MessageId } from "../../rules/no-unlisted-mutation-script.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const ruleTester = createTester();

const SCRIPT = repoFile("scripts/backfill.ts");

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  data: Record<string, string>;
  line: number;
  column: number;
}

/** The one finding of a file: its first write. */
function unlisted(what: string, line: number, column: number): Expected {
  return { messageId: "unlisted", data: { what }, line, column };
}

function valid(code: string, filename = SCRIPT, extra: Partial<Valid> = {}): Valid {
  return { code, filename, ...extra };
}

function invalid(code: string, errors: Expected[], filename = SCRIPT, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename, errors, ...extra };
}

const PRISMA = 'import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();\n';

ruleTester.run("no-unlisted-mutation-script: direct writes", rule, {
  valid: [valid("")],
  invalid: [
    invalid(`${PRISMA}await prisma.user.create({ data: { email: "a@b.c" } });`, [unlisted("User.create", 3, 7)]),
    invalid(`${PRISMA}await prisma.user.createMany({ data: [] });`, [unlisted("User.createMany", 3, 7)]),
    invalid(`${PRISMA}await prisma.user.update({ where: { id }, data: { name } });`, [unlisted("User.update", 3, 7)]),
    invalid(`${PRISMA}await prisma.user.updateMany({ data: { active: false } });`, [unlisted("User.updateMany", 3, 7)]),
    invalid(`${PRISMA}await prisma.user.upsert({ where: { id }, create: {}, update: {} });`, [unlisted("User.upsert", 3, 7)]),
    invalid(`${PRISMA}await prisma.user.delete({ where: { id } });`, [unlisted("User.delete", 3, 7)]),
    invalid(`${PRISMA}await prisma.session.deleteMany();`, [unlisted("Session.deleteMany", 3, 7)]),
    invalid(`${PRISMA}await prisma.serviceCategory.createManyAndReturn({ data: [] });`, [unlisted("ServiceCategory.createManyAndReturn", 3, 7)]),
    // $executeRaw* is a write whatever its text says.
    invalid(`${PRISMA}await prisma.$executeRaw\`UPDATE users SET active = false WHERE id = \${id}\`;`, [unlisted("executeRaw", 3, 7)]),
    invalid(`${PRISMA}await prisma.$executeRawUnsafe("SELECT 1");`, [unlisted("executeRaw", 3, 7)]),
    // Writing SQL at a sink.
    invalid('import pg from "pg";\nconst pool = new pg.Pool();\nawait pool.query("DELETE FROM sessions WHERE expires_at < now()");', [unlisted("executeRaw", 3, 7)]),
    invalid(`${PRISMA}const rows = await prisma.$queryRaw\`INSERT INTO audit (event) VALUES (\${e}) RETURNING id\`;`, [unlisted("executeRaw", 3, 20)]),
    // A drizzle `sql` fragment is the sink: the write is at the fragment.
    invalid('await db.execute(sql`TRUNCATE TABLE sessions`);', [unlisted("executeRaw", 1, 18)]),
    // A Prisma CLI write.
    invalid('import { execSync } from "node:child_process";\nexecSync("npx prisma db push --accept-data-loss");', [unlisted("prisma db push", 2, 1)]),
    invalid("await $`npx prisma migrate reset --force`;", [unlisted("prisma migrate reset", 1, 7)]),
    // Writes inside functions, transactions and classes.
    invalid(`${PRISMA}async function main() {\n  await prisma.$transaction(async (tx) => {\n    await tx.order.deleteMany({ where: { test: true } });\n  });\n}\nmain();`, [
      unlisted("Order.deleteMany", 5, 11),
    ]),
    invalid('class Sync {\n  constructor(private readonly prodPrisma: PrismaClient) {}\n  async run() {\n    await this.prodPrisma.service.update({ where: { id: 1 }, data: {} });\n  }\n}', [
      unlisted("Service.update", 4, 11),
    ]),
    // Choice: a real write is enough; a helper module under a script zone that receives the client as a
    // parameter (and loads none itself) still writes when it is called, and is reported.
    invalid('import type { Prisma } from "@prisma/client";\nexport async function wipe(tx: Prisma.TransactionClient) {\n  await tx.user.deleteMany();\n}', [
      unlisted("User.deleteMany", 3, 9),
    ], repoFile("scripts/lib/wipe.ts")),
  ],
});

ruleTester.run("no-unlisted-mutation-script: one finding per file, at its first write", rule, {
  valid: [],
  invalid: [
    invalid(`${PRISMA}await prisma.user.deleteMany();\nawait prisma.post.deleteMany();\nawait prisma.$executeRaw\`TRUNCATE x\`;`, [unlisted("User.deleteMany", 3, 7)]),
    // First in source order, not in run order: the function body comes first in the file.
    invalid(`${PRISMA}async function cleanup() {\n  await prisma.log.deleteMany();\n}\nawait prisma.user.create({ data: {} });\nawait cleanup();`, [unlisted("Log.deleteMany", 4, 9)]),
    // A read before the first write does not count.
    invalid(`${PRISMA}const users = await prisma.user.findMany();\nfor (const u of users) await prisma.user.update({ where: { id: u.id }, data: { n: 1 } });`, [unlisted("User.update", 4, 30)]),
    // A CLI write before a delegate write.
    invalid(`${PRISMA}execSync("npx prisma migrate reset --force");\nawait prisma.user.create({ data: {} });`, [unlisted("prisma migrate reset", 3, 1)]),
  ],
});

ruleTester.run("no-unlisted-mutation-script: read-only scripts and near misses", rule, {
  valid: [
    valid(`${PRISMA}const users = await prisma.user.findMany({ where: { active: true } });\nconsole.log(users.length);\nawait prisma.user.count();\nawait prisma.$disconnect();`),
    valid(`${PRISMA}const rows = await prisma.$queryRaw\`SELECT id FROM users WHERE email = \${email}\`;`),
    valid('import pg from "pg";\nconst pool = new pg.Pool();\nawait pool.query("SELECT count(*) FROM sessions");'),
    valid('const cache = new Map();\ncache.delete(key);\ncache.set(key, 1);'),
    valid('import Stripe from "stripe";\nconst stripe = new Stripe(key);\nawait stripe.customers.update(id, { name });\nawait stripe.customers.create({ email });\nawait stripe.customers.del(id);'),
    valid('await fetch(url, { method: "DELETE" });\nawait fetch(url, { method: "POST", body: JSON.stringify({ create: true }) });'),
    valid('const o = Object.create(null);\nconst d = document.create("x");\nconst job = queue.create("email", {});'),
    valid('await redis.del("k");\nawait fs.promises.rm(dir, { recursive: true });\nawait s3.deleteObject({ Bucket, Key });'),
    // The SQL text is not SQL that writes (log calls are no sinks).
    valid('console.log("delete from the list");\nlogger.info("UPDATE users SET x = 1");'),
    // Read-only Prisma CLI commands.
    valid('execSync("npx prisma generate && npx prisma migrate status");'),
    // Writes through query builders are out of scope for version 1 (SPEC §6.1).
    valid('await knex("users").where({ id }).del();\nawait User.destroy({ where: {} });'),
  ],
  invalid: [],
});

const contract = {
  version: 1,
  scripts: ["**/scripts/**", "**/bin/**", "tools/**"],
  deployScript: "scripts/deploy-db.js",
  deprecatedScripts: ["scripts/old-sync.ts"],
  mutationScripts: {
    "scripts/sync.ts": { operations: ["create"] },
  },
};
const settings = contractSettings(contract);
const WRITE = `${PRISMA}await prisma.user.deleteMany();`;

ruleTester.run("no-unlisted-mutation-script: zones and roles (SPEC §6.2, §6.3)", rule, {
  valid: [
    // Allowlisted: mutation-scope checks its writes, even those outside its operations.
    valid(WRITE, repoFile("scripts/sync.ts"), { settings }),
    // The deploy script and deprecated scripts have their own rules.
    valid('execSync("npx prisma migrate deploy");', repoFile("scripts/deploy-db.js"), { settings }),
    valid(WRITE, repoFile("scripts/old-sync.ts"), { settings }),
    // Outside script zones: application code writes all the time.
    valid(WRITE, repoFile("src/services/users.ts"), { settings }),
    valid(WRITE, repoFile("app/api/admin/route.ts"), { settings }),
    // Tests, migrations and ignored files are not script zones, even under a scripts folder.
    valid(WRITE, repoFile("scripts/backfill.test.ts"), { settings }),
    valid(WRITE, repoFile("prisma/migrations/20250101_x/data.ts"), { settings }),
    valid(WRITE, repoFile("scripts/vendor/x.ts"), { settings: contractSettings({ ...contract, ignore: ["scripts/vendor/**"] }) }),
    // A path that only looks like the allowlisted one.
    valid(WRITE, repoFile("src/scripts-helper.ts"), { settings }),
  ],
  invalid: [
    invalid(WRITE, [unlisted("User.deleteMany", 3, 7)], repoFile("scripts/sync-users.ts"), { settings }),
    invalid(WRITE, [unlisted("User.deleteMany", 3, 7)], repoFile("bin/reset.mjs"), { settings }),
    invalid(WRITE, [unlisted("User.deleteMany", 3, 7)], repoFile("apps/web/scripts/migrations/backfill-links.ts"), { settings }),
    invalid(WRITE, [unlisted("User.deleteMany", 3, 7)], repoFile("tools/fix.ts"), { settings }),
    invalid('const { PrismaClient } = require("@prisma/client");\nconst prisma = new PrismaClient();\nprisma.user.deleteMany().then(() => prisma.$disconnect());', [
      unlisted("User.deleteMany", 3, 1),
    ], repoFile("scripts/reset.cjs"), { settings }),
  ],
});

// Writes through repository modules (and the Prisma schema) come from the repository facts, built on
// fixtures/rules/no-unlisted-mutation-script/ (library modules on disk; the linted scripts are the cases).
const FIXTURE = path.resolve("fixtures/rules/no-unlisted-mutation-script");
const factsSettings = { "production-safety": { contract: { version: 1 }, root: FIXTURE } };

function validWithFacts(code: string, file = "scripts/run.ts"): Valid {
  return { code, filename: path.join(FIXTURE, file), settings: factsSettings };
}

function invalidWithFacts(code: string, errors: Expected[], file = "scripts/run.ts"): Invalid {
  return { code, filename: path.join(FIXTURE, file), settings: factsSettings, errors };
}

function through(via: string, what: string, module: string, line: number, column: number): Expected {
  return { messageId: "unlistedThroughImport", data: { via, what, module }, line, column };
}

describe("with repository facts", () => {

  ruleTester.run("no-unlisted-mutation-script: writes through imported functions", rule, {
    valid: [
      validWithFacts(""),
      // Read-only imported functions, type-only imports.
      validWithFacts('import { listUsers } from "../lib/users";\nconsole.log(await listUsers());'),
      validWithFacts('import type { UserRow } from "../lib/users";\nconst rows: UserRow[] = [];'),
      validWithFacts('import { type UserRow, listUsers } from "../lib/users";\nawait listUsers();'),
      // Choice: importing a mutating function without using it is silent (the module writes nothing when it loads).
      validWithFacts('import { wipeUsers } from "../lib/users";\nconsole.log("dry run");'),
      // Choice: an import with bindings is read through the uses of its bindings, not through what the
      // module does at load (the facts over-approximate load-time writes: a factory called at load
      // "contains" the closures it returns). Regression: ConnectSA-k9 scripts/check-booking-revenue.ts
      // imports `db` from lib/db-utils.ts, built at load by `createDbWrapper()`, and only reads.
      validWithFacts('import { seeded } from "../lib/seed-on-load";\nconsole.log(seeded);'),
      // Choice: a method call on an imported value that is not a module object is not read through the
      // facts (they answer for the whole value: every function written inside it). Regression:
      // ConnectSA-k9 scripts/check-booking-revenue.ts reads through `db.booking.findMany()` of a
      // wrapper whose other methods write; scripts/verify-connection.ts calls `prisma.$connect()`.
      validWithFacts('import { db } from "../lib/db";\nconsole.log(await db.user.findMany());'),
      validWithFacts('import * as lib from "../lib/db";\nconsole.log(await lib.db.user.findMany());'),
      validWithFacts('import { prisma } from "../lib/prisma";\nawait prisma.$connect();'),
      // The client module loads a client but writes nothing.
      validWithFacts('import { prisma } from "../lib/prisma";\nconsole.log(await prisma.user.count());'),
      // With the schema, a delegate must name a model: `customers` is not one (Stripe's API).
      validWithFacts('await stripe.customers.update({ id: "cus_1", name: "x" });'),
      // Outside script zones, imported writes are application code.
      validWithFacts('import { wipeUsers } from "../lib/users";\nawait wipeUsers();', "src/admin.ts"),
    ],
    invalid: [
      invalidWithFacts('import { wipeUsers } from "../lib/users";\nawait wipeUsers();', [through("wipeUsers()", "User.deleteMany", "lib/users.ts", 2, 7)]),
      invalidWithFacts('import { wipeUsers as wipe } from "@/lib/users";\nawait wipe();', [through("wipe()", "User.deleteMany", "lib/users.ts", 2, 7)]),
      invalidWithFacts('import resetAll from "../lib/users";\nawait resetAll();', [through("resetAll()", "User.deleteMany", "lib/users.ts", 2, 7)]),
      invalidWithFacts('import * as users from "../lib/users";\nawait users.wipeUsers();', [through("users.wipeUsers()", "User.deleteMany", "lib/users.ts", 2, 7)]),
      invalidWithFacts('import { pushSchema } from "../lib/users";\npushSchema();', [through("pushSchema()", "prisma db push", "lib/users.ts", 2, 1)]),
      // A function handed on is called: the finding is at the reference.
      invalidWithFacts('import { wipeUsers } from "../lib/users";\nawait Promise.all([1, 2].map(wipeUsers));', [through("wipeUsers()", "User.deleteMany", "lib/users.ts", 2, 30)]),
      invalidWithFacts('const { purge } = require("../lib/users.cjs");\npurge();', [through("purge()", "User.deleteMany", "lib/users.cjs", 2, 1)], "scripts/run.cjs"),
      invalidWithFacts('const users = await import("../lib/users");\nawait users.wipeUsers();', [through("users.wipeUsers()", "User.deleteMany", "lib/users.ts", 2, 7)]),
      // A side-effect load of a module whose top-level code writes.
      invalidWithFacts('import "../lib/seed-on-load";', [through('loading "../lib/seed-on-load"', "User.create", "lib/seed-on-load.ts", 1, 1)]),
      invalidWithFacts('await import("../lib/seed-on-load");', [through('loading "../lib/seed-on-load"', "User.create", "lib/seed-on-load.ts", 1, 7)]),
      // One finding per file, at the first write: a direct write before an imported one, and after it.
      invalidWithFacts(
        'import { wipeUsers } from "../lib/users";\nimport { prisma } from "../lib/prisma";\nawait prisma.user.create({ data: { email: "a" } });\nawait wipeUsers();',
        [unlisted("User.create", 3, 7)],
      ),
      invalidWithFacts(
        'import { wipeUsers } from "../lib/users";\nimport { prisma } from "../lib/prisma";\nawait wipeUsers();\nawait prisma.user.create({ data: { email: "a" } });',
        [through("wipeUsers()", "User.deleteMany", "lib/users.ts", 3, 7)],
      ),
      // A write through such a value is a delegate write of its own, seen directly.
      invalidWithFacts('import { db } from "../lib/db";\nawait db.user.update({ where: { id: 1 }, data: { email: "a" } });', [unlisted("User.update", 2, 7)]),
      // With the schema, any client expression writing a model's delegate is a write, by model name.
      invalidWithFacts("const client = makeClient();\nawait client.customer.update({ where: { id: 1 }, data: { name: \"x\" } });", [unlisted("Customer.update", 2, 7)]),
    ],
  });
});
