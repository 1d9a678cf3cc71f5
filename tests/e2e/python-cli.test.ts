/**
 * End to end, Python findings through the rest of the CLI (issue 15 item 5), in this process (`cliHere`):
 * the reporters (SARIF, GitHub, Markdown) and the baseline take them unchanged, `--changed` re-checks a
 * changed Python file, and `contract-scan init` drafts Python mutation scripts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { draftContract } from "../../src/init.js";
import { sarifSchemaErrors } from "../sarif-schema.js";
import { cliHere, type JsonReport, PACKAGE_ROOT } from "./helpers.js";
import { type GitRepo, makeGitRepo } from "./git-repo.js";

const APP = path.join(PACKAGE_ROOT, "fixtures/python-app");

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ps-python-cli-"));
  made.push(dir);
  return dir;
}

async function json(cwd: string, ...args: string[]): Promise<JsonReport> {
  const run = await cliHere(cwd, ...args, "--format", "json");
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as JsonReport;
}

describe("Python findings in every report format and the baseline", () => {
  it("SARIF (valid against the schema), GitHub annotations and Markdown show each Python finding at its place", async () => {
    const report = await json(PACKAGE_ROOT, APP);
    const python = report.findings.filter((f) => f.file.endsWith(".py"));
    expect(python.length).toBeGreaterThan(10);

    const sarif = JSON.parse((await cliHere(PACKAGE_ROOT, APP, "--format", "sarif")).stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    const places = sarif.runs[0]!.results.map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}:${r.locations[0]!.physicalLocation.region.startColumn} ${r.ruleId}`);
    expect(places).toEqual(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`));

    // One annotation per finding, and a ::notice for those past GitHub's per-step cap.
    const github = (await cliHere(PACKAGE_ROOT, APP, "--format", "github")).stdout.split("\n").filter((line) => line.startsWith("::error") || line.startsWith("::warning"));
    expect(github).toHaveLength(report.findings.length);
    expect(github).toContainEqual(expect.stringMatching(/^::error file=fixtures\/python-app\/scripts\/update_plans\.py,line=4,col=1,.*title=production-safety\/require-ci-guard/));

    const markdown = (await cliHere(PACKAGE_ROOT, APP, "--format", "markdown")).stdout;
    // Markdown escapes the underscores of the file names.
    for (const f of python) expect(markdown).toContain(`#### ${f.file.replaceAll("_", "\\_")}`);
  });

  it("a baseline accepts today's Python findings and still fails on a new one", async () => {
    const repo = makeGitRepo(APP);
    made.push(repo.top);
    const baseline = path.join(tempDir(), "baseline.json");
    const update = await cliHere(repo.top, "--update-baseline", "--baseline", baseline, "--format", "json");
    expect(update.status).toBe(0);
    expect(readFileSync(baseline, "utf8")).toContain("scripts/update_plans.py");
    repo.write("scripts/new_wipe.py", 'import ci_guard  # noqa\nimport psycopg\npsycopg.connect("").execute("INSERT INTO t VALUES (1)")\n');
    const after = await cliHere(repo.top, "--baseline", baseline, "--format", "json");
    expect(after.status).toBe(1);
    expect((JSON.parse(after.stdout) as JsonReport).findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual(["scripts/new_wipe.py production-safety/no-unlisted-mutation-script"]);
  });
});

describe("--changed re-checks a changed Python file", () => {
  let repo: GitRepo;
  it("reports the staged Python file with the full scan's findings there, and nothing else", async () => {
    repo = makeGitRepo(APP);
    made.push(repo.top);
    repo.append("scripts/report_counts.py", 'conn.execute("DELETE FROM sessions")\n');
    repo.git("add", "scripts/report_counts.py");
    const full = await json(repo.top);
    const changed = await json(repo.top, "--changed");
    const here = full.findings.filter((f) => f.file === "scripts/report_counts.py");
    expect(here.map((f) => f.ruleId)).toContain("production-safety/no-destructive-sql");
    expect(changed.findings).toEqual(here);
    expect(changed.summary.files).toBe(1);
  });
});

describe("--changed follows Python imports", () => {
  it("adds the Python scripts whose imports reach a changed module, with the full scan's findings there", async () => {
    const repo = makeGitRepo(APP);
    made.push(repo.top);
    repo.append("src/retrovue/infra/models.py", "\n# a comment\n");
    repo.git("add", "src/retrovue/infra/models.py");
    const full = await json(repo.top);
    const changed = await json(repo.top, "--changed");
    // The scripts that import retrovue.infra.models (directly), and the changed module itself.
    const covered = ["src/retrovue/infra/models.py", "scripts/SAFE_cleanup_demo_data.py", "scripts/purge_orphans.py", "scripts/reset_channels.py", "scripts/safe_cleanup_demo_data.py", "scripts/sync_assets.py"];
    expect(changed.summary.files).toBe(covered.length);
    expect(changed.findings).toEqual(full.findings.filter((f) => covered.includes(f.file)));
    expect(changed.findings.length).toBeGreaterThan(0);
  });
});

describe("contract-scan init on Python", () => {
  it("drafts the Python scripts that write, with their operations, and lists their bypass names", async () => {
    const dir = tempDir();
    const files: Record<string, string> = {
      "scripts/fix_plans.py": 'import os, psycopg2\ncur.execute("UPDATE users SET plan = %s WHERE id = %s", (p, i))\nos.getenv("SKIP_NOTIFY")\n',
      "scripts/prune.py": "from app.models import Event\nEvent.objects.filter(old=True).delete()\n",
      "scripts/report.py": 'import psycopg2\ncur.execute("SELECT 1")\n',
      "scripts/reset.py": 'import subprocess\nsubprocess.run(["npx", "prisma", "migrate", "reset", "--force"])\n',
    };
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(dir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    const draft = await draftContract(dir);
    expect(draft.contract.mutationScripts).toEqual({
      "scripts/fix_plans.py": { operations: ["executeRaw"] },
      "scripts/prune.py": { operations: ["deleteMany"] },
    });
    expect(draft.contract.bypass).toEqual({ allow: [{ name: "SKIP_NOTIFY", reason: "TODO" }] });
    // prisma migrate reset drops the database: never drafted, a note instead.
    expect(draft.dataLossPlaces).toEqual(["scripts/reset.py"]);
  });
});
