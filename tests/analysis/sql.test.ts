/**
 * findDestructiveStatements (SPEC §3 `no-destructive-sql`, §6.5) on the real PostgreSQL parser, and
 * checkSqlText, its `.sql`-file entry point. Positions are UTF-16 offsets inside the input parts.
 */
import { describe, expect, it } from "vitest";
import { checkSqlText } from "../../rules/no-destructive-sql.js";
import { analyzeSql, blankPsqlMetaCommands, findDestructiveStatements, withPositionalPlaceholders } from "../../src/analysis/sql.js";
import { MAX_SQL_STATEMENTS_PER_FILE } from "../../src/limits.js";

/** The kinds found in one SQL text without holes. */
function kinds(sql: string): string[] {
  return findDestructiveStatements([sql]).map((s) => s.kind);
}

describe("findDestructiveStatements: kinds", () => {
  it.each([
    ["DROP TABLE users", "DROP TABLE"],
    ["DROP TABLE IF EXISTS a, b CASCADE", "DROP TABLE"],
    ["DROP VIEW v", "DROP VIEW"],
    ["DROP MATERIALIZED VIEW m", "DROP MATERIALIZED VIEW"],
    ["DROP SCHEMA app CASCADE", "DROP SCHEMA"],
    ["DROP DATABASE app", "DROP DATABASE"],
    ["DROP POLICY tenant_isolation ON users", "DROP POLICY"],
    ["DROP INDEX CONCURRENTLY users_email_idx", "DROP INDEX"],
    ["DROP SEQUENCE s", "DROP SEQUENCE"],
    ["DROP FUNCTION f(int)", "DROP FUNCTION"],
    ["DROP TRIGGER t ON users", "DROP TRIGGER"],
    ["DROP TYPE mood", "DROP TYPE"],
    ["DROP EXTENSION pgcrypto", "DROP EXTENSION"],
    ["DROP FOREIGN TABLE f", "DROP FOREIGN TABLE"],
    ["DROP FOREIGN DATA WRAPPER w", "DROP FOREIGN DATA WRAPPER"],
    ["DROP SERVER s", "DROP SERVER"],
    ["DROP STATISTICS st", "DROP STATISTICS"],
    ["DROP TEXT SEARCH CONFIGURATION c", "DROP TEXT SEARCH CONFIGURATION"],
    ["DROP OPERATOR CLASS c USING btree", "DROP OPERATOR CLASS"],
    ["DROP EVENT TRIGGER e", "DROP EVENT TRIGGER"],
    // DROP USER and DROP GROUP are PostgreSQL's DropRoleStmt: reported as DROP ROLE.
    ["DROP USER app_reader", "DROP ROLE"],
    ["DROP OWNED BY app_reader", "DROP OWNED"],
    ["DROP TABLESPACE t", "DROP TABLESPACE"],
    ["DROP SUBSCRIPTION s", "DROP SUBSCRIPTION"],
    ["DROP USER MAPPING FOR u SERVER s", "DROP USER MAPPING"],
    ["TRUNCATE users", "TRUNCATE"],
    ["TRUNCATE TABLE a, b RESTART IDENTITY CASCADE", "TRUNCATE"],
    ["DELETE FROM users", "DELETE"],
    ["DELETE FROM users WHERE id = 1", "DELETE"],
    ["delete from users where id = 1", "DELETE"],
    ["DELETE FROM ONLY users u USING orgs o WHERE u.org = o.id", "DELETE"],
    ["WITH gone AS (DELETE FROM sessions RETURNING id) SELECT count(*) FROM gone", "DELETE"],
    ["INSERT INTO archive WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone", "DELETE"],
    ["UPDATE users SET active = false", "UPDATE without WHERE"],
    ["UPDATE users SET a = s.a FROM staging s", "UPDATE without WHERE"],
    ["WITH u AS (UPDATE users SET a = 1 RETURNING id) SELECT * FROM u", "UPDATE without WHERE"],
    ["ALTER TABLE users DROP COLUMN email", "ALTER TABLE ... DROP COLUMN"],
    ["ALTER TABLE users DROP COLUMN IF EXISTS email CASCADE", "ALTER TABLE ... DROP COLUMN"],
    ["ALTER TABLE users DROP CONSTRAINT users_email_key", "ALTER TABLE ... DROP CONSTRAINT"],
    ["ALTER TABLE users ADD COLUMN note text, DROP COLUMN legacy", "ALTER TABLE ... DROP COLUMN"],
    // Every ALTER subcommand written with DROP counts (§6.5 "ALTER ... DROP subcommands").
    ["ALTER TABLE users ALTER COLUMN email DROP NOT NULL", "ALTER TABLE ... ALTER COLUMN ... DROP NOT NULL"],
    ["ALTER TABLE users ALTER COLUMN email DROP DEFAULT", "ALTER TABLE ... ALTER COLUMN ... DROP DEFAULT"],
    ["ALTER TABLE users ALTER COLUMN id DROP IDENTITY", "ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY"],
    ["ALTER TABLE users ALTER COLUMN total DROP EXPRESSION", "ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION"],
    ["ALTER FOREIGN TABLE f DROP COLUMN c", "ALTER FOREIGN TABLE ... DROP COLUMN"],
    ["ALTER TYPE address DROP ATTRIBUTE zip", "ALTER TYPE ... DROP ATTRIBUTE"],
    ["ALTER DOMAIN email DROP CONSTRAINT email_check", "ALTER DOMAIN ... DROP CONSTRAINT"],
    ["ALTER DOMAIN email DROP NOT NULL", "ALTER DOMAIN ... DROP NOT NULL"],
    ["ALTER DOMAIN email DROP DEFAULT", "ALTER DOMAIN ... DROP DEFAULT"],
    ["ALTER PUBLICATION p DROP TABLE users", "ALTER PUBLICATION ... DROP"],
    ["ALTER EXTENSION e DROP TABLE users", "ALTER EXTENSION ... DROP"],
    ["ALTER GROUP admins DROP USER alice", "ALTER GROUP ... DROP USER"],
    ["ALTER SUBSCRIPTION s DROP PUBLICATION p", "ALTER SUBSCRIPTION ... DROP PUBLICATION"],
    ["ALTER OPERATOR FAMILY f USING btree DROP OPERATOR 1 (int, int)", "ALTER OPERATOR FAMILY ... DROP"],
    ["ALTER TEXT SEARCH CONFIGURATION c DROP MAPPING FOR word", "ALTER TEXT SEARCH CONFIGURATION ... DROP MAPPING"],
    // Decision: MERGE ... THEN DELETE deletes rows, so it is a DELETE; MERGE ... THEN UPDATE has the join as its WHERE.
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "MERGE ... DELETE"],
    // Decision: a destructive statement nested anywhere in the tree counts (EXPLAIN ANALYZE runs it; PREPARE and
    // CREATE RULE define it to run later).
    ["EXPLAIN ANALYZE DELETE FROM t", "DELETE"],
    ["PREPARE purge AS DELETE FROM sessions", "DELETE"],
    ["CREATE RULE r AS ON INSERT TO t DO INSTEAD DELETE FROM u", "DELETE"],
    ["DO $$ BEGIN DELETE FROM t; END $$", "DELETE in a DO block"],
    ["do $$ begin delete from t where id = 1; end $$", "DELETE in a DO block"],
    ["DO LANGUAGE plpgsql $body$ BEGIN TRUNCATE t; END $body$", "TRUNCATE in a DO block"],
    ["DO $$ BEGIN IF true THEN UPDATE t SET a = 1; END IF; END $$", "UPDATE without WHERE in a DO block"],
    ["DO $$ DECLARE r record; BEGIN FOR r IN DELETE FROM t RETURNING * LOOP END LOOP; END $$", "DELETE in a DO block"],
    ["DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$", "DROP TABLE in a DO block"],
    ["DO $$ BEGIN EXECUTE 'TRUNCATE ' || quote_ident(tbl); END $$", "TRUNCATE in a DO block"],
    ["DO $$ BEGIN EXECUTE format('DROP TABLE %I.%I', s, t); END $$", "DROP TABLE in a DO block"],
    ["DO $$ DECLARE r record; BEGIN FOR r IN EXECUTE 'DELETE FROM t RETURNING *' LOOP END LOOP; END $$", "DELETE in a DO block"],
    ["DO $$ BEGIN EXECUTE 'ALTER TABLE t DROP COLUMN c'; END $$", "ALTER TABLE ... DROP COLUMN in a DO block"],
  ])("%s -> %s", (sql, kind) => {
    expect(kinds(sql)).toEqual([kind]);
  });

  it.each([
    "SELECT * FROM users",
    "SELECT 'DROP TABLE users'",
    "-- DROP TABLE users\nSELECT 1",
    "/* DELETE FROM users */ SELECT 1",
    "INSERT INTO users (id) VALUES (1)",
    "INSERT INTO users (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET seen = now()",
    "UPDATE users SET a = 1 WHERE id = 1",
    "UPDATE users SET a = 1 WHERE CURRENT OF c",
    "CREATE TABLE t (id int)",
    "CREATE INDEX i ON t (a)",
    "ALTER TABLE users ADD COLUMN note text",
    "ALTER TABLE users ALTER COLUMN note SET DEFAULT ''",
    "ALTER TABLE users ALTER COLUMN note SET NOT NULL",
    "ALTER TABLE users RENAME COLUMN a TO b",
    // AT_DropCluster, AT_DropInherit, AT_DropOf: named "Drop" inside PostgreSQL, but not written with DROP.
    "ALTER TABLE users SET WITHOUT CLUSTER",
    "ALTER TABLE child NO INHERIT parent",
    "ALTER TABLE t NOT OF",
    "ALTER DOMAIN email SET DEFAULT 'x'",
    "ALTER PUBLICATION p ADD TABLE users",
    "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a",
    "DO $$ BEGIN PERFORM 1; END $$",
    "DO $$ BEGIN UPDATE t SET a = 1 WHERE id = 1; EXECUTE 'SELECT 1'; END $$",
    // Decision: a DO block in another language is not read (only PL/pgSQL has a parser here).
    "DO LANGUAGE plv8 $$ plv8.execute('DELETE FROM t') $$",
    // Decision: a function body is a string that is not executed by CREATE FUNCTION; only DO bodies are parsed (§6.5).
    "CREATE FUNCTION purge() RETURNS void AS $$ BEGIN DELETE FROM t; END $$ LANGUAGE plpgsql",
    "BEGIN; COMMIT;",
    "",
    "   \n\t",
    "-- only a comment",
  ])("silent: %j", (sql) => {
    expect(findDestructiveStatements([sql])).toEqual([]);
  });
});

describe("findDestructiveStatements: positions", () => {
  it("gives each statement of a multi-statement text, at its first token after comments", () => {
    const sql = "BEGIN; -- purge\nDELETE FROM sessions; /* then */ DROP TABLE old_sessions;\nCOMMIT;";
    expect(findDestructiveStatements([sql])).toEqual([
      { kind: "DELETE", part: 0, offset: sql.indexOf("DELETE"), endPart: 0, endOffset: sql.indexOf("; /*"), unparsed: false, rowLevel: false, deleteWhere: "none" },
      { kind: "DROP TABLE", part: 0, offset: sql.indexOf("DROP"), endPart: 0, endOffset: sql.indexOf(";\nCOMMIT"), unparsed: false, rowLevel: false },
    ]);
  });

  it("converts libpg-query's UTF-8 byte offsets to UTF-16 offsets after non-ASCII text", () => {
    // "é" is 2 bytes and 1 UTF-16 unit; "🧹" is 4 bytes and 2 UTF-16 units.
    const sql = "SELECT 'é🧹'; /* café 🧹 */ DELETE FROM t; DROP TABLE x";
    const found = findDestructiveStatements([sql]);
    expect(found.map((s) => [s.kind, s.offset, s.endOffset])).toEqual([
      ["DELETE", 28, 41],
      ["DROP TABLE", 43, 55],
    ]);
    expect(sql.slice(28, 41)).toBe("DELETE FROM t");
    expect(sql.slice(43, 55)).toBe("DROP TABLE x");
  });

  it("excludes trailing white space, not the statement, from the end", () => {
    const [found] = findDestructiveStatements(["  DELETE FROM t  \n"]);
    expect(found).toMatchObject({ offset: 2, endOffset: 15 });
  });

  it("maps statements to the part between holes where they start and end", () => {
    const parts = ["SELECT ", "; DELETE FROM t WHERE id = ", "; DROP TABLE x"];
    expect(findDestructiveStatements(parts)).toEqual([
      { kind: "DELETE", part: 1, offset: 2, endPart: 2, endOffset: 0, unparsed: false, rowLevel: true },
      { kind: "DROP TABLE", part: 2, offset: 2, endPart: 2, endOffset: 14, unparsed: false, rowLevel: false },
    ]);
  });

  it("maps positions after a hole when the holes had to become identifiers", () => {
    // `TRUNCATE TABLE $1` does not parse: the hole becomes an identifier, whose length differs from `$1`.
    const parts = ["SELECT 1 FROM ", "; TRUNCATE TABLE ", "; DELETE FROM ", " WHERE é = 1"];
    expect(findDestructiveStatements(parts).map((s) => [s.kind, s.part, s.offset, s.endPart, s.endOffset])).toEqual([
      ["TRUNCATE", 1, 2, 2, 0],
      ["DELETE", 2, 2, 3, 12],
    ]);
  });

  it("maps statements next to holes", () => {
    // `$1.users` is a syntax error, `hole_1.users` is a table: the DELETE parses with identifiers.
    expect(findDestructiveStatements(["SELECT 1; DELETE FROM ", ".users"])).toMatchObject([{ part: 0, offset: 10 }]);
    // `$1 ; DELETE FROM t` does not parse as a whole; split at `;`, the DELETE parses alone.
    expect(findDestructiveStatements(["", " ; DELETE FROM t"])).toMatchObject([{ kind: "DELETE", part: 1, offset: 3, unparsed: false }]);
  });
});

// Choice: positional placeholders of other drivers (`?` of knex/mysql2/better-sqlite3, `??` of knex
// identifier bindings) are read as parameters once the text fails to parse as PostgreSQL, so a knex
// `raw("update users set a = ?")` is judged on its statement (no WHERE), not only on its first keyword.
// Regression: FreeFeed/freefeed-server app/support/DbAdapter/*.js (`delete from ... where ... = ?`).
describe("findDestructiveStatements: positional placeholders", () => {
  it("parses ? and ?? as parameters, keeping offsets", () => {
    expect(findDestructiveStatements(["-- knex\n  delete from ?? where id = ?"])).toEqual([
      { kind: "DELETE", part: 0, offset: 10, endPart: 0, endOffset: 37, unparsed: false, rowLevel: true },
    ]);
    expect(kinds("update users set a = ?")).toEqual(["UPDATE without WHERE"]);
    expect(kinds("update users set a = ? where id = ?")).toEqual([]);
    expect(kinds("insert into t (a, b) values (?, ?) on conflict do nothing")).toEqual([]);
  });

  it("reads named replacements (:name) as columns and keeps :: casts", () => {
    // Regression: outline/outline server/queues/tasks/RollupWeeklyDocumentInsightsTask.ts (Sequelize replacements).
    expect(withPositionalPlaceholders("DELETE FROM t WHERE a >= :start::uuid")).toBe("DELETE FROM t WHERE a >=  start::uuid");
    expect(findDestructiveStatements(["DELETE FROM t USING d WHERE d.id = t.d AND t.a >= :start::uuid"])).toMatchObject([{ kind: "DELETE", unparsed: false }]);
    expect(kinds("UPDATE t SET a = :value")).toEqual(["UPDATE without WHERE"]);
  });

  it("leaves the jsonb ? operator and question marks in strings alone", () => {
    expect(withPositionalPlaceholders("select data ? 'k' from t")).toBe("select data 1 'k' from t");
    expect(kinds("select data ? 'k' from t")).toEqual([]);
    expect(withPositionalPlaceholders("select 'why?' from t -- really?")).toBeUndefined();
  });
});

describe("findDestructiveStatements: text that does not parse", () => {
  it("reports only when the first keyword is destructive, as unparsed", () => {
    expect(findDestructiveStatements(["DROP TABLE `users`"])).toEqual([
      { kind: "DROP", part: 0, offset: 0, endPart: 0, endOffset: 18, unparsed: true, rowLevel: false },
    ]);
    expect(kinds("DELETE FROM ?? WHERE id = ?")).toEqual(["DELETE"]);
    expect(kinds("truncate `audit_log`")).toEqual(["TRUNCATE"]);
    expect(findDestructiveStatements(["DELETE FROM t WHERE id = ? AND"])).toMatchObject([{ kind: "DELETE", offset: 0, unparsed: true }]);
  });

  it("stays silent when the first keyword is not destructive", () => {
    expect(kinds("UPDATE `users` SET a = ?")).toEqual([]);
    expect(kinds("SELECT * FROM `users`")).toEqual([]);
    expect(kinds("ALTER TABLE `users` DROP COLUMN a")).toEqual([]);
  });

  it("stays silent on one destructive word alone (a command name) and on text that is not SQL", () => {
    expect(kinds("delete")).toEqual([]);
    expect(kinds("  DROP  ")).toEqual([]);
    expect(kinds("a=1&b=2")).toEqual([]);
    expect(kinds("a=1;delete=2")).toEqual([]);
    expect(kinds("delete from the list, then exit")).toEqual(["DELETE"]);
  });

  it("still reads the first keyword of a text with an unterminated quote (the scanner fails on it)", () => {
    // The value of `"DELETE FROM users WHERE name = '" + name`: the quote closes in the hole.
    expect(findDestructiveStatements(["DELETE FROM users WHERE name = '", ""])).toMatchObject([{ kind: "DELETE", part: 0, offset: 0, unparsed: true }]);
    expect(kinds("UPDATE users SET a = 1 WHERE name = 'x")).toEqual([]);
  });

  it("reads each statement of an unparsable multi-statement text on its own", () => {
    // Decision: statements are split at `;` tokens; one that parses alone is reported as parsed.
    const sql = "UPDATE t SET a = $1 WHERE id = $2; DELETE FROM x WHERE id = ; DROP TABLE y";
    expect(findDestructiveStatements([sql])).toEqual([
      { kind: "DELETE", part: 0, offset: sql.indexOf("DELETE"), endPart: 0, endOffset: sql.indexOf(" ; DROP"), unparsed: true, rowLevel: false },
      { kind: "DROP TABLE", part: 0, offset: sql.indexOf("DROP"), endPart: 0, endOffset: sql.length, unparsed: false, rowLevel: false },
    ]);
  });

  it("does not split what the scanner keeps together (a dollar-quoted DO body)", () => {
    expect(kinds("SELECT ?; DO $$ BEGIN DELETE FROM t; END $$")).toEqual(["DELETE in a DO block"]);
  });
});

describe("findDestructiveStatements: holes", () => {
  it("turns holes into parameters", () => {
    expect(findDestructiveStatements(["DELETE FROM users WHERE id = ", ""])).toMatchObject([{ kind: "DELETE", unparsed: false }]);
    expect(findDestructiveStatements(["UPDATE users SET name = ", " WHERE id = ", ""])).toEqual([]);
    expect(findDestructiveStatements(["UPDATE users SET name = ", ""])).toMatchObject([{ kind: "UPDATE without WHERE" }]);
  });

  it("turns holes into identifiers when parameters do not parse", () => {
    expect(findDestructiveStatements(["TRUNCATE TABLE ", ""])).toMatchObject([{ kind: "TRUNCATE", unparsed: false }]);
    expect(findDestructiveStatements(["DROP TABLE IF EXISTS ", ".", " CASCADE"])).toMatchObject([{ kind: "DROP TABLE", unparsed: false }]);
    expect(findDestructiveStatements(["SELECT * FROM ", ""])).toEqual([]);
  });

  it("stays silent when the statement's verb is a hole", () => {
    expect(findDestructiveStatements(["", " FROM users"])).toEqual([]);
  });
});

// Issue 13 item 5 (SPEC §6.18): row-level DELETEs are what a contract's dataLayer accepts; an UPDATE
// whose WHERE names no column touches every row (or an unknown set) and is reported like one without WHERE.
describe("findDestructiveStatements: row-level statements", () => {
  /** [kind, rowLevel, deleteWhere] of each statement. */
  function rows(parts: string[]): [string, boolean, string | undefined][] {
    return findDestructiveStatements(parts).map((s) => [s.kind, s.rowLevel, s.deleteWhere]);
  }

  it("a DELETE whose WHERE names a column is row-level (freefeed-server's data layer)", () => {
    expect(rows(["DELETE FROM users WHERE id = $1"])).toEqual([["DELETE", true, undefined]]);
    expect(rows(["delete from app_tokens where id = ?"])).toEqual([["DELETE", true, undefined]]);
    expect(rows(["DELETE FROM likes WHERE post_id = ", " AND user_id = ", ""])).toEqual([["DELETE", true, undefined]]);
    expect(rows(["DELETE FROM t WHERE a = 1 AND true"])).toEqual([["DELETE", true, undefined]]);
    expect(rows(["DELETE FROM t USING u WHERE t.u_id = u.id AND u.gone"])).toEqual([["DELETE", true, undefined]]);
    expect(rows(["WITH gone AS (DELETE FROM sessions WHERE expires < now() RETURNING id) SELECT count(*) FROM gone"])).toEqual([["DELETE", true, undefined]]);
    expect(rows(["DELETE FROM t WHERE id IN (SELECT id FROM u WHERE x)"])).toEqual([["DELETE", true, undefined]]);
    expect(rows(["DELETE FROM t WHERE NOT (archived)"])).toEqual([["DELETE", true, undefined]]);
  });

  it("near-misses: no WHERE, a constant or unknown condition, an OR with a constant branch", () => {
    expect(rows(["DELETE FROM users"])).toEqual([["DELETE", false, "none"]]);
    expect(rows(["DELETE FROM users WHERE true"])).toEqual([["DELETE", false, "no column"]]);
    expect(rows(["DELETE FROM users WHERE 1 = 1"])).toEqual([["DELETE", false, "no column"]]);
    expect(rows(["DELETE FROM users WHERE ", ""])).toEqual([["DELETE", false, "no column"]]);
    expect(rows(["DELETE FROM users WHERE id = $1 OR 1 = 1"])).toEqual([["DELETE", false, "no column"]]);
    expect(rows(["DELETE FROM users WHERE EXISTS (SELECT 1)"])).toEqual([["DELETE", false, "no column"]]);
    expect(rows(["DELETE FROM t WHERE ", " = 1"])).toEqual([["DELETE", false, "no column"]]);
  });

  it("never row-level: DROP, TRUNCATE, ALTER ... DROP, MERGE ... DELETE, a DO block, an unparsed DELETE, a row DELETE beside another destructive part", () => {
    expect(rows(["DROP TABLE t"])).toEqual([["DROP TABLE", false, undefined]]);
    expect(rows(["TRUNCATE t"])).toEqual([["TRUNCATE", false, undefined]]);
    expect(rows(["ALTER TABLE t DROP COLUMN c"])).toEqual([["ALTER TABLE ... DROP COLUMN", false, undefined]]);
    expect(rows(["MERGE INTO u USING s ON u.id = s.id WHEN MATCHED THEN DELETE"])).toEqual([["MERGE ... DELETE", false, undefined]]);
    expect(rows(["DO $$ BEGIN DELETE FROM s WHERE id = 1; END $$"])).toEqual([["DELETE in a DO block", false, undefined]]);
    expect(rows(["DELETE FROM `users` WHERE id = 1"])).toEqual([["DELETE", false, undefined]]);
    expect(rows(["WITH x AS (DELETE FROM a WHERE id = 1 RETURNING id) DELETE FROM b"])).toEqual([["DELETE", false, "none"]]);
    expect(rows(["WITH x AS (DELETE FROM a WHERE id = 1 RETURNING id) UPDATE b SET n = 0"])).toEqual([["UPDATE without WHERE", false, undefined]]);
  });

  it("an UPDATE whose WHERE names no column is destructive; one that names a column is not", () => {
    expect(kinds("UPDATE users SET banned = true WHERE true")).toEqual(["UPDATE whose WHERE names no column"]);
    expect(kinds("UPDATE users SET banned = true WHERE 1 = 1")).toEqual(["UPDATE whose WHERE names no column"]);
    expect(findDestructiveStatements(["UPDATE users SET banned = true WHERE ", ""]).map((s) => s.kind)).toEqual(["UPDATE whose WHERE names no column"]);
    expect(kinds("UPDATE users SET banned = true WHERE id = $1 OR true")).toEqual(["UPDATE whose WHERE names no column"]);
    expect(kinds("UPDATE users SET banned = true WHERE id = $1")).toEqual([]);
    expect(kinds("UPDATE users SET banned = true WHERE id = $1 AND true")).toEqual([]);
  });
});

describe("findDestructiveStatements: cache", () => {
  it("returns equal (the same, frozen) results for the same parts", () => {
    const first = findDestructiveStatements(["DELETE FROM cached_table; DROP TABLE cached_other"]);
    const second = findDestructiveStatements(["DELETE FROM cached_table; DROP TABLE cached_other"]);
    expect(second).toEqual(first);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0])).toBe(true);
  });

  it("keys by the parts, not by their joined text", () => {
    // Regression: the key was parts.join("\u0000"), so one part holding a NUL collided with two parts.
    const withNul = findDestructiveStatements(["DELETE FROM t WHERE id = \u0000"]);
    const withHole = findDestructiveStatements(["DELETE FROM t WHERE id = ", ""]);
    expect(withNul).toMatchObject([{ unparsed: true }]);
    expect(withHole).toMatchObject([{ unparsed: false, endPart: 1 }]);
  });
});

describe("checkSqlText (.sql files)", () => {
  it("returns the same kinds as the rule, with UTF-16 offsets into the text", () => {
    const text = "-- Nettoyage des données 🧹\nBEGIN;\nDELETE FROM sessions WHERE expires < now();\nDROP TABLE IF EXISTS old_sessions;\nCOMMIT;\n";
    expect(checkSqlText(text).map(({ messageId, kind, offset }) => ({ messageId, kind, offset }))).toEqual([
      { messageId: "destructive", kind: "DELETE", offset: text.indexOf("DELETE") },
      { messageId: "destructive", kind: "DROP TABLE", offset: text.indexOf("DROP") },
    ]);
    expect(checkSqlText(text)[0]?.message).toContain("in a .sql file");
  });

  it("reports an unparsable statement by its first keyword, and nothing in a harmless file", () => {
    expect(checkSqlText("DROP TABLE `users`;").map((f) => [f.messageId, f.kind, f.offset])).toEqual([["destructiveUnparsed", "DROP", 0]]);
    expect(checkSqlText("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n")).toEqual([]);
    expect(checkSqlText("")).toEqual([]);
  });
});

describe("EXPLAIN", () => {
  // Regression: Molemo21/ConnectSA-k9 scripts/verify-production-db-permissions.js runs
  // `EXPLAIN DELETE FROM users WHERE ...` to check a plan without deleting: a plain EXPLAIN never runs it.
  it("is silent on EXPLAIN without ANALYZE, which only plans the statement", () => {
    expect(kinds("EXPLAIN DELETE FROM users WHERE id = 'x'")).toEqual([]);
    expect(kinds("EXPLAIN (ANALYZE false) DROP TABLE t")).toEqual([]);
    expect(kinds("EXPLAIN (ANALYZE off, VERBOSE) TRUNCATE t")).toEqual([]);
  });

  it("reports EXPLAIN ANALYZE, which runs the statement", () => {
    expect(kinds("EXPLAIN ANALYZE DELETE FROM users")).toEqual(["DELETE"]);
    expect(kinds("EXPLAIN (ANALYZE) UPDATE t SET a = 1")).toEqual(["UPDATE without WHERE"]);
    expect(kinds("EXPLAIN (ANALYZE true, BUFFERS) DELETE FROM t")).toEqual(["DELETE"]);
  });
});

describe("psql scripts (.sql files)", () => {
  // Regression: Molemo21/ConnectSA-k9 scripts/verify-database-permissions.sql is a psql script: `\echo`
  // lines and `:app_role_name` variables made the whole file unparsable, and its DO blocks went unread.
  const script = [
    "-- Verify permissions ✅",
    "\\echo 'Test 1: bulk DELETE'",
    "\\set ON_ERROR_STOP on",
    "DO $$ BEGIN DELETE FROM users WHERE id = 'none'; END $$;",
    "REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM :app_role_name;",
    "\\connect :'target_db'",
    "SELECT '\\not a command', x::int FROM t;",
    "TRUNCATE TABLE users;",
  ].join("\n");

  it("blanks meta-commands and variable colons, keeping every offset", () => {
    const blanked = blankPsqlMetaCommands(script);
    expect(blanked).toHaveLength(script.length);
    expect(blanked).not.toContain("\\echo");
    expect(blanked).not.toContain(":app_role_name");
    expect(blanked).toContain(" app_role_name");
    expect(blanked).toContain("'\\not a command', x::int");
    expect(blanked.indexOf("TRUNCATE TABLE users")).toBe(script.indexOf("TRUNCATE TABLE users"));
  });

  it("reads every statement of a psql script", () => {
    expect(checkSqlText(script).map((f) => [f.kind, f.offset])).toEqual([
      ["DELETE in a DO block", script.indexOf("DO $$")],
      ["TRUNCATE", script.indexOf("TRUNCATE TABLE users")],
    ]);
  });

  it("leaves plain SQL alone", () => {
    const sql = "SELECT a::text, arr[1:2] FROM t; -- \\echo in a comment";
    expect(blankPsqlMetaCommands(sql)).toBe(sql);
  });
});

describe("analyzeSql: statements past the limit (issue 14)", () => {
  it("checks the first statements only and says where the rest starts, parsed or not", () => {
    expect(analyzeSql(["DELETE FROM a; SELECT 1; DROP TABLE b; DELETE FROM c"], 2)).toEqual({
      statements: [expect.objectContaining({ kind: "DELETE", offset: 0 })],
      unchecked: { total: 4, checked: 2, part: 0, offset: 25 },
    });
    // The token fallback (backquotes are not PostgreSQL) counts the statements it splits.
    expect(analyzeSql(["DELETE FROM `a`; SELECT 1; DROP TABLE `b`"], 2)).toEqual({
      statements: [expect.objectContaining({ kind: "DELETE", offset: 0, unparsed: true })],
      unchecked: { total: 3, checked: 2, part: 0, offset: 27 },
    });
    expect(analyzeSql(["DELETE FROM a; SELECT 1"], 2)).toEqual({ statements: [expect.objectContaining({ kind: "DELETE" })] });
    // Holes: the position is in the part where the first statement not checked starts.
    expect(analyzeSql(["SELECT ", "; DELETE FROM t WHERE id = ", "; DROP TABLE x"], 2).unchecked).toEqual({ total: 3, checked: 2, part: 2, offset: 2 });
  });

  it("keeps UTF-16 positions right after non-ASCII text, in a long text", () => {
    const sql = `${"SELECT 'ä😀';\n".repeat(900)}DELETE FROM t;`;
    const [statement] = findDestructiveStatements([sql]);
    expect(statement).toMatchObject({ kind: "DELETE", offset: sql.length - "DELETE FROM t;".length, endOffset: sql.length - 1 });
  });

  it("checks 20,000 statements of a text and 100,000 of a .sql file in linear time", () => {
    // Before: placing each statement was linear in the text (minutes for 20,000, hours for 100,000).
    const started = performance.now();
    expect(analyzeSql(["DELETE FROM t;\n".repeat(20_000)], 20_000).statements).toHaveLength(20_000);
    const file = checkSqlText("DELETE FROM t;\n".repeat(100_000));
    expect(file).toHaveLength(MAX_SQL_STATEMENTS_PER_FILE + 1);
    expect(file.at(-1)).toMatchObject({
      messageId: "tooManyStatements",
      offset: 15 * MAX_SQL_STATEMENTS_PER_FILE,
      message: `SQL in this .sql file holds 100,000 statements, more than the ${MAX_SQL_STATEMENTS_PER_FILE.toLocaleString("en-US")} that are checked: the statements from here on were not checked for destructive SQL. Split it into parts of at most ${MAX_SQL_STATEMENTS_PER_FILE.toLocaleString("en-US")} statements, or move it to a migration.`,
    });
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
