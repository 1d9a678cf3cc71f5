/**
 * RuleTester cases for `dry-run-by-default` (SPEC §3 group D row `dry-run-by-default`, issue 6 item 3;
 * seed 004 "Layer 3: dry-run mode (default)", whose own code runs destructively unless --dry-run is given).
 * Each case names the clause it proves; `// Choice:` marks behaviour the SPEC leaves open.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/dry-run-by-default.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const ruleTester = createTester();
const SETTINGS = contractSettings({ version: 1, safety: { confirm: ["requireConfirmation"] } });
const SCRIPT = repoFile("scripts/cleanup-demo-data.ts");
const IMPORT = 'import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();\n';
const DELETE = "await prisma.user.deleteMany({ where: { demo: true } });";

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

function valid(code: string, extra: Partial<Valid> = {}): Valid {
  return { code: IMPORT + code, filename: SCRIPT, settings: SETTINGS, ...extra };
}

/** `line` counts lines of `code` (the two import lines are added). */
function optOut(code: string, flag: string, line: number, column: number, deleteLine: number, what = "prisma.user.deleteMany()"): Invalid {
  return { code: IMPORT + code, filename: SCRIPT, settings: SETTINGS, errors: [{ messageId: "dryRunOptOut", data: { flag, what, line: deleteLine + 2 }, line: line + 2, column }] };
}

function noDryRun(code: string, line: number, column: number, what = "prisma.user.deleteMany()", extra: Partial<Invalid> = {}): Invalid {
  return { code: IMPORT + code, filename: SCRIPT, settings: SETTINGS, errors: [{ messageId: "noDryRun", data: { what }, line: line + 2, column }], ...extra };
}

ruleTester.run("dry-run-by-default", rule, {
  valid: [
    // Empty file.
    { code: "", filename: SCRIPT, settings: SETTINGS },
    // Clause "execution must be the opt-in": --apply, stop unless given.
    valid(`if (!process.argv.includes("--apply")) {\n  console.log("dry run");\n  process.exit(0);\n}\n${DELETE}`),
    // dryRun = !argv.includes("--apply"); if (dryRun) return.
    valid(`async function main() {\n  const dryRun = !process.argv.includes("--apply");\n  if (dryRun) {\n    console.log("would delete");\n    return;\n  }\n  ${DELETE}\n}\nawait main();`),
    // The destructive call inside the opt-in branch.
    valid(`const argv = process.argv.slice(2);\nif (argv.includes("--execute")) {\n  ${DELETE}\n}`),
    // && guard.
    valid(`const apply = process.argv.includes("--yes");\napply && (${DELETE.slice(0, -1)});`),
    // node:util parseArgs with an apply option, read as values.apply.
    valid(`import { parseArgs } from "node:util";\nconst { values } = parseArgs({ options: { apply: { type: "boolean", default: false } } });\nif (!values.apply) process.exit(0);\n${DELETE}`),
    // parseArgs dry-run option that defaults to true: the opt-in is --no-dry-run / dry-run false.
    valid(`import { parseArgs } from "node:util";\nconst { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: true } } });\nif (values["dry-run"]) process.exit(0);\n${DELETE}`),
    // yargs option with default true.
    valid(`const argv = yargs(process.argv.slice(2)).option("dry-run", { type: "boolean", default: true }).parseSync();\nif (argv.dryRun) process.exit(0);\n${DELETE}`),
    // commander option with default true (third argument).
    valid(`program.option("--dry-run", "print only", true);\nconst opts = program.opts();\nif (opts.dryRun) process.exit(0);\n${DELETE}`),
    // Typed confirmation (seed 004 layer 2) as the opt-in.
    valid(`const answer = await rl.question("Type 'DELETE MY DATA' to proceed: ");\nif (answer.trim() !== "DELETE MY DATA") process.exit(0);\n${DELETE}`),
    // safety.confirm as the opt-in.
    valid(`if (!(await requireConfirmation())) process.exit(0);\n${DELETE}`),
    // Near-miss: the destructive function is only ever called behind the opt-in.
    valid(`async function purge() {\n  ${DELETE}\n}\nif (process.argv.includes("--apply")) await purge();`),
    // A flag that asks for the destructive step itself: old demo data is cleared only with --clear
    // (modelled on umami's scripts/seed, where a config.clear option gates the deletes).
    valid(`interface Config { clear: boolean }\nasync function clearDemo() {\n  ${DELETE}\n}\nexport async function seed(config: Config) {\n  if (config.clear) await clearDemo();\n}`),
    valid(`if (process.argv.includes("--purge")) {\n  ${DELETE}\n}`),
    // An environment opt-in compared with a "yes" string.
    valid(`if (process.env.APPLY !== "true") process.exit(0);\n${DELETE}`),
    // An inline callback behind the opt-in.
    valid(`if (!process.argv.includes("--apply")) process.exit(0);\nfor (const id of [1, 2]) await prisma.user.delete({ where: { id } });\n[3, 4].forEach(async (id) => {\n  await prisma.user.delete({ where: { id } });\n});`),
    // A dry-run flag read in a script that deletes only behind --apply too.
    valid(`const dryRun = process.argv.includes("--dry-run") || !process.argv.includes("--apply");\nif (dryRun) process.exit(0);\n${DELETE}`),
    // No destructive call: a dry-run flag in a script that only reads or updates.
    valid(`const dryRun = process.argv.includes("--dry-run");\nif (!dryRun) await prisma.user.update({ where: { id: 1 }, data: { demo: false } });`),
    // Not a mutation script, and the layer off without a safety section.
    { code: `const dryRun = process.argv.includes("--dry-run");\nif (!dryRun) await db.user.deleteMany();`, filename: SCRIPT, settings: SETTINGS },
    { code: IMPORT + `const dryRun = process.argv.includes("--dry-run");\nif (!dryRun) ${DELETE}`, filename: repoFile("src/admin.ts"), settings: SETTINGS },
    { code: IMPORT + `const dryRun = process.argv.includes("--dry-run");\nif (!dryRun) ${DELETE}`, filename: SCRIPT, settings: contractSettings({ version: 1 }) },
  ],
  invalid: [
    // Clause "argv.includes('--dry-run')": the seed 004 pattern — a dry run only when asked for.
    optOut(`async function main() {\n  const dryRun = process.argv.includes("--dry-run");\n  if (dryRun) {\n    console.log("DRY RUN");\n    return;\n  }\n  ${DELETE}\n}\nawait main();`, "Reading --dry-run", 2, 18, 7),
    // The same with if (!dryRun) around the delete.
    optOut(`const argv = process.argv.slice(2);\nif (!argv.includes("--dry-run")) {\n  ${DELETE}\n}`, "Reading --dry-run", 2, 6, 3),
    // Clause "parsed dryRun option that defaults to false": node:util parseArgs, default false.
    optOut(`import { parseArgs } from "node:util";\nconst { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } });\nif (values["dry-run"]) process.exit(0);\n${DELETE}`, 'The "dry-run" option', 2, 43, 4),
    // parseArgs with no default.
    optOut(`import { parseArgs } from "node:util";\nconst { values } = parseArgs({ options: { dryRun: { type: "boolean" } } });\nif (values.dryRun) process.exit(0);\n${DELETE}`, 'The "dryRun" option', 2, 43, 4),
    // commander .option("-d, --dry-run").
    optOut(`program.option("-d, --dry-run", "print only");\nconst opts = program.opts();\nif (opts.dryRun) process.exit(0);\n${DELETE}`, 'The "-d, --dry-run" option', 1, 1, 4),
    // yargs .option("dry-run", { default: false }).
    optOut(`const argv = yargs(process.argv.slice(2)).option("dry-run", { type: "boolean", default: false }).parseSync();\nif (argv.dryRun) process.exit(0);\n${DELETE}`, 'The "dry-run" option', 1, 14, 3),
    // yargs .boolean("dry-run").
    optOut(`const argv = yargs(process.argv.slice(2)).boolean("dry-run").parseSync();\nif (argv.dryRun) process.exit(0);\n${DELETE}`, 'The "dry-run" option', 1, 14, 3),
    // Clause "if (dryRun) return with dryRun false by default": a parameter default.
    optOut(`async function clean(dryRun = false) {\n  if (dryRun) return;\n  ${DELETE}\n}\nawait clean();`, '"dryRun" defaulting to false', 1, 22, 3),
    // A let defaulting to false, switched by a flag elsewhere.
    optOut(`let dryRun = false;\nfor (const a of process.argv) if (a === "-n") dryRun = true;\nif (dryRun) process.exit(0);\n${DELETE}`, '"dryRun" defaulting to false', 1, 5, 4),
    // Destructuring default.
    optOut(`async function clean({ dryRun = false } = {}) {\n  if (dryRun) return;\n  ${DELETE}\n}\nawait clean();`, '"dryRun" defaulting to false', 1, 24, 3),
    // Destructive SQL at a sink is a destructive path too.
    optOut(`if (!process.argv.includes("--dry-run")) await prisma.$executeRawUnsafe("TRUNCATE TABLE sessions");`, "Reading --dry-run", 1, 6, 1, "TRUNCATE reaching $executeRawUnsafe"),
    // A dry-run switch read from the environment: unset means it deletes.
    optOut(`if (process.env.DRY_RUN === "true") process.exit(0);\n${DELETE}`, "Reading process.env.DRY_RUN", 1, 5, 2),
    // An environment opt-in compared with a "no" string does not gate.
    noDryRun(`if (process.env.APPLY === "false") process.exit(0);\n${DELETE}`, 2, 7),
    // Choice: no flag at all and a destructive call: nothing makes it a dry run (reported at the call).
    noDryRun(DELETE, 1, 7),
    // An opt-in flag that is read but does not gate the delete.
    noDryRun(`const apply = process.argv.includes("--apply");\nconsole.log(apply ? "applying" : "dry run");\n${DELETE}`, 3, 7),
    // Opt-in gate only on one path: the else branch deletes anyway.
    noDryRun(`if (process.argv.includes("--apply")) {\n  console.log("applying");\n} else {\n  ${DELETE}\n}`, 4, 9),
    // Near-miss (invalid side): a function called both behind the opt-in and without it.
    noDryRun(`async function purge() {\n  ${DELETE}\n}\nif (process.argv.includes("--apply")) await purge();\nawait purge();`, 2, 9),
  ],
});

// Regressions found while writing the safety-app example (fixtures/safety-app): seed 004's own structure,
// where the dry-run switch reaches the deleting function as an argument. Each invalid case failed before its fix.
const CLEAN = `async function cleanDemoDataSafe(dryRun = true) {\n  if (dryRun) return;\n  ${DELETE}\n}\n`;
ruleTester.run("dry-run-by-default: a dry-run parameter and its callers", rule, {
  valid: [
    // The default (true) applies at every call.
    valid(`${CLEAN}await cleanDemoDataSafe();`),
    // The caller passes a dry-run value that defaults to true.
    valid(`${CLEAN}const dryRun = !process.argv.includes("--apply");\nawait cleanDemoDataSafe(dryRun);`),
    // false is passed only after the caller stopped unless --apply was given.
    valid(`${CLEAN}if (!process.argv.includes("--apply")) {\n  await cleanDemoDataSafe(true);\n  process.exit(0);\n}\nawait cleanDemoDataSafe(false);`),
  ],
  invalid: [
    // Seed 004 exactly: `dry_run = "--dry-run" in sys.argv`, then clean_demo_data_safe(dry_run=False) without it.
    optOut(`${CLEAN}const dryRun = process.argv.includes("--dry-run");\nif (dryRun) {\n  await cleanDemoDataSafe(true);\n  process.exit(0);\n}\nawait cleanDemoDataSafe(false);`, "Reading --dry-run", 5, 16, 3),
    // The parameter's default is true, but the caller hands it a value that is false unless --dry-run is given.
    optOut(`${CLEAN}await cleanDemoDataSafe(process.argv.includes("--dry-run"));`, "Reading --dry-run", 5, 25, 3),
  ],
});
