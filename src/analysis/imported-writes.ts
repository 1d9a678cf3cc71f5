/**
 * Database writes a file performs through repository modules it imports (docs/design.md, Rule groups
 * `no-unlisted-mutation-script` "directly or through the functions it imports", `mutation-scope`). The
 * repository facts (src/facts/) know what each module's exports and top-level code write; this module
 * only finds where the linted file reaches them:
 *
 * - a use of an imported binding whose export writes (`RepoFacts.referenceWrites`: named, default and
 *   namespace imports, `require` / `await import()` bindings, whole or destructured; `import type` loads
 *   nothing): at the call when it is called (`wipeUsers()`, `users.wipe()`), else at the reference
 *   (`rows.map(wipeOne)`: a function handed on is called). A method call on an imported value that is not
 *   a module object (`db.user.findMany()`) is not such a use (see `useOf`);
 * - a side-effect load of a module whose top-level code writes (`RepoFacts.loadWrites`): `import "./seed"`,
 *   and `require("./seed")` / `import("./seed")` as a statement of their own: at the import. An import
 *   with bindings is read through the uses of its bindings instead: the facts over-approximate what runs
 *   at load (a factory called at load "contains" the closures it returns, a `new` of a class its
 *   methods), so a read-only script importing `db` from a module that builds `db` at load would count
 *   as writing.
 */
import path from "node:path";
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "../ts-ast.js";
import type { FileContext } from "../settings.js";
import type { ImportKind, MutationFact, RepoFacts } from "../facts/types.js";
import { getRepoFacts } from "../facts/repo-facts.js";
import { editorModuleFacts } from "../cache-file.js";
import { getPropertyName, getStaticString, skipTypeWrappers } from "./ast.js";
import { isInTypeQuery } from "./imports.js";

type Context = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** One place where the linted file reaches writes in another module. */
export interface ImportedWrite {
  /** `call`: a use of an imported mutating function; `load`: a side-effect import of a module that writes when loaded. */
  kind: "call" | "load";
  /** The call, reference or import where a finding is reported. */
  node: TSESTree.Node;
  /** The function as the file names it (`wipeUsers`, `users.wipe`), or the import's specifier (`load`). */
  name: string;
  /** What it writes (never empty), in the facts' order. */
  writes: readonly MutationFact[];
}

/**
 * The repository facts for the linted file (src/facts/), with the editor's buffer as the file's content.
 * In ESLint they are computed lazily for the contract's root and cached by content, starting from the
 * module facts `contract-scan --cache` stored for this root and contract file (read-only,
 * `editorModuleFacts`; an inline contract or the defaults have no cache file); during a `contract-scan`
 * run `getRepoFacts` returns the scan's own instance (`registerScanFacts`), built once and shared by
 * every rule.
 */
export function repoFactsFor(context: Context, file: FileContext): RepoFacts {
  const filename = path.resolve(context.cwd, context.physicalFilename);
  const moduleCache = file.contractFile === undefined ? undefined : editorModuleFacts(file.root, file.contract, file.contractFile, file.cacheLocation);
  return getRepoFacts(file.root, file.contract, moduleCache === undefined ? {} : { moduleCache }).withFileText(filename, context.sourceCode.text);
}

/** The repository-relative POSIX path of a fact's file, for messages. */
export function factModule(fact: MutationFact, root: string): string {
  return path.relative(root, fact.file).split(path.sep).join("/");
}

/** How a file reaches an imported write, for messages: `wipeUsers()`, `loading "../lib/seed"`. */
export function viaOf(use: ImportedWrite): string {
  return use.kind === "call" ? `${use.name}()` : `loading "${use.name}"`;
}

/** Listeners that run `first`'s handler, then `second`'s, for every selector either has. */
export function mergeListeners(first: TSESLint.RuleListener, second: TSESLint.RuleListener): TSESLint.RuleListener {
  const merged: Record<string, (node: never) => void> = {};
  const a = first as Record<string, ((node: never) => void) | undefined>;
  const b = second as Record<string, ((node: never) => void) | undefined>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    merged[key] = x && y ? (node: never) => {
      x(node);
      y(node);
    } : ((x ?? y) as (node: never) => void);
  }
  return merged as TSESLint.RuleListener;
}

/** The finding node for a use: the call when the expression is called, else the expression. */
function useNode(expression: TSESTree.Node): TSESTree.Node {
  const current = outer(expression);
  const parent = current.parent;
  return parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === current ? parent : expression;
}

/** Skips TypeScript wrappers and optional chains above a node (`x!`, `x as T`, `x?.y`). */
function outer(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.parent &&
    (current.parent.type === AST_NODE_TYPES.TSNonNullExpression || current.parent.type === AST_NODE_TYPES.TSAsExpression || current.parent.type === AST_NODE_TYPES.ChainExpression)
  ) {
    current = current.parent;
  }
  return current;
}

/** True when a binding is a whole module object: `import * as ns`, `import ns = require()`, `const ns = require()` / `await import()`. */
function isModuleObject(def: TSESLint.Scope.Definition): boolean {
  if (def.type === "ImportBinding") {
    return def.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier || def.node.type === AST_NODE_TYPES.TSImportEqualsDeclaration;
  }
  return def.type === "Variable" && def.node.id.type === AST_NODE_TYPES.Identifier;
}

/**
 * The use of an imported binding that reaches its writes, or undefined for a use that does not:
 * - the binding called (`wipeUsers()`) or handed on (`rows.map(wipeUsers)`, `const f = wipeUsers`);
 * - a member of a module object, called or handed on (`users.wipe()`, `rows.map(users.wipe)`).
 * A member access on any other imported value (`db.user.findMany()`, `prisma.$connect()`, `service.purge()`)
 * is not read here: the facts answer for the whole exported value (every function written inside it),
 * not for the member used, and a delegate write through it is seen directly by "is this a database write".
 */
function useOf(identifier: TSESTree.Identifier, def: TSESLint.Scope.Definition): { expression: TSESTree.Node; name: string } | undefined {
  const node = outer(identifier);
  const parent = node.parent;
  if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== node) return { expression: identifier, name: identifier.name };
  if (!isModuleObject(def)) return undefined;
  const member = getPropertyName(parent);
  if (member === undefined) return undefined;
  const memberNode = outer(parent);
  // `ns.obj.method()`: a member of a member has the same coarseness as a member of a value.
  if (memberNode.parent?.type === AST_NODE_TYPES.MemberExpression && memberNode.parent.object === memberNode) return undefined;
  return { expression: parent, name: `${identifier.name}.${member}` };
}

/** The static specifier and kind of a `require("x")` call or `import("x")` expression. */
function loadOf(node: TSESTree.CallExpression | TSESTree.ImportExpression, scope: TSESLint.Scope.Scope): { specifier: string; kind: ImportKind } | undefined {
  if (node.type === AST_NODE_TYPES.ImportExpression) {
    const specifier = getStaticString(node.source, scope);
    return specifier === undefined ? undefined : { specifier, kind: "dynamic" };
  }
  const callee = skipTypeWrappers(node.callee);
  const first = node.arguments[0];
  if (callee.type !== AST_NODE_TYPES.Identifier || callee.name !== "require" || !first) return undefined;
  const specifier = getStaticString(first, scope);
  return specifier === undefined ? undefined : { specifier, kind: "require" };
}

/**
 * Calls `onWrite` for every place the file reaches writes in repository modules, in source order, at
 * `Program:exit` (the rule merges it into its own `Program:exit`).
 * @returns listeners to merge into the rule's.
 */
export function importedWriteListeners(context: Context, facts: RepoFacts, onWrite: (write: ImportedWrite) => void): TSESLint.RuleListener {
  const filename = path.resolve(context.cwd, context.physicalFilename);
  const found: ImportedWrite[] = [];

  function load(node: TSESTree.Node, specifier: string, kind: ImportKind): void {
    const resolved = facts.resolve(filename, specifier, kind);
    if (resolved === undefined) return;
    const writes = facts.loadWrites(resolved);
    if (writes.length > 0) found.push({ kind: "load", node, name: specifier, writes });
  }

  /** True when a `require()` / `import()` is a statement of its own (`require("./seed");`, `await import("./seed");`). */
  function isSideEffectLoad(node: TSESTree.Node): boolean {
    let current = node;
    if (current.parent?.type === AST_NODE_TYPES.AwaitExpression) current = current.parent;
    return current.parent?.type === AST_NODE_TYPES.ExpressionStatement;
  }

  return {
    ImportDeclaration(node) {
      if (node.importKind !== "type" && node.specifiers.length === 0) load(node, node.source.value, "sideEffect");
    },
    ImportExpression(node) {
      const target = isSideEffectLoad(node) ? loadOf(node, context.sourceCode.getScope(node)) : undefined;
      if (target) load(node, target.specifier, target.kind);
    },
    CallExpression(node) {
      if (node.callee.type !== AST_NODE_TYPES.Identifier || node.callee.name !== "require" || !isSideEffectLoad(node)) return;
      const target = loadOf(node, context.sourceCode.getScope(node));
      if (target) load(node, target.specifier, target.kind);
    },
    "Program:exit"() {
      for (const scope of context.sourceCode.scopeManager?.scopes ?? []) {
        for (const reference of scope.references) {
          const def = reference.resolved?.defs[0];
          if (!def || (def.type !== "ImportBinding" && def.type !== "Variable")) continue;
          if (!reference.isValueReference || !reference.isRead()) continue;
          const identifier = reference.identifier;
          if (identifier.type !== AST_NODE_TYPES.Identifier || isInTypeQuery(identifier)) continue;
          const use = useOf(identifier, def);
          if (!use) continue;
          const writes = facts.referenceWrites(filename, identifier, scope);
          if (writes.length === 0) continue;
          found.push({ kind: "call", node: useNode(use.expression), name: use.name, writes });
        }
      }
      found.sort((a, b) => a.node.range[0] - b.node.range[0]);
      for (const write of found) onWrite(write);
    },
  };
}
