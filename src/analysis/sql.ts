/**
 * Destructive SQL detection (docs/design.md, Rule groups `no-destructive-sql`), on the real PostgreSQL parser
 * (`libpg-query`, PostgreSQL 18 grammar). No regular expression decides what is SQL.
 *
 * Input is a SQL text split at its holes (a template literal's `${}` parts, or one part for a plain
 * string or a `.sql` file). Holes become `$1..$n`; if that does not parse, holes become identifiers
 * (`hole_1..hole_n`); if that does not parse either, the text is read token by token (libpg-query's
 * scanner): each `;`-separated statement that parses on its own is analysed as usual, and one that does
 * not is reported only when its first keyword is DROP, TRUNCATE or DELETE and it has more than that one
 * word ("delete" alone is a command name, not SQL).
 *
 * Destructive (): every DROP statement, TRUNCATE, DELETE (with or without WHERE, inside CTEs and
 * any other statement too), `MERGE ... THEN DELETE`, UPDATE without WHERE or with a WHERE that names no
 * column (`WHERE true`, `WHERE 1 = 1`, `WHERE $1`: every row, or an unknown condition), `ALTER ... DROP ...`
 * subcommands (those written with DROP: `DROP COLUMN`, `DROP CONSTRAINT`, `ALTER COLUMN ... DROP
 * DEFAULT | NOT NULL | IDENTITY | EXPRESSION`, `ALTER DOMAIN ... DROP`, `ALTER PUBLICATION ... DROP`, ...;
 * not `SET WITHOUT CLUSTER`, `NO INHERIT`, `NOT OF`), and those inside `DO $$ ... $$` bodies, parsed
 * with the PL/pgSQL parser, including `EXECUTE` of a literal, a `||` concatenation or a `format()`.
 *
 * Row-level (issue 13 item 5: accepted in a contract's `dataLayer`): a statement whose only
 * destructive parts are DELETEs with a WHERE that names a column of the row (`WHERE id = $1`,
 * `WHERE a = 1 AND true`); a condition that names no column, an `OR` with such a branch (`id = $1 OR
 * true`), or no WHERE at all is not row-level. A column named only through a hole (`hole_1`) is unknown.
 *
 * libpg-query is WebAssembly; it is loaded synchronously on the first text analysed (./pg-parser.ts). A
 * parser that cannot be loaded throws (outside the `try`s below, which only mean "this text does not parse").
 */
import type { ScanToken } from "libpg-query";
import { MAX_SQL_STATEMENTS_PER_TEXT } from "../limits.js";
import { pgParser } from "./pg-parser.js";

/** One destructive statement found in a SQL text. Positions are UTF-16 offsets inside the input parts. */
export interface DestructiveStatement {
  /**
   * What it is, for messages: "DROP TABLE", "TRUNCATE", "DELETE", "UPDATE without WHERE",
   * "ALTER TABLE ... DROP COLUMN", "DELETE in a DO block"; for an unparsed text its first keyword
   * ("DROP", "TRUNCATE", "DELETE").
   */
  kind: string;
  /** Index of the text part (between holes) where the statement's first token starts. */
  part: number;
  /**
   * UTF-16 offset inside `parts[part]` where the statement's first token starts. When the statement
   * starts with a hole this is `parts[part].length` (the hole follows that part).
   */
  offset: number;
  /** Index of the part where the statement ends (see `endOffset`). */
  endPart: number;
  /**
   * UTF-16 offset inside `parts[endPart]` just past the statement's last character (exclusive; trailing
   * white space excluded). A statement that ends with a hole ends at offset 0 of the part after it.
   */
  endOffset: number;
  /** True when the text could not be parsed and only its first keyword says it is destructive. */
  unparsed: boolean;
  /**
   * True when every destructive part of the statement is a DELETE whose WHERE names a column of the row
   * (see the module header): the row deletes a contract's `dataLayer` accepts. False for an unparsed one.
   */
  rowLevel: boolean;
  /**
   * For a DELETE that is not row-level, how it selects its rows: `none` (no WHERE: every row), `no
   * column` (a WHERE that names no column: `WHERE true`, `WHERE $1`); absent otherwise.
   */
  deleteWhere?: "none" | "no column";
}

type JsonNode = Record<string, unknown>;

interface RawStatement {
  stmt?: JsonNode;
  stmt_location?: number;
  stmt_len?: number;
}

/** Keywords that make an unparsable statement destructive (: "its first keyword is destructive"). */
const DESTRUCTIVE_FIRST_KEYWORDS = new Set(["DROP", "TRUNCATE", "DELETE"]);

const OBJECT_NAMES: Record<string, string> = {
  OBJECT_MATVIEW: "MATERIALIZED VIEW",
  OBJECT_FDW: "FOREIGN DATA WRAPPER",
  OBJECT_FOREIGN_SERVER: "SERVER",
  OBJECT_TSCONFIGURATION: "TEXT SEARCH CONFIGURATION",
  OBJECT_TSDICTIONARY: "TEXT SEARCH DICTIONARY",
  OBJECT_TSPARSER: "TEXT SEARCH PARSER",
  OBJECT_TSTEMPLATE: "TEXT SEARCH TEMPLATE",
  OBJECT_OPCLASS: "OPERATOR CLASS",
  OBJECT_OPFAMILY: "OPERATOR FAMILY",
  OBJECT_STATISTIC_EXT: "STATISTICS",
};

/** The SQL name of an `ObjectType` (`OBJECT_MATVIEW` -> "MATERIALIZED VIEW", `OBJECT_TABLE` -> "TABLE"). */
function objectTypeName(objectType: unknown): string {
  if (typeof objectType !== "string") return "OBJECT";
  return OBJECT_NAMES[objectType] ?? objectType.replace(/^OBJECT_/, "").replaceAll("_", " ");
}

/** Statements other than `DropStmt` that drop something (`DROP USER` and `DROP GROUP` are `DropRoleStmt`). */
const DROP_STATEMENT_NAMES: Record<string, string> = {
  DropdbStmt: "DROP DATABASE",
  DropRoleStmt: "DROP ROLE",
  DropOwnedStmt: "DROP OWNED",
  DropTableSpaceStmt: "DROP TABLESPACE",
  DropSubscriptionStmt: "DROP SUBSCRIPTION",
  DropUserMappingStmt: "DROP USER MAPPING",
};

/** `ALTER TABLE` (and VIEW, INDEX, TYPE, ...) subcommands written with DROP. */
const ALTER_TABLE_DROPS: Record<string, string> = {
  AT_DropColumn: "DROP COLUMN",
  AT_DropConstraint: "DROP CONSTRAINT",
  AT_DropNotNull: "ALTER COLUMN ... DROP NOT NULL",
  AT_DropIdentity: "ALTER COLUMN ... DROP IDENTITY",
  AT_DropExpression: "ALTER COLUMN ... DROP EXPRESSION",
};

/** `ALTER DOMAIN` subtypes written with DROP (`T` is SET/DROP DEFAULT: DROP when it has no default). */
const ALTER_DOMAIN_DROPS: Record<string, string> = { X: "DROP CONSTRAINT", N: "DROP NOT NULL" };

function alterTableKind(node: JsonNode): string | undefined {
  for (const item of (node.cmds as JsonNode[] | undefined) ?? []) {
    const cmd = item.AlterTableCmd as JsonNode | undefined;
    if (!cmd) continue;
    const subtype = cmd.subtype;
    let what: string | undefined;
    if (subtype === "AT_ColumnDefault" && cmd.def === undefined) what = "ALTER COLUMN ... DROP DEFAULT";
    else if (subtype === "AT_DropColumn" && node.objtype === "OBJECT_TYPE") what = "DROP ATTRIBUTE";
    else if (typeof subtype === "string") what = ALTER_TABLE_DROPS[subtype];
    if (what) return `ALTER ${objectTypeName(node.objtype)} ... ${what}`;
  }
  return undefined;
}

/** The destructive kind of one parse-tree node (not its children), or undefined. */
function nodeKind(type: string, node: JsonNode, statementText: string): string | undefined {
  switch (type) {
    case "DropStmt":
      return `DROP ${objectTypeName(node.removeType)}`;
    case "TruncateStmt":
      return "TRUNCATE";
    case "DeleteStmt":
      return "DELETE";
    case "UpdateStmt":
      if (node.whereClause === undefined) return "UPDATE without WHERE";
      return isRowCondition(node.whereClause as JsonNode) ? undefined : "UPDATE whose WHERE names no column";
    case "MergeStmt": {
      const clauses = (node.mergeWhenClauses as JsonNode[] | undefined) ?? [];
      return clauses.some((c) => (c.MergeWhenClause as JsonNode | undefined)?.commandType === "CMD_DELETE") ? "MERGE ... DELETE" : undefined;
    }
    case "AlterTableStmt":
      return alterTableKind(node);
    case "AlterDomainStmt": {
      const what = node.subtype === "T" && node.def === undefined ? "DROP DEFAULT" : ALTER_DOMAIN_DROPS[String(node.subtype)];
      return what ? `ALTER DOMAIN ... ${what}` : undefined;
    }
    case "AlterPublicationStmt":
      return node.action === "AP_DropObjects" ? "ALTER PUBLICATION ... DROP" : undefined;
    case "AlterExtensionContentsStmt":
      return node.action === -1 ? "ALTER EXTENSION ... DROP" : undefined;
    case "AlterRoleStmt":
      return node.action === -1 ? "ALTER GROUP ... DROP USER" : undefined;
    case "AlterSubscriptionStmt":
      return node.kind === "ALTER_SUBSCRIPTION_DROP_PUBLICATION" ? "ALTER SUBSCRIPTION ... DROP PUBLICATION" : undefined;
    case "AlterOpFamilyStmt":
      return node.isDrop === true ? "ALTER OPERATOR FAMILY ... DROP" : undefined;
    case "AlterTSConfigurationStmt":
      return node.kind === "ALTER_TSCONFIG_DROP_MAPPING" ? "ALTER TEXT SEARCH CONFIGURATION ... DROP MAPPING" : undefined;
    case "DoStmt": {
      const inner = doBlockKind(node, statementText);
      return inner ? `${inner} in a DO block` : undefined;
    }
    default:
      if (type.startsWith("Drop") && type.endsWith("Stmt")) return DROP_STATEMENT_NAMES[type] ?? "DROP";
      return undefined;
  }
}

/** A column reference of the statement (not a template hole read as an identifier, `hole_<n>`). */
function isRowColumn(columnRef: JsonNode): boolean {
  const fields = (columnRef.fields as JsonNode[] | undefined) ?? [];
  return !fields.some((f) => /^hole_\d+$/.test(String((f.String as JsonNode | undefined)?.sval ?? "")));
}

/** True when a parse tree names a column of the row anywhere (`id`, `t.id`, inside a function or subquery). */
function namesColumn(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(namesColumn);
  if (value === null || typeof value !== "object") return false;
  for (const [key, child] of Object.entries(value as JsonNode)) {
    if (key === "ColumnRef" && child !== null && typeof child === "object" && isRowColumn(child as JsonNode)) return true;
    // `WHERE CURRENT OF cursor`: the cursor's current row.
    if (key === "CurrentOfExpr") return true;
    if (namesColumn(child)) return true;
  }
  return false;
}

/**
 * True when a WHERE condition selects rows by what they hold: it names a column, and an `OR` has no branch
 * that names none (`id = $1 OR true` is every row); an `AND` needs one such branch.
 */
function isRowCondition(where: JsonNode | undefined): boolean {
  if (!where) return false;
  const bool = where.BoolExpr as JsonNode | undefined;
  if (bool) {
    const args = (bool.args as JsonNode[] | undefined) ?? [];
    if (bool.boolop === "OR_EXPR") return args.length > 0 && args.every(isRowCondition);
    if (bool.boolop === "AND_EXPR") return args.some(isRowCondition);
    return args.length > 0 && isRowCondition(args[0]);
  }
  return namesColumn(where);
}

/**
 * How a statement's destructive parts select rows: true when each is a DELETE with a row condition (and
 * there is one), else the first DELETE's `deleteWhere` when a DELETE is not row-level (see
 * `DestructiveStatement`), else false.
 */
function rowLevelOf(value: unknown, statementText: string): { rowLevel: boolean; deleteWhere?: "none" | "no column" } {
  let deletes = 0;
  let other = false;
  let deleteWhere: "none" | "no column" | undefined;
  const visit = (node: unknown): void => {
    if (other) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    for (const [key, child] of Object.entries(node as JsonNode)) {
      if (/^[A-Z]/.test(key) && child !== null && typeof child === "object" && !Array.isArray(child)) {
        const kind = nodeKind(key, child as JsonNode, statementText);
        if (kind !== undefined) {
          if (key !== "DeleteStmt") {
            other = true;
            return;
          }
          const where = (child as JsonNode).whereClause as JsonNode | undefined;
          if (isRowCondition(where)) deletes += 1;
          else {
            deleteWhere ??= where === undefined ? "none" : "no column";
            other = true;
            return;
          }
        }
        if (key === "DoStmt" || (key === "ExplainStmt" && !explainRuns(child as JsonNode))) continue;
      }
      visit(child);
    }
  };
  visit(value);
  if (!other && deletes > 0) return { rowLevel: true };
  return deleteWhere === undefined ? { rowLevel: false } : { rowLevel: false, deleteWhere };
}

/**
 * Depth-first search of a parse tree for the first destructive node. Node types are the object keys
 * that start with a capital letter (`{ "DeleteStmt": { ... } }`); fields start with a small letter.
 */
function findKind(value: unknown, statementText: string): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const kind = findKind(item, statementText);
      if (kind) return kind;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value as JsonNode)) {
    if (/^[A-Z]/.test(key) && child !== null && typeof child === "object" && !Array.isArray(child)) {
      const kind = nodeKind(key, child as JsonNode, statementText);
      if (kind) return kind;
      // A DO body is a string: its statements are only reachable through doBlockKind.
      if (key === "DoStmt") continue;
      // EXPLAIN without ANALYZE plans the statement and never runs it (PostgreSQL docs, EXPLAIN).
      if (key === "ExplainStmt" && !explainRuns(child as JsonNode)) continue;
    }
    const kind = findKind(child, statementText);
    if (kind) return kind;
  }
  return undefined;
}

/**
 * True when an EXPLAIN runs its statement: with the ANALYZE option (`EXPLAIN ANALYZE`,
 * `EXPLAIN (ANALYZE)`, `EXPLAIN (ANALYZE true|on|1)`); `EXPLAIN (ANALYZE false)` and plain EXPLAIN do not.
 */
function explainRuns(explain: JsonNode): boolean {
  for (const option of (explain.options as JsonNode[] | undefined) ?? []) {
    const def = option.DefElem as JsonNode | undefined;
    if (def?.defname !== "analyze") continue;
    const arg = def.arg as JsonNode | undefined;
    const value = (arg?.String as JsonNode | undefined)?.sval ?? (arg?.Boolean as JsonNode | undefined)?.boolval ?? (arg?.Integer as JsonNode | undefined)?.ival;
    return value === undefined || !["false", "off", "0", false, 0].includes(value as string | number | boolean);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// DO blocks (PL/pgSQL)

/** PL/pgSQL statements whose expression is a SQL text computed at run time, and the field that holds it. */
const DYNAMIC_SQL_FIELDS: Record<string, string> = {
  PLpgSQL_stmt_dynexecute: "query",
  PLpgSQL_stmt_dynfors: "query",
  PLpgSQL_stmt_open: "dynquery",
  PLpgSQL_stmt_return_query: "dynquery",
};

/** The parts (text between unknown values) of a concatenation of parts. */
function concatParts(left: string[], right: string[]): string[] {
  return [...left.slice(0, -1), (left.at(-1) ?? "") + (right[0] ?? ""), ...right.slice(1)];
}

const UNKNOWN: string[] = ["", ""];

/** Splits a `format()` format string at its `%s`, `%I`, `%L` specifiers (each a hole); `%%` is "%". */
function formatParts(format: string): string[] {
  const parts = [""];
  let i = 0;
  while (i < format.length) {
    const char = format[i] ?? "";
    if (char !== "%") {
      parts[parts.length - 1] += char;
      i += 1;
    } else if (format[i + 1] === "%") {
      parts[parts.length - 1] += "%";
      i += 2;
    } else {
      // %[position$][flags][width]type: skip to the type letter.
      let j = i + 1;
      while (j < format.length && "0123456789$-*".includes(format[j] ?? "")) j += 1;
      parts.push("");
      i = j + 1;
    }
  }
  return parts;
}

/** Static evaluation of a SQL expression's parse tree into text parts (literals, `||`, `format()`, casts). */
function expressionParts(node: JsonNode | undefined): string[] {
  if (!node) return UNKNOWN;
  const constant = node.A_Const as JsonNode | undefined;
  if (constant) {
    const sval = (constant.sval as JsonNode | undefined)?.sval;
    return typeof sval === "string" ? [sval] : UNKNOWN;
  }
  const cast = node.TypeCast as JsonNode | undefined;
  if (cast) return expressionParts(cast.arg as JsonNode | undefined);
  const expr = node.A_Expr as JsonNode | undefined;
  if (expr) {
    const name = ((expr.name as JsonNode[] | undefined)?.[0]?.String as JsonNode | undefined)?.sval;
    if (expr.kind !== "AEXPR_OP" || name !== "||") return UNKNOWN;
    return concatParts(expressionParts(expr.lexpr as JsonNode | undefined), expressionParts(expr.rexpr as JsonNode | undefined));
  }
  const call = node.FuncCall as JsonNode | undefined;
  if (call) {
    const names = (call.funcname as JsonNode[] | undefined) ?? [];
    const name = (names.at(-1)?.String as JsonNode | undefined)?.sval;
    const first = (call.args as JsonNode[] | undefined)?.[0];
    if (name !== "format" || !first) return UNKNOWN;
    const format = expressionParts(first);
    return format.length === 1 ? formatParts(format[0] ?? "") : UNKNOWN;
  }
  return UNKNOWN;
}

/** The text parts of a PL/pgSQL expression that computes SQL (`EXECUTE <expression>`). */
function dynamicSqlParts(expression: string): string[] {
  const { parseSync } = pgParser();
  try {
    const tree = parseSync(`SELECT ${expression}`) as { stmts?: RawStatement[] };
    const select = tree.stmts?.[0]?.stmt?.SelectStmt as JsonNode | undefined;
    const target = (select?.targetList as JsonNode[] | undefined)?.[0]?.ResTarget as JsonNode | undefined;
    return expressionParts(target?.val as JsonNode | undefined);
  } catch {
    return UNKNOWN;
  }
}

function expressionQuery(expression: unknown): { query: string; parseMode: unknown } | undefined {
  const expr = (expression as JsonNode | undefined)?.PLpgSQL_expr as JsonNode | undefined;
  return typeof expr?.query === "string" ? { query: expr.query, parseMode: expr.parseMode } : undefined;
}

/** The first destructive kind in a PL/pgSQL function tree: its SQL statements and its dynamic SQL. */
function plpgsqlKind(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const kind = plpgsqlKind(item);
      if (kind) return kind;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value as JsonNode)) {
    const dynamicField = DYNAMIC_SQL_FIELDS[key];
    if (dynamicField !== undefined) {
      const expression = expressionQuery((child as JsonNode)[dynamicField]);
      const kind = expression ? findDestructiveStatements(dynamicSqlParts(expression.query))[0]?.kind : undefined;
      if (kind) return kind;
    } else if (key === "PLpgSQL_expr") {
      // parseMode 0 (RAW_PARSE_DEFAULT) is a whole SQL statement; other modes are expressions.
      const expression = expressionQuery({ [key]: child });
      if (expression && (expression.parseMode === 0 || expression.parseMode === undefined)) {
        const kind = findDestructiveStatements([expression.query])[0]?.kind;
        if (kind) return kind;
      }
      continue;
    }
    const kind = plpgsqlKind(child);
    if (kind) return kind;
  }
  return undefined;
}

/** Parses a `DO $$ ... $$` statement's body with the PL/pgSQL parser (other languages are not read). */
function doBlockKind(node: JsonNode, statementText: string): string | undefined {
  for (const arg of (node.args as JsonNode[] | undefined) ?? []) {
    const element = arg.DefElem as JsonNode | undefined;
    const language = ((element?.arg as JsonNode | undefined)?.String as JsonNode | undefined)?.sval;
    if (element?.defname === "language" && typeof language === "string" && language.toLowerCase() !== "plpgsql") return undefined;
  }
  const { parsePlPgSQLSync } = pgParser();
  try {
    return plpgsqlKind(parsePlPgSQLSync(statementText));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Positions

/** A SQL text built from parts and fillers, and where each part starts in it (UTF-16 offsets). */
interface Joined {
  text: string;
  /** UTF-8 bytes of `text` (libpg-query's offsets are byte offsets). */
  bytes: Buffer;
  parts: readonly string[];
  starts: number[];
}

/** Join parts with holes filled by `fill(i)`. */
function joinParts(parts: readonly string[], fill: (index: number) => string): Joined {
  let text = "";
  const starts: number[] = [];
  parts.forEach((part, index) => {
    starts.push(text.length);
    text += part;
    if (index < parts.length - 1) text += fill(index);
  });
  return { text, bytes: Buffer.from(text, "utf8"), parts, starts };
}

/** Per UTF-8 buffer: the UTF-16 offset of each byte offset (absent for an ASCII text, where they are equal). */
const charOffsetTables = new WeakMap<Buffer, Uint32Array | "ascii">();

/**
 * UTF-16 offset in `bytes`' text of a UTF-8 byte offset (libpg-query reports byte offsets). The table is
 * built once per buffer (O(bytes)); each call is then O(1), so placing every statement of a long text
 * is linear, not quadratic.
 */
function byteToCharOffset(bytes: Buffer, byteOffset: number): number {
  const at = Math.max(0, Math.min(byteOffset, bytes.length));
  let table = charOffsetTables.get(bytes);
  if (table === undefined) {
    table = bytes.every((byte) => byte < 0x80) ? "ascii" : charOffsetTable(bytes);
    charOffsetTables.set(bytes, table);
  }
  return table === "ascii" ? at : (table[at] as number);
}

/** For each byte offset 0..length of a UTF-8 buffer, the UTF-16 length of the text before it (as `subarray(0, at).toString().length`). */
function charOffsetTable(bytes: Buffer): Uint32Array {
  const table = new Uint32Array(bytes.length + 1);
  let chars = 0;
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] as number;
    // A sequence's length from its lead byte; a stray continuation byte decodes to U+FFFD on its own.
    const size = byte >= 0xf0 && byte < 0xf8 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    const end = Math.min(i + size, bytes.length);
    let valid = end - i === size;
    for (let k = i + 1; k < end && valid; k++) valid = ((bytes[k] as number) & 0xc0) === 0x80;
    if (!valid) {
      table[i] = chars;
      chars += 1;
      i += 1;
      continue;
    }
    // Inside a sequence, toString() of the bytes before it decodes the cut sequence as one U+FFFD.
    table[i] = chars;
    for (let k = i + 1; k < end; k++) table[k] = chars + 1;
    chars += size === 4 ? 2 : 1;
    i = end;
  }
  table[bytes.length] = chars;
  return table;
}

/** The index of the last part that starts at or before `at` (binary search over `joined.starts`). */
function partAt(joined: Joined, at: number): number {
  let low = 0;
  let high = joined.starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((joined.starts[mid] ?? 0) <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The (part, offset) of a start position in the joined text; inside a filler: the end of the part before. */
function locateStart(joined: Joined, at: number): { part: number; offset: number } {
  const part = partAt(joined, at);
  const length = joined.parts[part]?.length ?? 0;
  return { part, offset: Math.min(at - (joined.starts[part] ?? 0), length) };
}

/** The (part, offset) of an exclusive end position; inside or at the end of a filler: offset 0 of the next part. */
function locateEnd(joined: Joined, at: number): { endPart: number; endOffset: number } {
  // The part whose text or following filler holds the position just before `at`.
  const i = partAt(joined, at - 1);
  const start = joined.starts[i] ?? 0;
  const end = start + (joined.parts[i]?.length ?? 0);
  if (at > start && at <= end) return { endPart: i, endOffset: at - start };
  const nextStart = joined.starts[i + 1];
  if (nextStart !== undefined && at > end && at <= nextStart) return { endPart: i + 1, endOffset: 0 };
  return { endPart: 0, endOffset: 0 };
}

function statementAt(
  joined: Joined,
  kind: string,
  start: number,
  end: number,
  unparsed: boolean,
  rows: { rowLevel: boolean; deleteWhere?: "none" | "no column" } = { rowLevel: false },
): DestructiveStatement {
  let trimmed = end;
  while (trimmed > start && (joined.text[trimmed - 1] ?? "").trim() === "") trimmed -= 1;
  return { kind, ...locateStart(joined, start), ...locateEnd(joined, trimmed), unparsed, ...rows };
}

// ---------------------------------------------------------------------------------------------------
// Analysis

type ParseOutcome = { ok: true; stmts: RawStatement[] } | { ok: false; cursor: number | undefined };

function parse(text: string): ParseOutcome {
  const { parseSync } = pgParser();
  try {
    return { ok: true, stmts: (parseSync(text) as { stmts?: RawStatement[] }).stmts ?? [] };
  } catch (error) {
    const cursor = (error as { sqlDetails?: { cursorPosition?: unknown } }).sqlDetails?.cursorPosition;
    return { ok: false, cursor: typeof cursor === "number" ? cursor : undefined };
  }
}

/**
 * The destructive statements of a parsed text. `base` is the UTF-16 offset of `text` inside
 * `joined.text` (a statement of the token fallback is parsed on its own).
 */
function analyzeParsed(joined: Joined, stmts: RawStatement[], text: string, base: number): DestructiveStatement[] {
  const bytes = base === 0 && text === joined.text ? joined.bytes : Buffer.from(text, "utf8");
  const found: DestructiveStatement[] = [];
  for (const raw of stmts) {
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len === undefined || raw.stmt_len === 0 ? bytes.length : byteStart + raw.stmt_len;
    const statementText = bytes.subarray(byteStart, byteEnd).toString("utf8");
    const kind = findKind(raw.stmt, statementText);
    if (!kind) continue;
    // stmt_location is the statement's first token (the parser skips white space and comments).
    found.push(statementAt(joined, kind, base + byteToCharOffset(bytes, byteStart), base + byteToCharOffset(bytes, byteEnd), false, rowLevelOf(raw.stmt, statementText)));
  }
  return found;
}

/**
 * The tokens of a text, without comments. libpg-query's scanner fails on an unterminated quoted string
 * or identifier; then the tokens before the parser's error position are returned.
 */
function tokensOf(text: string, errorCursor: number | undefined): ScanToken[] {
  const { scanSync } = pgParser();
  const scan = (input: string): ScanToken[] | undefined => {
    try {
      return scanSync(input).tokens.filter((t) => t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT");
    } catch {
      return undefined;
    }
  };
  return scan(text) ?? (errorCursor === undefined ? undefined : scan(text.slice(0, errorCursor))) ?? [];
}

/**
 * The fallback for a text that does not parse: split at `;` tokens; a statement that parses alone is
 * analysed, one that does not is reported when its first keyword is destructive. A text whose first
 * token is neither a keyword nor a hole is not SQL at all ("a=1;delete=2" is a query string): nothing
 * is reported.
 */
function analyzeUnparsed(joined: Joined, errorCursor: number | undefined, maxStatements: number): SqlAnalysis {
  const tokens = tokensOf(joined.text, errorCursor);
  const head = tokens[0];
  if (!head || (head.keywordKind === 0 && head.tokenName !== "PARAM")) return { statements: [] };
  const statements: ScanToken[][] = [[]];
  for (const token of tokens) {
    if (token.text === ";" && token.tokenName === "ASCII_59") statements.push([]);
    else statements.at(-1)?.push(token);
  }
  const nonEmpty = statements.filter((s) => s.length > 0);
  const found: DestructiveStatement[] = [];
  const firstUnchecked = nonEmpty[maxStatements]?.[0];
  const unchecked = firstUnchecked === undefined ? undefined : uncheckedAt(joined, nonEmpty.length, maxStatements, byteToCharOffset(joined.bytes, firstUnchecked.start));
  for (const statement of nonEmpty.slice(0, maxStatements)) {
    const first = statement[0];
    const last = statement.at(-1);
    if (!first || !last) continue;
    const start = byteToCharOffset(joined.bytes, first.start);
    const end = byteToCharOffset(joined.bytes, last.end);
    if (nonEmpty.length > 1) {
      const text = joined.text.slice(start, end);
      const outcome = parse(text);
      if (outcome.ok) {
        found.push(...analyzeParsed(joined, outcome.stmts, text, start));
        continue;
      }
    }
    const keyword = first.text.toUpperCase();
    if (statement.length > 1 && DESTRUCTIVE_FIRST_KEYWORDS.has(keyword)) found.push(statementAt(joined, keyword, start, end, true));
  }
  return unchecked === undefined ? { statements: found } : { statements: found, unchecked };
}

/** The `unchecked` of an analysis whose statement number `checked` (0-based) starts at `start` of the joined text. */
function uncheckedAt(joined: Joined, total: number, checked: number, start: number): UncheckedStatements {
  return { total, checked, ...locateStart(joined, start) };
}

/** The analysis of a parsed text: its first `maxStatements` statements, and what lies past them. */
function analyzeParsedText(joined: Joined, stmts: RawStatement[], maxStatements: number): SqlAnalysis {
  const statements = analyzeParsed(joined, stmts.slice(0, maxStatements), joined.text, 0);
  const firstUnchecked = stmts[maxStatements];
  if (firstUnchecked === undefined) return { statements };
  return { statements, unchecked: uncheckedAt(joined, stmts.length, maxStatements, byteToCharOffset(joined.bytes, firstUnchecked.stmt_location ?? 0)) };
}

/**
 * The text with the placeholders of other drivers made parseable, or undefined when it has none:
 * `?` (knex, mysql2, better-sqlite3 value bindings) becomes `1`, `??` (knex identifier bindings) becomes
 * `__`, and the colon of a named replacement `:name` (Sequelize `replacements`, knex named bindings)
 * becomes a space, so the name reads as a column. All are ASCII and keep their length, so every UTF-16
 * and UTF-8 offset stays put. Tried only after the text failed to parse as PostgreSQL, where `?` is also
 * the jsonb key-exists operator. Tokens come from libpg-query's scanner, so a `?` or `:` inside a string,
 * identifier or comment is left alone, and `::` casts are a token of their own.
 */
export function withPositionalPlaceholders(text: string): string | undefined {
  const { scanSync } = pgParser();
  let tokens: ScanToken[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return undefined;
  }
  const bytes = Buffer.from(text, "utf8");
  let changed = false;
  tokens.forEach((token, index) => {
    const named = token.text === ":" && tokens[index + 1]?.start === token.end;
    if (token.text !== "?" && token.text !== "??" && !named) return;
    bytes.fill(token.text === "?" ? "1" : token.text === "??" ? "_" : " ", token.start, token.end);
    changed = true;
  });
  return changed ? bytes.toString("utf8") : undefined;
}

function analyze(parts: readonly string[], maxStatements: number): SqlAnalysis {
  const withParams = joinParts(parts, (i) => `$${i + 1}`);
  const outcome = parse(withParams.text);
  if (outcome.ok) return analyzeParsedText(withParams, outcome.stmts, maxStatements);
  const candidates = [withParams];
  if (parts.length > 1) {
    const withIdentifiers = joinParts(parts, (i) => `hole_${i + 1}`);
    const second = parse(withIdentifiers.text);
    if (second.ok) return analyzeParsedText(withIdentifiers, second.stmts, maxStatements);
    candidates.push(withIdentifiers);
  }
  for (const joined of candidates) {
    const positional = withPositionalPlaceholders(joined.text);
    if (positional === undefined) break;
    const third = parse(positional);
    if (third.ok) return analyzeParsedText({ ...joined, text: positional, bytes: Buffer.from(positional, "utf8") }, third.stmts, maxStatements);
  }
  return analyzeUnparsed(withParams, outcome.cursor, maxStatements);
}

/** Statements of a text past the limit, which were not checked (each limit reports what was not read: README, Limits). */
export interface UncheckedStatements {
  /** How many top-level statements the text holds. */
  total: number;
  /** How many were checked (the limit): the first ones. */
  checked: number;
  /** Index of the part where the first statement not checked starts. */
  part: number;
  /** UTF-16 offset inside `parts[part]` where it starts. */
  offset: number;
}

/** What `analyzeSql` found: the destructive statements among those checked, and the ones not checked. */
export interface SqlAnalysis {
  statements: readonly DestructiveStatement[];
  /** Present when the text holds more statements than the limit. */
  unchecked?: UncheckedStatements;
}

const cache = new Map<string, SqlAnalysis>();
const CACHE_LIMIT = 2000;

/**
 * Finds the destructive statements in a SQL text given as parts between holes, checking at most
 * `maxStatements` top-level statements (the work grows with them; libpg-query's parse itself is linear).
 * Results are cached by the parts and the limit (frozen, shared), so every rule that asks about the same
 * literal shares one parse.
 * @param parts the text between holes (one part when there are no holes; `parts.length - 1` holes).
 * @param maxStatements how many statements to check, from the first (default `MAX_SQL_STATEMENTS_PER_TEXT`).
 * @returns `statements`: one entry per destructive top-level statement among those checked, in source
 *   order, with UTF-16 positions inside the parts (`[]` when there is none or the text is not SQL);
 *   `unchecked`: how many statements there were and where the first one not checked starts, when there
 *   were more than `maxStatements`.
 */
export function analyzeSql(parts: readonly string[], maxStatements: number = MAX_SQL_STATEMENTS_PER_TEXT): SqlAnalysis {
  const key = `${maxStatements}:${JSON.stringify(parts)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const analysis = analyze(parts.length === 0 ? [""] : parts, maxStatements);
  const result: SqlAnalysis = Object.freeze({ ...analysis, statements: Object.freeze(analysis.statements.map((s) => Object.freeze(s))) });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result);
  return result;
}

/**
 * The destructive statements of a SQL text (`analyzeSql` with its default limit), for callers that
 * report only them.
 * @param parts the text between holes (one part when there are no holes; `parts.length - 1` holes).
 * @returns as `analyzeSql(parts).statements`.
 */
export function findDestructiveStatements(parts: readonly string[]): readonly DestructiveStatement[] {
  return analyzeSql(parts).statements;
}

// ---------------------------------------------------------------------------------------------------
// psql scripts (.sql files)

/**
 * A `.sql` file is often a psql script: backslash meta-commands (`\echo`, `\connect`, `\set`, ...) run to
 * the end of their line, and `:name`, `:'name'`, `:"name"` interpolate psql variables (psql docs,
 * "Meta-Commands" and "SQL Interpolation"). Neither is SQL, and either makes the PostgreSQL parser reject
 * the whole file. This blanks them out, code unit by code unit, so every UTF-16 offset of the result is
 * the offset of the same character in the input. Tokens come from libpg-query's scanner, so a backslash
 * or colon inside a string, a dollar-quoted body or a comment is left alone, and `::` casts are kept.
 * @param text the file's text.
 * @returns the text with meta-commands and variable colons replaced by spaces (same length).
 */
export function blankPsqlMetaCommands(text: string): string {
  if (!text.includes("\\") && !text.includes(":")) return text;
  const { scanSync } = pgParser();
  let tokens: ScanToken[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return text;
  }
  const bytes = Buffer.from(text, "utf8");
  const chars = text.split("");
  const blank = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (chars[i] !== "\n" && chars[i] !== "\r") chars[i] = " ";
  };
  tokens.forEach((token, index) => {
    const start = byteToCharOffset(bytes, token.start);
    if (token.text === "\\") {
      const lineEnd = text.indexOf("\n", start);
      blank(start, lineEnd === -1 ? text.length : lineEnd);
    } else if (token.text === ":" && token.tokenName !== "TYPECAST") {
      const next = tokens[index + 1];
      if (next && next.start === token.end && (next.tokenName === "IDENT" || next.tokenName === "SCONST" || next.keywordKind !== 0)) blank(start, start + 1);
    }
  });
  return chars.join("");
}
