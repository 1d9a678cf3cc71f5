/**
 * The scanner and the plugin never load a file of the repository they check as code (issue 16). The
 * repository `fixtures/hostile-config` holds the configuration files `@mrleebo/prisma-ast` searches for
 * (through lilconfig) from the working directory up when it is loaded; each writes a marker when executed.
 * Each test copies the repository to a temporary folder and runs, with that copy as the working
 * directory, the built `contract-scan` (a scan, `--help`, `init`) or ESLint with the plugin, in a fresh
 * Node process (the search ran when the module was loaded, so only a new process shows it). No marker
 * may appear, and Node's module log (`NODE_DEBUG=module`) may show no module loaded from the copy.
 * The runs that parse the Prisma schema must show prisma-ast loaded, so the test is known to reach it.
 *
 * A malformed root `package.json` (a trailing comma), which lilconfig's `require()` turned into a raw
 * `SyntaxError`, is a `parse-error` finding in the report.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, type JsonReport, PACKAGE_ROOT, requireBuild, type Run } from "./helpers.js";

const FIXTURE = path.join(PACKAGE_ROOT, "fixtures/hostile-config");
/** The configuration files of the fixture (each writes a marker when executed). */
const FIXTURE_CONFIGS = ["prisma-ast.config.js", ".prisma-astrc.cjs", ".config/prisma-astrc.js"];
/** Every place lilconfig 2 searches that it loads with `require()` (its default search places for "prisma-ast"). */
const CODE_SEARCH_PLACES = [".prisma-astrc.js", ".prisma-astrc.cjs", ".config/prisma-astrc.js", ".config/prisma-astrc.cjs", "prisma-ast.config.js", "prisma-ast.config.cjs"];
const PRISMA_AST_LOADED = /load "[^"]*\/@mrleebo\/prisma-ast\/dist\//;

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

/** A fresh copy of the fixture repository; `keep` limits its configuration files to those listed. */
function copyFixture(keep: readonly string[] = FIXTURE_CONFIGS): string {
  const dir = tempDir("ps-hostile-");
  cpSync(FIXTURE, dir, { recursive: true, filter: (source) => {
    const relative = path.relative(FIXTURE, source).split(path.sep).join("/");
    return !FIXTURE_CONFIGS.includes(relative) || keep.includes(relative);
  } });
  return dir;
}

/** Puts the fixture's marker-writing configuration file at `relative` in `dir`. */
function plantConfig(dir: string, relative: string): void {
  cpSync(path.join(FIXTURE, "prisma-ast.config.js"), path.join(dir, relative));
}

/** The markers the configuration files left in `dir`. */
function markers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith("MARKER-"));
}

/** Runs `node <args>` in `cwd` with Node's module log on (stderr) and a clean environment. */
function runLogged(args: string[], cwd: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", NODE_DEBUG: "module" };
  delete env.CI;
  delete env.NODE_ENV;
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The `load "<file>"` lines of Node's module log for files inside `dir`. */
function modulesLoadedFrom(dir: string, log: string): string[] {
  return log.split("\n").filter((line) => line.includes(`load "${dir}${path.sep}`));
}

/** Asserts that nothing of `dir` ran: no marker, no module loaded from it. */
function expectNothingRan(dir: string, run: Run): void {
  expect(markers(dir)).toEqual([]);
  expect(modulesLoadedFrom(dir, run.stderr)).toEqual([]);
}

describe("contract-scan and the plugin load nothing of the repository as code", () => {
  it("a scan from inside the repository: the report, with the schema parsed, and no marker", () => {
    requireBuild();
    const dir = copyFixture();
    const run = runLogged([CLI, "--format", "json"], dir);
    expectNothingRan(dir, run);
    expect(run.stderr).toMatch(PRISMA_AST_LOADED);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.ruleId} ${f.file}`)).toContain("production-safety/no-unlisted-mutation-script scripts/cleanup.ts");
    expect(run.status).toBe(1);
  });

  it("--help from inside the repository: no marker, and prisma-ast is not even loaded", () => {
    requireBuild();
    const dir = copyFixture();
    const run = runLogged([CLI, "--help"], dir);
    expectNothingRan(dir, run);
    expect(run.stdout).toContain("contract-scan");
    // prisma-ast loads on the first schema parse, not when the CLI or the plugin is imported.
    expect(run.stderr).not.toMatch(PRISMA_AST_LOADED);
    expect(run.status).toBe(0);
  });

  it("init from inside the repository: the draft written, no marker", () => {
    requireBuild();
    const dir = copyFixture();
    const run = runLogged([CLI, "init"], dir);
    expectNothingRan(dir, run);
    expect(run.stderr).toMatch(PRISMA_AST_LOADED);
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, "production-contract.json"), "utf8"))).toMatchObject({ version: 1 });
  });

  it("ESLint with the plugin, run from inside the repository (as an editor runs it): its findings, no marker", () => {
    requireBuild();
    const dir = copyFixture();
    // The driver lives outside the repository; it imports this checkout's ESLint and built plugin.
    const driver = path.join(tempDir("ps-hostile-driver-"), "lint.mjs");
    const eslintUrl = pathToFileURL(createRequire(import.meta.url).resolve("eslint")).href;
    const pluginUrl = pathToFileURL(path.join(PACKAGE_ROOT, "dist/src/index.js")).href;
    writeFileSync(
      driver,
      [
        `const { ESLint } = await import(${JSON.stringify(eslintUrl)});`,
        `const { default: plugin } = await import(${JSON.stringify(pluginUrl)});`,
        // The plugin's recommended config alone: ESLint's own eslint.config.js lookup is not what is tested.
        `const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });`,
        `const results = await eslint.lintFiles(["scripts/cleanup.ts"]);`,
        `console.log(JSON.stringify(results.flatMap((r) => r.messages.map((m) => m.ruleId))));`,
      ].join("\n"),
    );
    const run = runLogged([driver], dir);
    expect(run.status, run.stderr.split("\n").filter((l) => !l.startsWith("MODULE")).join("\n")).toBe(0);
    expectNothingRan(dir, run);
    expect(run.stderr).toMatch(PRISMA_AST_LOADED);
    expect(JSON.parse(run.stdout)).toContain("production-safety/no-unlisted-mutation-script");
  });

  it.each(CODE_SEARCH_PLACES)("%s alone (lilconfig stops at the first file it finds): a schema parse leaves no marker", (place) => {
    requireBuild();
    const dir = copyFixture([]);
    plantConfig(dir, place);
    // The schema parse alone (what loads prisma-ast), without a whole scan: one cheap process per place.
    const driver = path.join(tempDir("ps-hostile-driver-"), "parse.mjs");
    const schemaUrl = pathToFileURL(path.join(PACKAGE_ROOT, "dist/src/facts/prisma-schema.js")).href;
    writeFileSync(
      driver,
      [
        `const { parsePrismaSchema } = await import(${JSON.stringify(schemaUrl)});`,
        `const { schema } = parsePrismaSchema([{ file: "schema.prisma", text: 'model User {\\n  id Int @id\\n}\\n' }]);`,
        `console.log([...schema.models.keys()].join());`,
      ].join("\n"),
    );
    const run = runLogged([driver], dir);
    expectNothingRan(dir, run);
    expect(run.stderr).toMatch(PRISMA_AST_LOADED);
    expect(run.stdout.trim()).toBe("User");
  });
});

describe("a malformed root package.json scanned from inside the repository", () => {
  const TRAILING_COMMA = '{\n  "name": "hostile-config",\n  "scripts": {\n    "build": "tsc",\n  }\n}\n';

  it("is a parse-error finding at its line in the report, not a crash", () => {
    requireBuild();
    const dir = copyFixture([]);
    writeFileSync(path.join(dir, "package.json"), TRAILING_COMMA);
    const run = runLogged([CLI, "--format", "json"], dir);
    expectNothingRan(dir, run);
    expect(run.stderr).not.toMatch(/SyntaxError|^\s+at /m);
    const report = JSON.parse(run.stdout) as JsonReport;
    // A warning: the root package.json is not a script zone, allowlisted, deploy or deprecated file
    // (parse-error in the README), so a warning; the run still fails on the script's findings.
    expect(report.findings.filter((f) => f.ruleId === "production-safety/parse-error")).toEqual([
      expect.objectContaining({ file: "package.json", line: 5, severity: "warning", message: expect.stringContaining("invalid JSON") }),
    ]);
    expect(report.findings.map((f) => f.ruleId)).toContain("production-safety/no-unlisted-mutation-script");
    expect(run.status).toBe(1);
  });

  it("init drafts a contract and names package.json as unread", () => {
    requireBuild();
    const dir = copyFixture([]);
    writeFileSync(path.join(dir, "package.json"), TRAILING_COMMA);
    const run = runLogged([CLI, "init", "--stdout"], dir);
    expect(run.stderr).not.toMatch(/SyntaxError|^\s+at /m);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/package\.json:5: invalid JSON/);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: 1 });
  });
});
