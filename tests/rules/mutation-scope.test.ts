/**
 * RuleTester cases for `mutation-scope` (SPEC §3 group A row `mutation-scope`, §2 `mutationScripts`,
 * §6.3). Each clause has invalid cases and near misses: operations (delegate methods, `executeRaw`,
 * Prisma CLI commands), tables (model names; `@@map` tables with a schema), columns (`data`, `create` and
 * `update` of `upsert`, `createMany` arrays, spreads of local objects; `where` is not a write), payloads
 * that cannot be read (fail closed), nested relation writes, and raw SQL tables and columns. The entries
 * are small cases modelled on a real reference-data sync (a script that creates and updates two
 * reference tables and nothing else), not copies of it.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import path from "node:path";
import { describe } from "vitest";
import rule, { type MessageId } from "../../rules/mutation-scope.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const SYNC = "scripts/sync-reference-data.ts";
const CLEANUP = "scripts/cleanup-demo.ts";
const RAW = "scripts/raw-sync.ts";
const RESOLVE = "scripts/resolve-migrations.js";
const LINKS = "scripts/relink.ts";
const BULK = "scripts/bulk-import.ts";
const OPEN = "scripts/open.ts";

const SERVICE_COLUMNS = ["name", "description", "categoryId", "basePrice", "isActive"];
const CATEGORY_COLUMNS = ["name", "description", "icon", "isActive", "parent"];

const contract = {
  version: 1,
  deployScript: "scripts/deploy-db.js",
  deprecatedScripts: ["scripts/old-sync.ts"],
  mutationScripts: {
    [SYNC]: { operations: ["create", "update", "upsert"], tables: { Service: SERVICE_COLUMNS, ServiceCategory: CATEGORY_COLUMNS } },
    [CLEANUP]: { operations: ["deleteMany", "executeRaw"] },
    [RAW]: { operations: ["executeRaw"], tables: { services: ["name", "is_active"], audit_log: "*", sessions: [] } },
    [RESOLVE]: { operations: ["prisma migrate resolve"] },
    [LINKS]: { operations: ["update", "create"] },
    [BULK]: { operations: ["createMany", "updateMany"], tables: { Service: ["name", "isActive"] } },
    [OPEN]: { operations: ["create", "update", "deleteMany"], tables: { Service: "*" } },
  },
};

// The tester's own contract is the default one: every case passes its contract in `settings`, since
// ESLint deep-merges a case's settings into the tester's (two contracts would mix).
const ruleTester = createTester();
const settings = contractSettings(contract);

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  data: Record<string, string>;
  line: number;
  column: number;
}

const SYNC_OPERATIONS = "create, update, upsert";
const SYNC_TABLES = "Service, ServiceCategory";

function at(messageId: MessageId, data: Record<string, string>, line: number, column: number): Expected {
  return { messageId, data, line, column };
}

function valid(code: string, file = SYNC, extra: Partial<Valid> = {}): Valid {
  return { code, filename: repoFile(file), settings, ...extra };
}

function invalid(code: string, errors: Expected[], file = SYNC, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename: repoFile(file), errors, settings, ...extra };
}

/** Prefix: a client, so every write below is on line 3 or later. */
const P = 'import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();\n';

ruleTester.run("mutation-scope: operations", rule, {
  valid: [
    valid(""),
    valid(`${P}await prisma.service.create({ data: { name: "Plumbing" } });\nawait prisma.service.update({ where: { id }, data: { isActive: false } });`),
    valid(`${P}await prisma.service.upsert({ where: { name }, create: { name }, update: { description } });`),
    // Reads are not mutations.
    valid(`${P}const all = await prisma.booking.findMany({ where: { serviceId } });\nawait prisma.user.count();\nawait prisma.$queryRaw\`SELECT 1\`;`),
    valid(`${P}await prisma.user.deleteMany({ where: { demo: true } });\nawait prisma.$executeRaw\`DELETE FROM sessions\`;`, CLEANUP),
    valid('execSync("npx prisma migrate resolve --applied 20250101_init");', RESOLVE),
    // Read-only Prisma commands are not mutations.
    valid('execSync("npx prisma generate && npx prisma migrate status");', RESOLVE),
    // Near misses that are not database writes.
    valid("const m = new Map();\nm.delete(k);\nawait stripe.customers.update(id, { email });\nawait fetch(url, { method: 'DELETE' });", SYNC),
  ],
  invalid: [
    invalid(`${P}await prisma.service.delete({ where: { id } });`, [at("operationNotAllowed", { operation: "delete", allowed: SYNC_OPERATIONS }, 3, 7)]),
    invalid(`${P}await prisma.service.deleteMany();`, [at("operationNotAllowed", { operation: "deleteMany", allowed: SYNC_OPERATIONS }, 3, 7)]),
    invalid(`${P}await prisma.service.createMany({ data: [] });`, [at("operationNotAllowed", { operation: "createMany", allowed: SYNC_OPERATIONS }, 3, 7)]),
    invalid(`${P}await prisma.service.updateMany({ data: { isActive: false } });`, [at("operationNotAllowed", { operation: "updateMany", allowed: SYNC_OPERATIONS }, 3, 7)]),
    invalid(`${P}await prisma.$executeRaw\`UPDATE services SET is_active = false\`;`, [at("operationNotAllowed", { operation: "executeRaw", allowed: SYNC_OPERATIONS }, 3, 7)]),
    // Writing SQL at a sink is `executeRaw` too.
    invalid(`${P}await prisma.$queryRaw\`INSERT INTO services (name) VALUES ('x') RETURNING id\`;`, [at("operationNotAllowed", { operation: "executeRaw", allowed: SYNC_OPERATIONS }, 3, 7)]),
    // Choice: the *AndReturn variants are their own operations (the contract schema lists them apart).
    invalid(`${P}await prisma.service.createManyAndReturn({ data: [] });`, [at("operationNotAllowed", { operation: "createManyAndReturn", allowed: "createMany, updateMany" }, 3, 7)], BULK),
    invalid(`${P}await prisma.user.update({ where: { id }, data: { name } });`, [at("operationNotAllowed", { operation: "update", allowed: "deleteMany, executeRaw" }, 3, 7)], CLEANUP),
    // Prisma CLI commands are operations too.
    invalid('execSync("npx prisma migrate deploy");', [at("operationNotAllowed", { operation: "prisma migrate deploy", allowed: "prisma migrate resolve" }, 1, 1)], RESOLVE),
    invalid('spawnSync("npx", ["prisma", "migrate", "reset", "--force"]);', [at("operationNotAllowed", { operation: "prisma migrate reset", allowed: "prisma migrate resolve" }, 1, 1)], RESOLVE),
    invalid('execSync("npx prisma db push");', [at("operationNotAllowed", { operation: "prisma db push", allowed: SYNC_OPERATIONS }, 1, 1)]),
    invalid("execSync(`npx prisma migrate ${action} --applied x`);", [at("unverifiableCommand", { command: "prisma migrate <unknown>" }, 1, 1)], RESOLVE),
    // Every write is checked: two findings for two writes.
    invalid(`${P}await prisma.service.delete({ where: { id: 1 } });\nawait prisma.serviceCategory.deleteMany();`, [
      at("operationNotAllowed", { operation: "delete", allowed: SYNC_OPERATIONS }, 3, 7),
      at("operationNotAllowed", { operation: "deleteMany", allowed: SYNC_OPERATIONS }, 4, 7),
    ]),
    // Inside a transaction callback.
    invalid(`${P}await prisma.$transaction(async (tx) => {\n  await tx.service.delete({ where: { id } });\n});`, [
      at("operationNotAllowed", { operation: "delete", allowed: SYNC_OPERATIONS }, 4, 9),
    ]),
  ],
});

ruleTester.run("mutation-scope: tables", rule, {
  valid: [
    // Without `tables`, any table.
    valid(`${P}await prisma.booking.deleteMany({ where: { demo: true } });\nawait prisma.$executeRaw\`DELETE FROM anything WHERE x = \${y}\`;`, CLEANUP),
    // `where` may name any column; reads of other models are fine.
    valid(`${P}const user = await prisma.user.findFirst();\nawait prisma.serviceCategory.update({ where: { ownerId: user.id, slug: "x" }, data: { icon: "i" } });`),
    // A model allowed with "*": any column.
    valid(`${P}await prisma.service.create({ data: { name, price, secret: 1, ...input } });\nawait prisma.service.update(args);`, OPEN),
  ],
  invalid: [
    invalid(`${P}await prisma.user.update({ where: { id }, data: { name: "x" } });`, [at("tableNotAllowed", { operation: "update", table: "User", allowed: SYNC_TABLES }, 3, 7)]),
    invalid(`${P}await prisma.booking.create({ data: { serviceId } });`, [at("tableNotAllowed", { operation: "create", table: "Booking", allowed: SYNC_TABLES }, 3, 7)]),
    // Choice: without a Prisma schema a key matches the model name only, case-sensitively (the table
    // name of an unmapped model is its name).
    invalid(`${P}await prisma.service.update({ where: { id }, data: { name } });`, [at("tableNotAllowed", { operation: "update", table: "Service", allowed: "services, audit_log, sessions" }, 3, 7)], RAW, {
      settings: contractSettings({ ...contract, mutationScripts: { [RAW]: { operations: ["update"], tables: { services: ["name", "is_active"], audit_log: "*", sessions: [] } } } }),
    }),
    // A model that is not known statically cannot be checked against `tables` (fail closed).
    invalid(`${P}await prisma[model].update({ where: { id }, data: { name } });`, [at("unverifiableTable", { operation: "update" }, 3, 7)]),
    // Choice: one finding per write: a table outside `tables` is not also checked column by column.
    invalid(`${P}await prisma.user.create({ data: { password: "x", role: "admin" } });`, [at("tableNotAllowed", { operation: "create", table: "User", allowed: SYNC_TABLES }, 3, 7)]),
    invalid(`${P}await prisma.user.deleteMany();`, [at("tableNotAllowed", { operation: "deleteMany", table: "User", allowed: "Service" }, 3, 7)], OPEN),
  ],
});

ruleTester.run("mutation-scope: columns of delegate payloads", rule, {
  valid: [
    valid(`${P}await prisma.service.create({\n  data: { name: s.name, description: s.description, categoryId, basePrice: s.basePrice, isActive: true },\n  select: { id: true, secret: true },\n});`),
    valid(`${P}await prisma.service.update({ where: { id, ownerId }, data: { description, isActive }, include: { category: true } });`),
    valid(`${P}await prisma.serviceCategory.upsert({ where: { name }, create: { name, icon }, update: { icon } });`),
    // String-literal and static computed keys.
    valid(`${P}const KEY = "isActive";\nawait prisma.service.update({ where: { id }, data: { "name": n, [KEY]: true, [\`description\`]: d } });`),
    // Spreads of local object literals (also nested, also through a const arguments object).
    valid(`${P}const base = { name: "x", isActive: true };\nconst more = { ...base, description: "d" };\nawait prisma.service.create({ data: { ...more, basePrice: 1 } });`),
    valid(`${P}const args = { where: { id }, data: { isActive: false } };\nawait prisma.service.update(args);`),
    valid(`${P}await prisma.service.update({ where: { id }, data: dryRun ? { isActive: false } : { isActive: true, name } });`),
    valid(`${P}await prisma.service.update({ where: { id }, data: { name, ...(icon && { description: icon }), ...(extra ? { isActive: true } : {}) } });`),
    valid(`${P}const patch = { name };\nconsole.log(patch);\nawait prisma.service.update({ where: { id }, data: patch });`),
    // createMany arrays and `.map` callbacks that return object literals.
    valid(`${P}await prisma.service.createMany({ data: [{ name: "a" }, { name: "b", isActive: false }], skipDuplicates: true });`, BULK),
    valid(`${P}await prisma.service.createMany({ data: rows.map((r) => ({ name: r.name, isActive: r.active })) });`, BULK),
    valid(`${P}await prisma.service.createMany({ data: rows.map(function (r) { const name = r.n; return { name }; }) });`, BULK),
    valid(`${P}await prisma.service.updateMany({ where: { name: { in: names } }, data: { isActive: false }, limit: 10 });`, BULK),
    // Choice: a relation field that only changes the link (`connect`, `disconnect`, `set`) is checked
    // as a column by its field name; `parent` is in the ServiceCategory list.
    valid(`${P}await prisma.serviceCategory.update({ where: { id }, data: { parent: { connect: { id: parentId } } } });`),
    // Without a schema, an object of scalar operations is a column write (`isActive` is allowed).
    valid(`${P}await prisma.service.update({ where: { id }, data: { basePrice: { increment: 5 } } });`),
    // No payload, no columns.
    valid(`${P}await prisma.service.deleteMany({ where: { name: { startsWith: "tmp" } } });`, OPEN),
  ],
  invalid: [
    invalid(`${P}await prisma.service.create({ data: { name, price: 10 } });`, [
      at("columnNotAllowed", { table: "Service", column: "price", allowed: SERVICE_COLUMNS.join(", ") }, 3, 45),
    ]),
    // Every column outside the list, each at its key, shorthand included.
    invalid(`${P}await prisma.service.update({\n  where: { id },\n  data: { ownerId, isActive: true, "createdAt": now },\n});`, [
      at("columnNotAllowed", { table: "Service", column: "ownerId", allowed: SERVICE_COLUMNS.join(", ") }, 5, 11),
      at("columnNotAllowed", { table: "Service", column: "createdAt", allowed: SERVICE_COLUMNS.join(", ") }, 5, 36),
    ]),
    // upsert: both `create` and `update` are writes; `where` is not.
    invalid(`${P}await prisma.serviceCategory.upsert({ where: { slug }, create: { name, slug }, update: { sortOrder: 1 } });`, [
      at("columnNotAllowed", { table: "ServiceCategory", column: "slug", allowed: CATEGORY_COLUMNS.join(", ") }, 3, 72),
      at("columnNotAllowed", { table: "ServiceCategory", column: "sortOrder", allowed: CATEGORY_COLUMNS.join(", ") }, 3, 90),
    ]),
    // createMany arrays: every element.
    invalid(`${P}await prisma.service.createMany({ data: [{ name: "a" }, { name: "b", basePrice: 3 }] });`, [
      at("columnNotAllowed", { table: "Service", column: "basePrice", allowed: "name, isActive" }, 3, 70),
    ], BULK),
    invalid(`${P}await prisma.service.createMany({ data: rows.map((r) => ({ name: r.name, secret: r.s })) });`, [
      at("columnNotAllowed", { table: "Service", column: "secret", allowed: "name, isActive" }, 3, 74),
    ], BULK),
    // A spread of a local object: the column is reported where the object writes it.
    invalid(`${P}const base = { name: "x", price: 1 };\nawait prisma.service.create({ data: { ...base, isActive: true } });`, [
      at("columnNotAllowed", { table: "Service", column: "price", allowed: SERVICE_COLUMNS.join(", ") }, 3, 27),
    ]),
    // Choice: a key of a local object spread into two writes is one finding, where the object writes it.
    invalid(`${P}const base = { price: 1 };\nawait prisma.service.create({ data: { ...base, name } });\nawait prisma.service.update({ where: { id }, data: { ...base } });`, [
      at("columnNotAllowed", { table: "Service", column: "price", allowed: SERVICE_COLUMNS.join(", ") }, 3, 16),
    ]),
    invalid(`${P}const args = { data: { name, internalNotes: "n" } };\nawait prisma.service.create(args);`, [
      at("columnNotAllowed", { table: "Service", column: "internalNotes", allowed: SERVICE_COLUMNS.join(", ") }, 3, 30),
    ]),
    // Both branches of a conditional are possible writes.
    invalid(`${P}await prisma.service.update({ where: { id }, data: force ? { ownerId: null } : { isActive: true } });`, [
      at("columnNotAllowed", { table: "Service", column: "ownerId", allowed: SERVICE_COLUMNS.join(", ") }, 3, 62),
    ]),
    // Choice: a relation field that changes the link is checked by its field name (`category` is not
    // listed; `categoryId` is).
    invalid(`${P}await prisma.service.update({ where: { id }, data: { category: { connect: { id: c } } } });`, [
      at("columnNotAllowed", { table: "Service", column: "category", allowed: SERVICE_COLUMNS.join(", ") }, 3, 54),
    ]),
  ],
});

ruleTester.run("mutation-scope: payloads that cannot be read (fail closed)", rule, {
  valid: [
    // Nothing to verify where the table allows any column.
    valid(`${P}await prisma.service.update({ where: { id }, data: input });`, OPEN),
    // Without `tables`, columns are not checked.
    valid(`${P}await prisma.post.update({ where: { id }, data: input });`, LINKS),
  ],
  invalid: [
    invalid(`${P}export async function save(args) {\n  await prisma.service.create(args);\n}`, [
      at("unverifiablePayload", { part: "arguments object", operation: "create", table: "Service" }, 4, 31),
    ]),
    invalid(`${P}await prisma.service.update({ where: { id }, data: input });`, [
      at("unverifiablePayload", { part: "data value", operation: "update", table: "Service" }, 3, 52),
    ]),
    invalid(`${P}await prisma.service.create({ data: { ...devService, isActive: true } });`, [
      at("unverifiablePayload", { part: "spread", operation: "create", table: "Service" }, 3, 39),
    ]),
    invalid(`${P}await prisma.service.update({ where: { id }, data: { [field]: value } });`, [
      at("unverifiablePayload", { part: "computed key", operation: "update", table: "Service" }, 3, 55),
    ]),
    // A `let` may be reassigned; a const object that is modified later is not what it was declared.
    invalid(`${P}let data = { name };\nawait prisma.service.create({ data });`, [
      at("unverifiablePayload", { part: "data value", operation: "create", table: "Service" }, 4, 31),
    ]),
    invalid(`${P}const data = { name };\ndata.ownerId = 1;\nawait prisma.service.create({ data });`, [
      at("unverifiablePayload", { part: "data value", operation: "create", table: "Service" }, 5, 31),
    ]),
    invalid(`${P}const data = { name };\nObject.assign(data, extra);\nawait prisma.service.create({ data });`, [
      at("unverifiablePayload", { part: "data value", operation: "create", table: "Service" }, 5, 31),
    ]),
    invalid(`${P}await prisma.service.create({ data: buildData(s) });`, [
      at("unverifiablePayload", { part: "data value", operation: "create", table: "Service" }, 3, 37),
    ]),
    invalid(`${P}await prisma.service.create(...calls);`, [at("unverifiablePayload", { part: "arguments object", operation: "create", table: "Service" }, 3, 29)]),
    // A computed key in the arguments object may be `data`.
    invalid(`${P}await prisma.service.create({ [k]: { name } });`, [at("unverifiablePayload", { part: "computed key", operation: "create", table: "Service" }, 3, 32)]),
    // A `.map` callback that returns something other than object literals.
    invalid(`${P}await prisma.service.createMany({ data: rows.map(toRow) });`, [at("unverifiablePayload", { part: "data value", operation: "createMany", table: "Service" }, 3, 41)], BULK),
  ],
});

ruleTester.run("mutation-scope: nested relation writes", rule, {
  valid: [
    // Without `tables`, a nested write whose operation is allowed is fine.
    valid(`${P}await prisma.post.update({ where: { id }, data: { tags: { create: [{ name: "x" }] } } });`, LINKS),
    // Link-only operations.
    valid(`${P}await prisma.post.update({ where: { id }, data: { tags: { set: [], connect: [{ id: 1 }], disconnect: [{ id: 2 }] } } });`, LINKS),
  ],
  invalid: [
    // Choice: with `tables`, a nested write is reported (it writes a table the payload does not name):
    // write the related model with its own call, which this rule checks.
    invalid(`${P}await prisma.service.create({ data: { name, category: { create: { name: "New" } } } });`, [
      at("nestedWrite", { operation: "create", field: "category" }, 3, 57),
    ]),
    invalid(`${P}await prisma.service.update({ where: { id }, data: { category: { connectOrCreate: { where: { name }, create: { name } } } } });`, [
      at("nestedWrite", { operation: "connectOrCreate", field: "category" }, 3, 66),
    ]),
    // Also where the table allows "*".
    invalid(`${P}await prisma.service.update({ where: { id }, data: { bookings: { deleteMany: {} } } });`, [
      at("nestedWrite", { operation: "deleteMany", field: "bookings" }, 3, 66),
    ], OPEN),
    // Without `tables`: a nested operation outside `operations`.
    invalid(`${P}await prisma.post.update({ where: { id }, data: { comments: { deleteMany: {} } } });`, [
      at("nestedWrite", { operation: "deleteMany", field: "comments" }, 3, 63),
    ], LINKS),
  ],
});

ruleTester.run("mutation-scope: raw SQL", rule, {
  valid: [
    valid(`${P}await prisma.$executeRaw\`INSERT INTO services (name, is_active) VALUES (\${n}, true)\`;`, RAW),
    valid(`${P}await prisma.$executeRaw\`UPDATE services SET is_active = false WHERE name = \${n}\`;`, RAW),
    valid(`${P}await prisma.$executeRawUnsafe("INSERT INTO services (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET is_active = true", n);`, RAW),
    valid(`${P}await prisma.$executeRaw(Prisma.sql\`UPDATE services SET name = \${n} WHERE id = \${id}\`);`, RAW),
    // "*" allows any columns, even without a column list.
    valid(`${P}await prisma.$executeRaw\`INSERT INTO audit_log VALUES (\${a}, \${b})\`;`, RAW),
    // DELETE and TRUNCATE write no column; `sessions: []` allows them.
    valid(`${P}await prisma.$executeRaw\`DELETE FROM sessions WHERE expires_at < now()\`;\nawait prisma.$executeRawUnsafe("TRUNCATE sessions");`, RAW),
    // Statements that write nothing (`SET`), and reads.
    valid(`${P}await prisma.$executeRawUnsafe("SET statement_timeout = 0");\nawait prisma.$queryRaw\`SELECT * FROM users\`;`, RAW),
    // pg sinks are checked the same way.
    valid('await pool.query("UPDATE services SET name = $1 WHERE id = $2", [n, id]);', RAW),
  ],
  invalid: [
    invalid(`${P}await prisma.$executeRaw\`UPDATE users SET role = 'admin'\`;`, [
      at("tableNotAllowed", { operation: "executeRaw", table: "users", allowed: "services, audit_log, sessions" }, 3, 7),
    ], RAW),
    // Quoted names keep their case: "Services" is not services.
    invalid(`${P}await prisma.$executeRawUnsafe('INSERT INTO "Services" (name) VALUES ($1)', n);`, [
      at("tableNotAllowed", { operation: "executeRaw", table: "Services", allowed: "services, audit_log, sessions" }, 3, 7),
    ], RAW),
    // Tables inside CTEs count.
    invalid(`${P}await prisma.$executeRaw\`WITH gone AS (DELETE FROM bookings RETURNING id) UPDATE services SET is_active = false\`;`, [
      at("tableNotAllowed", { operation: "executeRaw", table: "bookings", allowed: "services, audit_log, sessions" }, 3, 7),
    ], RAW),
    invalid(`${P}await prisma.$executeRaw\`UPDATE services SET base_price = 0, name = \${n}\`;`, [
      at("columnNotAllowed", { table: "services", column: "base_price", allowed: "name, is_active" }, 3, 7),
    ], RAW),
    invalid(`${P}await prisma.$executeRaw\`INSERT INTO services (name, owner_id) VALUES (\${n}, \${o}) ON CONFLICT (name) DO UPDATE SET secret = 1\`;`, [
      at("columnNotAllowed", { table: "services", column: "owner_id", allowed: "name, is_active" }, 3, 7),
      at("columnNotAllowed", { table: "services", column: "secret", allowed: "name, is_active" }, 3, 7),
    ], RAW),
    invalid(`${P}await prisma.$executeRaw\`INSERT INTO services VALUES (\${n}, true)\`;`, [at("unverifiableSqlColumns", { table: "services" }, 3, 7)], RAW),
    // The same column written by two statements of one call is one finding.
    invalid(`${P}await prisma.$executeRawUnsafe("UPDATE services SET owner_id = 1 WHERE id = 1; UPDATE services SET owner_id = 2 WHERE id = 2");`, [
      at("columnNotAllowed", { table: "services", column: "owner_id", allowed: "name, is_active" }, 3, 7),
    ], RAW),
    invalid('await pool.query("UPDATE services SET owner_id = $1", [o]);', [at("columnNotAllowed", { table: "services", column: "owner_id", allowed: "name, is_active" }, 1, 7)], RAW),
    // A table name in a hole cannot be checked (fail closed).
    invalid(`${P}await prisma.$executeRawUnsafe(\`UPDATE \${table} SET name = $1\`, n);`, [at("unverifiableTable", { operation: "executeRaw" }, 3, 7)], RAW),
    invalid(`${P}await prisma.$executeRawUnsafe(sqlText);`, [at("unverifiableTable", { operation: "executeRaw" }, 3, 7)], RAW),
    // `sessions: []`: no column may be written.
    invalid(`${P}await prisma.$executeRaw\`UPDATE sessions SET expires_at = now()\`;`, [at("columnNotAllowed", { table: "sessions", column: "expires_at", allowed: "none" }, 3, 7)], RAW),
  ],
});

ruleTester.run("mutation-scope: roles (SPEC §6.3)", rule, {
  valid: [
    // Only allowlisted scripts: elsewhere another rule owns the write.
    valid(`${P}await prisma.user.deleteMany();`, "scripts/unlisted.ts"),
    valid(`${P}await prisma.user.deleteMany();`, "src/lib/users.ts"),
    valid('execSync("npx prisma migrate deploy");', "scripts/deploy-db.js"),
    valid(`${P}await prisma.user.deleteMany();`, "scripts/old-sync.ts"),
    // The deploy script wins over a mutationScripts entry for the same path.
    valid(`${P}await prisma.user.deleteMany();`, "scripts/deploy-db.js", {
      settings: contractSettings({ ...contract, mutationScripts: { "scripts/deploy-db.js": { operations: ["prisma migrate deploy"] } } }),
    }),
  ],
  invalid: [
    // Choice: an allowlisted file outside the script zones is checked the same way.
    invalid(`${P}await prisma.user.deleteMany();`, [at("operationNotAllowed", { operation: "deleteMany", allowed: "create" }, 3, 7)], "tools/reset.ts", {
      settings: contractSettings({ version: 1, mutationScripts: { "tools/reset.ts": { operations: ["create"] } } }),
    }),
  ],
});

// With the repository facts, built on fixtures/rules/mutation-scope/ (a Prisma schema with `@@map`
// tables and `@map` columns, and library modules that write; the linted scripts are the cases).
const FIXTURE = path.resolve("fixtures/rules/mutation-scope");
const factsContract = {
  version: 1,
  mutationScripts: {
    // Keyed by table names, as a real reference-data sync lists them.
    "scripts/sync.ts": {
      operations: ["create", "update", "upsert"],
      tables: { services: ["name", "description", "categoryId", "basePrice", "is_active"], service_categories: ["name", "icon", "settings"] },
    },
    // Keyed by model names; columns by field (isActive) or column (category_id) names.
    "scripts/raw.ts": { operations: ["executeRaw", "update", "create"], tables: { Service: ["name", "isActive", "category_id"], bookings: "*" } },
    "scripts/open.ts": { operations: ["create", "update", "updateMany", "prisma migrate deploy"] },
    "scripts/any-category.ts": { operations: ["create"], tables: { ServiceCategory: "*" } },
  },
};
const factsSettings = { "production-safety": { contract: factsContract, root: FIXTURE } };
const SERVICES = "name, description, categoryId, basePrice, is_active";
const CATEGORIES = "name, icon, settings";

function validWithFacts(code: string, file = "scripts/sync.ts"): Valid {
  return { code, filename: path.join(FIXTURE, file), settings: factsSettings };
}

function invalidWithFacts(code: string, errors: Expected[], file = "scripts/sync.ts"): Invalid {
  return { code, filename: path.join(FIXTURE, file), settings: factsSettings, errors };
}

/** Prefix: the fixture's client, so every write below is on line 2 or later. */
const F = 'import { prisma } from "../lib/prisma";\n';

describe("with repository facts", () => {

  ruleTester.run("mutation-scope: tables and columns through the Prisma schema", rule, {
    valid: [
      validWithFacts(""),
      // A key names the model's @@map table; a column may be listed by its @map name (is_active) or its field name.
      validWithFacts(`${F}await prisma.service.update({ where: { id }, data: { isActive: false, basePrice: 10, categoryId } });`),
      validWithFacts(`${F}await prisma.serviceCategory.upsert({ where: { name }, create: { name, icon }, update: { icon } });`),
      validWithFacts(`${F}await prisma.service.update({ where: { id }, data: { name, isActive: true, categoryId: c } });`, "scripts/raw.ts"),
      // A Json column holding an object that looks like relation operations is a column write (the schema says scalar).
      validWithFacts(`${F}await prisma.serviceCategory.update({ where: { id }, data: { settings: { create: true, update: false } } });`),
      // Raw SQL: a key that names a model matches its table; a listed field matches its @map column.
      validWithFacts(`${F}await prisma.$executeRaw\`UPDATE services SET is_active = false, category_id = \${c} WHERE name = \${n}\`;`, "scripts/raw.ts"),
      validWithFacts(`${F}await prisma.$executeRaw\`INSERT INTO bookings VALUES (\${a}, \${b})\`;`, "scripts/raw.ts"),
      // Imported functions: allowed operations, no `tables` (any table), and "*" tables.
      validWithFacts('import { resetUsers, deployMigrations } from "../lib/catalog";\nawait resetUsers();\ndeployMigrations();', "scripts/open.ts"),
      validWithFacts('import { addCategory } from "../lib/catalog";\nawait addCategory("x");', "scripts/any-category.ts"),
      validWithFacts('import { listServices } from "../lib/catalog";\nawait listServices();'),
      validWithFacts('import { rawPurgeBookings } from "../lib/catalog";\nawait rawPurgeBookings();', "scripts/raw.ts"),
    ],
    invalid: [
      invalidWithFacts(`${F}await prisma.service.update({ where: { id }, data: { internal: "x" } });`, [
        at("columnNotAllowed", { table: "Service", column: "internal", allowed: SERVICES }, 2, 54),
      ]),
      invalidWithFacts(`${F}await prisma.serviceCategory.update({ where: { id }, data: { sortOrder: 1 } });`, [
        at("columnNotAllowed", { table: "ServiceCategory", column: "sortOrder", allowed: CATEGORIES }, 2, 62),
      ]),
      invalidWithFacts(`${F}await prisma.user.create({ data: { email: "a@b.c" } });`, [
        at("tableNotAllowed", { operation: "create", table: "User", allowed: "services, service_categories" }, 2, 7),
      ]),
      // The schema knows `category` is a relation: `connect` is checked as the field name, `create` is a nested write.
      invalidWithFacts(`${F}await prisma.service.update({ where: { id }, data: { category: { connect: { id: c } } } });`, [
        at("columnNotAllowed", { table: "Service", column: "category", allowed: SERVICES }, 2, 54),
      ]),
      invalidWithFacts(`${F}await prisma.service.update({ where: { id }, data: { bookings: { create: [{ id: "b" }] } } });`, [
        at("nestedWrite", { operation: "create", field: "bookings" }, 2, 66),
      ]),
      // With the schema, a relation value that cannot be read may hide a nested write (fail closed).
      invalidWithFacts(`${F}await prisma.service.update({ where: { id }, data: { bookings: input } });`, [
        at("unverifiablePayload", { part: "relation value", operation: "update", table: "Service" }, 2, 64),
      ]),
      invalidWithFacts(`${F}await prisma.$executeRaw\`UPDATE services SET base_price = 0\`;`, [
        at("columnNotAllowed", { table: "services", column: "base_price", allowed: "name, isActive, category_id" }, 2, 7),
      ], "scripts/raw.ts"),
      invalidWithFacts(`${F}await prisma.$executeRaw\`UPDATE service_categories SET icon = NULL\`;`, [
        at("tableNotAllowed", { operation: "executeRaw", table: "service_categories", allowed: "Service, bookings" }, 2, 7),
      ], "scripts/raw.ts"),
    ],
  });

  ruleTester.run("mutation-scope: writes through imported functions", rule, {
    valid: [],
    invalid: [
      invalidWithFacts('import { removeService } from "../lib/catalog";\nawait removeService("s1");', [
        at("importedOperationNotAllowed", { via: "removeService()", operation: "delete", module: "lib/catalog.ts", allowed: "create, update, upsert" }, 2, 7),
      ]),
      invalidWithFacts('import * as catalog from "../lib/catalog";\ncatalog.deployMigrations();', [
        at("importedOperationNotAllowed", { via: "catalog.deployMigrations()", operation: "prisma migrate deploy", module: "lib/catalog.ts", allowed: "create, update, upsert" }, 2, 1),
      ]),
      // Choice: columns cannot be seen through an import, so a table with a column list is unverifiable there.
      invalidWithFacts('import { addCategory } from "../lib/catalog";\nawait addCategory("x");', [
        at("importedUnverifiable", { via: "addCategory()", operation: "ServiceCategory.create", module: "lib/catalog.ts" }, 2, 7),
      ]),
      // Raw SQL through an import: the tables the facts name are checked; columns cannot be seen.
      invalidWithFacts('import { rawTouch } from "../lib/catalog";\nawait rawTouch();', [
        at("importedUnverifiable", { via: "rawTouch()", operation: "executeRaw on services", module: "lib/catalog.ts" }, 2, 7),
      ], "scripts/raw.ts"),
      invalidWithFacts('import { rawRenameCategories } from "../lib/catalog";\nawait rawRenameCategories();', [
        at("importedTableNotAllowed", { via: "rawRenameCategories()", table: "service_categories", module: "lib/catalog.ts", allowed: "Service, bookings" }, 2, 7),
      ], "scripts/raw.ts"),
      invalidWithFacts('import { rawAnywhere } from "../lib/catalog";\nawait rawAnywhere("services");', [
        at("importedUnverifiable", { via: "rawAnywhere()", operation: "executeRaw", module: "lib/catalog.ts" }, 2, 7),
      ], "scripts/raw.ts"),
      invalidWithFacts('import { addCategory } from "../lib/catalog";\nawait addCategory("x");', [
        at("importedTableNotAllowed", { via: "addCategory()", table: "ServiceCategory", module: "lib/catalog.ts", allowed: "Service, bookings" }, 2, 7),
      ], "scripts/raw.ts"),
      // Loading a module whose top-level code writes.
      invalidWithFacts('import "../lib/audit-on-load";', [
        at("importedTableNotAllowed", { via: 'loading "../lib/audit-on-load"', table: "User", module: "lib/audit-on-load.ts", allowed: "services, service_categories" }, 1, 1),
      ]),
    ],
  });
});
