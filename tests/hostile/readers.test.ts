/**
 * Hostile files against every reader of `contract-scan` (issue 14 items 1, 2 for JSON nesting, and 3),
 * end to end on tiny temporary repositories, in this process (`cliHere`) unless the point needs a fresh
 * process (`--output /dev/stdout` with a piped stdout) or another user (an unreadable file or folder: the
 * tests run as root here, for whom `chmod 000` changes nothing, so those runs spawn the built CLI as
 * `nobody`). Before the bounded reader each of these hung (a FIFO, `/dev/zero`, a 3 MiB package.json, a
 * 1 MB workflow line), crashed with a stack (an unreadable `.gitignore` or root, a 4,000-character path,
 * JSON nested 10,000 deep), or scanned with the defaults (a dangling contract link). Each asserts the exit
 * code, the `parse-error` finding's path (or the exit 2 message naming the file), no stack trace on
 * stderr, and a generous wall-time bound for what used to hang.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES, MAX_GITIGNORE_BYTES } from "../../src/source-text.js";
import { CLI, cliHere, type JsonReport, requireBuild, type Run, runCli } from "../e2e/helpers.js";

const made: string[] = [];
afterAll(() => {
  // `rm -rf`, not rmSync: the 4,000-character path is longer than Node's calls take.
  for (const dir of made) execFileSync("rm", ["-rf", dir]);
});

const isWindows = process.platform === "win32";
const isRoot = process.getuid?.() === 0;
/** Generous: each case is a tiny repository; what used to hang never ended. */
const BOUND_MS = 60_000;
const TIMEOUT = { timeout: 2 * BOUND_MS };
const PARSE_ERROR = "production-safety/parse-error";

/**
 * A temporary repository with `files` (text, or a function that makes the entry at the absolute path)
 * and, unless given, a minimal contract.
 */
function repo(files: Record<string, string | ((file: string) => void)>): string {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "ps-readers-")));
  made.push(root);
  const all: Record<string, string | ((file: string) => void)> = { "production-contract.json": '{"version": 1}\n', ...files };
  for (const [name, content] of Object.entries(all)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === "function") content(file);
    else writeFileSync(file, content);
  }
  return root;
}

const fifo = (file: string): void => void execFileSync("mkfifo", [file]);
const toDevZero = (file: string): void => symlinkSync("/dev/zero", file);

/** No internal stack: no `    at f (file:1:2)` frame, no raw RangeError. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at \S/m);
  expect(stderr).not.toMatch(/RangeError|Maximum call stack|Error: E[A-Z]+:/);
}

/** Runs a scan of `root` in this process with the JSON report, timing it. */
async function scan(root: string, ...args: string[]): Promise<Run & { ms: number; report: JsonReport | undefined }> {
  const started = performance.now();
  const run = await cliHere(root, ".", "--format", "json", ...args);
  const ms = performance.now() - started;
  expectNoStack(run.stderr);
  expect(ms).toBeLessThan(BOUND_MS);
  return { ...run, ms, report: run.stdout === "" ? undefined : (JSON.parse(run.stdout) as JsonReport) };
}

/** The parse-error findings of a report as `file severity message`. */
function parseErrors(report: JsonReport | undefined): string[] {
  return (report?.findings ?? []).filter((f) => f.ruleId === PARSE_ERROR).map((f) => `${f.file} ${f.severity} ${f.message}`);
}

describe.skipIf(isWindows)("files that are not regular files", () => {
  it("a FIFO named scripts/x.ts is a parse-error at its path (an error in a script zone), not a hang", TIMEOUT, async () => {
    const root = repo({ "scripts/x.ts": fifo, "scripts/ok.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(1);
    expect(parseErrors(run.report)).toEqual([expect.stringMatching(/^scripts\/x\.ts error cannot read the file: it is a FIFO \(named pipe\), not a regular file/)]);
  });

  it("a FIFO named package.json is a parse-error at its path, not a hang", TIMEOUT, async () => {
    const root = repo({ "package.json": fifo, "src/a.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(0);
    expect(parseErrors(run.report)).toEqual([expect.stringMatching(/^package\.json warning cannot read the file: it is a FIFO/)]);
  });

  it("package.json and pnpm-workspace.yaml linked to /dev/zero are parse-errors at their paths, not 4 GB of memory", TIMEOUT, async () => {
    const root = repo({ "package.json": toDevZero, "pnpm-workspace.yaml": toDevZero, "src/a.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(0);
    expect(parseErrors(run.report)).toEqual([
      expect.stringMatching(/^package\.json warning cannot read the file: it is a character device, not a regular file/),
      expect.stringMatching(/^pnpm-workspace\.yaml warning cannot read the file: it is a character device, not a regular file/),
    ]);
  });

  it("a shell script linked to /dev/zero that a package.json script runs is a parse-error at the script, not a hang", TIMEOUT, async () => {
    const root = repo({
      "package.json": JSON.stringify({ scripts: { "db:reset": "CI=true ./scripts/reset.sh" } }),
      "scripts/reset.sh": toDevZero,
    });
    const run = await scan(root);
    expect(run.status).toBe(1);
    expect(parseErrors(run.report)).toEqual([expect.stringMatching(/^scripts\/reset\.sh error cannot read the file: it is a character device/)]);
  });

  it("a contract linked to /dev/zero exits 2 naming it", TIMEOUT, async () => {
    const root = repo({ "production-contract.json": toDevZero, "src/a.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`Invalid production contract (${path.join(root, "production-contract.json")}):\n  cannot read the file: it is a character device, not a regular file`);
  });

  it("a baseline linked to /dev/zero exits 2 naming it", TIMEOUT, async () => {
    const root = repo({ "contract-scan-baseline.json": toDevZero, "src/a.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`baseline file ${path.join(root, "contract-scan-baseline.json")}: cannot read the file: it is a character device`);
  });
});

describe("files over their kind's size limit", () => {
  it("a 3 MiB package.json is a parse-error at its path, read no further than its limit", TIMEOUT, async () => {
    const root = repo({ "package.json": JSON.stringify({ name: "x", scripts: { build: `echo ${"a ".repeat(1.5 * 1024 * 1024)}` } }), "src/a.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(0);
    expect(parseErrors(run.report)).toEqual([expect.stringMatching(new RegExp(`^package\\.json warning file is too large to read \\(\\d+ bytes; the limit for this kind of file is ${MAX_CONFIG_BYTES} bytes\\)`))]);
  });

  it("a workflow with a 1 MB run: line is a parse-error at its path, not a hang", TIMEOUT, async () => {
    const workflow = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${"a ".repeat(500_000)}\n`;
    const root = repo({ ".github/workflows/ci.yml": workflow });
    const run = await scan(root);
    expect(run.status).toBe(0);
    expect(parseErrors(run.report)).toEqual([expect.stringMatching(/^\.github\/workflows\/ci\.yml warning file is too large to read/)]);
  });
});

describe("unreadable .gitignore files", () => {
  // Running as root, a read of a regular file cannot be denied: a .gitignore over its limit is refused
  // by the reader instead (the same path through globby's reader). Before, globby's reader crashed on
  // any error but ENOENT; a 256 KiB .gitignore took minutes.
  it("a root and a nested .gitignore over the limit are parse-errors at their paths, and the files they list are scanned", TIMEOUT, async () => {
    const big = `skipped.ts\n${"#".repeat(MAX_GITIGNORE_BYTES)}\n`;
    const root = repo({ ".gitignore": big, "sub/.gitignore": big, "skipped.ts": "process.env.SKIP_CHECKS;\n", "sub/skipped.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(1);
    expect(parseErrors(run.report)).toEqual([
      expect.stringMatching(/^\.gitignore warning file is too large to read .*; its patterns were not applied: the files it ignores are scanned$/),
      expect.stringMatching(/^sub\/\.gitignore warning file is too large to read/),
    ]);
    expect(run.report?.findings.map((f) => f.file)).toContain("skipped.ts");
  });

  it("a .gitignore with a NUL byte (found by npm run fuzz) is a parse-error at its path, not a crash in globby", TIMEOUT, async () => {
    // Before: globby made the line a pattern `!**/\0x` and fast-glob's lstat threw ERR_INVALID_ARG_VALUE.
    const root = repo({ ".gitignore": "skipped.ts\n\0x\n", "skipped.ts": "process.env.SKIP_CHECKS;\n" });
    const run = await scan(root);
    expect(run.status).toBe(1);
    expect(parseErrors(run.report)).toEqual([expect.stringMatching(/^\.gitignore warning file is binary \(it contains NUL bytes\)/)]);
    expect(run.report?.findings.map((f) => f.file)).toContain("skipped.ts");
  });

  it.skipIf(isWindows)("a nested .gitignore that is a FIFO, and one linked to /dev/zero, are parse-errors at their paths", TIMEOUT, async () => {
    const root = repo({ "a/.gitignore": fifo, "b/.gitignore": toDevZero, "a/x.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(0);
    expect(parseErrors(run.report)).toEqual([
      expect.stringMatching(/^a\/\.gitignore warning cannot read the file: it is a FIFO/),
      expect.stringMatching(/^b\/\.gitignore warning cannot read the file: it is a character device/),
    ]);
  });
});

/**
 * Runs the built CLI where a file can be made unreadable: as `nobody` when this process is root (for whom
 * permissions change nothing), else as this user. `root` and its parents must be readable by that user.
 */
function runUnprivileged(args: string[], cwd: string): Run & { ms: number } {
  requireBuild();
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
  delete env.CI;
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: "utf8", timeout: BOUND_MS, ...(isRoot ? { uid: 65534, gid: 65534 } : {}) });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

describe.skipIf(isWindows)("permissions", () => {
  it("a root and a nested .gitignore that cannot be read (chmod 000) are parse-errors at their paths", TIMEOUT, () => {
    const root = repo({ ".gitignore": "x.ts\n", "sub/.gitignore": "y.ts\n", "sub/a.ts": "export {};\n" });
    chmodSync(root, 0o755);
    chmodSync(path.join(root, ".gitignore"), 0o000);
    chmodSync(path.join(root, "sub/.gitignore"), 0o000);
    const run = runUnprivileged([".", "--format", "json"], root);
    expectNoStack(run.stderr);
    expect(run.ms).toBeLessThan(BOUND_MS);
    expect(run.status).toBe(0);
    expect(parseErrors(JSON.parse(run.stdout) as JsonReport)).toEqual([
      ".gitignore warning cannot read the file: EACCES: permission denied; its patterns were not applied: the files it ignores are scanned",
      "sub/.gitignore warning cannot read the file: EACCES: permission denied; its patterns were not applied: the files it ignores are scanned",
    ]);
  });

  it("a scan root that cannot be read exits 2 naming it", TIMEOUT, () => {
    const parent = repo({});
    chmodSync(parent, 0o755);
    const root = path.join(parent, "locked");
    mkdirSync(root);
    writeFileSync(path.join(root, "a.ts"), "export {};\n");
    chmodSync(root, 0o000);
    const run = runUnprivileged(["locked", "--format", "json", "--contract", "production-contract.json"], parent);
    chmodSync(root, 0o755);
    expectNoStack(run.stderr);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("contract-scan: cannot read the directory locked (EACCES: permission denied)");
  });
});

describe.skipIf(isWindows)("paths and links", () => {
  it("a folder 4,100 characters deep (past the system's path limit) is a parse-error at its path, not a stack", TIMEOUT, async () => {
    const root = repo({ "src/a.ts": "export {};\n" });
    // Built from inside, one folder at a time: Node's calls take no path this long.
    const segment = "d".repeat(200);
    execFileSync("sh", ["-c", `for i in $(seq 21); do mkdir ${segment} && cd ${segment}; done; echo 'export {};' > deep.ts`], { cwd: root });
    const run = await scan(root);
    expect(run.status).toBe(0);
    const errors = parseErrors(run.report);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^(?:d{200}\/)+d{200} warning cannot read the directory, so its files were not checked: ENAMETOOLONG/);
    expect(errors[0]!.split(" ")[0]!.length).toBeGreaterThan(4000);
  });

  it.each([
    ["dangles", (file: string) => symlinkSync(path.join(path.dirname(file), "moved-away.json"), file), "it is a symbolic link whose target does not exist"],
    ["loops", (file: string) => symlinkSync(file, file), "ELOOP: it is a symbolic link that loops"],
  ])("a contract link that %s exits 2 naming it, found at the root or given with --contract", TIMEOUT, async (_how, link, problem) => {
    const root = repo({ "production-contract.json": link, "src/a.ts": "process.env.SKIP_CHECKS;\n" });
    const found = await scan(root);
    expect(found.status).toBe(2);
    expect(found.stdout).toBe("");
    expect(found.stderr).toContain(`Invalid production contract (${path.join(root, "production-contract.json")}):\n  cannot read the file: ${problem}`);
    const given = await scan(root, "--contract", "production-contract.json");
    expect(given.status).toBe(2);
    expect(given.stderr).toContain(`cannot read the file: ${problem}`);
  });
});

describe("JSON nested 10,000 deep", () => {
  const deep = (key: string): string => `{"${key}": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`;

  it("a contract exits 2 naming the file and saying it nests too deeply (it was accepted before)", TIMEOUT, async () => {
    const root = repo({ "production-contract.json": deep("version"), "src/a.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`Invalid production contract (${path.join(root, "production-contract.json")}):\n  line 1, column 212: JSON nests too deeply (more than 200 levels`);
  });

  it("a package.json is a parse-error at its path", TIMEOUT, async () => {
    const root = repo({ "package.json": deep("name"), "src/a.ts": "export {};\n" });
    const run = await scan(root);
    expect(run.status).toBe(0);
    expect(parseErrors(run.report)).toEqual(["package.json warning JSON nests too deeply (more than 200 levels of arrays and objects), so it was not parsed: flatten it"]);
  });

  it("a tsconfig.json and a pnpm-workspace.yaml are parse-errors at their paths (TypeScript's and yaml's parsers recurse)", TIMEOUT, async () => {
    const root = repo({
      "tsconfig.json": deep("compilerOptions"),
      "pnpm-workspace.yaml": `packages: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
      "src/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "src/b.ts": "export const b = 1;\n",
    });
    const run = await scan(root);
    expect(run.status).toBe(0);
    expect(parseErrors(run.report)).toEqual([
      expect.stringMatching(/^pnpm-workspace\.yaml warning YAML nests too deeply/),
      expect.stringMatching(/^tsconfig\.json warning JSON nests too deeply/),
    ]);
  });
});

describe.skipIf(isWindows)("--output", () => {
  // Spawned: the point is a stdout that is not a terminal (Node connects it with a socket, which
  // `/dev/stdout` cannot be opened on: ENXIO before).
  it("--output /dev/stdout writes the report to a piped stdout", TIMEOUT, () => {
    const root = repo({ "src/a.ts": "export {};\n" });
    const run = runCli([".", "--format", "json", "--output", "/dev/stdout"], root);
    expectNoStack(run.stderr);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    expect((JSON.parse(run.stdout) as JsonReport).summary.files).toBe(1);
  });
});
