/**
 * What the group D rules (docs/design.md, Rule groups group D `safety`) look for: destructive calls, and calls of the
 * contract's safety functions (`productionCheck`, `safetyCheck`, `confirm`, `backup`).
 *
 * Destructive (one definition for every group D rule): a Prisma `delete` / `deleteMany` (the database-write
 * detector `getDatabaseWrite` of mutations.ts), destructive SQL reaching a SQL sink (sinks.ts +
 * `findDestructiveStatements` of sql.ts, as `no-destructive-sql` reads it), and a call of a name listed in
 * `safety.destructive`. Choice: the listed names are added to the default, never replace it, so listing a
 * team's own `purgeSource` cannot make a raw `prisma.source.deleteMany()` invisible (fail closed).
 *
 * A name in the contract matches a call by its callee: `isProduction` matches `isProduction()` and
 * `env.isProduction()`; a dotted name (`env.isProduction`) matches only that member path.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "../ts-ast.js";
import type { PrismaSchemaFacts } from "../facts/types.js";
import { getCalleeName, getPropertyName, getStringPieces, skipTypeWrappers } from "./ast.js";
import { getDatabaseWrite } from "./mutations.js";
import { getCallSink, getTaggedTemplateSink } from "./sinks.js";
import { findDestructiveStatements } from "./sql.js";

type Scope = TSESLint.Scope.Scope;

/** Prisma delegate operations that delete rows (docs/design.md, Rule groups group D: `safety.destructive` default). */
export const DESTRUCTIVE_PRISMA_OPERATIONS: ReadonlySet<string> = new Set(["delete", "deleteMany"]);

/** A destructive call found by `getDestructiveCall`. */
export interface DestructiveCall {
  node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression;
  /** For messages: `prisma.source.delete()`, `DROP TABLE at $executeRawUnsafe`, `purgeSource()`. */
  what: string;
}

/** `a.b.c` for a member path of identifiers (and `this`), else undefined. */
export function memberPath(node: TSESTree.Node): string | undefined {
  const n = skipTypeWrappers(node);
  if (n.type === AST_NODE_TYPES.Identifier) return n.name;
  if (n.type === AST_NODE_TYPES.ThisExpression) return "this";
  if (n.type === AST_NODE_TYPES.MemberExpression) {
    const object = memberPath(n.object);
    const property = getPropertyName(n);
    return object !== undefined && property !== undefined ? `${object}.${property}` : undefined;
  }
  return undefined;
}

/** True when a call's callee matches one of the contract's names (see the module header). */
export function callMatches(node: TSESTree.Node, names: readonly string[] | undefined): boolean {
  if (!names || names.length === 0 || node.type !== AST_NODE_TYPES.CallExpression) return false;
  const last = getCalleeName(node.callee);
  const full = memberPath(node.callee);
  return names.some((name) => (name.includes(".") ? full === name || (full !== undefined && full.endsWith(`.${name}`)) : last === name));
}

/** True when a sink node is the SQL argument of an outer sink call (`$executeRaw(Prisma.sql\`...\`)`): the outer call is the one operation. */
function feedsAnotherSink(node: TSESTree.Node): boolean {
  const parent = node.parent;
  return parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments[0] === node && getCallSink(parent) !== undefined;
}

/**
 * The destructive call this node is, or undefined.
 * @param node a call or tagged template.
 * @param scope its scope (for `const` strings and client bindings).
 * @param schema the Prisma schema facts, or undefined.
 * @param names `safety.destructive` (added to the default).
 */
export function getDestructiveCall(
  node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression,
  scope: Scope,
  schema: PrismaSchemaFacts | undefined,
  names: readonly string[] | undefined,
): DestructiveCall | undefined {
  if (node.type === AST_NODE_TYPES.CallExpression && callMatches(node, names)) return { node, what: `${memberPath(node.callee) ?? getCalleeName(node.callee) ?? "this call"}()` };
  const write = getDatabaseWrite(node, scope, schema);
  if (write && DESTRUCTIVE_PRISMA_OPERATIONS.has(write.operation) && node.type === AST_NODE_TYPES.CallExpression) {
    return { node, what: `${memberPath(node.callee) ?? write.operation}()` };
  }
  const sink = node.type === AST_NODE_TYPES.CallExpression ? getCallSink(node) : getTaggedTemplateSink(node);
  if (!sink || feedsAnotherSink(node)) return undefined;
  const pieces = getStringPieces(sink.sql, scope, "");
  const statement = pieces ? findDestructiveStatements(pieces.parts)[0] : undefined;
  return statement ? { node, what: `${statement.kind} reaching ${sink.name}` } : undefined;
}
