/**
 * What every hostile input must leave true (issue 14): `contract-scan` ends with exit code 0, 1 or 2, within
 * a wall-time bound and a memory bound, prints no stack trace, reports no internal error, and changes
 * nothing in the scanned tree.
 *
 * Runs go through `run(argv, io)` of the CLI, as tests/e2e/helpers.ts `cliHere` does, but in one
 * long-lived child process (tests/hostile/cli-server.js, on the built dist/) instead of the test's own
 * process: a run that loops, blocks in `open` on a FIFO or keeps reading `/dev/zero` cannot be stopped
 * inside the process that runs it, and would hang or exhaust the whole test run instead of failing one
 * test. The child loads ESLint and TypeScript once (not counted in any bound), its memory is its own
 * (read from /proc), and a run that outlives a bound is killed (SIGKILL); the next run gets a new child.
 * Where the process itself must differ (another user, stdout a socket), `runChild` starts the binary.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { type BigIntStats, closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { CLI, type JsonReport, PACKAGE_ROOT, requireBuild, type Run } from "../e2e/helpers.js";

/**
 * Wall-time bound of one run (ms), after the CLI has loaded: generous for a repository of a few files on a
 * shared 2-core machine (such a scan takes well under 2 s), short enough that the hangs of issue 14 (10 to
 * 30 s and more before the fixes) fail.
 */
export const WALL_TIME_BOUND_MS = 10_000;
/** How much a run may grow the resident memory of the process that runs it (bytes). */
export const MEMORY_BOUND_BYTES = 1536 * 1024 * 1024;
/** How often the memory is sampled (ms). */
const MEMORY_SAMPLE_MS = 50;

/** How a run ended: `exited` is the only good one. */
export type Outcome = "exited" | "threw" | "timeout" | "memory" | "died";

/** One run's result: `Run` (status, stdout, stderr) plus how it ended and how long it took. */
export interface HostileRun extends Run {
  outcome: Outcome;
  /** Wall time of the run (ms). */
  wallMs: number;
}

/** Options of one run. */
export interface RunOptions {
  /** Default WALL_TIME_BOUND_MS. */
  timeoutMs?: number;
  /** The CLI's environment (default empty: not this process's CI, GITHUB_* or NO_COLOR). */
  env?: NodeJS.ProcessEnv;
}

interface Reply {
  id: number;
  status: number | null;
  stdout: string;
  stderr: string;
  threw: boolean;
}

/**
 * `contract-scan` in a child process that is replaced when a run hangs, grows past the memory bound or
 * dies. One per test file, closed in `afterAll`.
 */
export class HostileCli {
  private child: ChildProcess | undefined;
  private nextId = 0;
  /** What the child printed itself (not through the CLI's io), appended to the current run's stderr. */
  private direct = "";

  /** @param emptyDir an empty folder, scanned once per new child to load the CLI, ESLint and the parsers (not counted in any bound). */
  constructor(private readonly emptyDir: string) {}

  /**
   * Runs `contract-scan ...args` with `cwd` as the working directory.
   * @returns status (null unless the run exited), stdout, stderr (with anything the process printed
   *   outside the CLI's io), outcome and wall time. Never throws for the run's sake.
   */
  async run(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<HostileRun> {
    const child = await this.ready();
    const result = await this.exchange(child, cwd, args, options.timeoutMs ?? WALL_TIME_BOUND_MS, options.env ?? {});
    if (result.outcome !== "exited") await this.discardChild();
    releaseFifos(cwd);
    return result;
  }

  /** The child, started and warmed up when there is none. */
  private async ready(): Promise<ChildProcess> {
    if (this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    requireBuild();
    const child = fork(fileURLToPath(new URL("./cli-server.js", import.meta.url)), [], {
      env: { PATH: process.env.PATH },
      execArgv: [],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    child.stdout?.setEncoding("utf8").on("data", (text: string) => (this.direct += text));
    child.stderr?.setEncoding("utf8").on("data", (text: string) => (this.direct += text));
    this.child = child;
    const warmed = await this.exchange(child, this.emptyDir, ["--format", "json"], 120_000, {});
    if (warmed.outcome !== "exited") throw new Error(`the CLI process did not start: ${warmed.outcome}\n${warmed.stderr}`);
    return child;
  }

  /** One run in `child`, ended by its reply, its death, the time bound or the memory bound. */
  private async exchange(child: ChildProcess, cwd: string, args: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<HostileRun> {
    const id = ++this.nextId;
    this.direct = "";
    const pid = child.pid ?? 0;
    const rssBefore = processRssBytes(pid);
    const started = performance.now();
    let resolveRun: (result: Omit<HostileRun, "wallMs">) => void = () => undefined;
    const ended = new Promise<Omit<HostileRun, "wallMs">>((resolve) => (resolveRun = resolve));
    const onMessage = (reply: Reply): void => {
      if (reply.id === id) resolveRun({ status: reply.status, stdout: reply.stdout, stderr: reply.stderr, outcome: reply.threw ? "threw" : "exited" });
    };
    const onExit = (code: number | null, signal: string | null): void =>
      resolveRun({ status: null, stdout: "", stderr: `the process ended (code ${code}, signal ${signal})\n`, outcome: "died" });
    child.on("message", onMessage);
    child.on("exit", onExit);
    const timer = setTimeout(() => resolveRun({ status: null, stdout: "", stderr: "", outcome: "timeout" }), timeoutMs);
    const sampler = setInterval(() => {
      if (processRssBytes(pid) - rssBefore > MEMORY_BOUND_BYTES) resolveRun({ status: null, stdout: "", stderr: "", outcome: "memory" });
    }, MEMORY_SAMPLE_MS);
    child.send({ id, cwd, args: [...args], env });
    const result = await ended;
    const wallMs = performance.now() - started;
    clearTimeout(timer);
    clearInterval(sampler);
    child.off("message", onMessage);
    child.off("exit", onExit);
    // Give output the process wrote itself a moment to arrive (it is not ordered with the IPC reply).
    await new Promise((resolve) => setImmediate(resolve));
    return { ...result, stderr: result.stderr + this.direct, wallMs };
  }

  /** Kills the child (SIGKILL also ends a process blocked in a system call). */
  private async discardChild(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Ends the child. */
  async close(): Promise<void> {
    await this.discardChild();
  }
}

/**
 * Runs the built binary in a child process (for what a worker cannot be: another user, stdout a socket),
 * with the same bounds: killed (SIGKILL) after `timeoutMs` or when its resident memory passes
 * MEMORY_BOUND_BYTES.
 * @param options.uid/gid run as this user (the caller owns making the files readable to it).
 */
export async function runChild(cwd: string, args: readonly string[], options: RunOptions & { uid?: number; gid?: number } = {}): Promise<HostileRun> {
  requireBuild();
  const timeoutMs = options.timeoutMs ?? WALL_TIME_BOUND_MS;
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  let outcome: Outcome = "exited";
  const timer = setTimeout(() => {
    outcome = "timeout";
    child.kill("SIGKILL");
  }, timeoutMs);
  const sampler = setInterval(() => {
    if (child.pid !== undefined && processRssBytes(child.pid) > MEMORY_BOUND_BYTES) {
      outcome = "memory";
      child.kill("SIGKILL");
    }
  }, MEMORY_SAMPLE_MS);
  const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  clearTimeout(timer);
  clearInterval(sampler);
  releaseFifos(cwd);
  return { status: outcome === "exited" ? status : null, stdout, stderr, outcome, wallMs: performance.now() - started };
}

/** Resident memory of a process (bytes) from /proc, 0 when it cannot be read. */
function processRssBytes(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return pages * 4096;
  } catch {
    return 0;
  }
}

/** Every entry under `root` (itself included), without following symlinks: absolute paths, parents first. */
function walk(root: string, visit: (file: string, stat: BigIntStats) => void): void {
  let stat: BigIntStats;
  try {
    stat = lstatSync(root, { bigint: true });
  } catch {
    return;
  }
  visit(root, stat);
  if (!stat.isDirectory()) return;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names.sort()) walk(path.join(root, name), visit);
}

/** Opens every FIFO under `root` for writing and closes it, which releases a reader blocked in `open`. */
export function releaseFifos(root: string): void {
  walk(root, (file, stat) => {
    if (!stat.isFIFO()) return;
    try {
      closeSync(openSync(file, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading it.
    }
  });
}

/**
 * A fingerprint of every path under `root`: type and mode, size, modification time (ns) and a symlink's
 * target, from lstat (symlinks are not followed, FIFOs and devices are never opened).
 * @returns repository-relative path -> fingerprint.
 */
export function snapshotTree(root: string): Map<string, string> {
  const tree = new Map<string, string>();
  walk(root, (file, stat) => {
    const target = stat.isSymbolicLink() ? ` -> ${readlinkSync(file)}` : "";
    tree.set(path.relative(root, file) || ".", `${stat.mode.toString(8)} ${stat.size} ${stat.mtimeNs}${target}`);
  });
  return tree;
}

/** What differs between two snapshots: `+ path`, `- path`, `~ path: before => after`. */
export function treeChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changes: string[] = [];
  for (const [file, print] of before) {
    const now = after.get(file);
    if (now === undefined) changes.push(`- ${file}`);
    else if (now !== print) changes.push(`~ ${file}: ${print} => ${now}`);
  }
  for (const file of after.keys()) if (!before.has(file)) changes.push(`+ ${file}`);
  return changes;
}

/**
 * A stack frame line, the name of a JavaScript error that only a crash prints, or what Node prints for an
 * uncaught exception (an fs error object carries no frames: `node:internal/...`, `Node.js v20...`).
 */
const STACK_TRACE = /^ {4}at |\b(TypeError|RangeError|ReferenceError)\b|Maximum call stack size exceeded|triggerUncaughtException|^Node\.js v\d+/m;
/** A finding that reports the tool's own failure (src/scanner.ts scanFile: "internal error while checking this file"). */
const INTERNAL_ERROR = /internal error|Maximum call stack size exceeded/i;

/**
 * What an invariant check found wrong, one line each (empty when every invariant holds). The run is
 * expected with `--format json`: exit code 0 or 1 must come with a JSON report on stdout.
 */
export function invariantViolations(result: HostileRun, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  if (result.outcome !== "exited") problems.push(`the run did not end normally: ${result.outcome} after ${Math.round(result.wallMs)} ms`);
  if (result.wallMs > WALL_TIME_BOUND_MS) problems.push(`the run took ${Math.round(result.wallMs)} ms (bound ${WALL_TIME_BOUND_MS} ms)`);
  if (result.outcome === "exited" && ![0, 1, 2].includes(result.status ?? -1)) problems.push(`exit code ${result.status}, expected 0, 1 or 2`);
  const trace = STACK_TRACE.exec(result.stderr);
  if (trace) problems.push(`stderr holds a stack trace or a JavaScript error (${JSON.stringify(trace[0])}): ${result.stderr.slice(Math.max(0, trace.index - 300), trace.index + 1500)}`);
  for (const finding of reportOf(result)?.findings ?? []) {
    if (INTERNAL_ERROR.test(finding.message)) problems.push(`internal error finding at ${finding.file}: ${finding.message}`);
  }
  if ((result.status === 0 || result.status === 1) && reportOf(result) === undefined) problems.push(`exit code ${result.status} without a JSON report on stdout: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  const changes = treeChanges(before, after);
  if (changes.length > 0) problems.push(`the scanned tree changed: ${changes.slice(0, 20).join("; ")}`);
  return problems;
}

/** The JSON report on stdout (`--format json`), or undefined when stdout is not one. */
export function reportOf(result: Run): JsonReport | undefined {
  if (!result.stdout.startsWith("{")) return undefined;
  try {
    return JSON.parse(result.stdout) as JsonReport;
  } catch {
    return undefined;
  }
}

/** Expected outcome of a run: its exit code (or the codes either of which is right). */
export interface Expectation {
  status: number | readonly number[];
}

/**
 * Asserts the invariants and the expected exit code, with one message that lists every violation and the
 * start of stderr.
 * @returns the JSON report, when stdout is one.
 */
export function expectHostileOk(result: HostileRun, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, expected: Expectation): JsonReport | undefined {
  const problems = invariantViolations(result, before, after);
  const allowed = typeof expected.status === "number" ? [expected.status] : expected.status;
  if (result.outcome === "exited" && !allowed.includes(result.status ?? -1)) {
    problems.push(`exit code ${result.status}, expected ${allowed.join(" or ")}; stderr ends: ${result.stderr.slice(-600)}; findings: ${summarizeFindings(result)}`);
  }
  expect(problems, problems.join("\n")).toEqual([]);
  return reportOf(result);
}

/** The first findings of a JSON report, one short line each, for failure messages. */
export function summarizeFindings(result: Run): string {
  const findings = reportOf(result)?.findings ?? [];
  return findings.slice(0, 5).map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message.slice(0, 120)}`).join(" | ") + (findings.length > 5 ? ` (+${findings.length - 5} more)` : "");
}

/** Absolute path of a fixture repository. */
export function fixturePath(name: string): string {
  return path.join(PACKAGE_ROOT, "fixtures", name);
}
