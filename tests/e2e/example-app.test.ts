/**
 * End to end: the built `contract-scan` on the bundled example repository (fixtures/example-app).
 * The JSON report is compared with tests/e2e/example-app.expected.json, which was reviewed by hand:
 * every finding in it is a deliberate violation in the fixture (each marked `VIOLATION` in its source),
 * and every look-alike in the fixture is absent from it. After a deliberate change, regenerate with
 * `UPDATE_EXPECTED=1 npx vitest run tests/e2e/example-app.test.ts` and review the diff.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT, runCli } from "./helpers.js";

const EXAMPLE = path.join(PACKAGE_ROOT, "fixtures/example-app");
const EXPECTED = path.join(import.meta.dirname, "example-app.expected.json");

interface JsonReport {
  version: number;
  root: string;
  contract: string | null;
  findings: { ruleId: string; file: string; line: number; column: number; severity: string; message: string }[];
  summary: { files: number; errors: number; warnings: number; durationMs: number };
}

function withoutDuration(stdout: string): string {
  return stdout.replace(/"durationMs": \d+/, '"durationMs": 0');
}

describe("contract-scan fixtures/example-app", () => {
  const json = runCli([EXAMPLE, "--format", "json"]);

  it("exits 1 (there are error findings) and writes nothing to stderr", () => {
    expect(json.stderr).toBe("");
    expect(json.status).toBe(1);
  });

  it("reports exactly the reviewed findings", () => {
    const actual = withoutDuration(json.stdout);
    if (process.env.UPDATE_EXPECTED === "1") writeFileSync(EXPECTED, actual);
    expect(actual).toBe(readFileSync(EXPECTED, "utf8"));
  });

  it("reports every line marked VIOLATION in the fixture, and nothing in tests or migrations", () => {
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.contract).toBe("production-contract.json");
    for (const f of report.findings) {
      expect(f.file).not.toMatch(/^(__tests__|prisma\/migrations)\//);
    }
    const files = new Set(report.findings.map((f) => f.file));
    for (const file of ["lib/prisma.ts", "scripts/cleanup-demo-data.ts", "scripts/run-e2e.js", "scripts/reset-views.sql", "app/api/admin/route.ts"]) {
      expect(files, file).toContain(file);
    }
    for (const file of ["scripts/report-usage.ts", "scripts/sync-reference-data-dev-to-prod.ts", "scripts/deploy-db.js"]) {
      expect(files, file).not.toContain(file);
    }
  });

  it("gives a byte-identical report on a rerun, apart from durationMs", () => {
    const again = runCli([EXAMPLE, "--format", "json"]);
    expect(withoutDuration(again.stdout)).toBe(withoutDuration(json.stdout));
  });

  it("prints the text report grouped by file, with path:line:column, rule ids and a summary", () => {
    const text = runCli([EXAMPLE]);
    expect(text.status).toBe(1);
    const report = JSON.parse(json.stdout) as JsonReport;
    for (const f of report.findings) {
      expect(text.stdout).toContain(`  ${f.file}:${f.line}:${f.column}  `);
      expect(text.stdout).toContain(f.ruleId);
    }
    expect(text.stdout).toMatch(new RegExp(`✖ ${report.findings.length} problems \\(${report.summary.errors} errors, ${report.summary.warnings} warnings\\) in ${report.summary.files} files`));
    expect(text.stdout).not.toContain("\u001b[");
  });

  it("writes the report with --output and keeps the scanned repository untouched", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ps-out-"));
    const listing = (): string[] =>
      readdirSync(EXAMPLE, { recursive: true, encoding: "utf8" }).map((f) => `${f} ${statSync(path.join(EXAMPLE, f)).mtimeMs}`).sort();
    const before = listing();
    try {
      const out = path.join(dir, "report.json");
      const run = runCli([EXAMPLE, "--format", "json", "--output", out]);
      expect(run.stdout).toBe("");
      expect(withoutDuration(readFileSync(out, "utf8"))).toBe(withoutDuration(json.stdout));
      expect(listing()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
