/**
 * The contract's group D checks on a Python file (issue 15 item 3; docs/design.md, Rule groups group D), each on only where
 * the contract's `safety` section turns it on, with the rules' ids and messages:
 *
 * - `require-production-check` (everywhere outside tests and ignored files, docs/design.md): a destructive call
 *   (./writes.ts) not reached, on every path (./flow.ts, through the callers of a same-file function), only
 *   after a `safety.productionCheck` call whose result is used (`if is_production():`, `prod =
 *   is_production()`; a same-file helper that always calls it counts); its target not decided by a
 *   `safety.safetyCheck` (the call sits in a branch of an `if` whose condition applies the check to the same
 *   variable, or comes after `if ...check(t)...: continue|return|raise`, or its variable is an element of a
 *   collection built only from checked targets: a comprehension with `if check(t)`, `filter(check, ts)`, a
 *   list that gets `append(t)` only where the check passed, or a parameter whose every caller passes a
 *   checked target); a force flag (`force`, `args.yes`, `"--force" in sys.argv`) in a condition gating the
 *   production or safety check (PS-2); a `safety.confirm` call that runs before a check (PS-1); a check of
 *   one element (`targets[0]`) or of "some" (`any(check(t) for t in ts)`) (PS-3). Choice: the branch a
 *   check decides is accepted whichever way round the check answers (RetroVue's own check,
 *   `source_is_protected_for_prod_delete`, is true for the targets that must be skipped);
 * - `dry-run-by-default` (mutation scripts): a destructive call reached when the script runs with no flag
 *   at all. Conditions are evaluated with every opt-in absent: argparse options at their defaults
 *   (`store_true` is False), `"--x" in sys.argv` False, environment variables unset, a typed confirmation
 *   (`input(...) == "DELETE"`) or `safety.confirm()` not given, parameters bound to each caller's argument
 *   (seed 004 passes `dry_run=False` unless `--dry-run` is given). Reported at each dry-run flag that
 *   defaults to false (argparse `--dry-run` with `store_true`, `"--dry-run" in sys.argv`, `dry_run=False`,
 *   `DRY_RUN` read from the environment), else once at the first such call;
 * - `require-backup` (mutation scripts): a destructive call not reached on every path only after a
 *   `safety.backup` call (an `async def` backup of the same file must be awaited);
 * - `env-fail-closed` (mutation scripts): a `safety.environment.variables` name read with a fallback other
 *   than "production" (`os.getenv("ENVIRONMENT", "development")`, `os.environ.get(X) or "dev"`), or read
 *   without one and compared with "production" (unless an earlier `if` stops when it is unset).
 */
import { MESSAGES as BACKUP_MESSAGES } from "../../../rules/require-backup.js";
import { MESSAGES as DRY_RUN_MESSAGES, PYTHON_MESSAGES as DRY_RUN_PYTHON } from "../../../rules/dry-run-by-default.js";
import { MESSAGES as ENV_MESSAGES, PYTHON_MESSAGES as ENV_PYTHON } from "../../../rules/env-fail-closed.js";
import { MESSAGES as CHECK_MESSAGES, PYTHON_MESSAGES as CHECK_PYTHON } from "../../../rules/require-production-check.js";
import { stripFrameworkPrefix } from "../../analysis/env-names.js";
import {
  assignmentsTo,
  callSitesOf,
  callsIn,
  contains,
  enclosingFunction,
  field,
  fields,
  importsOf,
  keywordArg,
  lastName,
  localFunctions,
  namedChildren,
  parameterOf,
  positionalArgs,
  qualifiedName,
  resolveName,
  staticString,
  textOf,
  unwrap,
  walk,
} from "./ast.js";
import { type PyContext, formatMessage, messageOf, report } from "./context.js";
import { envAccesses } from "./env.js";
import { alwaysStops, canRunAfter, reachedOnlyAfter } from "./flow.js";
import { isPyMutationScript } from "./group-a.js";
import type { PyFile, PyNode } from "./parser.js";
import { getPyDestructive, type PyDestructive, pyCallMatches } from "./writes.js";

/** The destructive calls of a file (see ./writes.ts), in source order. */
function destructiveCalls(context: PyContext): PyDestructive[] {
  const names = context.contract.safety?.destructive;
  return callsIn(context.file.root).flatMap((call) => {
    const found = getPyDestructive(context.file, call, names);
    return found ? [found] : [];
  });
}

const LINE = (file: PyFile, node: PyNode): number => file.text.slice(0, node.start).split("\n").length;

/** Names that are never targets: builtins and names bound by imports or same-file functions. */
const BUILTINS = new Set(["str", "int", "len", "list", "dict", "set", "tuple", "sorted", "print", "repr", "float", "bool", "self", "None", "True", "False"]);

/** The variables an expression reads (roots of attribute chains; not callee names, not imports or functions). */
function rootsOf(file: PyFile, node: PyNode | undefined, out = new Set<string>()): Set<string> {
  const n = unwrap(node);
  if (!n) return out;
  const imports = importsOf(file).bindings;
  const functions = localFunctions(file);
  walk(n, (x) => {
    if (x.type === "lambda" || x.type === "function_definition") return false;
    if (x.type === "keyword_argument") {
      rootsOf(file, field(x, "value"), out);
      return false;
    }
    if (x.type === "attribute") {
      rootsOf(file, field(x, "object"), out);
      return false;
    }
    if (x.type === "call") {
      const callee = unwrap(field(x, "function"));
      if (callee?.type === "attribute") rootsOf(file, field(callee, "object"), out);
      const args = field(x, "arguments");
      if (args) rootsOf(file, args, out);
      return false;
    }
    if (x.type === "identifier") {
      const name = textOf(file, x);
      if (!BUILTINS.has(name) && !imports.has(name) && !functions.has(name)) out.add(name);
    }
    return undefined;
  });
  return out;
}

/**
 * The targets of a destructive call: the variables its arguments read, and those read by the arguments of
 * the calls it is chained on (`session.query(User).filter(User.id.in_(ids)).delete()` targets `ids`).
 */
function targetsOf(file: PyFile, call: PyNode): Set<string> {
  const out = rootsOf(file, field(call, "arguments"));
  for (let n = unwrap(field(call, "function")); n && (n.type === "attribute" || n.type === "call"); ) {
    if (n.type === "call") {
      rootsOf(file, field(n, "arguments"), out);
      n = unwrap(field(n, "function"));
    } else n = unwrap(field(n, "object"));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// require-production-check

const FORCE_NAMES = /^(?:force|yes|assume_?yes|skip_?safety(?:_?checks?)?|no_?safety)$/i;
const FORCE_FLAGS = new Set(["--force", "-f", "--yes", "-y", "--assume-yes", "--skip-safety"]);

/** Force / yes reads in a condition (not inside nested functions). */
function forceReads(file: PyFile, node: PyNode | undefined, out: PyNode[]): void {
  const n = unwrap(node);
  if (!n) return;
  walk(n, (x) => {
    if (x.type === "lambda") return false;
    if (x.type === "identifier" && FORCE_NAMES.test(textOf(file, x)) && x.parent?.type !== "attribute" && x.parent?.type !== "keyword_argument") {
      out.push(x);
      return false;
    }
    if (x.type === "attribute" && FORCE_NAMES.test(lastName(file, x) ?? "")) {
      out.push(x);
      return false;
    }
    if (x.type === "comparison_operator") {
      const left = namedChildren(x)[0];
      const flag = staticString(file, left);
      if (flag !== undefined && FORCE_FLAGS.has(flag)) {
        out.push(x);
        return false;
      }
    }
    return undefined;
  });
}

/** The conditions that gate a node inside its function: enclosing if/elif conditions, `and`/`or` left sides, ternary conditions. */
function gatingTests(node: PyNode): PyNode[] {
  const out: PyNode[] = [];
  let child = node;
  for (let p = node.parent; p && p.type !== "function_definition" && p.type !== "module"; child = p, p = p.parent) {
    if (p.type === "if_statement" || p.type === "elif_clause") {
      const condition = field(p, "condition");
      if (condition) out.push(condition);
      if (p.type === "elif_clause" && p.parent) {
        const first = field(p.parent, "condition");
        if (first) out.push(first);
      }
    } else if (p.type === "else_clause" && p.parent?.type === "if_statement") {
      const first = field(p.parent, "condition");
      if (first) out.push(first);
    } else if (p.type === "boolean_operator" && field(p, "right") === child) {
      const left = field(p, "left");
      if (left) out.push(left);
    } else if (p.type === "conditional_expression") {
      const condition = namedChildren(p)[1];
      if (condition && condition !== child) out.push(condition);
    }
  }
  return out;
}

export function checkProductionCheck(context: PyContext): void {
  const { file, contract } = context;
  const safety = contract.safety;
  const productionCheck = safety?.productionCheck;
  if (!safety || !productionCheck || productionCheck.length === 0) return;
  // Choice: migrations are where destructive SQL belongs (an Alembic `op.execute("DROP ...")`): not checked.
  if (context.zone === "tests" || context.zone === "ignore" || context.zone === "migrations") return;
  const found = destructiveCalls(context);
  if (found.length === 0) return;
  const safetyCheck = safety.safetyCheck ?? [];
  const calls = callsIn(file.root);
  const gates = calls.filter((c) => pyCallMatches(file, c, productionCheck) && c.parent?.type !== "expression_statement");
  const checks = calls.filter((c) => pyCallMatches(file, c, safetyCheck));
  const confirms = calls.filter((c) => pyCallMatches(file, c, safety.confirm));
  const isGate = (n: PyNode): boolean => n.type === "call" && gates.includes(n);
  const checkName = safetyCheck[0] ?? "safetyCheck";
  const rule = "require-production-check";
  const message = (id: keyof typeof CHECK_MESSAGES, data: Record<string, string>): string => formatMessage(messageOf(CHECK_MESSAGES, CHECK_PYTHON, id), data);

  // PS-2: a force flag in a condition gating the production check or a safety check.
  const flags: PyNode[] = [];
  for (const node of [...gates, ...checks]) for (const test of gatingTests(node)) forceReads(file, test, flags);
  const seen = new Set<PyNode>();
  for (const flag of flags.sort((a, b) => a.start - b.start)) {
    if (seen.has(flag)) continue;
    seen.add(flag);
    report(context, rule, flag, message("forceOverridesSafety", { flag: textOf(file, flag) }));
  }
  // PS-1: confirmation before the safety check.
  for (const confirm of confirms) {
    if ([...gates, ...checks].some((x) => x !== confirm && canRunAfter(confirm, x))) {
      report(context, rule, confirm, message("confirmBeforeCheck", { confirm: lastName(file, field(confirm, "function")) ?? "confirm" }));
    }
  }
  // PS-3: one element, or "some", checked instead of each target.
  const partial: PyNode[] = [];
  for (const check of checks) {
    const argument = unwrap(positionalArgs(check)[0]);
    const index = argument?.type === "subscript" ? unwrap(field(argument, "subscript")) : undefined;
    if (argument && index && (index.type === "integer" || index.type === "unary_operator")) {
      partial.push(check);
      report(context, rule, check, message("partialBatch", { safetyCheck: lastName(file, field(check, "function")) ?? checkName, how: `only ${textOf(file, argument)}` }));
      continue;
    }
    const generator = check.parent?.type === "generator_expression" || check.parent?.type === "list_comprehension" ? check.parent : undefined;
    const outer = generator?.parent?.type === "call" ? generator.parent : generator?.parent?.parent;
    const outerName = outer?.type === "call" ? lastName(file, field(outer, "function")) : undefined;
    if (generator && (outerName === "any" || outerName === "next")) {
      partial.push(check);
      report(context, rule, check, message("partialBatch", { safetyCheck: lastName(file, field(check, "function")) ?? checkName, how: "whether some target is safe" }));
    }
  }
  const explained = new Set([...flags, ...partial].map((n) => enclosingFunction(n)));
  const check = `${productionCheck[0]}()`;
  for (const call of found) {
    if (explained.has(enclosingFunction(call.call))) continue;
    if (!reachedOnlyAfter(file, call.call, isGate)) {
      report(context, rule, call.call, message("noProductionCheck", { what: call.what, check, safetyCheck: checkName }));
      continue;
    }
    // Choice (as in JavaScript): without safety.safetyCheck only the production check is required.
    if (safetyCheck.length === 0) continue;
    const targets = targetsOf(file, call.call);
    if (!new TargetCheck(file, safetyCheck, gates).checked(call.call, targets, 0)) {
      report(context, rule, call.call, message("targetNotChecked", { what: call.what, target: targets.size === 0 ? "every row" : [...targets].join(", "), safetyCheck: checkName }));
    }
  }
}

/** "Did a safety check decide this target" (see the module header). */
class TargetCheck {
  private readonly functions: Map<string, PyNode>;

  constructor(
    private readonly file: PyFile,
    private readonly names: readonly string[],
    private readonly gates: readonly PyNode[],
  ) {
    this.functions = localFunctions(file);
  }

  /** The safety-check calls in a condition (not nested functions). */
  private checksIn(condition: PyNode | undefined): PyNode[] {
    if (!condition) return [];
    return callsIn(condition).filter((c) => pyCallMatches(this.file, c, this.names));
  }

  /** True when a condition applies a safety check to one of the variables (to any, for an empty set). */
  private decides(condition: PyNode | undefined, vars: ReadonlySet<string>): boolean {
    return this.checksIn(condition).some((c) => vars.size === 0 || [...rootsOf(this.file, field(c, "arguments"))].some((v) => vars.has(v)));
  }

  /** True when the node runs only outside production (else of `if is_production():`, then of `if not is_production():`). */
  private nonProduction(node: PyNode): boolean {
    const isProd = (n: PyNode | undefined): boolean => {
      const u = unwrap(n);
      if (!u) return false;
      if (u.type === "call") return this.gates.includes(u);
      if (u.type === "identifier") {
        const resolved = resolveName(this.file, u, textOf(this.file, u));
        return resolved?.kind === "value" && isProd(resolved.value);
      }
      return false;
    };
    for (let p = node.parent; p && p.type !== "function_definition"; p = p.parent) {
      if (p.type !== "if_statement") continue;
      const condition = unwrap(field(p, "condition"));
      const inElse = fields(p, "alternative").some((a) => contains(a, node));
      if (inElse && isProd(condition)) return true;
      const consequence = field(p, "consequence");
      if (consequence && contains(consequence, node) && condition?.type === "not_operator" && isProd(field(condition, "argument"))) return true;
    }
    return false;
  }

  /** True when `at` sits in a branch of an if/elif whose condition decides one of the variables. */
  private inDecidedBranch(at: PyNode, vars: ReadonlySet<string>): boolean {
    for (let p = at.parent; p && p.type !== "function_definition"; p = p.parent) {
      if (p.type === "if_statement" || p.type === "elif_clause") {
        const condition = field(p, "condition");
        if (condition && !contains(condition, at) && this.decides(condition, vars)) return true;
      }
      if (p.type === "conditional_expression") {
        const condition = namedChildren(p)[1];
        if (condition && !contains(condition, at) && this.decides(condition, vars)) return true;
      }
    }
    return false;
  }

  /** True when `at` comes only after `if <check on vars>: continue|return|raise|break`. */
  private afterStop(at: PyNode, vars: ReadonlySet<string>): boolean {
    const isStop = (n: PyNode): boolean => n.type === "if_statement" && !contains(n, at) && this.decides(field(n, "condition"), vars) && alwaysStops(this.file, field(n, "consequence"));
    return reachedOnlyAfter(this.file, at, isStop, { throughCallers: false, throughHelpers: false });
  }

  /** True when a collection expression holds only checked targets. */
  private collectionChecked(expr: PyNode | undefined, at: PyNode, depth: number): boolean {
    const n = unwrap(expr);
    if (!n || depth > 5) return false;
    if (n.type === "list_comprehension" || n.type === "generator_expression" || n.type === "set_comprehension") {
      return n.children.some((c) => c.type === "if_clause" && this.checksIn(c).length > 0);
    }
    if (n.type === "call") {
      const name = lastName(this.file, field(n, "function"));
      const first = positionalArgs(n)[0];
      if (name === "filter" && first && this.names.some((x) => x === textOf(this.file, first) || x.endsWith(`.${textOf(this.file, first)}`) || textOf(this.file, first).endsWith(`.${x}`))) return true;
      if (name === "list" || name === "tuple" || name === "sorted" || name === "set") return this.collectionChecked(first, at, depth + 1);
      return false;
    }
    if (n.type === "subscript") return this.collectionChecked(field(n, "value"), at, depth + 1);
    if (n.type === "identifier") return this.nameIsCheckedCollection(textOf(this.file, n), at, depth + 1);
    return false;
  }

  /** A list that gets `append(t)` only where the check passed on `t`, or a name assigned a checked collection anywhere in the function. */
  private nameIsCheckedCollection(name: string, at: PyNode, depth: number): boolean {
    const scope = enclosingFunction(at);
    const appends = callsIn(scope).filter((c) => {
      const callee = unwrap(field(c, "function"));
      return callee?.type === "attribute" && ["append", "add", "extend", "insert"].includes(lastName(this.file, callee) ?? "") && textOf(this.file, field(callee, "object") as PyNode) === name;
    });
    if (appends.length > 0 && appends.every((c) => this.decidedAt(c, rootsOf(this.file, field(c, "arguments")))) && appends.length > 0) return true;
    return assignmentsTo(this.file, scope, name).some((a) => a.type === "assignment" && this.collectionChecked(field(a, "right"), at, depth + 1));
  }

  /** True when `at` is decided for the variables by a branch, a stop, or production being off. */
  private decidedAt(at: PyNode, vars: ReadonlySet<string>): boolean {
    return this.nonProduction(at) || this.inDecidedBranch(at, vars) || this.afterStop(at, vars);
  }

  /** True when the destructive call (or call site) `at` acts only on checked targets `vars`. */
  checked(at: PyNode, vars: ReadonlySet<string>, depth: number): boolean {
    if (depth > 4) return false;
    if (this.decidedAt(at, vars)) return true;
    if (vars.size === 0) return false;
    return [...vars].some((v) => this.varChecked(v, at, depth));
  }

  private varChecked(name: string, at: PyNode, depth: number): boolean {
    const scope = enclosingFunction(at);
    // An element of a checked collection: for t in safe_targets.
    let loop: PyNode | undefined;
    for (let p = at.parent; p && p !== scope; p = p.parent) {
      if (p.type === "for_statement" && textOf(this.file, field(p, "left") as PyNode) === name) {
        loop = p;
        break;
      }
    }
    if (loop && this.collectionChecked(field(loop, "right"), at, depth + 1)) return true;
    // Assigned a checked collection anywhere in the function, or from a checked variable.
    for (const assignment of assignmentsTo(this.file, scope, name)) {
      const value = field(assignment, "right");
      if (this.collectionChecked(value, at, depth + 1)) return true;
      const from = rootsOf(this.file, value);
      from.delete(name);
      if (from.size > 0 && [...from].some((v) => this.decidedAt(at, new Set([v])) || (depth < 3 && this.varChecked(v, at, depth + 1)))) return true;
    }
    // A parameter: every caller in the file passes a checked argument.
    if (scope.type === "function_definition") {
      const parameter = parameterOf(this.file, scope, name);
      const sites = callSitesOf(this.file, scope, this.functions);
      if (parameter && sites.length > 0) {
        return sites.every((site) => {
          const argument = keywordArg(this.file, site, name) ?? positionalArgs(site)[parameter.index - (field(site, "function")?.type === "attribute" && textOf(this.file, field(field(site, "function"), "object") as PyNode) === "self" ? 1 : 0)];
          return argument !== undefined && this.checked(site, rootsOf(this.file, argument), depth + 1);
        });
      }
    }
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// dry-run-by-default

const DRY_RUN_FLAGS = new Set(["--dry-run", "--dryrun", "--dry_run", "--dry", "-n", "-d"]);
const DRY_RUN_NAMES = /^(?:is_?)?dry_?run$|^dry$/i;
/** Flags and option names that opt in to execution (rules/dry-run-by-default.ts reads the same ones). */
const OPT_IN_FLAGS = new Set(["--apply", "--execute", "--exec", "--yes", "-y", "--confirm", "--commit", "--no-dry-run", "--for-real", "--write", "--clear", "--delete", "--purge", "--wipe", "--reset", "--prune"]);
const OPT_IN_NAMES = /^(?:apply|execute|exec|yes|confirm(?:ed)?|commit|for_?real|write|clear|delete|purge|wipe|reset|prune|no_dry_run)$/i;
const PROMPTS = new Set(["input", "getpass", "raw_input", "prompt", "ask", "confirm"]);

type Tri = boolean | undefined;
interface Binding {
  expr: PyNode | undefined;
  bindings: Bindings;
}
type Bindings = ReadonlyMap<string, Binding>;

/** Evaluates conditions with every opt-in absent (see the module header). */
class Defaults {
  /** argparse options by dest: their default. */
  private readonly options = new Map<string, Tri>();
  /** Dry-run reads that default to false: the node and its text for the message. */
  readonly optOuts: { node: PyNode; flag: string }[] = [];
  private readonly functions: Map<string, PyNode>;

  constructor(
    private readonly file: PyFile,
    private readonly confirm: readonly string[] | undefined,
  ) {
    this.functions = localFunctions(file);
    for (const call of callsIn(file.root)) {
      if (lastName(file, field(call, "function")) !== "add_argument") continue;
      const flags = positionalArgs(call).map((a) => staticString(file, a)).filter((s): s is string => s !== undefined);
      const long = flags.find((f) => f.startsWith("--")) ?? flags[0];
      if (long === undefined) continue;
      const dest = staticString(file, keywordArg(file, call, "dest")) ?? long.replace(/^-+/, "").replaceAll("-", "_");
      const action = staticString(file, keywordArg(file, call, "action"));
      const defaultNode = unwrap(keywordArg(file, call, "default"));
      let value: Tri = action === "store_true" ? false : action === "store_false" ? true : undefined;
      if (defaultNode?.type === "true") value = true;
      else if (defaultNode?.type === "false" || defaultNode?.type === "none") value = false;
      else if (!action) value = defaultNode ? undefined : false;
      // Only the opt-ins and dry-run switches have a known value with no flag given: other flags
      // (`--force` skips a prompt) are not an opt-in to execution, so their value is not assumed.
      if (OPT_IN_NAMES.test(dest) || DRY_RUN_NAMES.test(dest)) this.options.set(dest, value);
      if (flags.some((f) => DRY_RUN_FLAGS.has(f) && f.startsWith("--")) && value === false) this.optOuts.push({ node: call, flag: `add_argument("${long}")` });
    }
    walk(file.root, (n) => {
      if (n.type === "comparison_operator") {
        const flag = staticString(file, namedChildren(n)[0]);
        const operator = n.children.find((c) => c.field === "operators");
        if (flag !== undefined && DRY_RUN_FLAGS.has(flag) && flag.startsWith("--") && operator && textOf(file, operator) === "in") this.optOuts.push({ node: n, flag: textOf(file, n) });
      }
      if (n.type === "assignment" || n.type === "default_parameter" || n.type === "typed_default_parameter") {
        const name = n.type === "assignment" ? field(n, "left") : field(n, "name");
        const value = unwrap(n.type === "assignment" ? field(n, "right") : field(n, "value"));
        if (name?.type === "identifier" && DRY_RUN_NAMES.test(textOf(file, name)) && value?.type === "false") this.optOuts.push({ node: n, flag: textOf(file, n) });
      }
      return undefined;
    });
    for (const access of envAccesses(file)) {
      if (access.kind === "read" && access.complete && DRY_RUN_NAMES.test(access.name)) this.optOuts.push({ node: access.node, flag: textOf(file, access.node) });
    }
    this.optOuts.sort((a, b) => a.node.start - b.node.start);
  }

  /** A value under defaults: true, false, or undefined (not known). Strings are true when non-empty. */
  value(node: PyNode | undefined, bindings: Bindings, depth = 0): Tri | string | null {
    const n = unwrap(node);
    if (!n || depth > 8) return undefined;
    switch (n.type) {
      case "true":
        return true;
      case "false":
        return false;
      case "none":
        return null;
      case "string":
        return staticString(this.file, n);
      case "not_operator": {
        const v = this.truth(field(n, "argument"), bindings, depth + 1);
        return v === undefined ? undefined : !v;
      }
      case "boolean_operator": {
        const op = textOf(this.file, field(n, "operator") as PyNode);
        const left = this.truth(field(n, "left"), bindings, depth + 1);
        const right = this.truth(field(n, "right"), bindings, depth + 1);
        if (op === "and") return left === false || right === false ? false : left === true && right === true ? true : undefined;
        return left === true || right === true ? true : left === false && right === false ? false : undefined;
      }
      case "comparison_operator":
        return this.compare(n, bindings, depth);
      case "attribute": {
        const name = lastName(this.file, n) ?? "";
        return this.options.has(name) ? this.options.get(name) : undefined;
      }
      case "call": {
        if (pyCallMatches(this.file, n, this.confirm)) return false;
        const name = qualifiedName(this.file, field(n, "function"));
        if (name === "os.environ.get" || name === "os.getenv") {
          // Only an opt-in or dry-run variable is known to be unset when no one opted in (CI, for one, is not).
          const variable = staticString(this.file, positionalArgs(n)[0]);
          if (variable === undefined || !(OPT_IN_NAMES.test(variable) || DRY_RUN_NAMES.test(variable))) return undefined;
          const fallback = positionalArgs(n)[1];
          return fallback ? this.value(fallback, bindings, depth + 1) : null;
        }
        const last = lastName(this.file, field(n, "function")) ?? "";
        if (["lower", "upper", "strip"].includes(last)) {
          const callee = unwrap(field(n, "function"));
          return callee?.type === "attribute" ? this.value(field(callee, "object"), bindings, depth + 1) : undefined;
        }
        if (name === "bool") return this.truth(positionalArgs(n)[0], bindings, depth + 1);
        return undefined;
      }
      case "identifier": {
        const text = textOf(this.file, n);
        const bound = bindings.get(text);
        if (bound) return this.value(bound.expr, bound.bindings, depth + 1);
        const resolved = resolveName(this.file, n, text);
        if (resolved?.kind === "value") return this.value(resolved.value, bindings, depth + 1);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  truth(node: PyNode | undefined, bindings: Bindings, depth = 0): Tri {
    const v = this.value(node, bindings, depth);
    if (v === undefined) return undefined;
    if (v === null) return false;
    if (typeof v === "string") return v.length > 0;
    return v;
  }

  /** True when a node is a typed answer: a prompt call, or a name assigned one. */
  private isAnswer(node: PyNode | undefined, depth = 0): boolean {
    const n = unwrap(node);
    if (!n || depth > 4) return false;
    if (n.type === "call") {
      const last = lastName(this.file, field(n, "function")) ?? "";
      if (PROMPTS.has(last)) return true;
      const callee = unwrap(field(n, "function"));
      return ["lower", "upper", "strip"].includes(last) && callee?.type === "attribute" && this.isAnswer(field(callee, "object"), depth + 1);
    }
    if (n.type === "identifier") {
      const resolved = resolveName(this.file, n, textOf(this.file, n));
      return resolved?.kind === "value" && this.isAnswer(resolved.value, depth + 1);
    }
    return false;
  }

  private compare(n: PyNode, bindings: Bindings, depth: number): Tri {
    const operands = namedChildren(n);
    const operators = n.children.filter((c) => c.field === "operators").map((o) => textOf(this.file, o).replace(/\s+/g, " "));
    if (operands.length !== 2 || operators.length !== 1) return undefined;
    const [left, right] = operands as [PyNode, PyNode];
    const op = operators[0];
    if (op === "in" || op === "not in") {
      // "--flag" in sys.argv: no flag is given.
      const container = textOf(this.file, right);
      const flag = staticString(this.file, left);
      if (/argv/.test(container) && flag !== undefined && (OPT_IN_FLAGS.has(flag) || DRY_RUN_FLAGS.has(flag))) return op === "not in";
      return undefined;
    }
    if (op !== "==" && op !== "!=" && op !== "is" && op !== "is not") return undefined;
    // A typed confirmation is not given.
    if ((this.isAnswer(left) && staticString(this.file, right) !== undefined) || (this.isAnswer(right) && staticString(this.file, left) !== undefined)) return op === "!=" || op === "is not";
    const a = this.value(left, bindings, depth + 1);
    const b = this.value(right, bindings, depth + 1);
    if (a === undefined || b === undefined) return undefined;
    const equal = a === b;
    return op === "==" || op === "is" ? equal : !equal;
  }

  /**
   * True when the node runs when the script runs with no opt-in (see the module header): it runs in its
   * function, and (for a same-file function) some call of the function runs, its parameters bound to
   * that call's arguments.
   */
  reached(node: PyNode, depth = 0): boolean {
    const fn = enclosingFunction(node);
    if (fn.type !== "function_definition" || depth > 4) return this.reachedLocally(node, new Map());
    const sites = callSitesOf(this.file, fn, this.functions).filter((s) => !contains(fn, s));
    if (sites.length === 0) return this.reachedLocally(node, new Map());
    return sites.some((site) => this.reachedLocally(node, this.bind(fn, site, new Map())) && this.reached(site, depth + 1));
  }

  /** True when no branch or stop of its own function keeps the node from running, with `bindings` for the parameters. */
  private reachedLocally(node: PyNode, bindings: Bindings): boolean {
    // Branches not taken.
    let child = node;
    for (let p = node.parent; p && p.type !== "function_definition" && p.type !== "module"; child = p, p = p.parent) {
      if (p.type === "if_statement") {
        const clauses: { condition: PyNode | undefined; body: PyNode | undefined }[] = [{ condition: field(p, "condition"), body: field(p, "consequence") }];
        for (const alt of fields(p, "alternative")) clauses.push(alt.type === "elif_clause" ? { condition: field(alt, "condition"), body: field(alt, "consequence") } : { condition: undefined, body: field(alt, "body") });
        for (const clause of clauses) {
          const here = clause.body !== undefined && contains(clause.body, child);
          const value = clause.condition ? this.truth(clause.condition, bindings) : true;
          if (here) {
            if (value === false) return false;
            break;
          }
          // An earlier clause taken for sure: later ones are not.
          if (value === true) return false;
        }
      } else if (p.type === "boolean_operator" && field(p, "right") === child) {
        const op = textOf(this.file, field(p, "operator") as PyNode);
        const left = this.truth(field(p, "left"), bindings);
        if ((op === "and" && left === false) || (op === "or" && left === true)) return false;
      }
    }
    // A stop before it: if <true under defaults>: return|exit|raise, or a call of a helper that always stops so.
    const isStop = (n: PyNode): boolean => n.type === "if_statement" && !contains(n, node) && this.truth(field(n, "condition"), bindings) === true && alwaysStops(this.file, field(n, "consequence"));
    return !reachedOnlyAfter(this.file, node, isStop, { throughCallers: false });
  }

  /** The parameters of `fn` bound to a call site's arguments (or their defaults). */
  private bind(fn: PyNode, site: PyNode, outer: Bindings): Bindings {
    const out = new Map<string, Binding>();
    const params = field(fn, "parameters");
    let index = 0;
    const positional = positionalArgs(site);
    const self = field(site, "function")?.type === "attribute" ? 1 : 0;
    for (const p of params ? namedChildren(params) : []) {
      if (p.type === "keyword_separator" || p.type === "positional_separator") continue;
      const id = p.type === "identifier" ? p : p.type === "typed_parameter" ? namedChildren(p)[0] : field(p, "name");
      if (!id || id.type !== "identifier") {
        index++;
        continue;
      }
      const name = textOf(this.file, id);
      const given = keywordArg(this.file, site, name) ?? positional[index - self];
      const fallback = p.type === "default_parameter" || p.type === "typed_default_parameter" ? field(p, "value") : undefined;
      out.set(name, given ? { expr: given, bindings: outer } : { expr: fallback, bindings: new Map() });
      index++;
    }
    return out;
  }
}

export function checkDryRun(context: PyContext): void {
  const { file, contract } = context;
  if (!contract.safety || !isPyMutationScript(context)) return;
  const found = destructiveCalls(context);
  if (found.length === 0) return;
  const defaults = new Defaults(file, contract.safety.confirm);
  const ungated = found.find((call) => defaults.reached(call.call));
  if (!ungated) return;
  if (defaults.optOuts.length > 0) {
    for (const optOut of defaults.optOuts) {
      report(context, "dry-run-by-default", optOut.node, formatMessage(messageOf(DRY_RUN_MESSAGES, DRY_RUN_PYTHON, "dryRunOptOut"), { flag: optOut.flag, what: ungated.what, line: LINE(file, ungated.call) }));
    }
    return;
  }
  report(context, "dry-run-by-default", ungated.call, formatMessage(DRY_RUN_MESSAGES.noDryRun, { what: ungated.what }));
}

// ---------------------------------------------------------------------------------------------------
// require-backup

export function checkBackup(context: PyContext): void {
  const { file, contract } = context;
  const backup = contract.safety?.backup;
  if (!backup || backup.length === 0 || !isPyMutationScript(context)) return;
  const functions = localFunctions(file);
  const isAsyncLocal = (call: PyNode): boolean => {
    const callee = unwrap(field(call, "function"));
    const fn = callee?.type === "identifier" ? functions.get(textOf(file, callee)) : undefined;
    return fn?.children.some((c) => c.type === "async") === true;
  };
  const awaited = (call: PyNode): boolean => call.parent?.type === "await";
  const isBackup = (n: PyNode): boolean => n.type === "call" && pyCallMatches(file, n, backup) && (!isAsyncLocal(n) || awaited(n));
  const isAnyBackup = (n: PyNode): boolean => n.type === "call" && pyCallMatches(file, n, backup);
  const unawaited = callsIn(file.root).filter((c) => pyCallMatches(file, c, backup) && isAsyncLocal(c) && !awaited(c));
  const names = backup.map((name) => `${name}()`).join(" or ");
  for (const call of destructiveCalls(context)) {
    if (reachedOnlyAfter(file, call.call, isBackup)) continue;
    const pending = unawaited.find((b) => canRunAfter(b, call.call));
    if (pending && reachedOnlyAfter(file, call.call, isAnyBackup)) {
      report(context, "require-backup", call.call, formatMessage(BACKUP_MESSAGES.backupNotAwaited, { what: call.what, line: LINE(file, pending), name: lastName(file, field(pending, "function")) ?? "backup" }));
      continue;
    }
    report(context, "require-backup", call.call, formatMessage(BACKUP_MESSAGES.noBackup, { what: call.what, backup: names }));
  }
}

// ---------------------------------------------------------------------------------------------------
// env-fail-closed

const NORMALIZERS = new Set(["lower", "upper", "strip", "casefold", "lstrip", "rstrip"]);

/** Climbs from a read through `.lower()`-style calls and parentheses. */
function climb(file: PyFile, node: PyNode): PyNode {
  let n = node;
  for (;;) {
    const p = n.parent;
    if (p?.type === "parenthesized_expression") {
      n = p;
      continue;
    }
    if (p?.type === "attribute" && field(p, "object") === n && NORMALIZERS.has(lastName(file, p) ?? "") && p.parent?.type === "call") {
      n = p.parent;
      continue;
    }
    return n;
  }
}

/** True when a comparison compares with "production" (`==`, `!=`, `in (...)`). */
function comparesWithProduction(file: PyFile, comparison: PyNode, operand: PyNode): boolean {
  const other = namedChildren(comparison).find((c) => c !== operand);
  if (!other) return false;
  if (staticString(file, other) === "production") return true;
  const o = unwrap(other);
  return (o?.type === "tuple" || o?.type === "list" || o?.type === "set") && namedChildren(o).some((e) => staticString(file, e) === "production");
}

export function checkEnvFailClosed(context: PyContext): void {
  const { file, contract } = context;
  const variables = (contract.safety?.environment?.variables ?? []).map((v) => stripFrameworkPrefix(v).toUpperCase());
  if (variables.length === 0 || !isPyMutationScript(context)) return;
  const rule = "env-fail-closed";
  const message = (id: keyof typeof ENV_MESSAGES, data: Record<string, string>): string => formatMessage(messageOf(ENV_MESSAGES, ENV_PYTHON, id), data);
  for (const access of envAccesses(file)) {
    if (access.kind !== "read" || !access.complete || !variables.includes(stripFrameworkPrefix(access.name).toUpperCase())) continue;
    // os.environ["X"] raises KeyError when unset: it fails closed.
    if (access.fallback === undefined) continue;
    let fallback = access.fallback === null || unwrap(access.fallback)?.type === "none" ? undefined : access.fallback;
    const read = climb(file, access.node);
    if (!fallback && read.parent?.type === "boolean_operator" && field(read.parent, "left") === read && textOf(file, field(read.parent, "operator") as PyNode) === "or") fallback = field(read.parent, "right");
    if (fallback) {
      const value = staticString(file, fallback);
      if (value === undefined) report(context, rule, access.node, message("unknownFallback", { name: access.name, value: textOf(file, fallback) }));
      else if (value !== "production") report(context, rule, access.node, message("fallback", { name: access.name, value }));
      continue;
    }
    const comparisons: PyNode[] = [];
    if (read.parent?.type === "comparison_operator" && comparesWithProduction(file, read.parent, read)) comparisons.push(read.parent);
    // Through a name bound to the read: env = os.getenv("ENVIRONMENT"); if env == "production": ...
    const assignment = read.parent?.type === "assignment" && field(read.parent, "right") === read ? read.parent : undefined;
    const target = assignment ? field(assignment, "left") : undefined;
    if (target?.type === "identifier") {
      const name = textOf(file, target);
      walk(enclosingFunction(assignment as PyNode), (n) => {
        if (n.type === "identifier" && textOf(file, n) === name && n.start > (assignment as PyNode).end) {
          const used = climb(file, n);
          if (used.parent?.type === "comparison_operator" && comparesWithProduction(file, used.parent, used)) comparisons.push(used.parent);
        }
        return undefined;
      });
    }
    for (const comparison of comparisons) {
      const unsetStops = (n: PyNode): boolean => {
        if (n.type !== "if_statement" || contains(n, comparison) || !alwaysStops(file, field(n, "consequence"))) return false;
        const condition = unwrap(field(n, "condition"));
        const subject = condition?.type === "not_operator" ? unwrap(field(condition, "argument")) : condition?.type === "comparison_operator" ? namedChildren(condition)[0] : undefined;
        if (!subject) return false;
        const text = textOf(file, subject);
        return text === textOf(file, access.node) || (target !== undefined && text === textOf(file, target));
      };
      if (reachedOnlyAfter(file, comparison, unsetStops)) continue;
      report(context, rule, comparison, message("unsetNotProduction", { name: access.name }));
    }
  }
}
