/**
 * End to end: `contract-scan --changed` and `--changed=<ref>` (SPEC §6.15) on temporary git copies of
 * fixtures/example-app. For each change, the changed-mode report must hold exactly the full scan's
 * findings on the files it covers, and cover exactly: the changed files (staged ones alone; with a ref,
 * committed since the merge base, staged, unstaged and untracked ones), the mutation scripts whose imports
 * reach a changed module, and the contract when it is concerned (a changed contract: a full scan).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT, type Run, runHere } from "./helpers.js";
import { type GitRepo, makeGitRepo } from "./git-repo.js";

const EXAMPLE = path.join(PACKAGE_ROOT, "fixtures/example-app");

interface Finding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  message: string;
}
interface JsonReport {
  contract: string | null;
  findings: Finding[];
  summary: { files: number; errors: number; warnings: number; durationMs: number };
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function repoOf(subfolder = ""): GitRepo {
  const repo = makeGitRepo(EXAMPLE, subfolder);
  made.push(repo.top);
  return repo;
}

/** `run(argv, io)` of src/cli.ts in this process (the same code as the binary, without a Node start per scan). */
function cliHere(cwd: string, ...args: string[]): Promise<Run> {
  // A clean environment, as runNode's: no CI (CI=true refuses --update-baseline), no colors.
  return runHere(args, cwd);
}

/** `cliHere` with `--format json`, the report parsed (stderr must be empty). */
async function scanHere(cwd: string, ...args: string[]): Promise<{ status: number | null; report: JsonReport }> {
  const result = await cliHere(cwd, ...args, "--format", "json");
  expect(result.stderr).toBe("");
  return { status: result.status, report: JSON.parse(result.stdout) as JsonReport };
}

/** The full scan's findings on the covered files, and the same number of files. */
function expectAgreement(changed: JsonReport, full: JsonReport, coveredScanned: string[], coveredOther: string[] = []): void {
  const covered = new Set([...coveredScanned, ...coveredOther]);
  expect(changed.findings).toEqual(full.findings.filter((f) => covered.has(f.file)));
  expect(changed.summary.files).toBe(coveredScanned.length);
  expect(changed.contract).toBe(full.contract);
}

const files = (report: JsonReport): string[] => [...new Set(report.findings.map((f) => f.file))].sort();

/** A new script that writes through lib/bookings.ts (no guard, not allowlisted: two findings). */
const PURGE_SCRIPT = `import { wipeDemoBookings } from "../lib/bookings";\n\nvoid wipeDemoBookings();\n`;

describe("--changed (staged files) and --changed=main on a feature branch", () => {
  const repo = repoOf();
  repo.git("checkout", "-q", "-b", "feature");
  // Committed on the branch: countBookings now writes, so scripts/count-bookings.ts (unchanged) becomes
  // an unlisted mutation script.
  repo.append("lib/bookings.ts", `\nexport async function countAndPrune(): Promise<number> {\n  await prisma.booking.deleteMany({ where: { id: "stale" } });\n  return prisma.booking.count();\n}\n`);
  repo.write("scripts/count-bookings.ts", `import "../lib/ci-guard-side-effect";\nimport { countAndPrune } from "../lib/bookings";\n\nvoid countAndPrune();\n`);
  repo.git("commit", "-q", "-am", "countAndPrune");
  // Staged: a change to lib/prisma.ts (imported by lib/bookings.ts) and a new script.
  repo.append("lib/prisma.ts", "// staged change\n");
  repo.write("scripts/purge-all.ts", PURGE_SCRIPT);
  repo.git("add", "lib/prisma.ts", "scripts/purge-all.ts");
  // Unstaged: a script with findings of its own; untracked: a script that reads a bypass variable; a README.
  repo.append("scripts/cleanup-demo-data.ts", "// unstaged change\n");
  repo.write("scripts/untracked-note.ts", `export const skip = process.env.SKIP_DB_CHECK === "1";\n`);
  repo.append("README.md", "\nunstaged\n");

  type Scan = Awaited<ReturnType<typeof scanHere>>;
  let full: Scan, staged: Scan, sinceMain: Scan, spaced: Scan;
  beforeAll(async () => {
    full = await scanHere(repo.top);
    staged = await scanHere(repo.top, "--changed");
    sinceMain = await scanHere(repo.top, "--changed=main");
    spaced = await scanHere(repo.top, "--changed", "main");
  });

  it("the full scan sees the changes (the test is meaningful)", () => {
    expect(full.status).toBe(1);
    expect(files(full.report)).toEqual(expect.arrayContaining(["scripts/count-bookings.ts", "scripts/purge-all.ts", "scripts/untracked-note.ts", "scripts/run-e2e.js", "scripts/sync-reference-data-dev-to-prod.ts"]));
  });

  it("--changed: the staged files and the scripts that import them, with the full scan's findings there", () => {
    // lib/prisma.ts is reached by lib/bookings.ts, hence by every script that imports it; the unstaged
    // cleanup-demo-data.ts, the untracked script and the untouched scripts (run-e2e.js,
    // sync-reference-data-dev-to-prod.ts: findings of their own) are not covered.
    const covered = ["lib/prisma.ts", "scripts/purge-all.ts", "scripts/count-bookings.ts", "scripts/reset-demo-bookings.ts"];
    expectAgreement(staged.report, full.report, covered);
    expect(files(staged.report)).toEqual(["lib/prisma.ts", "scripts/count-bookings.ts", "scripts/purge-all.ts", "scripts/reset-demo-bookings.ts"]);
    expect(staged.status).toBe(1);
  });

  it("--changed=main: committed since the merge base, staged, unstaged and untracked files, and the scripts that import them", () => {
    const covered = [
      "lib/bookings.ts",
      "lib/prisma.ts",
      "scripts/cleanup-demo-data.ts",
      "scripts/count-bookings.ts",
      "scripts/purge-all.ts",
      "scripts/reset-demo-bookings.ts",
      "scripts/untracked-note.ts",
    ];
    expectAgreement(sinceMain.report, full.report, covered, ["README.md"]);
    expect(files(sinceMain.report)).toEqual(["lib/prisma.ts", "scripts/cleanup-demo-data.ts", "scripts/count-bookings.ts", "scripts/purge-all.ts", "scripts/reset-demo-bookings.ts", "scripts/untracked-note.ts"]);
    expect(sinceMain.status).toBe(1);
  });

  it("--changed main (the ref as a separate argument) is the same as --changed=main", () => {
    expect(spaced.report).toEqual({ ...sinceMain.report, summary: { ...sinceMain.report.summary, durationMs: spaced.report.summary.durationMs } });
  });

  it("a merge base, not the tip of the ref: commits that main got after the branch point are not the branch's changes", async () => {
    const other = repoOf();
    other.git("checkout", "-q", "-b", "feature");
    other.write("scripts/purge-all.ts", PURGE_SCRIPT);
    other.git("add", "-A");
    other.git("commit", "-q", "-m", "feature");
    other.git("checkout", "-q", "main");
    other.append("scripts/run-e2e.js", "// a change on main after the branch point\n");
    other.git("commit", "-q", "-am", "main moves on");
    other.git("checkout", "-q", "feature");
    const result = await scanHere(other.top, "--changed=main");
    expectAgreement(result.report, (await scanHere(other.top)).report, ["scripts/purge-all.ts"]);
  });
});

describe("--changed: nothing staged, contract changes, deletions", () => {
  it("only unstaged changes: nothing to check, exit 0", async () => {
    const repo = repoOf();
    repo.append("scripts/cleanup-demo-data.ts", "// unstaged\n");
    const result = await scanHere(repo.top, "--changed");
    expect(result.report.findings).toEqual([]);
    expect(result.report.summary.files).toBe(0);
    expect(result.status).toBe(0);
  });

  it("a staged file with no findings that no script imports: that file alone, exit 0", async () => {
    const repo = repoOf();
    repo.append("lib/ci-enforcement.ts", "// staged\n");
    repo.git("add", "-A");
    const result = await scanHere(repo.top, "--changed");
    expectAgreement(result.report, (await scanHere(repo.top)).report, ["lib/ci-enforcement.ts"]);
    expect(result.status).toBe(0);
  });

  it("a staged change to the contract: a full scan", async () => {
    // Choice: a changed contract can change every file's findings (zones, allowlist, guards), so
    // --changed then scans everything, whole-repository checks included.
    const repo = repoOf();
    repo.write("production-contract.json", repo.git("show", "HEAD:production-contract.json").replace('"scripts/sync-services-v1.ts"', '"scripts/sync-services-v1.ts",\n    "scripts/count-bookings.ts"'));
    repo.git("add", "-A");
    const full = await scanHere(repo.top);
    const changed = await scanHere(repo.top, "--changed");
    expect(changed.report.findings).toEqual(full.report.findings);
    expect(changed.report.summary.files).toBe(full.report.summary.files);
    expect(changed.report.findings.some((f) => f.file === "scripts/count-bookings.ts" && f.ruleId === "production-safety/deprecated-script-exits")).toBe(true);
    expect(changed.status).toBe(1);
  });

  it("a staged deletion of the contract: a full scan with the defaults", async () => {
    const repo = repoOf();
    repo.git("rm", "-q", "production-contract.json");
    const full = await cliHere(repo.top, "--format", "json");
    const changed = await cliHere(repo.top, "--changed", "--format", "json");
    const report = (r: Run): JsonReport => JSON.parse(r.stdout) as JsonReport;
    expect(report(changed).findings).toEqual(report(full).findings);
    expect(report(changed).summary.files).toBe(report(full).summary.files);
    expect(report(changed).contract).toBeNull();
    expect(changed.status).toBe(1);
  });

  it("a staged change to a package.json: every script is checked again (resolution may have changed), the contract too", async () => {
    const repo = repoOf();
    repo.append("package.json", "\n");
    repo.git("add", "-A");
    const full = await scanHere(repo.top);
    const changed = await scanHere(repo.top, "--changed");
    const scripts = [
      "scripts/broken-migration-helper.ts",
      "scripts/cleanup-demo-data.ts",
      "scripts/count-bookings.ts",
      "scripts/deploy-db.js",
      "scripts/report-usage.ts",
      "scripts/reset-demo-bookings.ts",
      "scripts/run-e2e.js",
      "scripts/sync-dev-to-prod-services.ts",
      "scripts/sync-reference-data-dev-to-prod.ts",
      "scripts/sync-services-v1.ts",
    ];
    // package.json is itself a scanned source (its scripts are read for Prisma CLI writes and bypass names).
    expectAgreement(changed.report, full.report, ["package.json", ...scripts], ["production-contract.json"]);
    // Not covered: application code and libraries with findings of their own.
    expect(files(changed.report)).not.toContain("lib/prisma.ts");
    expect(files(changed.report)).not.toContain("app/api/admin/route.ts");
  });

  it("a staged deletion of an allowlisted script: the contract (no-stale-allowlist) and every script, never the deleted file", async () => {
    // Choice: a deleted module changes what its importers resolve, so every mutation-script candidate
    // is checked again; the contract is covered because it names the deleted file.
    const repo = repoOf();
    repo.git("rm", "-q", "scripts/deploy-db.js");
    const full = await scanHere(repo.top);
    const changed = await scanHere(repo.top, "--changed");
    const scripts = [
      "scripts/broken-migration-helper.ts",
      "scripts/cleanup-demo-data.ts",
      "scripts/count-bookings.ts",
      "scripts/report-usage.ts",
      "scripts/reset-demo-bookings.ts",
      "scripts/run-e2e.js",
      "scripts/sync-dev-to-prod-services.ts",
      "scripts/sync-reference-data-dev-to-prod.ts",
      "scripts/sync-services-v1.ts",
    ];
    expectAgreement(changed.report, full.report, scripts, ["production-contract.json"]);
    expect(changed.report.findings.filter((f) => f.ruleId === "production-safety/no-stale-allowlist").map((f) => f.file)).toEqual(["production-contract.json", "production-contract.json"]);
    expect(changed.status).toBe(1);
  });
});

describe("--changed with the scanned root in a subfolder of the work tree", () => {
  const repo = repoOf("apps/example");
  repo.append("apps/example/lib/prisma.ts", "// staged\n");
  repo.write("tools/outside.ts", `export const skip = process.env.SKIP_DB_CHECK;\n`);
  repo.git("add", "-A");
  const covered = ["lib/prisma.ts", "scripts/count-bookings.ts", "scripts/reset-demo-bookings.ts"];

  it("maps git's paths to the root and ignores changes outside it (run from the top)", async () => {
    const changed = await scanHere(repo.top, "apps/example", "--changed");
    expectAgreement(changed.report, (await scanHere(repo.top, "apps/example")).report, covered);
  });

  it("the same run from inside the subfolder", async () => {
    const changed = await scanHere(repo.at("apps/example"), "--changed");
    expectAgreement(changed.report, (await scanHere(repo.at("apps/example"))).report, covered);
  });
});

describe("--changed with --baseline: accepted findings of files the run did not check are never lost", () => {
  type Baseline = Record<string, Record<string, { count: number }>>;
  const BASELINE = "contract-scan-baseline.json";
  const readBaseline = (repo: GitRepo): Baseline => JSON.parse(readFileSync(repo.at(BASELINE), "utf8")) as Baseline;
  const accepted = (b: Baseline): number => Object.values(b).flatMap((byRule) => Object.values(byRule)).reduce((n, e) => n + e.count, 0);

  /** example-app with a committed baseline of every error finding of a full scan. */
  async function baselinedRepo(): Promise<{ repo: GitRepo; before: Baseline }> {
    const repo = repoOf();
    expect((await cliHere(repo.top, "--baseline", BASELINE, "--update-baseline")).status).toBe(0);
    repo.git("add", BASELINE);
    repo.git("commit", "-q", "-m", "baseline");
    return { repo, before: readBaseline(repo) };
  }

  it("Choice: --changed --update-baseline touching one file rewrites that file's entries and keeps every other one", async () => {
    const { repo, before } = await baselinedRepo();
    // The test is meaningful: the baseline accepts findings in many files (31 errors in 16 files today).
    expect(accepted(before)).toBeGreaterThanOrEqual(19);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    // One staged file gains a finding; no script imports it.
    repo.append("app/api/admin/route.ts", `export const skip = process.env.SKIP_ADMIN_CHECK;\n`);
    repo.git("add", "app/api/admin/route.ts");
    const update = await cliHere(repo.top, "--changed", "--baseline", BASELINE, "--update-baseline", "--format", "json");
    expect(update.status).toBe(0);
    expect(update.stderr).toMatch(/the entries of \d+ files this run did not check are kept as they were/);
    const after = readBaseline(repo);
    const bypass = "production-safety/no-bypass-env";
    expect(after).toEqual({ ...before, "app/api/admin/route.ts": { ...before["app/api/admin/route.ts"], [bypass]: { count: (before["app/api/admin/route.ts"]?.[bypass]?.count ?? 0) + 1 } } });
    // A full run against it: every finding accepted, nothing stale.
    const full = await cliHere(repo.top, "--baseline", BASELINE, "--format", "json");
    expect(full.stderr).toBe("");
    expect(full.status).toBe(0);
    expect((JSON.parse(full.stdout) as JsonReport & { baseline: { stale: number } }).baseline.stale).toBe(0);
  });

  it("--changed counts stale entries only in the files it covered", async () => {
    const { repo } = await baselinedRepo();
    repo.append("lib/ci-enforcement.ts", "// staged\n");
    repo.git("add", "-A");
    const run = await cliHere(repo.top, "--changed", "--baseline", BASELINE, "--format", "json");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { baseline: { stale: number } }).baseline.stale).toBe(0);
  });

  it("a staged deletion is covered: its entries are stale, and --update-baseline drops them and keeps the rest", async () => {
    const { repo, before } = await baselinedRepo();
    expect(before["scripts/run-e2e.js"]).toBeDefined();
    repo.git("rm", "-q", "scripts/run-e2e.js");
    const run = await cliHere(repo.top, "--changed", "--baseline", BASELINE, "--format", "json");
    const stale = (JSON.parse(run.stdout) as { baseline: { staleEntries: { file: string }[] } }).baseline.staleEntries;
    expect(new Set(stale.map((e) => e.file))).toEqual(new Set(["scripts/run-e2e.js"]));
    expect((await cliHere(repo.top, "--changed", "--baseline", BASELINE, "--update-baseline")).status).toBe(0);
    expect(readBaseline(repo)).toEqual(Object.fromEntries(Object.entries(before).filter(([file]) => file !== "scripts/run-e2e.js")));
  });
});

describe("--changed usage errors (exit 2, nothing scanned)", () => {
  const expectUsage = (run: Run, pattern: RegExp): void => {
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(pattern);
    expect(run.status).toBe(2);
  };

  it("not a git repository", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "contract-scan-nogit-"));
    made.push(dir);
    cpSync(EXAMPLE, dir, { recursive: true });
    expectUsage(await cliHere(dir, "--changed"), /--changed needs a git repository/);
  });

  it("an unknown ref, and a ref with no merge base", async () => {
    const repo = repoOf();
    expectUsage(await cliHere(repo.top, "--changed=no-such-branch"), /unknown git ref "no-such-branch"/);
    repo.git("checkout", "-q", "--orphan", "unrelated");
    repo.git("commit", "-q", "-m", "unrelated history");
    expectUsage(await cliHere(repo.top, "--changed=main"), /no merge base/);
  });

  it("a directory given after a bare --changed is read as the ref: the message says so", async () => {
    const repo = repoOf();
    expectUsage(await cliHere(repo.top, "--changed", "scripts"), /it is a path/);
  });

  it("git not installed", async () => {
    const repo = repoOf();
    const saved = process.env.PATH;
    process.env.PATH = path.join(repo.top, "no-bin");
    try {
      expectUsage(await cliHere(repo.top, "--changed"), /git is not installed/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
