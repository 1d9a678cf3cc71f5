/**
 * Helpers for end-to-end tests. Two ways to run `contract-scan`:
 * - `runHere`: `run(argv, io)` of src/cli.ts in the test's process, the same code as the binary without
 *   a Node start (about 3 s of CPU for loading ESLint and TypeScript, and a cold scan, each time). The
 *   default for a test about what the CLI does.
 * - `runCli`: the built package (`bin/contract-scan.js`, dist/) in a fresh Node process. Only where the
 *   fresh process is the point: the binary's own wiring (exit code, stdout), what happens when modules
 *   load (tests/e2e/hostile-config.test.ts), the dist/ build, and the README recipes (hooks, npx).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { run } from "../../src/cli.js";

/** Absolute path of this package's checkout. */
export const PACKAGE_ROOT = path.resolve(import.meta.dirname, "../..");
/** The built CLI. */
export const CLI = path.join(PACKAGE_ROOT, "bin/contract-scan.js");

/** Fails with a clear message when the package has not been built (`npm test` builds first). */
export function requireBuild(): void {
  if (!existsSync(path.join(PACKAGE_ROOT, "dist/src/cli.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test runs it first)");
  }
}

/** The result of running a command. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` in `cwd` with a clean environment (no CI, no colors). */
export function runNode(args: string[], cwd: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
  delete env.CI;
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the built `contract-scan` with `args` in `cwd`. */
export function runCli(args: string[], cwd: string = PACKAGE_ROOT): Run {
  requireBuild();
  return runNode([CLI, ...args], cwd);
}

/**
 * Runs `contract-scan args` in this process (`run(argv, io)` of src/cli.ts) with `cwd` as its working
 * directory, stdout not a terminal, and exactly the environment `env` (default empty: not this process's
 * CI, GITHUB_* or NO_COLOR, as `runCli` runs it). Same result shape as `runCli`.
 */
export async function runHere(args: string[], cwd: string = PACKAGE_ROOT, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const status = await run(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false, cwd, env });
  return { status, stdout, stderr };
}

/** The JSON report's shape (SPEC §4), as the end-to-end tests read it. */
export interface JsonReport {
  version: number;
  root: string;
  contract: string | null;
  findings: { ruleId: string; file: string; line: number; column: number; severity: string; message: string }[];
  summary: { files: number; errors: number; warnings: number; durationMs: number };
}

/** A JSON report's text with `durationMs` set to 0, the one field that differs between runs. */
export function withoutDuration(stdout: string): string {
  return stdout.replace(/"durationMs": \d+/, '"durationMs": 0');
}

/**
 * Compares a report's text with a reviewed golden file, or rewrites the file when the test runs with
 * `UPDATE_EXPECTED=1` (review the diff before committing it).
 * @param file absolute path of the golden file.
 */
export function expectGolden(actual: string, file: string): void {
  if (process.env.UPDATE_EXPECTED === "1") writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** One rule named by a `VIOLATION (<rule>[, <rule>])` comment in a fixture repository. */
export interface ViolationMarker {
  /** Repository-relative, with `/`. */
  file: string;
  /** 1-based line of the comment. */
  line: number;
  /** Rule name without the `production-safety/` prefix. */
  rule: string;
}

/**
 * Every `VIOLATION (<rule>[, <rule>])` marker under `root`: in `.ts`, `.js`, `.sql`, `.json`, YAML, shell and
 * Python files, Dockerfiles and extension-less scripts with a shebang (non-JavaScript sources carry them in
 * their comments: `#` in YAML, shell, Python and Dockerfiles, a trailing shell comment inside a package.json
 * script).
 */
export function readViolationMarkers(root: string): ViolationMarker[] {
  const markers: ViolationMarker[] = [];
  for (const file of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    const shebang = !path.basename(file).includes(".") && statSync(path.join(root, file)).isFile() && readFileSync(path.join(root, file), "utf8").startsWith("#!");
    if (!/(\.(ts|js|sql|json|ya?ml|sh|py)|(^|\/)Dockerfile)$/.test(file) && !shebang) continue;
    readFileSync(path.join(root, file), "utf8").split("\n").forEach((text, index) => {
      const match = /VIOLATION \(([^)]*)\)/.exec(text);
      for (const rule of match?.[1]?.split(/,\s*/) ?? []) markers.push({ file: file.split(path.sep).join("/"), line: index + 1, rule });
    });
  }
  return markers;
}

/**
 * Pairs a report's findings with the fixture's markers: a finding belongs to a marker of its rule in its
 * file on the marker's line or at most `reach` lines below it.
 * @returns `unmarked`: findings with no marker, `unfound`: markers with no finding (`file:line rule`).
 */
export function compareWithMarkers(findings: readonly JsonReport["findings"][number][], markers: readonly ViolationMarker[], reach: number): { unmarked: string[]; unfound: string[] } {
  const near = (m: ViolationMarker, f: JsonReport["findings"][number]): boolean =>
    m.file === f.file && `production-safety/${m.rule}` === f.ruleId && f.line >= m.line && f.line <= m.line + reach;
  return {
    unmarked: findings.filter((f) => !markers.some((m) => near(m, f))).map((f) => `${f.file}:${f.line} ${f.ruleId}`),
    unfound: markers.filter((m) => !findings.some((f) => near(m, f))).map((m) => `${m.file}:${m.line} ${m.rule}`),
  };
}

/** `runHere` with the arguments after the working directory (the Python and --changed tests' shape). */
export function cliHere(cwd: string, ...args: string[]): Promise<Run> {
  return runHere(args, cwd);
}
