// "Is this the CI guard" (SPEC §3 require-ci-guard, §6.8, §6.16): the one detector every rule uses.
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import { analyzeGuardsInText, beginsWithGuard, describeWeakness, forEachChild, isAfterGuard } from "../../src/analysis/guard.js";

const DEFAULT_GUARD = { env: "CI", equals: "true", functions: [] as string[], modules: [] as string[] };

/** Guards as `kind@line` and weakened guards as `reason(detail)@line`. */
function summary(code: string, ciGuard = DEFAULT_GUARD, isGuardModule?: (specifier: string) => boolean): { guards: string[]; weakened: string[] } {
  const analysis = analyzeGuardsInText(code, ciGuard, "x.ts", isGuardModule);
  return {
    guards: analysis.guards.map((g) => `${g.kind}@${g.node.loc.start.line}`),
    weakened: analysis.weakened.map((w) => `${w.reason}(${w.detail})@${w.node.loc.start.line}`),
  };
}

function guards(code: string, ciGuard = DEFAULT_GUARD): string[] {
  return summary(code, ciGuard).guards;
}

function weakened(code: string, ciGuard = DEFAULT_GUARD): string[] {
  return summary(code, ciGuard).weakened;
}

/** For each `load(...)` call and each static import of "client": its line and whether it runs after a guard. */
function protection(code: string, ciGuard = DEFAULT_GUARD, isGuardModule?: (specifier: string) => boolean): string[] {
  const analysis = analyzeGuardsInText(code, ciGuard, "x.ts", isGuardModule);
  const out: string[] = [];
  const visit = (node: TSESTree.Node): void => {
    const isLoad = node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === "load";
    const isImport = node.type === AST_NODE_TYPES.ImportDeclaration && node.source.value === "client";
    if (isLoad || isImport) out.push(`${node.loc.start.line}:${isAfterGuard(analysis, node) ? "after" : "before"}`);
    forEachChild(node, visit);
  };
  visit(analysis.program);
  return out;
}

describe("comparison guards", () => {
  it.each([
    ['if (process.env.CI !== "true") process.exit(1);', 1],
    ['if (process.env.CI != "true") process.exit(1);', 1],
    ['if ("true" !== process.env.CI) process.exit(1);', 1],
    ['if (process.env["CI"] !== "true") process.exit(1);', 1],
    ["if (process.env[`CI`] !== `true`) process.exit(1);", 1],
    ['if (!(process.env.CI === "true")) process.exit(1);', 1],
    ['if (!(process.env.CI == "true")) process.exit(1);', 1],
    ['if (process.env.CI !== "true") {\n  console.error("CI only");\n  process.exit(1);\n}', 1],
    ['if (process.env.CI !== "true") throw new Error("CI only");', 1],
    ['if (process.env.CI !== "true") { throw new Error("CI only"); }', 1],
    ['if (process.env.CI?.valueOf !== undefined && false) {}\nif (process.env.CI !== "true") process.exit(2);', 2],
    ['if ((process.env.CI as string) !== "true") process.exit(1);', 1],
    ['if (globalThis.process.env.CI !== "true") globalThis.process.exit(1);', 1],
    ['const EXIT = 3;\nif (process.env.CI !== "true") process.exit(EXIT);', 2],
    ['if (process.env.CI !== "true") process.exit(-1);', 1],
  ])("%s", (code, line) => {
    expect(guards(code)).toEqual([`comparison@${line}`]);
  });

  it("follows const aliases of the variable and of a boolean flag", () => {
    expect(guards('const ci = process.env.CI;\nif (ci !== "true") process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const ci = process.env.CI ?? "";\nif (ci !== "true") process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const ci = process.env.CI || "";\nif (ci !== "true") process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const { CI } = process.env;\nif (CI !== "true") process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const { CI: ci = "" } = process.env;\nif (ci !== "true") process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const isCI = process.env.CI === "true";\nif (!isCI) process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const notCI = process.env.CI !== "true";\nif (notCI) process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const env = process.env;\nif (env.CI !== "true") process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('import { env } from "node:process";\nif (env.CI !== "true") process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('const EXPECTED = "true";\nif (process.env.CI !== EXPECTED) process.exit(1);')).toEqual(["comparison@2"]);
    expect(guards('if (!["true"].includes(process.env.CI ?? "")) process.exit(1);')).toEqual(["comparison@1"]);
  });

  it("accepts the positive form with an else branch that ends the process", () => {
    // Choice: `if (CI === "true") {...} else { exit }` ends the process on every path where CI is not "true".
    expect(guards('if (process.env.CI === "true") {\n  run();\n} else {\n  process.exit(1);\n}')).toEqual(["comparison@1"]);
  });

  it("accepts || with other conditions: they only add exits", () => {
    // Choice: SPEC §6.8 "any extra condition weakens it" is read as a condition that lets the script go on;
    // `CI !== "true" || !url` exits on every path where CI is not "true", and more.
    expect(guards('if (process.env.CI !== "true" || !process.env.DATABASE_URL) process.exit(1);')).toEqual(["comparison@1"]);
  });

  it("reads ciGuard.env and ciGuard.equals from the contract", () => {
    const custom = { ...DEFAULT_GUARD, env: "GITHUB_ACTIONS", equals: "true" };
    expect(guards('if (process.env.GITHUB_ACTIONS !== "true") process.exit(1);', custom)).toEqual(["comparison@1"]);
    expect(guards('if (process.env.CI !== "true") process.exit(1);', custom)).toEqual([]);
    expect(guards('if (process.env.CI !== "1") process.exit(1);', { ...DEFAULT_GUARD, equals: "1" })).toEqual(["comparison@1"]);
  });

  it("the name is case-sensitive and the object must be the environment", () => {
    expect(summary('if (process.env.ci !== "true") process.exit(1);')).toEqual({ guards: [], weakened: [] });
    expect(summary('const config = { CI: "x" };\nif (config.CI !== "true") process.exit(1);')).toEqual({ guards: [], weakened: [] });
    expect(summary('function f(process: any) {\n  if (process.env.CI !== "true") process.exit(1);\n}\nf(x);')).toEqual({ guards: [], weakened: [] });
  });

  it("a local function that always ends the process counts as the exit", () => {
    expect(guards('function fail(m: string): never {\n  console.error(m);\n  process.exit(1);\n}\nif (process.env.CI !== "true") fail("CI only");')).toEqual([
      "comparison@5",
    ]);
  });

  it("ignores statements that do not concern CI", () => {
    expect(summary('if (process.env.CI === "true") console.log("in CI");\nif (!url) process.exit(1);')).toEqual({ guards: [], weakened: [] });
    expect(summary("")).toEqual({ guards: [], weakened: [] });
  });
});

describe("weakened guards", () => {
  it("an extra condition lets the script go on outside CI", () => {
    expect(weakened('if (process.env.CI !== "true" && !process.env.FORCE_RUN) process.exit(1);')).toEqual([
      "extraCondition(!process.env.FORCE_RUN)@1",
    ]);
    expect(weakened('const dryRun = process.argv.includes("--dry-run");\nif (!dryRun && process.env.CI !== "true") process.exit(1);')).toEqual([
      "extraCondition(!dryRun)@2",
    ]);
    expect(weakened('const isCI = process.env.CI === "true" || process.env.FORCE === "1";\nif (!isCI) process.exit(1);')).toEqual([
      'extraCondition(process.env.FORCE === "1")@2',
    ]);
    // Regression: ConnectSA scripts/sync-reference-data-dev-to-prod.ts guards only `--apply` runs, with an
    // isCI flag that also accepts CI=1: the extra condition is the bigger hole and is named first.
    expect(
      weakened('const ci = process.env.CI || "";\nconst isCI = ci === "true" || ci === "1";\nif (isApply && !isDryRun && !isCI) process.exit(1);'),
    ).toEqual(["extraCondition(isApply && !isDryRun)@3"]);
  });

  it("ConnectSA's guard accepts CI=1: weakened (the row demands exactly \"true\")", () => {
    // Regression: Molemo21/ConnectSA-k9 scripts/deploy-db.js, GUARD 1.
    const code = [
      "const ci = process.env.CI || '';",
      "const isCI = ci === 'true' || ci === '1' || ci.toLowerCase() === 'true';",
      "if (!isCI) {",
      "  console.error('BLOCKED: Production mutations require CI=true');",
      "  process.exit(1);",
      "}",
    ].join("\n");
    expect(weakened(code)).toEqual(["otherValue(1)@3"]);
    expect(describeWeakness({ reason: "otherValue", detail: "1" }, DEFAULT_GUARD)).toBe('also lets CI="1" through, not only "true"');
    expect(analyzeGuardsInText(code, DEFAULT_GUARD).guardStatements.size).toBe(3);
  });

  it("loose comparisons", () => {
    expect(weakened("if (!process.env.CI) process.exit(1);")).toEqual(["loose(only checks that it is set)@1"]);
    expect(weakened('if (process.env.CI?.toLowerCase() !== "true") process.exit(1);')).toEqual(["loose(normalizes it with toLowerCase())@1"]);
    expect(weakened('if ((process.env.CI ?? "true") !== "true") process.exit(1);')).toEqual(['loose(defaults it to "true")@1']);
    expect(weakened('const { CI = "true" } = process.env;\nif (CI !== "true") process.exit(1);')).toEqual(['loose(defaults it to "true")@2']);
    expect(weakened('if (process.env.CI !== "1") process.exit(1);')).toEqual(["otherValue(1)@1"]);
    expect(weakened('if (!["true", "1"].includes(process.env.CI ?? "")) process.exit(1);')).toEqual(["otherValue(1)@1"]);
    expect(weakened("if (process.env.CI !== expected) process.exit(1);")).toEqual(['loose(compares it with expected, not with the literal "true")@1']);
    expect(weakened("if (!process.env.CI?.length) process.exit(1);")).toEqual(["loose(compares it in a way this rule cannot read)@1"]);
  });

  it("a branch that does not end the process with a non-zero code", () => {
    expect(weakened('if (process.env.CI !== "true") process.exit(0);')).toEqual(["exitZero(process.exit(0))@1"]);
    expect(weakened('if (process.env.CI !== "true") process.exit();')).toEqual(["exitZero(process.exit())@1"]);
    expect(weakened('if (process.env.CI !== "true") process.exit(code);')).toEqual(["exitCode(process.exit(code))@1"]);
    expect(weakened('if (process.env.CI !== "true") {\n  console.warn("not in CI");\n}')).toEqual(["noExit(only logs)@1"]);
    expect(weakened('if (process.env.CI !== "true") {\n  process.exitCode = 1;\n}')).toEqual(["noExit(goes on)@1"]);
    expect(weakened('if (process.env.CI !== "true") {}')).toEqual(["noExit(does nothing)@1"]);
    expect(weakened('function main() {\n  if (process.env.CI !== "true") {\n    console.error("CI only");\n    return;\n  }\n}\nmain();')).toEqual([
      "noExit(returns)@2",
    ]);
    expect(weakened('if (process.env.CI !== "true") {\n  if (dryRun) process.exit(0);\n  process.exit(1);\n}')).toEqual(["exitZero(process.exit(0))@1"]);
  });

  it("a throw caught by an enclosing try whose catch goes on", () => {
    expect(weakened('try {\n  if (process.env.CI !== "true") throw new Error("CI only");\n} catch (e) {\n  console.error(e);\n}')).toEqual(["caught()@2"]);
    // A catch that ends the process keeps the guard; process.exit is not an exception.
    expect(guards('try {\n  if (process.env.CI !== "true") throw new Error("CI only");\n} catch (e) {\n  console.error(e);\n  process.exit(1);\n}')).toEqual([
      "comparison@2",
    ]);
    expect(guards('try {\n  if (process.env.CI !== "true") process.exit(1);\n} catch {}')).toEqual(["comparison@2"]);
    expect(weakened('function check() {\n  if (process.env.CI !== "true") throw new Error("CI only");\n}\ntry {\n  check();\n} catch {}')).toEqual([
      "caught()@2",
    ]);
  });

  it("placement: inside a function not called at top level, or conditionally", () => {
    expect(weakened('function check() {\n  if (process.env.CI !== "true") process.exit(1);\n}')).toEqual(["notCalled(check())@2"]);
    expect(weakened('export function check() {\n  if (process.env.CI !== "true") process.exit(1);\n}')).toEqual(["notCalled(check())@2"]);
    expect(weakened('program.action(() => {\n  if (process.env.CI !== "true") process.exit(1);\n});')).toEqual(["notCalled(an anonymous function)@2"]);
    expect(weakened('if (apply) {\n  if (process.env.CI !== "true") process.exit(1);\n}')).toEqual(["conditional(inside if (apply))@2"]);
    expect(weakened('function check() {\n  if (process.env.CI !== "true") process.exit(1);\n}\nif (apply) check();')).toEqual(["conditional(inside if (apply))@2"]);
    expect(weakened('for (const x of xs) {\n  if (process.env.CI !== "true") process.exit(1);\n}')).toEqual(["conditional(inside a loop)@2"]);
    expect(weakened('function main() {\n  if (dry) return;\n  if (process.env.CI !== "true") process.exit(1);\n}\nmain();')).toEqual([
      "conditional(after an early return in its function)@3",
    ]);
    expect(weakened('try {} catch {\n  if (process.env.CI !== "true") process.exit(1);\n}')).toEqual(["conditional(inside a catch or finally block)@2"]);
  });
});

describe("guards in functions of the same file", () => {
  it("counts a guard in a function called at top level", () => {
    expect(guards('function check() {\n  if (process.env.CI !== "true") process.exit(1);\n}\ncheck();')).toEqual(["comparison@2"]);
    expect(guards('const check = () => {\n  if (process.env.CI !== "true") process.exit(1);\n};\ncheck();')).toEqual(["comparison@2"]);
    expect(guards('async function main() {\n  if (process.env.CI !== "true") process.exit(1);\n}\nmain().catch(console.error);')).toEqual(["comparison@2"]);
    expect(guards('async function main() {\n  if (process.env.CI !== "true") process.exit(1);\n}\nawait main();')).toEqual(["comparison@2"]);
    expect(guards('(async () => {\n  if (process.env.CI !== "true") process.exit(1);\n})();')).toEqual(["comparison@2"]);
    expect(guards('function inner() {\n  if (process.env.CI !== "true") process.exit(1);\n}\nfunction outer() {\n  inner();\n}\nouter();')).toEqual([
      "comparison@2",
    ]);
  });

  it("counts a top-level call of a ciGuard.functions name, imported from anywhere", () => {
    const ciGuard = { ...DEFAULT_GUARD, functions: ["requireCI", "assertCiOnly"] };
    expect(guards('import { requireCI } from "../lib/ci";\nrequireCI();', ciGuard)).toEqual(["function@2"]);
    expect(guards('const { assertCiOnly } = require("./ci");\nawait assertCiOnly("seed");', ciGuard)).toEqual(["function@2"]);
    expect(guards('import * as ci from "./ci";\nci.requireCI();', ciGuard)).toEqual(["function@2"]);
    expect(guards("const env = requireCI();", ciGuard)).toEqual(["function@1"]);
    expect(guards("async function main() {\n  requireCI();\n}\nmain();", ciGuard)).toEqual(["function@2"]);
    expect(weakened("if (apply) requireCI();", ciGuard)).toEqual(["conditional(inside if (apply))@1"]);
    expect(weakened("try {\n  requireCI();\n} catch {}", ciGuard)).toEqual(["caught()@2"]);
    expect(weakened("function setup() {\n  requireCI();\n}", ciGuard)).toEqual(["notCalled(setup())@2"]);
    // Not a call statement: a reference only.
    expect(summary("const f = requireCI;", ciGuard)).toEqual({ guards: [], weakened: [] });
  });

  it("counts guard modules: ciGuard.modules, or what the caller says", () => {
    const ciGuard = { ...DEFAULT_GUARD, modules: ["./ci-guard"] };
    expect(guards('import "./ci-guard";\nimport { PrismaClient } from "@prisma/client";', ciGuard)).toEqual(["module@1"]);
    expect(guards('import type { X } from "./ci-guard";', ciGuard)).toEqual([]);
    expect(guards('require("./ci-guard");', ciGuard)).toEqual(["module@1"]);
    expect(guards('await import("./ci-guard");', ciGuard)).toEqual(["module@1"]);
    expect(summary('import "./lib/guard";', DEFAULT_GUARD, (s) => s === "./lib/guard").guards).toEqual(["module@1"]);
  });
});

describe("isAfterGuard", () => {
  const GUARD = 'if (process.env.CI !== "true") process.exit(1);';

  it("static imports are hoisted: only an earlier guard module import protects them", () => {
    expect(protection(`${GUARD}\nimport { PrismaClient } from "client";`)).toEqual(["2:before"]);
    expect(protection('import "./ci-guard";\nimport { PrismaClient } from "client";', { ...DEFAULT_GUARD, modules: ["./ci-guard"] })).toEqual(["2:after"]);
    expect(protection('import { PrismaClient } from "client";\nimport "./ci-guard";', { ...DEFAULT_GUARD, modules: ["./ci-guard"] })).toEqual(["1:before"]);
  });

  it("require and import() run where they stand", () => {
    expect(protection(`${GUARD}\nconst c = load("client");`)).toEqual(["2:after"]);
    expect(protection(`const c = load("client");\n${GUARD}`)).toEqual(["1:before"]);
    expect(protection('if (process.env.CI !== "true") {\n  process.exit(1);\n} else {\n  load("client");\n}')).toEqual(["4:after"]);
    expect(protection('if (process.env.CI === "true") {\n  load("client");\n} else {\n  process.exit(1);\n}')).toEqual(["2:after"]);
    expect(protection('if (process.env.CI !== "true") {\n  load("client");\n  process.exit(1);\n}')).toEqual(["2:before"]);
    // A guard module loaded anywhere before protects what follows it.
    expect(protection('import "./ci-guard";\nload("client");', { ...DEFAULT_GUARD, modules: ["./ci-guard"] })).toEqual(["2:after"]);
  });

  it("code in functions runs where the functions are called", () => {
    expect(protection(`function run() {\n  load("client");\n}\n${GUARD}\nrun();`)).toEqual(["2:after"]);
    expect(protection(`function run() {\n  load("client");\n}\nrun();\n${GUARD}`)).toEqual(["2:before"]);
    expect(protection(`const run = () => load("client");\n${GUARD}\nrun();`)).toEqual(["1:after"]);
    expect(protection(`${GUARD}\nsetTimeout(() => load("client"), 10);`)).toEqual(["2:after"]);
    expect(protection(`setTimeout(() => load("client"), 10);\n${GUARD}`)).toEqual(["1:before"]);
    // Never called, not exported: it never runs.
    expect(protection('function unused() {\n  load("client");\n}')).toEqual(["2:after"]);
    // Exported: another module may call it once this one has loaded, i.e. after a top-level guard.
    expect(protection(`export function run() {\n  load("client");\n}\n${GUARD}`)).toEqual(["2:after"]);
    expect(protection('export function run() {\n  load("client");\n}')).toEqual(["2:before"]);
  });

  it("a guard inside a function protects what follows it there", () => {
    const main = 'async function main() {\n  if (process.env.CI !== "true") process.exit(1);\n  await load("client");\n}\nmain();';
    expect(protection(main)).toEqual(["3:after"]);
    expect(protection('async function main() {\n  await load("client");\n  if (process.env.CI !== "true") process.exit(1);\n}\nmain();')).toEqual(["2:before"]);
    // The guard exits synchronously inside main(), so the top level after the call is protected too.
    expect(protection(`${main}\nload("client");`)).toEqual(["3:after", "6:after"]);
  });

  it("an async guard that throws protects the top level only when its call is awaited", () => {
    const fn = 'async function check() {\n  if (process.env.CI !== "true") throw new Error("CI only");\n}';
    expect(protection(`${fn}\ncheck();\nload("client");`)).toEqual(["5:before"]);
    expect(protection(`${fn}\nawait check();\nload("client");`)).toEqual(["5:after"]);
    // After an await inside it, the caller goes on before the guard has run.
    expect(protection('async function check() {\n  await x;\n  if (process.env.CI !== "true") process.exit(1);\n}\ncheck();\nload("client");')).toEqual([
      "6:before",
    ]);
  });
});

describe("beginsWithGuard", () => {
  it("a module whose first statement is the guard", () => {
    expect(beginsWithGuard('if (process.env.CI !== "true") {\n  console.error("CI only");\n  process.exit(1);\n}\nexport {};', DEFAULT_GUARD)).toBe(true);
    expect(beginsWithGuard('"use strict";\nconst ci = process.env.CI;\nif (ci !== "true") process.exit(1);', DEFAULT_GUARD)).toBe(true);
    expect(beginsWithGuard('import process from "node:process";\nimport type { X } from "./t";\nif (process.env.CI !== "true") process.exit(1);', DEFAULT_GUARD)).toBe(true);
    expect(beginsWithGuard('function check() {\n  if (process.env.CI !== "true") process.exit(1);\n}\ncheck();', DEFAULT_GUARD)).toBe(true);
    expect(beginsWithGuard('import { requireCI } from "../lib/ci";\nrequireCI();', { ...DEFAULT_GUARD, functions: ["requireCI"] })).toBe(true);
  });

  it("not when something runs or loads before it, or the guard is weakened", () => {
    expect(beginsWithGuard('import { prisma } from "./db";\nif (process.env.CI !== "true") process.exit(1);', DEFAULT_GUARD)).toBe(false);
    expect(beginsWithGuard('console.log("hi");\nif (process.env.CI !== "true") process.exit(1);', DEFAULT_GUARD)).toBe(false);
    expect(beginsWithGuard('if (process.env.CI !== "true" && !force) process.exit(1);', DEFAULT_GUARD)).toBe(false);
    expect(beginsWithGuard("export const x = 1;", DEFAULT_GUARD)).toBe(false);
    expect(beginsWithGuard("", DEFAULT_GUARD)).toBe(false);
  });
});
