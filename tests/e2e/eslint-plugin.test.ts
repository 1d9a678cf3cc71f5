/**
 * The plugin as a user runs it: the real `eslint` binary and the `ESLint` class, each in a fresh process,
 * with the README's `eslint.config.js` (the ESLint-only recipe for editors: it imports the package by name
 * and uses `configs.recommended`); once more with `--concurrency 2`, so the plugin is known to load and
 * work in ESLint's worker threads. Configs in `.cjs` and `.ts` are tests/e2e/config-loading.test.ts. The
 * invalid contract runs the same config through the `ESLint` class in this process: the error is the
 * plugin's, the exit code ESLint's.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { SOURCE_FILE_GLOBS } from "../../src/discover.js";
import { rules } from "../../src/rules.js";
import { PACKAGE_ROOT, requireBuild, runNode } from "./helpers.js";
import { readmeCodeBlocks } from "./readme.js";

interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; message: string; fatal?: boolean }[];
}

let dir: string;

function write(relative: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  writeFileSync(path.join(dir, relative), text);
}

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(path.join(os.tmpdir(), "ps-eslint-"));
  // The README's eslint.config.js exactly, with the package "installed" (node_modules/ links to this
  // checkout, so its `exports` resolve the import). In the place of "...your other configs": a user's own
  // parser for other files (`*.custom`), listed before recommended: recommended sets its parser only for
  // its own `files` globs, so it must not take these over.
  const [config] = readmeCodeBlocks("Using the plugin in ESLint (editors, pre-commit, CI lint job)", "js");
  expect(config).toMatch(/^\/\/ eslint\.config\.js\nimport productionSafety from "eslint-plugin-production-safety";\n/);
  expect(config).toContain("  // ...your other configs\n");
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(PACKAGE_ROOT, path.join(dir, "node_modules/eslint-plugin-production-safety"));
  write(
    "eslint.config.js",
    config!
      .replace(
        "export default [",
        `const customParser = { meta: { name: "custom-parser" }, parse: () => ({ type: "Program", body: [], sourceType: "module", range: [0, 0], loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }, tokens: [], comments: [] }) };\nexport default [`,
      )
      .replace("  // ...your other configs\n", `  { files: ["**/*.custom"], languageOptions: { parser: customParser } },\n`),
  );
  write("package.json", JSON.stringify({ name: "t", type: "module" }));
  write(
    "production-contract.json",
    JSON.stringify({ version: 1, bypass: { allow: [{ name: "SKIP_ENV_VALIDATION", reason: "build only" }] } }),
  );
  write("scripts/cleanup.ts", 'const s = process.env.SKIP_CHECKS;\nawait pool.query("delete from users");\nconst ok = process.env.SKIP_ENV_VALIDATION;\n');
  write("prisma/migrations/1/steps.ts", 'await pool.query("DROP TABLE old");\n');
  write("scripts/cleanup.test.ts", "process.env.SKIP_CHECKS = '1';\n");
  // Repository facts in a real eslint run: lib/db.ts loads the client, so the script that imports it
  // loads the client before any guard.
  write("lib/db.ts", 'import { PrismaClient } from "@prisma/client";\nexport const db = new PrismaClient();\n');
  write("scripts/report.ts", 'import { db } from "../lib/db";\nconsole.log(await db.user.count());\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What every run below must find in the temporary repository. */
const EXPECTED = [
  "scripts/cleanup.ts:1:11 production-safety/no-bypass-env",
  "scripts/cleanup.ts:2:19 production-safety/no-destructive-sql",
  "scripts/cleanup.ts:2:7 production-safety/no-unlisted-mutation-script",
  "scripts/report.ts:1:1 production-safety/require-ci-guard",
];

function findings(results: EslintResult[]): string[] {
  return results.flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`)).sort();
}

const eslintBin = path.join(PACKAGE_ROOT, "node_modules/eslint/bin/eslint.js");

describe("configs.recommended", () => {
  it("references the plugin object itself, and sets its parser only with its own files globs", () => {
    const recommended = plugin.configs.recommended;
    expect(recommended.plugins?.["production-safety"]).toBe(plugin);
    expect(recommended.files).toEqual(SOURCE_FILE_GLOBS);
    expect(recommended.languageOptions?.parser).toBeDefined();
    expect(Object.keys(recommended).sort()).toEqual(["files", "languageOptions", "name", "plugins", "rules"]);
  });
});

describe("eslint with configs.recommended", () => {
  it("reports the plugin's findings, honours the nearest contract and the zones", () => {
    const run = runNode([eslintBin, "--format", "json", "."], dir);
    expect(run.stderr).toBe("");
    expect(findings(JSON.parse(run.stdout) as EslintResult[])).toEqual(EXPECTED);
    expect(run.status).toBe(1);
  });

  it("works in ESLint's worker threads (--concurrency 2)", () => {
    const run = runNode([eslintBin, "--concurrency", "2", "--format", "json", "."], dir);
    // ESLint may warn that a handful of files is too few to gain from threads; that is its only output there.
    const stderr = run.stderr.replace(/^\(node:\d+\) ESLintPoorConcurrencyWarning: .*\n\(Use `node --trace-warnings \.\.\.` .*\n/m, "");
    expect(stderr).toBe("");
    expect(findings(JSON.parse(run.stdout) as EslintResult[])).toEqual(EXPECTED);
    expect(run.status).toBe(1);
  });

  it("loads through the ESLint class in a fresh process; recommended keeps its parser to its own files", () => {
    const eslintApi = pathToFileURL(createRequire(path.join(PACKAGE_ROOT, "package.json")).resolve("eslint")).href;
    write(
      "lint.mjs",
      `import { ESLint } from ${JSON.stringify(eslintApi)};\n` +
        `const eslint = new ESLint({ cwd: process.cwd() });\n` +
        `const results = await eslint.lintFiles(["scripts", "lib", "prisma"]);\n` +
        `const parserOf = async (file) => (await eslint.calculateConfigForFile(file))?.languageOptions?.parser?.meta?.name;\n` +
        `const rules = Object.entries((await eslint.calculateConfigForFile("scripts/cleanup.ts")).rules).filter(([id]) => id.startsWith("production-safety/"));\n` +
        `console.log(JSON.stringify({ results, ts: await parserOf("scripts/cleanup.ts"), custom: await parserOf("notes/a.custom"), rules }));\n`,
    );
    try {
      const run = runNode(["lint.mjs"], dir);
      expect(run.stderr).toBe("");
      const out = JSON.parse(run.stdout) as { results: EslintResult[]; ts: string; custom: string; rules: [string, unknown][] };
      expect(findings(out.results)).toEqual(EXPECTED);
      expect(out.ts).toBe("typescript-eslint/parser");
      expect(out.custom).toBe("custom-parser");
      // Every ESLint rule of the plugin at error (severity 2 once normalized), none of the scanner-only checks.
      expect(out.rules.map(([id]) => id).sort()).toEqual(Object.keys(rules).map((n) => `production-safety/${n}`).sort());
      expect(new Set(out.rules.map(([, level]) => JSON.stringify(level)))).toEqual(new Set(["[2]"]));
    } finally {
      rmSync(path.join(dir, "lint.mjs"));
    }
  });

  it("stops with the key path when the contract is invalid", async () => {
    write("production-contract.json", JSON.stringify({ version: 1, bypas: {} }));
    // The error the eslint binary prints before it exits with 2 (its exit code for any error thrown while linting).
    await expect(new ESLint({ cwd: dir }).lintFiles(["scripts/cleanup.ts"])).rejects.toThrow("bypas: unknown key");
  });
});
