/**
 * End to end: `contract-scan --shard <k>/<n>` and `contract-scan merge` (src/shard.ts, src/merge.ts) on both
 * example repositories. For n = 1..4, the merge of the n shard reports is the full scan's report (JSON
 * identical apart from `durationMs`); every file is checked by exactly one shard; the whole-repository
 * findings come from shard 1 only; reports that are not every shard of one run are refused (exit 2).
 * The scans run in this process (`run` of src/cli.ts, the code the binary runs) to keep the test fast.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, run } from "../../src/cli.js";
import type { ShardMeta } from "../../src/shard.js";
import { type JsonReport, PACKAGE_ROOT, type Run, withoutDuration } from "./helpers.js";

const REPOSITORIES = ["example-app", "safety-app"];

const tmp = mkdtempSync(path.join(os.tmpdir(), "contract-scan-shard-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `run(argv, io)` of src/cli.ts in this process, with a clean environment (no CI, no colors). */
async function cliHere(cwd: string, ...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false, cwd, env: {} };
  const status = await run(args, io);
  return { status, stdout, stderr };
}

type ShardReport = JsonReport & { shard: ShardMeta };

/** Runs shards 1..n of `args` in `cwd`, each writing its report to a file; returns the files. */
async function shards(cwd: string, n: number, name: string, ...args: string[]): Promise<string[]> {
  const files: string[] = [];
  for (let k = 1; k <= n; k++) {
    const file = path.join(tmp, `${name}-${k}-of-${n}.json`);
    const result = await cliHere(cwd, ...args, "--shard", `${k}/${n}`, "--output", file);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    files.push(file);
  }
  return files;
}

const read = (file: string): ShardReport => JSON.parse(readFileSync(file, "utf8")) as ShardReport;

describe.each(REPOSITORIES)("--shard k/n and merge on fixtures/%s", (name) => {
  const root = path.join(PACKAGE_ROOT, "fixtures", name);
  let full: Run;
  beforeAll(async () => {
    full = await cliHere(root, "--format", "json");
  });

  it.each([1, 2, 3, 4])("n = %i: the merge of the shards is the full scan's report", async (n) => {
    const files = await shards(root, n, name);
    const merged = await cliHere(root, "merge", ...files, "--format", "json");
    expect(merged.stderr).toBe("");
    expect(merged.status).toBe(full.status);
    expect(withoutDuration(merged.stdout)).toBe(withoutDuration(full.stdout));

    const reports = files.map(read);
    const fullReport = JSON.parse(full.stdout) as JsonReport;
    // Every file of the run is checked by exactly one shard, and the shard reports say so.
    const checked = reports.flatMap((r) => r.shard.files);
    expect(new Set(checked).size).toBe(checked.length);
    expect(checked.length).toBe(fullReport.summary.files);
    for (const r of reports) {
      expect(r.summary.files).toBe(r.shard.files.length);
      expect(r.shard.run.files).toBe(fullReport.summary.files);
      // A shard's findings are in its own files, except the whole-repository ones of shard 1.
      const own = new Set(r.shard.files);
      const elsewhere = r.findings.filter((f) => !own.has(f.file));
      if (r.shard.index > 1) expect(elsewhere).toEqual([]);
    }
    // Shards balanced by size: with more files than shards, no shard is empty.
    if (fullReport.summary.files >= n) for (const r of reports) expect(r.shard.files.length).toBeGreaterThan(0);
  });
});

describe("merge on fixtures/example-app: formats, baseline, a folder below the root", () => {
  const root = path.join(PACKAGE_ROOT, "fixtures/example-app");

  it("SARIF and text of the merge are the full scan's", async () => {
    const files = await shards(root, 2, "formats");
    for (const format of ["sarif", "text"]) {
      const merged = await cliHere(root, "merge", ...files, "--format", format);
      const full = await cliHere(root, "--format", format);
      expect(merged.status).toBe(full.status);
      // The text report's last line holds the duration.
      const strip = (text: string): string => text.replace(/\(\d+ ms\)/, "");
      expect(strip(merged.stdout)).toBe(strip(full.stdout));
    }
  });

  it("Choice: shards apply no baseline; merge applies <root>/contract-scan-baseline.json as the full scan does", async () => {
    // Why: a baseline counts findings per file and rule over the whole run (and judges stale entries
    // against every checked file), so only the merged findings can be compared with it.
    const copy = path.join(tmp, "baseline-app");
    cpSync(root, copy, { recursive: true });
    const written = await cliHere(copy, "--update-baseline", "--format", "json");
    expect(written.status).toBe(0);
    // One accepted finding fewer than today: the merge and the full scan report the same leftover.
    const baselineFile = path.join(copy, "contract-scan-baseline.json");
    const baseline = JSON.parse(readFileSync(baselineFile, "utf8")) as Record<string, Record<string, { count: number }>>;
    baseline["scripts/cleanup-demo-data.ts"]!["production-safety/no-destructive-sql"]!.count -= 1;
    baseline["scripts/deleted-long-ago.ts"] = { "production-safety/no-bypass-env": { count: 1 } };
    writeFileSync(baselineFile, JSON.stringify(baseline, null, 2));

    const full = await cliHere(copy, "--format", "json");
    const files = await shards(copy, 2, "baseline");
    for (const file of files) expect(read(file).findings.length).toBeGreaterThan(0);
    const merged = await cliHere(copy, "merge", ...files, "--format", "json");
    expect(merged.status).toBe(1);
    expect(withoutDuration(merged.stdout)).toBe(withoutDuration(full.stdout));
    expect((JSON.parse(merged.stdout) as { baseline: { stale: number } }).baseline.stale).toBe(1);
  });

  it("the whole-repository findings (no-stale-allowlist, an unparsable Prisma schema) come once, from shard 1", async () => {
    const copy = path.join(tmp, "whole-repository-app");
    cpSync(root, copy, { recursive: true });
    const contractFile = path.join(copy, "production-contract.json");
    const contract = JSON.parse(readFileSync(contractFile, "utf8")) as { mutationScripts: Record<string, unknown> };
    contract.mutationScripts["scripts/gone.ts"] = { operations: ["create"] };
    writeFileSync(contractFile, JSON.stringify(contract, null, 2));
    writeFileSync(path.join(copy, "prisma/schema.prisma"), `${readFileSync(path.join(copy, "prisma/schema.prisma"), "utf8")}\nmodel Broken {\n`);

    const full = await cliHere(copy, "--format", "json");
    const wholeRepository = (JSON.parse(full.stdout) as JsonReport).findings.filter(
      (f) => f.ruleId === "production-safety/no-stale-allowlist" || f.file === "prisma/schema.prisma",
    );
    expect(wholeRepository.map((f) => f.ruleId).sort()).toEqual(["production-safety/no-stale-allowlist", "production-safety/parse-error"]);
    const files = await shards(copy, 3, "whole-repository");
    const reports = files.map(read);
    for (const finding of wholeRepository) {
      expect(reports.map((r) => r.findings.filter((f) => f.file === finding.file && f.ruleId === finding.ruleId).length)).toEqual([1, 0, 0]);
    }
    const merged = await cliHere(copy, "merge", ...files, "--format", "json");
    expect(withoutDuration(merged.stdout)).toBe(withoutDuration(full.stdout));
  });

  it("contract-scan <folder below the root> --shard: the merge is that folder's scan", async () => {
    const full = await cliHere(root, "scripts", "--format", "json");
    const files = await shards(root, 3, "within", "scripts");
    expect(read(files[0]!).shard.coverage).toEqual({ within: "scripts", changed: null });
    const merged = await cliHere(root, "merge", ...files, "--format", "json");
    expect(withoutDuration(merged.stdout)).toBe(withoutDuration(full.stdout));
  });

  it("Choice: a shard exits 0 with error findings in its report; the merge's exit code is the verdict", async () => {
    // Why: the baseline (and --max-warnings) are applied by merge, so a shard cannot tell whether its
    // findings fail the run; a failing shard step would also need `if: always()` for its upload.
    const [file] = await shards(root, 1, "exit");
    expect(read(file!).summary.errors).toBeGreaterThan(0);
  });
});

describe("--shard and merge refuse what they cannot do (exit 2)", () => {
  const root = path.join(PACKAGE_ROOT, "fixtures/safety-app");
  let two: string[];
  let three: string[];
  beforeAll(async () => {
    two = await shards(root, 2, "refuse");
    three = await shards(root, 3, "refuse");
  });

  /** A copy of a shard report with `change` applied, written next to it. */
  function edited(file: string, suffix: string, change: (report: ShardReport) => void): string {
    const report = read(file);
    change(report);
    const out = file.replace(/\.json$/, `-${suffix}.json`);
    writeFileSync(out, JSON.stringify(report, null, 2));
    return out;
  }

  async function refused(args: string[], message: RegExp): Promise<void> {
    const result = await cliHere(root, ...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  }

  it("a missing shard", () => refused(["merge", two[0]!], /missing shard 2\/2: merge needs the report of every shard \(it got 1\/2\)/));
  it("a shard given twice", () => refused(["merge", two[0]!, two[0]!, two[1]!], /are both shard 1\/2: give each shard's report once/));
  it("shards of different n", () => refused(["merge", two[0]!, three[1]!, three[2]!], /are shards of different runs \(shard 1\/2 and 2\/3\)/));
  it("another tool version", () =>
    refused(["merge", two[0]!, edited(two[1]!, "tool", (r) => (r.shard.tool = "0.0.1"))], /written by different versions of contract-scan \(\d+\.\d+\.\d+ and 0\.0\.1\)/));
  it("another contract", () =>
    refused(["merge", two[0]!, edited(two[1]!, "contract", (r) => (r.shard.contractDigest = "0".repeat(64)))], /were checked against different contracts/));
  it("another checkout (different files)", () =>
    refused(["merge", two[0]!, edited(two[1]!, "files", (r) => (r.shard.run.digest = "0".repeat(64)))], /checked different sets of files/));
  it("a file checked by two shards", () =>
    refused(["merge", two[0]!, edited(two[1]!, "overlap", (r) => r.shard.files.push(read(two[0]!).shard.files[0]!))], /both checked /));
  it("a whole scan's report", async () => {
    const whole = path.join(tmp, "whole.json");
    await cliHere(root, "--format", "json", "--output", whole);
    await refused(["merge", whole], /is the report of a whole scan, not of a shard/);
  });
  it("a file that is not JSON, a file that does not exist", async () => {
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, "{");
    await refused(["merge", bad], /bad\.json is not JSON/);
    await refused(["merge", path.join(tmp, "nothing.json")], /cannot read the report .*nothing\.json/);
  });
  it("a bad --shard value", async () => {
    await refused(["--shard", "0/2"], /the shard number must be between 1 and 2/);
    await refused(["--shard", "3/2"], /the shard number must be between 1 and 2/);
    await refused(["--shard", "1/0"], /the number of shards must be at least 1/);
    await refused(["--shard", "half"], /expected <k>\/<n>/);
  });
  it("report options given to a shard, scan options given to merge", async () => {
    await refused(["--shard", "1/2", "--format", "sarif"], /--shard writes the JSON report that `contract-scan merge` reads; give --format sarif to merge instead/);
    await refused(["--shard", "1/2", "--quiet"], /--quiet applies to the whole run's report: give it to `contract-scan merge`/);
    await refused(["--shard", "1/2", "--update-baseline"], /--update-baseline needs the findings of the whole repository/);
    await refused(["merge", ...two, "--changed"], /--changed is an option of a scan, not of merge/);
  });
});
