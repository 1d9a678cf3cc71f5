/**
 * End to end: `contract-scan --base <ref>` (no-contract-expansion, SPEC §6.11) on a temporary git
 * repository, with the CLI in this process (`run` of src/cli.ts): a committed widening against `HEAD~1`, an uncommitted one against
 * `main`, `--allow-expansion`, and the usage errors (exit 2) for a bad ref and a folder outside git.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { git } from "./git-repo.js";
import { runHere } from "./helpers.js";


function write(root: string, relative: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), content);
}

const contract = (value: object): string => `${JSON.stringify({ version: 1, ...value }, null, 2)}\n`;

const GUARDED_SCRIPT = 'if (process.env.CI !== "true") process.exit(1);\nconst { PrismaClient } = await import("@prisma/client");\nawait new PrismaClient().user.create({ data: { name: "a" } });\n';
const BASE = contract({ mutationScripts: { "scripts/seed.ts": { operations: ["create"], tables: { User: ["name"] } } } });
const WIDER = contract({
  mutationScripts: {
    "scripts/seed.ts": { operations: ["create", "deleteMany"], tables: { User: "*" } },
    "scripts/backfill.ts": { operations: ["update"] },
  },
});

interface JsonReport {
  findings: { ruleId: string; severity: string; file: string; line: number; column: number; message: string }[];
  summary: { errors: number; warnings: number };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "ps-e2e-base-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A repository on main with the base contract committed, then a second commit that widens it. */
function repository(name: string): string {
  const root = path.join(tmp, name);
  mkdirSync(root);
  git(root, "init", "-q");
  write(root, "production-contract.json", BASE);
  write(root, "scripts/seed.ts", GUARDED_SCRIPT);
  write(root, "scripts/backfill.ts", GUARDED_SCRIPT.replace("user.create", "user.update").replace("data:", 'where: { id: 1 }, data:'));
  git(root, "add", ".");
  git(root, "commit", "-q", "-m", "base");
  return root;
}

function expansions(stdout: string): string[] {
  const report = JSON.parse(stdout) as JsonReport;
  return report.findings.filter((f) => f.ruleId === "production-safety/no-contract-expansion").map((f) => `${f.file}:${f.line}:${f.column} ${f.severity}`);
}

describe("contract-scan --base", () => {
  const committed = repository("committed");
  write(committed, "production-contract.json", WIDER);
  git(committed, "commit", "-q", "-am", "widen");

  it("reports each widening since HEAD~1 as an error at its key, and exits 1", async () => {
    const run = await runHere([".", "--base", "HEAD~1", "--format", "json"], committed);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    // The new operation, the column list widened to "*" (at the table), the new script.
    expect(expansions(run.stdout)).toEqual(["production-contract.json:7:9 error", "production-contract.json:10:9 error", "production-contract.json:13:5 error"]);
    const messages = (JSON.parse(run.stdout) as JsonReport).findings.map((f) => f.message);
    expect(messages).toContain(
      'The contract widened since HEAD~1: mutationScripts["scripts/seed.ts"].operations has the new entry "deleteMany": the script may now run this operation. Have a reviewer approve it, then accept it with --allow-expansion.',
    );
  });

  it("shows the same widenings as warnings with --allow-expansion, and exits 0", async () => {
    const run = await runHere([".", "--base", "HEAD~1", "--allow-expansion", "--format", "json"], committed);
    expect(run.status).toBe(0);
    expect(expansions(run.stdout)).toEqual(["production-contract.json:7:9 warning", "production-contract.json:10:9 warning", "production-contract.json:13:5 warning"]);
    expect((JSON.parse(run.stdout) as JsonReport).summary).toMatchObject({ errors: 0, warnings: 3 });
  });

  it("reports nothing against the commit that already has the wider contract", async () => {
    const run = await runHere([".", "--base", "HEAD", "--format", "json"], committed);
    expect(run.status).toBe(0);
    expect(expansions(run.stdout)).toEqual([]);
  });

  it("compares the working tree's contract with a branch, when the widening is not committed", async () => {
    const uncommitted = repository("uncommitted");
    write(uncommitted, "production-contract.json", contract({ ...JSON.parse(BASE), ignore: ["scripts/legacy/**"] }));
    const run = await runHere([".", "--base", "main", "--format", "json"], uncommitted);
    expect(run.status).toBe(1);
    expect(expansions(run.stdout)).toEqual(["production-contract.json:16:5 error"]);
  });

  it("exits 2 with a clear message for a ref that names no commit, without scanning", async () => {
    const run = await runHere([".", "--base", "no-such-branch"], committed);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("--base no-such-branch: no such commit in the repository at");
  });

  it("exits 2 for a folder that is not in a git repository", async () => {
    const plain = path.join(tmp, "plain");
    write(plain, "production-contract.json", BASE);
    const run = await runHere([".", "--base", "main"], plain);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--base needs a git repository, and .* is not inside one/);
  });

  // Choice: --allow-expansion alone changes nothing, so it is a usage error rather than silently ignored.
  it("exits 2 for --allow-expansion without --base", async () => {
    const run = await runHere([".", "--allow-expansion"], committed);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--allow-expansion needs --base <git-ref>");
  });
});
