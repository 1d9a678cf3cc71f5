/**
 * A control-flow view of one file for the group D rules (docs/design.md, Rule groups group D, issue 6: "a real control-flow
 * view built from ESLint's code path events, not statement order alone"): "is node N reached only after
 * an event E, on every path of its function?".
 *
 * Built from ESLint's code path analysis (https://eslint.org/docs/latest/extend/code-path-analysis):
 * `onCodePathStart/End`, `onCodePathSegmentStart/End`, `onCodePathSegmentLoop`,
 * `onUnreachableCodePathSegmentStart/End`. ESLint 10 removed `CodePath#currentSegments`, so the current
 * segments are tracked here exactly as ESLint's own `no-unreachable` does (a stack of sets, one per
 * code path). Every call, `new`, tagged template and every node a rule `mark`s is recorded with the
 * segments current when it was entered; a segment keeps its recorded nodes in visit order.
 *
 * Semantics of `isReachedOnlyAfter(node, isEvent)`: for every reachable segment S that holds `node`,
 * either an event in S completes before `node` (its range ends at or before `node`'s end: an argument
 * completes before its call) or every backward path from S (through `prevSegments`, which ESLint fills
 * with reachable predecessors only) meets a segment that holds an event or a path terminator before it
 * meets the code path's initial segment. ESLint already ends a path at `return`, `throw`, `break`,
 * `continue`; this module adds `process.exit(...)` (and `process.abort()`) as terminators, which ESLint
 * does not know. Loops are handled by the graph (a back edge is a predecessor like any other); `finally`
 * blocks are visited once with one segment per way in, each of which is checked.
 *
 * Events in a helper. A call of a function declared in the same file (a function declaration, or a
 * `const` bound to a function or arrow expression) counts as an event when every normal completion of
 * that function (its `returnedSegments`) is reached only after an event, to a depth of HELPER_DEPTH.
 * Callers. With `throughCallers`, a node in such a function whose every reference is a direct call
 * (at least one) is also reached only after E when every one of those calls is; a node in a callback
 * written inline as an argument is reached only after E when the call it is passed to is.
 *
 * `try`/`catch`: ESLint forks a `try` block to its `catch` only after the first call that may throw, so an
 * event inside a `try` block counts only when the `catch` stops (throw, return, process.exit): an event
 * that threw into a catch that carries on did not happen. For the same reason an event inside a `try`
 * block never counts for a node in that statement's `finally` block.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../ts-ast.js";
import { getPropertyName } from "./ast.js";

type Segment = TSESLint.CodePathSegment;
type CodePath = TSESLint.CodePath;

/** A function node (its own code path). */
export type FunctionLike = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

/** How deep helper functions are followed (a helper calling a helper calling a helper). */
export const HELPER_DEPTH = 3;

/** A predicate over recorded nodes (calls and marked nodes). */
export type EventTest = (node: TSESTree.Node) => boolean;

/** Options of a reachability question. */
export interface ReachOptions {
  /** Also accept a node whose function is only ever called from places reached only after an event. */
  throughCallers?: boolean;
}

/** The control-flow view of one file; see the module header. */
export interface CodePathView {
  /** Code path listeners to merge into a rule's listeners (they also record every call). */
  listeners: TSESLint.RuleListener;
  /** Records `node` with the current segments; call it from a node listener of the rule. */
  mark(node: TSESTree.Node): void;
  /** Runs `callback` once, when the whole file's code paths are complete (after `Program:exit`). */
  onComplete(callback: () => void): void;
  /** False when `node` was recorded in no reachable segment (dead code, also after `process.exit`), or never recorded. */
  isReachable(node: TSESTree.Node): boolean;
  /** True when `node` is reached, on every path of its function, only after an event (see header). */
  isReachedOnlyAfter(node: TSESTree.Node, isEvent: EventTest, options?: ReachOptions): boolean;
  /** True when some path leads from `from` to `to` within one code path (`from` completes first). */
  canReach(from: TSESTree.Node, to: TSESTree.Node): boolean;
  /**
   * The direct calls of a same-file function, or undefined when it is exported, unnamed, or used in any
   * other way than being called (passed as a callback, assigned).
   */
  callSites(fn: FunctionLike): TSESTree.CallExpression[] | undefined;
  /** `callSites`, or for an inline callback argument the call it is passed to (see `invocationsOf`). */
  invocations(fn: FunctionLike): TSESTree.CallExpression[] | undefined;
  /** The function node that owns `node`'s code path, or undefined at module top level. */
  functionOf(node: TSESTree.Node): FunctionLike | undefined;
}

/** True for `process.exit(...)` and `process.abort()`: the process (and so the path) ends there. */
export function isProcessExit(node: TSESTree.Node): boolean {
  if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const object = node.callee.object;
  const name = getPropertyName(node.callee);
  return object.type === AST_NODE_TYPES.Identifier && object.name === "process" && (name === "exit" || name === "abort");
}

function isFunctionLike(node: TSESTree.Node): node is FunctionLike {
  return node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.ArrowFunctionExpression;
}

/**
 * The same-file function a callee names: `helper()` where `helper` is a function declaration or a `const`
 * bound to a function or arrow expression. Undefined otherwise (imports, methods, parameters).
 */
export function resolveLocalFunction(callee: TSESTree.Node, scope: TSESLint.Scope.Scope): FunctionLike | undefined {
  if (callee.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(scope, callee);
  const def = variable?.defs[0];
  if (!variable || variable.defs.length !== 1 || !def) return undefined;
  if (def.node.type === AST_NODE_TYPES.FunctionDeclaration) return def.node;
  if (def.node.type === AST_NODE_TYPES.VariableDeclarator && def.parent?.type === AST_NODE_TYPES.VariableDeclaration && def.parent.kind === "const") {
    const init = def.node.init;
    if (init && (init.type === AST_NODE_TYPES.FunctionExpression || init.type === AST_NODE_TYPES.ArrowFunctionExpression)) return init;
  }
  return undefined;
}

/** The name binding of a same-file function (its declaration's id, or the `const` it is bound to). */
function bindingOf(fn: FunctionLike): TSESTree.Identifier | undefined {
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration) return fn.id ?? undefined;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier && parent.init === fn) {
    return parent.parent?.type === AST_NODE_TYPES.VariableDeclaration && parent.parent.kind === "const" ? parent.id : undefined;
  }
  return undefined;
}

/**
 * Creates the control-flow view for one rule run.
 * @param context the rule context (for scopes, to resolve same-file helpers and their callers).
 */
export function createCodePathView(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): CodePathView {
  const stack: Set<Segment>[] = [];
  let current = new Set<Segment>();
  const pathOfFunction = new Map<TSESTree.Node, CodePath>();
  const functionOfPath = new Map<CodePath, TSESTree.Node>();
  const pathStack: CodePath[] = [];
  /** Node -> segments current when it was recorded, and its code path. */
  const where = new Map<TSESTree.Node, { segments: Segment[]; path: CodePath | undefined }>();
  /** Segment -> nodes recorded in it, in visit order. */
  const recorded = new Map<Segment, TSESTree.Node[]>();
  const callbacks: (() => void)[] = [];

  function mark(node: TSESTree.Node): void {
    if (where.has(node)) return;
    const segments = [...current];
    where.set(node, { segments, path: pathStack.at(-1) });
    for (const segment of segments) {
      let list = recorded.get(segment);
      if (!list) {
        list = [];
        recorded.set(segment, list);
      }
      list.push(node);
    }
  }

  const listeners = {
    onCodePathStart(codePath: CodePath, node: TSESTree.Node) {
      stack.push(current);
      current = new Set();
      pathStack.push(codePath);
      pathOfFunction.set(node, codePath);
      functionOfPath.set(codePath, node);
    },
    onCodePathEnd(_codePath: CodePath, node: TSESTree.Node) {
      current = stack.pop() ?? new Set();
      pathStack.pop();
      if (node.type === AST_NODE_TYPES.Program) for (const callback of callbacks.splice(0)) callback();
    },
    onCodePathSegmentStart(segment: Segment) {
      current.add(segment);
    },
    onCodePathSegmentEnd(segment: Segment) {
      current.delete(segment);
    },
    onUnreachableCodePathSegmentStart(segment: Segment) {
      current.add(segment);
    },
    onUnreachableCodePathSegmentEnd(segment: Segment) {
      current.delete(segment);
    },
    onCodePathSegmentLoop() {
      // Back edges are already in the segments' prevSegments; nothing to record.
    },
    CallExpression: mark,
    NewExpression: mark,
    TaggedTemplateExpression: mark,
  } as unknown as TSESLint.RuleListener;

  function scopeOf(node: TSESTree.Node): TSESLint.Scope.Scope {
    return context.sourceCode.getScope(node);
  }

  /** True when `event` completes before `node` does (an argument completes before its call). */
  function before(event: TSESTree.Node, node: TSESTree.Node): boolean {
    return event !== node && event.range[1] <= node.range[1] && !(event.range[0] <= node.range[0] && event.range[1] > node.range[1]);
  }

  function isTerminator(node: TSESTree.Node): boolean {
    return isProcessExit(node);
  }

  /**
   * False for a node inside a `try` block whose `catch` goes on normally: ESLint forks the try block to
   * its catch only after the first call that may throw, so without this an event that threw would count
   * on the catch path. A catch that stops (throw, return, process.exit) ends that path anyway.
   */
  function survivesCatch(node: TSESTree.Node): boolean {
    let child: TSESTree.Node = node;
    for (let parent = node.parent; parent && !isFunctionLike(parent); child = parent, parent = parent.parent) {
      if (parent.type !== AST_NODE_TYPES.TryStatement || parent.block !== child) continue;
      if (parent.handler && !blockStops(parent.handler.body)) return false;
      // The finally block also runs on the path where the event threw.
      const query = queryNode;
      if (parent.finalizer && query && parent.finalizer.range[0] <= query.range[0] && query.range[1] <= parent.finalizer.range[1]) return false;
    }
    return true;
  }

  /** The node a reachability question is about (for `survivesCatch`'s finally case). */
  let queryNode: TSESTree.Node | undefined;

  /** True when a block ends its path: its statements include a throw, a return or a process.exit call. */
  function blockStops(block: TSESTree.BlockStatement): boolean {
    return block.body.some(
      (s) =>
        s.type === AST_NODE_TYPES.ThrowStatement ||
        s.type === AST_NODE_TYPES.ReturnStatement ||
        (s.type === AST_NODE_TYPES.ExpressionStatement && isProcessExit(s.expression.type === AST_NODE_TYPES.AwaitExpression ? s.expression.argument : s.expression)),
    );
  }

  /** True when a recorded node is an event, directly or as a call of a same-file helper that always performs one. */
  function eventAt(node: TSESTree.Node, isEvent: EventTest, depth: number, seen: Set<TSESTree.Node>): boolean {
    if (!survivesCatch(node)) return false;
    if (isEvent(node)) return true;
    if (depth >= HELPER_DEPTH || node.type !== AST_NODE_TYPES.CallExpression) return false;
    const fn = resolveLocalFunction(node.callee, scopeOf(node));
    if (!fn || seen.has(fn)) return false;
    const path = pathOfFunction.get(fn);
    if (!path) return false;
    seen.add(fn);
    try {
      const ends = path.returnedSegments.filter((s) => s.reachable);
      // A helper that never returns normally (it always throws or exits) performs the event vacuously:
      // nothing after its call runs. Its callers' paths end there.
      return ends.every((end) => segmentHasEvent(end, isEvent, depth + 1, seen) || allPathsMeetEvent(end, isEvent, depth + 1, seen));
    } finally {
      seen.delete(fn);
    }
  }

  function segmentHasEvent(segment: Segment, isEvent: EventTest, depth: number, seen: Set<TSESTree.Node>): boolean {
    return (recorded.get(segment) ?? []).some((n) => isTerminator(n) || eventAt(n, isEvent, depth, seen));
  }

  /** True when every backward path from `segment` (excluded) meets an event before the initial segment. */
  function allPathsMeetEvent(segment: Segment, isEvent: EventTest, depth: number, seen: Set<TSESTree.Node>): boolean {
    if (segment.prevSegments.length === 0) return false;
    const visited = new Set<Segment>([segment]);
    const queue = [...segment.prevSegments];
    while (queue.length > 0) {
      const s = queue.pop() as Segment;
      if (visited.has(s)) continue;
      visited.add(s);
      if (segmentHasEvent(s, isEvent, depth, seen)) continue;
      if (s.prevSegments.length === 0) return false;
      queue.push(...s.prevSegments);
    }
    return true;
  }

  function reachedOnlyAfter(node: TSESTree.Node, isEvent: EventTest, options: ReachOptions, depth: number, seen: Set<TSESTree.Node>): boolean {
    const at = where.get(node);
    if (!at) return false;
    const segments = at.segments.filter((s) => s.reachable);
    if (segments.length === 0) return true;
    const inPath = segments.every((segment) => {
      const here = recorded.get(segment) ?? [];
      if (here.some((n) => before(n, node) && (isTerminator(n) || eventAt(n, isEvent, 0, new Set())))) return true;
      return allPathsMeetEvent(segment, isEvent, 0, new Set());
    });
    if (inPath || !options.throughCallers || depth >= HELPER_DEPTH) return inPath;
    const fn = at.path ? functionOfPath.get(at.path) : undefined;
    if (!fn || !isFunctionLike(fn) || seen.has(fn)) return false;
    const calls = invocationsOf(fn);
    if (!calls || calls.length === 0) return false;
    seen.add(fn);
    try {
      return calls.every((call) => reachedOnlyAfter(call, isEvent, options, depth + 1, seen));
    } finally {
      seen.delete(fn);
    }
  }

  /**
   * Where a function can start running: the direct calls of a same-file function, or, for a callback
   * written inline as an argument (`xs.forEach((x) => ...)`, `setTimeout(() => ...)`), the call it is
   * passed to (it cannot run before that call is made). Undefined otherwise.
   */
  function invocationsOf(fn: FunctionLike): TSESTree.CallExpression[] | undefined {
    const parent = fn.parent;
    if (fn.type !== AST_NODE_TYPES.FunctionDeclaration && parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(fn)) return [parent];
    return callSitesOf(fn);
  }

  /** The direct calls of a same-file function, or undefined when it is used in any other way (or exported). */
  function callSitesOf(fn: FunctionLike): TSESTree.CallExpression[] | undefined {
    const id = bindingOf(fn);
    if (!id) return undefined;
    const variable = ASTUtils.findVariable(scopeOf(fn.type === AST_NODE_TYPES.FunctionDeclaration ? fn : (fn.parent as TSESTree.Node)), id);
    if (!variable) return undefined;
    const calls: TSESTree.CallExpression[] = [];
    for (const reference of variable.references) {
      if (reference.init || reference.identifier === id) continue;
      const parent = reference.identifier.parent;
      if (parent?.type !== AST_NODE_TYPES.CallExpression || parent.callee !== reference.identifier) return undefined;
      calls.push(parent);
    }
    // An exported function may be called from anywhere.
    const holder = fn.type === AST_NODE_TYPES.FunctionDeclaration ? fn.parent : fn.parent?.parent?.parent;
    if (holder?.type === AST_NODE_TYPES.ExportNamedDeclaration || holder?.type === AST_NODE_TYPES.ExportDefaultDeclaration) return undefined;
    return calls;
  }

  return {
    listeners,
    mark,
    onComplete(callback) {
      callbacks.push(callback);
    },
    isReachable(node) {
      // Reachable for ESLint, and not only after a process.exit (which ESLint does not know ends the path).
      if (!(where.get(node)?.segments.some((s) => s.reachable) ?? false)) return false;
      return !reachedOnlyAfter(node, () => false, {}, 0, new Set());
    },
    isReachedOnlyAfter(node, isEvent, options = {}) {
      queryNode = node;
      try {
        return reachedOnlyAfter(node, isEvent, options, 0, new Set());
      } finally {
        queryNode = undefined;
      }
    },
    canReach(from, to) {
      const a = where.get(from);
      const b = where.get(to);
      if (!a || !b || a.path !== b.path) return false;
      const targets = new Set(b.segments.filter((s) => s.reachable));
      for (const segment of a.segments.filter((s) => s.reachable)) {
        if (targets.has(segment) && before(from, to)) return true;
        const visited = new Set<Segment>();
        const queue = [...segment.nextSegments];
        while (queue.length > 0) {
          const s = queue.pop() as Segment;
          if (visited.has(s)) continue;
          visited.add(s);
          if (targets.has(s)) return true;
          queue.push(...s.nextSegments);
        }
      }
      return false;
    },
    callSites: callSitesOf,
    invocations: invocationsOf,
    functionOf(node) {
      const path = where.get(node)?.path;
      const fn = path ? functionOfPath.get(path) : undefined;
      return fn && isFunctionLike(fn) ? fn : undefined;
    },
  };
}
