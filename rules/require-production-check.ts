/**
 * require-production-check (docs/design.md, Rule groups group D, issue 6 item 2, issue 13 item 1; seed 000, the RetroVue
 * production safety contract PS-1..PS-3): wherever a destructive call (src/analysis/safety.ts) is made,
 * outside tests and ignored files (docs/design.md: not only in mutation scripts; seed 000 puts the check in
 * CLI command modules such as `retrovue source delete`), it must be reached, on every path of its
 * function, only after a `safety.productionCheck` call, and its target must be one that a
 * `safety.safetyCheck` call let through. On only where `safety.productionCheck` is set.
 *
 * Findings, each at its own node:
 * - `noProductionCheck` (PS-1), at the destructive call: some path reaches it without a productionCheck
 *   call whose result is used (src/analysis/code-path.ts: early returns, if/else, loops, try/finally,
 *   throw and process.exit are paths; a same-file helper that always calls it counts; a destructive call in
 *   a same-file function counts when every call of that function does).
 * - `targetNotChecked` (PS-1, PS-2), at the destructive call: its target was not excluded by a safety check.
 * - `forceOverridesSafety` (PS-2), at the flag: `force`, `yes`, `--force`, `args.force`, `options.yes`, ...
 *   in a condition that gates the productionCheck or an exclusion.
 * - `confirmBeforeCheck` (PS-1), at the `safety.confirm` call: a path leads from it to a productionCheck
 *   or safetyCheck call (safety checks run before prompts).
 * - `partialBatch` (PS-3), at the safetyCheck call: it checks one element (`targets[0]`, `targets.at(0)`,
 *   `sample(targets)`) or "some" (`targets.some(t => check(t))`, `targets.some(check)`, `.find`) instead of
 *   each target.
 *
 * Targets (decisions). A destructive call's targets are the variables its arguments read
 * (`{ where: { id: source.id } }` reads `source`; `{ where: { id: { in: ids } } }` reads `ids`). A call
 * with no variable in its arguments (`deleteMany()`) targets every row: only an exclusion that stops
 * covers it. A variable is checked when
 * - a safetyCheck call on it (or on something read from it) is the test of an `if` that stops or skips
 *   when the check fails (`if (!check(t)) continue|return|break|throw|process.exit`; also combined with
 *   the productionCheck: `if (isProduction() && !check(t)) continue`), and the destructive call is
 *   reached only after that test; or the destructive call sits in the branch where the check passed;
 * - it is an element (for-of variable, `forEach`/`map` callback parameter) of a checked collection: the
 *   result of `.filter(check)` / `.filter(t => check(t))`, an array that gets `.push(t)`/`.add(t)` only in
 *   the branch where `check(t)` passed or only after `if (!check(t)) continue`, a collection tested with
 *   `if (!xs.every(check)) stop` (also `xs.every(t => check(t))`) or `if (xs.some(t => !check(t))) stop`
 *   (on every path, or as a direct statement of `if (isProduction()) { ... }`), or `.map`/`.slice` of one;
 * - it is initialised from a checked variable (`const id = source.id`, `targets = safeTargets`);
 * - it is a parameter of a same-file function and every call passes a checked argument there (depth 3);
 * - it is passed to a same-file helper whose body stops when the check fails in production
 *   (`function assertDeletable(s) { if (isProduction() && !passesSafetyCheck(s)) throw ... }`), called
 *   before the destructive call on every path (depth 1).
 * Choice: a safety check applied in every environment also satisfies PS-1 (stricter than the contract);
 * the collection rules do not follow the order of assignments (an array filtered anywhere in the function
 * counts as filtered).
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../src/ts-ast.js";
import { createRule } from "../src/create-rule.js";
import { getCalleeName, getPropertyName, getStaticString } from "../src/analysis/ast.js";
import { createCodePathView, type FunctionLike, resolveLocalFunction } from "../src/analysis/code-path.js";
import { mergeListeners, repoFactsFor } from "../src/analysis/imported-writes.js";
import { callMatches, type DestructiveCall, getDestructiveCall } from "../src/analysis/safety.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "noProductionCheck" | "targetNotChecked" | "forceOverridesSafety" | "confirmBeforeCheck" | "partialBatch";

type Scope = TSESLint.Scope.Scope;
type Variable = TSESLint.Scope.Variable;

/** Names of force / assume-yes switches (PS-2). */
const FORCE_NAMES = /^(?:force|yes|assumeYes|skipSafety(?:Checks?)?|noSafety)$/i;
/** Command-line flags of force / assume-yes switches (PS-2). */
const FORCE_FLAGS = new Set(["--force", "-f", "--yes", "-y", "--assume-yes", "--skip-safety"]);
/** Array methods whose callback sees each element. */
const ELEMENT_METHODS = new Set(["forEach", "map", "flatMap", "filter", "every", "some", "find", "findIndex", "reduce"]);
/** Array methods that test a collection with a callback: every checks each element, the others one. */
const BATCH_TEST_METHODS = new Set(["every", "some", "find", "findIndex"]);
/** Methods whose result holds elements of the receiver. */
const DERIVED_COLLECTION_METHODS = new Set(["map", "slice", "filter", "concat", "flatMap", "toSorted", "sort", "reverse"]);

/** One place where a safety check excludes the targets that fail. */
interface Exclusion {
  /** The safetyCheck call (or the helper call that performs it). */
  check: TSESTree.Node;
  /** Variables the check is about (the roots of its argument; the collection for every/some forms). */
  vars: Set<Variable>;
  /** The `if` test whose failing branch stops (a code path event), for stop exclusions. */
  stopTest?: TSESTree.Node;
  /** The branch taken only when the check passed, for branch exclusions. */
  passBranch?: TSESTree.Node;
  /** True when `vars` are collections checked element by element (every/some forms). */
  collection?: boolean;
}

function isFunction(node: TSESTree.Node): node is FunctionLike {
  return node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.ArrowFunctionExpression;
}

function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** True when a statement ends or skips its path: return, throw, continue, break, process.exit (in a block: any of its statements). */
function stopsOrSkips(statement: TSESTree.Node | null | undefined): boolean {
  if (!statement) return false;
  switch (statement.type) {
    case AST_NODE_TYPES.BlockStatement:
      return statement.body.some(stopsOrSkips);
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
    case AST_NODE_TYPES.ContinueStatement:
    case AST_NODE_TYPES.BreakStatement:
      return true;
    case AST_NODE_TYPES.ExpressionStatement: {
      const e = statement.expression.type === AST_NODE_TYPES.AwaitExpression ? statement.expression.argument : statement.expression;
      return e.type === AST_NODE_TYPES.CallExpression && e.callee.type === AST_NODE_TYPES.MemberExpression && e.callee.object.type === AST_NODE_TYPES.Identifier && e.callee.object.name === "process" && getPropertyName(e.callee) === "exit";
    }
    default:
      return false;
  }
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  noProductionCheck:
    "{{what}} can run without {{check}} deciding first whether this is production (PS-1). Call it before every destructive operation and, when it is true, apply {{safetyCheck}} to each target and skip the ones that fail.",
  targetNotChecked:
    "{{what}} acts on {{target}}, which no {{safetyCheck}} excluded (PS-1, PS-2). In production, check each target first and skip the ones that fail (if (!{{safetyCheck}}(t)) continue, or targets.filter({{safetyCheck}})).",
  forceOverridesSafety:
    "{{flag}} gates the production safety check (PS-2: --force never overrides safety). Let it skip the confirmation prompt at most; always apply the safety check in production.",
  confirmBeforeCheck:
    "{{confirm}}() asks for confirmation before the production safety check has run (PS-1: safety checks run before prompts). Check the targets first, then confirm only the ones that passed.",
  partialBatch:
    "{{safetyCheck}} checks {{how}} instead of each target (PS-3: batches are checked per target). Check every target and go on with the ones that pass.",
};

/** The Python wording of the messages that show JavaScript code (src/sources/python/). */
export const PYTHON_MESSAGES: Partial<Record<MessageId, string>> = {
  targetNotChecked:
    "{{what}} acts on {{target}}, which no {{safetyCheck}} excluded (PS-1, PS-2). In production, check each target first and skip the ones that fail (if not {{safetyCheck}}(t): continue, or [t for t in targets if {{safetyCheck}}(t)]).",
};

export default createRule<[], MessageId>({
  name: "require-production-check",
  meta: {
    type: "problem",
    docs: {
      description: "Require destructive calls to run only after a production check that excludes the targets failing the safety check",
      recommended: true,
      group: "D",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    const safety = file.contract.safety;
    const productionCheck = safety?.productionCheck;
    if (!safety || !productionCheck || productionCheck.length === 0) return {};
    // Wherever a destructive function is called (docs/design.md), outside tests and ignored files.
    if (file.zone === "ignore" || file.zone === "tests") return {};
    const safetyCheck = safety.safetyCheck ?? [];
    const schema = repoFactsFor(context, file).prismaSchema;
    const view = createCodePathView(context);
    const found: DestructiveCall[] = [];
    const checks: TSESTree.CallExpression[] = [];
    const gates: TSESTree.CallExpression[] = [];
    const confirms: TSESTree.CallExpression[] = [];
    const pushes: TSESTree.CallExpression[] = [];
    const helperCalls: TSESTree.CallExpression[] = [];
    const exclusions: Exclusion[] = [];
    const partial = new Set<TSESTree.CallExpression>();

    const scopeOf = (node: TSESTree.Node): Scope => context.sourceCode.getScope(node);
    const checkName = safetyCheck[0] ?? "safetyCheck";

    function variableOf(identifier: TSESTree.Identifier): Variable | undefined {
      return ASTUtils.findVariable(scopeOf(identifier), identifier) ?? undefined;
    }

    /** The root identifier of an expression: `t` in `t.id`, `t.source.id`, `await t`, `ids.map(...)`. */
    function rootIdentifier(node: TSESTree.Node): TSESTree.Identifier | undefined {
      let n: TSESTree.Node = node;
      for (;;) {
        if (n.type === AST_NODE_TYPES.Identifier) return n;
        if (n.type === AST_NODE_TYPES.MemberExpression) n = n.object;
        else if (n.type === AST_NODE_TYPES.AwaitExpression) n = n.argument;
        else if (n.type === AST_NODE_TYPES.TSNonNullExpression || n.type === AST_NODE_TYPES.TSAsExpression) n = n.expression;
        else if (n.type === AST_NODE_TYPES.ChainExpression) n = n.expression;
        else if (n.type === AST_NODE_TYPES.CallExpression && n.callee.type === AST_NODE_TYPES.MemberExpression) n = n.callee.object;
        else return undefined;
      }
    }

    function rootVariable(node: TSESTree.Node): Variable | undefined {
      const id = rootIdentifier(node);
      return id ? variableOf(id) : undefined;
    }

    /** The variables an expression reads (not property keys, not callees' method names). */
    function variablesRead(node: TSESTree.Node, out = new Set<Variable>()): Set<Variable> {
      switch (node.type) {
        case AST_NODE_TYPES.Identifier: {
          const v = variableOf(node);
          if (v && v.defs.length > 0) out.add(v);
          break;
        }
        case AST_NODE_TYPES.MemberExpression:
          variablesRead(node.object, out);
          if (node.computed) variablesRead(node.property, out);
          break;
        case AST_NODE_TYPES.Property:
          if (node.computed) variablesRead(node.key, out);
          variablesRead(node.value, out);
          break;
        case AST_NODE_TYPES.ObjectExpression:
          for (const p of node.properties) variablesRead(p, out);
          break;
        case AST_NODE_TYPES.ArrayExpression:
          for (const e of node.elements) if (e) variablesRead(e, out);
          break;
        case AST_NODE_TYPES.SpreadElement:
        case AST_NODE_TYPES.AwaitExpression:
          variablesRead(node.argument, out);
          break;
        case AST_NODE_TYPES.TemplateLiteral:
          for (const e of node.expressions) variablesRead(e, out);
          break;
        case AST_NODE_TYPES.CallExpression:
          if (node.callee.type === AST_NODE_TYPES.MemberExpression) variablesRead(node.callee.object, out);
          for (const a of node.arguments) variablesRead(a, out);
          break;
        case AST_NODE_TYPES.TSAsExpression:
        case AST_NODE_TYPES.TSNonNullExpression:
        case AST_NODE_TYPES.ChainExpression:
          variablesRead(node.expression, out);
          break;
        default:
          break;
      }
      return out;
    }

    /** The targets of a destructive call: variables its arguments read (a tagged template: its holes). */
    function targetsOf(call: DestructiveCall): Set<Variable> {
      const out = new Set<Variable>();
      if (call.node.type === AST_NODE_TYPES.TaggedTemplateExpression) {
        for (const e of call.node.quasi.expressions) variablesRead(e, out);
      } else {
        for (const a of call.node.arguments) variablesRead(a, out);
      }
      // Functions are not targets (a callback), nor is the client.
      for (const v of out) if (v.defs.some((d) => d.type === "FunctionName" || d.type === "ImportBinding")) out.delete(v);
      return out;
    }

    /** Climbs from a check through `!`, `&&`, `||`, `await`: the test it sits in and how often it is negated. */
    function testContext(node: TSESTree.Node): { top: TSESTree.Node; negated: boolean } {
      let n: TSESTree.Node = node;
      let negated = false;
      for (let p = n.parent; p; n = p, p = p.parent) {
        if (p.type === AST_NODE_TYPES.UnaryExpression && p.operator === "!") negated = !negated;
        else if (p.type === AST_NODE_TYPES.BinaryExpression && (p.operator === "===" || p.operator === "==") && [p.left, p.right].some((s) => s.type === AST_NODE_TYPES.Literal && s.value === false)) negated = !negated;
        else if (p.type !== AST_NODE_TYPES.LogicalExpression && p.type !== AST_NODE_TYPES.AwaitExpression && p.type !== AST_NODE_TYPES.ChainExpression) break;
      }
      return { top: n, negated };
    }

    /** The collection method call whose callback holds `node` (X.every(t => check(t))), with the callback's parameter. */
    function callbackOf(node: TSESTree.Node): { method: string; call: TSESTree.CallExpression; collection: TSESTree.Node } | undefined {
      const { top } = testContext(node);
      let fn: TSESTree.Node | undefined = top.parent;
      if (fn?.type === AST_NODE_TYPES.ReturnStatement) fn = fn.parent?.parent;
      if (!fn || (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.type !== AST_NODE_TYPES.FunctionExpression)) return undefined;
      const call = fn.parent;
      if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn || call.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const method = getPropertyName(call.callee);
      return method === undefined ? undefined : { method, call, collection: call.callee.object };
    }

    /** Records the exclusion (if any) that a check at `node` (a safetyCheck call or a collection test) forms. */
    function recordExclusion(check: TSESTree.Node, node: TSESTree.Node, vars: Set<Variable>, collection: boolean, innerNegated = false): void {
      const { top, negated: outer } = testContext(node);
      const negated = outer !== innerNegated;
      const parent = top.parent;
      if (parent?.type === AST_NODE_TYPES.IfStatement && parent.test === top) {
        const failBranch = negated ? parent.consequent : parent.alternate;
        const passBranch = negated ? parent.alternate : parent.consequent;
        // A stop exclusion's test may combine the check only with the production check (and force flags,
        // reported on their own): `if (verbose && !check(t)) continue` skips the check when verbose is off.
        if (stopsOrSkips(failBranch) && otherLeaves(top, node).every(isProductionLeaf)) exclusions.push({ check, vars, stopTest: parent.test, collection });
        if (passBranch) exclusions.push({ check, vars, passBranch, collection });
      } else if (parent?.type === AST_NODE_TYPES.ConditionalExpression && parent.test === top) {
        exclusions.push({ check, vars, passBranch: negated ? parent.alternate : parent.consequent, collection });
      } else if (parent?.type === AST_NODE_TYPES.LogicalExpression && parent.left === top && parent.operator === (negated ? "||" : "&&")) {
        exclusions.push({ check, vars, passBranch: parent.right, collection });
      }
    }

    /** The operands of a `&&`/`||` chain other than the one holding `node`. */
    function otherLeaves(top: TSESTree.Node, node: TSESTree.Node): TSESTree.Node[] {
      const out: TSESTree.Node[] = [];
      const visit = (n: TSESTree.Node): void => {
        if (contains(n, node) && n !== node && (n.type === AST_NODE_TYPES.LogicalExpression || n.type === AST_NODE_TYPES.UnaryExpression || n.type === AST_NODE_TYPES.AwaitExpression)) {
          if (n.type === AST_NODE_TYPES.LogicalExpression) {
            visit(n.left);
            visit(n.right);
          } else visit(n.argument);
          return;
        }
        if (!contains(n, node)) out.push(n);
      };
      visit(top);
      return out;
    }

    /** A production check call, a variable holding one, or a force read (reported as PS-2 on its own). */
    function isProductionLeaf(node: TSESTree.Node): boolean {
      const n = node.type === AST_NODE_TYPES.UnaryExpression || node.type === AST_NODE_TYPES.AwaitExpression ? node.argument : node;
      if (n.type === AST_NODE_TYPES.CallExpression && callMatches(n, productionCheck)) return true;
      if (n.type === AST_NODE_TYPES.Identifier) {
        const v = variableOf(n);
        if (v && valuesOf(v).some((value) => isProductionLeaf(value))) return true;
      }
      const flags: TSESTree.Node[] = [];
      forceReads(n, flags);
      return flags.length > 0;
    }

    function onSafetyCheck(call: TSESTree.CallExpression): void {
      checks.push(call);
      const argument = call.arguments[0];
      // PS-3: one element or a sample instead of each.
      if (argument && argument.type !== AST_NODE_TYPES.SpreadElement) {
        const a = argument.type === AST_NODE_TYPES.AwaitExpression ? argument.argument : argument;
        if (a.type === AST_NODE_TYPES.MemberExpression && a.computed && a.property.type === AST_NODE_TYPES.Literal && typeof a.property.value === "number") partial.add(call);
        if (a.type === AST_NODE_TYPES.CallExpression && (getCalleeName(a.callee) === "at" || getCalleeName(a.callee) === "sample")) partial.add(call);
      }
      const callback = callbackOf(call);
      if (callback) {
        const inner = testContext(call).negated;
        const collection = rootVariable(callback.collection);
        const vars = new Set(collection ? [collection] : []);
        if (callback.method === "every" && !inner) recordExclusion(call, callback.call, vars, true);
        else if ((callback.method === "some" || callback.method === "find" || callback.method === "findIndex") && inner) recordExclusion(call, callback.call, vars, true, true);
        else if ((callback.method === "some" || callback.method === "find" || callback.method === "findIndex") && !inner) partial.add(call);
        return;
      }
      const vars = new Set<Variable>();
      for (const a of call.arguments) variablesRead(a, vars);
      recordExclusion(call, call, vars, false);
    }

    /**
     * `xs.every(check)` / `xs.some(check)` / `xs.find(check)` with the safety check function itself as the
     * callback: every is a whole-batch check (an exclusion when its failure stops); some, find and
     * findIndex pass when one target is safe (PS-3).
     */
    function onSafetyCheckReference(call: TSESTree.CallExpression, method: string): void {
      checks.push(call);
      if (method !== "every") {
        partial.add(call);
        return;
      }
      const collection = call.callee.type === AST_NODE_TYPES.MemberExpression ? rootVariable(call.callee.object) : undefined;
      recordExclusion(call, call, new Set(collection ? [collection] : []), true);
    }

    /** The parameter indexes a same-file helper checks and stops on in production (depth 1). */
    function helperCheckedParams(fn: FunctionLike): number[] {
      const out: number[] = [];
      fn.params.forEach((param, index) => {
        if (param.type !== AST_NODE_TYPES.Identifier) return;
        const v = variableOf(param);
        if (v && exclusions.some((e) => e.stopTest && e.vars.has(v) && contains(fn.body, e.stopTest))) out.push(index);
      });
      return out;
    }

    /** True when `expr` is a collection whose elements were all checked (see header). */
    function isCheckedCollection(expr: TSESTree.Node, at: TSESTree.Node, depth: number): boolean {
      if (depth > 4) return false;
      const n = expr.type === AST_NODE_TYPES.AwaitExpression ? expr.argument : expr;
      if (n.type === AST_NODE_TYPES.CallExpression && n.callee.type === AST_NODE_TYPES.MemberExpression) {
        const method = getPropertyName(n.callee);
        if (method === "filter") {
          const cb = n.arguments[0];
          if (cb && callMatchesName(cb)) return true;
          if (cb && (cb.type === AST_NODE_TYPES.ArrowFunctionExpression || cb.type === AST_NODE_TYPES.FunctionExpression)) {
            if (checks.some((c) => contains(cb, c) && callbackOf(c)?.call === n && !testContext(c).negated)) return true;
          }
        }
        if (method !== undefined && DERIVED_COLLECTION_METHODS.has(method)) return isCheckedCollection(n.callee.object, at, depth + 1);
        return false;
      }
      if (n.type === AST_NODE_TYPES.ConditionalExpression) {
        // isProduction() ? xs.filter(check) : xs — the non-production branch is exempt.
        if (testsProduction(n.test)) return isCheckedCollection(n.consequent, at, depth + 1);
        if (n.test.type === AST_NODE_TYPES.UnaryExpression && n.test.operator === "!" && isProductionLeaf(n.test.argument)) return isCheckedCollection(n.alternate, at, depth + 1);
        return isCheckedCollection(n.consequent, at, depth + 1) && isCheckedCollection(n.alternate, at, depth + 1);
      }
      if (n.type !== AST_NODE_TYPES.Identifier) return false;
      const v = variableOf(n);
      if (!v) return false;
      if (exclusions.some((e) => e.collection && e.vars.has(v) && e.stopTest && stopCovers(e.stopTest, at))) return true;
      if (pushes.some((p) => p.callee.type === AST_NODE_TYPES.MemberExpression && rootVariable(p.callee.object) === v && pushedChecked(p))) return true;
      return valuesOf(v).some((value) => isCheckedCollection(value, at, depth + 1));
    }

    function callMatchesName(node: TSESTree.Node): boolean {
      const name = node.type === AST_NODE_TYPES.Identifier ? node.name : node.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(node) : undefined;
      return name !== undefined && safetyCheck.includes(name);
    }

    /**
     * `safe.push(t)` inside the pass branch of a check on `t`, or reached only after a stop exclusion on `t`
     * (`if (!check(t)) continue; safe.push(t)`).
     */
    function pushedChecked(push: TSESTree.CallExpression): boolean {
      const arg = push.arguments[0];
      const v = arg ? rootVariable(arg) : undefined;
      if (v === undefined) return false;
      return exclusions.some((e) => {
        if (e.collection || !e.vars.has(v)) return false;
        if (e.passBranch && contains(e.passBranch, push)) return true;
        return e.stopTest !== undefined && !contains(e.stopTest.parent as TSESTree.Node, push) && view.isReachedOnlyAfter(push, (x) => x === e.stopTest);
      });
    }

    /** The initializer and assigned values of a variable. */
    function valuesOf(v: Variable): TSESTree.Node[] {
      const out: TSESTree.Node[] = [];
      for (const def of v.defs) if (def.type === "Variable" && def.node.init && def.node.id.type === AST_NODE_TYPES.Identifier) out.push(def.node.init);
      for (const r of v.references) {
        const p = r.identifier.parent;
        if (r.isWrite() && !r.init && p?.type === AST_NODE_TYPES.AssignmentExpression && p.left === r.identifier && p.operator === "=") out.push(p.right);
      }
      return out;
    }

    /** True when a test reads the production check positively (`isProduction()`, `prod`, `a && isProduction()`). */
    function testsProduction(test: TSESTree.Node): boolean {
      const leaves: TSESTree.Node[] = [];
      const visit = (n: TSESTree.Node): void => {
        if (n.type === AST_NODE_TYPES.LogicalExpression && n.operator === "&&") {
          visit(n.left);
          visit(n.right);
        } else leaves.push(n);
      };
      visit(test);
      return leaves.some((leaf) => leaf.type !== AST_NODE_TYPES.UnaryExpression && isProductionLeaf(leaf) && !isForce(leaf));
    }

    function isForce(node: TSESTree.Node): boolean {
      const flags: TSESTree.Node[] = [];
      forceReads(node, flags);
      return flags.length > 0;
    }

    /**
     * True when `at` runs only outside production: in the else branch of `if (isProduction())` (or the
     * then branch of `if (!isProduction())`). Non-production environments skip safety checks (PS-1).
     */
    function nonProduction(at: TSESTree.Node): boolean {
      let child: TSESTree.Node = at;
      for (let p = at.parent; p && !isFunction(p); child = p, p = p.parent) {
        if (p.type !== AST_NODE_TYPES.IfStatement && p.type !== AST_NODE_TYPES.ConditionalExpression) continue;
        if (p.alternate === child && testsProduction(p.test)) return true;
        if (p.consequent === child && p.test.type === AST_NODE_TYPES.UnaryExpression && p.test.operator === "!" && isProductionLeaf(p.test.argument)) return true;
      }
      return false;
    }

    /**
     * The production gate `if` whose then-block holds the stop exclusion's `if` as a direct statement (so
     * every production path runs it), or undefined.
     */
    function gateAround(stopIf: TSESTree.Node): TSESTree.IfStatement | undefined {
      const block = stopIf.parent;
      const gate = block?.type === AST_NODE_TYPES.BlockStatement ? block.parent : block;
      if (gate?.type !== AST_NODE_TYPES.IfStatement || (gate.consequent !== block && gate.consequent !== stopIf)) return undefined;
      return testsProduction(gate.test) ? gate : undefined;
    }

    /**
     * True when a stop exclusion's test runs before `at` on every path, or on every production path: it
     * sits directly in the then-block of `if (isProduction())` and `at` comes after that `if`.
     */
    function stopCovers(stopTest: TSESTree.Node, at: TSESTree.Node): boolean {
      const stopIf = stopTest.parent as TSESTree.Node;
      if (contains(stopIf, at)) return false;
      if (view.isReachedOnlyAfter(at, (x) => x === stopTest)) return true;
      const gate = gateAround(stopIf);
      return gate !== undefined && !contains(gate, at) && view.isReachedOnlyAfter(at, (x) => x === gate.test);
    }

    /** True when variable `v`, read at `at`, is a checked target (see header). */
    function isChecked(v: Variable, at: TSESTree.Node, depth: number): boolean {
      if (depth > 4) return false;
      if (nonProduction(at)) return true;
      for (const e of exclusions) {
        if (e.collection || !e.vars.has(v)) continue;
        if (e.passBranch && contains(e.passBranch, at)) return true;
        // if (isProduction()) { if (!check(t)) continue; } ... at: the non-production path is exempt.
        if (e.stopTest && stopCovers(e.stopTest, at)) return true;
      }
      // A same-file helper that checks its parameter and stops, called with v first.
      const helpers = helperCalls.filter((call) => call.arguments.some((a) => rootVariable(a) === v));
      for (const call of helpers) {
        const fn = resolveLocalFunction(call.callee, scopeOf(call));
        if (!fn) continue;
        const indexes = helperCheckedParams(fn);
        if (indexes.some((i) => call.arguments[i] && rootVariable(call.arguments[i] as TSESTree.Node) === v) && view.isReachedOnlyAfter(at, (x) => x === call)) return true;
      }
      const def = v.defs[0];
      if (!def) return false;
      // An element of a checked collection: for (const t of xs), xs.forEach((t) => ...).
      if (def.type === "Variable" && def.parent?.parent?.type === AST_NODE_TYPES.ForOfStatement && def.parent.parent.left === def.parent) {
        return isCheckedCollection(def.parent.parent.right, at, depth + 1);
      }
      if (def.type === "Parameter") {
        const fn = def.node as TSESTree.Node;
        const call = fn.parent;
        if (isFunction(fn) && call?.type === AST_NODE_TYPES.CallExpression && call.arguments[0] === fn && call.callee.type === AST_NODE_TYPES.MemberExpression) {
          const method = getPropertyName(call.callee);
          if (method !== undefined && ELEMENT_METHODS.has(method) && fn.params[0] === def.name) return isCheckedCollection(call.callee.object, call, depth + 1);
        }
        if (isFunction(fn)) {
          const index = fn.params.findIndex((p) => p === def.name || (p.type === AST_NODE_TYPES.AssignmentPattern && p.left === def.name));
          const sites = view.callSites(fn);
          if (index >= 0 && sites && sites.length > 0) {
            return sites.every((site) => {
              const arg = site.arguments[index];
              if (!arg) return false;
              return [...variablesRead(arg)].some((w) => isChecked(w, site, depth + 1)) || isCheckedCollection(arg, site, depth + 1);
            });
          }
        }
        return false;
      }
      // Initialised from a checked variable or collection.
      return valuesOf(v).some((value) => isCheckedCollection(value, at, depth + 1) || [...variablesRead(value)].some((w) => w !== v && isChecked(w, at, depth + 1)));
    }

    const isGate = (node: TSESTree.Node): boolean => node.type === AST_NODE_TYPES.CallExpression && callMatches(node, productionCheck) && node.parent?.type !== AST_NODE_TYPES.ExpressionStatement;

    /** The tests that gate `node`: ancestors' if/ternary tests and logical left sides, inside its function. */
    function gatingTests(node: TSESTree.Node): TSESTree.Node[] {
      const out: TSESTree.Node[] = [];
      let child: TSESTree.Node = node;
      for (let p = node.parent; p && !isFunction(p); child = p, p = p.parent) {
        if ((p.type === AST_NODE_TYPES.IfStatement || p.type === AST_NODE_TYPES.ConditionalExpression) && p.test !== child) out.push(p.test);
        if (p.type === AST_NODE_TYPES.IfStatement && p.test === child) out.push(p.test);
        if (p.type === AST_NODE_TYPES.LogicalExpression && p.right === child) out.push(p.left);
      }
      return out;
    }

    /** Force / yes reads inside an expression (not inside nested functions). */
    function forceReads(node: TSESTree.Node, out: TSESTree.Node[]): void {
      if (node.type === AST_NODE_TYPES.Identifier && FORCE_NAMES.test(node.name)) {
        out.push(node);
        return;
      }
      if (node.type === AST_NODE_TYPES.MemberExpression) {
        const name = getPropertyName(node);
        if (name !== undefined && (FORCE_NAMES.test(name) || FORCE_FLAGS.has(name))) {
          out.push(node);
          return;
        }
        forceReads(node.object, out);
        return;
      }
      if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.MemberExpression && (getPropertyName(node.callee) === "includes" || getPropertyName(node.callee) === "indexOf")) {
        const first = node.arguments[0];
        const flag = first && first.type !== AST_NODE_TYPES.SpreadElement ? getStaticString(first, scopeOf(node)) : undefined;
        if (flag !== undefined && FORCE_FLAGS.has(flag)) {
          out.push(node);
          return;
        }
      }
      if (node.type === AST_NODE_TYPES.UnaryExpression) forceReads(node.argument, out);
      else if (node.type === AST_NODE_TYPES.LogicalExpression || node.type === AST_NODE_TYPES.BinaryExpression) {
        forceReads(node.left, out);
        forceReads(node.right, out);
      } else if (node.type === AST_NODE_TYPES.AwaitExpression) forceReads(node.argument, out);
      else if (node.type === AST_NODE_TYPES.CallExpression) for (const a of node.arguments) if (!isFunction(a)) forceReads(a, out);
    }

    /** The ancestor of `node` (or itself) that is in the code path of `fn` (outside nested callbacks). */
    function anchorIn(node: TSESTree.Node, fn: FunctionLike | undefined): TSESTree.Node | undefined {
      let n: TSESTree.Node | undefined = node;
      while (n && view.functionOf(n) !== fn) {
        n = n.parent;
        while (n && n.type !== AST_NODE_TYPES.CallExpression && n.type !== AST_NODE_TYPES.Program) n = n.parent;
        if (n?.type === AST_NODE_TYPES.Program) return undefined;
      }
      return n;
    }

    view.onComplete(() => {
      // PS-2: force in a condition gating the production check or an exclusion.
      const flags: TSESTree.Node[] = [];
      for (const node of [...gates, ...exclusions.map((e) => e.check)]) for (const test of gatingTests(node)) forceReads(test, flags);
      const reported = new Set<TSESTree.Node>();
      for (const flag of flags.sort((a, b) => a.range[0] - b.range[0])) {
        if (reported.has(flag)) continue;
        reported.add(flag);
        context.report({ node: flag, messageId: "forceOverridesSafety", data: { flag: context.sourceCode.getText(flag) } });
      }
      // PS-1: confirmation before the safety check.
      for (const confirm of confirms) {
        const fn = view.functionOf(confirm);
        const before = [...gates, ...checks].some((x) => {
          const anchor = anchorIn(x, fn);
          return anchor !== undefined && anchor !== confirm && view.canReach(confirm, anchor);
        });
        if (before) context.report({ node: confirm, messageId: "confirmBeforeCheck", data: { confirm: getCalleeName(confirm.callee) ?? "confirm" } });
      }
      // PS-3: partial batch checks.
      for (const call of partial) {
        const argument = call.arguments[0];
        // xs.some(check): reported at the check function passed in.
        const reference = argument && !callMatches(call, safetyCheck) && callMatchesName(argument) ? argument : undefined;
        const method = reference ? getPropertyName(call.callee as TSESTree.MemberExpression) : callbackOf(call)?.method;
        const how = reference || callbackOf(call) ? `whether ${method === "find" ? "one target is found safe" : "some target is safe"}` : `only ${argument ? context.sourceCode.getText(argument) : "one target"}`;
        const name = reference ? context.sourceCode.getText(reference) : (getCalleeName(call.callee) ?? checkName);
        context.report({ node: reference ?? call, messageId: "partialBatch", data: { safetyCheck: name, how } });
      }
      const explained = new Set([...flags, ...[...partial].map((c) => callbackOf(c)?.call ?? c)].map(enclosingFunction));
      // PS-1 / PS-2 at each destructive call.
      const check = `${productionCheck[0]}()`;
      for (const call of found) {
        if (!view.isReachable(call.node)) continue;
        // One problem, one finding: a force flag or a partial batch check in this function is the finding.
        if (explained.has(enclosingFunction(call.node))) continue;
        if (!view.isReachedOnlyAfter(call.node, isGate, { throughCallers: true })) {
          context.report({ node: call.node, messageId: "noProductionCheck", data: { what: call.what, check, safetyCheck: checkName } });
          continue;
        }
        // Choice: without safety.safetyCheck there is no check to look for; only the production check is required.
        if (safetyCheck.length === 0) continue;
        const targets = targetsOf(call);
        const ok =
          targets.size === 0
            ? exclusions.some((e) => e.stopTest && view.isReachedOnlyAfter(call.node, (x) => x === e.stopTest, { throughCallers: true }))
            : [...targets].some((v) => isChecked(v, call.node, 0) || isCheckedCollectionVar(v, call.node));
        if (!ok) {
          const target = targets.size === 0 ? "every row" : [...targets].map((v) => v.name).join(", ");
          context.report({ node: call.node, messageId: "targetNotChecked", data: { what: call.what, target, safetyCheck: checkName } });
        }
      }
    });

    /** The nearest enclosing function of a node, or the program. */
    function enclosingFunction(node: TSESTree.Node): TSESTree.Node {
      let n: TSESTree.Node = node;
      while (n.parent && !isFunction(n)) n = n.parent;
      return n;
    }

    function isCheckedCollectionVar(v: Variable, at: TSESTree.Node): boolean {
      const id = v.identifiers[0];
      return id !== undefined && isCheckedCollection(id, at, 0);
    }

    function onCall(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      const call = getDestructiveCall(node, scopeOf(node), schema, safety?.destructive);
      if (call) found.push(call);
      if (node.type !== AST_NODE_TYPES.CallExpression) return;
      if (callMatches(node, productionCheck)) gates.push(node);
      if (callMatches(node, safetyCheck)) onSafetyCheck(node);
      if (callMatches(node, safety?.confirm)) confirms.push(node);
      const method = node.callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(node.callee) : undefined;
      if (method === "push" || method === "add" || method === "unshift") pushes.push(node);
      const callback = node.arguments[0];
      if (callback && method !== undefined && BATCH_TEST_METHODS.has(method) && callMatchesName(callback)) onSafetyCheckReference(node, method);
      if (node.callee.type === AST_NODE_TYPES.Identifier && resolveLocalFunction(node.callee, scopeOf(node))) helperCalls.push(node);
    }

    return mergeListeners(view.listeners, {
      CallExpression: onCall,
      TaggedTemplateExpression: onCall,
      IfStatement(node) {
        // Recorded where the test starts, so every path through the if passes it.
        view.mark(node.test);
      },
    });
  },
});
