/**
 * What each entry point loads, in a fresh Node process running the built package: `contract-scan
 * --version`, `--help` and `explain` load nothing of the analysis (no ESLint, TypeScript,
 * typescript-eslint parser or the PostgreSQL parser), and importing the plugin (what ESLint does on every
 * config load) loads none of its heavy parts; they load when a rule first needs them. The timings are
 * measured by tests/bench/startup.js (timings never assert anything).
 *
 * How it is seen: a module preloaded with `--import` records, at exit, every package in `require.cache`
 * (all the packages named here are CommonJS, and Node puts a CommonJS module imported from ESM there too)
 * and whether any WebAssembly was compiled (the PostgreSQL parser is the package's only WebAssembly, and
 * it is read without `require`). The positive controls (a rule run, a scan) show the recorder sees them.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, PACKAGE_ROOT, requireBuild, runNode, withoutDuration } from "./helpers.js";

let dir: string;
let recorder: string;
let logFile: string;

/** Packages that are "the analysis": none may load for --version, --help, explain, or a bare plugin import. */
const ANALYSIS = [
  "eslint",
  "typescript",
  "typescript-eslint",
  "@typescript-eslint/parser",
  "@typescript-eslint/typescript-estree",
  "@typescript-eslint/scope-manager",
  "@typescript-eslint/utils",
  "libpg-query",
  "@mrleebo/prisma-ast",
];

interface Loaded {
  packages: string[];
  wasm: boolean;
}

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(path.join(os.tmpdir(), "ps-startup-"));
  logFile = path.join(dir, "loaded.json");
  recorder = path.join(dir, "record-loaded.mjs");
  writeFileSync(
    recorder,
    `import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
const require = createRequire(import.meta.url);
let wasm = false;
const { Module, instantiate, compile } = WebAssembly;
WebAssembly.Module = new Proxy(Module, { construct(target, args) { wasm = true; return Reflect.construct(target, args); } });
WebAssembly.instantiate = (...args) => { wasm = true; return instantiate(...args); };
WebAssembly.compile = (...args) => { wasm = true; return compile(...args); };
process.on("exit", () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
    if (match) packages.add(match[1]);
  }
  writeFileSync(${JSON.stringify(logFile)}, JSON.stringify({ packages: [...packages].sort(), wasm }));
});
`,
  );
  mkdirSync(path.join(dir, "repo/scripts"), { recursive: true });
  writeFileSync(path.join(dir, "repo/production-contract.json"), JSON.stringify({ version: 1 }));
  writeFileSync(path.join(dir, "repo/scripts/cleanup.ts"), 'const skip = process.env.SKIP_CHECKS;\nawait db.$executeRawUnsafe("DROP TABLE users");\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `node --import <recorder> <args>` in the temporary repository; returns what it loaded and its stdout. */
function loadedBy(args: string[]): Loaded & { stdout: string } {
  rmSync(logFile, { force: true });
  const run = runNode(["--import", pathToFileURL(recorder).href, ...args], path.join(dir, "repo"));
  expect(run.stderr).toBe("");
  return { ...(JSON.parse(readFileSync(logFile, "utf8")) as Loaded), stdout: run.stdout };
}

const pluginUrl = pathToFileURL(path.join(PACKAGE_ROOT, "dist/src/index.js")).href;
const eslintUrl = pathToFileURL(createRequire(path.join(PACKAGE_ROOT, "package.json")).resolve("eslint")).href;

/** A script that imports the plugin and runs one rule through ESLint's Linter on scripts/cleanup.ts. */
function ruleRun(rule: string): string[] {
  const file = path.join(dir, "repo/scripts/cleanup.ts");
  return [
    "--input-type=module",
    "-e",
    `const { default: plugin } = await import(${JSON.stringify(pluginUrl)});
const { Linter } = await import(${JSON.stringify(eslintUrl)});
const { readFileSync } = await import("node:fs");
const messages = new Linter().verify(readFileSync(${JSON.stringify(file)}, "utf8"), [{ ...plugin.configs.recommended, rules: { "production-safety/${rule}": "error" } }], ${JSON.stringify(file)});
console.log(messages.map((m) => m.ruleId ?? m.message).join(","));`,
  ];
}

describe("contract-scan start-up loads nothing of the analysis", () => {
  it("--version", () => {
    const loaded = loadedBy([CLI, "--version"]);
    expect(loaded.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(loaded.packages.filter((p) => ANALYSIS.includes(p))).toEqual([]);
    expect(loaded.wasm).toBe(false);
  });

  it("--help", () => {
    const loaded = loadedBy([CLI, "--help"]);
    expect(loaded.stdout).toContain("Usage: contract-scan [options] [dir]");
    expect(loaded.packages.filter((p) => ANALYSIS.includes(p))).toEqual([]);
    expect(loaded.wasm).toBe(false);
  });

  it("explain <rule> and explain <scanner-only check>", () => {
    for (const id of ["no-bypass-env", "production-safety/no-stale-allowlist"]) {
      const loaded = loadedBy([CLI, "explain", id]);
      expect(loaded.stdout).toContain(`production-safety/${id.replace("production-safety/", "")}`);
      expect(loaded.packages.filter((p) => ANALYSIS.includes(p))).toEqual([]);
      expect(loaded.wasm).toBe(false);
    }
  });

  it("a scan loads ESLint, the parser and the PostgreSQL parser (the recorder sees them)", () => {
    const loaded = loadedBy([CLI, "--format", "json", "."]);
    expect(JSON.parse(loaded.stdout).findings.length).toBeGreaterThan(0);
    expect(loaded.packages).toEqual(expect.arrayContaining(["eslint", "typescript", "@typescript-eslint/parser"]));
    expect(loaded.wasm).toBe(true);
  });
});

describe("the plugin loads its heavy parts on first use", () => {
  it("import alone: no parser, no TypeScript, no ESLint, no PostgreSQL parser, no shell parser, no repository facts", () => {
    const loaded = loadedBy(["--input-type=module", "-e", `await import(${JSON.stringify(pluginUrl)});`]);
    // The rules' own helpers come from @typescript-eslint/utils' light entry points (RuleCreator,
    // ast-utils); its index, which loads ESLint and the scope analyser, would show as those packages.
    const heavy = [...ANALYSIS.filter((p) => p !== "@typescript-eslint/utils"), "globby", "yaml", "ajv", "mvdan-sh"];
    expect(loaded.packages.filter((p) => heavy.includes(p))).toEqual([]);
    expect(loaded.wasm).toBe(false);
  });

  it("a rule that reads no SQL (no-bypass-env) loads the TypeScript parser, not the PostgreSQL parser", () => {
    const loaded = loadedBy(ruleRun("no-bypass-env"));
    expect(loaded.stdout.trim()).toBe("production-safety/no-bypass-env");
    expect(loaded.packages).toEqual(expect.arrayContaining(["typescript", "@typescript-eslint/parser"]));
    expect(loaded.wasm).toBe(false);
  });

  it("no-destructive-sql loads the PostgreSQL parser when it first reads SQL", () => {
    const loaded = loadedBy(ruleRun("no-destructive-sql"));
    expect(loaded.stdout.trim()).toBe("production-safety/no-destructive-sql");
    expect(loaded.wasm).toBe(true);
  });
});

describe("a warm run with --cache reads the Prisma schema from the cache", () => {
  it("the Prisma parser loads on the first run and after a schema edit, not on a warm run; the reports agree", () => {
    const repo = path.join(dir, "prisma-repo");
    mkdirSync(path.join(repo, "scripts"), { recursive: true });
    mkdirSync(path.join(repo, "prisma"), { recursive: true });
    writeFileSync(path.join(repo, "production-contract.json"), JSON.stringify({ version: 1, mutationScripts: { "scripts/wipe.ts": { operations: ["deleteMany"], tables: { users: "*" } } } }));
    writeFileSync(path.join(repo, "prisma/schema.prisma"), 'model User {\n  id Int @id\n  @@map("users")\n}\n');
    writeFileSync(path.join(repo, "scripts/wipe.ts"), 'import { PrismaClient } from "@prisma/client";\nawait new PrismaClient().user.deleteMany({});\n');
    const scanHere = (): Loaded & { stdout: string } => loadedBy([CLI, "--format", "json", "--cache", repo]);
    const cold = scanHere();
    expect(cold.packages).toContain("@mrleebo/prisma-ast");
    const warm = scanHere();
    expect(warm.packages).not.toContain("@mrleebo/prisma-ast");
    expect(withoutDuration(warm.stdout)).toBe(withoutDuration(cold.stdout));
    // The model is mapped to the allowed table: no mutation-scope finding.
    const scopeFindings = (stdout: string): unknown[] => (JSON.parse(stdout) as { findings: { ruleId: string }[] }).findings.filter((f) => f.ruleId === "production-safety/mutation-scope");
    expect(scopeFindings(cold.stdout)).toEqual([]);
    writeFileSync(path.join(repo, "prisma/schema.prisma"), 'model User {\n  id Int @id\n  @@map("members")\n}\n');
    const edited = scanHere();
    expect(edited.packages).toContain("@mrleebo/prisma-ast");
    expect(scopeFindings(edited.stdout)).toHaveLength(1);
  });
});

describe("a reader that stops early", () => {
  it.each([["--help"], ["fixtures/example-app", "--format", "json"]])("contract-scan %s | head -1: no EPIPE crash, the run's exit code stands", (...args) => {
    requireBuild();
    const errors = path.join(dir, "epipe-stderr.txt");
    const quoted = args.map((a) => JSON.stringify(a)).join(" ");
    const result = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI}" ${quoted} 2>"${errors}" | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: PACKAGE_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(readFileSync(errors, "utf8")).toBe("");
    // --help exits 0; the example's scan exits 1 (it has findings).
    expect(result.stdout.trim()).toBe(args[0] === "--help" ? "0" : "1");
  });
});
