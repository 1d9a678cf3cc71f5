/** Helpers for end-to-end tests: they run the built package (dist/) in fresh Node processes. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

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
