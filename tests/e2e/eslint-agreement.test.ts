/**
 * ESLint and `contract-scan` agree on where the repository root is, so they agree on every finding of an
 * ESLint rule. For both example repositories, in three layouts of the same contract:
 *
 * - at the root (`production-contract.json`): ESLint finds it above each file, `contract-scan` above `.`;
 * - in a subfolder (`config/production-contract.json`): ESLint `settings["production-safety"].contract`,
 *   `contract-scan --contract config/production-contract.json`;
 * - inline: ESLint settings hold the contract object, `contract-scan --contract` reads the same contract
 *   from a file outside the repository;
 *
 * ESLint with `configs.recommended` (the `ESLint` class, in this process) gives the same findings (file,
 * line, column, rule) as `contract-scan` restricted to the ESLint rules and to the files ESLint lints
 * (contract-scan also checks SQL, YAML, Dockerfiles and package.json scripts, and runs scanner-only checks).
 * ESLint honours inline `eslint-disable` comments and `contract-scan` does not: ESLint's suppressed
 * messages count as findings here, and each must sit under an `eslint-disable-next-line` of its rule.
 *
 * Once, the README's settings snippet runs as written with the real `eslint` binary in worker threads
 * (`--concurrency 2`: ESLint's cwd reaches the rules there too).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint, type Linter } from "eslint";
import picomatch from "picomatch";
import { afterAll, describe, expect, it } from "vitest";
import { SOURCE_FILE_GLOBS } from "../../src/discover.js";
import plugin from "../../src/index.js";
import { rules } from "../../src/rules.js";
import { type JsonReport, PACKAGE_ROOT, requireBuild, runHere, runNode } from "./helpers.js";
import { readmeCodeBlocks } from "./readme.js";

const FIXTURES = ["example-app", "safety-app"] as const;
const PARSE_ERROR = "production-safety/parse-error";
/** The ESLint rules, and parse-error: ESLint's fatal message where contract-scan reports a parse-error. */
const COMPARED_RULES = new Set([...Object.keys(rules).map((name) => `production-safety/${name}`), PARSE_ERROR]);
const isLintedByEslint = picomatch(SOURCE_FILE_GLOBS, { dot: true });

const tmp = mkdtempSync(path.join(os.tmpdir(), "ps-agreement-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** One layout of a fixture: where its copy is, ESLint's plugin settings, contract-scan's arguments. */
interface Layout {
  dir: string;
  settings: Record<string, unknown>;
  scanArgs: string[];
}

/** Copies a fixture to `<tmp>/<name>` and puts its contract where `layout` says. */
function makeLayout(fixture: string, layout: "root" | "subfolder" | "inline", name = `${fixture}-${layout}`): Layout {
  const dir = path.join(tmp, name);
  cpSync(path.join(PACKAGE_ROOT, "fixtures", fixture), dir, { recursive: true });
  const contract = path.join(dir, "production-contract.json");
  switch (layout) {
    case "root":
      return { dir, settings: {}, scanArgs: [] };
    case "subfolder":
      mkdirSync(path.join(dir, "config"));
      renameSync(contract, path.join(dir, "config/production-contract.json"));
      return { dir, settings: { contract: "./config/production-contract.json" }, scanArgs: ["--contract", "config/production-contract.json"] };
    case "inline": {
      const outside = path.join(tmp, `${name}.contract.json`);
      renameSync(contract, outside);
      return { dir, settings: { contract: JSON.parse(readFileSync(outside, "utf8")) as object }, scanArgs: ["--contract", outside] };
    }
  }
}

/** `file:line:column rule`, the identity of a finding in this comparison. */
type Key = string;

/** contract-scan in this process (`run` of src/cli.ts), its ESLint-rule findings on the files ESLint lints. */
async function scanFindings(layout: Layout): Promise<Key[]> {
  const { status, stdout, stderr } = await runHere([...layout.scanArgs, "--format", "json"], layout.dir);
  expect(stderr).toBe("");
  expect(status).toBe(1);
  const report = JSON.parse(stdout) as JsonReport;
  return report.findings.filter((f) => COMPARED_RULES.has(f.ruleId) && isLintedByEslint(f.file)).map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`).sort();
}

/** ESLint's results as findings: reported and suppressed apart. */
function eslintFindings(dir: string, results: ESLint.LintResult[]): { reported: Key[]; suppressed: Key[] } {
  const key = (file: string, m: Linter.LintMessage): Key =>
    `${path.relative(dir, file).split(path.sep).join("/")}:${m.line}:${m.column} ${m.fatal === true ? PARSE_ERROR : m.ruleId}`;
  for (const result of results) {
    // No unused-directive reports (ruleId null, not fatal): every message is a rule's finding or a parse error.
    expect(result.messages.filter((m) => m.ruleId === null && m.fatal !== true), result.filePath).toEqual([]);
  }
  return {
    reported: results.flatMap((r) => r.messages.map((m) => key(r.filePath, m))).sort(),
    suppressed: results.flatMap((r) => r.suppressedMessages.map((m) => key(r.filePath, m))).sort(),
  };
}

/** Every `eslint-disable-next-line <rules>` of the copy, as the `file:line rule` it suppresses. */
function disabledBelowComments(dir: string, results: ESLint.LintResult[]): Set<string> {
  const disabled = new Set<string>();
  for (const { filePath } of results) {
    readFileSync(filePath, "utf8").split("\n").forEach((text, index) => {
      const match = /eslint-disable-next-line\s+([^*]*?)(?:\s+--.*)?(?:\*\/)?\s*$/.exec(text);
      for (const rule of match?.[1]?.split(/\s*,\s*/) ?? []) disabled.add(`${path.relative(dir, filePath).split(path.sep).join("/")}:${index + 2} ${rule.trim()}`);
    });
  }
  return disabled;
}

/** Checks agreement; returns ESLint's findings for a further comparison. */
async function expectAgreement(layout: Layout, results: ESLint.LintResult[]): Promise<void> {
  const scanned = await scanFindings(layout);
  const eslint = eslintFindings(layout.dir, results);
  // The test is meaningful: the fixtures have findings of the ESLint rules.
  expect(scanned.length).toBeGreaterThan(5);
  expect([...eslint.reported, ...eslint.suppressed].sort()).toEqual(scanned);
  // What ESLint did not report, an eslint-disable-next-line comment of that rule asked it not to.
  const disabled = disabledBelowComments(layout.dir, results);
  expect(eslint.suppressed.filter((k) => !disabled.has(k.replace(/:\d+ /, " ")))).toEqual([]);
}

async function lintInProcess(layout: Layout): Promise<ESLint.LintResult[]> {
  const eslint = new ESLint({
    cwd: layout.dir,
    overrideConfigFile: true,
    overrideConfig: [plugin.configs.recommended as Linter.Config, { settings: { "production-safety": layout.settings } }],
  });
  return eslint.lintFiles(["."]);
}

/**
 * A layout of a fixture and ESLint's results on it, made and linted once per (fixture, layout): the
 * suppressed-findings test reads the root layout's results that the agreement test checked.
 */
const linted = new Map<string, Promise<{ layout: Layout; results: ESLint.LintResult[] }>>();
function lintedLayout(fixture: string, where: "root" | "subfolder" | "inline"): Promise<{ layout: Layout; results: ESLint.LintResult[] }> {
  const key = `${fixture}-${where}`;
  let lint = linted.get(key);
  if (lint === undefined) {
    const layout = makeLayout(fixture, where);
    lint = lintInProcess(layout).then((results) => ({ layout, results }));
    linted.set(key, lint);
  }
  return lint;
}

describe.each(FIXTURES)("fixtures/%s: eslint (configs.recommended) and contract-scan give the same findings", (fixture) => {
  it.each(["root", "subfolder", "inline"] as const)("contract %s", async (where) => {
    const { layout, results } = await lintedLayout(fixture, where);
    await expectAgreement(layout, results);
  });

  it("the suppressed findings are exactly what the fixture's eslint-disable comments ask for", async () => {
    const { layout, results } = await lintedLayout(fixture, "root");
    const { suppressed } = eslintFindings(layout.dir, results);
    if (fixture === "example-app") expect(suppressed).toEqual(["scripts/cleanup-demo-data.ts:14:9 production-safety/no-bypass-env"]);
    else expect(suppressed).toEqual([]);
  });
});

describe("the README's settings snippet, as written, with the real eslint binary in worker threads", () => {
  it("contract: './config/production-contract.json' finds what contract-scan --contract config/production-contract.json finds", async () => {
    requireBuild();
    const layout = makeLayout("example-app", "subfolder", "example-app-readme");
    const blocks = readmeCodeBlocks("Using the plugin in ESLint (editors, pre-commit, CI lint job)", "js");
    const snippet = blocks.find((b) => b.includes('contract: "./config/production-contract.json"'));
    expect(snippet).toBeDefined();
    const importLine = blocks[0]!.split("\n").find((line) => line.startsWith("import productionSafety"))!;
    writeFileSync(path.join(layout.dir, "eslint.config.mjs"), `${snippet!.includes(importLine) ? "" : `${importLine}\n`}${snippet!}`);
    mkdirSync(path.join(layout.dir, "node_modules"));
    symlinkSync(PACKAGE_ROOT, path.join(layout.dir, "node_modules/eslint-plugin-production-safety"));
    const result = runNode([path.join(PACKAGE_ROOT, "node_modules/eslint/bin/eslint.js"), "--concurrency", "2", "--format", "json", "."], layout.dir);
    const stderr = result.stderr.replace(/^\(node:\d+\) ESLintPoorConcurrencyWarning: .*\n\(Use `node --trace-warnings \.\.\.` .*\n/m, "");
    expect(stderr).toBe("");
    expect(result.status).toBe(1);
    await expectAgreement(layout, JSON.parse(result.stdout) as ESLint.LintResult[]);
  });
});
