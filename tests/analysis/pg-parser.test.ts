/**
 * The PostgreSQL parser loaded synchronously on first use (src/analysis/pg-parser.ts): no top-level
 * `await`, so the plugin can be `require()`d (tests/e2e/config-loading.test.ts runs that for real).
 */
import { describe, expect, it } from "vitest";
import { pgParser } from "../../src/analysis/pg-parser.js";

describe("pgParser", () => {
  it("parses, scans and parses PL/pgSQL synchronously on the first call, and returns the same parser afterwards", () => {
    const parser = pgParser();
    expect(parser.parseSync("DROP TABLE users").stmts?.[0]?.stmt).toHaveProperty("DropStmt");
    expect(parser.scanSync("TRUNCATE t").tokens.map((t) => t.text)).toEqual(["TRUNCATE", "t"]);
    const plpgsql = parser.parsePlPgSQLSync("CREATE FUNCTION f() RETURNS void AS $$ BEGIN DELETE FROM t; END $$ LANGUAGE plpgsql") as unknown;
    expect(JSON.stringify(plpgsql)).toContain("PLpgSQL_stmt_execsql");
    expect(pgParser()).toBe(parser);
  });

  it("throws libpg-query's SqlError, an Error of this realm with the cursor position, for a text that does not parse", () => {
    let thrown: unknown;
    try {
      pgParser().parseSync("DROP TABL users");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('syntax error at or near "TABL"');
    expect((thrown as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition).toBe(5);
  });
});
