/**
 * What one module says about itself, read from its ESTree (typescript-estree) and its scopes
 * (`@typescript-eslint/scope-manager`), the same trees ESLint gives the rules, so "is this a database
 * write" is one detector (`getDatabaseWrite`, docs/design.md, One problem, one finding) in the rules and in the facts. Nothing here
 * executes the module or reads another file: cross-module questions are answered by `repo-facts.ts`.
 *
 * Two stages, both lazy:
 * - `extractImports`: the import-like edges (cheap: one parse, one walk);
 * - `summarizeModule`: "units" of code (the module's top level, each function, each value that is
 *   exported or bound to a name), their own writes (`getDatabaseWrite`, and Prisma CLI writes from
 *   `getPrismaCliCall`), the units they reach, the imported names they use, and the export table.
 *
 * How units reach each other (over-approximating on purpose, fail closed):
 * - a function contains every function nested in it (a `$transaction` callback, a `.map` callback),
 *   except what it returns without running: a returned function or class, or the closures of a returned
 *   object literal (`return { user: { update: () => ... } }`). Those are its `returns`, reached by a use
 *   of its result, and by the function used as a whole;
 * - a function uses every local function, class, `const` value or imported binding it references
 *   (called or passed as a callback: `items.forEach(wipeOne)`), but not one it only tests (`if (!prisma)`,
 *   `typeof x.connect === "function"`, `a === b`): nothing runs there;
 * - a method uses the members of its own class it names through `this` (`this.remove(id)`);
 * - a value bound to a name (`export const POST = withAuth(async () => ...)`, `module.exports = { f }`,
 *   a class) contains the functions written inside it and uses the bindings it references;
 * - the top level (what runs when the module loads) contains immediately-invoked functions, and uses
 *   only the bindings it calls (`main()`, `lib.run()`), not the ones it merely passes or stores (a route
 *   handler registered at load does not write at load);
 * - a use follows the path it takes (see `MemberPath`): `db.user.findFirst(...)` reaches only the
 *   `findFirst` member of the `user` member of `db`, where the members are known: an object literal (also
 *   one a factory returns: `export const db = createDbWrapper()`), a class's methods, an instance of a
 *   class (`new Service()`, also `globalThis.x || new Service()`), and members inherited from a package's
 *   class (`extends PrismaClient`: package code, never read). Where they are not known (a computed member,
 *   a spread, an inherited member of a repository class, a value the code hands on), the whole value;
 * - calling a function runs it; its result is used member by member when it is bound to a name, and as
 *   a whole (everything the function returns) when it is handed on. `new X()` runs X's constructor, not
 *   its methods; the instance's members are reached where they are used.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "../ts-ast.js";
import type * as TypescriptEstree from "@typescript-eslint/typescript-estree";
import type * as ScopeManagerModule from "@typescript-eslint/scope-manager";
import type { ScopeManager } from "@typescript-eslint/scope-manager";
import { lazyRequire } from "../lazy-require.js";
import { visitorKeys } from "@typescript-eslint/visitor-keys";
import { getPropertyName, skipTypeWrappers } from "../analysis/ast.js";
import { getDatabaseWrite, PRISMA_RAW_WRITE_METHODS } from "../analysis/mutations.js";
import { getPrismaCliCall } from "../analysis/prisma-cli.js";
import { bindingDeclaratorOf, isElidedImport, isUsedAsPrismaClient } from "../analysis/imports.js";
import type { ImportKind, PrismaSchemaFacts } from "./types.js";

// TypeScript (through typescript-estree) and the scope analyser load when the first module is parsed.
const typescriptEstree = lazyRequire<typeof TypescriptEstree>("@typescript-eslint/typescript-estree");
const scopeManager = lazyRequire<typeof ScopeManagerModule>("@typescript-eslint/scope-manager");

type Scope = TSESLint.Scope.Scope;
type Variable = TSESLint.Scope.Variable;
type Node = TSESTree.Node;

/** Thrown by `parseModule` for a syntax error, with the position TypeScript's parser reports. */
export class ModuleParseError extends Error {
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;

  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = "ModuleParseError";
    this.line = line;
    this.column = column;
  }
}

/** True for `.cjs` / `.cts` files (always CommonJS scripts). */
function isCommonJsFile(file: string): boolean {
  return /\.c[jt]s$/.test(file);
}

/**
 * Parses a module with typescript-estree (ranges, locations; JSX by the file's extension) and sets
 * `parent` on every node, as ESLint does.
 * @param text the module's source.
 * @param file its path (the extension picks TypeScript/JavaScript and JSX).
 * @throws ModuleParseError on a syntax error.
 */
export function parseModule(text: string, file: string): TSESTree.Program {
  const { parse } = typescriptEstree();
  let ast: TSESTree.Program;
  try {
    ast = parse(text, { range: true, loc: true, comment: false, tokens: false, filePath: file, jsx: /\.[jt]sx$/.test(file), loggerFn: false });
  } catch (error) {
    const e = error as { message?: string; lineNumber?: number; column?: number };
    throw new ModuleParseError(e.message ?? String(error), e.lineNumber ?? 1, (e.column ?? 0) + 1);
  }
  setParents(ast);
  return ast;
}

/** Children of a node, in source order, by the typescript-eslint visitor keys. */
function childrenOf(node: Node): Node[] {
  const keys = visitorKeys[node.type] ?? [];
  const out: Node[] = [];
  for (const key of keys) {
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === "object" && typeof (item as Node).type === "string") out.push(item as Node);
    } else if (value !== null && typeof value === "object" && typeof (value as Node).type === "string") {
      out.push(value as Node);
    }
  }
  return out;
}

function setParents(ast: TSESTree.Program): void {
  const stack: Node[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const child of childrenOf(node)) {
      (child as { parent?: Node }).parent = node;
      stack.push(child);
    }
  }
}

/** Depth-first, source-order walk with an enter and an optional leave callback. */
function walk(root: Node, enter: (node: Node) => void, leave?: (node: Node) => void): void {
  const stack: { node: Node; exit: boolean }[] = [{ node: root, exit: false }];
  while (stack.length > 0) {
    const item = stack.pop() as { node: Node; exit: boolean };
    if (item.exit) {
      leave?.(item.node);
      continue;
    }
    enter(item.node);
    if (leave) stack.push({ node: item.node, exit: true });
    const children = childrenOf(item.node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as Node, exit: false });
  }
}

/** The value of a string literal or a template literal without holes, else undefined. */
function staticSpecifier(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = skipTypeWrappers(node);
  if (n.type === AST_NODE_TYPES.Literal && typeof n.value === "string") return n.value;
  if (n.type === AST_NODE_TYPES.TemplateLiteral && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** The specifier of `require("x")` (a plain `require` identifier, one static argument), else undefined. */
function requireSpecifier(node: Node): string | undefined {
  if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.Identifier || node.callee.name !== "require") return undefined;
  if (node.arguments.length !== 1) return undefined;
  return staticSpecifier(node.arguments[0]);
}

/** An import-like edge as written, before resolution. */
export interface RawImport {
  specifier: string;
  kind: ImportKind;
  /** 1-based line and column (UTF-16) of the declaration or call. */
  line: number;
  column: number;
  /**
   * True when a binding it declares is used as a Prisma client on a schema model
   * (`isUsedAsPrismaClient`: `prisma.user.deleteMany()`); absent otherwise.
   */
  clientUse?: true;
}

/** What decides whether an import of only `type` specifiers loads its module. */
export interface ImportOptions {
  /** The tsconfig's `verbatimModuleSyntax`: `import { type A } from "x"` then still loads `x`. */
  verbatimModuleSyntax: boolean;
  /** The module's scopes and its path: an import whose bindings are used only in types is elided (`isElidedImport`). */
  scopeManager?: ScopeManager;
  file?: string;
  /** The schema's delegate lookup (`PrismaSchemaFacts.modelForDelegate`): with it (and `scopeManager`), `RawImport.clientUse` is set. */
  modelForDelegate?: ((delegate: string) => unknown) | undefined;
}

/**
 * The import-like edges of a parsed module, in source order (see `ModuleImport.kind`).
 * @param ast from `parseModule`.
 */
export function extractImports(ast: TSESTree.Program, options: ImportOptions): RawImport[] {
  const found: { start: number; raw: RawImport }[] = [];
  const { scopeManager, modelForDelegate } = options;
  /** The variables an import-like node binds: its own declared ones, or the declarator's around a require()/import(). */
  const boundBy = (node: Node): TSESLint.Scope.Variable[] => {
    if (!scopeManager) return [];
    const owner = node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.ImportExpression ? bindingDeclaratorOf(node) : node;
    return owner ? (scopeManager.getDeclaredVariables(owner) as unknown as TSESLint.Scope.Variable[]) : [];
  };
  const add = (node: Node, specifier: string, kind: ImportKind): void => {
    const raw: RawImport = { specifier, kind, line: node.loc.start.line, column: node.loc.start.column + 1 };
    if (kind !== "type" && modelForDelegate && isUsedAsPrismaClient(boundBy(node), modelForDelegate)) raw.clientUse = true;
    found.push({ start: node.range[0], raw });
  };
  const onlyTypeSpecifiers = (specifiers: readonly { type: string; importKind?: string; exportKind?: string }[]): boolean =>
    specifiers.length > 0 && specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
  walk(ast, (node) => {
    switch (node.type) {
      case AST_NODE_TYPES.ImportDeclaration: {
        const typeOnly =
          node.importKind === "type" ||
          (onlyTypeSpecifiers(node.specifiers) && !options.verbatimModuleSyntax) ||
          (options.scopeManager !== undefined &&
            options.file !== undefined &&
            isElidedImport(node, options.scopeManager.getDeclaredVariables(node) as unknown as TSESLint.Scope.Variable[], options.file, options.verbatimModuleSyntax));
        add(node, node.source.value, typeOnly ? "type" : node.specifiers.length === 0 || onlyTypeSpecifiers(node.specifiers) ? "sideEffect" : "static");
        break;
      }
      case AST_NODE_TYPES.ExportNamedDeclaration:
        if (node.source) {
          const typeOnly = node.exportKind === "type" || (onlyTypeSpecifiers(node.specifiers) && !options.verbatimModuleSyntax);
          add(node, node.source.value, typeOnly ? "type" : "static");
        }
        break;
      case AST_NODE_TYPES.ExportAllDeclaration:
        add(node, node.source.value, node.exportKind === "type" ? "type" : "static");
        break;
      case AST_NODE_TYPES.TSImportEqualsDeclaration:
        if (node.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference) {
          const specifier = staticSpecifier(node.moduleReference.expression);
          if (specifier !== undefined) add(node, specifier, node.importKind === "type" ? "type" : "require");
        }
        break;
      case AST_NODE_TYPES.TSImportType: {
        const specifier = staticSpecifier(node.source ?? null);
        if (specifier !== undefined) add(node, specifier, "type");
        break;
      }
      case AST_NODE_TYPES.ImportExpression: {
        const specifier = staticSpecifier(node.source);
        if (specifier !== undefined) add(node, specifier, "dynamic");
        break;
      }
      case AST_NODE_TYPES.CallExpression: {
        const specifier = requireSpecifier(node);
        if (specifier !== undefined) add(node, specifier, "require");
        break;
      }
      default:
        break;
    }
  });
  return found.sort((a, b) => a.start - b.start).map((f) => f.raw);
}

// ---------------------------------------------------------------------------------------------------
// Summaries

/** How an imported binding loads its module (for the resolution conditions). */
export type UseMode = "import" | "require";

/** The step of a `MemberPath` that calls the value; every other step is a property name. */
export const CALL = "()";

/**
 * How code uses a value: the property names it reads and the calls it makes, in order
 * (`db.user.findFirst(args)` -> `["user", "findFirst", "()"]`); empty: the value as a whole (stored,
 * passed on, returned). A path that ends in a call means the call's result is not used as a whole: it is
 * discarded, only tested, or bound to a name whose own uses are followed (`const user = await
 * getUser()`). A call whose result is used as a whole (`return f()`, `g(f())`) ends the path before the
 * call: the whole callee, what it runs and everything it returns. (A property literally named `()` reads
 * as a call: that costs precision, never a write.)
 */
export type MemberPath = readonly string[];

/** Paths longer than this are cut to the whole value (a safety valve: no cycle of the write closure lengthens a path). */
export const MAX_PATH = 16;

/** A use of an imported name: `name` of the module `specifier`; `*` for the module as a whole. */
export interface ImportUse {
  specifier: string;
  name: string;
  mode: UseMode;
  /**
   * What the code does with that export (see `MemberPath`: `repo.touch()` -> `["touch", "()"]`, `new
   * Service()` -> `["constructor"]`); the export's writes narrow to it where its members are known.
   * Absent: the export as a whole.
   */
  path?: MemberPath;
  /** Set when `name` already is the first member used (a namespace import or a whole-module `require`). */
  consumedMember?: boolean;
}

/** An edge from a unit: to another unit of the same module (with the path used on it), or to an imported name. */
export type Edge = { unit: number; path?: MemberPath } | { use: ImportUse };

/**
 * What a path on a unit reaches (see `MemberPath`), for units whose members are known:
 * - `members`: an object literal's properties or a class's methods and fields (`constructor` for the
 *   constructor);
 * - `alias`: a bound value that is one of these values (each with the path that makes it), so a path on
 *   it is that path on each: `new X()` (the members of the class X, local or imported), `f()` (what `f`
 *   returns: `[f, "()"]`), another binding, `a || b`, `c ? a : b`. Parts that hold no code of the
 *   repository (`globalThis.prisma`, a parameter, a literal) add nothing: whoever put a value there used
 *   it as a whole already.
 */
export type MemberTable =
  | {
      kind: "members";
      /**
       * True when every member is known (an object literal without spreads or computed keys, a class
       * without a superclass): a member that is not listed does nothing. Otherwise an unknown member means
       * the whole unit, unless it is inherited from `superclass` and that is a class of a package (see
       * `superclass`).
       */
      complete: boolean;
      members: Map<string, Edge[]>;
      /**
       * A class's superclass when it is a plain name (`extends PrismaClient`): a member the class does not
       * declare is the superclass's. When that is an import that does not resolve to a repository module (a
       * package: `@prisma/client`), the member is package code, which the facts never read: nothing.
       */
      superclass?: Edge;
    }
  | { kind: "alias"; of: Edge[] };

/** A write in this module (see `MutationFact`, without the file). */
export interface LocalWrite {
  operation: string;
  model: string | undefined;
  tables?: readonly string[] | undefined;
  line: number;
  column: number;
}

/** One unit of code: the top level (unit 0), a function, or a value bound to a name. */
export interface UnitSummary {
  /** Writes in this unit's own code (not in nested functions). */
  writes: LocalWrite[];
  /** Units and imported names it reaches when it runs (a function) or is used as a whole (a value). */
  edges: Edge[];
  /**
   * Functions only (absent for the top level and values): the values it returns that calling it does
   * not run: a returned function or class, a returned object literal (whose methods are reached member by
   * member). The whole function reaches them too.
   */
  returns?: number[];
}

/** What a module does and exports, without its tree (cached per content and schema). */
export interface ModuleSummary {
  /** Unit 0 is the top level: what runs when the module loads. */
  units: UnitSummary[];
  /** Export name (`default` for the default export and CommonJS `module.exports = ...`) -> what it is. */
  exports: Map<string, Edge[]>;
  /** `export * from "x"` specifiers, in order. */
  starExports: string[];
  /** Units with named members (see `MemberTable`). */
  members: Map<number, MemberTable>;
}

/** The scope ESLint would give a node: the innermost scope acquired at it or an ancestor. */
export function scopeAt(scopeManager: ScopeManager, node: Node): Scope {
  // As ESLint's SourceCode#getScope: the innermost scope of every node but the Program itself (whose
  // innermost scope is the module scope, while the Program asks for the global one).
  const inner = node.type !== AST_NODE_TYPES.Program;
  for (let current: Node | undefined = node; current; current = current.parent) {
    const scope = scopeManager.acquire(current, inner);
    if (scope) {
      if (scope.type === "function-expression-name") return (scope.childScopes[0] ?? scope) as Scope;
      return scope as Scope;
    }
  }
  return scopeManager.globalScope as Scope;
}

const FUNCTION_TYPES = new Set<string>([AST_NODE_TYPES.FunctionDeclaration, AST_NODE_TYPES.FunctionExpression, AST_NODE_TYPES.ArrowFunctionExpression]);
const CLASS_TYPES = new Set<string>([AST_NODE_TYPES.ClassDeclaration, AST_NODE_TYPES.ClassExpression]);
/** TypeScript-only wrappers around an expression (`x as T`, `x!`, `<T>x`, `x satisfies T`). */
const TS_WRAPPERS = new Set<string>([AST_NODE_TYPES.TSAsExpression, AST_NODE_TYPES.TSNonNullExpression, AST_NODE_TYPES.TSTypeAssertion, AST_NODE_TYPES.TSSatisfiesExpression]);
/** Binary operators that only compare their operands. */
const TESTING_OPERATORS = new Set<string>(["===", "!==", "==", "!=", "instanceof", "in"]);

function unwrapAwait(node: Node): Node {
  let n = skipTypeWrappers(node);
  while (n.type === AST_NODE_TYPES.AwaitExpression) n = skipTypeWrappers(n.argument);
  return n;
}

/** `node`, or the outermost TypeScript wrapper or optional chain around it. */
function outerOf(node: Node): Node {
  let current = node;
  while (current.parent && (TS_WRAPPERS.has(current.parent.type) || current.parent.type === AST_NODE_TYPES.ChainExpression)) current = current.parent;
  return current;
}

/**
 * The path code uses on the value at `node` (static property reads and calls, see `MemberPath`, before
 * the rule on a final call's result), and the node where the path ends.
 */
function accessOf(node: Node): { path: string[]; end: Node } {
  const path: string[] = [];
  let current = outerOf(node);
  for (;;) {
    const parent = current.parent;
    if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === current) {
      const name = getPropertyName(parent);
      if (name === undefined) break;
      path.push(name);
    } else if ((parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === current) || (parent?.type === AST_NODE_TYPES.TaggedTemplateExpression && parent.tag === current)) {
      path.push(CALL);
    } else {
      break;
    }
    current = outerOf(parent);
  }
  return { path, end: current };
}

/** True when the value at `node` is only tested or thrown away where it stands (`if (!x)`, `typeof x`, `x === y`, `f();`). */
function isTestedOrDiscarded(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.ExpressionStatement:
      return true;
    case AST_NODE_TYPES.UnaryExpression:
      return parent.operator === "!" || parent.operator === "typeof" || parent.operator === "void";
    case AST_NODE_TYPES.BinaryExpression:
      return TESTING_OPERATORS.has(parent.operator);
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === node;
    default:
      return false;
  }
}

/**
 * True when the value at `node` is not used as a whole: it flows (through `await`, `a || b`, `c ? a : b`,
 * wrappers) only into a test, a discarded expression, or a node `bound` accepts (a bound value of this
 * module, whose own uses are followed).
 */
function isNotUsedWhole(node: Node, bound: (node: Node) => boolean): boolean {
  let current = node;
  for (;;) {
    if (bound(current)) return true;
    const parent = current.parent;
    if (!parent) return false;
    const flowsOn =
      TS_WRAPPERS.has(parent.type) ||
      parent.type === AST_NODE_TYPES.ChainExpression ||
      parent.type === AST_NODE_TYPES.AwaitExpression ||
      parent.type === AST_NODE_TYPES.LogicalExpression ||
      (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test !== current) ||
      (parent.type === AST_NODE_TYPES.SequenceExpression && parent.expressions[parent.expressions.length - 1] === current);
    if (parent.type === AST_NODE_TYPES.SequenceExpression && !flowsOn) return true;
    if (!flowsOn) return isTestedOrDiscarded(current);
    current = parent;
  }
}

const NOTHING_BOUND = (): boolean => false;

/** A path as a reference uses it (see `MemberPath`): a final call whose result is used as a whole is dropped (the whole callee). */
function usedPath(path: readonly string[], end: Node, bound: (node: Node) => boolean): MemberPath {
  const used = path[path.length - 1] === CALL && !isNotUsedWhole(end, bound) ? path.slice(0, -1) : path;
  return used.length > MAX_PATH ? [] : used;
}

/**
 * The paths a reference uses on its binding (`[]`: the whole binding): `wipe()` -> `["()"]` when the
 * result is not used as a whole (see `MemberPath`), `repo.touch` -> `["touch"]`, `new X()` ->
 * `["constructor"]` and, when the instance is not bound or discarded, what is used on it (`new
 * X().run()` -> `["run", "()"]`, `f(new X())` -> the whole class). None for a use that is only tested or
 * discarded (`if (!prisma)`, `typeof x.connect`): nothing runs.
 * @param bound the nodes a result may flow into without being used as a whole (bound values of the module).
 */
function referencePaths(identifier: Node, bound: (node: Node) => boolean): MemberPath[] {
  const outer = outerOf(identifier);
  const parent = outer.parent;
  if (parent?.type === AST_NODE_TYPES.NewExpression && parent.callee === outer) {
    const instance = accessOf(parent);
    if (instance.path.length > 0) return [["constructor"], usedPath(instance.path, instance.end, bound)];
    return isNotUsedWhole(instance.end, bound) ? [["constructor"]] : [["constructor"], []];
  }
  const { path, end } = accessOf(identifier);
  if (path[path.length - 1] !== CALL && isTestedOrDiscardedValue(end)) return [];
  return [usedPath(path, end, bound)];
}

/** True when a value (not a call's result) is only tested or discarded (see `isNotUsedWhole`). */
function isTestedOrDiscardedValue(end: Node): boolean {
  return isNotUsedWhole(end, NOTHING_BOUND);
}

/**
 * True when a reference to an imported binding runs nothing of it: the value is only tested or discarded
 * (`if (!prisma)`, `typeof db.connect === "function"`).
 */
export function isInertReference(identifier: TSESTree.Identifier): boolean {
  return referencePaths(identifier, NOTHING_BOUND).length === 0;
}

/** `require("x")` or `import("x")` (awaited or not): the module and how it loads, else undefined. */
function moduleLoadOf(node: Node): { specifier: string; mode: UseMode } | undefined {
  const n = unwrapAwait(node);
  const required = requireSpecifier(n);
  if (required !== undefined) return { specifier: required, mode: "require" };
  if (n.type === AST_NODE_TYPES.ImportExpression) {
    const specifier = staticSpecifier(n.source);
    if (specifier !== undefined) return { specifier, mode: "import" };
  }
  return undefined;
}

/** `module.exports` -> "", `module.exports.x` / `exports.x` -> "x", anything else undefined. */
function commonJsExportName(node: Node): string | undefined {
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const property = getPropertyName(node);
  if (node.object.type === AST_NODE_TYPES.Identifier) {
    if (node.object.name === "module" && property === "exports") return "";
    if (node.object.name === "exports" && property !== undefined) return property;
    return undefined;
  }
  if (commonJsExportName(node.object) === "" && property !== undefined) return property;
  return undefined;
}

/** The name a member access on `node` reads (`ns.wipe` -> wipe, `(ns as any).wipe` too), else `*` (the whole object is used). */
function memberNameOn(node: Node): string {
  const first = accessOf(node).path[0];
  return first === undefined || first === CALL ? "*" : first;
}

/** The static key under which a destructuring pattern binds `name` (`{ wipe: w }` -> wipe), else `*`. */
function destructuredKey(pattern: Node, name: TSESTree.Identifier): string {
  if (pattern.type !== AST_NODE_TYPES.ObjectPattern) return "*";
  for (const property of pattern.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    let value: Node = property.value;
    if (value.type === AST_NODE_TYPES.AssignmentPattern) value = value.left;
    if (value === name) {
      if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
      if (property.key.type === AST_NODE_TYPES.Literal) return String(property.key.value);
      return "*";
    }
  }
  return "*";
}

/** True when `node` is called where it stands: a callee, or the object of a called member (`lib.run()`). */
function isCalled(node: Node): boolean {
  let current = node;
  let parent = current.parent;
  while (parent && (parent.type === AST_NODE_TYPES.TSNonNullExpression || parent.type === AST_NODE_TYPES.TSAsExpression || parent.type === AST_NODE_TYPES.ChainExpression)) {
    current = parent;
    parent = current.parent;
  }
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === current) return isCalled(parent);
  if ((parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) && parent.callee === current) return true;
  return parent?.type === AST_NODE_TYPES.TaggedTemplateExpression && parent.tag === current;
}

/**
 * The imported name an identifier refers to when it is bound to an import: an `import` binding (named,
 * default, namespace member), `import x = require()`, or a variable bound to `require("x")` /
 * `await import("x")` (whole, member or destructured). Type-only imports give undefined. What the code
 * does with it (`repo.touch()`, `new Service();`) is the use's `path` (without the member a namespace
 * use already names); a call whose result the code keeps is the whole export (the caller's own bindings
 * are not followed here), and so is a `new` whose instance is kept.
 * @param identifier a reference (a callee, an argument, ...).
 * @param scope the scope the identifier is in.
 */
export function importedNameOf(identifier: TSESTree.Identifier, scope: Scope): ImportUse | undefined {
  let variable: Variable | null = null;
  for (let s: Scope | null = scope; s && !variable; s = s.upper as Scope | null) variable = (s.set.get(identifier.name) as Variable | undefined) ?? null;
  const use = variable ? importUseOfVariable(variable, identifier) : undefined;
  if (!use) return undefined;
  // One path: a `new` whose instance is kept or used is the whole class; a use that runs nothing keeps none (see `isInertReference`).
  const paths = referencePaths(identifier, NOTHING_BOUND);
  const path = paths.length === 1 ? (paths[0] as MemberPath) : [];
  const narrowed = withPath({ use }, path);
  return "use" in narrowed ? narrowed.use : use;
}

/** See `importedNameOf`; `reference` decides the member name for a namespace or module object. */
function importUseOfVariable(variable: Variable, reference: Node | undefined): ImportUse | undefined {
  const def = variable.defs[0];
  if (!def) return undefined;
  if (def.type === "ImportBinding") {
    const node = def.node as Node;
    if (node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
      if (node.importKind === "type" || node.moduleReference.type !== AST_NODE_TYPES.TSExternalModuleReference) return undefined;
      const specifier = staticSpecifier(node.moduleReference.expression);
      return specifier === undefined ? undefined : { specifier, name: reference ? memberNameOn(reference) : "*", mode: "require", consumedMember: true };
    }
    const declaration = node.parent;
    if (declaration?.type !== AST_NODE_TYPES.ImportDeclaration || declaration.importKind === "type") return undefined;
    const specifier = declaration.source.value;
    if (node.type === AST_NODE_TYPES.ImportSpecifier) {
      if (node.importKind === "type") return undefined;
      return { specifier, name: exportName(node.imported), mode: "import" };
    }
    if (node.type === AST_NODE_TYPES.ImportDefaultSpecifier) return { specifier, name: "default", mode: "import" };
    if (node.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return { specifier, name: reference ? memberNameOn(reference) : "*", mode: "import", consumedMember: true };
    return undefined;
  }
  if (def.type === "Variable") {
    const declarator = def.node;
    if (!declarator.init) return undefined;
    const init = unwrapAwait(declarator.init);
    // `const wipe = require("./users").wipe`: a member of a loaded module.
    if (init.type === AST_NODE_TYPES.MemberExpression && declarator.id.type === AST_NODE_TYPES.Identifier) {
      const member = moduleLoadOf(init.object);
      if (member) return { ...member, name: getPropertyName(init) ?? "*" };
    }
    const load = moduleLoadOf(declarator.init);
    if (!load) return undefined;
    if (declarator.id.type === AST_NODE_TYPES.Identifier) return { ...load, name: reference ? memberNameOn(reference) : "*", consumedMember: true };
    return { ...load, name: destructuredKey(declarator.id, def.name) };
  }
  return undefined;
}

/**
 * Summarizes a parsed module (see the module header). Never throws for a construct it does not know:
 * such code just adds no write and no edge.
 * @param ast from `parseModule` (with parents).
 * @param file the module's path (CommonJS scope rules for `.cjs`/`.cts`).
 * @param schema the Prisma schema for `getDatabaseWrite`, or undefined.
 */
/** The scopes of a parsed module (`@typescript-eslint/scope-manager`), CommonJS files as scripts. */
export function analyzeScopes(ast: TSESTree.Program, file: string): ScopeManager {
  return scopeManager().analyze(ast, { sourceType: isCommonJsFile(file) ? "script" : "module" });
}

/**
 * What a module's functions and top-level code write (see `ModuleSummary`).
 * @param scopes the module's scopes when the caller already has them (`analyzeScopes`).
 */
export function summarizeModule(ast: TSESTree.Program, file: string, schema: PrismaSchemaFacts | undefined, scopes?: ScopeManager): ModuleSummary {
  const scopeManager = scopes ?? analyzeScopes(ast, file);
  const units: UnitSummary[] = [{ writes: [], edges: [] }];
  /** Function, class and bound-value nodes -> their unit. */
  const unitOf = new Map<Node, number>();
  const newUnit = (node: Node): number => {
    const existing = unitOf.get(node);
    if (existing !== undefined) return existing;
    units.push({ writes: [], edges: [] });
    unitOf.set(node, units.length - 1);
    return units.length - 1;
  };
  const addEdge = (from: number, edge: Edge): void => {
    const list = (units[from] as UnitSummary).edges;
    if ("unit" in edge) {
      const key = pathKey(edge.path);
      if ((edge.unit !== from || key !== "") && !list.some((e) => "unit" in e && e.unit === edge.unit && pathKey(e.path) === key)) list.push(edge);
    } else {
      const key = pathKey(edge.use.path);
      if (!list.some((e) => "use" in e && e.use.specifier === edge.use.specifier && e.use.name === edge.use.name && e.use.mode === edge.use.mode && pathKey(e.use.path) === key)) list.push(edge);
    }
  };

  // Bound values: declarator initializers, exported expressions, CommonJS export values, classes, and
  // object literals a function returns.
  const isValueRoot = (node: Node): boolean => {
    const parent = node.parent;
    if (CLASS_TYPES.has(node.type)) return true;
    if (!parent) return false;
    if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node) return true;
    if (parent.type === AST_NODE_TYPES.ExportDefaultDeclaration) return true;
    if (parent.type === AST_NODE_TYPES.TSExportAssignment) return true;
    if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node && commonJsExportName(parent.left) !== undefined) return true;
    // A property of a bound object literal: `export const repo = { touch: ... }`, `module.exports = { f }`.
    if (parent.type === AST_NODE_TYPES.Property && parent.value === node && parent.parent.type === AST_NODE_TYPES.ObjectExpression && unitOf.has(parent.parent)) return true;
    // `return { user: { findFirst: ... } }`: what a factory returns, reached member by member.
    if (node.type === AST_NODE_TYPES.ObjectExpression && returnedBy(node) !== undefined) return true;
    return false;
  };

  // Pass 1: units, containment, writes.
  /** Stack of the units code at this point belongs to: functions and bound values, innermost last. */
  const contexts: { unit: number; isFunction: boolean; node: Node }[] = [{ unit: 0, isFunction: true, node: ast }];
  const pushedFor = new Set<Node>();
  /** `this.name` in a class's code: the function it is in, the class, the name. */
  const thisUses: { owner: number; classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression; name: string }[] = [];
  const ownerFunction = (): number => {
    for (let i = contexts.length - 1; i >= 0; i--) {
      const context = contexts[i] as (typeof contexts)[number];
      if (context.isFunction) return context.unit;
    }
    return 0;
  };
  walk(
    ast,
    (node) => {
      const isFunction = FUNCTION_TYPES.has(node.type);
      if (isFunction || isValueRoot(node)) {
        const unit = newUnit(node);
        if (isFunction) (units[unit] as UnitSummary).returns ??= [];
        // Containment: a function is contained by every bound value above it up to the nearest function,
        // and by that function (the top level: only when invoked at once), unless it is stored in what
        // that function returns (`return () => ...`, `return { wipe: () => ... }`): calling the function
        // does not run it; its result does. A bound value is contained by the bound values above it only:
        // a function reaches a value bound inside it through the references to that binding, member by
        // member, and the values it returns through `returns`.
        const stored = storedInResult(node);
        for (let i = contexts.length - 1; i >= 0; i--) {
          const context = contexts[i] as (typeof contexts)[number];
          if (context.isFunction) {
            const isStored = stored !== undefined && stored.fn === context.node;
            if (isFunction && !isStored && (context.unit !== 0 || isCalled(node))) addEdge(context.unit, { unit });
            if (isStored && stored.direct) ((units[context.unit] as UnitSummary).returns ??= []).push(unit);
            break;
          }
          addEdge(context.unit, { unit });
        }
        contexts.push({ unit, isFunction, node });
        pushedFor.add(node);
      }
      if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression) {
        const classNode = classOfThis(node.object);
        const name = getPropertyName(node);
        if (classNode && name !== undefined) thisUses.push({ owner: ownerFunction(), classNode, name });
      }
      if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.TaggedTemplateExpression) {
        const owner = ownerFunction();
        if (!isForwardedRawWrite(node)) recordWrites(node, scopeAt(scopeManager, node), schema, (units[owner] as UnitSummary).writes);
        // `require("./x").run()`, `(await import("./x")).run()`.
        if (node.type === AST_NODE_TYPES.CallExpression) {
          const callee = skipTypeWrappers(node.callee);
          if (callee.type === AST_NODE_TYPES.MemberExpression) {
            const load = moduleLoadOf(callee.object);
            const name = getPropertyName(callee);
            if (load) addEdge(owner, { use: { ...load, name: name ?? "*" } });
          }
        }
      }
    },
    (node) => {
      if (pushedFor.has(node)) contexts.pop();
    },
  );

  // `this.run()` in a method reaches the class's own member `run` (an inherited one is not followed).
  for (const use of thisUses) {
    const element = use.classNode.body.body.find(
      (e): e is TSESTree.MethodDefinition | TSESTree.PropertyDefinition =>
        (e.type === AST_NODE_TYPES.MethodDefinition || e.type === AST_NODE_TYPES.PropertyDefinition) && !e.computed && e.key.type === AST_NODE_TYPES.Identifier && e.key.name === use.name,
    );
    const valueUnit = element?.value ? unitOf.get(element.value) : undefined;
    if (valueUnit !== undefined) addEdge(use.owner, { unit: valueUnit });
  }

  // Pass 2: references -> edges.
  const edgesOfVariable = (variable: Variable, reference: Node | undefined): Edge[] => {
    const use = importUseOfVariable(variable, reference);
    if (use) return [{ use }];
    const def = variable.defs[0];
    if (!def) return [];
    if (def.type === "FunctionName" || def.type === "ClassName") {
      const unit = unitOf.get(def.node as Node);
      return unit === undefined ? [] : [{ unit }];
    }
    if (def.type === "Variable" && def.node.init) {
      const unit = unitOf.get(def.node.init);
      return unit === undefined ? [] : [{ unit }];
    }
    return [];
  };
  const isBound = (node: Node): boolean => unitOf.has(node);
  for (const scope of scopeManager.scopes) {
    for (const reference of scope.references) {
      // A write of the binding (its initializer, an assignment) is no use of its value.
      if (!reference.isValueReference || !reference.resolved || !reference.isRead()) continue;
      const edges = edgesOfVariable(reference.resolved as Variable, reference.identifier);
      if (edges.length === 0) continue;
      // What the reference's function runs (a call whose result is bound runs only the callee: the bound
      // value's own uses reach the rest), and what the bound values around it hold (the whole result).
      const userPaths = referencePaths(reference.identifier, isBound);
      if (userPaths.length === 0) continue;
      const ownerPaths = referencePaths(reference.identifier, NOTHING_BOUND);
      // The units this reference belongs to: bound values up to the nearest function, and that function.
      const owners: number[] = [];
      let ownerFunctionUnit: number | undefined;
      for (let current: Node | undefined = reference.identifier; current; current = current.parent) {
        const unit = unitOf.get(current);
        if (unit === undefined) continue;
        // The nearest function ends the walk (a reference in its parameters' defaults belongs to it too).
        if (FUNCTION_TYPES.has(current.type)) {
          ownerFunctionUnit = unit;
          break;
        }
        owners.push(unit);
      }
      for (const owner of owners) for (const edge of edges) for (const path of ownerPaths) addEdge(owner, withPath(edge, path));
      const user = ownerFunctionUnit ?? (isCalled(reference.identifier) ? 0 : undefined);
      if (user !== undefined) for (const edge of edges) for (const path of userPaths) addEdge(user, withPath(edge, path));
    }
  }

  /**
   * The values a bound expression is (see the `alias` member table), or undefined when it is not one of
   * them (then a path on it is the whole value).
   */
  const sourcesOf = (expression: Node): Edge[] | undefined => {
    const node = unwrapAwait(expression);
    switch (node.type) {
      case AST_NODE_TYPES.Identifier: {
        const variable = findVariableUp(scopeAt(scopeManager, node), node.name);
        return variable ? edgesOfVariable(variable, undefined) : [];
      }
      case AST_NODE_TYPES.MemberExpression: {
        // `globalThis.prisma`, `cache.client`: a static member path on a binding.
        const path: string[] = [];
        let current: Node = node;
        while (current.type === AST_NODE_TYPES.MemberExpression) {
          const name = getPropertyName(current);
          if (name === undefined) return undefined;
          path.unshift(name);
          current = skipTypeWrappers(current.object);
        }
        if (current.type !== AST_NODE_TYPES.Identifier) return undefined;
        const root = sourcesOf(current);
        return root?.map((edge) => withPath(edge, path));
      }
      case AST_NODE_TYPES.NewExpression:
      case AST_NODE_TYPES.CallExpression: {
        const callee = skipTypeWrappers(node.callee);
        if (callee.type !== AST_NODE_TYPES.Identifier) return undefined;
        const variable = findVariableUp(scopeAt(scopeManager, callee), callee.name);
        const of = variable ? edgesOfVariable(variable, undefined) : [];
        // A global (`new Map()`, `fetch()`) or a parameter: what it makes is unknown.
        if (of.length === 0) return undefined;
        return node.type === AST_NODE_TYPES.NewExpression ? of : of.map((edge) => withPath(edge, [CALL]));
      }
      case AST_NODE_TYPES.LogicalExpression: {
        const left = sourcesOf(node.left);
        const right = sourcesOf(node.right);
        return left && right ? [...left, ...right] : undefined;
      }
      case AST_NODE_TYPES.ConditionalExpression: {
        const consequent = sourcesOf(node.consequent);
        const alternate = sourcesOf(node.alternate);
        return consequent && alternate ? [...consequent, ...alternate] : undefined;
      }
      case AST_NODE_TYPES.SequenceExpression:
        return sourcesOf(node.expressions[node.expressions.length - 1] as Node);
      case AST_NODE_TYPES.Literal:
        return [];
      case AST_NODE_TYPES.TemplateLiteral:
        return node.expressions.length === 0 ? [] : undefined;
      default:
        return undefined;
    }
  };

  // Member tables.
  const members = new Map<number, MemberTable>();
  for (const [node, unit] of unitOf) {
    if (node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression) {
      const table: MemberTable & { kind: "members" } = { kind: "members", complete: node.superClass === null, members: new Map<string, Edge[]>() };
      for (const element of node.body.body) {
        if ((element.type !== AST_NODE_TYPES.MethodDefinition && element.type !== AST_NODE_TYPES.PropertyDefinition) || element.computed || element.key.type !== AST_NODE_TYPES.Identifier) {
          if (element.type !== AST_NODE_TYPES.StaticBlock) table.complete = false;
          continue;
        }
        const name = element.type === AST_NODE_TYPES.MethodDefinition && element.kind === "constructor" ? "constructor" : element.key.name;
        const valueUnit = element.value ? unitOf.get(element.value) : undefined;
        const list = table.members.get(name) ?? [];
        if (valueUnit !== undefined) list.push({ unit: valueUnit });
        table.members.set(name, list);
      }
      const superClass = node.superClass ? skipTypeWrappers(node.superClass) : undefined;
      if (superClass?.type === AST_NODE_TYPES.Identifier) {
        const variable = findVariableUp(scopeAt(scopeManager, superClass), superClass.name);
        const of = variable ? edgesOfVariable(variable, undefined) : [];
        if (of.length === 1) table.superclass = of[0];
      }
      members.set(unit, table);
    } else if (node.type === AST_NODE_TYPES.ObjectExpression) {
      const table = { kind: "members" as const, complete: true, members: new Map<string, Edge[]>() };
      for (const property of node.properties) {
        const key = property.type === AST_NODE_TYPES.Property ? propertyKey(property) : undefined;
        if (property.type !== AST_NODE_TYPES.Property || key === undefined) {
          table.complete = false;
          continue;
        }
        const valueUnit = unitOf.get(property.value);
        table.members.set(key, valueUnit === undefined ? [] : [{ unit: valueUnit }]);
      }
      members.set(unit, table);
    } else if (!FUNCTION_TYPES.has(node.type)) {
      // `const service = new UserService()`, `export const db = createDbWrapper()`, `global.prisma || new PrismaWithRetry()`.
      const of = sourcesOf(node);
      if (of) members.set(unit, { kind: "alias", of });
    }
  }

  // Exports.
  const exports = new Map<string, Edge[]>();
  const starExports: string[] = [];
  const addExport = (name: string, edges: Edge[]): void => {
    const list = exports.get(name) ?? [];
    list.push(...edges);
    exports.set(name, list);
  };
  const moduleScope = (scopeManager.scopes.find((s) => s.type === "module") ?? scopeManager.globalScope) as Scope | null;
  const localEdges = (name: string): Edge[] => {
    const variable = moduleScope?.set.get(name) as Variable | undefined;
    return variable ? edgesOfVariable(variable, undefined) : [];
  };
  const unitEdge = (node: Node): Edge[] => {
    const unit = unitOf.get(node);
    return unit === undefined ? [] : [{ unit }];
  };
  for (const statement of ast.body) {
    switch (statement.type) {
      case AST_NODE_TYPES.ExportNamedDeclaration: {
        if (statement.exportKind === "type") break;
        if (statement.source) {
          for (const specifier of statement.specifiers) {
            if (specifier.exportKind === "type") continue;
            addExport(exportName(specifier.exported), [{ use: { specifier: statement.source.value, name: exportName(specifier.local), mode: "import" } }]);
          }
          break;
        }
        const declaration = statement.declaration;
        if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration && declaration.id) addExport(declaration.id.name, unitEdge(declaration));
        else if (declaration?.type === AST_NODE_TYPES.ClassDeclaration && declaration.id) addExport(declaration.id.name, unitEdge(declaration));
        else if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
          for (const declarator of declaration.declarations) {
            for (const variable of scopeManager.getDeclaredVariables(declarator)) addExport(variable.name, edgesOfVariable(variable as Variable, undefined));
          }
        }
        for (const specifier of statement.specifiers) {
          if (specifier.exportKind === "type") continue;
          addExport(exportName(specifier.exported), localEdges(exportName(specifier.local)));
        }
        break;
      }
      case AST_NODE_TYPES.ExportAllDeclaration:
        if (statement.exportKind === "type") break;
        if (statement.exported) {
          addExport(exportName(statement.exported), [{ use: { specifier: statement.source.value, name: "*", mode: "import" } }]);
        } else {
          starExports.push(statement.source.value);
        }
        break;
      case AST_NODE_TYPES.ExportDefaultDeclaration: {
        const declaration = statement.declaration as Node;
        if (declaration.type === AST_NODE_TYPES.Identifier) addExport("default", [...localEdges(declaration.name), ...unitEdge(declaration)]);
        else addExport("default", unitEdge(declaration));
        break;
      }
      case AST_NODE_TYPES.TSExportAssignment:
        addExport("default", unitEdge(statement.expression));
        break;
      case AST_NODE_TYPES.ExpressionStatement: {
        const expression = statement.expression;
        if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.operator !== "=") break;
        const name = commonJsExportName(expression.left);
        if (name === undefined) break;
        if (name !== "") {
          addExport(name, unitEdge(expression.right));
          break;
        }
        addExport("default", unitEdge(expression.right));
        const right = skipTypeWrappers(expression.right);
        if (right.type === AST_NODE_TYPES.ObjectExpression) {
          for (const property of right.properties) {
            if (property.type !== AST_NODE_TYPES.Property) continue;
            const key = !property.computed && property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : property.key.type === AST_NODE_TYPES.Literal ? String(property.key.value) : undefined;
            if (key !== undefined) addExport(key, unitEdge(property.value));
          }
        } else if (right.type === AST_NODE_TYPES.Identifier) {
          addExport("default", localEdges(right.name));
        }
        break;
      }
      default:
        break;
    }
  }
  return { units, exports, starExports, members };
}

/** A key for comparing paths (`""` for none). */
export function pathKey(path: MemberPath | undefined): string {
  return path === undefined || path.length === 0 ? "" : JSON.stringify(path);
}

/** The variable `name` resolves to from `scope` outwards, or undefined. */
function findVariableUp(scope: Scope, name: string): Variable | undefined {
  for (let s: Scope | null = scope; s; s = s.upper as Scope | null) {
    const variable = s.set.get(name) as Variable | undefined;
    if (variable) return variable;
  }
  return undefined;
}

/** The static key of an object property (`a`, `"a"`, `1`), else undefined. */
function propertyKey(property: TSESTree.Property): string | undefined {
  if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  if (property.key.type === AST_NODE_TYPES.Literal) return String(property.key.value);
  return undefined;
}

/** The function whose `return` (or expression body) is `node`, through TypeScript wrappers, else undefined. */
function returnedBy(node: Node): Node | undefined {
  let current = node;
  while (current.parent && TS_WRAPPERS.has(current.parent.type)) current = current.parent;
  const parent = current.parent;
  if (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === current) return parent;
  if (parent?.type !== AST_NODE_TYPES.ReturnStatement) return undefined;
  for (let p: Node | undefined = parent.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return undefined;
}

/**
 * The function whose result stores `node` without running it: `node` is returned (`direct`), or is a
 * property value of a returned object literal, at any depth (`return { user: { update: () => ... } }`).
 */
function storedInResult(node: Node): { fn: Node; direct: boolean } | undefined {
  let current = node;
  let direct = true;
  for (;;) {
    while (current.parent && TS_WRAPPERS.has(current.parent.type)) current = current.parent;
    const parent = current.parent;
    if (parent?.type !== AST_NODE_TYPES.Property || parent.value !== current || parent.parent.type !== AST_NODE_TYPES.ObjectExpression) break;
    current = parent.parent;
    direct = false;
  }
  const fn = returnedBy(current);
  return fn === undefined ? undefined : { fn, direct };
}

/** The class whose instance `this` is: in a method, a field initializer or a static block (through arrow functions). */
function classOfThis(node: TSESTree.ThisExpression): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
  let previous: Node = node;
  for (let current = node.parent as Node | undefined; current; previous = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.ArrowFunctionExpression) continue;
    if (current.type === AST_NODE_TYPES.FunctionExpression) {
      const method = current.parent;
      if (method?.type !== AST_NODE_TYPES.MethodDefinition || method.value !== current) return undefined;
      const owner = method.parent.parent;
      return owner.type === AST_NODE_TYPES.ClassDeclaration || owner.type === AST_NODE_TYPES.ClassExpression ? owner : undefined;
    }
    if ((current.type === AST_NODE_TYPES.PropertyDefinition && current.value === previous) || current.type === AST_NODE_TYPES.StaticBlock) {
      const owner = current.parent.parent;
      return owner.type === AST_NODE_TYPES.ClassDeclaration || owner.type === AST_NODE_TYPES.ClassExpression ? owner : undefined;
    }
    if (FUNCTION_TYPES.has(current.type) || current.type === AST_NODE_TYPES.Program || current.type === AST_NODE_TYPES.ClassBody) return undefined;
  }
  return undefined;
}

/**
 * True for `super.$executeRaw(...)` (or `$executeRawUnsafe`) in a class's own `$executeRaw*` method
 * (`class PrismaWithRetry extends PrismaClient { $executeRaw(q) { return retry(() => super.$executeRaw(q)) } }`):
 * the override only forwards the client's write method, so the write is where the method is called, and
 * "is this a database write" already sees every such call (any `x.$executeRaw(...)`). Counting it in the
 * method would make every whole use of the client (passing it on) a write.
 */
function isForwardedRawWrite(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): boolean {
  const callee = skipTypeWrappers(node.type === AST_NODE_TYPES.TaggedTemplateExpression ? node.tag : node.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type !== AST_NODE_TYPES.Super) return false;
  const name = getPropertyName(callee);
  if (name === undefined || !PRISMA_RAW_WRITE_METHODS.has(name)) return false;
  for (let current = node.parent as Node | undefined; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.ArrowFunctionExpression) continue;
    if (current.type !== AST_NODE_TYPES.FunctionExpression) {
      if (FUNCTION_TYPES.has(current.type) || current.type === AST_NODE_TYPES.Program) return false;
      continue;
    }
    const method = current.parent;
    if (method?.type !== AST_NODE_TYPES.MethodDefinition || method.computed || method.kind !== "method") return false;
    const methodName = method.key.type === AST_NODE_TYPES.Identifier ? method.key.name : method.key.type === AST_NODE_TYPES.Literal ? String(method.key.value) : undefined;
    return methodName !== undefined && PRISMA_RAW_WRITE_METHODS.has(methodName);
  }
  return false;
}

/**
 * An edge with `path` used on it (appended to the path it already has). A use whose name already is the
 * first member (namespace, whole-module `require`) drops that member; the whole module (`*`) takes none.
 */
function withPath(edge: Edge, path: MemberPath): Edge {
  if (path.length === 0) return edge;
  if ("unit" in edge) return { unit: edge.unit, path: capped([...(edge.path ?? []), ...path]) };
  if (edge.use.name === "*") return edge;
  const rest = edge.use.consumedMember === true ? path.slice(1) : path;
  return rest.length === 0 ? edge : { use: { ...edge.use, path: capped([...(edge.use.path ?? []), ...rest]) } };
}

/** A path, or none when it is too long (see `MAX_PATH`). */
function capped(path: MemberPath): MemberPath | undefined {
  return path.length > MAX_PATH ? undefined : path;
}

/** The name in `export { a as "b" }` / `import { "a" as b }`: an identifier or a string. */
function exportName(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === AST_NODE_TYPES.Identifier ? node.name : node.value;
}

/** Adds the writes a call or tagged template performs (database writes and Prisma CLI writes). */
function recordWrites(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression, scope: Scope, schema: PrismaSchemaFacts | undefined, into: LocalWrite[]): void {
  const at = { line: node.loc.start.line, column: node.loc.start.column + 1 };
  try {
    const write = getDatabaseWrite(node, scope, schema);
    if (write) into.push({ operation: write.operation, model: write.model, ...(write.tables === undefined ? {} : { tables: write.tables }), ...at });
  } catch {
    // The detector promises not to throw; a bug there must not stop the facts.
  }
  try {
    const cli = getPrismaCliCall(node, scope);
    for (const command of cli?.commands ?? []) if (command.write) into.push({ operation: command.command, model: undefined, ...at });
  } catch {
    // As above.
  }
}
