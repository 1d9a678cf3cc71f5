/**
 * What one module says about itself, read from its ESTree (typescript-estree) and its scopes
 * (`@typescript-eslint/scope-manager`), the same trees ESLint gives the rules, so "is this a database
 * write" is one detector (`getDatabaseWrite`, SPEC §6.16) in the rules and in the facts. Nothing here
 * executes the module or reads another file: cross-module questions are answered by `repo-facts.ts`.
 *
 * Two stages, both lazy:
 * - `extractImports`: the import-like edges (cheap: one parse, one walk);
 * - `summarizeModule`: "units" of code (the module's top level, each function, each value that is
 *   exported or bound to a name), their own writes (`getDatabaseWrite`, and Prisma CLI writes from
 *   `getPrismaCliCall`), the units they reach, the imported names they use, and the export table.
 *
 * How units reach each other (over-approximating on purpose, fail closed):
 * - a function contains every function nested in it (a `$transaction` callback, a `.map` callback,
 *   a returned closure);
 * - a function uses every local function, class, `const` value or imported binding it references
 *   (called or passed as a callback: `items.forEach(wipeOne)`);
 * - a value bound to a name (`export const POST = withAuth(async () => ...)`, `module.exports = { f }`,
 *   a class) contains the functions written inside it and uses the bindings it references;
 * - the top level (what runs when the module loads) contains immediately-invoked functions, and uses
 *   only the bindings it calls (`main()`, `lib.run()`), not the ones it merely passes or stores (a route
 *   handler registered at load does not write at load);
 * - code that uses a member of a binding (`repo.touch()`, `users.wipe()`, `service.list()` of a
 *   `const service = new Service()`, a discarded `new Service()` -> its constructor) reaches only that
 *   member when the binding is an object literal, a class, or an instance of a class (of this module or
 *   imported) whose members are all known; otherwise the whole binding.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { parse } from "@typescript-eslint/typescript-estree";
import { analyze, type ScopeManager } from "@typescript-eslint/scope-manager";
import { visitorKeys } from "@typescript-eslint/visitor-keys";
import { getPropertyName, skipTypeWrappers } from "../analysis/ast.js";
import { getDatabaseWrite } from "../analysis/mutations.js";
import { getPrismaCliCall } from "../analysis/prisma-cli.js";
import type { ImportKind, PrismaSchemaFacts } from "./types.js";

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
}

/** What decides whether an import of only `type` specifiers loads its module. */
export interface ImportOptions {
  /** The tsconfig's `verbatimModuleSyntax`: `import { type A } from "x"` then still loads `x`. */
  verbatimModuleSyntax: boolean;
}

/**
 * The import-like edges of a parsed module, in source order (see `ModuleImport.kind`).
 * @param ast from `parseModule`.
 */
export function extractImports(ast: TSESTree.Program, options: ImportOptions): RawImport[] {
  const found: { start: number; raw: RawImport }[] = [];
  const add = (node: Node, specifier: string, kind: ImportKind): void => {
    found.push({ start: node.range[0], raw: { specifier, kind, line: node.loc.start.line, column: node.loc.start.column + 1 } });
  };
  const onlyTypeSpecifiers = (specifiers: readonly { type: string; importKind?: string; exportKind?: string }[]): boolean =>
    specifiers.length > 0 && specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
  walk(ast, (node) => {
    switch (node.type) {
      case AST_NODE_TYPES.ImportDeclaration: {
        const typeOnly = node.importKind === "type" || (onlyTypeSpecifiers(node.specifiers) && !options.verbatimModuleSyntax);
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

/** A use of an imported name: `name` of the module `specifier`; `*` for the module as a whole. */
export interface ImportUse {
  specifier: string;
  name: string;
  mode: UseMode;
  /**
   * The member of that export the code uses (`repo.touch()` -> touch; `new Service()` -> constructor),
   * when it names one; the export's writes then narrow to that member where it is known.
   */
  member?: string;
  /** Set when `name` already is the member used (a namespace import or a whole-module `require`). */
  consumedMember?: boolean;
}

/** An edge from a unit: to another unit of the same module, or to an imported name. */
export type Edge = { unit: number; member?: string } | { use: ImportUse };

/**
 * The named members of a unit: an object literal's properties or a class's methods (`members`), or,
 * for `new X()` bound to a name, the members of the class `X` (`instance`: a local class or an import).
 */
export type MemberTable =
  | {
      kind: "members";
      /**
       * True when every member is known (an object literal without spreads or computed keys, a class
       * without a superclass): a member that is not listed does nothing. Otherwise an unknown member
       * means the whole unit.
       */
      complete: boolean;
      members: Map<string, Edge[]>;
    }
  | { kind: "instance"; of: Edge };

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
  /** Units and imported names it reaches. */
  edges: Edge[];
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

function unwrapAwait(node: Node): Node {
  let n = skipTypeWrappers(node);
  while (n.type === AST_NODE_TYPES.AwaitExpression) n = skipTypeWrappers(n.argument);
  return n;
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

/** The name a member access on `node` reads (`ns.wipe` -> wipe), else `*` (the whole object is used). */
function memberNameOn(node: Node): string {
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === node) return getPropertyName(parent) ?? "*";
  return "*";
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
 * `await import("x")` (whole, member or destructured). Type-only imports give undefined. A member used on
 * it (`repo.touch`, `new Service()`) is the use's `member`, unless it already is the name (namespace).
 * @param identifier a reference (a callee, an argument, ...).
 * @param scope the scope the identifier is in.
 */
export function importedNameOf(identifier: TSESTree.Identifier, scope: Scope): ImportUse | undefined {
  let variable: Variable | null = null;
  for (let s: Scope | null = scope; s && !variable; s = s.upper as Scope | null) variable = (s.set.get(identifier.name) as Variable | undefined) ?? null;
  const use = variable ? importUseOfVariable(variable, identifier) : undefined;
  if (!use) return undefined;
  const narrowed = withMember({ use }, memberUsedOn(identifier));
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
export function summarizeModule(ast: TSESTree.Program, file: string, schema: PrismaSchemaFacts | undefined): ModuleSummary {
  const scopeManager = analyze(ast, { sourceType: isCommonJsFile(file) ? "script" : "module" });
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
      if ((edge.unit !== from || edge.member !== undefined) && !list.some((e) => "unit" in e && e.unit === edge.unit && e.member === edge.member)) list.push(edge);
    } else if (!list.some((e) => "use" in e && e.use.specifier === edge.use.specifier && e.use.name === edge.use.name && e.use.mode === edge.use.mode && e.use.member === edge.use.member)) {
      list.push(edge);
    }
  };

  // Bound values: declarator initializers, exported expressions, CommonJS export values, classes.
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
    return false;
  };

  // Pass 1: units, containment, writes.
  /** Stack of the units code at this point belongs to: functions and bound values, innermost last. */
  const contexts: { unit: number; isFunction: boolean; node: Node }[] = [{ unit: 0, isFunction: true, node: ast }];
  const pushedFor = new Set<Node>();
  walk(
    ast,
    (node) => {
      const isFunction = FUNCTION_TYPES.has(node.type);
      if (isFunction || isValueRoot(node)) {
        const unit = newUnit(node);
        // Containment: a function is contained by every bound value above it up to the nearest function,
        // and by that function (the top level: only when invoked at once). A bound value is contained by
        // the bound values above it only: a function reaches a value bound inside it through the
        // references to that binding, member by member.
        for (let i = contexts.length - 1; i >= 0; i--) {
          const context = contexts[i] as (typeof contexts)[number];
          if (context.isFunction) {
            if (isFunction && (context.unit !== 0 || isCalled(node))) addEdge(context.unit, { unit });
            break;
          }
          addEdge(context.unit, { unit });
        }
        contexts.push({ unit, isFunction, node });
        pushedFor.add(node);
      }
      if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.TaggedTemplateExpression) {
        let owner = 0;
        for (let i = contexts.length - 1; i >= 0; i--) {
          const context = contexts[i] as (typeof contexts)[number];
          if (context.isFunction) {
            owner = context.unit;
            break;
          }
        }
        recordWrites(node, scopeAt(scopeManager, node), schema, (units[owner] as UnitSummary).writes);
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
  for (const scope of scopeManager.scopes) {
    for (const reference of scope.references) {
      if (!reference.isValueReference || !reference.resolved) continue;
      const edges = edgesOfVariable(reference.resolved as Variable, reference.identifier);
      if (edges.length === 0) continue;
      const member = memberUsedOn(reference.identifier);
      // The units this reference belongs to: bound values up to the nearest function, and that function.
      const owners: number[] = [];
      let ownerFunction: number | undefined;
      for (let current: Node | undefined = reference.identifier; current; current = current.parent) {
        const unit = unitOf.get(current);
        if (unit === undefined) continue;
        // The nearest function ends the walk (a reference in its parameters' defaults belongs to it too).
        if (FUNCTION_TYPES.has(current.type)) {
          ownerFunction = unit;
          break;
        }
        owners.push(unit);
      }
      // Each owner reaches the member it uses (all of the binding when it uses no single member). A
      // `new X()` runs X's constructor where it stands; the instance it makes is its bound value's, whose
      // later uses reach the members they use.
      for (const owner of owners) for (const edge of edges) addEdge(owner, withMember(edge, member));
      const user = ownerFunction ?? (isCalled(reference.identifier) ? 0 : undefined);
      const parent = reference.identifier.parent;
      const constructs = parent?.type === AST_NODE_TYPES.NewExpression && parent.callee === reference.identifier && unitOf.has(parent);
      if (user !== undefined) for (const edge of edges) addEdge(user, withMember(edge, constructs ? "constructor" : member));
    }
  }

  // Member tables.
  const members = new Map<number, MemberTable>();
  for (const [node, unit] of unitOf) {
    if (node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression) {
      const table = { kind: "members" as const, complete: node.superClass === null, members: new Map<string, Edge[]>() };
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
    } else if (node.type === AST_NODE_TYPES.NewExpression && node.callee.type === AST_NODE_TYPES.Identifier) {
      // `const service = new UserService()`: its members are the class's (local or imported).
      const variable = findVariableUp(scopeAt(scopeManager, node), node.callee.name);
      const of = variable ? edgesOfVariable(variable, undefined) : [];
      if (of.length === 1 && of[0]) members.set(unit, { kind: "instance", of: of[0] });
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

/**
 * The member of a binding a reference uses: `x.m` -> m; a `new X()` whose instance is discarded ->
 * constructor (an instance that is kept may have any method called later: the whole class); else undefined.
 */
function memberUsedOn(identifier: Node): string | undefined {
  const parent = identifier.parent;
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) return getPropertyName(parent);
  if (parent?.type === AST_NODE_TYPES.NewExpression && parent.callee === identifier && parent.parent?.type === AST_NODE_TYPES.ExpressionStatement) return "constructor";
  return undefined;
}

/** An edge narrowed to a member (an import use keeps a member it already names, or one it consumed as its name). */
function withMember(edge: Edge, member: string | undefined): Edge {
  if (member === undefined) return edge;
  if ("unit" in edge) return { unit: edge.unit, member };
  return edge.use.member !== undefined || edge.use.consumedMember === true ? edge : { use: { ...edge.use, member } };
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
