/**
 * "Is this the CI guard" for Python (issue 15 item 2; docs/design.md, Guards read for Python). A guard is an `if`
 * that compares the guard's variable (`ciGuard.env`, read in any form of ./env.ts) with `ciGuard.equals`
 * by `!=` (or `not ... ==`) and whose body ends the process on every path (`sys.exit(1)`, `sys.exit("...")`,
 * `raise ...`, `os._exit(1)`); a call of a `ciGuard.functions` name; or an import of a guard module (a
 * `ciGuard.modules` path, or a repository module that begins with a guard).
 *
 * Python runs statements in order and does not hoist imports, so a guard protects what comes after it:
 * at module top level, everything below; inside `if __name__ == "__main__":`, what follows it there; in
 * a same-file function, what follows its call (./flow.ts). A guard weakened as docs/design.md, Guards says (an extra
 * condition, another value, `sys.exit(0)`, no exit at all) protects nothing; `describeWeakness` of
 * src/analysis/guard.ts words the reason.
 */
import type { Contract } from "../../contract.js";
import { isCiGuardName } from "../../analysis/env-names.js";
import type { WeakGuard } from "../../analysis/guard.js";
import { field, namedChildren, positionalArgs, staticString, textOf, unwrap, walk } from "./ast.js";
import { envAccesses } from "./env.js";
import { alwaysStops, isExitCall } from "./flow.js";
import type { PyFile, PyNode } from "./parser.js";

/** The verdict on an `if` that reads the guard's variable. */
export type PyGuardVerdict = { kind: "guard" } | { kind: "weak"; reason: WeakGuard["reason"]; detail: string };

/** True when an expression is a read of the guard's variable. */
function isCiRead(file: PyFile, node: PyNode | undefined, contract: Contract): boolean {
  const n = unwrap(node);
  if (!n) return false;
  return envAccesses(file).some((a) => a.node === n && a.kind === "read" && a.complete && isCiGuardName(a.name, contract));
}

/** True when an expression reads the guard's variable anywhere. */
function readsCi(file: PyFile, node: PyNode, contract: Contract): boolean {
  return envAccesses(file).some((a) => a.kind === "read" && a.complete && isCiGuardName(a.name, contract) && node.start <= a.node.start && a.node.end <= node.end);
}

/** How a condition tests the guard's variable: undefined when it is not about it. */
function conditionVerdict(file: PyFile, condition: PyNode, contract: Contract): PyGuardVerdict | undefined {
  const c = unwrap(condition);
  if (!c || !readsCi(file, c, contract)) return undefined;
  const { equals, env } = contract.ciGuard;
  if (c.type === "boolean_operator") {
    const operands = [field(c, "left"), field(c, "right")].filter((o): o is PyNode => o !== undefined);
    const other = operands.find((o) => !readsCi(file, o, contract));
    return { kind: "weak", reason: "extraCondition", detail: textOf(file, other ?? c) };
  }
  let negated = false;
  let test = c;
  while (test.type === "not_operator") {
    negated = !negated;
    test = unwrap(field(test, "argument")) ?? test;
    if (test === c) break;
  }
  if (test.type === "comparison_operator") {
    const operands = namedChildren(test);
    const operators = test.children.filter((ch) => ch.field === "operators").map((o) => textOf(file, o));
    if (operands.length !== 2 || operators.length !== 1) return { kind: "weak", reason: "loose", detail: `compares it in ${textOf(file, test)}` };
    const [left, right] = operands as [PyNode, PyNode];
    const value = isCiRead(file, left, contract) ? staticString(file, right) : isCiRead(file, right, contract) ? staticString(file, left) : undefined;
    const op = operators[0];
    const stopsUnlessEqual = (op === "!=" && !negated) || (op === "==" && negated);
    if (value === undefined) return { kind: "weak", reason: "loose", detail: `compares it in ${textOf(file, test)}` };
    if (!stopsUnlessEqual) return { kind: "weak", reason: "loose", detail: `compares it with ${op} instead of != "${equals}"` };
    if (value !== equals) return { kind: "weak", reason: "otherValue", detail: value };
    return { kind: "guard" };
  }
  return { kind: "weak", reason: "loose", detail: `only tests whether ${env} is set` };
}

/** The exit code of an exit call: a number, "message" for a string (exit code 1), or undefined when not static. */
function exitCode(file: PyFile, call: PyNode): number | "message" | undefined {
  const argument = unwrap(positionalArgs(call)[0]);
  if (!argument || argument.type === "none") return 0;
  if (argument.type === "integer") return Number(textOf(file, argument));
  if (argument.type === "unary_operator" && /^-\s*\d+$/.test(textOf(file, argument))) return Number(textOf(file, argument).replace(/\s+/g, ""));
  if (staticString(file, argument) !== undefined || argument.type === "string") return "message";
  return undefined;
}

/** How a guard body ends: undefined when it ends the process with a failure on every path. */
function bodyWeakness(file: PyFile, body: PyNode | undefined): { reason: WeakGuard["reason"]; detail: string } | undefined {
  if (!body) return { reason: "noExit", detail: "does nothing" };
  let weak: { reason: WeakGuard["reason"]; detail: string } | undefined;
  walk(body, (n) => {
    if (weak || n.type === "function_definition" || n.type === "lambda") return false;
    if (n.type === "call" && isExitCall(file, n)) {
      const code = exitCode(file, n);
      if (code === 0) weak = { reason: "exitZero", detail: textOf(file, n) };
      else if (code === undefined) weak = { reason: "exitCode", detail: textOf(file, n) };
    }
    return undefined;
  });
  if (weak) return weak;
  if (alwaysStops(file, body)) return undefined;
  const statements = namedChildren(body);
  const logsOnly = statements.every((s) => s.type === "expression_statement" && /^(?:print|logging\.|logger\.|log\.|warnings\.warn)/.test(textOf(file, s)));
  return { reason: "noExit", detail: logsOnly ? "only logs" : "goes on" };
}

/** The verdict on an `if` statement: a guard, a weakened guard, or undefined when it does not read the guard's variable. */
export function guardVerdict(file: PyFile, statement: PyNode, contract: Contract): PyGuardVerdict | undefined {
  if (statement.type !== "if_statement") return undefined;
  const condition = field(statement, "condition");
  if (!condition) return undefined;
  const verdict = conditionVerdict(file, condition, contract);
  if (!verdict || verdict.kind === "weak") return verdict;
  const weakness = bodyWeakness(file, field(statement, "consequence"));
  return weakness ? { kind: "weak", ...weakness } : verdict;
}

/** The first statement of a module after its docstring, `from __future__`, and imports that load no client. */
export function beginsWithGuard(file: PyFile, contract: Contract, isClientImport: (statement: PyNode) => boolean): boolean {
  for (const statement of namedChildren(file.root)) {
    if (statement.type === "expression_statement" && namedChildren(statement)[0]?.type === "string") continue;
    if ((statement.type === "import_statement" || statement.type === "import_from_statement") && !isClientImport(statement)) continue;
    if (guardVerdict(file, statement, contract)?.kind === "guard") return true;
    const call = statement.type === "expression_statement" ? namedChildren(statement)[0] : undefined;
    return call?.type === "call" && contract.ciGuard.functions.includes(textOf(file, field(call, "function") as PyNode).split(".").at(-1) ?? "");
  }
  return false;
}
