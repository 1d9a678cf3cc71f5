/**
 * dry-run-by-default (docs/design.md, Rule groups group D, seed 004 "Layer 3: dry-run mode (default)"; issue 6 item 3): a
 * mutation script () whose destructive path runs unless a flag is given. Execution must be the
 * opt-in. On whenever the contract has a `safety` section.
 *
 * Destructive calls are those of src/analysis/safety.ts. A destructive call is *gated* when it runs only
 * if the operator opted in:
 * - it sits in the branch of an `if`, `?:`, `&&` or `||` that is taken only with the opt-in, or
 * - it is reached, on every path (src/analysis/code-path.ts), only after an `if` whose test holds
 *   whenever the opt-in is missing and whose consequent stops (`return`, `throw`, `process.exit`), or
 * - its function (of the same file) is called only from gated places.
 * Opt-ins: `argv.includes("--apply" | "--execute" | "--yes" | "-y" | "--confirm" | "--commit" |
 * "--no-dry-run")` on any array, and flags that ask for the destructive step itself (`--clear`,
 * `--delete`, `--purge`, `--wipe`, `--reset`, `--prune`: umami's seed clears old data only with one), a parsed option of those names (`values.apply`, `opts.execute`,
 * `argv.yes`, a destructured `apply`), a `dryRun` option or variable that defaults to true
 * (`default: true`, `dryRun = !argv.includes("--apply")`), a `safety.confirm` call, and a typed
 * confirmation (`answer === "DELETE MY DATA"` where `answer` comes from a call), an environment opt-in
 * compared with a "yes" string (`process.env.APPLY === "true"`). Variables are followed to
 * their initializer, and a parameter of a same-file function to the arguments of its calls (seed 004
 * calls its cleanup function with `dry_run=False` when --dry-run is missing: the parameter's default
 * `true` does not gate that call); `!`, `&&` and `||` are read with their logic.
 *
 * Findings. When a destructive call is not gated: at each dry-run flag read that defaults to false (the
 * flag the operator has to remember): `argv.includes("--dry-run")`, a `node:util` `parseArgs` or yargs
 * option `"dry-run"`/`dryRun` of type boolean with `default: false` or no default, `.boolean("dry-run")`,
 * commander's `.option("--dry-run")` (commander booleans default to undefined), `let dryRun = false`, a
 * parameter or destructuring default `dryRun = false`, `process.env.DRY_RUN` (unset: not a dry run). With no such read, once, at the first ungated
 * destructive call: nothing makes the script a dry run (Choice, pinned by a test).
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../src/ts-ast.js";
import { createRule } from "../src/create-rule.js";
import { getCalleeName, getKeyName, getPropertyName, getStaticString } from "../src/analysis/ast.js";
import { createCodePathView } from "../src/analysis/code-path.js";
import { mergeListeners, repoFactsFor } from "../src/analysis/imported-writes.js";
import { mutationScriptCheck } from "../src/analysis/mutation-script.js";
import { callMatches, type DestructiveCall, getDestructiveCall } from "../src/analysis/safety.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "dryRunOptOut" | "noDryRun";

type Scope = TSESLint.Scope.Scope;

/** Command-line flags that ask for a dry run (the opt-out this rule reports). */
const DRY_RUN_FLAGS = new Set(["--dry-run", "--dryrun", "--dry_run", "--dry"]);
/** Option and variable names of a dry-run switch. */
const DRY_RUN_NAMES = /^(?:is)?dry[-_]?run$|^dry$/i;
/** Command-line flags that opt in to execution. */
const OPT_IN_FLAGS = new Set([
  "--apply",
  "--execute",
  "--exec",
  "--yes",
  "-y",
  "--confirm",
  "--commit",
  "--no-dry-run",
  "--for-real",
  "--write",
  // Flags that ask for the destructive step itself (a seed that clears old data only with --clear).
  "--clear",
  "--delete",
  "--purge",
  "--wipe",
  "--reset",
  "--prune",
]);
/** Option and variable names of an execution opt-in. */
const OPT_IN_NAMES = /^(?:apply|execute|exec|yes|confirm(?:ed)?|commit|forReal|for-real|write|clear|delete|purge|wipe|reset|prune)$/i;
/** Calls whose answer is a typed confirmation (readline, prompts, inquirer, `safety.confirm`). */
const PROMPT_NAMES = new Set(["question", "prompt", "input", "confirm", "ask", "readLine", "readline"]);

/** True for `x.includes(flag)` / `x.indexOf(flag)` with a static string flag of the set. */
function flagRead(node: TSESTree.Node, flags: ReadonlySet<string>, scope: Scope): boolean {
  if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const method = getPropertyName(node.callee);
  const first = node.arguments[0];
  if ((method !== "includes" && method !== "indexOf") || !first || first.type === AST_NODE_TYPES.SpreadElement) return false;
  const value = getStaticString(first, scope);
  return value !== undefined && flags.has(value);
}

/** The static value of a `default` property in an options object literal: true, false, or undefined (absent or unknown). */
function defaultOf(options: TSESTree.ObjectExpression): boolean | "absent" | undefined {
  for (const property of options.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : String((property.key as TSESTree.Literal).value);
    if (key === "default" || key === "defaultValue") {
      return property.value.type === AST_NODE_TYPES.Literal && typeof property.value.value === "boolean" ? property.value.value : undefined;
    }
  }
  return "absent";
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  dryRunOptOut:
    "{{flag}} makes the dry run the opt-in: without it, {{what}} on line {{line}} runs for real. Make execution the opt-in instead (dryRun = !argv.includes(\"--apply\"), or a typed confirmation), so a forgotten flag only prints what would change.",
  noDryRun:
    "{{what}} runs whenever this script runs: nothing makes it a dry run. Print what would change by default and run it only with an explicit opt-in (--apply, --execute, or a typed confirmation).",
};

/** The Python wording of the messages that show JavaScript code (src/sources/python/). */
export const PYTHON_MESSAGES: Partial<Record<MessageId, string>> = {
  dryRunOptOut:
    '{{flag}} makes the dry run the opt-in: without it, {{what}} on line {{line}} runs for real. Make execution the opt-in instead (an --apply flag with action="store_true" and dry_run = not args.apply, or a typed confirmation), so a forgotten flag only prints what would change.',
};

export default createRule<[], MessageId>({
  name: "dry-run-by-default",
  meta: {
    type: "problem",
    docs: {
      description: "Require mutation scripts to be dry runs unless the operator opts in to execution (--apply), not the other way round",
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
    if (!safety) return {};
    const scripts = mutationScriptCheck(context, file);
    if (!scripts) return {};
    const schema = repoFactsFor(context, file).prismaSchema;
    const view = createCodePathView(context);
    const found: DestructiveCall[] = [];
    /** Dry-run reads that default to false, with a label for the message. */
    const optOuts: { node: TSESTree.Node; flag: string }[] = [];
    /** Dry-run options or variables that default to true (then a dryRun name is the negated opt-in). */
    let dryRunDefaultsTrue = false;
    /** Tests of `if` statements whose consequent stops: the code path events. */
    const stopTests = new Set<TSESTree.Node>();

    const scopeOf = (node: TSESTree.Node): Scope => context.sourceCode.getScope(node);

    function nameOf(node: TSESTree.Node): string | undefined {
      if (node.type === AST_NODE_TYPES.Identifier) return node.name;
      if (node.type === AST_NODE_TYPES.MemberExpression) return getPropertyName(node);
      return undefined;
    }

    /** The single initializer of a variable (const, or let never reassigned), else undefined. */
    function initializerOf(identifier: TSESTree.Identifier): TSESTree.Node | undefined {
      const variable = ASTUtils.findVariable(scopeOf(identifier), identifier);
      if (!variable || variable.defs.length !== 1) return undefined;
      const def = variable.defs[0];
      if (def?.type !== "Variable" || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return undefined;
      if (variable.references.some((r) => r.isWrite() && !r.init)) return undefined;
      return def.node.init;
    }

    /** True when the node's value is a typed answer: a prompt call, or a variable holding one (through `.trim()` etc.). */
    function isAnswer(node: TSESTree.Node, depth = 0): boolean {
      if (depth > 4) return false;
      let n: TSESTree.Node = node;
      while (n.type === AST_NODE_TYPES.AwaitExpression) n = n.argument;
      if (n.type === AST_NODE_TYPES.CallExpression) {
        const name = getCalleeName(n.callee);
        if (name !== undefined && (PROMPT_NAMES.has(name) || callMatches(n, safety?.confirm))) return true;
        if (n.callee.type === AST_NODE_TYPES.MemberExpression) return isAnswer(n.callee.object, depth + 1);
        return false;
      }
      if (n.type === AST_NODE_TYPES.Identifier) {
        const init = initializerOf(n);
        return init !== undefined && isAnswer(init, depth + 1);
      }
      return false;
    }

    /** e truthy => the operator opted in. */
    function implies(e: TSESTree.Node, depth = 0): boolean {
      if (depth > 6) return false;
      switch (e.type) {
        case AST_NODE_TYPES.UnaryExpression:
          return e.operator === "!" && impliedBy(e.argument, depth + 1);
        case AST_NODE_TYPES.LogicalExpression:
          if (e.operator === "&&") return implies(e.left, depth + 1) || implies(e.right, depth + 1);
          if (e.operator === "||") return implies(e.left, depth + 1) && implies(e.right, depth + 1);
          return false;
        case AST_NODE_TYPES.AwaitExpression:
          return implies(e.argument, depth + 1);
        case AST_NODE_TYPES.BinaryExpression:
          // A typed confirmation: answer === "DELETE MY DATA".
          if (e.operator === "===" || e.operator === "==") return comparedOptIn(e);
          if ((e.operator === "!==" || e.operator === "!=") && flagIndex(e)) return flagRead(flagIndex(e) as TSESTree.Node, OPT_IN_FLAGS, scopeOf(e));
          return false;
        case AST_NODE_TYPES.CallExpression:
          return flagRead(e, OPT_IN_FLAGS, scopeOf(e)) || callMatches(e, safety?.confirm);
        case AST_NODE_TYPES.Identifier: {
          const init = initializerOf(e);
          if (init) return implies(init, depth + 1);
          return OPT_IN_NAMES.test(e.name);
        }
        case AST_NODE_TYPES.MemberExpression: {
          const name = nameOf(e);
          return name !== undefined && OPT_IN_NAMES.test(name);
        }
        default:
          return false;
      }
    }

    /**
     * `answer === "DELETE MY DATA"`, `process.env.APPLY === "true"`: a typed answer, or an opt-in read,
     * compared with a string that is not a "no" ("false", "0", "no", "").
     */
    function comparedOptIn(e: TSESTree.BinaryExpression): boolean {
      const [literal, other] = e.left.type === AST_NODE_TYPES.Literal ? [e.left, e.right] : [e.right, e.left];
      if (literal.type !== AST_NODE_TYPES.Literal || typeof literal.value !== "string" || ["false", "0", "no", ""].includes(literal.value.toLowerCase())) return false;
      return isAnswer(other) || (other.type === AST_NODE_TYPES.MemberExpression && implies(other));
    }

    /** The indexOf call of `argv.indexOf("--apply") !== -1`. */
    function flagIndex(e: TSESTree.BinaryExpression): TSESTree.Node | undefined {
      const isMinusOne = (n: TSESTree.Node): boolean => n.type === AST_NODE_TYPES.UnaryExpression && n.operator === "-" && n.argument.type === AST_NODE_TYPES.Literal && n.argument.value === 1;
      if (isMinusOne(e.right)) return e.left;
      if (isMinusOne(e.left)) return e.right;
      return undefined;
    }

    /** The operator did not opt in => e truthy. */
    function impliedBy(e: TSESTree.Node, depth = 0): boolean {
      if (depth > 6) return false;
      switch (e.type) {
        case AST_NODE_TYPES.UnaryExpression:
          return e.operator === "!" && implies(e.argument, depth + 1);
        case AST_NODE_TYPES.LogicalExpression:
          if (e.operator === "&&") return impliedBy(e.left, depth + 1) && impliedBy(e.right, depth + 1);
          if (e.operator === "||") return impliedBy(e.left, depth + 1) || impliedBy(e.right, depth + 1);
          return false;
        case AST_NODE_TYPES.BinaryExpression:
          if (e.operator === "!==" || e.operator === "!=") return comparedOptIn(e);
          return false;
        case AST_NODE_TYPES.Identifier: {
          const init = initializerOf(e);
          if (init) return impliedBy(init, depth + 1);
          const fromCallers = parameterImpliedBy(e, depth);
          if (fromCallers !== undefined) return fromCallers;
          return dryRunDefaultsTrue && DRY_RUN_NAMES.test(e.name);
        }
        case AST_NODE_TYPES.Literal:
          // A truthy constant holds whatever the operator typed (`clean(true)`).
          return Boolean(e.value);
        case AST_NODE_TYPES.MemberExpression: {
          const name = nameOf(e);
          return dryRunDefaultsTrue && name !== undefined && DRY_RUN_NAMES.test(name);
        }
        default:
          return false;
      }
    }

    /**
     * For a parameter of a same-file function whose calls are all known: true when at every call the
     * argument holds whenever the operator did not opt in (the default when it is left out), or the call
     * itself runs only with the opt-in. Seed 004 hands `dry_run=False` to its cleanup function on the path
     * without --dry-run: the parameter's default does not make that call a dry run. Undefined otherwise.
     */
    function parameterImpliedBy(identifier: TSESTree.Identifier, depth: number): boolean | undefined {
      const def = ASTUtils.findVariable(scopeOf(identifier), identifier)?.defs[0];
      if (def?.type !== "Parameter") return undefined;
      const fn = def.node;
      if (fn.type !== AST_NODE_TYPES.FunctionDeclaration && fn.type !== AST_NODE_TYPES.FunctionExpression && fn.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
      const index = fn.params.findIndex((p) => p === def.name || (p.type === AST_NODE_TYPES.AssignmentPattern && p.left === def.name));
      const param = fn.params[index];
      const sites = index < 0 ? undefined : view.callSites(fn);
      if (!param || !sites || sites.length === 0 || sites.some((site) => site.arguments.slice(0, index + 1).some((a) => a.type === AST_NODE_TYPES.SpreadElement))) return undefined;
      return sites.every((site) => {
        const argument = site.arguments[index];
        if (argument ? impliedBy(argument, depth + 1) : param.type === AST_NODE_TYPES.AssignmentPattern && impliedBy(param.right, depth + 1)) return true;
        return inOptInBranch(site) || view.isReachedOnlyAfter(site, (n) => stopTests.has(n) && impliedBy(n, depth + 1));
      });
    }

    /** True when a consequent ends its path. */
    function stops(statement: TSESTree.Statement): boolean {
      if (statement.type === AST_NODE_TYPES.BlockStatement) return statement.body.some(stops);
      if (statement.type === AST_NODE_TYPES.ReturnStatement || statement.type === AST_NODE_TYPES.ThrowStatement) return true;
      if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
      const e = statement.expression.type === AST_NODE_TYPES.AwaitExpression ? statement.expression.argument : statement.expression;
      return e.type === AST_NODE_TYPES.CallExpression && e.callee.type === AST_NODE_TYPES.MemberExpression && nameOf(e.callee.object) === "process" && getPropertyName(e.callee) === "exit";
    }

    /** True when `node` sits in a branch taken only with the opt-in, inside its own function. */
    function inOptInBranch(node: TSESTree.Node): boolean {
      let child: TSESTree.Node = node;
      for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
        if (parent.type === AST_NODE_TYPES.FunctionDeclaration || parent.type === AST_NODE_TYPES.FunctionExpression || parent.type === AST_NODE_TYPES.ArrowFunctionExpression) return false;
        if (parent.type === AST_NODE_TYPES.IfStatement || parent.type === AST_NODE_TYPES.ConditionalExpression) {
          if (parent.consequent === child && implies(parent.test)) return true;
          if (parent.alternate === child && impliedBy(parent.test)) return true;
        }
        if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.right === child) {
          if (parent.operator === "&&" && implies(parent.left)) return true;
          if (parent.operator === "||" && impliedBy(parent.left)) return true;
        }
      }
      return false;
    }

    function isGated(node: TSESTree.Node, depth = 0): boolean {
      if (inOptInBranch(node)) return true;
      if (view.isReachedOnlyAfter(node, (n) => stopTests.has(n) && impliedBy(n))) return true;
      if (depth >= 3) return false;
      const fn = view.functionOf(node);
      const calls = fn ? view.invocations(fn) : undefined;
      return calls !== undefined && calls.length > 0 && calls.every((call) => isGated(call, depth + 1));
    }

    function addOptOut(node: TSESTree.Node, flag: string): void {
      optOuts.push({ node, flag });
    }

    /** Options objects: `{ "dry-run": { type: "boolean", default: false } }` (parseArgs, yargs `.options`). */
    function checkOptionProperty(property: TSESTree.Property): void {
      const key = getKeyName(property, scopeOf(property));
      if (key === undefined || !DRY_RUN_NAMES.test(key) || property.value.type !== AST_NODE_TYPES.ObjectExpression) return;
      const value = defaultOf(property.value);
      if (value === true) dryRunDefaultsTrue = true;
      else if (value === false || value === "absent") addOptOut(property, `The "${key}" option`);
    }

    /** commander `.option("-d, --dry-run", ...)`, yargs `.option("dry-run", {...})` and `.boolean("dry-run")`. */
    function checkOptionCall(node: TSESTree.CallExpression): void {
      if (node.callee.type !== AST_NODE_TYPES.MemberExpression) return;
      const method = getPropertyName(node.callee);
      const first = node.arguments[0];
      if (!first || first.type === AST_NODE_TYPES.SpreadElement) return;
      const spec = getStaticString(first, scopeOf(node));
      if (spec === undefined) return;
      if (method === "option" || method === "requiredOption") {
        if (spec.startsWith("-")) {
          // commander: flags string; a third argument is the default value.
          const flags = spec.split(/[ ,|]+/).filter(Boolean);
          if (!flags.some((f) => DRY_RUN_FLAGS.has(f))) return;
          const defaultValue = node.arguments[2];
          if (defaultValue?.type === AST_NODE_TYPES.Literal && defaultValue.value === true) dryRunDefaultsTrue = true;
          else addOptOut(node, `The "${spec}" option`);
          return;
        }
        if (!DRY_RUN_NAMES.test(spec)) return;
        const options = node.arguments[1];
        const value = options?.type === AST_NODE_TYPES.ObjectExpression ? defaultOf(options) : "absent";
        if (value === true) dryRunDefaultsTrue = true;
        else if (value === false || value === "absent") addOptOut(node, `The "${spec}" option`);
        return;
      }
      if (method === "boolean" && DRY_RUN_NAMES.test(spec)) addOptOut(node, `The "${spec}" option`);
    }

    /** `let dryRun = false`, `function f(dryRun = false)`, `{ dryRun = false }`, and `dryRun = true` defaults. */
    function checkDefault(name: string, value: TSESTree.Node | null | undefined, at: TSESTree.Node): void {
      if (!DRY_RUN_NAMES.test(name) || !value || value.type !== AST_NODE_TYPES.Literal) return;
      if (value.value === true) dryRunDefaultsTrue = true;
      else if (value.value === false) addOptOut(at, `"${name}" defaulting to false`);
    }

    function check(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      const call = getDestructiveCall(node, scopeOf(node), schema, safety?.destructive);
      if (call) found.push(call);
      if (node.type !== AST_NODE_TYPES.CallExpression) return;
      if (flagRead(node, DRY_RUN_FLAGS, scopeOf(node))) addOptOut(node, `Reading ${getStaticString(node.arguments[0] as TSESTree.Node, scopeOf(node))}`);
      checkOptionCall(node);
    }

    view.onComplete(() => {
      if (!scripts.isMutationScript()) return;
      const ungated = found.filter((call) => view.isReachable(call.node) && !isGated(call.node));
      const first = ungated[0];
      if (!first) return;
      if (optOuts.length === 0) {
        context.report({ node: first.node, messageId: "noDryRun", data: { what: first.what } });
        return;
      }
      for (const optOut of optOuts) {
        context.report({ node: optOut.node, messageId: "dryRunOptOut", data: { flag: optOut.flag, what: first.what, line: first.node.loc.start.line } });
      }
    });

    return mergeListeners(mergeListeners(view.listeners, scripts.listeners), {
      CallExpression: check,
      TaggedTemplateExpression: check,
      IfStatement(node) {
        if (stops(node.consequent)) {
          stopTests.add(node.test);
          view.mark(node.test);
        }
      },
      Property(node) {
        checkOptionProperty(node);
        if (node.value.type === AST_NODE_TYPES.AssignmentPattern && node.value.left.type === AST_NODE_TYPES.Identifier) checkDefault(node.value.left.name, node.value.right, node);
      },
      VariableDeclarator(node) {
        if (node.id.type === AST_NODE_TYPES.Identifier && node.parent.kind !== "const") checkDefault(node.id.name, node.init, node);
        if (node.id.type === AST_NODE_TYPES.Identifier && node.parent.kind === "const" && node.init?.type === AST_NODE_TYPES.Literal) checkDefault(node.id.name, node.init, node);
      },
      MemberExpression(node) {
        // process.env.DRY_RUN: unset means "not a dry run".
        const name = getPropertyName(node);
        const object = node.object;
        if (name !== undefined && DRY_RUN_NAMES.test(name) && object.type === AST_NODE_TYPES.MemberExpression && nameOf(object.object) === "process" && getPropertyName(object) === "env") {
          addOptOut(node, `Reading process.env.${name}`);
        }
      },
      AssignmentPattern(node) {
        if (node.parent?.type !== AST_NODE_TYPES.Property && node.left.type === AST_NODE_TYPES.Identifier) checkDefault(node.left.name, node.right, node);
      },
    });
  },
});
