/**
 * The typescript-eslint AST helpers the rules use, from the light entry points of their packages:
 * `AST_NODE_TYPES` (@typescript-eslint/types), `ASTUtils` (@typescript-eslint/utils/ast-utils), and the
 * `TSESLint` / `TSESTree` types. The same values as `@typescript-eslint/utils` exports; imported from here
 * because that package's index also loads its wrappers of ESLint's classes (ESLint itself and
 * @typescript-eslint/scope-manager: about 250 ms of CPU at plugin import), which the rules never use.
 */
export { AST_NODE_TYPES } from "@typescript-eslint/types";
export * as ASTUtils from "@typescript-eslint/utils/ast-utils";
export type { TSESLint, TSESTree } from "@typescript-eslint/utils";
