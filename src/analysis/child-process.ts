/**
 * "Is this callee a child-process launcher" (docs/design.md, Rule groups `no-bypass-env` env objects passed to child
 * processes, `no-direct-prisma-cli` code forms), written once: node:child_process, execa and zx, by
 * name, directly or through `promisify(launcher)` (`const run = promisify(exec)`,
 * `util.promisify(execFile)(...)`).
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "../ts-ast.js";
import { getCalleeName, getConstInitializer, skipTypeWrappers } from "./ast.js";

/**
 * How a launcher takes its command: `line` (a shell command line: `exec`, `execSync`, `execaCommand`),
 * `file` (a program and an argv array: `execFile`, `spawn`, `execa`), or `options` (neither, but it takes
 * an options object with `env`: `fork`, a zx/execa `$({ env })` call).
 */
export type LauncherKind = "line" | "file" | "options";

const LAUNCHERS: ReadonlyMap<string, LauncherKind> = new Map<string, LauncherKind>([
  ["exec", "line"],
  ["execSync", "line"],
  ["execaCommand", "line"],
  ["execaCommandSync", "line"],
  ["execFile", "file"],
  ["execFileSync", "file"],
  ["spawn", "file"],
  ["spawnSync", "file"],
  ["execa", "file"],
  ["execaSync", "file"],
  ["execaNode", "file"],
  ["fork", "options"],
  ["$", "options"],
]);

const MAX_DEPTH = 6;

/**
 * The launcher kind of a callee, or undefined when it is no child-process launcher.
 * @param scope the scope of the call (to follow a `const` bound to `promisify(...)`).
 */
export function launcherKind(callee: TSESTree.Node, scope: TSESLint.Scope.Scope, depth = 0): LauncherKind | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = skipTypeWrappers(callee);
  const name = getCalleeName(node);
  const byName = name === undefined ? undefined : LAUNCHERS.get(name);
  if (byName) return byName;
  const target = node.type === AST_NODE_TYPES.Identifier ? getConstInitializer(node, scope) : node;
  const call = target ? skipTypeWrappers(target) : undefined;
  if (call?.type !== AST_NODE_TYPES.CallExpression || getCalleeName(call.callee) !== "promisify") return undefined;
  const wrapped = call.arguments[0];
  return wrapped && wrapped.type !== AST_NODE_TYPES.SpreadElement ? launcherKind(wrapped, scope, depth + 1) : undefined;
}
