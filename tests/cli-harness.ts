/**
 * `run(argv, io)` of src/cli.ts in this process, for the CLI tests: streams are buffers, the environment
 * is empty unless a test passes one (not this process's CI or NO_COLOR), and each repository is a fresh
 * folder under one temporary directory removed after the file's tests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { type CliIo, run } from "../src/cli.js";

/** What one run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A harness under a new temporary directory named `<prefix>XXXXXX`. */
export function cliHarness(prefix: string): {
  tmp: string;
  cli: (argv: string[], options?: Partial<CliIo>) => Promise<CliResult>;
  makeRepo: (files: Record<string, string>) => string;
} {
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  let repoCount = 0;
  return {
    tmp,
    async cli(argv, options = {}) {
      let stdout = "";
      let stderr = "";
      const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false, cwd: tmp, env: {}, ...options };
      const code = await run(argv, io);
      return { code, stdout, stderr };
    },
    makeRepo(files) {
      const root = path.join(tmp, `repo-${++repoCount}`);
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), content);
      }
      return root;
    },
  };
}
