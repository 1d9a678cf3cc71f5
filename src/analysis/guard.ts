/**
 * "Is this the CI guard" (docs/design.md, Rule groups `require-ci-guard`: one detector per concept), used by
 * `require-ci-guard`, `deploy-script-only-migrates` and, for "does this module begin with the guard",
 * on any module of the repository (`moduleBeginsWithGuard`).
 *
 * A guard is one of:
 * - **a comparison**: an `if` whose test holds on every path where `ciGuard.env` (default `CI`) is not
 *   exactly `ciGuard.equals` (default `"true"`), and whose branch then ends the process with
 *   `process.exit(<non-zero literal>)` or `throw` on every path: `process.env.CI !== "true"`, `!=`,
 *   `!(process.env.CI === "true")`, `process.env["CI"]`, a `const` alias (`const ci = process.env.CI`,
 *   `const ci = process.env.CI ?? ""`, `const { CI } = process.env`, `const isCI = ci === "true"` then
 *   `if (!isCI)`), an `env` alias of `process.env`; also the positive form `if (CI === "true") {...} else
 *   { process.exit(1) }`. The name is compared case-sensitively (on Linux `ci=true` is another variable, so
 *   a guard on `process.env.ci` would be bypassed by it).
 * - **a call** of a `ciGuard.functions` name (imported from anywhere): `requireCI()`, `await requireCI()`,
 *   `const env = requireCI()`.
 * - **a guard module**: a value import, `require()` or `import()` of a module that the caller says is a
 *   guard module (`isGuardModule`: by default the specifiers of `ciGuard.modules`; the rule adds modules
 *   that begin with the guard). A static import runs before every statement of the file (ESM hoisting).
 *
 * Where it runs: at module top level (directly, or in a block or `try` block there), or at the top level of
 * a function of the same file that is called at top level (a declaration or `const` function called by
 * name, an IIFE), through any depth of such calls. Inside an `if`, a loop, a `switch`, a `catch`, after
 * an early `return` in its function, or in a function that nothing calls at top level, it is weakened.
 *
 * Weakened guards are not guards; each says why (`WeakReason`, `describeWeakness`): an extra condition
 * (`&& !process.env.FORCE_RUN`, `&& !dryRun`: a dry run still loads the client), a comparison that also
 * lets another value through (`ci === "true" || ci === "1"`, as in ConnectSA's deploy script: the row
 * demands exactly `"true"`), a loose comparison (truthiness, `toLowerCase()`, a `?? "true"` default), an
 * exit with code 0 or no code, an exit code that is not a literal, a branch that only logs or returns, a
 * throw caught by an enclosing `try` whose `catch` goes on, and the placements above. An `||` with other
 * conditions is not weakening: it can only make the script exit more often.
 *
 * Async functions: a guard that throws inside an `async` function whose call is not awaited, or that runs
 * after an `await` in it, protects the rest of that function but not the code after the call.
 *
 * Pure: reads the AST (with parent pointers, as ESLint sets them) and scopes, never the file system;
 * `moduleBeginsWithGuard`, which parses one module's text from the repository facts (cached by path and text).
 */
import { builtinModules } from "node:module";
import path from "node:path";
import type * as TsParser from "@typescript-eslint/parser";
import { lazyRequire } from "../lazy-require.js";
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../ts-ast.js";
import type { Contract } from "../contract.js";
import { getCalleeName, getConstInitializer, getKeyName, getPropertyName, getStaticString, skipTypeWrappers } from "./ast.js";
import { isEnvObject } from "./env-access.js";
import { scopeAt } from "../facts/module-analysis.js";

/** `@typescript-eslint/parser`, loaded when the first guard module is parsed. */
const tsParser = lazyRequire<typeof TsParser>("@typescript-eslint/parser");

type Scope = TSESLint.Scope.Scope;
type ScopeManager = TSESLint.Scope.ScopeManager;

/** A function node that can hold a guard. */
export type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

/** Why a guard-like statement is not a guard (docs/design.md, Guards). */
export type WeakReason =
  | "extraCondition"
  | "otherValue"
  | "loose"
  | "exitZero"
  | "exitCode"
  | "noExit"
  | "caught"
  | "conditional"
  | "notCalled";

/** A statement that looks like the CI guard but does not protect anything (docs/design.md, Guards weakened guards). */
export interface WeakGuard {
  reason: WeakReason;
  /** What exactly: the extra condition's text, the other value, `process.exit(0)`, the function's name, ... */
  detail: string;
  /** The guard-like `if` statement or call. */
  node: TSESTree.Node;
}

/** A region where code runs only after the guard passed: code in `container` that starts at or after `after`. */
interface Region {
  container: TSESTree.Program | FunctionNode;
  after: number;
}

/** An effective CI guard. */
export interface Guard {
  kind: "comparison" | "function" | "module";
  /** The guard's `if` statement, the call of the guard function, or the guard module's import/require. */
  node: TSESTree.Node;
  /**
   * For a guard module's static `import` declaration: its index in `program.body` (it runs before every
   * statement and after the static imports listed before it). Undefined for every other guard.
   */
  staticImportIndex: number | undefined;
  /** Code that runs only after this guard passed (see `isAfterGuard`). */
  regions: Region[];
  /** Branches that run only when the guard passed (`else` of `if (CI !== "true") exit; else ...`). */
  passBranches: TSESTree.Node[];
}

/** The guards of one file. */
export interface GuardAnalysis {
  /** Effective guards, in source order. */
  guards: Guard[];
  /** Weakened guard-like statements, in source order. */
  weakened: WeakGuard[];
  /**
   * Top-level statements that belong to a guard or a weakened guard: the `if`/call/import statements that
   * run it, and the top-level `const` aliases its condition reads (`const ci = process.env.CI`).
   */
  guardStatements: Set<TSESTree.Node>;
  /** @internal for isAfterGuard */
  scopeManager: ScopeManager;
}

/** What the analysis needs besides the AST. */
export interface GuardAnalysisOptions {
  /** `ciGuard` of the contract. */
  ciGuard: Contract["ciGuard"];
  /** The scope a node is in (`context.sourceCode.getScope`). */
  scopeOf: (node: TSESTree.Node) => Scope;
  scopeManager: ScopeManager;
  /** The file's text, for the details of weakened guards. */
  sourceText: string;
  /** True when importing or requiring `specifier` runs the guard. Default: `ciGuard.modules` includes it. */
  isGuardModule?: (specifier: string) => boolean;
}

const MAX_DEPTH = 8;

/** Methods that normalise a string: comparing their result accepts more than one spelling. */
const NORMALIZING_METHODS = new Set(["toLowerCase", "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase", "trim", "trimStart", "trimEnd", "normalize"]);

function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return (
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.ArrowFunctionExpression
  );
}

/** Strips TypeScript wrappers and optional chains. */
function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = skipTypeWrappers(node);
  while (current.type === AST_NODE_TYPES.ChainExpression) current = skipTypeWrappers(current.expression);
  return current;
}

/** Keys of a node that hold no child nodes. */
const NON_CHILD_KEYS = new Set(["parent", "loc", "range", "tokens", "comments"]);

/** Calls `visit` on each child node of `node` (without a visitor-keys table: every node-valued key). */
export function forEachChild(node: TSESTree.Node, visit: (child: TSESTree.Node) => void): void {
  for (const [key, value] of Object.entries(node)) {
    if (NON_CHILD_KEYS.has(key) || !value || typeof value !== "object") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof (child as TSESTree.Node).type === "string") visit(child as TSESTree.Node);
    }
  }
}

/** The nearest enclosing function, or the program. */
function containerOf(node: TSESTree.Node): TSESTree.Program | FunctionNode {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === AST_NODE_TYPES.Program || isFunctionNode(n)) return n;
  }
  throw new Error("node outside a program (parent pointers missing)");
}

function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];
}

/** The top-level statement of `program` that contains `node`. */
function topLevelStatementOf(node: TSESTree.Node): TSESTree.ProgramStatement | undefined {
  let current: TSESTree.Node = node;
  while (current.parent && current.parent.type !== AST_NODE_TYPES.Program) current = current.parent;
  return current.parent ? (current as TSESTree.ProgramStatement) : undefined;
}

/** The source text of a node, shortened for a message. */
function textOf(node: TSESTree.Node, sourceText: string): string {
  const text = sourceText.slice(node.range[0], node.range[1]).replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** True when `identifier` is the global of that name (not declared in the file). */
function isGlobal(identifier: TSESTree.Identifier, scope: Scope): boolean {
  const variable = ASTUtils.findVariable(scope, identifier);
  return !variable || variable.defs.length === 0;
}

/**
 * True when `node` is `process.exit` (the global `process`, or `globalThis.process`).
 */
function isProcessExit(callee: TSESTree.Node, scope: Scope): boolean {
  const node = unwrap(callee);
  if (node.type !== AST_NODE_TYPES.MemberExpression || getPropertyName(node) !== "exit") return false;
  const object = unwrap(node.object);
  if (object.type === AST_NODE_TYPES.Identifier) {
    if (object.name === "process" && isGlobal(object, scope)) return true;
    // import process from "node:process"; import * as process from "process"
    const def = ASTUtils.findVariable(scope, object)?.defs[0];
    return (
      def?.type === "ImportBinding" &&
      def.parent.type === AST_NODE_TYPES.ImportDeclaration &&
      (def.parent.source.value === "process" || def.parent.source.value === "node:process") &&
      def.node.type !== AST_NODE_TYPES.ImportSpecifier
    );
  }
  if (object.type === AST_NODE_TYPES.MemberExpression && getPropertyName(object) === "process") {
    const root = unwrap(object.object);
    return root.type === AST_NODE_TYPES.Identifier && (root.name === "globalThis" || root.name === "global") && isGlobal(root, scope);
  }
  return false;
}

/** The numeric value of a literal or of a `const` bound to one. */
function staticNumber(node: TSESTree.Node, scope: Scope, depth = 0): number | undefined {
  const n = unwrap(node);
  if (n.type === AST_NODE_TYPES.Literal && typeof n.value === "number") return n.value;
  if (n.type === AST_NODE_TYPES.UnaryExpression && n.operator === "-") {
    const value = staticNumber(n.argument, scope, depth + 1);
    return value === undefined ? undefined : -value;
  }
  if (n.type === AST_NODE_TYPES.Identifier && depth < 4) {
    const init = getConstInitializer(n, scope);
    return init ? staticNumber(init, scope, depth + 1) : undefined;
  }
  return undefined;
}

/** `console.<method>(...)`. */
function isConsoleCall(node: TSESTree.Node): boolean {
  const n = unwrap(node);
  if (n.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = unwrap(n.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression && unwrap(callee.object).type === AST_NODE_TYPES.Identifier && (unwrap(callee.object) as TSESTree.Identifier).name === "console";
}

/** The call inside `f()`, `await f()`, `void f()`. */
function callOf(expression: TSESTree.Node): TSESTree.CallExpression | undefined {
  let n = unwrap(expression);
  while ((n.type === AST_NODE_TYPES.AwaitExpression || (n.type === AST_NODE_TYPES.UnaryExpression && n.operator === "void")) && n.argument) {
    n = unwrap(n.argument);
  }
  return n.type === AST_NODE_TYPES.CallExpression ? n : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Does a branch end the process?

/** How a statement (or a sequence) ends: the process ends, the code goes on, or a weakness. */
type Ending = { kind: "exit" | "throw" } | { kind: "weak"; reason: "exitZero" | "exitCode" | "noExit"; detail: string } | undefined;

class Analyzer {
  readonly guards: Guard[] = [];
  readonly weakened: WeakGuard[] = [];
  readonly guardStatements = new Set<TSESTree.Node>();
  private readonly aliasesInUse = new Set<TSESTree.Node>();
  private readonly isGuardModule: (specifier: string) => boolean;

  constructor(
    private readonly program: TSESTree.Program,
    private readonly options: GuardAnalysisOptions,
  ) {
    this.isGuardModule = options.isGuardModule ?? ((specifier) => options.ciGuard.modules.includes(specifier));
  }

  private get env(): string {
    return this.options.ciGuard.env;
  }

  private get equals(): string {
    return this.options.ciGuard.equals;
  }

  private scopeOf(node: TSESTree.Node): Scope {
    return this.options.scopeOf(node);
  }

  /** How a statement ends (see Ending); `depth` bounds calls of local functions that end the process. */
  statementEnding(statement: TSESTree.Node, depth: number): Ending {
    switch (statement.type) {
      case AST_NODE_TYPES.ThrowStatement:
        return { kind: "throw" };
      case AST_NODE_TYPES.ReturnStatement:
        return { kind: "weak", reason: "noExit", detail: "returns" };
      case AST_NODE_TYPES.BlockStatement:
        return this.sequenceEnding(statement.body, depth, true);
      case AST_NODE_TYPES.IfStatement: {
        const consequent = this.statementEnding(statement.consequent, depth);
        const alternate = statement.alternate ? this.statementEnding(statement.alternate, depth) : undefined;
        for (const branch of [consequent, alternate]) {
          if (branch?.kind === "weak") return branch;
        }
        if (consequent && alternate) return consequent;
        return undefined;
      }
      case AST_NODE_TYPES.TryStatement: {
        const block = this.sequenceEnding(statement.block.body, depth, true);
        if (block?.kind === "throw" && statement.handler) return this.sequenceEnding(statement.handler.body.body, depth, true);
        return block;
      }
      case AST_NODE_TYPES.ExpressionStatement:
        return this.expressionEnding(statement.expression, depth);
      default:
        return undefined;
    }
  }

  private expressionEnding(expression: TSESTree.Node, depth: number): Ending {
    const call = callOf(expression);
    if (!call) return undefined;
    const scope = this.scopeOf(call);
    if (isProcessExit(call.callee, scope)) {
      const argument = call.arguments[0];
      if (!argument) return { kind: "weak", reason: "exitZero", detail: "process.exit()" };
      if (argument.type === AST_NODE_TYPES.SpreadElement) return { kind: "weak", reason: "exitCode", detail: textOf(call, this.options.sourceText) };
      const code = staticNumber(argument, scope);
      if (code === 0) return { kind: "weak", reason: "exitZero", detail: textOf(call, this.options.sourceText) };
      if (code === undefined) return { kind: "weak", reason: "exitCode", detail: textOf(call, this.options.sourceText) };
      return { kind: "exit" };
    }
    // fail("not in CI"): a local function whose body always ends the process.
    const fn = depth < 3 ? this.localFunction(call.callee) : undefined;
    if (fn && fn.body.type === AST_NODE_TYPES.BlockStatement) {
      const ending = this.sequenceEnding(fn.body.body, depth + 1, false);
      if (ending?.kind === "exit" || ending?.kind === "throw") return ending;
    }
    return undefined;
  }

  /**
   * How a sequence of statements ends: the first statement that ends the process or weakens it decides.
   * @param nested true inside a block of a branch: a sequence that just goes on is `undefined` there.
   */
  sequenceEnding(statements: readonly TSESTree.Node[], depth: number, nested: boolean): Ending {
    for (const statement of statements) {
      const ending = this.statementEnding(statement, depth);
      if (ending) return ending;
    }
    if (nested) return undefined;
    const logsOnly = statements.length > 0 && statements.every((s) => s.type === AST_NODE_TYPES.ExpressionStatement && isConsoleCall(s.expression));
    return { kind: "weak", reason: "noExit", detail: logsOnly ? "only logs" : statements.length === 0 ? "does nothing" : "goes on" };
  }

  /** How a guard's failing branch ends: a sequence that goes on is a weakness ("only logs"). */
  branchEnding(branch: TSESTree.Statement): Ending {
    const statements = branch.type === AST_NODE_TYPES.BlockStatement ? branch.body : [branch];
    return this.sequenceEnding(statements, 0, false);
  }

  /** The function a callee names, when it is a function declaration or `const` function of this file. */
  localFunction(callee: TSESTree.Node): FunctionNode | undefined {
    const node = unwrap(callee);
    if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = ASTUtils.findVariable(this.scopeOf(node), node);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (!def) return undefined;
    if (def.type === "FunctionName" && def.node.type === AST_NODE_TYPES.FunctionDeclaration) return def.node;
    if (def.type === "Variable" && def.parent?.kind === "const" && def.node.init) {
      const init = unwrap(def.node.init);
      return isFunctionNode(init) ? init : undefined;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------
  // Conditions

  /** Remembers a top-level `const` declaration a guard condition reads through an alias. */
  private noteAlias(identifier: TSESTree.Identifier): void {
    const variable = ASTUtils.findVariable(this.scopeOf(identifier), identifier);
    const def = variable?.defs[0];
    if (def?.type === "Variable" && def.parent?.parent?.type === AST_NODE_TYPES.Program) this.aliasesInUse.add(def.parent);
    if (def?.type === "Variable" && def.parent?.parent?.type === AST_NODE_TYPES.ExportNamedDeclaration) this.aliasesInUse.add(def.parent.parent);
  }

  /** The initializer an identifier is bound to by `const`, with the identifier noted as an alias. */
  private aliasInit(identifier: TSESTree.Identifier): TSESTree.Expression | undefined {
    const init = getConstInitializer(identifier, this.scopeOf(identifier));
    if (init) this.noteAlias(identifier);
    return init;
  }

  /** A verdict through a boolean `const` alias (`const isCI = ...`), noting the alias when it concerns CI. */
  private throughAlias(identifier: TSESTree.Identifier, verdictOf: (init: TSESTree.Expression) => Verdict): Verdict {
    const init = getConstInitializer(identifier, this.scopeOf(identifier));
    const verdict = init ? verdictOf(init) : undefined;
    if (verdict) this.noteAlias(identifier);
    return verdict;
  }

  /**
   * Is `node` the CI variable's value? `ok` for an exact read (also `?? ""`), a weakness for a read that
   * accepts more (`?? "true"`, `.toLowerCase()`), undefined when it is something else.
   */
  ciValue(node: TSESTree.Node, depth = 0): Verdict {
    if (depth > MAX_DEPTH) return undefined;
    const n = unwrap(node);
    switch (n.type) {
      case AST_NODE_TYPES.MemberExpression: {
        const scope = this.scopeOf(n);
        const name = getPropertyName(n) ?? (n.computed ? getStaticString(n.property, scope) : undefined);
        return name === this.env && isEnvObject(n.object, scope) ? OK : undefined;
      }
      case AST_NODE_TYPES.LogicalExpression: {
        if (n.operator === "&&") return undefined;
        const left = this.ciValue(n.left, depth + 1);
        if (!left?.ok) return left;
        const fallback = getStaticString(n.right, this.scopeOf(n));
        if (fallback === undefined) return weak("loose", "falls back to another value when it is not set");
        return fallback === this.equals ? weak("loose", `defaults it to "${fallback}"`) : OK;
      }
      case AST_NODE_TYPES.CallExpression: {
        const callee = unwrap(n.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
        const method = getPropertyName(callee);
        if (method === undefined || !NORMALIZING_METHODS.has(method)) return undefined;
        const inner = this.ciValue(callee.object, depth + 1);
        return inner ? weak("loose", `normalizes it with ${method}()`) : undefined;
      }
      case AST_NODE_TYPES.Identifier:
        return this.ciAlias(n, depth);
      default:
        return undefined;
    }
  }

  /** `const ci = process.env.CI` or `const { CI } = process.env` (also `{ CI: ci = "" }`). */
  private ciAlias(identifier: TSESTree.Identifier, depth: number): Verdict {
    const scope = this.scopeOf(identifier);
    const variable = ASTUtils.findVariable(scope, identifier);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (!variable || def?.type !== "Variable" || def.parent?.kind !== "const" || !def.node.init) return undefined;
    const declarator = def.node;
    const init = declarator.init;
    if (!init) return undefined;
    if (declarator.id.type === AST_NODE_TYPES.Identifier) {
      const verdict = this.ciValue(init, depth + 1);
      if (verdict) this.noteAlias(identifier);
      return verdict;
    }
    if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern || !isEnvObject(init, variable.scope)) return undefined;
    for (const property of declarator.id.properties) {
      if (property.type !== AST_NODE_TYPES.Property || getKeyName(property, variable.scope) !== this.env) continue;
      const value = property.value;
      const bound = value.type === AST_NODE_TYPES.AssignmentPattern ? value.left : value;
      if (bound !== def.name) continue;
      this.noteAlias(identifier);
      if (value.type !== AST_NODE_TYPES.AssignmentPattern) return OK;
      const fallback = getStaticString(value.right, variable.scope);
      return fallback === this.equals ? weak("loose", `defaults it to "${fallback}"`) : OK;
    }
    return undefined;
  }

  /** `<ci value> op <other>` in either order: the CI side's verdict and the other side. */
  private comparison(node: TSESTree.BinaryExpression): { value: NonNullable<Verdict>; other: TSESTree.Node } | undefined {
    if (node.left.type === AST_NODE_TYPES.PrivateIdentifier) return undefined;
    const left = this.ciValue(node.left);
    if (left) return { value: left, other: node.right };
    const right = this.ciValue(node.right);
    return right ? { value: right, other: node.left } : undefined;
  }

  /** The verdict of comparing the CI value for equality with `other`. */
  private equalityVerdict(value: NonNullable<Verdict>, other: TSESTree.Node): Verdict {
    if (!value.ok) return value;
    const literal = getStaticString(other, this.scopeOf(other));
    if (literal === undefined) return weak("loose", `compares it with ${textOf(other, this.options.sourceText)}, not with the literal "${this.equals}"`);
    return literal === this.equals ? OK : weak("otherValue", literal);
  }

  /**
   * Does `node` hold on every path where the CI variable is not exactly `equals`? (The test of an
   * `if (...) process.exit(1)` guard.)
   */
  covers(node: TSESTree.Node, depth = 0): Verdict {
    if (depth > MAX_DEPTH) return undefined;
    const n = unwrap(node);
    switch (n.type) {
      case AST_NODE_TYPES.UnaryExpression:
        return n.operator === "!" ? this.implies(n.argument, depth + 1) : undefined;
      case AST_NODE_TYPES.BinaryExpression: {
        if (n.operator !== "!==" && n.operator !== "!=") return undefined;
        const cmp = this.comparison(n);
        return cmp ? this.equalityVerdict(cmp.value, cmp.other) : undefined;
      }
      case AST_NODE_TYPES.LogicalExpression: {
        if (n.operator === "??") return undefined;
        const left = this.covers(n.left, depth + 1);
        const right = this.covers(n.right, depth + 1);
        // `a || b` exits when either holds: one exact side is enough (an `||` only adds exits).
        if (n.operator === "||") return left?.ok || right?.ok ? OK : (firstWeak(left, right) ?? left ?? right);
        return conjunction(left, right, n, this.options.sourceText);
      }
      case AST_NODE_TYPES.Identifier:
        return this.throughAlias(n, (init) => this.covers(init, depth + 1));
      default:
        return undefined;
    }
  }

  /** Does `node` hold only where the CI variable is exactly `equals`? (An `isCI` flag.) */
  implies(node: TSESTree.Node, depth = 0): Verdict {
    if (depth > MAX_DEPTH) return undefined;
    const n = unwrap(node);
    switch (n.type) {
      case AST_NODE_TYPES.UnaryExpression:
        return n.operator === "!" ? this.covers(n.argument, depth + 1) : undefined;
      case AST_NODE_TYPES.BinaryExpression: {
        if (n.operator !== "===" && n.operator !== "==") return undefined;
        const cmp = this.comparison(n);
        return cmp ? this.equalityVerdict(cmp.value, cmp.other) : undefined;
      }
      case AST_NODE_TYPES.LogicalExpression: {
        if (n.operator === "??") return undefined;
        const left = this.implies(n.left, depth + 1);
        const right = this.implies(n.right, depth + 1);
        // `a && b` passes only where both hold: one exact side is enough.
        if (n.operator === "&&") return left?.ok || right?.ok ? OK : (firstWeak(left, right) ?? left ?? right);
        return conjunction(left, right, n, this.options.sourceText);
      }
      case AST_NODE_TYPES.CallExpression:
        return this.includesVerdict(n);
      case AST_NODE_TYPES.Identifier: {
        const value = this.ciValue(n, depth + 1);
        if (value) return value.ok ? weak("loose", "only checks that it is set") : value;
        return this.throughAlias(n, (init) => this.implies(init, depth + 1));
      }
      case AST_NODE_TYPES.MemberExpression: {
        const value = this.ciValue(n, depth + 1);
        if (value) return value.ok ? weak("loose", "only checks that it is set") : value;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** `["true"].includes(ci)`: exact when every listed value is `equals`. */
  private includesVerdict(node: TSESTree.CallExpression): Verdict {
    const callee = unwrap(node.callee);
    const argument = node.arguments[0];
    if (callee.type !== AST_NODE_TYPES.MemberExpression || getPropertyName(callee) !== "includes" || !argument || argument.type === AST_NODE_TYPES.SpreadElement) return undefined;
    const value = this.ciValue(argument);
    if (!value) return undefined;
    if (!value.ok) return value;
    let list = unwrap(callee.object);
    if (list.type === AST_NODE_TYPES.Identifier) {
      const init = this.aliasInit(list);
      if (init) list = unwrap(init);
    }
    if (list.type !== AST_NODE_TYPES.ArrayExpression) return weak("loose", "checks it against a list this rule cannot read");
    const scope = this.scopeOf(list);
    for (const element of list.elements) {
      const text = element && element.type !== AST_NODE_TYPES.SpreadElement ? getStaticString(element, scope) : undefined;
      if (text === undefined) return weak("loose", "checks it against a list this rule cannot read");
      if (text !== this.equals) return weak("otherValue", text);
    }
    return list.elements.length > 0 ? OK : undefined;
  }

  /** True when an expression reads the CI variable anywhere (through `const` aliases too). */
  mentionsCi(node: TSESTree.Node, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    let found = false;
    const visit = (n: TSESTree.Node): void => {
      if (found) return;
      if (n.type === AST_NODE_TYPES.MemberExpression && this.ciValue(n)) {
        found = true;
        return;
      }
      if (n.type === AST_NODE_TYPES.Identifier) {
        if (this.ciValue(n)) {
          found = true;
          return;
        }
        const init = getConstInitializer(n, this.scopeOf(n));
        if (init && this.mentionsCi(init, depth + 1)) found = true;
        return;
      }
      forEachChild(n, visit);
    };
    visit(node);
    return found;
  }

  // -------------------------------------------------------------------------------------------------
  // Candidates

  /**
   * The verdict on an `if` statement as a guard: a Guard-shaped verdict, a weakness, or undefined when it
   * is not guard-like at all. Shape only (condition and branch); placement is checked by `place`.
   */
  ifVerdict(statement: TSESTree.IfStatement): { ending: "exit" | "throw"; passBranch: TSESTree.Node | undefined } | { weak: WeakReason; detail: string } | undefined {
    const negative = this.covers(statement.test);
    if (negative) {
      if (!negative.ok) return { weak: negative.reason, detail: negative.detail };
      const ending = this.branchEnding(statement.consequent);
      if (ending?.kind === "weak") return { weak: ending.reason, detail: ending.detail };
      return ending ? { ending: ending.kind, passBranch: statement.alternate ?? undefined } : undefined;
    }
    const positive = statement.alternate ? this.implies(statement.test) : undefined;
    if (positive && statement.alternate) {
      // if (CI === "true") { ... } else { process.exit(1) }
      if (!positive.ok) return { weak: positive.reason, detail: positive.detail };
      const ending = this.branchEnding(statement.alternate);
      if (ending?.kind === "weak") return { weak: ending.reason, detail: ending.detail };
      return ending ? { ending: ending.kind, passBranch: statement.consequent } : undefined;
    }
    // A test that reads CI in a way not understood, with a branch that ends the process.
    if (this.mentionsCi(statement.test)) {
      const ending = this.branchEnding(statement.consequent);
      if (ending?.kind === "exit" || ending?.kind === "throw") return { weak: "loose", detail: "compares it in a way this rule cannot read" };
    }
    return undefined;
  }

  /** True when a call runs a `ciGuard.functions` name. */
  isGuardFunctionCall(call: TSESTree.CallExpression): boolean {
    const name = getCalleeName(call.callee);
    return name !== undefined && this.options.ciGuard.functions.includes(name);
  }

  /** The module a `require("x")` / `import("x")` call loads, when static. */
  loadedModule(node: TSESTree.Node): string | undefined {
    const n = unwrap(node);
    if (n.type === AST_NODE_TYPES.ImportExpression) return getStaticString(n.source, this.scopeOf(n));
    if (n.type === AST_NODE_TYPES.CallExpression && n.callee.type === AST_NODE_TYPES.Identifier && n.callee.name === "require") {
      const argument = n.arguments[0];
      return argument && argument.type !== AST_NODE_TYPES.SpreadElement ? getStaticString(argument, this.scopeOf(n)) : undefined;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------
  // Placement

  /**
   * Where a guard-like statement runs: the regions it protects, or the weakness of its placement.
   * @param statement the `if` statement or the statement holding the guard call.
   * @param ending how the guard ends the process ("throw" can be caught; a guard function is assumed to throw).
   */
  place(statement: TSESTree.Node, ending: "exit" | "throw", depth = 0): { regions: Region[] } | { weak: WeakReason; detail: string } {
    if (depth > MAX_DEPTH) return { weak: "notCalled", detail: "a chain of calls too deep to follow" };
    const container = containerOf(statement);
    // Walk from the statement up to its container: blocks and try blocks are fine, branches are not.
    let child: TSESTree.Node = statement;
    for (let n = statement.parent; n && n !== container; child = n, n = n.parent) {
      switch (n.type) {
        case AST_NODE_TYPES.BlockStatement:
        case AST_NODE_TYPES.ExpressionStatement:
        case AST_NODE_TYPES.AwaitExpression:
        case AST_NODE_TYPES.ChainExpression:
        case AST_NODE_TYPES.VariableDeclaration:
        case AST_NODE_TYPES.VariableDeclarator:
        case AST_NODE_TYPES.LabeledStatement:
        case AST_NODE_TYPES.ExportNamedDeclaration:
        case AST_NODE_TYPES.TSAsExpression:
        case AST_NODE_TYPES.TSNonNullExpression:
          continue;
        case AST_NODE_TYPES.UnaryExpression:
          if (n.operator === "void") continue;
          return { weak: "conditional", detail: "inside an expression" };
        case AST_NODE_TYPES.MemberExpression:
        case AST_NODE_TYPES.CallExpression:
          // main().catch(...), main().then(...): the call itself still runs.
          if (n.type === AST_NODE_TYPES.MemberExpression ? n.object === child : n.callee === child) continue;
          return { weak: "conditional", detail: "inside an expression" };
        case AST_NODE_TYPES.TryStatement: {
          if (child !== n.block) return { weak: "conditional", detail: "inside a catch or finally block" };
          if (ending === "throw" && n.handler) {
            const handled = this.sequenceEnding(n.handler.body.body, 0, false);
            if (!handled || handled.kind === "weak") return { weak: "caught", detail: "" };
          }
          continue;
        }
        case AST_NODE_TYPES.IfStatement:
          return { weak: "conditional", detail: `inside if (${textOf(n.test, this.options.sourceText)})` };
        case AST_NODE_TYPES.ConditionalExpression:
        case AST_NODE_TYPES.LogicalExpression:
          return { weak: "conditional", detail: `inside ${textOf(n, this.options.sourceText)}` };
        case AST_NODE_TYPES.CatchClause:
          return { weak: "conditional", detail: "inside a catch or finally block" };
        case AST_NODE_TYPES.SwitchCase:
        case AST_NODE_TYPES.SwitchStatement:
          return { weak: "conditional", detail: "inside a switch" };
        case AST_NODE_TYPES.ForStatement:
        case AST_NODE_TYPES.ForInStatement:
        case AST_NODE_TYPES.ForOfStatement:
        case AST_NODE_TYPES.WhileStatement:
        case AST_NODE_TYPES.DoWhileStatement:
          return { weak: "conditional", detail: "inside a loop" };
        default:
          return { weak: "conditional", detail: `inside ${n.type}` };
      }
    }
    const statementNode = enclosingStatement(statement, container);
    const region: Region = { container, after: statementNode.range[1] };
    if (container.type === AST_NODE_TYPES.Program) return { regions: [region] };
    const body = container.body;
    if (body.type !== AST_NODE_TYPES.BlockStatement) return { regions: [region] };
    // Inside a function: an earlier return may skip the guard; an earlier await lets the caller go on.
    const before = earlierControl(body, statementNode.range[0]);
    if (before.returns) return { weak: "conditional", detail: "after an early return in its function" };
    const name = functionName(container);
    const callSites = this.callSites(container);
    if (callSites.length === 0) return { weak: "notCalled", detail: name };
    let weakest: { weak: WeakReason; detail: string } | undefined;
    for (const call of callSites) {
      const placed = this.place(call, ending, depth + 1);
      if ("weak" in placed) {
        weakest ??= placed;
        continue;
      }
      // An async function returns to its caller at its first await: the caller goes on before the guard
      // has run, or (a throw) goes on after it unless the call is awaited.
      const awaited = unwrap(call.parent).type === AST_NODE_TYPES.AwaitExpression;
      const callerWaits = !container.async || (!before.awaits && (ending === "exit" || awaited));
      return { regions: callerWaits ? [region, ...placed.regions] : [region] };
    }
    return weakest?.weak === "notCalled" ? { weak: "notCalled", detail: name } : (weakest ?? { weak: "notCalled", detail: name });
  }

  /** The calls of a local function: by name (`f()`, `await f()`, `f().catch()`), or as an IIFE. */
  private callSites(fn: FunctionNode): TSESTree.CallExpression[] {
    const parent = fn.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === fn) return [parent];
    const variable = declaredVariable(fn, this.options.scopeManager);
    if (!variable) return [];
    const calls: TSESTree.CallExpression[] = [];
    for (const reference of variable.references) {
      const id = reference.identifier;
      const call = id.parent;
      if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === id) calls.push(call);
    }
    return calls;
  }

  // -------------------------------------------------------------------------------------------------
  // The file

  run(): void {
    this.visit(this.program);
    for (const statement of this.program.body) {
      if (this.aliasesInUse.has(statement)) this.guardStatements.add(statement);
    }
  }

  private visit(node: TSESTree.Node): void {
    switch (node.type) {
      case AST_NODE_TYPES.ImportDeclaration:
        if (node.importKind !== "type" && this.isGuardModule(node.source.value)) {
          const index = this.program.body.indexOf(node);
          this.guards.push({ kind: "module", node, staticImportIndex: index, regions: [{ container: this.program, after: -1 }], passBranches: [] });
          this.guardStatements.add(node);
        }
        return;
      case AST_NODE_TYPES.IfStatement:
        this.consider(node);
        break;
      case AST_NODE_TYPES.CallExpression:
        this.considerCall(node);
        break;
      case AST_NODE_TYPES.ImportExpression: {
        const specifier = this.loadedModule(node);
        if (specifier !== undefined && this.isGuardModule(specifier)) this.considerStatementOf(node, "module");
        break;
      }
      default:
        break;
    }
    forEachChild(node, (child) => this.visit(child));
  }

  private consider(statement: TSESTree.IfStatement): void {
    const verdict = this.ifVerdict(statement);
    if (!verdict) return;
    const top = topLevelStatementOf(statement);
    if (top) this.guardStatements.add(top);
    if ("weak" in verdict) {
      this.weakened.push({ reason: verdict.weak, detail: verdict.detail, node: statement });
      return;
    }
    const placed = this.place(statement, verdict.ending);
    if ("weak" in placed) {
      this.weakened.push({ reason: placed.weak, detail: placed.detail, node: statement });
      return;
    }
    this.guards.push({
      kind: "comparison",
      node: statement,
      staticImportIndex: undefined,
      regions: placed.regions,
      passBranches: verdict.passBranch ? [verdict.passBranch] : [],
    });
  }

  private considerCall(call: TSESTree.CallExpression): void {
    if (this.isGuardFunctionCall(call)) {
      this.considerStatementOf(call, "function");
      return;
    }
    const specifier = this.loadedModule(call);
    if (specifier !== undefined && this.isGuardModule(specifier)) this.considerStatementOf(call, "module");
  }

  /** A guard call or a guard module's require/import: a guard where its statement runs. */
  private considerStatementOf(node: TSESTree.Node, kind: "function" | "module"): void {
    const statement = guardCallStatement(node);
    if (!statement) return;
    const top = topLevelStatementOf(statement);
    if (top) this.guardStatements.add(top);
    // A guard function may throw; a guard module's throw while loading is caught the same way.
    const placed = this.place(node, "throw");
    if ("weak" in placed) {
      this.weakened.push({ reason: placed.weak, detail: placed.detail, node });
      return;
    }
    this.guards.push({ kind, node, staticImportIndex: undefined, regions: placed.regions, passBranches: [] });
  }
}

/** A verdict on a condition: exact (`ok`), a weakness, or undefined (it does not concern the CI variable). */
type Verdict = { ok: true } | { ok: false; reason: WeakReason; detail: string } | undefined;

const OK = { ok: true } as const;

function weak(reason: WeakReason, detail: string): Verdict {
  return { ok: false, reason, detail };
}

function firstWeak(...verdicts: Verdict[]): Verdict {
  return verdicts.find((v) => v !== undefined && !v.ok);
}

/**
 * Both sides must hold for the guard's branch to run: exact only when both are exact; an exact side with
 * an unrelated one is an extra condition that lets the script go on.
 */
function conjunction(left: Verdict, right: Verdict, node: TSESTree.LogicalExpression, sourceText: string): Verdict {
  if (left?.ok && right?.ok) return OK;
  // An unrelated side skips the guard whatever the CI side says: the bigger hole, reported first.
  if (left !== undefined && right === undefined) return weak("extraCondition", textOf(node.right, sourceText));
  if (right !== undefined && left === undefined) return weak("extraCondition", textOf(node.left, sourceText));
  return firstWeak(left, right);
}

/** The statement that holds a guard call (`f();`, `await f();`, `const x = f();`, `f().catch(...)`), if any. */
function guardCallStatement(node: TSESTree.Node): TSESTree.Node | undefined {
  let current: TSESTree.Node = node;
  for (let n = node.parent; n; current = n, n = n.parent) {
    switch (n.type) {
      case AST_NODE_TYPES.ExpressionStatement:
      case AST_NODE_TYPES.VariableDeclaration:
        return n;
      case AST_NODE_TYPES.AwaitExpression:
      case AST_NODE_TYPES.ChainExpression:
      case AST_NODE_TYPES.VariableDeclarator:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
        continue;
      case AST_NODE_TYPES.UnaryExpression:
        if (n.operator === "void") continue;
        return undefined;
      case AST_NODE_TYPES.MemberExpression:
        if (n.object === current) continue;
        return undefined;
      case AST_NODE_TYPES.CallExpression:
        if (n.callee === current) continue;
        return undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The statement directly in `container`'s body sequence (or nested blocks) that holds `node`. */
function enclosingStatement(node: TSESTree.Node, container: TSESTree.Program | FunctionNode): TSESTree.Node {
  let current: TSESTree.Node = node;
  for (let n: TSESTree.Node | undefined = node; n && n !== container; n = n.parent) {
    if (n.parent?.type === AST_NODE_TYPES.BlockStatement || n.parent?.type === AST_NODE_TYPES.Program) {
      current = n;
      break;
    }
  }
  return current;
}

/** Returns and awaits in a function body before `offset` (nested functions excluded). */
function earlierControl(body: TSESTree.BlockStatement, offset: number): { returns: boolean; awaits: boolean } {
  const result = { returns: false, awaits: false };
  const visit = (n: TSESTree.Node): void => {
    if (n.range[0] >= offset) return;
    if (isFunctionNode(n)) return;
    if (n.type === AST_NODE_TYPES.ReturnStatement) result.returns = true;
    if (n.type === AST_NODE_TYPES.AwaitExpression || (n.type === AST_NODE_TYPES.ForOfStatement && n.await)) result.awaits = true;
    forEachChild(n, visit);
  };
  for (const statement of body.body) visit(statement);
  return result;
}

/** The variable a function is bound to: its declaration's name, or `const f = () => ...`. */
function declaredVariable(fn: FunctionNode, scopeManager: ScopeManager): TSESLint.Scope.Variable | undefined {
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id) {
    return scopeManager.getDeclaredVariables(fn).find((v) => v.name === fn.id?.name);
  }
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === fn && parent.id.type === AST_NODE_TYPES.Identifier) {
    const name = parent.id.name;
    return scopeManager.getDeclaredVariables(parent).find((v) => v.name === name);
  }
  return undefined;
}

/** A function's name for messages: `main()`, or "an anonymous function". */
function functionName(fn: FunctionNode): string {
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id) return `${fn.id.name}()`;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return `${parent.id.name}()`;
  if (fn.type === AST_NODE_TYPES.FunctionExpression && fn.id) return `${fn.id.name}()`;
  return "an anonymous function";
}

/**
 * Finds the CI guards of a file (see the module header).
 * @param program the file's AST, with parent pointers.
 * @returns effective guards, weakened guard-like statements, and the statements that make them up.
 */
export function analyzeGuards(program: TSESTree.Program, options: GuardAnalysisOptions): GuardAnalysis {
  const analyzer = new Analyzer(program, options);
  analyzer.run();
  return { guards: analyzer.guards, weakened: analyzer.weakened, guardStatements: analyzer.guardStatements, scopeManager: options.scopeManager };
}

/** True when a static `import` declaration is preceded, in import order, by a guard module's import. */
function staticImportAfterGuard(analysis: GuardAnalysis, declaration: TSESTree.Node): boolean {
  const program = declaration.parent;
  if (program?.type !== AST_NODE_TYPES.Program) return false;
  const index = program.body.indexOf(declaration as TSESTree.ProgramStatement);
  return analysis.guards.some((g) => g.staticImportIndex !== undefined && g.staticImportIndex < index);
}

/** True when a static import or re-export (hoisted: it runs before every statement of the file). */
export function isStaticImport(node: TSESTree.Node): node is TSESTree.ImportDeclaration | TSESTree.ExportAllDeclaration | TSESTree.ExportNamedDeclaration {
  return (
    node.type === AST_NODE_TYPES.ImportDeclaration ||
    node.type === AST_NODE_TYPES.ExportAllDeclaration ||
    (node.type === AST_NODE_TYPES.ExportNamedDeclaration && node.source !== null)
  );
}

/**
 * True when `node` can only run after a guard of `analysis` passed: a static import after a guard module's
 * import; code after a guard at top level (or in a block there); code after a guard in the function that
 * holds it, or in a branch that runs only when the guard passed; code in a function all of whose uses come
 * after the guard (a hoisted function declaration is checked at its calls; a function expression where it
 * is created; an exported function that nothing in the file calls runs once the module has loaded).
 */
export function isAfterGuard(analysis: GuardAnalysis, node: TSESTree.Node): boolean {
  if (isStaticImport(node)) return staticImportAfterGuard(analysis, node);
  if (analysis.guards.some((g) => g.staticImportIndex !== undefined)) return true;
  return afterGuard(analysis, node, new Set(), 0);
}

function afterGuard(analysis: GuardAnalysis, node: TSESTree.Node, visiting: Set<TSESTree.Node>, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  for (const guard of analysis.guards) {
    if (guard.passBranches.some((branch) => contains(branch, node))) return true;
    for (const region of guard.regions) {
      // Code after the guard in its container, also inside function expressions created there; a hoisted
      // function declaration can run before it, so its code is judged by its calls below.
      if (contains(region.container, node) && node.range[0] >= region.after && !declarationBetween(node, region.container)) return true;
    }
  }
  const fn = (() => {
    for (let n = node.parent; n; n = n.parent) if (isFunctionNode(n)) return n;
    return undefined;
  })();
  if (!fn) return false;
  if (visiting.has(fn)) return true;
  visiting.add(fn);
  try {
    const variable = fn.type === AST_NODE_TYPES.FunctionDeclaration ? declaredVariable(fn, analysis.scopeManager) : undefined;
    if (!variable) {
      // A function expression runs no earlier than where it is created (a `const f = () => ...` is in TDZ before).
      const declarator = fn.parent?.type === AST_NODE_TYPES.VariableDeclarator ? fn.parent : undefined;
      const bound = declarator ? declaredVariable(fn, analysis.scopeManager) : undefined;
      if (!bound) return afterGuard(analysis, fn, visiting, depth + 1);
      return usesAfterGuard(analysis, bound, fn, visiting, depth);
    }
    return usesAfterGuard(analysis, variable, fn, visiting, depth);
  } finally {
    visiting.delete(fn);
  }
}

/** True when a function declaration (hoisted) lies between `node` and `container`. */
function declarationBetween(node: TSESTree.Node, container: TSESTree.Node): boolean {
  for (let n = node.parent; n && n !== container; n = n.parent) {
    if (n.type === AST_NODE_TYPES.FunctionDeclaration) return true;
  }
  return false;
}

/** True when a function is exported where it is declared (`export function f`, `export const f = () =>`). */
function isExported(fn: FunctionNode): boolean {
  let n: TSESTree.Node | undefined = fn.parent;
  if (n?.type === AST_NODE_TYPES.VariableDeclarator) n = n.parent?.parent;
  return n?.type === AST_NODE_TYPES.ExportNamedDeclaration || n?.type === AST_NODE_TYPES.ExportDefaultDeclaration;
}

function usesAfterGuard(analysis: GuardAnalysis, variable: TSESLint.Scope.Variable, fn: FunctionNode, visiting: Set<TSESTree.Node>, depth: number): boolean {
  const uses = variable.references.filter((r) => !r.init);
  if (uses.length === 0) {
    // Exported and never used here: another module calls it once this one has loaded, after a top-level guard.
    if (!isExported(fn)) return true;
    return analysis.guards.some((g) => g.regions.some((r) => r.container.type === AST_NODE_TYPES.Program));
  }
  return uses.every((r) => afterGuard(analysis, r.identifier, visiting, depth + 1));
}

/** The message text of a weakened guard's reason (for `{{reason}}` in messages). */
export function describeWeakness(weakness: Pick<WeakGuard, "reason" | "detail">, ciGuard: Contract["ciGuard"]): string {
  const { env, equals } = ciGuard;
  const { detail } = weakness;
  switch (weakness.reason) {
    case "extraCondition":
      return `has an extra condition (${detail}) that lets the script go on outside CI`;
    case "otherValue":
      return `also lets ${env}="${detail}" through, not only "${equals}"`;
    case "loose":
      return `does not compare ${env} with exactly "${equals}": it ${detail}`;
    case "exitZero":
      return `ends with ${detail}, which exits with code 0 (success)`;
    case "exitCode":
      return `ends with ${detail}, whose exit code is not a non-zero literal`;
    case "noExit":
      return `does not end the process: it ${detail}`;
    case "caught":
      return "throws inside a try whose catch goes on";
    case "conditional":
      return `runs only sometimes: ${detail}`;
    case "notCalled":
      return `is inside ${detail}, which is not called at top level`;
  }
}

// ---------------------------------------------------------------------------------------------------
// Parsing a module of the repository

/** Sets parent pointers on a freshly parsed AST (as ESLint does before running rules). */
function setParents(node: TSESTree.Node, parent: TSESTree.Node | undefined, visitorKeys: Record<string, readonly string[] | undefined>): void {
  (node as { parent?: TSESTree.Node }).parent = parent;
  for (const key of visitorKeys[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    for (const c of Array.isArray(child) ? child : [child]) {
      if (c && typeof (c as TSESTree.Node).type === "string") setParents(c as TSESTree.Node, node, visitorKeys);
    }
  }
}

/** A parsed module, ready for `analyzeGuards`. */
export interface ParsedModule {
  program: TSESTree.Program;
  scopeManager: ScopeManager;
  scopeOf: (node: TSESTree.Node) => Scope;
  text: string;
}

/**
 * Parses module text with typescript-eslint's parser (TSX for `.tsx`/`.jsx`), with parent pointers and
 * scopes, as ESLint would see it.
 * @throws when the text does not parse.
 */
export function parseModule(text: string, filePath = "module.ts"): ParsedModule {
  const jsx = /\.[jt]sx$/.test(filePath);
  const { ast, scopeManager, visitorKeys } = tsParser().parseForESLint(text, { range: true, loc: true, sourceType: "module", ecmaFeatures: { jsx }, filePath });
  const program = ast as TSESTree.Program;
  setParents(program, undefined, visitorKeys as Record<string, readonly string[] | undefined>);
  const manager = scopeManager as unknown as ScopeManager;
  return { program, scopeManager: manager, scopeOf: (node) => scopeAt(manager, node), text };
}

/** `analyzeGuards` on a module's text (for modules other than the linted file, and for tests). */
export function analyzeGuardsInText(text: string, ciGuard: Contract["ciGuard"], filePath?: string, isGuardModule?: (specifier: string) => boolean): GuardAnalysis & { program: TSESTree.Program } {
  const parsed = parseModule(text, filePath);
  const analysis = analyzeGuards(parsed.program, {
    ciGuard,
    scopeOf: parsed.scopeOf,
    scopeManager: parsed.scopeManager,
    sourceText: text,
    ...(isGuardModule ? { isGuardModule } : {}),
  });
  return { ...analysis, program: parsed.program };
}

const BUILTINS = new Set(builtinModules);

/** True when an import specifier names a Node.js built-in module (`node:fs`, `fs`, `fs/promises`). */
export function isBuiltinModule(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier);
}

/**
 * True when a module "begins with the guard" (docs/design.md, Rule groups `require-ci-guard`): it has an effective guard at
 * top level, and nothing before it can load anything: its static value imports are Node.js built-ins or
 * import only `ciGuard.functions` names, and the top-level statements before the guard are directives,
 * declarations of types and functions, imports, and `const` declarations the guard reads.
 */
export function beginsWithGuard(text: string, ciGuard: Contract["ciGuard"], filePath?: string): boolean {
  const analysis = analyzeGuardsInText(text, ciGuard, filePath);
  const top = analysis.guards.find((g) => g.regions.some((r) => r.container.type === AST_NODE_TYPES.Program) && g.kind !== "module");
  if (!top) return false;
  const guardStatement = topLevelStatementOf(top.node);
  for (const statement of analysis.program.body) {
    if (statement === guardStatement) return true;
    if (!inertBeforeGuard(statement, analysis, ciGuard)) return false;
  }
  return false;
}

function inertBeforeGuard(statement: TSESTree.ProgramStatement, analysis: GuardAnalysis, ciGuard: Contract["ciGuard"]): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration: {
      if (statement.importKind === "type" || isBuiltinModule(statement.source.value)) return true;
      return (
        statement.specifiers.length > 0 &&
        statement.specifiers.every(
          (s) =>
            s.type === AST_NODE_TYPES.ImportSpecifier &&
            (s.importKind === "type" || ciGuard.functions.includes(s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value)),
        )
      );
    }
    case AST_NODE_TYPES.FunctionDeclaration:
    case AST_NODE_TYPES.TSTypeAliasDeclaration:
    case AST_NODE_TYPES.TSInterfaceDeclaration:
    case AST_NODE_TYPES.TSDeclareFunction:
    case AST_NODE_TYPES.EmptyStatement:
      return true;
    case AST_NODE_TYPES.ExpressionStatement:
      return statement.directive !== undefined;
    case AST_NODE_TYPES.VariableDeclaration:
      return analysis.guardStatements.has(statement);
    default:
      return false;
  }
}

const beginsCache = new Map<string, { text: string; key: string; value: boolean }>();

/**
 * `beginsWithGuard` for a repository module whose text the repository facts hold (the scan's snapshot,
 * or the editor's view), cached by path, text and `ciGuard`. Rules never read files themselves.
 * @param file absolute path.
 * @param text the module's text, or undefined when the facts could not read or parse it (fail closed:
 *   it does not begin with the guard).
 */
export function moduleBeginsWithGuard(file: string, text: string | undefined, ciGuard: Contract["ciGuard"]): boolean {
  if (text === undefined) return false;
  const key = JSON.stringify(ciGuard);
  const hit = beginsCache.get(file);
  if (hit && hit.text === text && hit.key === key) return hit.value;
  let value: boolean;
  try {
    value = beginsWithGuard(text, ciGuard, file);
  } catch {
    value = false;
  }
  beginsCache.set(file, { text, key, value });
  return value;
}

/** What `guardModuleTester` needs from the repository facts (src/facts/types.ts `RepoFacts`). */
interface GuardModuleFacts {
  resolve(fromFile: string, specifier: string): string | undefined;
  parsedModule?(file: string): { text: string } | undefined;
}

/**
 * "Does importing this specifier run the guard" for one linted file: the specifier is listed in
 * `ciGuard.modules`; or, with repository facts, it resolves to a module whose repository path is listed
 * there (with or without its extension), or to a module that begins with the guard (`moduleBeginsWithGuard`).
 * @param fromFile absolute path of the linted file.
 * @param root absolute repository root.
 */
export function guardModuleTester(ciGuard: Contract["ciGuard"], fromFile: string, root: string, facts: GuardModuleFacts | undefined): (specifier: string) => boolean {
  const listed = new Set(ciGuard.modules);
  const cache = new Map<string, boolean>();
  return (specifier) => {
    if (listed.has(specifier)) return true;
    if (!facts) return false;
    let answer = cache.get(specifier);
    if (answer === undefined) {
      const resolved = facts.resolve(fromFile, specifier);
      if (resolved === undefined) answer = false;
      else {
        const repoPath = path.relative(root, resolved).split(path.sep).join("/");
        const withoutExtension = repoPath.replace(/\.[cm]?[jt]sx?$/, "");
        answer = listed.has(repoPath) || listed.has(withoutExtension) || moduleBeginsWithGuard(resolved, facts.parsedModule?.(resolved)?.text, ciGuard);
      }
      cache.set(specifier, answer);
    }
    return answer;
  };
}
