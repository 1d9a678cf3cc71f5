/**
 * The plugin loads wherever ESLint configs live: the same config written as `eslint.config.mjs` (import),
 * `eslint.config.cjs` (`require`, which refuses a module graph with a top-level `await`:
 * ERR_REQUIRE_ASYNC_MODULE) and `eslint.config.ts` (`defineConfig` from `eslint/config`, which must accept
 * the plugin's exported types). The built package is "installed" in a temporary folder (node_modules/ links
 * to this checkout), as a user has it.
 *
 * ESLint 10 loads an `eslint.config.ts` through Node's type stripping (Node >= 22.6) or else through the
 * `jiti` package; on Node 20 that means jiti, which this project does not depend on, so the `.ts` config is
 * checked with `tsc` (this project's TypeScript) and its lint run is not repeated here: it is the same
 * config as the `.mjs` one, which is run.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT, requireBuild, runNode } from "./helpers.js";

interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; severity: number; fatal?: boolean }[];
}

let dir: string;

function write(relative: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  writeFileSync(path.join(dir, relative), text);
}

/** The same config in each module flavour: recommended, plus the plugin registered again by a user's own block. */
const CONFIG_BODY = `defineConfig([
  productionSafety.configs.recommended,
  {
    files: ["scripts/**/*.ts"],
    plugins: { "production-safety": productionSafety },
    rules: { "production-safety/no-bypass-env": "warn" },
  },
])`;

const CONFIGS: Record<string, string> = {
  "eslint.config.mjs": `import { defineConfig } from "eslint/config";\nimport productionSafety from "eslint-plugin-production-safety";\n\nexport default ${CONFIG_BODY};\n`,
  "eslint.config.cjs": `const { defineConfig } = require("eslint/config");\nconst productionSafety = require("eslint-plugin-production-safety");\n\nmodule.exports = ${CONFIG_BODY};\n`,
  "eslint.config.ts": `import { defineConfig } from "eslint/config";\nimport productionSafety from "eslint-plugin-production-safety";\n\nexport default ${CONFIG_BODY};\n`,
};

/** What ESLint must report on scripts/cleanup.ts with that config (rule, line, column, severity). */
const EXPECTED = [
  "1:14 production-safety/no-bypass-env 1",
  "2:29 production-safety/no-destructive-sql 2",
  "2:7 production-safety/no-unlisted-mutation-script 2",
];

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(path.join(os.tmpdir(), "ps-config-loading-"));
  mkdirSync(path.join(dir, "node_modules/@types"), { recursive: true });
  symlinkSync(PACKAGE_ROOT, path.join(dir, "node_modules/eslint-plugin-production-safety"));
  // The user's own ESLint (a peer dependency) and Node types, as their project has them.
  symlinkSync(path.join(PACKAGE_ROOT, "node_modules/eslint"), path.join(dir, "node_modules/eslint"));
  symlinkSync(path.join(PACKAGE_ROOT, "node_modules/@types/node"), path.join(dir, "node_modules/@types/node"));
  write("package.json", JSON.stringify({ name: "t", private: true }));
  write("production-contract.json", JSON.stringify({ version: 1 }));
  write("scripts/cleanup.ts", 'const skip = process.env.SKIP_CHECKS;\nawait db.$executeRawUnsafe("DROP TABLE users");\n');
  for (const [file, text] of Object.entries(CONFIGS)) write(file, text);
  write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
      files: ["eslint.config.ts"],
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const eslintBin = path.join(PACKAGE_ROOT, "node_modules/eslint/bin/eslint.js");
const tscBin = path.join(PACKAGE_ROOT, "node_modules/typescript/bin/tsc");

function lint(config: string): string[] {
  const run = runNode([eslintBin, "--config", config, "--format", "json", "scripts/cleanup.ts"], dir);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(1);
  const [result] = JSON.parse(run.stdout) as EslintResult[];
  return result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.severity}`).sort();
}

describe("the plugin in each kind of ESLint config", () => {
  it("eslint.config.mjs (import): loads and reports the findings", () => {
    expect(lint("eslint.config.mjs")).toEqual(EXPECTED);
  });

  it("eslint.config.cjs (require): loads without ERR_REQUIRE_ASYNC_MODULE and reports the same findings", () => {
    expect(lint("eslint.config.cjs")).toEqual(EXPECTED);
  });

  it("require() returns the plugin object itself, as import does (not a namespace with `default`)", () => {
    const run = runNode(
      ["-e", 'const p = require("eslint-plugin-production-safety"); console.log(JSON.stringify([p.meta.name, Object.keys(p.configs), p.configs.recommended.plugins["production-safety"] === p]));'],
      dir,
    );
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(["eslint-plugin-production-safety", ["recommended"], true]);
  });

  it("eslint.config.ts with defineConfig from eslint/config type-checks with tsc", () => {
    const run = runNode([tscBin, "-p", "tsconfig.json"], dir);
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("Choice: the exported types are precise, not `any`: the same .ts config naming a config the plugin lacks fails tsc", () => {
    // Why: a type-check that passes because the plugin is typed loosely proves nothing; this near-miss
    // (`configs.recomended`) must be refused, so the test above can fail.
    write("eslint.config.ts", CONFIGS["eslint.config.ts"]!.replace("configs.recommended", "configs.recomended"));
    try {
      const run = runNode([tscBin, "-p", "tsconfig.json"], dir);
      expect(run.status).not.toBe(0);
      expect(run.stdout).toContain("eslint.config.ts(5,28): error TS2551: Property 'recomended' does not exist");
    } finally {
      write("eslint.config.ts", CONFIGS["eslint.config.ts"]!);
    }
  });
});
