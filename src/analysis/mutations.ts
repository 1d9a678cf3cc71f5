/**
 * "Is this a database write" (docs/design.md, Mutation scripts: one detector per concept), used by
 * `no-unlisted-mutation-script`, `mutation-scope`, the group D rules and the repository-facts layer.
 *
 * A database write is, in version 1:
 * - a Prisma delegate write, `<client>.<delegate>.<op>(args?)` with `op` one of PRISMA_WRITE_OPERATIONS
 *   (`prisma.user.create(...)`, `this.prisma.user.update(...)`, `tx.user.delete(...)` inside a
 *   `$transaction` callback, `prisma["user"].create(...)`, `prisma[MODEL].create(...)` with a `const`,
 *   `prisma[name].deleteMany()` on a clear client with the model unknown, and `const` aliases of a delegate:
 *   `const users = prisma.user`, `const { user } = prisma`);
 * - `$executeRaw` / `$executeRawUnsafe`, as a call or a tagged template (always a write: it is Prisma's
 *   write API, whatever its text says);
 * - SQL that writes (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY FROM, SELECT INTO, DDL, ...; not a
 *   SELECT) reaching a SQL sink of `sinks.ts` (`$queryRaw`, `.query`, `.raw`, `.execute`, `sql` tags, ...),
 *   parsed with the real PostgreSQL parser (`libpg-query`).
 *
 * Not writes: Prisma CLI commands (see `prisma-cli.ts`, a separate detector), and writes through query
 * builders or ORMs other than Prisma (`knex("t").del()`, `Model.destroy()`, `User.create()`): out of scope
 * for version 1 (docs/design.md, Mutation scripts); their raw SQL sinks are in scope.
 *
 * Recognising the client. With a Prisma schema, the delegate must be a model's delegate
 * (`schema.modelForDelegate`, lower-camel model name): that alone keeps `stripe.customers.update(...)`
 * and `map.delete(k)` silent, whatever the client is called. Without a schema (the repository has none,
 * or it was not found), the client expression must look like a Prisma client (see `looksLikePrismaClient`):
 * - an identifier bound in scope to `new PrismaClient()` (any constructor whose name contains "Prisma",
 *   or a class of this file that extends one), to `<client>.$extends(...)`, or to another client;
 * - the first parameter of a `$transaction(async (tx) => ...)` callback, or a parameter typed with a
 *   Prisma type (`tx: Prisma.TransactionClient`, `db: PrismaClient`);
 * - otherwise by name: an identifier or member property whose name contains "prisma" (any case), or is
 *   `db` or `tx` (`this.prisma`, `ctx.db`, `globalForPrisma.prisma`); `client` is deliberately not on the
 *   list (Stripe, Redis, S3 and pg clients are called that too) and counts only through its binding;
 * - `this` inside a class that extends a Prisma client (`class PrismaService extends PrismaClient`);
 * - a call whose callee name contains "prisma" (`getPrisma().user.create(...)`).
 * An identifier bound to `new Something()` that is not a Prisma client is never a client, whatever its
 * name. Without a schema the model is the delegate with its first letter capitalised (`user` -> `User`,
 * `serviceCategory` -> `ServiceCategory`), and a delegate must start with a lower-case letter
 * (`db.User.create()` is Sequelize, not Prisma).
 *
 * In both modes: a delegate call takes at most one argument, and that argument is not a string, number,
 * template, array or function (a Prisma delegate method takes one arguments object), which keeps
 * `cache.user.delete("k")` and `client.customers.update(id, data)` silent; and a client bound by `const`
 * to an object, array or string literal is never a Prisma client. With a schema, any other client
 * expression is accepted (`req.user.update({...})` on a Sequelize instance would count where the schema
 * has a `User` model: an accepted risk, rare in a Prisma repository).
 *
 * Parent pointers (set by ESLint) are used for the `$transaction` callback parameter, for `this` in a
 * class, and to skip a `sql`/`Prisma.sql`/`Prisma.raw` fragment that only reaches `$executeRaw*` (passed
 * straight to it, or through a `const` used only there): the outer call is the write, one write, one
 * node. Without parent pointers those checks are skipped.
 *
 * The "does this SQL write" predicate (`getSqlWrite`, `isWritingSql`) lives here for now because
 * `sql.ts` was being rewritten at the same time; it belongs beside `findDestructiveStatements`.
 */
import { pgParser } from "./pg-parser.js";
import { withPositionalPlaceholders } from "./sql.js";
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../ts-ast.js";
import type { PrismaSchemaFacts } from "../facts/types.js";
import { getCalleeName, getConstInitializer, getKeyName, getPropertyName, getStaticString, getStringPieces, skipTypeWrappers } from "./ast.js";
import { getCallSink, getTaggedTemplateSink } from "./sinks.js";
import { PRISMA_WRITE_OPERATIONS } from "./imports.js";

type Scope = TSESLint.Scope.Scope;

/** Prisma delegate methods that write (defined beside the read methods: src/analysis/imports.ts). */
export { PRISMA_WRITE_OPERATIONS };

/** Prisma client methods that run raw SQL as a write (`executeRaw` operation whatever the SQL says). */
export const PRISMA_RAW_WRITE_METHODS: ReadonlySet<string> = new Set(["$executeRaw", "$executeRawUnsafe"]);

/** The operation name of raw SQL writes (docs/design.md, The contract `operations`). */
export const EXECUTE_RAW = "executeRaw";

/** One database write found at a call or tagged template. */
export interface DatabaseWrite {
  /** Prisma delegate method (`create`, `deleteMany`, ...) or `executeRaw` (raw SQL). */
  operation: string;
  /**
   * The Prisma model name (`User`; with a schema, the model's declared name), or undefined for raw SQL
   * and for a delegate that is not known statically (`prisma[name].deleteMany()`).
   */
  model: string | undefined;
  /** The call or tagged template that writes (where a finding is reported). */
  node: TSESTree.Node;
  /**
   * A delegate write's first argument as written (usually an object literal with `data`/`create`/
   * `update`/`where`; may be an identifier, a spread element or any expression, not resolved here), or
   * undefined when it has none (`deleteMany()`) and for raw SQL.
   */
  payload: TSESTree.Node | undefined;
  /**
   * Raw SQL only: the tables the SQL writes (relation names as the parser reads them: unquoted names
   * lower-cased, quoted names as written, schema prefix dropped), `[]` when its statements write no
   * table (`SET ...` through `$executeRaw`). Undefined when the text is not fully known statically or a
   * written table cannot be named (DDL, a table name in a hole). Absent for delegate writes.
   */
  tables?: readonly string[] | undefined;
}

// ---------------------------------------------------------------------------------------------------
// SQL: does it write?

/** What a SQL text writes, from `getSqlWrite`. */
export interface SqlWrite {
  /** The writing statements' kinds in order (`INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`, `CreateStmt`, ...). */
  readonly kinds: readonly string[];
  /** The tables written, when every writing statement names its tables statically; else undefined. */
  readonly tables: readonly string[] | undefined;
}

type JsonNode = Record<string, unknown>;

/** Statements that read or only touch the session: not writes (unless they contain a writing statement). */
const READ_ONLY_STATEMENTS = new Set([
  "SelectStmt",
  "VariableShowStmt",
  "VariableSetStmt",
  "TransactionStmt",
  "ExplainStmt",
  "ListenStmt",
  "UnlistenStmt",
  "NotifyStmt",
  "LockStmt",
  "DiscardStmt",
  "DeallocateStmt",
  "PrepareStmt",
  "DeclareCursorStmt",
  "FetchStmt",
  "ClosePortalStmt",
  "ConstraintsSetStmt",
  "CheckPointStmt",
]);

/** Writing statements with one target relation, and their kinds (TRUNCATE, with a list, is read apart). */
const DML_NAMES: Record<string, string> = {
  InsertStmt: "INSERT",
  UpdateStmt: "UPDATE",
  DeleteStmt: "DELETE",
  MergeStmt: "MERGE",
  CopyStmt: "COPY FROM",
};

/** First keywords that make a statement that does not parse a write (fail closed, like docs/design.md, SQL). */
const WRITING_FIRST_KEYWORDS = new Set([
  "INSERT",
  "UPDATE",
  "DELETE",
  "MERGE",
  "UPSERT",
  "REPLACE",
  "TRUNCATE",
  "CREATE",
  "ALTER",
  "DROP",
  "RENAME",
  "COPY",
  "GRANT",
  "REVOKE",
  "COMMENT",
  "CALL",
  "DO",
  "VACUUM",
  "REINDEX",
  "CLUSTER",
  "REFRESH",
  "IMPORT",
  "SECURITY",
  "REASSIGN",
]);

/** Data-modifying keywords that make an unparsable `WITH ...` statement a write. */
const WRITING_KEYWORDS_IN_WITH = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/** Holes of a SQL text become identifiers with this prefix when `$n` parameters do not parse. */
const HOLE_IDENTIFIER = "__ps_hole_";

/** A relation name as written in the tree, or undefined when it is a hole. */
function relationName(relation: unknown): string | undefined {
  const rangeVar = ((relation as JsonNode | undefined)?.RangeVar ?? relation) as JsonNode | undefined;
  const name = rangeVar?.relname;
  return typeof name === "string" && !name.startsWith(HOLE_IDENTIFIER) ? name : undefined;
}

/** Collects the writing statements (and their tables) anywhere in a parse tree: CTEs, EXPLAIN ANALYZE, PREPARE. */
function collectWrites(value: unknown, found: { kinds: string[]; tables: string[]; unknownTables: boolean }): void {
  if (Array.isArray(value)) {
    for (const item of value) collectWrites(item, found);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as JsonNode)) {
    if (!/^[A-Z]/.test(key) || child === null || typeof child !== "object" || Array.isArray(child)) {
      collectWrites(child, found);
      continue;
    }
    const node = child as JsonNode;
    const dml = DML_NAMES[key];
    if (key === "CopyStmt" && node.is_from !== true) {
      // COPY ... TO reads.
    } else if (key === "TruncateStmt") {
      found.kinds.push("TRUNCATE");
      for (const relation of (node.relations as unknown[] | undefined) ?? []) {
        const name = relationName(relation);
        if (name === undefined) found.unknownTables = true;
        else found.tables.push(name);
      }
    } else if (dml) {
      found.kinds.push(dml);
      const name = relationName(node.relation);
      if (name === undefined) found.unknownTables = true;
      else found.tables.push(name);
    } else if (key === "SelectStmt" && node.intoClause) {
      found.kinds.push("SELECT INTO");
      const name = relationName((node.intoClause as JsonNode).rel);
      if (name === undefined) found.unknownTables = true;
      else found.tables.push(name);
    } else if (key === "ExplainStmt") {
      // EXPLAIN runs its statement only with ANALYZE.
      const options = (node.options as JsonNode[] | undefined) ?? [];
      const analyze = options.some((o) => (o.DefElem as JsonNode | undefined)?.defname === "analyze");
      if (analyze) collectWrites(node.query, found);
      continue;
    } else if (key.endsWith("Stmt") && !READ_ONLY_STATEMENTS.has(key)) {
      // DDL, CALL, DO, VACUUM, GRANT, ...: a write whose tables are not read here.
      found.kinds.push(key);
      found.unknownTables = true;
      continue;
    }
    collectWrites(child, found);
  }
}

/** The statements of a text as libpg-query parses it, or undefined when it does not parse. */
function tryParse(text: string): unknown[] | undefined {
  const { parseSync } = pgParser();
  const attempt = (input: string): unknown[] | undefined => {
    try {
      return (parseSync(input) as { stmts?: unknown[] }).stmts ?? [];
    } catch {
      return undefined;
    }
  };
  const parsed = attempt(text);
  if (parsed !== undefined) return parsed;
  const positional = withPositionalPlaceholders(text);
  return positional === undefined ? undefined : attempt(positional);
}

/** Fallback for a text that does not parse: each `;`-separated statement by its first keyword. */
function unparsedWrite(text: string): SqlWrite | undefined {
  const { scanSync } = pgParser();
  let tokens: { text: string; tokenName: string; keywordKind: number }[];
  try {
    tokens = scanSync(text).tokens.filter((t) => t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT");
  } catch {
    return undefined;
  }
  // A text whose first token is not a keyword is not SQL at all.
  if (!tokens[0] || tokens[0].keywordKind === 0) return undefined;
  const kinds: string[] = [];
  let statement: typeof tokens = [];
  const finish = (): void => {
    // A lone keyword ("delete") is a command name, not SQL.
    const first = statement.length > 1 ? statement[0]?.text.toUpperCase() : undefined;
    if (first !== undefined && WRITING_FIRST_KEYWORDS.has(first)) kinds.push(first);
    else if (first === "WITH" && statement.some((t) => WRITING_KEYWORDS_IN_WITH.has(t.text.toUpperCase()))) kinds.push("WITH");
    statement = [];
  };
  for (const token of tokens) {
    if (token.tokenName === "ASCII_59") finish();
    else statement.push(token);
  }
  finish();
  return kinds.length > 0 ? { kinds, tables: undefined } : undefined;
}

/**
 * What a SQL text writes, parsed with the real PostgreSQL parser. Holes become `$1..$n`, else
 * identifiers; a text that still does not parse writes when one of its statements starts with a writing
 * keyword (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, CREATE, ALTER, DROP, COPY, GRANT, CALL, DO, ...).
 * Read-only: SELECT (without INTO or a data-modifying CTE), SHOW, SET, transaction control, EXPLAIN
 * without ANALYZE, LISTEN/NOTIFY, LOCK, cursors. Every other statement type (DDL, CALL, DO, VACUUM) writes.
 * @param parts the text between holes (one part when there are none).
 * @returns the writing statements and their tables (frozen: results are cached by text and shared), or
 *   undefined when the text does not write (or is not SQL). Never throws.
 */
export function getSqlWrite(parts: readonly string[]): SqlWrite | undefined {
  const key = JSON.stringify(parts);
  if (sqlWriteCache.has(key)) return sqlWriteCache.get(key);
  const result = analyzeSqlWrite(parts);
  if (result) Object.freeze(result);
  if (sqlWriteCache.size >= SQL_CACHE_LIMIT) sqlWriteCache.clear();
  sqlWriteCache.set(key, result);
  return result;
}

/** getSqlWrite's results by parts (frozen, shared): every rule asking about the same literal shares one parse. */
const sqlWriteCache = new Map<string, SqlWrite | undefined>();
const SQL_CACHE_LIMIT = 2000;

function analyzeSqlWrite(parts: readonly string[]): SqlWrite | undefined {
  const join = (fill: (i: number) => string): string => parts.map((p, i) => (i < parts.length - 1 ? p + fill(i) : p)).join("");
  const text = join((i) => `$${i + 1}`);
  let stmts = tryParse(text);
  if (!stmts && parts.length > 1) stmts = tryParse(join((i) => `${HOLE_IDENTIFIER}${i + 1}`));
  if (!stmts) return unparsedWrite(text);
  const found = { kinds: [] as string[], tables: [] as string[], unknownTables: false };
  collectWrites(stmts, found);
  if (found.kinds.length === 0) return undefined;
  return { kinds: Object.freeze(found.kinds), tables: found.unknownTables ? undefined : Object.freeze([...new Set(found.tables)]) };
}

/**
 * True when a SQL text (parts between holes) writes: see `getSqlWrite`.
 * @param parts the text between holes.
 */
export function isWritingSql(parts: readonly string[]): boolean {
  return getSqlWrite(parts) !== undefined;
}

/** True when a SQL text (parts between holes) parses, holes as parameters or identifiers. */
function parsesAsSql(parts: readonly string[]): boolean {
  const join = (fill: (i: number) => string): string => parts.map((p, i) => (i < parts.length - 1 ? p + fill(i) : p)).join("");
  return tryParse(join((i) => `$${i + 1}`)) !== undefined || (parts.length > 1 && tryParse(join((i) => `${HOLE_IDENTIFIER}${i + 1}`)) !== undefined);
}

/** The tables a raw SQL text writes, for `DatabaseWrite.tables`: [] when it parses and writes nothing. */
function rawSqlTables(sql: TSESTree.Node | undefined, scope: Scope): readonly string[] | undefined {
  if (!sql) return undefined;
  const pieces = getStringPieces(sqlFragmentText(sql, scope), scope, "");
  if (!pieces) return undefined;
  const write = getSqlWrite(pieces.parts);
  if (write) return write.tables;
  // Known text that writes nothing (`SET ...`): no table, if it is SQL at all.
  return parsesAsSql(pieces.parts) ? [] : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Prisma clients

/** Removes TypeScript wrappers, optional chains and `await`. */
function unwrap(input: TSESTree.Node): TSESTree.Node {
  let node = skipTypeWrappers(input);
  while (node.type === AST_NODE_TYPES.ChainExpression || node.type === AST_NODE_TYPES.AwaitExpression) {
    node = skipTypeWrappers(node.type === AST_NODE_TYPES.ChainExpression ? node.expression : node.argument);
  }
  return node;
}

/** A name that says Prisma client by itself (without schema): contains "prisma", or is `db` / `tx`. */
function isPrismaClientName(name: string): boolean {
  return /prisma/i.test(name) || name === "db" || name === "tx";
}

/** The last name of an expression (`PrismaClient`, `Prisma.TransactionClient` -> both names). */
function namesOf(node: TSESTree.Node | undefined): string[] {
  if (!node) return [];
  const n = skipTypeWrappers(node);
  if (n.type === AST_NODE_TYPES.Identifier) return [n.name];
  if (n.type === AST_NODE_TYPES.MemberExpression) {
    const name = getPropertyName(n);
    return [...namesOf(n.object), ...(name === undefined ? [] : [name])];
  }
  if (n.type === AST_NODE_TYPES.TSQualifiedName) return [...namesOf(n.left), n.right.name];
  return [];
}

/** True for a class (or its expression) that names a Prisma client, or a local class extending one. */
function isPrismaClass(callee: TSESTree.Node, scope: Scope, depth: number): boolean {
  const node = skipTypeWrappers(callee);
  if (namesOf(node).some((n) => /prisma/i.test(n))) return true;
  if (node.type !== AST_NODE_TYPES.Identifier || depth > 4) return false;
  const variable = ASTUtils.findVariable(scope, node);
  const def = variable?.defs[0];
  if (!variable || !def || def.type !== "ClassName") return false;
  const superClass = (def.node as TSESTree.ClassDeclaration | TSESTree.ClassExpression).superClass;
  return superClass ? isPrismaClass(superClass, variable.scope, depth + 1) : false;
}

/** True when a parameter is the first parameter of a `<client>.$transaction(async (tx) => ...)` callback. */
function isTransactionCallbackParam(fn: TSESTree.Node, name: TSESTree.Identifier): boolean {
  if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.type !== AST_NODE_TYPES.FunctionExpression) return false;
  const first = fn.params[0];
  const firstId = first?.type === AST_NODE_TYPES.AssignmentPattern ? first.left : first;
  if (firstId !== name) return false;
  const call = fn.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn) return false;
  return getCalleeName(call.callee) === "$transaction";
}

/** True when a parameter's type annotation names a Prisma type (`Prisma.TransactionClient`, `PrismaClient`). */
function hasPrismaType(name: TSESTree.Identifier): boolean {
  const type = name.typeAnnotation?.typeAnnotation;
  if (type?.type !== AST_NODE_TYPES.TSTypeReference) return false;
  return namesOf(type.typeName).some((n) => /prisma/i.test(n) || n === "TransactionClient");
}

/** True when `this` at `node` is an instance of a class that extends a Prisma client. */
function thisIsPrismaClient(node: TSESTree.Node, scope: Scope): boolean {
  let current: TSESTree.Node | undefined = node.parent;
  while (current) {
    if (current.type === AST_NODE_TYPES.FunctionDeclaration || current.type === AST_NODE_TYPES.FunctionExpression) {
      // `this` of a plain function (or an object literal's method) is not the class instance; a class
      // method's function is (its parent is the method definition).
      if (current.parent?.type !== AST_NODE_TYPES.MethodDefinition) return false;
    }
    if (current.type === AST_NODE_TYPES.ClassBody && current.parent) {
      const superClass = current.parent.superClass;
      return superClass ? isPrismaClass(superClass, scope, 0) : false;
    }
    current = current.parent;
  }
  return false;
}

/**
 * Evidence about a client expression: yes (a Prisma client), no (a literal: never a client), foreign
 * (bound to `new X()` of a class that does not say Prisma: not a client without a schema), unknown.
 */
type Verdict = "yes" | "no" | "foreign" | "unknown";

const LITERAL_INITS = new Set<string>([
  AST_NODE_TYPES.ObjectExpression,
  AST_NODE_TYPES.ArrayExpression,
  AST_NODE_TYPES.Literal,
  AST_NODE_TYPES.TemplateLiteral,
  AST_NODE_TYPES.ArrowFunctionExpression,
  AST_NODE_TYPES.FunctionExpression,
  AST_NODE_TYPES.ClassExpression,
]);

/** What a variable's initializer says about it being a Prisma client. */
function initVerdict(init: TSESTree.Node, scope: Scope, depth: number): Verdict {
  const node = unwrap(init);
  if (LITERAL_INITS.has(node.type)) return "no";
  switch (node.type) {
    case AST_NODE_TYPES.NewExpression:
      return isPrismaClass(node.callee, scope, 0) ? "yes" : "foreign";
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.MemberExpression:
      return clientVerdict(node, scope, depth + 1);
    case AST_NODE_TYPES.LogicalExpression:
    case AST_NODE_TYPES.ConditionalExpression: {
      // `globalForPrisma.prisma ?? new PrismaClient()`: a client when either branch is one.
      const branches = node.type === AST_NODE_TYPES.LogicalExpression ? [node.left, node.right] : [node.consequent, node.alternate];
      return branches.some((b) => initVerdict(b, scope, depth + 1) === "yes") ? "yes" : "unknown";
    }
    default:
      return "unknown";
  }
}

/** The binding evidence for an identifier: its initializer, or its role as a parameter. */
function bindingVerdict(node: TSESTree.Identifier, scope: Scope, depth: number): Verdict {
  if (depth > 6) return "unknown";
  const variable = ASTUtils.findVariable(scope, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!variable || !def) return "unknown";
  if (def.type === "Variable") {
    const declarator = def.node;
    if (declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return "unknown";
    return initVerdict(declarator.init, variable.scope, depth);
  }
  if (def.type === "Parameter" && def.name.type === AST_NODE_TYPES.Identifier) {
    if (isTransactionCallbackParam(def.node as TSESTree.Node, def.name) || hasPrismaType(def.name)) return "yes";
  }
  return "unknown";
}

/** Evidence that an expression is (yes), is not (no), or may be (unknown) a Prisma client. */
function clientVerdict(expression: TSESTree.Node, scope: Scope, depth: number): Verdict {
  const node = unwrap(expression);
  switch (node.type) {
    case AST_NODE_TYPES.Identifier: {
      const verdict = bindingVerdict(node, scope, depth);
      if (verdict !== "unknown") return verdict;
      return isPrismaClientName(node.name) ? "yes" : "unknown";
    }
    case AST_NODE_TYPES.MemberExpression: {
      const name = getPropertyName(node);
      return name !== undefined && isPrismaClientName(name) ? "yes" : "unknown";
    }
    case AST_NODE_TYPES.ThisExpression:
      return thisIsPrismaClient(node, scope) ? "yes" : "unknown";
    case AST_NODE_TYPES.NewExpression:
      return isPrismaClass(node.callee, scope, 0) ? "yes" : "foreign";
    case AST_NODE_TYPES.CallExpression: {
      if (depth > 6) return "unknown";
      const callee = unwrap(node.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === "$extends") return clientVerdict(callee.object, scope, depth + 1);
      const name = getCalleeName(callee);
      return name !== undefined && /prisma/i.test(name) ? "yes" : "unknown";
    }
    default:
      return LITERAL_INITS.has(node.type) ? "no" : "unknown";
  }
}

/**
 * True when an expression looks like a Prisma client without the help of a schema (the rules in this
 * module's header: binding, `$transaction` parameter, Prisma type, name, `this` of a subclass).
 * @param expression the client expression (`prisma` in `prisma.user.create()`).
 * @param scope the scope where the expression is used (for bindings).
 */
export function looksLikePrismaClient(expression: TSESTree.Node, scope: Scope): boolean {
  return clientVerdict(expression, scope, 0) === "yes";
}

// ---------------------------------------------------------------------------------------------------
// Delegate writes

/** The delegate's name in `<client>.<delegate>`: static member name, or a static computed key. */
function delegateName(member: TSESTree.MemberExpression, scope: Scope): string | undefined {
  const name = getPropertyName(member);
  if (name !== undefined) return name;
  return member.computed ? getStaticString(member.property, scope) : undefined;
}

/** Arguments a Prisma delegate method cannot take (it takes one arguments object). */
const NON_OBJECT_ARGUMENTS = new Set<string>([
  AST_NODE_TYPES.Literal,
  AST_NODE_TYPES.TemplateLiteral,
  AST_NODE_TYPES.ArrayExpression,
  AST_NODE_TYPES.ArrowFunctionExpression,
  AST_NODE_TYPES.FunctionExpression,
  AST_NODE_TYPES.UnaryExpression,
]);

/** Where a delegate comes from: the client expression, the delegate's name (if static), the scope to read the client in. */
interface DelegateAccess {
  client: TSESTree.Node;
  name: string | undefined;
  scope: Scope;
}

/**
 * The client and delegate of a delegate expression: `<client>.<delegate>` as written, or a `const` alias
 * of one (`const users = prisma.user`, `const { user } = prisma`, `const { user: users } = tx`).
 */
function delegateAccess(expression: TSESTree.Node, scope: Scope): DelegateAccess | undefined {
  const node = unwrap(expression);
  if (node.type === AST_NODE_TYPES.MemberExpression) return { client: node.object, name: delegateName(node, scope), scope };
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(scope, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!variable || def?.type !== "Variable" || def.parent?.kind !== "const" || !def.node.init) return undefined;
  const init = unwrap(def.node.init);
  const pattern = def.node.id;
  if (pattern.type === AST_NODE_TYPES.Identifier) {
    return init.type === AST_NODE_TYPES.MemberExpression ? { client: init.object, name: delegateName(init, variable.scope), scope: variable.scope } : undefined;
  }
  if (pattern.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
  for (const property of pattern.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
    if (value === def.name) return { client: init, name: getKeyName(property, variable.scope), scope: variable.scope };
  }
  return undefined;
}

function delegateWrite(node: TSESTree.CallExpression, callee: TSESTree.MemberExpression, operation: string, scope: Scope, schema: PrismaSchemaFacts | undefined): DatabaseWrite | undefined {
  if (node.arguments.length > 1) return undefined;
  const first = node.arguments[0];
  if (first && NON_OBJECT_ARGUMENTS.has(skipTypeWrappers(first).type)) return undefined;
  const access = delegateAccess(callee.object, scope);
  if (!access) return undefined;
  const { name } = access;
  if (name?.startsWith("$")) return undefined;
  const verdict = clientVerdict(access.client, access.scope, 0);
  if (verdict === "no" || (verdict === "foreign" && !schema)) return undefined;
  let model: string | undefined;
  if (name === undefined) {
    // `prisma[name].deleteMany()`: a write on a model not known statically, only on a clear client.
    if (verdict !== "yes") return undefined;
  } else if (schema) {
    model = schema.modelForDelegate(name)?.name;
    if (model === undefined) return undefined;
  } else {
    if (verdict !== "yes" || !/^[a-z]/.test(name)) return undefined;
    model = name.charAt(0).toUpperCase() + name.slice(1);
  }
  return { operation, model, node, payload: first };
}

// ---------------------------------------------------------------------------------------------------
// Raw SQL

/**
 * The text expression inside a `sql` / `Prisma.sql` fragment (`Prisma.sql\`...\``, `Prisma.sql(x)`,
 * `Prisma.raw(x)`), also through a `const` of the same file holding one; else the node.
 */
export function sqlFragmentText(node: TSESTree.Node, scope: Scope, depth = 0): TSESTree.Node {
  const n = skipTypeWrappers(node);
  if (n.type === AST_NODE_TYPES.TaggedTemplateExpression && getCalleeName(n.tag) === "sql") return n.quasi;
  if (n.type === AST_NODE_TYPES.CallExpression) {
    const name = getCalleeName(n.callee);
    const first = n.arguments[0];
    if ((name === "sql" || name === "raw") && unwrap(n.callee).type === AST_NODE_TYPES.MemberExpression && first) return first;
  }
  if (n.type === AST_NODE_TYPES.Identifier && depth < 4) {
    const init = getConstInitializer(n, scope);
    const value = init ? skipTypeWrappers(init) : undefined;
    if (value?.type === AST_NODE_TYPES.TaggedTemplateExpression || value?.type === AST_NODE_TYPES.CallExpression) return sqlFragmentText(value, scope, depth + 1);
  }
  return n;
}

/** True when `node` is an argument of a `$executeRaw*` call. */
function isRawWriteArgument(node: TSESTree.Node): boolean {
  const parent = node.parent;
  if (parent?.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(node as TSESTree.CallExpressionArgument)) return false;
  const name = getCalleeName(parent.callee);
  return name !== undefined && PRISMA_RAW_WRITE_METHODS.has(name);
}

/**
 * True when a SQL fragment only reaches `$executeRaw*` (the outer call is the write: one write, one
 * node): passed straight to it, or held by a `const` whose every use is passed straight to it.
 */
function onlyFeedsRawWrite(node: TSESTree.Node, scope: Scope): boolean {
  if (isRawWriteArgument(node)) return true;
  const declarator = node.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== node || declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
  if (declarator.parent?.type !== AST_NODE_TYPES.VariableDeclaration || declarator.parent.kind !== "const") return false;
  const variable = ASTUtils.findVariable(scope, declarator.id);
  const uses = variable?.references.filter((r) => r.identifier !== declarator.id) ?? [];
  return uses.length > 0 && uses.every((r) => isRawWriteArgument(r.identifier));
}

function rawWrite(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression, sql: TSESTree.Node | undefined, scope: Scope): DatabaseWrite {
  return { operation: EXECUTE_RAW, model: undefined, node, payload: undefined, tables: rawSqlTables(sql, scope) };
}

/** A SQL sink whose static text writes. */
function sinkWrite(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression, scope: Scope): DatabaseWrite | undefined {
  const sink = node.type === AST_NODE_TYPES.CallExpression ? getCallSink(node) : getTaggedTemplateSink(node);
  if (!sink || onlyFeedsRawWrite(node, scope)) return undefined;
  const pieces = getStringPieces(sink.sql, scope, "");
  if (!pieces) return undefined;
  const write = getSqlWrite(pieces.parts);
  if (!write) return undefined;
  return { operation: EXECUTE_RAW, model: undefined, node, payload: undefined, tables: write.tables };
}

/**
 * "Is this a database write" (docs/design.md, Mutation scripts): the one detector every rule and the repository-facts
 * layer use. Pure: reads the node, its scope's bindings and (when present) parent pointers.
 * @param node a call or tagged template (visit every one; a write is reported at exactly one node).
 * @param scope the scope the node is in (`context.sourceCode.getScope(node)`), for `const` strings and
 *   client bindings.
 * @param schema the repository's Prisma schema, or undefined when it has none (then clients are
 *   recognised by the fallback described in this module's header).
 * @returns the write, or undefined when the node is not a database write. Never throws (SQL that does not
 *   parse is read by its first keyword).
 */
export function getDatabaseWrite(
  node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression,
  scope: Scope,
  schema: PrismaSchemaFacts | undefined,
): DatabaseWrite | undefined {
  if (node.type === AST_NODE_TYPES.TaggedTemplateExpression) {
    const tag = getCalleeName(node.tag);
    if (tag !== undefined && PRISMA_RAW_WRITE_METHODS.has(tag)) return rawWrite(node, node.quasi, scope);
    return sinkWrite(node, scope);
  }
  const callee = unwrap(node.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression) {
    const method = getPropertyName(callee);
    if (method !== undefined && PRISMA_RAW_WRITE_METHODS.has(method)) return rawWrite(node, node.arguments[0], scope);
    if (method !== undefined && PRISMA_WRITE_OPERATIONS.has(method)) {
      const write = delegateWrite(node, callee, method, scope, schema);
      if (write) return write;
    }
  }
  return sinkWrite(node, scope);
}
