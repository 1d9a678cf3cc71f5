/**
 * Destructive SQL detection (SPEC §3 `no-destructive-sql`, §6.5), on the real PostgreSQL parser
 * (`libpg-query`, PostgreSQL 18 grammar). No regular expression decides what is SQL.
 *
 * Input is a SQL text split at its holes (a template literal's `${}` parts, or one part for a plain
 * string or a `.sql` file). Holes become `$1..$n`; if that does not parse, holes become identifiers; if
 * that does not parse either, the text is reported only when its first keyword is destructive.
 *
 * Destructive (§6.5): every DROP statement, TRUNCATE, DELETE (with or without WHERE, inside CTEs too),
 * `ALTER TABLE ... DROP ...` subcommands, UPDATE without WHERE, and those inside `DO $$ ... $$` bodies
 * (parsed with the PL/pgSQL parser).
 *
 * libpg-query is WebAssembly and needs `loadModule()` once; this module awaits it at top level, so any
 * importer (ESLint loads plugins asynchronously) can call the synchronous parsers.
 */
import { loadModule, parsePlPgSQLSync, parseSync, scanSync } from "libpg-query";

await loadModule();

/** One destructive statement found in a SQL text. */
export interface DestructiveStatement {
  /** What it is, for messages: "DROP TABLE", "TRUNCATE", "DELETE", "UPDATE without WHERE", "ALTER TABLE ... DROP COLUMN". */
  kind: string;
  /** Index of the text part (between holes) where the statement starts. */
  part: number;
  /** UTF-16 offset inside that part where the statement's first token starts. */
  offset: number;
  /** True when the text could not be parsed and only its first keyword says it is destructive. */
  unparsed: boolean;
}

type JsonNode = Record<string, unknown>;

interface RawStatement {
  stmt?: JsonNode;
  stmt_location?: number;
  stmt_len?: number;
}

const DESTRUCTIVE_FIRST_KEYWORDS = new Set(["DROP", "TRUNCATE", "DELETE"]);

function objectTypeName(removeType: unknown): string {
  return typeof removeType === "string" ? removeType.replace(/^OBJECT_/, "").replaceAll("_", " ") : "OBJECT";
}

const DROP_STATEMENT_NAMES: Record<string, string> = {
  DropdbStmt: "DROP DATABASE",
  DropRoleStmt: "DROP ROLE",
  DropOwnedStmt: "DROP OWNED",
  DropTableSpaceStmt: "DROP TABLESPACE",
  DropSubscriptionStmt: "DROP SUBSCRIPTION",
  DropUserMappingStmt: "DROP USER MAPPING",
};

/** The destructive kind of one parse-tree node (not its children), or undefined. */
function nodeKind(type: string, node: JsonNode): string | undefined {
  if (type === "DropStmt") return `DROP ${objectTypeName(node.removeType)}`;
  if (type.startsWith("Drop") && type.endsWith("Stmt")) return DROP_STATEMENT_NAMES[type] ?? "DROP";
  if (type === "TruncateStmt") return "TRUNCATE";
  if (type === "DeleteStmt") return "DELETE";
  if (type === "UpdateStmt" && node.whereClause === undefined) return "UPDATE without WHERE";
  if (type === "AlterTableStmt") {
    for (const cmd of (node.cmds as JsonNode[] | undefined) ?? []) {
      const subtype = (cmd.AlterTableCmd as JsonNode | undefined)?.subtype;
      if (typeof subtype === "string" && subtype.startsWith("AT_Drop")) {
        const what = subtype.slice("AT_Drop".length).replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
        return `ALTER ${objectTypeName(node.objtype)} ... DROP ${what}`.trimEnd();
      }
    }
  }
  return undefined;
}

/** Depth-first search of a parse tree for the first destructive node; DO bodies are parsed as PL/pgSQL. */
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
      if (key === "DoStmt") {
        const inner = doBlockKind(statementText);
        if (inner) return `DO block: ${inner}`;
        continue;
      }
      const kind = nodeKind(key, child as JsonNode);
      if (kind) return kind;
    }
    const kind = findKind(child, statementText);
    if (kind) return kind;
  }
  return undefined;
}

/** Destructive kind of the first statement of a SQL string, or undefined (unparsable counts as not). */
function kindOfSql(sql: string): string | undefined {
  try {
    const tree = parseSync(sql) as { stmts?: RawStatement[] };
    for (const raw of tree.stmts ?? []) {
      const kind = findKind(raw.stmt, sql);
      if (kind) return kind;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The string value of a PL/pgSQL `EXECUTE '<literal>'` expression, if it is one literal. */
function literalOfExpression(expression: string): string | undefined {
  try {
    const tree = parseSync(`SELECT ${expression}`) as { stmts?: RawStatement[] };
    const select = tree.stmts?.[0]?.stmt?.SelectStmt as JsonNode | undefined;
    const target = (select?.targetList as JsonNode[] | undefined)?.[0]?.ResTarget as JsonNode | undefined;
    const constant = (target?.val as JsonNode | undefined)?.A_Const as JsonNode | undefined;
    const sval = (constant?.sval as JsonNode | undefined)?.sval;
    return typeof sval === "string" ? sval : undefined;
  } catch {
    return undefined;
  }
}

function plpgsqlKind(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const kind = plpgsqlKind(item);
      if (kind) return kind;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const node = value as JsonNode;
  const execsql = node.PLpgSQL_stmt_execsql as JsonNode | undefined;
  if (execsql) {
    const query = ((execsql.sqlstmt as JsonNode | undefined)?.PLpgSQL_expr as JsonNode | undefined)?.query;
    if (typeof query === "string") {
      const kind = kindOfSql(query);
      if (kind) return kind;
    }
  }
  const dynexecute = node.PLpgSQL_stmt_dynexecute as JsonNode | undefined;
  if (dynexecute) {
    const query = ((dynexecute.query as JsonNode | undefined)?.PLpgSQL_expr as JsonNode | undefined)?.query;
    const literal = typeof query === "string" ? literalOfExpression(query) : undefined;
    if (literal !== undefined) {
      const kind = kindOfSql(literal);
      if (kind) return kind;
    }
  }
  for (const child of Object.values(node)) {
    const kind = plpgsqlKind(child);
    if (kind) return kind;
  }
  return undefined;
}

/** Parses a `DO $$ ... $$` statement's body with the PL/pgSQL parser (PostgreSQL's `plpgsql` language). */
function doBlockKind(statementText: string): string | undefined {
  try {
    return plpgsqlKind(parsePlPgSQLSync(statementText));
  } catch {
    return undefined;
  }
}

/** UTF-16 offset of a UTF-8 byte offset in `text` (libpg-query reports byte offsets). */
function byteToCharOffset(bytes: Buffer, byteOffset: number): number {
  return bytes.subarray(0, byteOffset).toString("utf8").length;
}

interface Token {
  start: number;
  end: number;
  text: string;
  tokenName: string;
}

function tokens(sql: string): Token[] {
  try {
    return (scanSync(sql) as { tokens: Token[] }).tokens.filter((t) => t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT");
  } catch {
    return [];
  }
}

/** Join parts with holes filled by `fill(i)`; returns the text and each part's UTF-16 start offset. */
function joinParts(parts: readonly string[], fill: (index: number) => string): { text: string; starts: number[] } {
  let text = "";
  const starts: number[] = [];
  parts.forEach((part, index) => {
    starts.push(text.length);
    text += part;
    if (index < parts.length - 1) text += fill(index);
  });
  return { text, starts };
}

function locate(starts: number[], charOffset: number): { part: number; offset: number } {
  let part = 0;
  for (let i = 0; i < starts.length; i++) {
    if ((starts[i] ?? 0) <= charOffset) part = i;
  }
  return { part, offset: Math.max(0, charOffset - (starts[part] ?? 0)) };
}

function analyzeJoined(text: string, starts: number[]): DestructiveStatement[] | undefined {
  let tree: { stmts?: RawStatement[] };
  try {
    tree = parseSync(text) as { stmts?: RawStatement[] };
  } catch {
    return undefined;
  }
  const bytes = Buffer.from(text, "utf8");
  const toks = tokens(text);
  const found: DestructiveStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len === undefined || raw.stmt_len === 0 ? bytes.length : byteStart + raw.stmt_len;
    const statementText = bytes.subarray(byteStart, byteEnd).toString("utf8");
    const kind = findKind(raw.stmt, statementText);
    if (!kind) continue;
    // Skip leading white space and comments: the finding is at the statement's first token.
    const first = toks.find((t) => t.start >= byteStart);
    const at = byteToCharOffset(bytes, first && first.start < byteEnd ? first.start : byteStart);
    found.push({ kind, ...locate(starts, at), unparsed: false });
  }
  return found;
}

const cache = new Map<string, DestructiveStatement[]>();
const CACHE_LIMIT = 2000;

/**
 * Finds the destructive statements in a SQL text given as parts between holes.
 * Results are cached by text, so every rule that asks about the same literal shares one parse.
 * @param parts the literal text between holes (one part when there are no holes); never empty.
 * @returns one entry per destructive top-level statement, in source order; [] when none or not SQL.
 */
export function findDestructiveStatements(parts: readonly string[]): DestructiveStatement[] {
  const key = parts.join("\u0000");
  const hit = cache.get(key);
  if (hit) return hit;
  const withParams = joinParts(parts, (i) => `$${i + 1}`);
  let result = analyzeJoined(withParams.text, withParams.starts);
  if (result === undefined && parts.length > 1) {
    const withIdentifiers = joinParts(parts, (i) => `hole_${i + 1}`);
    result = analyzeJoined(withIdentifiers.text, withIdentifiers.starts);
  }
  if (result === undefined) {
    // Unparsable even with identifiers: report only when the first keyword is destructive and the
    // text has more than that one word ("delete" alone is a command name, not SQL).
    const toks = tokens(withParams.text);
    const first = toks[0];
    result =
      first && toks.length > 1 && DESTRUCTIVE_FIRST_KEYWORDS.has(first.text.toUpperCase())
        ? [{ kind: first.text.toUpperCase(), ...locate(withParams.starts, byteToCharOffset(Buffer.from(withParams.text, "utf8"), first.start)), unparsed: true }]
        : [];
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result);
  return result;
}
