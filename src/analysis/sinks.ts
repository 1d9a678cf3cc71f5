/**
 * "Is this a SQL sink" (docs/design.md, Rule groups `no-destructive-sql`: one detector per concept).
 *
 * Sinks: calls of `$executeRaw`, `$executeRawUnsafe`, `$queryRaw`, `$queryRawUnsafe`, `Prisma.sql`,
 * `.raw` (`sql.raw`, `knex.raw`, `Prisma.raw`), `.query` (pg, mysql), `.execute` (drizzle, kysely);
 * tagged templates whose tag is `sql`, `*.sql` (`Prisma.sql`), `$executeRaw` or `$queryRaw`.
 * A call's SQL is its first argument, or that argument's `text` (pg's `QueryConfig`) or `sql` (mysql2's
 * options) property when it is an object literal. Only the text that reaches a sink is read as SQL ().
 */
import { AST_NODE_TYPES, type TSESTree } from "../ts-ast.js";
import { getCalleeName, getPropertyName, skipTypeWrappers } from "./ast.js";

const CALL_SINK_METHODS = new Set(["$executeRaw", "$executeRawUnsafe", "$queryRaw", "$queryRawUnsafe", "raw", "query", "execute"]);
const TAG_SINK_NAMES = new Set(["sql", "$executeRaw", "$queryRaw", "$executeRawUnsafe", "$queryRawUnsafe"]);

/** A sink and the expression that carries its SQL text. */
export interface SqlSink {
  /** The sink call or tagged template. */
  node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression;
  /** The sink's name as written (`$executeRaw`, `query`, `sql`, ...), for messages. */
  name: string;
  /** The SQL argument: the first argument of a call (or its `text`/`sql` property), the template of a tagged template. */
  sql: TSESTree.Node;
}

const CONFIG_SQL_KEYS = new Set(["text", "sql"]);

/** The expression that carries a call's SQL: the argument, or `{ text: ... }` / `{ sql: ... }`'s value. */
function sqlOfArgument(argument: TSESTree.Expression): TSESTree.Node {
  const node = skipTypeWrappers(argument);
  if (node.type !== AST_NODE_TYPES.ObjectExpression) return argument;
  for (const property of node.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : String(property.key.value);
    if (CONFIG_SQL_KEYS.has(key)) return property.value;
  }
  return argument;
}

/**
 * The SQL sink that this call is, or undefined. Only method calls count (`x.query(...)`, not `query(...)`);
 * `Prisma.sql(...)` counts; a bare `sql(...)` call (postgres.js' identifier helper) does not.
 */
export function getCallSink(node: TSESTree.CallExpression): SqlSink | undefined {
  const callee = skipTypeWrappers(node.callee);
  const first = node.arguments[0];
  if (!first || first.type === AST_NODE_TYPES.SpreadElement || callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = getPropertyName(callee);
  if (name === undefined) return undefined;
  const isPrismaSql = name === "sql" && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === "Prisma";
  if (!CALL_SINK_METHODS.has(name) && !isPrismaSql) return undefined;
  return { node, name, sql: sqlOfArgument(first) };
}

/** The SQL sink that this tagged template is, or undefined. */
export function getTaggedTemplateSink(node: TSESTree.TaggedTemplateExpression): SqlSink | undefined {
  const name = getCalleeName(node.tag);
  if (name === undefined || !TAG_SINK_NAMES.has(name)) return undefined;
  return { node, name, sql: node.quasi };
}
