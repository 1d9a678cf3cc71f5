/**
 * RuleTester cases for `require-production-check` (SPEC §3 group D row `require-production-check`, issue 6
 * item 2; seed 000, the RetroVue production safety contract PS-1..PS-3). Each case names the clause it
 * proves; `// Choice:` marks behaviour the SPEC leaves open.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/require-production-check.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const CONTRACT = { version: 1, safety: { productionCheck: ["isProduction"], safetyCheck: ["passesSafetyCheck"], confirm: ["requireConfirmation"] } };
const ruleTester = createTester();
const SETTINGS = contractSettings(CONTRACT);
const SCRIPT = repoFile("scripts/delete-sources.ts");
const IMPORT = 'import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();\n';
const DELETE_T = "await prisma.source.delete({ where: { id: t.id } });";

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;
interface Expected {
  messageId: MessageId;
  line: number;
  column: number;
  data?: Record<string, string | number>;
}

function valid(code: string, extra: Partial<Valid> = {}): Valid {
  return { code: IMPORT + code, filename: SCRIPT, settings: SETTINGS, ...extra };
}

/** `line` counts lines of `code` (the two import lines are added). */
function invalid(code: string, errors: Expected[], extra: Partial<Invalid> = {}): Invalid {
  return { code: IMPORT + code, filename: SCRIPT, settings: SETTINGS, errors: errors.map((e) => ({ ...e, line: e.line + 2 })), ...extra };
}

function noCheck(line: number, column: number, what = "prisma.source.delete()"): Expected {
  return { messageId: "noProductionCheck", data: { what, check: "isProduction()", safetyCheck: "passesSafetyCheck" }, line, column };
}

function notChecked(line: number, column: number, target: string, what = "prisma.source.delete()"): Expected {
  return { messageId: "targetNotChecked", data: { what, target, safetyCheck: "passesSafetyCheck" }, line, column };
}

function force(flag: string, line: number, column: number): Expected {
  return { messageId: "forceOverridesSafety", data: { flag }, line, column };
}

// The RetroVue implementation pattern (seed 000), in TypeScript.
const RETROVUE = `async function deleteSources(targets: Source[], force = false) {
  if (isProduction()) {
    const safe: Source[] = [];
    const skipped: Source[] = [];
    for (const target of targets) {
      if (passesSafetyCheck(target)) safe.push(target);
      else skipped.push(target);
    }
    reportSkipped(skipped);
    targets = safe;
  }
  if (!force) {
    if (!(await requireConfirmation(targets))) return;
  }
  for (const t of targets) ${DELETE_T}
}
await deleteSources(await load(), process.argv.includes("--force"));`;

ruleTester.run("require-production-check", rule, {
  valid: [
    // Empty file.
    { code: "", filename: SCRIPT, settings: SETTINGS },
    // Clause PS-1/PS-2 (the seed's own pattern): check per target, skip failures, --force only skips the prompt.
    valid(RETROVUE),
    // Skip with continue.
    valid(`const targets = await load();\nconst prod = isProduction();\nfor (const t of targets) {\n  if (prod && !passesSafetyCheck(t)) continue;\n  ${DELETE_T}\n}`),
    // if (isProduction()) with the per-target skip inside the loop.
    valid(`for (const t of await load()) {\n  if (isProduction()) {\n    if (!passesSafetyCheck(t)) {\n      console.log("skipped", t.name);\n      continue;\n    }\n  }\n  ${DELETE_T}\n}`),
    // filter: the deleted elements come from the filtered array.
    valid(`let targets = await load();\nif (isProduction()) targets = targets.filter((t) => passesSafetyCheck(t));\nfor (const t of targets) ${DELETE_T}`),
    // filter with the function itself, and deleteMany on the ids of the safe targets.
    valid(`let targets = await load();\nif (isProduction()) targets = targets.filter(passesSafetyCheck);\nconst ids = targets.map((t) => t.id);\nawait prisma.source.deleteMany({ where: { id: { in: ids } } });`),
    // Stops: a single target, exit when it fails.
    valid(`const source = await load1();\nif (isProduction() && !passesSafetyCheck(source)) {\n  console.error("refusing");\n  process.exit(1);\n}\nawait prisma.source.delete({ where: { id: source.id } });`),
    // Stops for the whole batch when any target fails (every).
    valid(`const targets = await load();\nif (isProduction() && !targets.every((t) => passesSafetyCheck(t))) throw new Error("unsafe");\nfor (const t of targets) ${DELETE_T}`),
    // Clause "on every path": the non-production branch is exempt (the else of the production check).
    valid(`const t = await load1();\nif (isProduction()) {\n  if (!passesSafetyCheck(t)) process.exit(1);\n}\n${DELETE_T}`),
    // Delete inside the branch where the check passed.
    valid(`const t = await load1();\nif (isProduction()) {\n  if (passesSafetyCheck(t)) ${DELETE_T}\n} else {\n  ${DELETE_T}\n}`),
    // Near-miss: a delete in a function that is never reached without the check.
    valid(`async function purge(t: Source) {\n  ${DELETE_T}\n}\nconst targets = await load();\nif (isProduction()) {\n  for (const t of targets) {\n    if (!passesSafetyCheck(t)) continue;\n    await purge(t);\n  }\n} else {\n  for (const t of targets) await purge(t);\n}`),
    // Near-miss: the check in a helper of the same file called first.
    valid(`function assertDeletable(s: Source) {\n  if (isProduction() && !passesSafetyCheck(s)) throw new Error("protected");\n}\nconst t = await load1();\nassertDeletable(t);\n${DELETE_T}`),
    // Member calls of the configured names.
    valid(`const t = await load1();\nif (env.isProduction() && !(await safety.passesSafetyCheck(t))) process.exit(1);\n${DELETE_T}`),
    // PS-2: --force that only skips the confirmation (after the checks) is fine.
    valid(`const t = await load1();\nif (isProduction() && !passesSafetyCheck(t)) process.exit(1);\nif (!process.argv.includes("--force")) await requireConfirmation([t]);\n${DELETE_T}`),
    // PS-3 per target with a stop: some(t => !check(t)) stops the batch when any target fails.
    valid(`const targets = await load();\nif (isProduction() && targets.some((t) => !passesSafetyCheck(t))) process.exit(1);\nfor (const t of targets) ${DELETE_T}`),
    // forEach callback over a filtered array; the checked set built with Set#add.
    valid(`const targets = await load();\nconst safe = isProduction() ? targets.filter((t) => passesSafetyCheck(t)) : targets;\nsafe.forEach(async (t) => {\n  ${DELETE_T}\n});`),
    valid(`const ok = new Set<Source>();\nif (isProduction()) {\n  for (const s of await load()) if (passesSafetyCheck(s)) ok.add(s);\n}\nfor (const t of ok) ${DELETE_T}`),
    // PS-1: confirmation after the checks (the seed's order) is fine.
    valid(`const t = await load1();\nif (isProduction() && !passesSafetyCheck(t)) process.exit(1);\nif (!(await requireConfirmation([t]))) process.exit(0);\n${DELETE_T}`),
    // if (!isProduction()) { ... } — the then branch is non-production, exempt.
    valid(`const t = await load1();\nif (!isProduction()) {\n  ${DELETE_T}\n} else if (passesSafetyCheck(t)) {\n  ${DELETE_T}\n}`),
    // Choice: without safety.safetyCheck only the production check itself is required.
    valid(`const t = await load1();\nif (isProduction()) console.warn("production");\n${DELETE_T}`, { settings: contractSettings({ version: 1, safety: { productionCheck: ["isProduction"] } }) }),
    // Not destructive: update and create.
    valid('await prisma.source.update({ where: { id: 1 }, data: { name: "x" } });'),
    // Dead code.
    valid(`process.exit(0);\nawait prisma.source.deleteMany();`),
    // Layer off: no safety.productionCheck.
    valid("await prisma.source.deleteMany();", { settings: contractSettings({ version: 1, safety: { backup: ["createBackup"] } }) }),
    // Scope (issue 13 item 1): tests and ignored files are out of scope, wherever they are.
    { code: IMPORT + "await prisma.source.deleteMany();", filename: repoFile("src/commands/source-delete.test.ts"), settings: SETTINGS },
    { code: IMPORT + "await prisma.source.deleteMany();", filename: repoFile("tests/helpers/reset.ts"), settings: SETTINGS },
    {
      code: IMPORT + "await prisma.source.deleteMany();",
      filename: repoFile("vendor/purge.ts"),
      settings: contractSettings({ ...CONTRACT, ignore: ["vendor/**"] }),
    },
  ],
  invalid: [
    // Without safety.safetyCheck, a missing production check is still reported.
    invalid(`const t = await load1();\n${DELETE_T}`, [{ ...noCheck(2, 7), data: { what: "prisma.source.delete()", check: "isProduction()", safetyCheck: "safetyCheck" } }], {
      settings: contractSettings({ version: 1, safety: { productionCheck: ["isProduction"] } }),
    }),
    // Clause PS-1 "preceded by a productionCheck call": none.
    invalid(`const t = await load1();\n${DELETE_T}`, [noCheck(2, 7)]),
    // Destructive SQL at a sink, and a safety.destructive name.
    invalid('await prisma.$executeRawUnsafe("DELETE FROM sources");', [noCheck(1, 7, "DELETE reaching $executeRawUnsafe")]),
    invalid("await purgeSource(1);", [noCheck(1, 7, "purgeSource()")], { settings: contractSettings({ ...CONTRACT, safety: { ...CONTRACT.safety, destructive: ["purgeSource"] } }) }),
    // Clause "on every path": the production check only on one branch.
    invalid(`const t = await load1();\nif (process.argv.includes("--careful")) {\n  if (isProduction() && !passesSafetyCheck(t)) process.exit(1);\n}\n${DELETE_T}`, [noCheck(5, 7)]),
    // Clause "on every path": an early return skips nothing, but the check comes after the delete.
    invalid(`const t = await load1();\n${DELETE_T}\nif (isProduction() && !passesSafetyCheck(t)) process.exit(1);`, [noCheck(2, 7)]),
    // Clause "on every path": a loop — the check inside a loop that may run zero times.
    invalid(`const t = await load1();\nfor (const f of flags) if (isProduction() && !passesSafetyCheck(t)) process.exit(1);\n${DELETE_T}`, [noCheck(3, 7)]),
    // The production check's result thrown away.
    invalid(`const t = await load1();\nisProduction();\n${DELETE_T}`, [noCheck(3, 7)]),
    // Clause "true branch applies safetyCheck": production check without any safety check.
    invalid(`const t = await load1();\nif (isProduction()) console.warn("production!");\n${DELETE_T}`, [notChecked(3, 7, "t")]),
    // Clause "excludes the targets that fail": the result is only logged.
    invalid(`for (const t of await load()) {\n  if (isProduction()) console.log(passesSafetyCheck(t));\n  ${DELETE_T}\n}`, [notChecked(3, 9, "t")]),
    // Clause "to that target": the check is on another variable.
    invalid(`const t = await load1();\nconst other = await load1();\nif (isProduction() && !passesSafetyCheck(other)) process.exit(1);\n${DELETE_T}`, [notChecked(4, 7, "t")]),
    // Targets filtered, but the unfiltered list is deleted.
    invalid(`const targets = await load();\nconst safe = isProduction() ? targets.filter(passesSafetyCheck) : targets;\nfor (const t of targets) ${DELETE_T}`, [notChecked(3, 32, "t")]),
    // deleteMany() with no target: only a stop covers every row.
    invalid(`if (isProduction()) {\n  for (const t of await load()) if (passesSafetyCheck(t)) console.log(t);\n}\nawait prisma.source.deleteMany();`, [notChecked(4, 7, "every row", "prisma.source.deleteMany()")]),
    // Another condition weakens the skip (it does not run when verbose is off).
    invalid(`for (const t of await load()) {\n  if (isProduction() && verbose && !passesSafetyCheck(t)) continue;\n  ${DELETE_T}\n}`, [notChecked(3, 9, "t")]),
    // Near-miss (invalid side): the function is also called without the check.
    invalid(`async function purge(t: Source) {\n  ${DELETE_T}\n}\nconst t = await load1();\nif (isProduction() && !passesSafetyCheck(t)) process.exit(1);\nawait purge(t);\nawait purge(await load1());`, [notChecked(2, 9, "t")]),
    // Choice: a check in a helper counts one level deep only (a helper calling a checking helper does not).
    invalid(`function inner(s: Source) {\n  if (isProduction() && !passesSafetyCheck(s)) throw new Error("protected");\n}\nfunction outer(s: Source) {\n  inner(s);\n}\nconst t = await load1();\nouter(t);\n${DELETE_T}`, [notChecked(9, 7, "t")]),
    // A helper that checks but does not stop does not exclude.
    invalid(`function warnIfUnsafe(s: Source) {\n  if (isProduction() && !passesSafetyCheck(s)) console.warn("unsafe");\n}\nconst t = await load1();\nwarnIfUnsafe(t);\n${DELETE_T}`, [notChecked(6, 7, "t")]),
    // Clause PS-2: force in the condition gating the production check.
    invalid(`const t = await load1();\nif (isProduction() && !force) {\n  if (!passesSafetyCheck(t)) process.exit(1);\n}\n${DELETE_T}`, [force("force", 2, 24)]),
    // PS-2: --force gating the exclusion.
    invalid(`for (const t of await load()) {\n  if (isProduction() && !passesSafetyCheck(t) && !process.argv.includes("--force")) continue;\n  ${DELETE_T}\n}`, [force('process.argv.includes("--force")', 2, 51)]),
    // PS-2: an outer `if (!options.yes)` around the whole check.
    invalid(`const t = await load1();\nif (!options.yes) {\n  if (isProduction() && !passesSafetyCheck(t)) process.exit(1);\n}\n${DELETE_T}`, [force("options.yes", 2, 6)]),
    // Clause PS-1 "safety checks run before prompts": confirmation first.
    invalid(`const t = await load1();\nif (!(await requireConfirmation([t]))) process.exit(0);\nif (isProduction() && !passesSafetyCheck(t)) process.exit(1);\n${DELETE_T}`, [
      { messageId: "confirmBeforeCheck", data: { confirm: "requireConfirmation" }, line: 2, column: 13 },
    ]),
    // Clause PS-3: only the first target checked.
    invalid(`const targets = await load();\nif (isProduction() && !passesSafetyCheck(targets[0])) process.exit(1);\nfor (const t of targets) ${DELETE_T}`, [
      { messageId: "partialBatch", data: { safetyCheck: "passesSafetyCheck", how: "only targets[0]" }, line: 2, column: 24 },
    ]),
    // PS-3: some instead of every.
    invalid(`const targets = await load();\nif (isProduction() && !targets.some((t) => passesSafetyCheck(t))) process.exit(1);\nfor (const t of targets) ${DELETE_T}`, [
      { messageId: "partialBatch", data: { safetyCheck: "passesSafetyCheck", how: "whether some target is safe" }, line: 2, column: 44 },
    ]),
    // PS-3: a sample.
    invalid(`const targets = await load();\nif (isProduction() && !passesSafetyCheck(sample(targets))) process.exit(1);\nfor (const t of targets) ${DELETE_T}`, [
      { messageId: "partialBatch", data: { safetyCheck: "passesSafetyCheck", how: "only sample(targets)" }, line: 2, column: 24 },
    ]),
  ],
});

// Regressions found while writing fixtures/safety-app (issue 6 item 6): natural RetroVue shapes the rule
// misread. Each failed before its fix.
ruleTester.run("require-production-check: regressions from the safety-app example", rule, {
  valid: [
    // Skip per target, then collect the survivors: the push comes after the skip (no else branch).
    valid(
      `let targets = await load();\nif (isProduction()) {\n  const safe: Source[] = [];\n  for (const s of targets) {\n    if (!passesSafetyCheck(s)) {\n      reportSkipped([s]);\n      continue;\n    }\n    safe.push(s);\n  }\n  targets = safe;\n}\nfor (const t of targets) ${DELETE_T}`,
    ),
    // A whole-batch stop (every) inside the production branch: the non-production path is exempt.
    valid(`const targets = await load();\nif (isProduction()) {\n  if (!targets.every((t) => passesSafetyCheck(t))) process.exit(1);\n}\nfor (const t of targets) ${DELETE_T}`),
    // every with the function itself, combined with the production check and nested in its branch.
    valid(`const targets = await load();\nif (isProduction() && !targets.every(passesSafetyCheck)) process.exit(1);\nfor (const t of targets) ${DELETE_T}`),
    valid(`const targets = await load();\nif (isProduction()) {\n  if (!targets.every(passesSafetyCheck)) throw new Error("unsafe");\n}\nfor (const t of targets) ${DELETE_T}`),
  ],
  invalid: [
    // Near-miss: the push comes before the skip, so failing targets are collected too.
    invalid(
      `let targets = await load();\nif (isProduction()) {\n  const safe: Source[] = [];\n  for (const s of targets) {\n    safe.push(s);\n    if (!passesSafetyCheck(s)) continue;\n  }\n  targets = safe;\n}\nfor (const t of targets) ${DELETE_T}`,
      [notChecked(10, 32, "t")],
    ),
    // Near-miss: every() in a branch that does not stop.
    invalid(`const targets = await load();\nif (isProduction()) {\n  if (!targets.every(passesSafetyCheck)) console.warn("unsafe targets");\n}\nfor (const t of targets) ${DELETE_T}`, [notChecked(5, 32, "t")]),
    // PS-3 with the function itself: some() / find() let the batch through when one target is safe.
    invalid(`const targets = await load();\nif (isProduction() && !targets.some(passesSafetyCheck)) process.exit(1);\nfor (const t of targets) ${DELETE_T}`, [
      { messageId: "partialBatch", data: { safetyCheck: "passesSafetyCheck", how: "whether some target is safe" }, line: 2, column: 37 },
    ]),
    invalid(`const targets = await load();\nif (isProduction() && targets.find(passesSafetyCheck) === undefined) process.exit(1);\nfor (const t of targets) ${DELETE_T}`, [
      { messageId: "partialBatch", data: { safetyCheck: "passesSafetyCheck", how: "whether one target is found safe" }, line: 2, column: 36 },
    ]),
    // PS-1: a confirmation before a whole-batch check written with the function itself.
    invalid(`const targets = await load();\nif (!(await requireConfirmation(targets))) process.exit(0);\nif (isProduction() && !targets.every(passesSafetyCheck)) process.exit(1);\nfor (const t of targets) ${DELETE_T}`, [
      { messageId: "confirmBeforeCheck", data: { confirm: "requireConfirmation" }, line: 2, column: 13 },
    ]),
  ],
});

// Issue 13 item 1: the rule runs wherever a destructive function is called (SPEC §6.18), not only in
// mutation scripts. Seed 000 (RetroVue) puts the production check in its CLI command module
// (`retrovue source delete`); modelled here as a TypeScript command `src/commands/source-delete.ts` that
// imports no database client itself (the delete goes through a `safety.destructive` function). Before the
// change every invalid case below was silent: the file is application code, not a mutation script.
const COMMAND = repoFile("src/commands/source-delete.ts");
const COMMAND_SETTINGS = contractSettings({ ...CONTRACT, safety: { ...CONTRACT.safety, destructive: ["deleteSource"] } });
const COMMAND_IMPORT = 'import { deleteSource, findSources } from "../sources";\n';

function command(code: string): Valid {
  return { code: COMMAND_IMPORT + code, filename: COMMAND, settings: COMMAND_SETTINGS };
}

/** `line` counts lines of `code` (the import line is added). */
function commandInvalid(code: string, errors: Expected[]): Invalid {
  return { code: COMMAND_IMPORT + code, filename: COMMAND, settings: COMMAND_SETTINGS, errors: errors.map((e) => ({ ...e, line: e.line + 1 })) };
}

ruleTester.run("require-production-check: in a CLI command module", rule, {
  valid: [
    // The seed's order: production check per target, failures skipped, then the prompt (skipped by --force).
    command(
      "export async function sourceDelete(selector: string, force = false) {\n  let targets = await findSources(selector);\n  if (isProduction()) targets = targets.filter((t) => passesSafetyCheck(t));\n  if (!force && !(await requireConfirmation(targets))) return;\n  for (const t of targets) await deleteSource(t.id);\n}",
    ),
    // Near-miss: a command that only lists sources calls nothing destructive.
    command("export async function sourceList(selector: string) {\n  return findSources(selector);\n}"),
    // Near-miss: the same module as a test file is out of scope.
    { code: COMMAND_IMPORT + "export async function run(id: string) {\n  await deleteSource(id);\n}", filename: repoFile("src/commands/source-delete.spec.ts"), settings: COMMAND_SETTINGS },
  ],
  invalid: [
    // No production check at all.
    commandInvalid("export async function sourceDelete(id: string) {\n  await deleteSource(id);\n}", [
      { messageId: "noProductionCheck", data: { what: "deleteSource()", check: "isProduction()", safetyCheck: "passesSafetyCheck" }, line: 2, column: 9 },
    ]),
    // PS-2: isProduction() && !force gates the safety check.
    commandInvalid(
      "export async function sourceDelete(selector: string, force: boolean) {\n  let targets = await findSources(selector);\n  if (isProduction() && !force) targets = targets.filter((t) => passesSafetyCheck(t));\n  for (const t of targets) await deleteSource(t.id);\n}",
      [force("force", 3, 26)],
    ),
    // PS-1: the confirmation before the safety check.
    commandInvalid(
      "export async function sourceDelete(selector: string) {\n  let targets = await findSources(selector);\n  if (!(await requireConfirmation(targets))) return;\n  if (isProduction()) targets = targets.filter((t) => passesSafetyCheck(t));\n  for (const t of targets) await deleteSource(t.id);\n}",
      [{ messageId: "confirmBeforeCheck", data: { confirm: "requireConfirmation" }, line: 3, column: 15 }],
    ),
    // Application code that deletes through Prisma directly.
    { ...invalid("await prisma.source.deleteMany();", [noCheck(1, 7, "prisma.source.deleteMany()")]), filename: repoFile("src/sources.ts") },
  ],
});
