/**
 * "Is this a SQL sink" and "what SQL reaches it" for Python (issue 15 item 2; the Python side of
 * src/analysis/sinks.ts). The SQL itself is read by the same PostgreSQL parser and the same decisions
 * as JavaScript: `findDestructiveStatements` of src/analysis/sql.ts and `getSqlWrite` of
 * src/analysis/mutations.ts.
 *
 * Sinks: method calls `.execute(sql, ...)`, `.executemany(...)`, `.executescript(...)` (DB-API cursors and
 * connections: psycopg, psycopg2, sqlite3, asyncpg, SQLAlchemy connections and sessions, Django's
 * `connection.cursor()`), `.exec_driver_sql(...)` (SQLAlchemy), `.raw(...)` (Django `Model.objects.raw`),
 * and asyncpg's `.fetch`/`.fetchrow`/`.fetchval`. The SQL is the first argument (or `sql=`, `query=`,
 * `statement=`), read by `stringPieces` of ./ast.ts (literals, f-string holes, `+`, `.format`, a name
 * assigned once, SQLAlchemy `text(...)`). When the call passes parameters (a second argument) or the text is
 * `%`-formatted, its `%s` / `%(name)s` placeholders (psycopg's paramstyle) are holes and `%%` is `%`;
 * `?` and `:name` placeholders are read by the shared SQL reader.
 *
 * Only text that reaches a sink is read as SQL: `print("delete from the list")` is no sink (docs/design.md, SQL).
 */
import { getSqlWrite, type SqlWrite } from "../../analysis/mutations.js";
import { analyzeSql, type DestructiveStatement, type UncheckedStatements } from "../../analysis/sql.js";
import { MAX_SQL_STATEMENTS_PER_TEXT } from "../../limits.js";
import { field, keywordArg, lastName, positionalArgs, type PyStringPieces, stringPieces, unwrap } from "./ast.js";
import type { PyFile, PyNode } from "./parser.js";

/** Methods whose first argument is SQL that runs. */
export const PYTHON_SINK_METHODS: ReadonlySet<string> = new Set(["execute", "executemany", "executescript", "exec_driver_sql", "raw", "fetch", "fetchrow", "fetchval"]);

/** A Python SQL sink call and the expression carrying its SQL. */
export interface PySqlSink {
  call: PyNode;
  /** The method name, for messages (`execute`, `raw`). */
  name: string;
  sql: PyNode;
}

/** The SQL sink a call is, or undefined (only method calls: `cur.execute(...)`, not `execute(...)`). */
export function getPySink(file: PyFile, call: PyNode): PySqlSink | undefined {
  const callee = unwrap(field(call, "function"));
  if (callee?.type !== "attribute") return undefined;
  const name = lastName(file, callee);
  if (name === undefined || !PYTHON_SINK_METHODS.has(name)) return undefined;
  const sql = positionalArgs(call)[0] ?? keywordArg(file, call, "sql") ?? keywordArg(file, call, "query") ?? keywordArg(file, call, "statement");
  return sql ? { call, name, sql } : undefined;
}

/** Splits pieces at psycopg placeholders (`%s`, `%(name)s`, `%d`, ...); `%%` becomes `%`. */
function splitPlaceholders(pieces: PyStringPieces): PyStringPieces {
  const parts: string[] = [""];
  const offsets: number[][] = [[]];
  pieces.parts.forEach((part, p) => {
    if (p > 0) {
      parts.push("");
      offsets.push([]);
    }
    const from = pieces.offsets[p] ?? [];
    const pattern = /%%|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrbx]/g;
    let at = 0;
    const copy = (to: number): void => {
      parts[parts.length - 1] += part.slice(at, to);
      (offsets[offsets.length - 1] as number[]).push(...from.slice(at, to));
    };
    for (const match of part.matchAll(pattern)) {
      copy(match.index);
      if (match[0] === "%%") {
        parts[parts.length - 1] += "%";
        (offsets[offsets.length - 1] as number[]).push(-1);
      } else {
        parts.push("");
        offsets.push([]);
      }
      at = match.index + match[0].length;
    }
    copy(part.length);
  });
  return { parts, offsets };
}

/** The SQL text of a sink, split at its holes, or undefined when it is not static enough to read. */
export function sinkSqlPieces(file: PyFile, sink: PySqlSink): PyStringPieces | undefined {
  const pieces = stringPieces(file, sink.sql);
  if (!pieces) return undefined;
  const sql = unwrap(sink.sql);
  const formatted = sql?.type === "binary_operator" && field(sql, "operator") !== undefined && file.text.slice((field(sql, "operator") as PyNode).start, (field(sql, "operator") as PyNode).end) === "%";
  const withParams = positionalArgs(sink.call).length > 1 || keywordArg(file, sink.call, "params") !== undefined || keywordArg(file, sink.call, "parameters") !== undefined || keywordArg(file, sink.call, "vars") !== undefined;
  return formatted || withParams ? splitPlaceholders(pieces) : pieces;
}

/**
 * The destructive statements reaching a sink (docs/design.md, SQL decisions), with the pieces they were read from,
 * and the statements past `MAX_SQL_STATEMENTS_PER_TEXT` that were not checked (`analyzeSql`).
 */
export function sinkDestructive(file: PyFile, sink: PySqlSink): { pieces: PyStringPieces; statements: readonly DestructiveStatement[]; unchecked?: UncheckedStatements } | undefined {
  const pieces = sinkSqlPieces(file, sink);
  if (!pieces) return undefined;
  const { statements, unchecked } = analyzeSql(pieces.parts, MAX_SQL_STATEMENTS_PER_TEXT);
  if (unchecked) return { pieces, statements, unchecked };
  return statements.length > 0 ? { pieces, statements } : undefined;
}

/** What the SQL reaching a sink writes (getSqlWrite), or undefined. */
export function sinkWrite(file: PyFile, sink: PySqlSink): SqlWrite | undefined {
  const pieces = sinkSqlPieces(file, sink);
  return pieces ? getSqlWrite(pieces.parts) : undefined;
}
