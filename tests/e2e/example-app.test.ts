/**
 * End to end: `contract-scan` on the bundled example repository (fixtures/example-app). The JSON report
 * comes from the built binary in a fresh Node process (bin/contract-scan.js and dist/: its exit code,
 * stdout and stderr); the other runs call `run()` of src/cli.ts in this process, and the rerun must give
 * the binary's report byte for byte. The JSON report is compared with tests/e2e/example-app.expected.json, which was reviewed by hand:
 * every finding in it is a deliberate violation in the fixture (each marked `VIOLATION` in its source),
 * and every look-alike in the fixture is absent from it. After a deliberate change, regenerate with
 * `UPDATE_EXPECTED=1 npx vitest run tests/e2e/example-app.test.ts` and review the diff.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareWithMarkers, expectGolden, type JsonReport, PACKAGE_ROOT, readViolationMarkers, runCli, runHere, withoutDuration } from "./helpers.js";
import { rules } from "../../src/rules.js";

const EXAMPLE = path.join(PACKAGE_ROOT, "fixtures/example-app");
const EXPECTED = path.join(import.meta.dirname, "example-app.expected.json");

describe("contract-scan fixtures/example-app", () => {
  const json = runCli([EXAMPLE, "--format", "json"]);

  it("exits 1 (there are error findings) and writes nothing to stderr", () => {
    expect(json.stderr).toBe("");
    expect(json.status).toBe(1);
  });

  it("reports exactly the reviewed findings", () => {
    const actual = withoutDuration(json.stdout);
    expectGolden(actual, EXPECTED);
  });

  it("reports every VIOLATION marked in the fixture, and nothing that is not marked", () => {
    // Each intended finding is marked in the fixture by a comment `VIOLATION (<rule>[, <rule>])` at most
    // MARKER_REACH lines above it (or on its line); every marker must have its finding there.
    const MARKER_REACH = 4;
    const report = JSON.parse(json.stdout) as JsonReport;
    const { unmarked, unfound } = compareWithMarkers(report.findings, readViolationMarkers(EXAMPLE), MARKER_REACH);
    expect(unmarked).toEqual([]);
    expect(unfound).toEqual([]);
    expect(report.findings.some((f) => /^(__tests__|prisma\/migrations)\//.test(f.file))).toBe(false);
  });

  it("shows every rule of the plugin firing, and parse-error", () => {
    const report = JSON.parse(json.stdout) as JsonReport;
    const fired = new Set(report.findings.map((f) => f.ruleId));
    // Groups C and D are policies a contract opts into (SPEC §2 `fingerprint`, `safety`); this example's
    // contract sets neither, so they must stay silent here (their example repository is fixtures/safety-app).
    const optIn = (name: string): boolean => ["C", "D"].includes((rules[name]?.meta.docs as { group?: string } | undefined)?.group ?? "");
    for (const name of [...Object.keys(rules).filter((n) => !optIn(n)), "parse-error"]) expect(fired, name).toContain(`production-safety/${name}`);
    for (const name of Object.keys(rules).filter(optIn)) expect(fired, name).not.toContain(`production-safety/${name}`);
  });

  it("gives a byte-identical report on a rerun (in this process), apart from durationMs", async () => {
    const again = await runHere([EXAMPLE, "--format", "json"]);
    expect(withoutDuration(again.stdout)).toBe(withoutDuration(json.stdout));
  });

  it("prints the text report grouped by file, with path:line:column, rule ids and a summary", async () => {
    const text = await runHere([EXAMPLE]);
    expect(text.status).toBe(1);
    const report = JSON.parse(json.stdout) as JsonReport;
    for (const f of report.findings) {
      expect(text.stdout).toContain(`  ${f.file}:${f.line}:${f.column}  `);
      expect(text.stdout).toContain(f.ruleId);
    }
    expect(text.stdout).toMatch(new RegExp(`✖ ${report.findings.length} problems \\(${report.summary.errors} errors, ${report.summary.warnings} warnings\\) in ${report.summary.files} files`));
    expect(text.stdout).not.toContain("\u001b[");
  });

  it("writes the report with --output and keeps the scanned repository untouched", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ps-out-"));
    const listing = (): string[] =>
      readdirSync(EXAMPLE, { recursive: true, encoding: "utf8" }).map((f) => `${f} ${statSync(path.join(EXAMPLE, f)).mtimeMs}`).sort();
    const before = listing();
    try {
      const out = path.join(dir, "report.json");
      const run = await runHere([EXAMPLE, "--format", "json", "--output", out]);
      expect(run.stdout).toBe("");
      expect(withoutDuration(readFileSync(out, "utf8"))).toBe(withoutDuration(json.stdout));
      expect(listing()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
