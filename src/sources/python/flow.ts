/**
 * "Is this reached only after that, on every path" for Python (the question src/analysis/code-path.ts
 * answers for JavaScript with ESLint's code paths). Python's control flow is structured, so it is read
 * from the statements: `if`/`elif`/`else` join their branches, a loop body may run zero times, `return`,
 * `raise`, `break`, `continue` and `sys.exit()` / `exit()` / `os._exit()` end a path, an `except` handler
 * starts from what held before the `try`, `finally` runs on every path, and a nested `def` runs only when
 * called. An event inside an expression counts when it is evaluated unconditionally before the target
 * (not on the right of `and`/`or`, not in a branch of `x if c else y`, not inside a lambda or
 * comprehension), so `if is_production():` and `ok = is_production()` both count.
 *
 * `throughCallers`: a target in a same-file function is reached only after the event when every call of
 * that function is (depth 4); a same-file helper that runs the event on every path to its end counts as
 * the event (depth 2).
 */
import { callSitesOf, calledLocalFunction, contains, enclosingFunction, field, fields, localFunctions, namedChildren, textOf, walk } from "./ast.js";
import type { PyFile, PyNode } from "./parser.js";

/** Calls that end the process. */
const EXIT_CALLS = new Set(["sys.exit", "exit", "quit", "os._exit", "os.abort"]);

/** True when a call ends the process (`sys.exit(...)`, `exit()`, `quit()`, `os._exit(...)`). */
export function isExitCall(file: PyFile, call: PyNode): boolean {
  const callee = field(call, "function");
  if (!callee) return false;
  const name = textOf(file, callee).replace(/\s+/g, "");
  return EXIT_CALLS.has(name);
}

/** Expression parts that are not evaluated unconditionally with their statement. */
const CONDITIONAL_EXPRESSIONS = new Set(["lambda", "list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression", "function_definition", "class_definition"]);

/** An event predicate: true for a call (or a statement) that is the event. */
export type EventTest = (node: PyNode) => boolean;

/** Statements that are a block's items. */
function statementsOf(block: PyNode | undefined): PyNode[] {
  if (!block) return [];
  return namedChildren(block);
}

class Flow {
  /** Done-states at `return` statements of the analysed body (for helpers that always run the event). */
  returns: boolean[] = [];

  constructor(
    readonly file: PyFile,
    readonly target: PyNode | undefined,
    readonly isEvent: EventTest,
  ) {}

  /** True when an event is evaluated unconditionally in `node`, ending before `before` when given. */
  eventIn(node: PyNode | undefined, before?: number): boolean {
    if (!node) return false;
    let found = false;
    walk(node, (n) => {
      if (found) return false;
      if (n !== node && (CONDITIONAL_EXPRESSIONS.has(n.type) || n.type === "block")) return false;
      if (before !== undefined && n.start >= before) return false;
      if (n.type === "call" && (before === undefined || n.end <= before) && this.isEvent(n)) {
        found = true;
        return false;
      }
      if (n.type === "boolean_operator") {
        // Only the left operand always runs.
        if (this.eventIn(field(n, "left"), before)) found = true;
        return false;
      }
      if (n.type === "conditional_expression") {
        // `a if c else b`: only the condition (the second named child) always runs.
        if (this.eventIn(namedChildren(n)[1], before)) found = true;
        return false;
      }
      return undefined;
    });
    return found;
  }

  has(node: PyNode): boolean {
    return this.target !== undefined && contains(node, this.target);
  }

  /** Done-state after a block (null: no path leaves it normally). */
  blockOut(block: PyNode | undefined, d: boolean): boolean | null {
    let state: boolean | null = d;
    for (const s of statementsOf(block)) {
      if (state === null) return null;
      state = this.stmtOut(s, state);
    }
    return state;
  }

  /** Done-state at the target inside a block (false when a statement before it ends every path: unreachable counts as not done). */
  blockHit(block: PyNode | undefined, d: boolean): boolean {
    let state: boolean | null = d;
    for (const s of statementsOf(block)) {
      if (state === null) return true;
      if (this.has(s)) return this.stmtHit(s, state);
      state = this.stmtOut(s, state);
    }
    return false;
  }

  private and(states: (boolean | null)[]): boolean | null {
    const live = states.filter((s): s is boolean => s !== null);
    return live.length === 0 ? null : live.every(Boolean);
  }

  private ifClauses(s: PyNode): { condition: PyNode | undefined; body: PyNode | undefined }[] {
    const clauses = [{ condition: field(s, "condition"), body: field(s, "consequence") }];
    for (const alt of fields(s, "alternative")) {
      if (alt.type === "elif_clause") clauses.push({ condition: field(alt, "condition"), body: field(alt, "consequence") });
      else clauses.push({ condition: undefined, body: field(alt, "body") });
    }
    return clauses;
  }

  stmtOut(s: PyNode, d: boolean): boolean | null {
    if (this.isEvent(s)) return true;
    switch (s.type) {
      case "if_statement": {
        const outs: (boolean | null)[] = [];
        let state = d;
        let hasElse = false;
        for (const clause of this.ifClauses(s)) {
          if (clause.condition) state = state || this.eventIn(clause.condition);
          else hasElse = true;
          outs.push(this.blockOut(clause.body, state));
        }
        if (!hasElse) outs.push(state);
        return this.and(outs);
      }
      case "for_statement": {
        const state = d || this.eventIn(field(s, "right"));
        const alternative = field(s, "alternative");
        return alternative ? this.blockOut(field(alternative, "body"), state) : state;
      }
      case "while_statement": {
        const condition = field(s, "condition");
        const state = d || this.eventIn(condition);
        if (condition?.type === "true" && !this.hasBreak(field(s, "body"))) return null;
        return state;
      }
      case "try_statement": {
        const body = field(s, "body");
        let main = this.blockOut(body, d);
        const elseClause = s.children.find((c) => c.type === "else_clause");
        if (elseClause && main !== null) main = this.blockOut(field(elseClause, "body"), main);
        const handlers = s.children.filter((c) => c.type === "except_clause" || c.type === "except_group_clause").map((h) => this.blockOut(h.children.find((c) => c.type === "block"), d));
        const joined = this.and([main, ...handlers]);
        const finallyClause = s.children.find((c) => c.type === "finally_clause");
        if (!finallyClause) return joined;
        const after = this.blockOut(finallyClause.children.find((c) => c.type === "block"), joined ?? d);
        return joined === null ? null : after;
      }
      case "with_statement": {
        const state = d || this.eventIn(s.children.find((c) => c.type === "with_clause"));
        return this.blockOut(field(s, "body"), state);
      }
      case "class_definition":
        return this.blockOut(field(s, "body"), d);
      case "function_definition":
      case "decorated_definition":
        return d;
      case "return_statement":
        this.returns.push(d || this.eventIn(s));
        return null;
      case "raise_statement":
      case "break_statement":
      case "continue_statement":
        return null;
      case "expression_statement": {
        const expression = namedChildren(s)[0];
        const done = d || this.eventIn(s);
        if (expression?.type === "call" && isExitCall(this.file, expression)) return null;
        return done;
      }
      case "match_statement":
        return d || this.eventIn(field(s, "subject"));
      default:
        return d || this.eventIn(s);
    }
  }

  stmtHit(s: PyNode, d: boolean): boolean {
    const t = this.target as PyNode;
    switch (s.type) {
      case "if_statement": {
        let state = d;
        for (const clause of this.ifClauses(s)) {
          if (clause.condition && this.has(clause.condition)) return state || this.eventIn(clause.condition, t.start);
          if (clause.condition) state = state || this.eventIn(clause.condition);
          if (clause.body && this.has(clause.body)) return this.blockHit(clause.body, state);
        }
        return d;
      }
      case "for_statement":
      case "while_statement": {
        // The head (a for's iterable, a while's condition) runs first, then the body or the `else` body.
        const head = field(s, s.type === "for_statement" ? "right" : "condition");
        if (head && this.has(head)) return d || this.eventIn(head, t.start);
        const state = d || this.eventIn(head);
        const alternative = field(s, "alternative");
        if (alternative && this.has(alternative)) return this.blockHit(field(alternative, "body"), state);
        return this.blockHit(field(s, "body"), state);
      }
      case "try_statement": {
        const body = field(s, "body");
        if (body && this.has(body)) return this.blockHit(body, d);
        const elseClause = s.children.find((c) => c.type === "else_clause");
        if (elseClause && this.has(elseClause)) {
          const main = this.blockOut(body, d);
          return main === null ? true : this.blockHit(field(elseClause, "body"), main);
        }
        const finallyClause = s.children.find((c) => c.type === "finally_clause");
        for (const handler of s.children.filter((c) => c.type === "except_clause" || c.type === "except_group_clause")) {
          if (this.has(handler)) return this.blockHit(handler.children.find((c) => c.type === "block"), d);
        }
        if (finallyClause) return this.blockHit(finallyClause.children.find((c) => c.type === "block"), d);
        return d;
      }
      case "with_statement": {
        const clause = s.children.find((c) => c.type === "with_clause");
        if (clause && this.has(clause)) return d || this.eventIn(clause, t.start);
        return this.blockHit(field(s, "body"), d || this.eventIn(clause));
      }
      case "class_definition":
        return this.blockHit(field(s, "body"), d);
      case "match_statement": {
        const state = d || this.eventIn(field(s, "subject"));
        for (const block of s.children.filter((c) => c.type === "block")) {
          for (const c of namedChildren(block)) if (this.has(c)) return this.blockHit(field(c, "consequence"), state);
        }
        return state;
      }
      default:
        return d || this.eventIn(s, t.start);
    }
  }

  private hasBreak(body: PyNode | undefined): boolean {
    if (!body) return false;
    let found = false;
    walk(body, (n) => {
      if (found || n.type === "for_statement" || n.type === "while_statement" || n.type === "function_definition") return false;
      if (n.type === "break_statement") found = true;
      return undefined;
    });
    return found;
  }
}

/** The body a scope runs: a function's block, or the module. */
function bodyOf(scope: PyNode): PyNode | undefined {
  return scope.type === "module" ? scope : field(scope, "body");
}

/** Options of `reachedOnlyAfter`. */
export interface ReachOptions {
  /** Follow a target in a same-file function to every call of that function (default true). */
  throughCallers?: boolean;
  /** Count a call of a same-file helper that runs the event on every path to its end (default true). */
  throughHelpers?: boolean;
  /**
   * What holds for a target in a same-file function that nothing in the file calls (it runs when another
   * module calls it). Default false.
   */
  uncalled?: boolean;
}

/**
 * True when every path to `target`, from the start of its function (or the module), runs an event first.
 * @param target a node (usually a call or statement) of the file.
 * @param isEvent the event predicate, asked about calls evaluated unconditionally and about statements.
 */
export function reachedOnlyAfter(file: PyFile, target: PyNode, isEvent: EventTest, options: ReachOptions = {}, depth = 0): boolean {
  const functions = localFunctions(file);
  const throughHelpers = options.throughHelpers !== false;
  const test: EventTest = throughHelpers ? withHelpers(file, isEvent, functions) : isEvent;
  const scope = enclosingFunction(target);
  if (scope.type === "lambda") return false;
  const flow = new Flow(file, target, test);
  if (flow.blockHit(bodyOf(scope), false)) return true;
  if (options.throughCallers === false || scope.type !== "function_definition" || depth >= 4) return false;
  const sites = callSitesOf(file, scope, functions).filter((site) => !contains(scope, site));
  if (sites.length === 0) return options.uncalled ?? false;
  return sites.every((site) => reachedOnlyAfter(file, site, isEvent, options, depth + 1));
}

const helperCache = new WeakMap<EventTest, Map<PyNode, boolean>>();

/** The event test extended to calls of same-file helpers that run the event on every path to their end. */
function withHelpers(file: PyFile, isEvent: EventTest, functions: Map<string, PyNode>, depth = 0): EventTest {
  let cache = helperCache.get(isEvent);
  if (!cache) {
    cache = new Map();
    helperCache.set(isEvent, cache);
  }
  const memo = cache;
  const test: EventTest = (node) => {
    if (isEvent(node)) return true;
    if (node.type !== "call" || depth >= 2) return false;
    const fn = calledLocalFunction(file, node, functions);
    if (!fn) return false;
    if (!memo.has(fn)) {
      memo.set(fn, false);
      memo.set(fn, alwaysRuns(file, fn, withHelpers(file, isEvent, functions, depth + 1)));
    }
    return memo.get(fn) === true;
  };
  return test;
}

/** True when a function runs the event on every path that ends normally or returns. */
export function alwaysRuns(file: PyFile, fn: PyNode, isEvent: EventTest): boolean {
  const flow = new Flow(file, undefined, isEvent);
  const out = flow.blockOut(field(fn, "body"), false);
  const states = [...flow.returns, ...(out === null ? [] : [out])];
  return states.length > 0 && states.every(Boolean);
}

/** True when a statement (or block) ends every path through it (return, raise, break, continue, exit). */
export function alwaysStops(file: PyFile, node: PyNode | undefined): boolean {
  if (!node) return false;
  const flow = new Flow(file, undefined, () => false);
  return (node.type === "block" ? flow.blockOut(node, false) : flow.stmtOut(node, false)) === null;
}

/** True when `to` can run after `from` in the same function (source order, not in exclusive branches of one if). */
export function canRunAfter(from: PyNode, to: PyNode): boolean {
  if (enclosingFunction(from) !== enclosingFunction(to) || to.start < from.end) return false;
  // Exclusive branches: the nearest if holding both, with each in a different clause.
  for (let p = from.parent; p; p = p.parent) {
    if (!contains(p, to)) continue;
    if (p.type === "if_statement") {
      const clauses = [field(p, "consequence"), ...fields(p, "alternative")].filter((c): c is PyNode => c !== undefined);
      const a = clauses.find((c) => contains(c, from));
      const b = clauses.find((c) => contains(c, to));
      if (a && b && a !== b) return false;
    }
    break;
  }
  return true;
}
