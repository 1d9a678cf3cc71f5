/**
 * End to end: `contract-scan --concurrency` (src/concurrency.ts, src/workers.ts, src/scan-worker.ts). With
 * worker threads the report is byte for byte the single-threaded one (apart from `durationMs`): on the
 * example repositories, with `--shard` and with `--cache` (the cache written is the same too); a file
 * nested deeper than the main thread's stack allows is the same `parse-error` in a worker; a worker that
 * fails leaves its files to the main thread; invalid values are usage errors. The scans run in this
 * process (`run` of src/cli.ts, `scan` of src/scanner.ts); the workers run the built worker (dist/).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Linter } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContractFile } from "../../src/contract.js";
import { discoverFiles } from "../../src/discover.js";
import { createRepoFacts, registerScanFacts } from "../../src/facts/repo-facts.js";
import { type Finding, scan, scanFile, scannerConfig, type ScanOptions, type ScanResult } from "../../src/scanner.js";
import { checkInWorkers } from "../../src/workers.js";
import { type JsonReport, PACKAGE_ROOT, requireBuild, type Run, runHere, withoutDuration } from "./helpers.js";

requireBuild();

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `contract-scan-concurrency-${name}-`));
  made.push(dir);
  return dir;
}

/** A fresh copy of a fixture repository. */
function copyOf(name: string): string {
  const root = tempDir(name);
  cpSync(path.join(PACKAGE_ROOT, "fixtures", name), root, { recursive: true });
  return root;
}

const json = (root: string, ...args: string[]): Promise<Run> => runHere([".", "--format", "json", ...args], root);

describe.each(["example-app", "safety-app", "python-app"])("fixtures/%s", (name) => {
  const root = path.join(PACKAGE_ROOT, "fixtures", name);
  let single: Run;
  beforeAll(async () => {
    single = await json(root, "--concurrency", "off");
  });

  it.each(["2", "auto"])("--concurrency %s gives the --concurrency off report", async (value) => {
    const result = await json(root, "--concurrency", value);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(single.status);
    expect(withoutDuration(result.stdout)).toBe(withoutDuration(single.stdout));
    expect((JSON.parse(result.stdout) as JsonReport).findings.length).toBeGreaterThan(0);
  });
});

describe("--debug with worker threads", () => {
  it("adds the threads' phase and rule times, and their wall time", async () => {
    const root = path.join(PACKAGE_ROOT, "fixtures/example-app");
    const withWorkers = await json(root, "--concurrency", "2", "--debug");
    expect(withWorkers.stderr).toMatch(/^ +[\d.]+ {2}worker threads \(2, wall\)$/m);
    expect(withWorkers.stderr).toMatch(/^ +[\d.]+ {2}lint \(ESLint Linter\)$/m);
    expect(withWorkers.stderr).toMatch(/^ +[\d.]+ {2}production-safety\/no-bypass-env$/m);
    const single = await json(root, "--debug");
    expect(single.stderr).toMatch(/^ +[\d.]+ {2}production-safety\/no-bypass-env$/m);
    expect(single.stderr).not.toContain("worker threads");
  });
});

describe("--concurrency with --shard", () => {
  it("shards checked with two workers each merge into the single-threaded full report", async () => {
    const root = path.join(PACKAGE_ROOT, "fixtures/example-app");
    const out = tempDir("shard");
    const files = [1, 2].map((k) => path.join(out, `shard-${k}.json`));
    for (const [index, file] of files.entries()) {
      const shard = await runHere([".", "--shard", `${index + 1}/2`, "--concurrency", "2", "--output", file], root);
      expect(shard.stderr).toBe("");
    }
    const merged = await runHere(["merge", ...files, "--format", "json"], root);
    const single = await json(root, "--concurrency", "off");
    expect(merged.stderr).toBe("");
    expect(withoutDuration(merged.stdout)).toBe(withoutDuration(single.stdout));
  });
});

describe("--concurrency with --cache", () => {
  const root = copyOf("example-app");
  const contractFile = path.join(root, "production-contract.json");
  const locations = { workers: path.join(tempDir("cache-workers"), "cache"), single: path.join(tempDir("cache-single"), "cache") };
  // (Parsed: the order of `hashes` in the file follows the order the reads finish in, run to run.)
  const cacheFile = (location: string): unknown => JSON.parse(readFileSync(path.join(location, readdirSync(location)[0]!), "utf8"));
  const cachedScan = (location: string, concurrency: ScanOptions["concurrency"]): Promise<ScanResult> =>
    scan({ root, contract: loadContractFile(contractFile), contractFile, cache: { location }, concurrency });

  it("a cold run with workers writes the cache a single-threaded cold run writes, and reports the same", async () => {
    const withWorkers = await cachedScan(locations.workers, 2);
    const single = await cachedScan(locations.single, "off");
    expect(withWorkers.findings).toEqual(single.findings);
    expect(withWorkers.cache!.checked).toHaveLength(withWorkers.files);
    expect(cacheFile(locations.workers)).toEqual(cacheFile(locations.single));
  });

  it("after an edit, workers that start from the cache check the files a single-threaded run checks, with the same findings", async () => {
    writeFileSync(path.join(root, "lib/prisma.ts"), readFileSync(path.join(root, "lib/prisma.ts"), "utf8") + "\n// edited\n");
    const withWorkers = await cachedScan(locations.workers, 2);
    const single = await cachedScan(locations.single, "off");
    expect(withWorkers.cache!.checked).toEqual(["lib/prisma.ts", "scripts/count-bookings.ts", "scripts/reset-demo-bookings.ts"]);
    expect(single.cache!.checked).toEqual(withWorkers.cache!.checked);
    expect(withWorkers.findings).toEqual(single.findings);
    expect(cacheFile(locations.workers)).toEqual(cacheFile(locations.single));
    const uncached = await scan({ root, contract: loadContractFile(contractFile), contractFile, concurrency: "off" });
    expect(withWorkers.findings).toEqual(uncached.findings);
  });

  it("through the CLI: --cache --concurrency 2, cold then warm, gives the uncached report", async () => {
    const location = path.join(tempDir("cache-cli"), "cache");
    const uncached = await json(root, "--no-cache", "--concurrency", "off");
    for (let run = 0; run < 2; run++) {
      const result = await json(root, "--cache", "--cache-location", location, "--concurrency", "2");
      expect(result.stderr).toBe("");
      expect(withoutDuration(result.stdout)).toBe(withoutDuration(uncached.stdout));
    }
  });
});

describe("a file nested deeper than the main thread's stack allows", () => {
  // 2000 levels overflow the parser's stack in the main thread (at about 850) but not in a worker with
  // Node's default worker stack (about 3500): the workers' stack is the main thread's (MAIN_THREAD_STACK_MB).
  it("is the same parse-error with workers as without, and a nesting both can parse is not one", async () => {
    const root = tempDir("deep");
    mkdirSync(path.join(root, "scripts"));
    writeFileSync(path.join(root, "production-contract.json"), '{ "version": 1 }\n');
    writeFileSync(path.join(root, "scripts/deep.ts"), `export const deep = ${"[".repeat(2000)}${"]".repeat(2000)};\n`);
    writeFileSync(path.join(root, "scripts/shallow.ts"), `export const shallow = ${"[".repeat(300)}${"]".repeat(300)};\n`);
    writeFileSync(path.join(root, "scripts/flag.ts"), "export const skip = process.env.SKIP_CHECKS;\n");
    const single = await json(root, "--concurrency", "off");
    const withWorkers = await json(root, "--concurrency", "2");
    expect(withoutDuration(withWorkers.stdout)).toBe(withoutDuration(single.stdout));
    const findings = (JSON.parse(single.stdout) as JsonReport).findings.map((f) => `${f.file} ${f.ruleId} ${f.message}`);
    expect(findings).toContain("scripts/deep.ts production-safety/parse-error Parsing error: Maximum call stack size exceeded");
    expect(findings.filter((f) => f.startsWith("scripts/shallow.ts"))).toEqual([]);
  });
});

describe("a worker that fails", () => {
  const root = path.join(PACKAGE_ROOT, "fixtures/example-app");
  const contractFile = path.join(root, "production-contract.json");
  const options: ScanOptions = { root, contract: loadContractFile(contractFile), contractFile };
  let files: string[];
  let modules: string[];
  let expected: Map<string, Finding[]>;
  let checkHere: (file: string) => Promise<Finding[]>;
  let checkedHere: string[];
  let unregister: () => void;
  beforeAll(async () => {
    files = await discoverFiles(root, options.contract);
    modules = files.filter((f) => /\.[cm]?[jt]sx?$/.test(f));
    // The main thread's side of a scan: its facts registered for the rules, its linter.
    unregister = registerScanFacts(createRepoFacts(root, options.contract, { files: modules }));
    const linter = new Linter({ configType: "flat", cwd: root });
    const config = scannerConfig(options);
    expected = new Map();
    for (const file of files) expected.set(file, await scanFile(file, options, linter, config));
    checkHere = (file) => {
      checkedHere.push(path.relative(root, file));
      return scanFile(file, options, linter, config);
    };
  });
  afterAll(() => {
    unregister();
    delete process.env.FAILING_WORKER;
  });

  /** checkInWorkers with the failing worker in `mode` (FAILING_WORKER): the findings, and the files checked in this thread. */
  async function withFailing(mode: string): Promise<{ found: Map<string, Finding[]>; here: string[] }> {
    checkedHere = [];
    process.env.FAILING_WORKER = mode;
    const found = await checkInWorkers({ options, modules, files, threads: 2, checkHere, workerFile: path.join(import.meta.dirname, "failing-worker.js") });
    return { found, here: checkedHere.sort() };
  }

  it("none: every file is checked in the workers, with the findings of the main thread", async () => {
    expect(await withFailing("none")).toEqual({ found: expected, here: [] });
  });

  it("a task that throws: its files are checked in the main thread", async () => {
    expect(await withFailing("throw")).toEqual({ found: expected, here: ["scripts/count-bookings.ts"] });
  });

  it("a thread that crashes (an uncaught error, running out of memory): its task's files are checked in the main thread", async () => {
    expect(await withFailing("crash")).toEqual({ found: expected, here: ["scripts/count-bookings.ts"] });
  });

  it("a thread that ends quietly (process.exit): no hang; the files not finished then are checked in the main thread", async () => {
    const { found, here } = await withFailing("exit");
    expect(found).toEqual(expected);
    expect(here).toContain("scripts/count-bookings.ts");
  });

  it("workers that cannot start: every file is checked in the main thread", async () => {
    const { found, here } = await withFailing("load");
    expect(found).toEqual(expected);
    expect(here).toEqual(files.map((f) => path.relative(root, f)).sort());
  });
});

describe("invalid values", () => {
  it.each(["0", "-1", "abc", "1.5"])("--concurrency %s exits 2 and says what it accepts", async (value) => {
    const result = await runHere([".", "--concurrency", value], path.join(PACKAGE_ROOT, "fixtures/example-app"));
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`option '--concurrency <n|auto|off>' argument '${value}' is invalid. expected a number of worker threads (1 or more), "auto" or "off"`);
  });
});
