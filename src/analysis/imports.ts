/**
 * "Does this import load its module at run time" (docs/design.md, Rule groups `require-ci-guard`: `import type` loads
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

/** Prisma delegate methods that write (docs/design.md, The contract `operations`, plus the `*AndReturn` variants). */
export const PRISMA_WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);

/** The methods of a Prisma model delegate (`prisma.user.<method>(...)`), reads and writes (Prisma Client API reference). */
export const PRISMA_DELEGATE_METHODS: ReadonlySet<string> = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  ...PRISMA_WRITE_OPERATIONS,
  "count",
  "aggregate",
  "groupBy",
]);

/**
 * "Is this imported binding used as a Prisma client" (docs/design.md, issue 13 item 3: an import that cannot
 * be resolved but is used as a Prisma client counts as a client, fail closed): true when one of the
 * bindings is called as `<binding>.<delegate>.<method>(...)` where the delegate names a model of the
 * schema (`modelForDelegate`) and the method is a Prisma delegate method (`PRISMA_DELEGATE_METHODS`,
 * reads included: `prisma.user.findMany()` uses it as a client as much as a delete does). Without a
 * schema there is no model to name: false. Needs parent pointers (ESLint's trees, `parseModule`).
 * @param variables the bindings an import declares (`getDeclaredVariables` of the declaration, or of the
 *   declarator that holds a `require()` / `await import()`).
 * @param modelForDelegate the schema's delegate lookup, or undefined without a schema.
 */
export function isUsedAsPrismaClient(variables: readonly TSESLint.Scope.Variable[], modelForDelegate: ((delegate: string) => unknown) | undefined): boolean {
  if (!modelForDelegate) return false;
  return variables.some((variable) =>
    variable.references.some((reference) => {
      const id = reference.identifier as TSESTree.Node;
      const delegate = id.parent;
      if (delegate?.type !== AST_NODE_TYPES.MemberExpression || delegate.object !== id) return false;
      const model = memberName(delegate);
      if (model === undefined || modelForDelegate(model) === undefined) return false;
      const method = delegate.parent;
      if (method?.type !== AST_NODE_TYPES.MemberExpression || method.object !== delegate) return false;
      const name = memberName(method);
      return name !== undefined && PRISMA_DELEGATE_METHODS.has(name) && method.parent?.type === AST_NODE_TYPES.CallExpression && method.parent.callee === method;
    }),
  );
}

/** The static name of a member (`a.b`, `a["b"]`), or undefined. */
function memberName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === AST_NODE_TYPES.Identifier) return node.property.name;
  return node.computed && node.property.type === AST_NODE_TYPES.Literal && typeof node.property.value === "string" ? node.property.value : undefined;
}

/**
 * The variable declarator that binds what a `require()` / `import()` call returns (`const x = require("x")`,
 * `const { prisma } = await import("x")`, `const p = require("x").prisma`), or undefined.
 */
export function bindingDeclaratorOf(call: TSESTree.Node): TSESTree.VariableDeclarator | undefined {
  let n: TSESTree.Node = call;
  while (
    n.parent &&
    (n.parent.type === AST_NODE_TYPES.AwaitExpression ||
      n.parent.type === AST_NODE_TYPES.TSAsExpression ||
      n.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      (n.parent.type === AST_NODE_TYPES.MemberExpression && n.parent.object === n))
  ) {
    n = n.parent;
  }
  return n.parent?.type === AST_NODE_TYPES.VariableDeclarator && n.parent.init === n ? n.parent : undefined;
}
