/**
 * "Does this import load its module at run time" (SPEC §3 `require-ci-guard`: `import type` loads
 * nothing), written once for the rules and the repository facts.
 *
 * TypeScript (and tsc-compatible transpilers: tsx/esbuild, swc, Babel's TypeScript preset) removes an
 * import declaration whose bindings are never used as values (TypeScript handbook, "Type-Only Imports
 * and Export", and the `verbatimModuleSyntax` option docs): `import { Mode } from "./types"` used only in
 * `x: Mode` loads nothing. `verbatimModuleSyntax` turns that off, and JavaScript files never elide.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "../ts-ast.js";

const TYPESCRIPT_FILE = /\.(?:[cm]?ts|tsx)$/;

/** True when `node` is inside a type's `typeof x` (a `TSTypeQuery`): a type position, though a value reference. */
export function isInTypeQuery(node: TSESTree.Node): boolean {
  for (let n: TSESTree.Node | undefined = node.parent; n; n = n.parent) {
    if (n.type === AST_NODE_TYPES.TSTypeQuery) return true;
    if (!n.type.startsWith("TS") && n.type !== AST_NODE_TYPES.MemberExpression && n.type !== AST_NODE_TYPES.Identifier) return false;
  }
  return false;
}

/**
 * True when the import declaration loads nothing at run time: `import type`, every specifier `type`
 * (unless `verbatimModuleSyntax`), or, in a TypeScript file without `verbatimModuleSyntax`, bindings
 * that are used, and only in types (TypeScript elides the declaration). A side-effect import
 * (`import "./x"`) and an import whose bindings are not used at all count as loading.
 * @param variables the declaration's variables (`sourceCode.getDeclaredVariables(node)` in ESLint,
 *   `scopeManager.getDeclaredVariables(node)` elsewhere); their references decide value uses.
 * @param filename the importing file (only TypeScript files elide).
 * @param verbatimModuleSyntax the tsconfig option (unknown: false, TypeScript's default).
 */
export function isElidedImport(
  node: TSESTree.ImportDeclaration,
  variables: readonly TSESLint.Scope.Variable[],
  filename: string,
  verbatimModuleSyntax: boolean,
): boolean {
  if (node.importKind === "type") return true;
  if (node.specifiers.length === 0) return false;
  if (verbatimModuleSyntax) return false;
  if (node.specifiers.every((s) => s.type === AST_NODE_TYPES.ImportSpecifier && s.importKind === "type")) return true;
  if (!TYPESCRIPT_FILE.test(filename)) return false;
  const references = variables.flatMap((variable) => variable.references);
  // TypeScript also elides an import that is not used at all; we count that one as loading (fail closed:
  // an unused client import is usually code in the middle of an edit), and elide only imports that are
  // used, and only in types.
  return references.length > 0 && references.every((reference) => !reference.isValueReference || isInTypeQuery(reference.identifier as TSESTree.Node));
}
