/**
 * The README's adoption recipes, tried for real in temporary git repositories (issue 7 item 7). Each test
 * reads its recipe from README.md (so the test breaks when the README drifts) and runs it as a user's
 * machine or GitHub Actions would, with this package "installed" in the repository: `node_modules/`
 * holds symlinks to this checkout (built `bin/contract-scan.js`) and to this project's husky and
 * lint-staged, and the real `npx` (offline) resolves them, as after `npm install`.
 *
 * - GitHub Actions: the workflow's structure is checked (triggers, permissions, checkout with
 *   `fetch-depth: 0`, upload-sarif with `if: always()` reading the file the scan writes), then its `run:`
 *   steps run in bash as the runner runs them (`if:` conditions, `$GITHUB_ENV`, `$GITHUB_STEP_SUMMARY`),
 *   for a pull request (branch `feature` against `origin/main`) and a push. The `uses:` steps need GitHub
 *   and are not run; `npm ci` is replaced by the symlinks.
 * - husky, husky + lint-staged: the real `husky init`, the README's hook and lint-staged config, real
 *   `git commit`s.
 * - the pre-commit framework (Python, not installable here): `.pre-commit-hooks.yaml` is checked and its
 *   `entry` run as pre-commit runs it (repository root, no file names).
 * - adopting (issue 11 item 5): the README's "Adopting it" block (`init`, the reasons a person writes,
 *   the preview, `--update-baseline`) in a copy of the example without its contract, then the husky hook,
 *   the pre-commit framework's entry and the GitHub Actions job: the first commit (contract, baseline and
 *   hook together) is accepted, a new violation is refused.
 * The ESLint-only recipe (editors) is run by tests/e2e/eslint-plugin.test.ts, from the README's snippet.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Log } from "sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseShell } from "../../src/analysis/shell.js";
import { sarifSchemaErrors } from "../sarif-schema.js";
import { copyGitRepo, GIT_ENV, type GitRepo, makeGitRepo } from "./git-repo.js";
import { PACKAGE_ROOT, requireBuild } from "./helpers.js";
import { readmeCodeBlocks } from "./readme.js";

const EXAMPLE = path.join(PACKAGE_ROOT, "fixtures/example-app");

/** A new mutation script that reads a bypass variable: one `no-bypass-env` finding at 1:14. */
const VIOLATION = { file: "scripts/export-usage.ts", text: "const skip = process.env.SKIP_DB_CHECK;\nconsole.log(skip);\n" };
/** A new module without findings. */
const CLEAN = { file: "lib/format-date.ts", text: "export const formatDate = (d: Date): string => d.toISOString().slice(0, 10);\n" };

/** The words of a one-command line, as the project's shell parser reads them. */
function shellWords(line: string): string[] {
  const parsed = parseShell(line);
  if ("error" in parsed) throw new Error(`not shell: ${line}`);
  return parsed.items.flatMap((item) => (item.kind === "command" ? item.words.map((w) => w.text) : []));
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
beforeAll(() => requireBuild());

/**
 * A temporary git repository holding fixtures/example-app on `main`, with this package, husky and
 * lint-staged "installed" (symlinks in an ignored `node_modules/`).
 */
function projectRepo(): GitRepo {
  // The changes below add new files; replacing a file of the example would be another kind of change.
  for (const change of [VIOLATION, CLEAN]) expect(existsSync(path.join(EXAMPLE, change.file))).toBe(false);
  const repo = makeGitRepo(EXAMPLE);
  made.push(repo.top);
  const modules = repo.at("node_modules");
  mkdirSync(path.join(modules, ".bin"), { recursive: true });
  symlinkSync(PACKAGE_ROOT, path.join(modules, "eslint-plugin-production-safety"));
  symlinkSync(path.join(PACKAGE_ROOT, "node_modules/husky"), path.join(modules, "husky"));
  symlinkSync(path.join(PACKAGE_ROOT, "node_modules/lint-staged"), path.join(modules, "lint-staged"));
  symlinkSync("../eslint-plugin-production-safety/bin/contract-scan.js", path.join(modules, ".bin/contract-scan"));
  symlinkSync("../husky/bin.js", path.join(modules, ".bin/husky"));
  symlinkSync("../lint-staged/bin/lint-staged.js", path.join(modules, ".bin/lint-staged"));
  repo.write(".gitignore", "node_modules/\n");
  repo.git("add", ".gitignore");
  repo.git("commit", "-q", "-m", "ignore node_modules");
  return repo;
}

/**
 * The environment of a developer's shell: git identity, npm offline, no colors, not CI, and none of the
 * `npm_*` variables `npm test` sets (they would point npx at this package instead of the repository).
 */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(GIT_ENV).filter(([name]) => !/^npm_/i.test(name))),
    FORCE_COLOR: "0",
    NO_COLOR: "1",
    npm_config_offline: "true",
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    ...extra,
  };
  if (!("CI" in extra)) delete env.CI;
  return env;
}

interface Run {
  status: number | null;
  output: string;
}

/** Runs `command args` in `cwd`; `output` is stdout and stderr together. */
function exec(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The lines of a README `sh` block that a user types, without comments and blank lines. */
function commands(block: string): string[] {
  return block.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
}

/** Stages `change` and runs `git commit` (hooks on); returns the run and whether HEAD moved. */
function commit(repo: GitRepo, change: { file: string; text: string }, env: NodeJS.ProcessEnv): Run & { committed: boolean } {
  repo.write(change.file, change.text);
  repo.git("add", change.file);
  const before = repo.git("rev-parse", "HEAD");
  const run = exec("git", ["commit", "-m", `add ${change.file}`], repo.top, env);
  return { ...run, committed: repo.git("rev-parse", "HEAD") !== before };
}

/** The finding the VIOLATION change must produce, as the text report prints it. */
const VIOLATION_LINE = /scripts\/export-usage\.ts:1:14\s+error\s+Environment variable "SKIP_DB_CHECK".*production-safety\/no-bypass-env/;

// ---------------------------------------------------------------------------------------------------

interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { "runs-on": string; steps: WorkflowStep[] }>;
}

const workflowBlocks = readmeCodeBlocks("GitHub Actions", "yaml");

/** The README's workflow, parsed. */
function readmeWorkflow(): { workflow: Workflow; steps: WorkflowStep[] } {
  expect(workflowBlocks).toHaveLength(1);
  const workflow = parseYaml(workflowBlocks[0]!) as Workflow;
  const jobs = Object.values(workflow.jobs);
  expect(jobs).toHaveLength(1);
  return { workflow, steps: jobs[0]!.steps };
}

/** What a simulated workflow run saw. */
interface ActionsRun {
  /** The `run:` steps, with whether they ran and their exit codes. */
  steps: { name: string; ran: boolean; status: number | null; output: string }[];
  failed: boolean;
  summary: string;
}

/**
 * Evaluates the step `if:` forms the README's workflow uses (GitHub's "Expressions" docs): none (means
 * `success()`), `always()`, `github.event_name == '…'` / `!= '…'` (which imply `success()`). Any other
 * form fails the test, so a README change that this runner does not understand cannot pass unnoticed.
 */
function condition(expression: string | undefined, event: string, failed: boolean): boolean {
  if (expression === undefined) return !failed;
  const text = expression.trim().replace(/^\$\{\{\s*(.*?)\s*\}\}$/, "$1");
  if (text === "always()") return true;
  const match = /^github\.event_name\s*(==|!=)\s*'([a-z_]+)'$/.exec(text);
  if (!match) throw new Error(`the test's workflow runner does not know the condition: ${expression}`);
  return !failed && (event === match[2]) === (match[1] === "==");
}

/**
 * Runs the workflow's `run:` steps in `repo` as the Actions runner does: `bash --noprofile --norc -eo
 * pipefail`, `${{ github.* }}` expressions expanded, `$GITHUB_ENV` lines exported to later steps,
 * `$GITHUB_STEP_SUMMARY` a file, `CI=true`. `npm ci` is skipped (the package is installed already).
 */
function runWorkflow(
  repo: GitRepo,
  steps: WorkflowStep[],
  event: "pull_request" | "push",
  extra: { context?: Record<string, string>; uses?: (step: WorkflowStep) => void } = {},
): ActionsRun {
  const runner = mkdtempSync(path.join(os.tmpdir(), "contract-scan-runner-"));
  made.push(runner);
  const githubEnv = path.join(runner, "github_env");
  const summaryFile = path.join(runner, "step_summary");
  writeFileSync(githubEnv, "");
  writeFileSync(summaryFile, "");
  const context: Record<string, string> = {
    "github.event_name": event,
    "github.base_ref": event === "pull_request" ? "main" : "",
    ...extra.context,
  };
  const exported: Record<string, string> = {};
  const result: ActionsRun = { steps: [], failed: false, summary: "" };
  for (const step of steps) {
    if (step.uses !== undefined && !result.failed) extra.uses?.(step);
    if (step.run === undefined || step.run.trim() === "npm ci") continue;
    const name = step.name ?? step.run;
    if (!condition(step.if, event, result.failed)) {
      result.steps.push({ name, ran: false, status: null, output: "" });
      continue;
    }
    const script = step.run.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => {
      if (!(key in context)) throw new Error(`the test's workflow runner does not know ${whole}`);
      return context[key]!;
    });
    const env = userEnv({
      ...exported,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: event,
      GITHUB_BASE_REF: context["github.base_ref"],
      GITHUB_WORKSPACE: repo.top,
      GITHUB_SHA: repo.git("rev-parse", "HEAD").trim(),
      GITHUB_REPOSITORY: "acme/app",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_ENV: githubEnv,
      GITHUB_STEP_SUMMARY: summaryFile,
    });
    const run = exec("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], repo.top, env);
    result.steps.push({ name, ran: true, status: run.status, output: run.output });
    if (run.status !== 0) result.failed = true;
    for (const line of readFileSync(githubEnv, "utf8").split("\n").filter(Boolean)) {
      const eq = line.indexOf("=");
      if (eq < 1 || line.includes("<<")) throw new Error(`the test's workflow runner reads only NAME=value lines in $GITHUB_ENV: ${line}`);
      exported[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  result.summary = readFileSync(summaryFile, "utf8");
  return result;
}

/** The `--output` file of the workflow's `contract-scan --format sarif` step. */
function sarifOutput(steps: WorkflowStep[]): string {
  const scan = steps.filter((s) => s.run?.includes("contract-scan") && s.run.includes("--format sarif"));
  expect(scan).toHaveLength(1);
  const words = shellWords(scan[0]!.run!);
  const output = words[words.indexOf("--output") + 1];
  expect(output).toBeTruthy();
  return output!;
}

/**
 * A pull request: `change` committed on a `feature` branch off `main`, and `main` as `origin/main` (what
 * actions/checkout with fetch-depth: 0 leaves for a pull request).
 */
function pullRequest(repo: GitRepo, change: { file: string; text: string }): void {
  repo.git("checkout", "-q", "-b", "feature");
  repo.write(change.file, change.text);
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "feature");
  repo.git("update-ref", "refs/remotes/origin/main", "main");
}

/** `file:line:column rule` of every SARIF result. */
function sarifFindings(log: Log): string[] {
  return log.runs.flatMap((r) =>
    (r.results ?? []).map((res) => {
      const location = res.locations?.[0]?.physicalLocation;
      return `${location?.artifactLocation?.uri}:${location?.region?.startLine}:${location?.region?.startColumn} ${res.ruleId}`;
    }),
  ).sort();
}

describe("README recipe: GitHub Actions", () => {
  it("the workflow has what code scanning and --changed need", () => {
    const { workflow, steps } = readmeWorkflow();
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
    // upload-sarif needs security-events: write, and actions: read in private repositories (GitHub docs,
    // "Uploading a SARIF file to GitHub"); checkout needs contents: read.
    expect(workflow.permissions).toEqual({ contents: "read", "security-events": "write", actions: "read" });
    const uses = steps.filter((s) => s.uses).map((s) => s.uses!.replace(/@.*/, ""));
    expect(uses).toEqual(["actions/checkout", "actions/setup-node", "github/codeql-action/upload-sarif"]);
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with?.["fetch-depth"]).toBe(0);
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(upload.uses).toBe("github/codeql-action/upload-sarif@v4");
    expect(upload.if).toBe("always()");
    expect(upload.with?.sarif_file).toBe(sarifOutput(steps));
    // npm ci comes before any step that runs contract-scan.
    const install = steps.findIndex((s) => s.run === "npm ci");
    expect(install).toBeGreaterThan(-1);
    expect(steps.findIndex((s) => s.run?.includes("contract-scan"))).toBeGreaterThan(install);
    // The summary is written whatever the scan found.
    const summary = steps.find((s) => s.run?.includes("$GITHUB_STEP_SUMMARY"))!;
    expect(summary.if).toBe("always()");
    expect(summary.run).toContain("--format markdown");
  });

  it("pull request with a new violation: the job fails, SARIF and summary hold the branch's finding only", () => {
    const { steps } = readmeWorkflow();
    const repo = projectRepo();
    pullRequest(repo, VIOLATION);

    const run = runWorkflow(repo, steps, "pull_request");
    expect(run.steps.map((s) => [s.name, s.ran, s.status])).toEqual([
      ["scan only the pull request's changes", true, 0],
      ["contract-scan", true, 1],
      ["summary", true, 1],
    ]);
    expect(run.failed).toBe(true);
    const log = JSON.parse(readFileSync(repo.at(sarifOutput(steps)), "utf8")) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(sarifFindings(log)).toEqual(["scripts/export-usage.ts:1:14 production-safety/no-bypass-env"]);
    expect(run.summary).toContain("production-safety/no-bypass-env");
    expect(run.summary).toContain("scripts/export-usage.ts");
    expect(run.summary).not.toContain("scripts/cleanup"); // findings of main's files are not the branch's
  });

  it("pull request without findings: the job passes, an empty SARIF log is uploaded", () => {
    const { steps } = readmeWorkflow();
    const repo = projectRepo();
    pullRequest(repo, CLEAN);

    const run = runWorkflow(repo, steps, "pull_request");
    expect(run.steps.map((s) => s.status)).toEqual([0, 0, 0]);
    const log = JSON.parse(readFileSync(repo.at(sarifOutput(steps)), "utf8")) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(sarifFindings(log)).toEqual([]);
    expect(run.summary.trim()).not.toBe("");
  });

  it("push: a full scan; SARIF holds every finding of the example's golden report", () => {
    const { steps } = readmeWorkflow();
    const repo = projectRepo();

    const run = runWorkflow(repo, steps, "push");
    expect(run.steps.map((s) => [s.name, s.ran, s.status])).toEqual([
      ["scan only the pull request's changes", false, null],
      ["contract-scan", true, 1],
      ["summary", true, 1],
    ]);
    const log = JSON.parse(readFileSync(repo.at(sarifOutput(steps)), "utf8")) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const golden = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "tests/e2e/example-app.expected.json"), "utf8")) as {
      findings: { ruleId: string; file: string; line: number; column: number }[];
    };
    expect(sarifFindings(log)).toEqual(golden.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`).sort());
    for (const rule of new Set(golden.findings.map((f) => f.ruleId))) expect(run.summary).toContain(rule);
  });
});

// ---------------------------------------------------------------------------------------------------

interface MatrixWorkflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { "runs-on": string; needs?: string; strategy?: { matrix: Record<string, unknown[]> }; steps: WorkflowStep[] }>;
}

const shardBlocks = readmeCodeBlocks("GitHub Actions: a matrix of shards", "yaml");

describe("README recipe: GitHub Actions, a matrix of shards", () => {
  function readmeShardWorkflow(): MatrixWorkflow {
    expect(shardBlocks).toHaveLength(1);
    return parseYaml(shardBlocks[0]!) as MatrixWorkflow;
  }

  it("shard jobs upload their reports; the merge job downloads every one and uploads the SARIF log", () => {
    const workflow = readmeShardWorkflow();
    expect(workflow.permissions).toEqual({ contents: "read", "security-events": "write", actions: "read" });
    const { shard, merge } = workflow.jobs;
    expect(Object.keys(workflow.jobs)).toEqual(["shard", "merge"]);
    expect(merge!.needs).toBe("shard");
    expect(shard!.strategy!.matrix.shard).toEqual([1, 2, 3, 4]);
    const uses = (steps: WorkflowStep[]): string[] => steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses(shard!.steps)).toEqual(["actions/checkout@v6", "actions/setup-node@v6", "actions/upload-artifact@v6"]);
    expect(uses(merge!.steps)).toEqual(["actions/checkout@v6", "actions/setup-node@v6", "actions/download-artifact@v6", "github/codeql-action/upload-sarif@v4"]);
    // Every shard's report is uploaded under its own name, and the download takes them all into one folder.
    const upload = shard!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    const scan = shard!.steps.find((s) => s.run?.includes("--shard"))!;
    expect(scan.run).toContain(`--output ${String(upload.with?.path)}`);
    expect(String(upload.with?.name)).toContain("${{ matrix.shard }}");
    const download = merge!.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
    expect(download.with?.["merge-multiple"]).toBe(true);
    expect(String(upload.with?.name)).toMatch(new RegExp(`^${String(download.with?.pattern).replace("*", ".*")}$`));
    const sarifUpload = merge!.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(sarifUpload.if).toBe("always()");
    expect(sarifUpload.with?.sarif_file).toBe(sarifOutput(merge!.steps));
  });

  it("push: the matrix and the merge job give the full scan's findings in SARIF and the summary", () => {
    const workflow = readmeShardWorkflow();
    const repo = projectRepo();
    const { shard, merge } = workflow.jobs;
    const artifacts = mkdtempSync(path.join(os.tmpdir(), "contract-scan-artifacts-"));
    made.push(artifacts);
    const values = shard!.strategy!.matrix.shard!.map(String);
    for (const value of values) {
      const context = { "matrix.shard": value, "strategy.job-total": String(values.length) };
      const expand = (text: string): string => text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => context[key as keyof typeof context]);
      const run = runWorkflow(repo, shard!.steps, "push", {
        context,
        // actions/upload-artifact: the file, kept under the artifact's name.
        uses: (step) => {
          if (!step.uses!.startsWith("actions/upload-artifact@")) return;
          const name = expand(String(step.with?.name));
          mkdirSync(path.join(artifacts, name));
          cpSync(repo.at(expand(String(step.with?.path))), path.join(artifacts, name, path.basename(expand(String(step.with?.path)))));
        },
      });
      expect(run.steps.map((s) => [s.name, s.status])).toEqual([["contract-scan shard", 0]]);
    }
    const run = runWorkflow(repo, merge!.steps, "push", {
      // actions/download-artifact with a pattern and merge-multiple: every matching artifact's files in one folder.
      uses: (step) => {
        if (!step.uses!.startsWith("actions/download-artifact@")) return;
        const pattern = new RegExp(`^${String(step.with?.pattern).replace("*", ".*")}$`);
        const into = repo.at(String(step.with?.path));
        mkdirSync(into, { recursive: true });
        for (const name of readdirSync(artifacts).filter((n) => pattern.test(n))) cpSync(path.join(artifacts, name), into, { recursive: true });
      },
    });
    expect(run.steps.map((s) => [s.name, s.ran, s.status])).toEqual([
      ["merge", true, 1],
      ["summary", true, 1],
    ]);
    const log = JSON.parse(readFileSync(repo.at(sarifOutput(merge!.steps)), "utf8")) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const golden = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "tests/e2e/example-app.expected.json"), "utf8")) as {
      findings: { ruleId: string; file: string; line: number; column: number }[];
    };
    expect(sarifFindings(log)).toEqual(golden.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`).sort());
    for (const rule of new Set(golden.findings.map((f) => f.ruleId))) expect(run.summary).toContain(rule);
    // Six runs of the CLI (four shards, two merges): about 15 s on an idle 2-core machine.
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------------

const hookBlocks = readmeCodeBlocks("pre-commit: husky and lint-staged", "sh");
const lintStagedBlocks = readmeCodeBlocks("pre-commit: husky and lint-staged", "js");

/** Runs the README's husky setup (its first `sh` block; the `npm install` line is done by projectRepo). */
function huskySetup(repo: GitRepo): void {
  const lines = commands(hookBlocks[0]!);
  expect(lines[0]).toMatch(/^npm install --save-dev husky eslint-plugin-production-safety$/);
  for (const line of lines.slice(1)) {
    const run = exec("sh", ["-ec", line], repo.top, userEnv());
    expect(run.status, `${line}\n${run.output}`).toBe(0);
  }
  expect(repo.git("config", "core.hooksPath").trim()).toBe(".husky/_");
}

/** Commits the hook setup without running the hook (the example repository has findings of its own). */
function commitSetup(repo: GitRepo): void {
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "hooks");
}

describe("README recipe: husky", () => {
  it("the pre-commit hook refuses a commit that stages a violation and lets a clean one through", () => {
    const repo = projectRepo();
    huskySetup(repo);
    expect(readFileSync(repo.at(".husky/pre-commit"), "utf8")).toBe("npx contract-scan --changed\n");
    commitSetup(repo);

    const refused = commit(repo, VIOLATION, userEnv());
    expect(refused.output).toMatch(VIOLATION_LINE);
    expect(refused.output).toContain("husky - pre-commit script failed (code 1)");
    expect(refused.status).toBe(1);
    expect(refused.committed).toBe(false);

    repo.git("rm", "-q", "--cached", VIOLATION.file);
    rmSync(repo.at(VIOLATION.file));
    const passed = commit(repo, CLEAN, userEnv());
    expect(passed.output).not.toContain("error");
    expect(passed.status).toBe(0);
    expect(passed.committed).toBe(true);
  });
});

describe("README recipe: husky + lint-staged", () => {
  // Choice: lint-staged runs for real (a devDependency: lint-staged 16, the last major that supports
  // Node 20; 17 needs Node 22.22), so the README's claim that it hides unstaged changes is tested too.
  it("runs contract-scan once per commit on the staged content", () => {
    expect(lintStagedBlocks).toHaveLength(1);
    expect(hookBlocks).toHaveLength(2);
    const configName = /^\/\/ (\S+)\n/.exec(lintStagedBlocks[0]!)?.[1];
    expect(configName).toBe("lint-staged.config.mjs");
    const hookName = /^# (\S+)\n/.exec(hookBlocks[1]!)?.[1];
    expect(hookName).toBe(".husky/pre-commit");

    const repo = projectRepo();
    huskySetup(repo);
    repo.write(configName!, lintStagedBlocks[0]!);
    repo.write(hookName!, hookBlocks[1]!);
    commitSetup(repo);

    const refused = commit(repo, VIOLATION, userEnv());
    expect(refused.output).toMatch(VIOLATION_LINE);
    expect(refused.output).toContain("contract-scan --changed [FAILED]");
    expect(refused.committed).toBe(false);
    expect(refused.status).toBe(1);
    // lint-staged put back the staged violation as it was.
    expect(repo.git("diff", "--cached", "--name-only").trim()).toBe(VIOLATION.file);

    // The clean version staged, the violation left unstaged in the same file: lint-staged hides the
    // unstaged change while the hook runs, so the commit passes, and restores it afterwards.
    repo.write(VIOLATION.file, "console.log(1);\n");
    repo.git("add", VIOLATION.file);
    repo.write(VIOLATION.file, VIOLATION.text);
    const before = repo.git("rev-parse", "HEAD");
    const passed = exec("git", ["commit", "-m", "clean"], repo.top, userEnv());
    expect(passed.output).not.toMatch(VIOLATION_LINE);
    expect(passed.status).toBe(0);
    expect(repo.git("rev-parse", "HEAD")).not.toBe(before);
    expect(repo.git("show", `HEAD:${VIOLATION.file}`)).toBe("console.log(1);\n");
    expect(readFileSync(repo.at(VIOLATION.file), "utf8")).toBe(VIOLATION.text);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("README recipe: the pre-commit framework (.pre-commit-hooks.yaml)", () => {
  // The pre-commit tool itself (Python, from PyPI) cannot be installed where these tests run, so the hook
  // is checked and then run as pre-commit runs it: `entry` split like a shell line plus `args`, in the
  // repository root, no file names (pass_filenames: false), with the package's bin on PATH.
  const hooks = parseYaml(readFileSync(path.join(PACKAGE_ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Record<string, unknown>[];
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { bin: Record<string, string>; scripts: Record<string, string> };

  it("declares a node hook on a bin this package exposes, once per commit", () => {
    expect(hooks).toEqual([
      expect.objectContaining({ id: "contract-scan", entry: "contract-scan --changed", language: "node", pass_filenames: false }),
    ]);
    expect(Object.keys(pkg.bin)).toContain("contract-scan");
    // pre-commit installs a node hook from the repository with `npm pack`, which must build dist/.
    expect(pkg.scripts.prepack).toBe("npm run build");
    // The README's .pre-commit-config.yaml refers to that hook id.
    const config = parseYaml(readmeCodeBlocks("pre-commit: the pre-commit framework", "yaml")[0]!) as {
      repos: { hooks: { id: string }[] }[];
    };
    expect(config.repos[0]!.hooks.map((h) => h.id)).toEqual(["contract-scan"]);
  });

  it("its entry, run as pre-commit runs it, fails on a staged violation and passes a clean change", () => {
    const hook = hooks[0]!;
    const [bin, ...entryArgs] = shellWords(hook.entry as string);
    const args = [...entryArgs, ...((hook.args as string[] | undefined) ?? [])];
    const repo = projectRepo();
    // pre-commit puts the installed package's bins on PATH.
    const env = userEnv({ PATH: `${repo.at("node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}` });
    expect(existsSync(repo.at(`node_modules/.bin/${bin}`))).toBe(true);

    repo.write(VIOLATION.file, VIOLATION.text);
    repo.git("add", VIOLATION.file);
    const failed = exec(bin!, args, repo.top, env);
    expect(failed.output).toMatch(VIOLATION_LINE);
    expect(failed.status).toBe(1);

    repo.git("rm", "-q", "--cached", VIOLATION.file);
    rmSync(repo.at(VIOLATION.file));
    repo.write(CLEAN.file, CLEAN.text);
    repo.git("add", CLEAN.file);
    const passed = exec(bin!, args, repo.top, env);
    expect(passed.status).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------

const adoptionBlocks = readmeCodeBlocks("Adopting it: from `init` to the first commit", "sh");

/** What a person does with the draft: a real reason instead of each "reason": "TODO". */
function writeReasons(repo: GitRepo): void {
  const contract = JSON.parse(readFileSync(repo.at("production-contract.json"), "utf8")) as { bypass?: { allow: { name: string; reason: string }[] } };
  expect(contract.bypass?.allow.length).toBeGreaterThan(0);
  for (const entry of contract.bypass?.allow ?? []) {
    expect(entry.reason).toBe("TODO");
    entry.reason = `reviewed: ${entry.name} stays for now`;
  }
  repo.write("production-contract.json", `${JSON.stringify(contract, null, 2)}\n`);
}

let adopted: GitRepo | undefined;
/**
 * The example repository as a team has it before adopting (committed, no contract), after the README's
 * adoption block: `init`, the reasons written where its comment says, the preview, the baseline. Built
 * once; each test gets a copy.
 */
function adoptedRepo(): GitRepo {
  if (adopted === undefined) {
    const repo = projectRepo();
    repo.git("rm", "-q", "production-contract.json");
    repo.git("commit", "-q", "-m", "before adopting the contract");
    expect(adoptionBlocks).toHaveLength(1);
    const steps: [string, number | null][] = [];
    for (const line of adoptionBlocks[0]!.split("\n").filter((l) => l.trim() !== "")) {
      if (line.startsWith("#")) {
        // The person's step between init and the preview.
        expect(line).toContain('"reason": "TODO"');
        writeReasons(repo);
        continue;
      }
      const run = exec("sh", ["-ec", line], repo.top, userEnv());
      steps.push([line.replace(/\s+#.*$/, ""), run.status]);
    }
    // init writes the draft; the preview has findings (the example's violations); the baseline accepts them.
    expect(steps).toEqual([
      ["npx contract-scan init", 0],
      ["npx contract-scan", 1],
      ["npx contract-scan --update-baseline", 0],
    ]);
    expect(existsSync(repo.at("contract-scan-baseline.json"))).toBe(true);
    made.push(repo.top);
    adopted = repo;
  }
  const copy = copyGitRepo(adopted);
  made.push(copy.top);
  return copy;
}

// Each adoption test runs init, a preview, --update-baseline and several real hook or job runs (a Node
// start and a full scan each): more than the default minute on a busy 2-core machine.
describe("README recipe: adopting (init, baseline, then a hook or the CI job)", { timeout: 300_000 }, () => {
  it("husky: the first commit after init + baseline is accepted, a new violation is refused", () => {
    const repo = adoptedRepo();
    huskySetup(repo);
    // Without the baseline, the first commit is refused: the changed contract makes the hook scan everything.
    rmSync(repo.at("contract-scan-baseline.json"), { force: false });
    const baseline = readFileSync(path.join(adopted!.top, "contract-scan-baseline.json"), "utf8");
    repo.git("add", "-A");
    const without = exec("git", ["commit", "-m", "adopt the production contract"], repo.top, userEnv());
    expect(without.status).toBe(1);
    expect(without.output).toContain("husky - pre-commit script failed (code 1)");

    repo.write("contract-scan-baseline.json", baseline);
    repo.git("add", "-A");
    const before = repo.git("rev-parse", "HEAD");
    const first = exec("git", ["commit", "-m", "adopt the production contract"], repo.top, userEnv());
    expect(first.output).not.toMatch(/\berror\b/);
    expect(first.status).toBe(0);
    expect(repo.git("rev-parse", "HEAD")).not.toBe(before);
    expect(repo.git("show", "--name-only", "--format=", "HEAD").split("\n")).toEqual(expect.arrayContaining(["production-contract.json", "contract-scan-baseline.json", ".husky/pre-commit"]));

    const refused = commit(repo, VIOLATION, userEnv());
    expect(refused.output).toMatch(VIOLATION_LINE);
    expect(refused.status).toBe(1);
    expect(refused.committed).toBe(false);
  });

  it("the pre-commit framework's entry: passes on the adoption commit, fails on a new violation", () => {
    const hook = (parseYaml(readFileSync(path.join(PACKAGE_ROOT, ".pre-commit-hooks.yaml"), "utf8")) as { entry: string }[])[0]!;
    const [bin, ...args] = shellWords(hook.entry);
    const repo = adoptedRepo();
    const env = userEnv({ PATH: `${repo.at("node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}` });
    repo.git("add", "-A");
    expect(exec(bin!, args, repo.top, env).status).toBe(0);
    repo.git("commit", "-q", "--no-verify", "-m", "adopt the production contract");
    repo.write(VIOLATION.file, VIOLATION.text);
    repo.git("add", VIOLATION.file);
    const failed = exec(bin!, args, repo.top, env);
    expect(failed.output).toMatch(VIOLATION_LINE);
    expect(failed.status).toBe(1);
  });

  it("GitHub Actions: the push of the adoption commit passes; a pull request with a new violation fails", () => {
    const { steps } = readmeWorkflow();
    const repo = adoptedRepo();
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "adopt the production contract");
    const push = runWorkflow(repo, steps, "push");
    expect(push.steps.map((s) => [s.name, s.ran, s.status])).toEqual([
      ["scan only the pull request's changes", false, null],
      ["contract-scan", true, 0],
      ["summary", true, 0],
    ]);
    expect(sarifFindings(JSON.parse(readFileSync(repo.at(sarifOutput(steps)), "utf8")) as Log)).toEqual([]);

    pullRequest(repo, VIOLATION);
    const pr = runWorkflow(repo, steps, "pull_request");
    expect(pr.steps.map((s) => s.status)).toEqual([0, 1, 1]);
    expect(sarifFindings(JSON.parse(readFileSync(repo.at(sarifOutput(steps)), "utf8")) as Log)).toEqual(["scripts/export-usage.ts:1:14 production-safety/no-bypass-env"]);
  });
});
