/**
 * Bounded work (issue 14 item 2): whatever a repository or a contract holds, the work of a scan stays
 * bounded and every limit reached is reported. Each case is a tiny repository written to a temporary
 * folder and scanned with `contract-scan --format json` in this process (`cliHere`); each asserts the exit
 * code, the finding or message, no stack trace on stderr, and a generous wall-time bound (each case hung,
 * crashed or took minutes before). The limits are those of src/limits.ts.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_GLOB_EXPANSIONS, MAX_SCRIPT_CHAIN_DEPTH, MAX_SQL_STATEMENTS_PER_FILE, MAX_SQL_STATEMENTS_PER_TEXT } from "../../src/limits.js";
import { cliHere, type JsonReport, type Run } from "../e2e/helpers.js";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Writes a repository of `files` (path -> text; a contract object is written as JSON) to a new temporary folder. */
function repo(files: Record<string, string | object>): string {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "ps-bounded-")));
  temps.push(root);
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

/** Scans `root` (JSON report); fails when it takes longer than `bound` ms or prints a stack trace. */
async function scanWithin(root: string, bound: number): Promise<Run & { report?: JsonReport }> {
  const started = performance.now();
  const run = await cliHere(root, ".", "--format", "json");
  expect(performance.now() - started).toBeLessThan(bound);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return run.status === 2 ? run : { ...run, report: JSON.parse(run.stdout) as JsonReport };
}

/** `file rule message-start` of each finding, without the internal-error parse errors (which must not occur). */
function findings(report: JsonReport | undefined): string[] {
  const all = report?.findings ?? [];
  expect(all.filter((f) => f.message.startsWith("internal error"))).toEqual([]);
  return all.map((f) => `${f.file}:${f.line} ${f.ruleId.replace("production-safety/", "")} ${f.message}`);
}

function packageJson(scripts: Record<string, string>): string {
  return `${JSON.stringify({ name: "app", private: true, scripts }, null, 2)}\n`;
}

describe("npm run chains", () => {
  it("follows a 25-level diamond of `npm run b && npm run b` once per script", async () => {
    // Before: 2^25 expansions (a 12-level diamond took 40 s, 16 levels more than a minute).
    const scripts: Record<string, string> = {};
    for (let i = 0; i < 25; i++) scripts[`s${i}`] = `npm run s${i + 1} && npm run s${i + 1}`;
    scripts.s25 = "prisma db push";
    const root = repo({ "package.json": packageJson(scripts), "production-contract.json": { version: 1, mutationScripts: { "package.json#s25": { operations: ["prisma db push"] } } }, "deploy.sh": "CI=true npm run s0\n" });
    const run = await scanWithin(root, 60_000);
    expect(run.status).toBe(1);
    expect(findings(run.report)).toEqual([expect.stringMatching(/^deploy\.sh:1 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI/)]);
  });

  it("stops a 5,000-script chain at the depth limit and names the script it did not follow", async () => {
    // Before: the whole chain was expanded recursively (no limit): a hang. (10,000 scripts make a
    // package.json over its 256 KiB reading limit: tests/hostile/readers.test.ts.)
    const scripts: Record<string, string> = { deploy: "npm run s0 && npm run migrate", migrate: "node scripts/migrate.js" };
    for (let i = 0; i < 5_000; i++) scripts[`s${i}`] = `npm run s${i + 1}`;
    scripts.s5000 = "prisma db push";
    const root = repo({
      "package.json": packageJson(scripts),
      "production-contract.json": { version: 1, deployPipeline: { script: "deploy", steps: ["migrate"] }, mutationScripts: { "package.json#s5000": { operations: ["prisma db push"] } } },
      "deploy.sh": "CI=true npm run s0\n",
    });
    const run = await scanWithin(root, 120_000);
    expect(run.status).toBe(1);
    expect(findings(run.report)).toEqual([
      `deploy.sh:1 parse-error CI=true here runs a chain of scripts more than ${MAX_SCRIPT_CHAIN_DEPTH} deep (npm run "s0" -> "s1" -> ... -> "s31" -> "s32"); the rest of it was not followed, so whether it reaches a Prisma CLI write or a mutation script was not checked. Shorten the chain of scripts.`,
      `package.json:5 deploy-pipeline-order "deploy" runs a chain of scripts more than ${MAX_SCRIPT_CHAIN_DEPTH} deep ("deploy" -> "s0" -> ... -> "s30" -> "s31"); the rest of it was not followed, so the steps it runs are not checked (the contract's order is migrate). Shorten the chain of npm run calls.`,
    ]);
  });

  it("follows a shell script that runs itself once, in a contract whose script zone is every file", async () => {
    // Before (`scripts: ["**"]` hangs): each of the 30 lines followed run.sh again, 30^3 parses deep.
    const root = repo({ "production-contract.json": { version: 1, scripts: ["**"] }, "run.sh": "CI=true bash run.sh\n".repeat(30) });
    const run = await scanWithin(root, 30_000);
    expect(run.status).toBe(0);
    expect(findings(run.report)).toEqual([]);
  });
});

describe("SQL statements", () => {
  it(`checks the first ${MAX_SQL_STATEMENTS_PER_TEXT.toLocaleString("en-US")} statements of a text in code and reports the rest`, async () => {
    // Before: 20,000 DELETEs in one $executeRawUnsafe string hung (placing each statement was linear in the text).
    const sql = "DELETE FROM t;\n".repeat(20_000);
    const root = repo({ "production-contract.json": { version: 1 }, "scripts/purge.ts": `import { PrismaClient } from "@prisma/client";\nawait new PrismaClient().$executeRawUnsafe(${JSON.stringify(sql)});\n` });
    const run = await scanWithin(root, 120_000);
    expect(run.status).toBe(1);
    const sqlFindings = findings(run.report).filter((f) => f.includes("no-destructive-sql"));
    expect(sqlFindings).toHaveLength(MAX_SQL_STATEMENTS_PER_TEXT + 1);
    expect(sqlFindings).toContain(
      `scripts/purge.ts:2 no-destructive-sql SQL reaching $executeRawUnsafe holds 20,000 statements, more than the ${MAX_SQL_STATEMENTS_PER_TEXT.toLocaleString("en-US")} that are checked: the statements from here on were not checked for destructive SQL. Split it into parts of at most ${MAX_SQL_STATEMENTS_PER_TEXT.toLocaleString("en-US")} statements, or move it to a migration.`,
    );
  });

  it(`checks the first ${MAX_SQL_STATEMENTS_PER_FILE.toLocaleString("en-US")} statements of a .sql file and reports the rest`, async () => {
    // Before: 100,000 DELETEs in a .sql file hung.
    const root = repo({ "production-contract.json": { version: 1 }, "scripts/purge.sql": "DELETE FROM t;\n".repeat(100_000) });
    const run = await scanWithin(root, 120_000);
    expect(run.status).toBe(1);
    const all = findings(run.report);
    expect(all).toHaveLength(MAX_SQL_STATEMENTS_PER_FILE + 1);
    expect(all.at(-1)).toBe(
      `scripts/purge.sql:${MAX_SQL_STATEMENTS_PER_FILE + 1} no-destructive-sql SQL in this .sql file holds 100,000 statements, more than the ${MAX_SQL_STATEMENTS_PER_FILE.toLocaleString("en-US")} that are checked: the statements from here on were not checked for destructive SQL. Split it into parts of at most ${MAX_SQL_STATEMENTS_PER_FILE.toLocaleString("en-US")} statements, or move it to a migration.`,
    );
  });
});

describe("Dockerfiles", () => {
  it("reports a RUN of 10,000 continued lines joined by && as not read, at its line", async () => {
    // Before: "internal error while checking this file: Maximum call stack size exceeded". Now a chain longer
    // than MAX_SHELL_NESTING is a parse-error that says so (src/analysis/shell.ts).
    const root = repo({ "production-contract.json": { version: 1 }, Dockerfile: `FROM node:20\nRUN echo a${" \\\n  && echo b".repeat(10_000)} \\\n  && npx prisma db push\n` });
    const run = await scanWithin(root, 60_000);
    expect(run.status).toBe(0);
    expect(findings(run.report)).toEqual([expect.stringMatching(/^Dockerfile:2 parse-error RUN is not valid shell: shell code nests too deeply to read/)]);
  });
});

describe("contract globs", () => {
  const cases: [string, object, string][] = [
    ["a brace range of 100,000", { scripts: ["{1..100000}"] }, `scripts[0]: expected a glob that can be compiled and walked; found "{1..100000}": its braces expand to more than ${MAX_GLOB_EXPANSIONS.toLocaleString("en-US")} patterns`],
    ["braces nested 500 deep", { tests: [`${"{".repeat(500)}a${"}".repeat(500)}`] }, "tests[0]: expected a glob that can be compiled and walked; found"],
    ["2^30 alternatives", { dataLayer: [`app/${"{a,b}".repeat(30)}`] }, "dataLayer[0]: expected a glob that can be compiled and walked; found"],
    ["a NUL byte", { ignore: ["scripts/\u0000/**"] }, 'ignore[0]: expected a glob that can be compiled and walked; found "scripts/\\u0000/**": it holds the control character'],
    ["100,000 characters", { migrations: ["a".repeat(100_000)] }, "migrations[0]: expected a glob that can be compiled and walked; found"],
  ];
  for (const [name, keys, message] of cases) {
    it(`exits 2 for ${name}, naming the key path`, async () => {
      // Before: braces threw a RangeError, fs a TypeError (NUL) or ENAMETOOLONG, picomatch a SyntaxError: a crash with a stack trace.
      const root = repo({ "production-contract.json": { version: 1, ...keys }, "scripts/a.ts": "export const a = 1;\n" });
      const run = await scanWithin(root, 30_000);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(message);
    });
  }
});

describe("large contracts", () => {
  it("places 100,000 stale allowlist entries at their keys in linear time", async () => {
    // Before: every finding parsed the whole contract again to find its key (2,000 entries: 27 s).
    const mutationScripts = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`scripts/m${i}.ts`, { operations: ["create"] }]));
    const root = repo({ "production-contract.json": { version: 1, mutationScripts } });
    const run = await scanWithin(root, 120_000);
    expect(run.status).toBe(1);
    const all = findings(run.report);
    expect(all).toHaveLength(100_000);
    expect(all[99_999]).toMatch(/^production-contract\.json:\d+ no-stale-allowlist mutationScripts\["scripts\/m99999\.ts"\] allows a script that is gone/);
    expect(run.report?.findings[99_999]?.line).toBe(4 + 99_999 * 5);
  });

  it("checks a deploy pipeline of 10,000 steps, each message short", async () => {
    // Before: each message listed all 10,000 steps (10,000 messages of 100 KB: "Invalid string length" in the text report).
    const steps = Array.from({ length: 10_000 }, (_, i) => `step${i}`);
    const scripts: Record<string, string> = { deploy: "npm run step0 && npm run step1" };
    for (const step of steps.slice(0, 2)) scripts[step] = `node scripts/${step}.js`;
    const root = repo({ "package.json": packageJson(scripts), "production-contract.json": { version: 1, deployPipeline: { script: "deploy", steps } } });
    const run = await scanWithin(root, 60_000);
    expect(run.status).toBe(1);
    const all = findings(run.report);
    expect(all).toHaveLength(9_998);
    expect(all).toContain(
      `package.json:5 deploy-pipeline-order deploy pipeline step "step2" is not a script of package.json, so "deploy" cannot run it (the contract's order is step0 -> step1 -> step2 -> ... -> step9998 -> step9999 (10000 steps)). Add the script, or fix the step's name in the contract.`,
    );
    expect(Math.max(...all.map((f) => f.length))).toBeLessThan(400);
  });

  it("matches 100,000 script-zone globs as one matcher", async () => {
    // Before: discovery walked the tree once per glob (10,000 globs: 16 s and 1 GB).
    const scripts = Array.from({ length: 100_000 }, (_, i) => `tools${i}/**`);
    const root = repo({ "production-contract.json": { version: 1, scripts }, "tools99999/reset": "#!/bin/sh\nnpx prisma db push\n" });
    const run = await scanWithin(root, 120_000);
    expect(run.status).toBe(1);
    expect(findings(run.report)).toEqual([expect.stringMatching(/^tools99999\/reset:2 no-direct-prisma-cli "prisma db push" writes to the database/)]);
  });
});
