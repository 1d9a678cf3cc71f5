/**
 * no-destructive-sql (SPEC §3 group A, §6.5): destructive SQL reaching a SQL sink outside migrations.
 * Every form of the SPEC row (statement kinds, sinks, literal/template/concatenation/const), positions
 * (UTF-16 columns after non-ASCII text, multi-line templates, escapes), zones and near-misses.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/no-destructive-sql.js";
import { MAX_SQL_STATEMENTS_PER_TEXT } from "../../src/limits.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

type Invalid = InvalidTestCase<MessageId, []>;
type Valid = ValidTestCase<[]>;
type ErrorSpec = Invalid["errors"][number];

const ruleTester = createTester();

/** A script-zone file (SPEC §2 default `scripts`). */
const SCRIPT = repoFile("scripts/cleanup.ts");
/** An application file (no zone glob). */
const APP = repoFile("src/db/maintenance.ts");

function error(kind: string, sink: string, line: number, column: number, extra: Partial<ErrorSpec> = {}): ErrorSpec {
  return { messageId: "destructive", data: { kind, where: `reaching ${sink}` }, line, column, ...extra };
}

function unparsed(kind: string, sink: string, line: number, column: number): ErrorSpec {
  return { messageId: "destructiveUnparsed", data: { kind, where: `reaching ${sink}` }, line, column };
}

/** `await pool.query("<sql>");` in a script: the statement at offset 0 is at column 19. */
function viaQuery(sql: string, kind: string): Invalid {
  return { code: `await pool.query(${JSON.stringify(sql)});`, filename: SCRIPT, errors: [error(kind, "query", 1, 19)] };
}

const statementKinds: Invalid[] = [
  viaQuery("DROP TABLE users", "DROP TABLE"),
  viaQuery("DROP TABLE IF EXISTS users, orgs CASCADE", "DROP TABLE"),
  viaQuery("DROP VIEW active_users", "DROP VIEW"),
  viaQuery("DROP SCHEMA app CASCADE", "DROP SCHEMA"),
  viaQuery("DROP DATABASE app_production", "DROP DATABASE"),
  viaQuery("DROP POLICY tenant_isolation ON users", "DROP POLICY"),
  viaQuery("DROP INDEX CONCURRENTLY users_email_idx", "DROP INDEX"),
  viaQuery("DROP MATERIALIZED VIEW daily_stats", "DROP MATERIALIZED VIEW"),
  viaQuery("DROP FUNCTION purge()", "DROP FUNCTION"),
  viaQuery("DROP OWNED BY app_reader", "DROP OWNED"),
  viaQuery("TRUNCATE bookings", "TRUNCATE"),
  viaQuery("TRUNCATE TABLE bookings, payments RESTART IDENTITY CASCADE", "TRUNCATE"),
  viaQuery("DELETE FROM users", "DELETE"),
  // A WHERE does not make a DELETE safe (§6.5: with or without WHERE).
  viaQuery("DELETE FROM users WHERE email LIKE '%@demo.test'", "DELETE"),
  viaQuery("delete from users", "DELETE"),
  viaQuery("Delete From users Where id = 1", "DELETE"),
  viaQuery("WITH gone AS (DELETE FROM sessions RETURNING id) SELECT count(*) FROM gone", "DELETE"),
  viaQuery("ALTER TABLE users DROP COLUMN legacy_email", "ALTER TABLE ... DROP COLUMN"),
  viaQuery("ALTER TABLE users DROP CONSTRAINT users_email_key", "ALTER TABLE ... DROP CONSTRAINT"),
  viaQuery("alter table users add column note text, drop column legacy", "ALTER TABLE ... DROP COLUMN"),
  viaQuery("ALTER TABLE users ALTER COLUMN email DROP NOT NULL", "ALTER TABLE ... ALTER COLUMN ... DROP NOT NULL"),
  viaQuery("UPDATE services SET active = false", "UPDATE without WHERE"),
  viaQuery("update services set active = false from staging", "UPDATE without WHERE"),
  viaQuery("WITH u AS (UPDATE users SET seen = now() RETURNING id) SELECT * FROM u", "UPDATE without WHERE"),
  viaQuery("MERGE INTO users u USING staging s ON u.id = s.id WHEN MATCHED THEN DELETE", "MERGE ... DELETE"),
  viaQuery("DO $$ BEGIN DELETE FROM sessions; END $$", "DELETE in a DO block"),
  viaQuery("DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$", "DROP TABLE in a DO block"),
  viaQuery("DO $$ BEGIN EXECUTE format('TRUNCATE %I', tbl); END $$", "TRUNCATE in a DO block"),
  viaQuery("DO $$ BEGIN UPDATE users SET active = false; END $$", "UPDATE without WHERE in a DO block"),
];

const multiStatementsAndComments: Invalid[] = [
  {
    // One finding per destructive statement, each at its first token.
    code: 'await pool.query("BEGIN; DELETE FROM a; DROP TABLE b; COMMIT;");',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 1, 26, { endLine: 1, endColumn: 39 }), error("DROP TABLE", "query", 1, 41, { endLine: 1, endColumn: 53 })],
  },
  {
    code: 'await pool.query("/* keep the audit log */ TRUNCATE sessions");',
    filename: SCRIPT,
    errors: [error("TRUNCATE", "query", 1, 44)],
  },
  {
    // `\n` is an escape: the text after it still maps one to one onto the source.
    code: 'await pool.query("-- nightly cleanup\\nDELETE FROM sessions");',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 1, 39)],
  },
  {
    code: 'await pool.query("SELECT 1;\\n\\tDROP TABLE old");',
    filename: SCRIPT,
    errors: [error("DROP TABLE", "query", 1, 32)],
  },
  {
    // Decision: a statement whose first token is an escape sequence has no source position: the literal's.
    code: 'await pool.query("\\u0044ELETE FROM sessions");',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 1, 18)],
  },
  {
    code: ["await prisma.$executeRawUnsafe(`", "  -- purge 🧹 café", "  DELETE FROM sessions;", "  /* é */ DROP TABLE old_sessions", "`);"].join("\n"),
    filename: SCRIPT,
    errors: [
      error("DELETE", "$executeRawUnsafe", 3, 3, { endLine: 3, endColumn: 23 }),
      error("DROP TABLE", "$executeRawUnsafe", 4, 11, { endLine: 4, endColumn: 34 }),
    ],
  },
  {
    // Non-ASCII text before the statement on the same line: columns are UTF-16 units (🧹 is 2, é is 1).
    code: "await pool.query(\"SELECT 'é🧹'; DELETE FROM t\");",
    filename: SCRIPT,
    errors: [error("DELETE", "query", 1, 33)],
  },
  {
    code: "const note = 'é'; await pool.query(`SELECT '🧹'; /* ünïcode */ TRUNCATE t`);",
    filename: SCRIPT,
    errors: [error("TRUNCATE", "query", 1, 64)],
  },
  {
    // CR LF line endings inside a template: the cooked text has LF, the source CR LF.
    code: "await pool.query(`SELECT 1;\r\n  DELETE FROM t`);",
    filename: SCRIPT,
    errors: [error("DELETE", "query", 2, 3)],
  },
];

const sinks: Invalid[] = [
  { code: "await prisma.$executeRaw`DELETE FROM users`;", filename: SCRIPT, errors: [error("DELETE", "$executeRaw", 1, 26)] },
  { code: 'await prisma.$executeRawUnsafe("DROP TABLE users");', filename: SCRIPT, errors: [error("DROP TABLE", "$executeRawUnsafe", 1, 33)] },
  { code: "await prisma.$queryRaw`DELETE FROM users RETURNING id`;", filename: SCRIPT, errors: [error("DELETE", "$queryRaw", 1, 24)] },
  { code: 'await prisma.$queryRawUnsafe("TRUNCATE users");', filename: SCRIPT, errors: [error("TRUNCATE", "$queryRawUnsafe", 1, 31)] },
  { code: 'await tx.$executeRawUnsafe("DELETE FROM users");', filename: APP, errors: [error("DELETE", "$executeRawUnsafe", 1, 29)] },
  { code: "const q = Prisma.sql`DELETE FROM users WHERE id = ${id}`;", filename: SCRIPT, errors: [error("DELETE", "sql", 1, 22)] },
  // Decision: `Prisma.sql(...)` called as a function is a sink too (the SPEC lists Prisma.sql); `sql(...)` alone is not.
  { code: 'const q = Prisma.sql("DELETE FROM users");', filename: SCRIPT, errors: [error("DELETE", "sql", 1, 23)] },
  { code: "await sql`DROP TABLE users`;", filename: SCRIPT, errors: [error("DROP TABLE", "sql", 1, 11)] },
  { code: "await db.sql`TRUNCATE users`;", filename: SCRIPT, errors: [error("TRUNCATE", "sql", 1, 14)] },
  { code: 'await db.execute(sql.raw("TRUNCATE users"));', filename: SCRIPT, errors: [error("TRUNCATE", "raw", 1, 27)] },
  { code: 'await knex.raw("DELETE FROM users");', filename: SCRIPT, errors: [error("DELETE", "raw", 1, 17)] },
  { code: 'await client.query("DELETE FROM users");', filename: APP, errors: [error("DELETE", "query", 1, 21)] },
  { code: 'await db.execute("DROP TABLE users");', filename: SCRIPT, errors: [error("DROP TABLE", "execute", 1, 19)] },
  { code: 'await db?.query("DROP TABLE users");', filename: SCRIPT, errors: [error("DROP TABLE", "query", 1, 18)] },
  { code: 'await db["query"]("DROP TABLE users");', filename: SCRIPT, errors: [error("DROP TABLE", "query", 1, 20)] },
  { code: 'await (prisma as any).$executeRawUnsafe("DROP TABLE users" as string);', filename: SCRIPT, errors: [error("DROP TABLE", "$executeRawUnsafe", 1, 42)] },
  { code: 'await prisma!.$executeRawUnsafe("DROP TABLE users");', filename: SCRIPT, errors: [error("DROP TABLE", "$executeRawUnsafe", 1, 34)] },
  { code: "await prisma.$executeRaw<number>`DELETE FROM users`;", filename: SCRIPT, errors: [error("DELETE", "$executeRaw", 1, 34)] },
  {
    // Decision: pg's QueryConfig (`{ text }`) and mysql2's options (`{ sql }`) carry the SQL of a call.
    code: 'await client.query({ text: "DELETE FROM users WHERE id = $1", values: [id] });',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 1, 29)],
  },
  { code: 'await conn.execute({ sql: "DROP TABLE users" });', filename: SCRIPT, errors: [error("DROP TABLE", "execute", 1, 28)] },
  {
    // One finding for SQL that passes two sinks: only the inner one has the text.
    code: "await db.execute(sql`DELETE FROM users`);",
    filename: SCRIPT,
    errors: [error("DELETE", "sql", 1, 22)],
  },
  { code: "await prisma.$executeRaw(Prisma.sql`DROP TABLE users`);", filename: SCRIPT, errors: [error("DROP TABLE", "sql", 1, 37)] },
];

const forms: Invalid[] = [
  {
    // Template holes become parameters.
    code: "await prisma.$executeRaw`DELETE FROM users WHERE id = ${id}`;",
    filename: SCRIPT,
    errors: [error("DELETE", "$executeRaw", 1, 26)],
  },
  {
    code: "await prisma.$executeRaw`UPDATE users SET name = ${name}`;",
    filename: SCRIPT,
    errors: [error("UPDATE without WHERE", "$executeRaw", 1, 26)],
  },
  {
    // `TRUNCATE TABLE $1` does not parse: the hole becomes an identifier.
    code: "await prisma.$executeRawUnsafe(`TRUNCATE TABLE ${table}`);",
    filename: SCRIPT,
    errors: [error("TRUNCATE", "$executeRawUnsafe", 1, 33, { endLine: 1, endColumn: 57 })],
  },
  {
    code: "await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS ${schema}.${table} CASCADE`);",
    filename: SCRIPT,
    errors: [error("DROP TABLE", "$executeRawUnsafe", 1, 33)],
  },
  {
    // A statement after a hole is at its position in the part after the hole.
    code: "await prisma.$executeRaw`SELECT ${a}; DELETE FROM t WHERE id = ${id}; DROP TABLE x`;",
    filename: SCRIPT,
    // The DELETE ends with a hole: its end is just after the hole's `}`.
    errors: [error("DELETE", "$executeRaw", 1, 39, { endLine: 1, endColumn: 69 }), error("DROP TABLE", "$executeRaw", 1, 71, { endLine: 1, endColumn: 83 })],
  },
  {
    code: ["await prisma.$executeRawUnsafe(`SELECT ${x};", "  DELETE FROM ${table}`);"].join("\n"),
    filename: SCRIPT,
    errors: [error("DELETE", "$executeRawUnsafe", 2, 3)],
  },
  { code: 'await pool.query("DELETE FROM " + table);', filename: SCRIPT, errors: [error("DELETE", "query", 1, 19)] },
  { code: 'await pool.query("DELETE FROM " + table + " WHERE id = $1", [id]);', filename: SCRIPT, errors: [error("DELETE", "query", 1, 19)] },
  { code: 'await pool.query("SELECT 1; " + "TRUNCATE " + table);', filename: SCRIPT, errors: [error("TRUNCATE", "query", 1, 34)] },
  {
    // Regression: a chain of more than 8 `+` lost its first operands to the depth limit.
    code: 'await pool.query("DELETE FROM " + t + " WHERE a = " + a + " AND b = " + b + " AND c = " + c + " AND d = " + d + " AND e = " + e);',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 1, 19)],
  },
  {
    // A const of the same file: reported at the argument (its text is elsewhere).
    code: 'const PURGE = "DELETE FROM sessions";\nawait pool.query(PURGE);',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 2, 18)],
  },
  { code: "const q = `DROP TABLE ${name}`;\nawait prisma.$executeRawUnsafe(q);", filename: SCRIPT, errors: [error("DROP TABLE", "$executeRawUnsafe", 2, 32)] },
  { code: 'const q = "TRUNCATE " + table;\nawait db.execute(q);', filename: SCRIPT, errors: [error("TRUNCATE", "execute", 2, 18)] },
  { code: 'export const PURGE = "DELETE FROM sessions" as const;\nawait pool.query(PURGE);', filename: SCRIPT, errors: [error("DELETE", "query", 2, 18)] },
  {
    // A const folded into a template: the statement still maps to the template's own text.
    code: 'const table = "users";\nawait prisma.$executeRawUnsafe(`SELECT 1; TRUNCATE ${table}`);',
    filename: SCRIPT,
    errors: [error("TRUNCATE", "$executeRawUnsafe", 2, 43)],
  },
  {
    code: 'const HEAD = "SELECT 1; ";\nawait pool.query(HEAD + "DELETE FROM t");',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 2, 26)],
  },
  {
    // Regression: a const's own names resolved in the scope of the sink, not where the const is declared.
    code: [
      'const verb = "DELETE";',
      "function purge(pool: Pool) {",
      '  const q = verb + " FROM sessions";',
      "  function inner(verb: string) {",
      "    return pool.query(q);",
      "  }",
      '  return inner("SELECT");',
      "}",
    ].join("\n"),
    filename: SCRIPT,
    errors: [error("DELETE", "query", 5, 23)],
  },
  {
    // knex bindings (`??`, `?`) are read as parameters (src/analysis/sql.ts withPositionalPlaceholders).
    code: 'await knex.raw("DELETE FROM ?? WHERE id = ?", [table, id]);',
    filename: SCRIPT,
    errors: [error("DELETE", "raw", 1, 17)],
  },
  {
    // Regression: FreeFeed/freefeed-server, a knex UPDATE without WHERE was only guessed from its first keyword.
    code: 'await knex.raw("update users set is_private = ?", [true]);',
    filename: SCRIPT,
    errors: [error("UPDATE without WHERE", "raw", 1, 17)],
  },
  { code: 'await db.execute("DROP TABLE `users`");', filename: SCRIPT, errors: [unparsed("DROP", "execute", 1, 19)] },
  { code: "await db.execute(`delete from ${table} where id = ?`, [id]);", filename: SCRIPT, errors: [error("DELETE", "execute", 1, 19)] },
  { code: "await db.execute(`delete from ${table} where id = ? and`, [id]);", filename: SCRIPT, errors: [unparsed("DELETE", "execute", 1, 19)] },
  {
    // A hole inside a DO body is a parameter inside the PL/pgSQL text.
    code: "await prisma.$executeRaw`DO $$ BEGIN DELETE FROM sessions WHERE user_id = ${id}; END $$`;",
    filename: SCRIPT,
    errors: [error("DELETE in a DO block", "$executeRaw", 1, 26)],
  },
  {
    // Regression: the scanner fails on the unterminated quote, so the first keyword was never read.
    code: "await pool.query(\"DELETE FROM users WHERE name = '\" + name);",
    filename: SCRIPT,
    errors: [unparsed("DELETE", "query", 1, 19)],
  },
  {
    code: 'await conn.query("UPDATE t SET a = ? WHERE id = ?; DELETE FROM x WHERE id = ?", [a, id, id]);',
    filename: SCRIPT,
    errors: [error("DELETE", "query", 1, 52)],
  },
  {
    code: 'await conn.query("SELECT * FROM t WHERE a = ?; DROP TABLE b");',
    filename: SCRIPT,
    errors: [error("DROP TABLE", "query", 1, 48)],
  },
];

const zones: Invalid[] = [
  { code: 'await pool.query("DROP TABLE users");', filename: APP, errors: [error("DROP TABLE", "query", 1, 19)] },
  { code: 'await pool.query("DROP TABLE users");', filename: repoFile("apps/api/src/jobs/purge.ts"), errors: [error("DROP TABLE", "query", 1, 19)] },
  {
    // §2: a scripts/migrations/ data-fix folder is not a migrations zone unless listed.
    code: 'await pool.query("DROP TABLE users");',
    filename: repoFile("scripts/migrations/2024-fix.ts"),
    errors: [error("DROP TABLE", "query", 1, 19)],
  },
  {
    code: 'await pool.query("DROP TABLE users");',
    filename: repoFile("prisma/migrations/steps.ts"),
    settings: contractSettings({ version: 1, migrations: ["db/changes/**"] }),
    errors: [error("DROP TABLE", "query", 1, 19)],
  },
  { code: 'await pool.query("DROP TABLE users");', filename: repoFile("scripts/purge.mjs"), errors: [error("DROP TABLE", "query", 1, 19)] },
];

const valid: Valid[] = [
  // Regression: Molemo21/ConnectSA-k9 scripts/verify-production-db-permissions.js checks a plan with
  // `$queryRawUnsafe("EXPLAIN DELETE FROM users WHERE ...")`; EXPLAIN without ANALYZE never runs it.
  { code: "await prisma.$queryRawUnsafe(`\n  EXPLAIN DELETE FROM users WHERE id = 'test-id-that-does-not-exist'\n`);", filename: SCRIPT },
  // The empty file.
  { code: "", filename: SCRIPT },
  { code: "", filename: APP },
  // Zones: migrations, tests and ignored files are not checked (§6.2).
  { code: 'await pool.query("DROP TABLE users");', filename: repoFile("prisma/migrations/20240101000000_drop/steps.ts") },
  { code: 'await pool.query("DROP TABLE users");', filename: repoFile("packages/api/prisma/migrations/x/steps.ts") },
  { code: 'await pool.query("DROP TABLE users");', filename: repoFile("migrations/001_drop_users.ts") },
  { code: 'await pool.query("DELETE FROM users");', filename: repoFile("db/migrations/002.js") },
  { code: 'await pool.query("DROP TABLE users");', filename: repoFile("db/changes/003.ts"), settings: contractSettings({ version: 1, migrations: ["db/changes/**"] }) },
  { code: 'await pool.query("TRUNCATE users");', filename: repoFile("scripts/cleanup.test.ts") },
  { code: 'await pool.query("TRUNCATE users");', filename: repoFile("src/db/maintenance.spec.ts") },
  { code: 'await pool.query("TRUNCATE users");', filename: repoFile("src/__tests__/db.ts") },
  { code: 'await pool.query("TRUNCATE users");', filename: repoFile("tests/helpers/reset-db.ts") },
  { code: 'await pool.query("TRUNCATE users");', filename: repoFile("e2e/reset.ts") },
  { code: 'await pool.query("DROP TABLE users");', filename: repoFile("legacy/purge.ts"), settings: contractSettings({ version: 1, ignore: ["legacy/**"] }) },
  // Not a sink: a log call, collection methods, Prisma delegates (other rules' business).
  { code: 'console.log("delete from the list any provider without bookings");', filename: SCRIPT },
  { code: 'logger.info("DROP TABLE users would be a disaster");', filename: SCRIPT },
  { code: "pending.delete(id);\nconst m = new Map();\nm.delete(key);\nset.delete(x);", filename: SCRIPT },
  { code: 'cache.delete("DELETE FROM users");', filename: SCRIPT },
  { code: "await prisma.user.delete({ where: { id } });\nawait prisma.user.deleteMany();\nawait prisma.session.deleteMany({});", filename: SCRIPT },
  { code: 'throw new Error("DROP TABLE is not allowed here");', filename: SCRIPT },
  // Decision: only method calls are sinks; a bare `query(...)` / `sql(...)` call (postgres.js' identifier helper) is not.
  { code: 'await query("DELETE FROM users");\nconst id = sql("DELETE FROM users");', filename: SCRIPT },
  { code: "const s = String.raw`DELETE FROM users`;", filename: SCRIPT },
  // Harmless SQL at a sink.
  { code: 'await pool.query("UPDATE users SET active = false WHERE id = $1", [id]);', filename: SCRIPT },
  { code: "await prisma.$executeRaw`UPDATE users SET name = ${name} WHERE id = ${id}`;", filename: SCRIPT },
  { code: 'await pool.query("INSERT INTO users (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET seen = now()", [id]);', filename: SCRIPT },
  { code: 'await pool.query("SELECT * FROM users WHERE deleted_at IS NULL");', filename: SCRIPT },
  { code: "await prisma.$queryRaw`SELECT 'DROP TABLE users' AS text`;", filename: SCRIPT },
  { code: 'await pool.query("-- DROP TABLE users\\nSELECT 1");', filename: SCRIPT },
  { code: 'await pool.query("CREATE TABLE audit (id serial PRIMARY KEY)");', filename: SCRIPT },
  { code: 'await pool.query("ALTER TABLE users ADD COLUMN note text");', filename: SCRIPT },
  { code: "await pool.query(\"ALTER TABLE users ALTER COLUMN note SET DEFAULT ''\");", filename: SCRIPT },
  { code: 'await pool.query("ALTER TABLE child NO INHERIT parent");', filename: SCRIPT },
  { code: 'await pool.query("DO $$ BEGIN UPDATE t SET a = 1 WHERE id = 1; END $$");', filename: SCRIPT },
  // Not SQL: a URL query string, a one-word command name, a property named query.
  { code: 'await api.query("a=1&b=2");\nawait api.query("a=1;delete=2");', filename: SCRIPT },
  { code: 'await runner.execute("delete");\nawait runner.execute("DROP");', filename: SCRIPT },
  { code: "const id = router.query.id;\nconst { query } = router;\nconst q = router.query;", filename: repoFile("src/pages/users.tsx") },
  // Not a string: the sink's argument has no static text.
  { code: "await pool.query(config);\nawait pool.query(42);\nawait pool.query();\nawait pool.query(...args);", filename: SCRIPT },
  { code: 'await client.query({ name: "fetch-user", values: [id] });', filename: SCRIPT },
  { code: "await pool.query(`${statement}`);\nawait db.execute(`${verb} FROM users`);", filename: SCRIPT },
  { code: "await db.execute(sql`SELECT 1`);\nawait db.execute(buildQuery());", filename: SCRIPT },
  // Only `const` bindings are resolved: a `let` may be reassigned.
  { code: 'let q = "DELETE FROM users";\nawait pool.query(q);', filename: SCRIPT },
  { code: 'var q = "DELETE FROM users";\nawait pool.query(q);', filename: SCRIPT },
  { code: 'const { q } = { q: "DELETE FROM users" };\nawait pool.query(q);', filename: SCRIPT },
  { code: "import { PURGE } from './sql';\nawait pool.query(PURGE);", filename: SCRIPT },
];

ruleTester.run("no-destructive-sql", rule, {
  valid,
  invalid: [...statementKinds, ...multiStatementsAndComments, ...sinks, ...forms, ...zones],
});

// Issue 13 item 5 (SPEC §6.18): the contract's dataLayer. Modelled on FreeFeed/freefeed-server
// `app/support/DbAdapter/*.js`, whose knex `.raw("delete from ... where ... = ?")` calls were reported as
// "move it to a migration" (30 of its 46 findings), which no user will do.
const DATA_LAYER = repoFile("app/support/DbAdapter/likes.js");
const WITH_DATA_LAYER = contractSettings({ version: 1, dataLayer: ["app/support/DbAdapter/**"] });

function rowLevel(sink: string, line: number, column: number): ErrorSpec {
  return { messageId: "destructiveRowLevel", data: { kind: "DELETE ... WHERE", where: `reaching ${sink}` }, line, column };
}

ruleTester.run("no-destructive-sql: dataLayer", rule, {
  valid: [
    // Row-level DELETE and UPDATE ... WHERE in the data layer: accepted after review.
    { code: 'await this.database.raw("delete from likes where post_id = :postId and user_id = :userId", { postId, userId });', filename: DATA_LAYER, settings: WITH_DATA_LAYER },
    { code: "await knex.raw(`DELETE FROM app_tokens WHERE id = ?`, [id]);\nawait knex.raw('UPDATE users SET hidden = true WHERE id = ?', [id]);", filename: DATA_LAYER, settings: WITH_DATA_LAYER },
    { code: "await db.raw(`DELETE FROM comments WHERE post_id = ${postId} AND created_at < now()`);", filename: DATA_LAYER, settings: WITH_DATA_LAYER },
    { code: "await db.raw(`WITH gone AS (DELETE FROM sessions WHERE expires < now() RETURNING id) SELECT count(*) FROM gone`);", filename: DATA_LAYER, settings: WITH_DATA_LAYER },
    // An UPDATE whose WHERE names a column was never reported, anywhere.
    { code: 'await pool.query("UPDATE users SET name = $1 WHERE id = $2", [name, id]);', filename: APP },
  ],
  invalid: [
    // Default (no dataLayer): a row-level DELETE in application code names the key.
    { code: 'await knex.raw("delete from likes where post_id = ?", [postId]);', filename: DATA_LAYER, errors: [rowLevel("raw", 1, 17)] },
    { code: 'await pool.query("DELETE FROM sessions WHERE id = $1", [id]);', filename: APP, errors: [rowLevel("query", 1, 19)] },
    // Another application folder than the listed one: still reported, naming the key.
    { code: 'await knex.raw("delete from likes where post_id = ?", [postId]);', filename: repoFile("app/support/user-deletion.ts"), settings: WITH_DATA_LAYER, errors: [rowLevel("raw", 1, 17)] },
    // In the data layer, what is not row-level stays reported, named by how it selects rows.
    { code: 'await knex.raw("DELETE FROM likes");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("DELETE without WHERE", "raw", 1, 17)] },
    { code: 'await knex.raw("DELETE FROM likes WHERE true");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("DELETE whose WHERE names no column", "raw", 1, 17)] },
    { code: 'await knex.raw("DELETE FROM likes WHERE 1 = 1");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("DELETE whose WHERE names no column", "raw", 1, 17)] },
    { code: "await knex.raw(`DELETE FROM likes WHERE ${where}`);", filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("DELETE whose WHERE names no column", "raw", 1, 17)] },
    { code: 'await knex.raw("UPDATE users SET banned = true WHERE 1 = 1");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("UPDATE whose WHERE names no column", "raw", 1, 17)] },
    { code: 'await knex.raw("UPDATE users SET banned = true");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("UPDATE without WHERE", "raw", 1, 17)] },
    { code: 'await knex.raw("TRUNCATE likes");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("TRUNCATE", "raw", 1, 17)] },
    { code: 'await knex.raw("DROP TABLE likes");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("DROP TABLE", "raw", 1, 17)] },
    { code: 'await knex.raw("ALTER TABLE likes DROP COLUMN at");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [error("ALTER TABLE ... DROP COLUMN", "raw", 1, 17)] },
    { code: 'await knex.raw("DELETE FROM `likes` WHERE id = 1");', filename: DATA_LAYER, settings: WITH_DATA_LAYER, errors: [unparsed("DELETE", "raw", 1, 17)] },
    // Choice: an UPDATE whose WHERE names no column touches every row (or an unknown set), like one without
    // WHERE, so it is reported everywhere outside migrations, not only in the data layer.
    { code: 'await pool.query("UPDATE users SET banned = true WHERE true");', filename: APP, errors: [error("UPDATE whose WHERE names no column", "query", 1, 19)] },
    // A script zone keeps the plain message, even for a row-level DELETE.
    { code: 'await knex.raw("delete from likes where post_id = ?", [postId]);', filename: SCRIPT, settings: WITH_DATA_LAYER, errors: [error("DELETE", "raw", 1, 17)] },
  ],
});

// Issue 14 (bounded work): a SQL text in code is checked up to MAX_SQL_STATEMENTS_PER_TEXT statements;
// the rest is one finding at the first statement not checked, naming the count and the limit.
const SELECTS = "SELECT 1;\n".repeat(MAX_SQL_STATEMENTS_PER_TEXT);
ruleTester.run("no-destructive-sql: statements past the limit", rule, {
  valid: [{ name: "1,000 SELECT statements in one string", code: `await prisma.$executeRawUnsafe(${JSON.stringify(SELECTS)});`, filename: SCRIPT }],
  invalid: [
    {
      name: "a DROP and 20,000 DELETE statements in one string",
      // Before: 20,000 statements in one string took minutes (placing each statement was linear in the text).
      code: `await prisma.$executeRawUnsafe(${JSON.stringify(`DROP TABLE a;\n${"DELETE FROM t;\n".repeat(20_000)}`)});`,
      filename: SCRIPT,
      errors: [
        { messageId: "destructive", data: { kind: "DROP TABLE", where: "reaching $executeRawUnsafe" }, line: 1, column: 33 },
        ...Array.from({ length: MAX_SQL_STATEMENTS_PER_TEXT - 1 }, (_, i) => ({ messageId: "destructive" as const, data: { kind: "DELETE", where: "reaching $executeRawUnsafe" }, line: 1, column: 33 + 15 + 16 * i })),
        { messageId: "tooManyStatements", data: { where: "reaching $executeRawUnsafe", count: "20,001", limit: MAX_SQL_STATEMENTS_PER_TEXT.toLocaleString("en-US") }, line: 1, column: 33 + 15 + 16 * (MAX_SQL_STATEMENTS_PER_TEXT - 1) },
      ],
    },
    {
      name: "1,001 statements in a template with a hole",
      // A template with a hole: the finding is at the first statement not checked, in the source.
      code: `await prisma.$executeRaw\`${SELECTS}DELETE FROM \${table};\``,
      filename: SCRIPT,
      errors: [{ messageId: "tooManyStatements", data: { where: "reaching $executeRaw", count: "1,001", limit: "1,000" }, line: MAX_SQL_STATEMENTS_PER_TEXT + 1, column: 1 }],
    },
  ],
});
