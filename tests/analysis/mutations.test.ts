// "Is this a database write" (SPEC §6.1, §6.16): getDatabaseWrite on real ESTree with real scopes.
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import { callsWithScopes, type VisitedCall } from "../estree.js";
import type { PrismaModelFacts, PrismaSchemaFacts } from "../../src/facts/types.js";
import { type DatabaseWrite, getDatabaseWrite, getSqlWrite, isWritingSql, looksLikePrismaClient } from "../../src/analysis/mutations.js";

type Visited = VisitedCall;

/** Parses code, sets parent pointers (as ESLint does) and lists every call and tagged template with its scope. */
function callsIn(code: string): { calls: Visited[]; code: string } {
  const calls = callsWithScopes(code);
  return { calls, code };
}

interface Found {
  operation: string;
  model: string | undefined;
  /** Source text of the reported node. */
  at: string;
  payload: string | undefined;
  tables?: readonly string[] | undefined;
}

function describeWrite(write: DatabaseWrite, code: string): Found {
  const found: Found = {
    operation: write.operation,
    model: write.model,
    at: code.slice(write.node.range[0], write.node.range[1]),
    payload: write.payload ? code.slice(write.payload.range[0], write.payload.range[1]) : undefined,
  };
  if ("tables" in write) found.tables = write.tables;
  return found;
}

/** Every database write in the code, in source order of the visited nodes. */
function writes(source: string, schema?: PrismaSchemaFacts): Found[] {
  const { calls, code } = callsIn(source);
  return calls.flatMap(({ node, scope }) => {
    const write = getDatabaseWrite(node, scope, schema);
    return write ? [describeWrite(write, code)] : [];
  });
}

/** A schema with these models (name, optional @@map table). */
function schemaOf(...models: (string | [string, string])[]): PrismaSchemaFacts {
  const map = new Map<string, PrismaModelFacts>();
  for (const m of models) {
    const [name, table] = typeof m === "string" ? [m, m] : m;
    map.set(name, { name, table, columns: new Map(), relations: new Set() });
  }
  return {
    files: [],
    models: map,
    modelForDelegate: (delegate) => [...map.values()].find((m) => m.name.charAt(0).toLowerCase() + m.name.slice(1) === delegate),
    modelByNameOrTable: (name) => [...map.values()].find((m) => m.name === name || m.table === name),
  };
}

const SCHEMA = schemaOf("User", "ServiceCategory", ["Post", "posts"], "Customer");
const PRELUDE = `import { PrismaClient, Prisma } from "@prisma/client";\nconst prisma = new PrismaClient();\n`;

/** The write operations and models, in both modes (with the schema and without one). */
function ops(code: string, schema?: PrismaSchemaFacts): string[] {
  return writes(code, schema).map((w) => `${w.operation}:${w.model ?? "?"}`);
}

describe("getDatabaseWrite: Prisma delegate writes", () => {
  const OPERATIONS = ["create", "createMany", "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"];

  it.each(OPERATIONS)("prisma.user.%s(...) is a write, with and without a schema", (op) => {
    const code = `${PRELUDE}await prisma.user.${op}({ where: { id: 1 }, data: { name: "x" } });`;
    for (const schema of [SCHEMA, undefined]) {
      expect(writes(code, schema)).toEqual([
        { operation: op, model: "User", at: `prisma.user.${op}({ where: { id: 1 }, data: { name: "x" } })`, payload: `{ where: { id: 1 }, data: { name: "x" } }` },
      ]);
    }
  });

  it("read operations are not writes: findMany, findUnique, count, aggregate, groupBy", () => {
    const code = `${PRELUDE}prisma.user.findMany(); prisma.user.findUnique({ where: { id: 1 } }); prisma.user.count(); prisma.user.aggregate({}); prisma.user.groupBy({ by: ["a"] });`;
    expect(writes(code, SCHEMA)).toEqual([]);
    expect(writes(code)).toEqual([]);
  });

  it("uses the schema's model name for a multi-word delegate, and the capitalised delegate without one", () => {
    const code = `${PRELUDE}await prisma.serviceCategory.deleteMany();`;
    expect(writes(code, SCHEMA)).toEqual([{ operation: "deleteMany", model: "ServiceCategory", at: "prisma.serviceCategory.deleteMany()", payload: undefined }]);
    expect(ops(code)).toEqual(["deleteMany:ServiceCategory"]);
  });

  it("with a schema, a delegate that is no model is not a write", () => {
    expect(ops(`${PRELUDE}prisma.comment.create({ data: {} });`, SCHEMA)).toEqual([]);
    // Without a schema the same call is taken at its word.
    expect(ops(`${PRELUDE}prisma.comment.create({ data: {} });`)).toEqual(["create:Comment"]);
  });

  it("this.prisma.<model> in a service class", () => {
    const code = `class UserService { constructor(private prisma: PrismaService) {} remove(id: number) { return this.prisma.user.delete({ where: { id } }); } }`;
    expect(ops(code, SCHEMA)).toEqual(["delete:User"]);
    expect(ops(code)).toEqual(["delete:User"]);
  });

  it("tx.<model> inside an interactive $transaction callback, whatever the parameter is called", () => {
    const code = `${PRELUDE}await prisma.$transaction(async (tx) => { await tx.user.update({ where: { id: 1 }, data: { a: 1 } }); });
await prisma.$transaction(async (t) => t.post.deleteMany({ where: {} }));
await prisma.$transaction(async function (trx) { await trx.user.create({ data: {} }); });`;
    expect(ops(code, SCHEMA)).toEqual(["update:User", "deleteMany:Post", "create:User"]);
    expect(ops(code)).toEqual(["update:User", "deleteMany:Post", "create:User"]);
  });

  it("the batch $transaction form: each delegate call is its own write (the $transaction call is none)", () => {
    const code = `${PRELUDE}await prisma.$transaction([prisma.user.deleteMany(), prisma.post.create({ data: {} })]);`;
    expect(ops(code, SCHEMA)).toEqual(["deleteMany:User", "create:Post"]);
  });

  it("computed delegates: prisma['user'], a const key, and an unknown key (model unknown)", () => {
    const code = `${PRELUDE}const MODEL = "user";
prisma["user"].create({ data: {} });
prisma[MODEL].update({ where: { id: 1 }, data: {} });
prisma[\`serviceCategory\`].delete({ where: { id: 1 } });
for (const name of names) await prisma[name].deleteMany();`;
    expect(ops(code, SCHEMA)).toEqual(["create:User", "update:User", "delete:ServiceCategory", "deleteMany:?"]);
    expect(ops(code)).toEqual(["create:User", "update:User", "delete:ServiceCategory", "deleteMany:?"]);
  });

  it("an unknown delegate on something that is not clearly a client is not a write", () => {
    expect(ops(`for (const k of keys) registry[k].delete({ id: 1 });`, SCHEMA)).toEqual([]);
    expect(ops(`for (const k of keys) registry[k].delete({ id: 1 });`)).toEqual([]);
  });

  it("TypeScript wrappers, optional chaining and awaited clients", () => {
    const code = `${PRELUDE}(prisma as any).user.create({ data: {} });
prisma!.user.update({ where: { id: 1 }, data: {} });
prisma?.user?.delete({ where: { id: 1 } });
(await getPrisma()).user.upsert({ where: { id: 1 }, create: {}, update: {} });`;
    expect(ops(code, SCHEMA)).toEqual(["create:User", "update:User", "delete:User", "upsert:User"]);
    expect(ops(code)).toEqual(["create:User", "update:User", "delete:User", "upsert:User"]);
  });

  it("const aliases of a delegate: `const users = prisma.user`, `const { user } = prisma`, `const { post: posts } = tx`", () => {
    const code = `${PRELUDE}const users = prisma.user;
await users.deleteMany();
const { user, serviceCategory = null } = prisma;
await user.create({ data: {} });
await serviceCategory.update({ where: { id: 1 }, data: {} });
await prisma.$transaction(async (tx) => { const { post: posts } = tx; await posts.delete({ where: { id: 1 } }); });`;
    expect(ops(code, SCHEMA)).toEqual(["deleteMany:User", "create:User", "update:ServiceCategory", "delete:Post"]);
    expect(ops(code)).toEqual(["deleteMany:User", "create:User", "update:ServiceCategory", "delete:Post"]);
  });

  it("aliases that are not delegates stay silent", () => {
    const code = `const cache = this.cache;\ncache.delete(k);\nconst { sessions } = store;\nsessions.delete(id);\nlet u = prisma.user;\nu = other;\nu.create({ data: {} });`;
    expect(ops(code, SCHEMA)).toEqual([]);
    expect(ops(code)).toEqual([]);
  });

  it("payload is the first argument as written: object, identifier, spread, or none", () => {
    const code = `${PRELUDE}const args = { data: { a: 1 } };
prisma.user.create(args);
prisma.user.createMany(...batches);
prisma.user.deleteMany();
prisma.user.update({ ...base, where: { id: 1 } });`;
    expect(writes(code, SCHEMA).map((w) => w.payload)).toEqual(["args", "...batches", undefined, "{ ...base, where: { id: 1 } }"]);
  });

  it("delegate writes carry no tables field (that is for raw SQL)", () => {
    const [write] = writes(`${PRELUDE}prisma.user.create({ data: {} });`, SCHEMA);
    expect(write && "tables" in write).toBe(false);
  });
});

describe("getDatabaseWrite: recognising the client without a schema", () => {
  it("clients by name: prisma, *Prisma*, db, tx, ctx.db, globalForPrisma.prisma, this.prismaService", () => {
    const code = `prisma.user.create({ data: {} });
readPrisma.user.create({ data: {} });
db.user.create({ data: {} });
tx.user.create({ data: {} });
ctx.db.post.create({ data: {} });
globalForPrisma.prisma.user.delete({ where: { id: 1 } });
class A { go() { return this.prismaService.user.update({ where: { id: 1 }, data: {} }); } }`;
    expect(ops(code)).toEqual(["create:User", "create:User", "create:User", "create:User", "create:Post", "delete:User", "update:User"]);
  });

  it("clients by binding: new PrismaClient(), a local subclass, $extends, aliases, `?? new PrismaClient()`", () => {
    const code = `import { PrismaClient } from "@prisma/client";
const client = new PrismaClient();
client.user.create({ data: {} });
class Extended extends PrismaClient {}
const store = new Extended();
store.user.delete({ where: { id: 1 } });
const ext = client.$extends({});
ext.user.update({ where: { id: 1 }, data: {} });
const alias = client;
alias.user.deleteMany();
const cached = globalThis.cachedClient ?? new PrismaClient();
cached.post.create({ data: {} });
new PrismaClient().user.upsert({ where: { id: 1 }, create: {}, update: {} });`;
    expect(ops(code)).toEqual(["create:User", "delete:User", "update:User", "deleteMany:User", "create:Post", "upsert:User"]);
  });

  it("parameters typed with a Prisma type", () => {
    const code = `import type { Prisma, PrismaClient } from "@prisma/client";
export async function wipe(t: Prisma.TransactionClient) { await t.user.deleteMany(); }
export async function seed(c: PrismaClient) { await c.post.create({ data: {} }); }
export async function other(c: Stripe) { await c.customers.create({ email: "a" }); }`;
    expect(ops(code)).toEqual(["deleteMany:User", "create:Post"]);
  });

  it("this inside a class that extends PrismaClient (NestJS PrismaService), not in other classes", () => {
    const code = `import { PrismaClient } from "@prisma/client";
class PrismaService extends PrismaClient { async wipe() { await this.user.deleteMany(); } }
class Cache { users = new Map(); clear() { this.users.delete("a"); this.session.delete({ id: 1 }); } }
const obj = { go() { return this.user.create({ data: {} }); } };`;
    expect(ops(code)).toEqual(["deleteMany:User"]);
  });

  it("`client` is too generic to count by name; a binding makes it a client", () => {
    expect(ops(`import { client } from "./stripe";\nclient.customers.create({ email: "a" });`)).toEqual([]);
    expect(ops(`const client = new PrismaClient();\nclient.customers.create({ data: {} });`)).toEqual(["create:Customers"]);
  });

  it("a name that says db but is bound to something else is not a client", () => {
    const code = `const db = new Map();\ndb.user.delete({ id: 1 });\nconst tx = { user: { create() {} } };\ntx.user.create({ data: {} });`;
    expect(ops(code)).toEqual([]);
    // With a schema, an object literal is still no client; a foreign `new X()` may be (a PrismaClient subclass imported from elsewhere).
    expect(ops(code, SCHEMA)).toEqual(["delete:User"]);
  });

  it("Sequelize-style capitalised delegates are not Prisma", () => {
    expect(ops(`db.User.create({ name: "a" });\ndb.User.destroy({ where: {} });`)).toEqual([]);
    expect(ops(`db.User.create({ name: "a" });`, SCHEMA)).toEqual([]);
  });

  it("looksLikePrismaClient answers for a client expression", () => {
    const { calls } = callsIn(`const prisma = new PrismaClient();\nconst stripe = new Stripe("k");\nprisma.user.create({});\nstripe.customers.create({});`);
    const objectOf = (call: Visited): TSESTree.Node => ((call.node as TSESTree.CallExpression).callee as TSESTree.MemberExpression).object;
    const clientOf = (call: Visited): TSESTree.Node => (objectOf(call) as TSESTree.MemberExpression).object;
    const [prismaCall, stripeCall] = calls;
    expect(looksLikePrismaClient(clientOf(prismaCall as Visited), (prismaCall as Visited).scope)).toBe(true);
    expect(looksLikePrismaClient(clientOf(stripeCall as Visited), (stripeCall as Visited).scope)).toBe(false);
  });
});

describe("getDatabaseWrite: raw SQL", () => {
  it("$executeRaw as a tagged template is a write, with the tables it writes", () => {
    expect(writes(`${PRELUDE}await prisma.$executeRaw\`UPDATE "User" SET name = \${name} WHERE id = \${id}\`;`, SCHEMA)).toEqual([
      { operation: "executeRaw", model: undefined, at: 'prisma.$executeRaw`UPDATE "User" SET name = ${name} WHERE id = ${id}`', payload: undefined, tables: ["User"] },
    ]);
  });

  it("$executeRawUnsafe as a call, with a string or a const", () => {
    const code = `${PRELUDE}const SQL = "DELETE FROM sessions WHERE expires_at < now()";
await prisma.$executeRawUnsafe("INSERT INTO audit (a) VALUES ($1)", a);
await prisma.$executeRawUnsafe(SQL);
await prisma.$executeRaw(Prisma.sql\`TRUNCATE public.jobs\`);
const RESET = Prisma.raw("UPDATE counters SET n = 0");
await prisma.$executeRaw(RESET);`;
    expect(writes(code).map((w) => [w.operation, w.tables])).toEqual([
      ["executeRaw", ["audit"]],
      ["executeRaw", ["sessions"]],
      ["executeRaw", ["jobs"]],
      ["executeRaw", ["counters"]],
    ]);
  });

  it("a sql fragment passed straight to $executeRaw is one write, at the outer call", () => {
    const found = writes(`${PRELUDE}await prisma.$executeRaw(Prisma.sql\`DELETE FROM a\`);\nawait tx.$executeRaw(sql\`DELETE FROM b\`);`);
    expect(found.map((w) => w.at)).toEqual(["prisma.$executeRaw(Prisma.sql`DELETE FROM a`)", "tx.$executeRaw(sql`DELETE FROM b`)"]);
  });

  it("a fragment held by a const is one write where it runs, unless it is also used elsewhere", () => {
    const only = writes(`${PRELUDE}const Q = Prisma.sql\`DELETE FROM a\`;\nawait prisma.$executeRaw(Q);`);
    expect(only.map((w) => [w.at, w.tables])).toEqual([["prisma.$executeRaw(Q)", ["a"]]]);
    const shared = writes(`${PRELUDE}const Q = Prisma.sql\`DELETE FROM a\`;\nawait prisma.$executeRaw(Q);\nawait prisma.$queryRaw(Q);`);
    expect(shared.map((w) => w.at)).toEqual(["Prisma.sql`DELETE FROM a`", "prisma.$executeRaw(Q)"]);
  });

  it("$executeRaw* is a write whatever its text (Prisma's write API); its tables are [] or unknown", () => {
    const found = writes(`${PRELUDE}await prisma.$executeRaw\`SELECT 1\`;\nawait prisma.$executeRawUnsafe(query);\nawait prisma.$executeRaw\`SET search_path TO \${schema}\`;`);
    expect(found.map((w) => [w.operation, w.tables])).toEqual([
      ["executeRaw", []],
      ["executeRaw", undefined],
      ["executeRaw", []],
    ]);
  });

  it("writing SQL at other sinks is an executeRaw write; reading SQL is not", () => {
    const code = `${PRELUDE}await prisma.$queryRaw\`SELECT 1\`;
await prisma.$queryRaw\`SELECT * FROM "User" WHERE id = \${id}\`;
await prisma.$queryRaw\`INSERT INTO logs (m) VALUES (\${m}) RETURNING id\`;
await prisma.$queryRawUnsafe("UPDATE accounts SET balance = 0 WHERE id = $1", id);
await pool.query("SELECT * FROM users");
await pool.query("UPDATE accounts SET x = 1 WHERE id = $1", [id]);
await client.query({ text: "INSERT INTO t VALUES (1)" });
await knex.raw("ALTER TABLE users ADD COLUMN x int");
await db.execute(sql\`DELETE FROM sessions WHERE expires < now()\`);
await sql\`CREATE TABLE x (id int)\`.execute(db);`;
    expect(writes(code).map((w) => [w.at.slice(0, 40), w.tables])).toEqual([
      ["prisma.$queryRaw`INSERT INTO logs (m) VA", ["logs"]],
      ['prisma.$queryRawUnsafe("UPDATE accounts ', ["accounts"]],
      ['pool.query("UPDATE accounts SET x = 1 WH', ["accounts"]],
      ['client.query({ text: "INSERT INTO t VALU', ["t"]],
      ['knex.raw("ALTER TABLE users ADD COLUMN x', undefined],
      ["sql`DELETE FROM sessions WHERE expires <", ["sessions"]],
      ["sql`CREATE TABLE x (id int)`", undefined],
    ]);
  });

  it("writes hidden in CTEs, EXPLAIN ANALYZE, comments, case and multi-statement strings", () => {
    const code = `pool.query("WITH d AS (DELETE FROM a RETURNING *) SELECT * FROM d");
pool.query("EXPLAIN ANALYZE DELETE FROM a");
pool.query("EXPLAIN DELETE FROM a");
pool.query("/* harmless */ select 1; -- x\\n insert into b values (1)");
pool.query("SELECT * INTO backup FROM a");`;
    expect(writes(code).map((w) => w.tables)).toEqual([["a"], ["a"], ["b"], ["backup"]]);
  });

  it("SQL that does not parse writes when a statement starts with a writing keyword", () => {
    const code = `pool.query("INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 1");
pool.query(\`TRUNCATE TABLE \${table} CASCADE \${mode}\`);
pool.query("hello world");
pool.query("select from where");`;
    expect(writes(code).map((w) => [w.at.slice(0, 20), w.tables])).toEqual([
      ['pool.query("INSERT I', undefined],
      ["pool.query(`TRUNCATE", undefined],
    ]);
  });

  it("a table in a hole is unknown; holes elsewhere are parameters", () => {
    expect(writes(`pool.query(\`DELETE FROM \${table} WHERE id = \${id}\`);`).map((w) => w.tables)).toEqual([undefined]);
    expect(writes(`pool.query(\`DELETE FROM users WHERE id = \${id}\`);`).map((w) => w.tables)).toEqual([["users"]]);
  });

  it("SQL text that is not known statically is not read (no write unless it is $executeRaw*)", () => {
    expect(writes(`pool.query(text);\npool.query(buildQuery());`)).toEqual([]);
  });
});

describe("getSqlWrite / isWritingSql", () => {
  it.each([
    ["INSERT INTO a VALUES (1)", ["INSERT"], ["a"]],
    ["UPDATE a SET x = 1", ["UPDATE"], ["a"]],
    ["DELETE FROM s.a WHERE id = 1", ["DELETE"], ["a"]],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = 1", ["MERGE"], ["t"]],
    ["TRUNCATE a, b", ["TRUNCATE"], ["a", "b"]],
    ["COPY t FROM STDIN", ["COPY FROM"], ["t"]],
    ["DROP TABLE a", ["DropStmt"], undefined],
    ["CREATE INDEX i ON a (x)", ["IndexStmt"], undefined],
    ["ALTER TABLE a ADD COLUMN b int", ["AlterTableStmt"], undefined],
    ["DO $$ BEGIN PERFORM 1; END $$", ["DoStmt"], undefined],
    ["CALL refresh_all()", ["CallStmt"], undefined],
    ['INSERT INTO "User" (a) VALUES (1); UPDATE "Post" SET a = 1', ["INSERT", "UPDATE"], ["User", "Post"]],
  ])("%s writes", (sql, kinds, tables) => {
    expect(getSqlWrite([sql])).toEqual({ kinds, tables });
    expect(isWritingSql([sql])).toBe(true);
  });

  it.each([
    "SELECT 1",
    "select * from users where id = $1 for update",
    "SHOW search_path",
    "SET statement_timeout = 0",
    "BEGIN; SELECT 1; COMMIT",
    "EXPLAIN SELECT * FROM a",
    "COPY t TO STDOUT",
    "LISTEN jobs",
    "delete",
    "",
    "not sql at all",
  ])("%j does not write", (sql) => {
    expect(getSqlWrite([sql])).toBeUndefined();
    expect(isWritingSql([sql])).toBe(false);
  });

  it("holes: parameters first, identifiers when parameters do not parse", () => {
    expect(getSqlWrite(["SELECT * FROM users WHERE id = ", ""])).toBeUndefined();
    expect(getSqlWrite(["DELETE FROM ", " WHERE id = ", ""])).toEqual({ kinds: ["DELETE"], tables: undefined });
    expect(getSqlWrite(["SELECT * FROM ", ""])).toBeUndefined();
  });
});

describe("getDatabaseWrite: near-misses that are not database writes", () => {
  const NEAR_MISSES: [string, string][] = [
    ["map.delete(k)", "const map = new Map(); map.delete(k);"],
    ["set.delete(x)", "const set = new Set(); set.delete(x);"],
    ["cache.delete(key)", "cache.delete(key);"],
    ["stripe.customers.update(...)", 'const stripe = new Stripe(key); await stripe.customers.update("cus_1", { email: "a" });'],
    ["stripe.customers.create(...)", 'await stripe.customers.create({ email: "a" });'],
    ["fetch(url, { method: 'DELETE' })", 'await fetch(url, { method: "DELETE" });'],
    ["axios.delete(url)", "await axios.delete(url);"],
    ["document.createElement", 'document.createElement("div");'],
    ["Object.create(null)", "Object.create(null);"],
    ["React.createElement", 'React.createElement("div", null);'],
    ["array.splice", "array.splice(0, 1);"],
    ["prisma.user.findMany()", `${PRELUDE}await prisma.user.findMany();`],
    ["prisma.$queryRaw`SELECT 1`", `${PRELUDE}await prisma.$queryRaw\`SELECT 1\`;`],
    ["res.status(200).json(...)", "res.status(200).json({ ok: true });"],
    ["router.delete('/x', handler)", 'router.delete("/x", handler);'],
    ["app.delete(...)", 'app.delete("/users/:id", async (req, res) => {});'],
    ["this.cache.delete(key)", "class S { go() { this.cache.delete(key); } }"],
    ["this.users.delete(id) on a Map", "class S { users = new Map(); go() { this.users.delete(id); } }"],
    ["cache.user.delete('k') (string argument)", 'cache.user.delete("k");'],
    ["redis.user.update(id, data) (two arguments)", "db.user.update(id, data);"],
    ["an object literal of handlers", "const handlers = { user: { create() {} } }; handlers.user.create({ data: {} });"],
    ["console.log of SQL", 'console.log("DELETE FROM users");'],
    ["a log call with an English sentence", 'logger.info("delete from the list");'],
    ["prisma.$transaction itself", `${PRELUDE}await prisma.$transaction(async (tx) => {});`],
    ["prisma.$connect / $disconnect", `${PRELUDE}await prisma.$connect(); await prisma.$disconnect();`],
  ];

  it.each(NEAR_MISSES)("%s", (_name, code) => {
    expect(writes(code, SCHEMA)).toEqual([]);
    expect(writes(code)).toEqual([]);
  });

  // SPEC §6.1: writes through query builders and other ORMs (knex, Sequelize, TypeORM repositories,
  // Mongoose models) are out of scope for version 1; only their raw SQL sinks are read.
  it.each([
    ['knex("t").del()', 'await knex("t").del();'],
    ['knex("users").where({ id }).delete()', 'await knex("users").where({ id }).delete();'],
    ["Model.destroy()", "await Model.destroy({ where: { id: 1 } });"],
    ["User.create() (Sequelize/Mongoose model)", 'await User.create({ name: "a" });'],
    ["userRepository.delete(id) (TypeORM)", "class S { go() { return this.userRepository.delete(id); } }"],
    ["dataSource.manager.delete(User, id)", "await dataSource.manager.delete(User, id);"],
    ["drizzle db.insert(users).values(...)", "await db.insert(users).values({ a: 1 });"],
  ])("out of scope for version 1 (SPEC §6.1): %s", (_name, code) => {
    expect(writes(code, SCHEMA)).toEqual([]);
    expect(writes(code)).toEqual([]);
  });

  it("the raw SQL of a query builder is in scope (SPEC §6.1)", () => {
    expect(ops('await knex.raw("DELETE FROM users");')).toEqual(["executeRaw:?"]);
  });
});

describe("getDatabaseWrite inside a real ESLint run", () => {
  it("works with ESLint's own scopes and parent pointers", async () => {
    const { Linter } = await import("eslint");
    const parser = await import("@typescript-eslint/parser");
    const found: string[] = [];
    const rule: TSESLint.RuleModule<"write"> = {
      defaultOptions: [],
      meta: { type: "problem", messages: { write: "write" }, schema: [] },
      create(context) {
        const check = (node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void => {
          const write = getDatabaseWrite(node, context.sourceCode.getScope(node), undefined);
          if (write) found.push(`${write.operation}:${write.model ?? "?"}@${node.loc.start.line}`);
        };
        return { CallExpression: check, TaggedTemplateExpression: check };
      },
    };
    const linter = new Linter({ configType: "flat" });
    const code = `import { PrismaClient } from "@prisma/client";
const prisma = new PrismaClient();
await prisma.$transaction(async (t) => { await t.user.deleteMany(); });
await prisma.$executeRaw(Prisma.sql\`DELETE FROM a\`);
new Map().delete(1);`;
    // typescript-eslint's rule and parser types are not ESLint's own: the config is typed loosely.
    const config = {
      languageOptions: { parser, sourceType: "module" },
      plugins: { test: { rules: { write: rule } } },
      rules: { "test/write": "error" },
    } as unknown as import("eslint").Linter.Config;
    const messages = linter.verify(code, config);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    expect(found).toEqual(["deleteMany:User@3", "executeRaw:?@4"]);
  });
});
