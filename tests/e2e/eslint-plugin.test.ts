/**
 * The plugin as a user runs it: the real `eslint` binary, in a fresh process, with an
 * `eslint.config.js` that imports the built plugin and uses `configs.recommended`. This is also the
 * test that libpg-query's top-level `await loadModule()` works when ESLint imports the plugin (SPEC §6.5).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT, requireBuild, runNode } from "./helpers.js";

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
  const plugin = pathToFileURL(path.join(PACKAGE_ROOT, "dist/src/index.js")).href;
  write("eslint.config.js", `import productionSafety from ${JSON.stringify(plugin)};\nexport default [productionSafety.configs.recommended];\n`);
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

describe("eslint with configs.recommended", () => {
  it("reports the plugin's findings, honours the nearest contract and the zones", () => {
    const eslintBin = path.join(PACKAGE_ROOT, "node_modules/eslint/bin/eslint.js");
    const run = runNode([eslintBin, "--format", "json", "."], dir);
    expect(run.stderr).toBe("");
    const results = JSON.parse(run.stdout) as EslintResult[];
    const found = results.flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`));
    expect(found.sort()).toEqual([
      "scripts/cleanup.ts:1:11 production-safety/no-bypass-env",
      "scripts/cleanup.ts:2:19 production-safety/no-destructive-sql",
      "scripts/cleanup.ts:2:7 production-safety/no-unlisted-mutation-script",
      "scripts/report.ts:1:1 production-safety/require-ci-guard",
    ]);
    expect(run.status).toBe(1);
  });

  it("stops with the key path when the contract is invalid", () => {
    write("production-contract.json", JSON.stringify({ version: 1, bypas: {} }));
    const eslintBin = path.join(PACKAGE_ROOT, "node_modules/eslint/bin/eslint.js");
    const run = runNode([eslintBin, "scripts/cleanup.ts"], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('bypas: unknown key');
  });
});
