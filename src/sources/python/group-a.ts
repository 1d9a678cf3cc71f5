/**
 * The contract's group A checks on a Python file (issue 15 item 2), with the rules' ids, messages and
 * contract keys, and the ownership of docs/design.md, One problem, one finding (src/roles.ts: one problem, one finding):
 * - `no-bypass-env`: a bypass name read or set (./env.ts; `matchBypassName`), setting the CI guard's
 *   variable to `ciGuard.equals`; not in the tests zone;
 * - `no-destructive-sql`: destructive SQL reaching a sink (./sql.ts; `findDestructiveStatements`), outside
 *   migrations and tests;
 * - a write (./writes.ts) in a script zone: `no-unlisted-mutation-script` at the first write; in an
 *   allowlisted script: `mutation-scope` for an operation outside the entry's `operations` (and a SQL
 *   table outside its `tables`); a Prisma CLI write anywhere else: `no-direct-prisma-cli`;
 * - `require-ci-guard`: a mutation script whose database client (an import of a `dbClients` module, directly
 *   or through the repository's modules, ./modules.ts) or Prisma CLI write runs before the CI guard
 *   (./guard.ts), in Python's order of execution (./flow.ts).
 * - `deprecated-script-exits` in a `deprecatedScripts` Python file: it must begin (after its docstring and
 *   imports that load no client) with the reason and a non-zero exit (`sys.exit("why")`, a print to stderr
 *   then `sys.exit(1)`, `raise SystemExit("why")` or another `raise`); a client import above the exit, and
 *   any database write, are findings too.
 * - `deploy-script-only-migrates` in a Python deploy script: only imports of subprocess, sys, os, shlex,
 *   logging and the guard and fingerprint modules; the guard; calls of `ciGuard.functions` and
 *   `fingerprint.functions`; one `prisma migrate deploy` (subprocess or os.system); logging; `sys.exit`,
 *   `raise`, `return`; and `if`/`try`/`with`-free bodies of `if`, `try` and same-file functions holding only
 *   these. Everything else is a finding at its statement.
 * Not read for Python: mutation-scope's columns.
 */
import { describeStatement } from "../../analysis/ast.js";
import { describeWeakness } from "../../analysis/guard.js";
import { isCiGuardName, matchBypassName } from "../../analysis/env-names.js";
import { MESSAGES as BYPASS_MESSAGES } from "../../../rules/no-bypass-env.js";
import { MESSAGES as SQL_MESSAGES, checksSqlIn } from "../../../rules/no-destructive-sql.js";
import { MESSAGES as PRISMA_CLI_MESSAGES } from "../../../rules/no-direct-prisma-cli.js";
import { MESSAGES as UNLISTED_MESSAGES } from "../../../rules/no-unlisted-mutation-script.js";
import { MESSAGES as CI_GUARD_MESSAGES, PYTHON_MESSAGES as CI_GUARD_PYTHON } from "../../../rules/require-ci-guard.js";
import { MESSAGES as DEPRECATED_MESSAGES, PYTHON_MESSAGES as DEPRECATED_PYTHON } from "../../../rules/deprecated-script-exits.js";
import { MESSAGES as SCOPE_MESSAGES } from "../../../rules/mutation-scope.js";
import { MESSAGES as DEPLOY_MESSAGES, PYTHON_MESSAGES as DEPLOY_PYTHON } from "../../../rules/deploy-script-only-migrates.js";
import { MUTATION_OWNER } from "../../roles.js";
import { callsIn, importsOf, namedChildren, positionalArgs as positionalArgsOf, sourceOffset, textOf } from "./ast.js";
import { type PyContext, formatMessage, messageOf, report } from "./context.js";
import { envAccesses } from "./env.js";
import { isExitCall, reachedOnlyAfter } from "./flow.js";
import { beginsWithGuard, guardVerdict, type PyGuardVerdict } from "./guard.js";
import { importsDbClientByName } from "./modules.js";
import type { PyNode } from "./parser.js";
import { getPySink, sinkDestructive } from "./sql.js";
import { getPyWrite, isLauncher, launcherPrismaCommands, prismaWrites, pyCallMatches, type PyWrite } from "./writes.js";


export function checkBypassEnv(context: PyContext): void {
  const { contract } = context;
  if (context.zone === "tests" || context.zone === "ignore") return;
  for (const access of envAccesses(context.file)) {
    if (access.complete && isCiGuardName(access.name, contract)) {
      if (access.kind === "write" && access.values?.includes(contract.ciGuard.equals) === true) {
        report(context, "no-bypass-env", access.node, formatMessage(BYPASS_MESSAGES.ciSet, { name: access.name, value: contract.ciGuard.equals }));
      }
      continue;
    }
    const pattern = matchBypassName(access.name, contract, access.complete);
    if (pattern === undefined) continue;
    report(context, "no-bypass-env", access.node, formatMessage(access.complete ? BYPASS_MESSAGES.bypassName : BYPASS_MESSAGES.bypassPrefix, { name: access.name, pattern }));
  }
}

export function checkDestructiveSql(context: PyContext): void {
  if (!checksSqlIn(context.zone)) return;
  for (const call of callsIn(context.file.root)) {
    const sink = getPySink(context.file, call);
    const found = sink ? sinkDestructive(context.file, sink) : undefined;
    if (!sink || !found) continue;
    for (const statement of found.statements) {
      const messageId = statement.unparsed ? "destructiveUnparsed" : "destructive";
      const message = formatMessage(SQL_MESSAGES[messageId], { kind: statement.kind, where: `reaching ${sink.name}` });
      const start = sourceOffset(found.pieces, statement.part, statement.offset);
      const last = statement.endOffset > 0 ? sourceOffset(found.pieces, statement.endPart, statement.endOffset - 1) : undefined;
      report(context, "no-destructive-sql", start === undefined ? sink.sql : [start, last === undefined ? sink.sql.end : last + 1], message);
    }
    if (found.unchecked) {
      const { total, checked } = found.unchecked;
      const message = formatMessage(SQL_MESSAGES.tooManyStatements, { where: `reaching ${sink.name}`, count: total.toLocaleString("en-US"), limit: checked.toLocaleString("en-US") });
      const start = sourceOffset(found.pieces, found.unchecked.part, found.unchecked.offset);
      report(context, "no-destructive-sql", start === undefined ? sink.sql : [start, start], message);
    }
  }
}

/** Every write of the file, in source order. */
export function writesOf(context: PyContext): PyWrite[] {
  return callsIn(context.file.root).flatMap((call) => {
    const write = getPyWrite(context.file, call);
    return write ? [write] : [];
  });
}

export function checkWrites(context: PyContext): void {
  if (context.zone === "ignore") return;
  const owner = MUTATION_OWNER[context.role];
  if (owner === "deploy-script-only-migrates") {
    checkDeploy(context);
  } else if (owner === "deprecated-script-exits") {
    checkDeprecated(context);
    for (const write of writesOf(context)) report(context, owner, write.call, formatMessage(DEPRECATED_MESSAGES.databaseWrite, { what: write.what }));
  } else if (owner === "no-unlisted-mutation-script") {
    const first = writesOf(context)[0];
    if (first) report(context, owner, first.call, formatMessage(UNLISTED_MESSAGES.unlisted, { what: first.what }));
  } else if (owner === "no-direct-prisma-cli") {
    for (const call of callsIn(context.file.root)) {
      for (const command of prismaWrites(context.file, call)) {
        report(context, owner, call, formatMessage(PRISMA_CLI_MESSAGES[command.command.includes("<unknown>") ? "cliUnknown" : "cliWrite"], { command: command.command }));
      }
    }
  } else if (owner === "mutation-scope") {
    const entry = context.contract.mutationScripts[context.repoPath];
    if (!entry) return;
    for (const write of writesOf(context)) {
      if (!entry.operations.includes(write.operation)) {
        report(context, owner, write.call, formatMessage(SCOPE_MESSAGES.operationNotAllowed, { operation: write.operation, allowed: entry.operations.join(", ") }));
        continue;
      }
      if (!entry.tables || write.cli) continue;
      const keys = Object.keys(entry.tables);
      const tables = write.model !== undefined ? [write.model] : write.tables;
      if (tables === undefined) {
        report(context, owner, write.call, formatMessage(SCOPE_MESSAGES.unverifiableTable, { operation: write.operation }));
        continue;
      }
      const outside = tables.find((t) => !keys.includes(t));
      if (outside !== undefined) report(context, owner, write.call, formatMessage(SCOPE_MESSAGES.tableNotAllowed, { operation: write.operation, table: outside, allowed: keys.join(", ") }));
    }
  }
}

/** Modules a Python deploy script may import (besides the guard and fingerprint modules). */
const DEPLOY_MODULES = new Set(["subprocess", "sys", "os", "shlex", "logging", "__future__", "typing"]);

/** deploy-script-only-migrates on a Python deploy script (see the module header). */
function checkDeploy(context: PyContext): void {
  const { file, contract } = context;
  const rule = "deploy-script-only-migrates";
  const message = (id: keyof typeof DEPLOY_MESSAGES, data: Record<string, string> = {}): string => formatMessage(messageOf(DEPLOY_MESSAGES, DEPLOY_PYTHON, id), data);
  const { isGuard } = guardsOf(context);
  const allowedNames = [...contract.ciGuard.functions, ...(contract.fingerprint?.functions ?? [])];
  let firstDeploy: PyNode | undefined;
  const allowedCall = (call: PyNode): boolean => {
    const callee = textOf(file, call.children.find((c) => c.field === "function") ?? call).replace(/\s+/g, "");
    if (/^(?:print|sys\.stderr\.write|sys\.stdout\.write|logging\.\w+|logger\.\w+|log\.\w+)$/.test(callee) || isExitCall(file, call)) return true;
    if (pyCallMatches(file, call, allowedNames)) return true;
    const write = getPyWrite(file, call);
    if (write && !write.cli) {
      report(context, rule, call, formatMessage(DEPLOY_MESSAGES.databaseWrite, { what: write.what }));
      return true;
    }
    const commands = launcherPrismaCommands(file, call);
    if (commands.length === 0) return isLauncher(file, call) ? false : localFunctionCall(call);
    for (const command of commands) {
      if (command.command !== "prisma migrate deploy") report(context, rule, call, formatMessage(DEPLOY_MESSAGES.otherPrismaCommand, { command: command.command }));
      else if (firstDeploy) report(context, rule, call, formatMessage(DEPLOY_MESSAGES.secondDeploy, { line: String(file.text.slice(0, firstDeploy.start).split("\n").length) }));
      else firstDeploy = call;
    }
    return true;
  };
  const functions = new Set(namedChildren(file.root).filter((s) => s.type === "function_definition").map((s) => textOf(file, s.children.find((c) => c.field === "name") as PyNode)));
  const localFunctionCall = (call: PyNode): boolean => {
    const callee = call.children.find((c) => c.field === "function");
    return callee?.type === "identifier" && functions.has(textOf(file, callee));
  };
  const allowedExpression = (node: PyNode | undefined): boolean => {
    const n = node?.type === "await" ? namedChildren(node)[0] : node;
    if (!n) return true;
    if (n.type === "string") return true;
    return n.type === "call" && allowedCall(n) && positionalArgsOf(n).every((a) => a.type !== "call" || allowedCall(a));
  };
  const block = (statements: PyNode[]): void => {
    for (const statement of statements) {
      if (statement.type === "comment") continue;
      if (statement.type === "import_statement" || statement.type === "import_from_statement") {
        const imported = importsOf(file).modules.find((m) => m.node === statement);
        if (!imported) continue;
        const root = imported.module.split(".")[0] ?? "";
        const named = imported.names.some((name) => allowedNames.includes(name));
        if (!DEPLOY_MODULES.has(root) && !named && !isGuard(statement)) report(context, rule, statement, message("moduleNotAllowed", { module: imported.module }));
        continue;
      }
      if (isGuard(statement)) continue;
      switch (statement.type) {
        case "expression_statement": {
          // `x = call(...)` is an expression statement holding an assignment: its value must be an allowed call.
          const expression = namedChildren(statement)[0];
          const value = expression?.type === "assignment" ? expression.children.find((c) => c.field === "right") : expression;
          const awaited = value?.type === "await" ? namedChildren(value)[0] : value;
          if ((expression?.type === "assignment" && awaited?.type !== "call") || !allowedExpression(value)) report(context, rule, statement, message("notAllowed", { statement: describeStatement(textOf(file, statement)) }));
          break;
        }
        case "if_statement":
        case "try_statement":
        case "function_definition":
        case "decorated_definition":
        case "elif_clause":
        case "else_clause":
        case "except_clause":
        case "finally_clause":
        case "block":
          for (const child of statement.children) {
            if (child.type === "block") block(namedChildren(child));
            else if (["elif_clause", "else_clause", "except_clause", "finally_clause", "function_definition"].includes(child.type)) block([child]);
          }
          break;
        case "raise_statement":
        case "return_statement":
        case "pass_statement":
          break;
        default:
          report(context, rule, statement, message("notAllowed", { statement: describeStatement(textOf(file, statement)) }));
      }
    }
  };
  block(namedChildren(file.root).filter((s) => !(s.type === "expression_statement" && namedChildren(s)[0]?.type === "string" && s === namedChildren(file.root)[0])));
}

/** deprecated-script-exits on a Python file (see the module header): its first statements. */
function checkDeprecated(context: PyContext): void {
  const { file } = context;
  const rule = "deprecated-script-exits";
  const message = (id: keyof typeof DEPRECATED_MESSAGES, data: Record<string, string> = {}): string => formatMessage(messageOf(DEPRECATED_MESSAGES, DEPRECATED_PYTHON, id), data);
  const isMessage = (s: PyNode): boolean => {
    const call = s.type === "expression_statement" ? namedChildren(s)[0] : undefined;
    if (call?.type !== "call") return false;
    const callee = textOf(file, call.children.find((c) => c.field === "function") ?? call);
    return /^(?:print|sys\.stderr\.write|logging\.(?:error|critical)|logger\.(?:error|critical)|log\.error)$/.test(callee);
  };
  const exitOf = (s: PyNode): PyNode | undefined => {
    if (s.type === "raise_statement") return s;
    const call = s.type === "expression_statement" ? namedChildren(s)[0] : undefined;
    return call?.type === "call" && isExitCall(file, call) ? call : undefined;
  };
  let messaged = false;
  for (const statement of namedChildren(file.root)) {
    if (statement.type === "expression_statement" && namedChildren(statement)[0]?.type === "string" && !messaged) continue;
    if (statement.type === "import_statement" || statement.type === "import_from_statement") {
      const imported = importsOf(file).modules.find((m) => m.node === statement);
      if (imported && context.facts.importLoadsClient(context.absolute, imported)) report(context, rule, statement, message("importFound", { module: imported.module }));
      continue;
    }
    if (isMessage(statement)) {
      messaged = true;
      continue;
    }
    const exit = exitOf(statement);
    if (!exit) {
      report(context, rule, statement, messaged ? message("noExit") : message("mustExitFirst", { statement: describeStatement(textOf(file, statement)) }));
      return;
    }
    if (exit.type === "raise_statement") {
      // raise SystemExit(0) / SystemExit() exits with success; any other raise is an error exit with its message.
      const value = namedChildren(exit)[0];
      const text = value ? textOf(file, value).replace(/\s+/g, "") : "";
      if (/^SystemExit(?:\((?:0|None)?\))?$/.test(text)) report(context, rule, exit, message("zeroExit", { call: textOf(file, exit) }));
      else if (value === undefined && !messaged) report(context, rule, exit, message("missingMessage"));
      return;
    }
    const argument = positionalArgsOf(exit)[0];
    const text = argument ? textOf(file, argument) : "";
    if (argument === undefined || text === "0" || text === "None") report(context, rule, exit, message("zeroExit", { call: textOf(file, exit) }));
    else if (!messaged && argument.type !== "string") report(context, rule, exit, message("missingMessage"));
    return;
  }
  report(context, rule, [0, 0], message("neverExits"));
}

/** One way a Python file loads a database client: an import (direct or transitive) or a Prisma CLI write. */
export interface PyClientLoad {
  node: PyNode;
  kind: "import" | "cli";
  /** The module as written, or the Prisma command. */
  what: string;
}

const loadsCache = new WeakMap<PyContext, PyClientLoad[]>();

/** The file's client loads, in source order. */
export function clientLoads(context: PyContext): PyClientLoad[] {
  const hit = loadsCache.get(context);
  if (hit) return hit;
  const loads: PyClientLoad[] = [];
  for (const imported of importsOf(context.file).modules) {
    if (context.facts.importLoadsClient(context.absolute, imported)) loads.push({ node: imported.node, kind: "import", what: imported.module });
  }
  for (const call of callsIn(context.file.root)) {
    const cli = prismaWrites(context.file, call)[0];
    if (cli) loads.push({ node: call, kind: "cli", what: cli.command });
  }
  loads.sort((a, b) => a.node.start - b.node.start);
  loadsCache.set(context, loads);
  return loads;
}

/** docs/design.md, Mutation scripts for Python: allowlisted or the deploy script, or a script-zone file that loads a client. */
export function isPyMutationScript(context: PyContext): boolean {
  if (context.zone === "ignore" || context.role === "deprecated") return false;
  if (context.role === "allowlisted" || context.role === "deploy") return true;
  return context.zone === "scripts" && clientLoads(context).length > 0;
}

/** The CI guard of a file: the event test for ./flow.ts, and the guards and weakened guards found. */
export function guardsOf(context: PyContext): { isGuard: (node: PyNode) => boolean; guards: PyNode[]; weak: { node: PyNode; verdict: Extract<PyGuardVerdict, { kind: "weak" }> }[] } {
  const { file, contract } = context;
  const guardModules = new Set(contract.ciGuard.modules.map((m) => m.replace(/^\.\//, "")));
  const isGuardImport = (statement: PyNode): boolean => {
    if (statement.type !== "import_statement" && statement.type !== "import_from_statement") return false;
    return importsOf(file).modules.some((m) => {
      if (m.node !== statement) return false;
      return context.facts.resolve(context.absolute, m).some((target) => {
        const repoPath = target.slice(context.root.length + 1).split("\\").join("/");
        if (guardModules.has(repoPath)) return true;
        const module = context.facts.fileAt(target);
        return module !== undefined && beginsWithGuard(module, contract, (s) => importsOf(module).modules.some((x) => x.node === s && importsDbClientByName(x, contract)));
      });
    });
  };
  const guards: PyNode[] = [];
  const weak: { node: PyNode; verdict: Extract<PyGuardVerdict, { kind: "weak" }> }[] = [];
  const verdicts = new Map<PyNode, PyGuardVerdict | undefined>();
  const verdictOf = (node: PyNode): PyGuardVerdict | undefined => {
    if (!verdicts.has(node)) verdicts.set(node, guardVerdict(file, node, contract));
    return verdicts.get(node);
  };
  const isGuard = (node: PyNode): boolean => {
    if (node.type === "if_statement") return verdictOf(node)?.kind === "guard";
    if (node.type === "call") return pyCallMatches(file, node, contract.ciGuard.functions);
    return isGuardImport(node);
  };
  const visit = (n: PyNode): void => {
    if (n.type === "if_statement") {
      const verdict = verdictOf(n);
      if (verdict?.kind === "guard") guards.push(n);
      else if (verdict?.kind === "weak") weak.push({ node: n, verdict });
    } else if (n.type === "call" && pyCallMatches(file, n, contract.ciGuard.functions)) guards.push(n);
    else if ((n.type === "import_statement" || n.type === "import_from_statement") && isGuardImport(n)) guards.push(n);
    for (const c of n.children) visit(c);
  };
  visit(file.root);
  return { isGuard, guards, weak };
}

/** True when a top-level statement of the module is (or calls) the guard: it runs on import, before any function. */
function guardedAtImport(context: PyContext, isGuard: (node: PyNode) => boolean): boolean {
  return namedChildren(context.file.root).some((s) => {
    if (isGuard(s)) return true;
    const call = s.type === "expression_statement" ? namedChildren(s)[0] : undefined;
    return call?.type === "call" && isGuard(call);
  });
}

const LINE = (context: PyContext, node: PyNode): number => context.file.text.slice(0, node.start).split("\n").length;

export function checkCiGuard(context: PyContext): void {
  if (context.zone === "ignore" || context.role === "deprecated") return;
  const listed = context.role === "allowlisted" || context.role === "deploy";
  if (!listed && context.zone !== "scripts") return;
  const loads = clientLoads(context);
  if (loads.length === 0 && !listed) return;
  const { env, equals } = context.contract.ciGuard;
  const { isGuard, guards, weak } = guardsOf(context);
  const message = (id: keyof typeof CI_GUARD_MESSAGES, data: Record<string, string | number>): string => formatMessage(messageOf(CI_GUARD_MESSAGES, CI_GUARD_PYTHON, id), { env, equals, ...data });
  const firstWeak = weak[0];
  if (loads.length === 0) {
    if (guards.length > 0) return;
    const top: readonly [number, number] = [0, 0];
    if (firstWeak) report(context, "require-ci-guard", top, message("weakGuard", { what: "This mutation script", line: LINE(context, firstWeak.node), reason: describeWeakness(firstWeak.verdict, context.contract.ciGuard) }));
    else report(context, "require-ci-guard", top, message("noGuardInScript", {}));
    return;
  }
  const uncalled = guardedAtImport(context, isGuard);
  const first = loads.find((load) => !reachedOnlyAfter(context.file, load.node, isGuard, { uncalled }));
  if (!first) return;
  const what = first.kind === "import" ? `Importing "${first.what}"` : `Running "${first.what}"`;
  const guard = guards[0];
  if (guard) report(context, "require-ci-guard", first.node, message("loadBeforeGuard", { what, line: LINE(context, guard) }));
  else if (firstWeak) report(context, "require-ci-guard", first.node, message("weakGuard", { what, line: LINE(context, firstWeak.node), reason: describeWeakness(firstWeak.verdict, context.contract.ciGuard) }));
  else if (first.kind === "import") report(context, "require-ci-guard", first.node, message("noGuardBeforeImport", { module: first.what }));
  else report(context, "require-ci-guard", first.node, message("noGuard", { what }));
}
