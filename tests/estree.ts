/**
 * Parses code as ESLint would (typescript-eslint parser, parent pointers set) and lists every call and
 * tagged template with its scope, for unit tests of the shared ESTree detectors.
 */
import { parseForESLint } from "@typescript-eslint/parser";
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";

type Scope = TSESLint.Scope.Scope;

/** A call or tagged template and the scope it is in. */
export interface VisitedCall {
  node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression;
  scope: Scope;
}

/** Every call and tagged template of `code`, in source order, with its innermost scope. */
export function callsWithScopes(code: string): VisitedCall[] {
  const { ast, scopeManager, visitorKeys } = parseForESLint(code, { range: true, loc: true, sourceType: "module" });
  const calls: VisitedCall[] = [];
  const scopeOf = (node: TSESTree.Node): Scope => {
    for (let n: TSESTree.Node | undefined = node; n; n = n.parent) {
      const scope = scopeManager?.acquire(n, n.type !== AST_NODE_TYPES.Program);
      if (scope) return (scope.type === "function-expression-name" ? scope.childScopes[0] : scope) as Scope;
    }
    throw new Error("no scope");
  };
  const walk = (node: TSESTree.Node, parent: TSESTree.Node | undefined): void => {
    (node as { parent?: TSESTree.Node }).parent = parent;
    if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.TaggedTemplateExpression) calls.push({ node, scope: undefined as unknown as Scope });
    for (const key of visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      for (const c of Array.isArray(child) ? child : [child]) {
        if (c && typeof (c as TSESTree.Node).type === "string") walk(c as TSESTree.Node, node);
      }
    }
  };
  walk(ast as TSESTree.Program, undefined);
  for (const call of calls) call.scope = scopeOf(call.node);
  return calls;
}
