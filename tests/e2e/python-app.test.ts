/**
 * End to end: `contract-scan` on the third example repository (fixtures/python-app), RetroVue's CLI
 * commands (seed 000, PS-1..PS-4) and seed 004's cleanup scripts written in Python: once correctly, once
 * broken, each broken line marked `# VIOLATION (<rule>)`. Its contract turns on group D with RetroVue's own
 * names, so groups A and D both run on Python. The scan runs in this process (`cliHere`).
 *
 * The JSON report is compared with tests/e2e/python-app.expected.json, reviewed by hand. After a deliberate
 * change, regenerate with `UPDATE_EXPECTED=1 npx vitest run tests/e2e/python-app.test.ts` and review the diff.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliHere, compareWithMarkers, expectGolden, type JsonReport, PACKAGE_ROOT, readViolationMarkers, type Run, withoutDuration } from "./helpers.js";

const APP = path.join(PACKAGE_ROOT, "fixtures/python-app");
const EXPECTED = path.join(import.meta.dirname, "python-app.expected.json");

/** The files written correctly: no finding at all may be reported there. */
const CORRECT = [
  "scripts/safe_cleanup_demo_data.py",
  "scripts/backfill_durations.py",
  "scripts/report_counts.py",
  "scripts/ci_guard.py",
  "scripts/wipe_demo_accounts.py",
  "src/retrovue/cli/commands/source_delete.py",
  "src/retrovue/infra/db.py",
  "src/retrovue/infra/environment.py",
  "src/retrovue/infra/safety.py",
  "src/retrovue/infra/models.py",
];

/** Near-misses: look-alikes that must stay silent (tests, migrations, English text, dict/set methods). */
const NEAR_MISSES = [
  "src/retrovue/infra/cache.py",
  "alembic/versions/0001_drop_legacy_sources.py",
  "src/retrovue/catalog/migrations/0002_remove_legacy_column.py",
  "tests/test_cleanup.py",
  "src/retrovue/tests/test_sources.py",
  "src/retrovue/catalog/conftest.py",
];

describe("contract-scan fixtures/python-app", () => {
  let json: Run;
  const report = (): JsonReport => JSON.parse(json.stdout) as JsonReport;
  beforeAll(async () => {
    json = await cliHere(PACKAGE_ROOT, APP, "--format", "json");
  });

  it("exits 1 (the broken files have error findings) and writes nothing to stderr", () => {
    expect(json.stderr).toBe("");
    expect(json.status).toBe(1);
  });

  it("reports exactly the reviewed findings", () => {
    expectGolden(withoutDuration(json.stdout), EXPECTED);
  });

  it("reports every VIOLATION marked in the fixture, on the marked line, and nothing that is not marked", () => {
    const markers = readViolationMarkers(APP);
    expect(markers.length).toBeGreaterThan(15);
    const { unmarked, unfound } = compareWithMarkers(report().findings, markers, 0);
    expect(unmarked).toEqual([]);
    expect(unfound).toEqual([]);
  });

  it("has no finding in the correct files nor in the near-misses", () => {
    const files = new Set(report().findings.map((f) => f.file));
    expect([...CORRECT, ...NEAR_MISSES].filter((file) => files.has(file))).toEqual([]);
  });

  it("reads Python with the rules of groups A and D (and parse-error), under the same rule ids", () => {
    const fired = new Set(report().findings.map((f) => f.ruleId.replace("production-safety/", "")));
    expect([...fired].sort()).toEqual([
      "deprecated-script-exits",
      "dry-run-by-default",
      "env-fail-closed",
      "mutation-scope",
      "no-bypass-env",
      "no-destructive-sql",
      "no-direct-prisma-cli",
      "no-unlisted-mutation-script",
      "parse-error",
      "require-backup",
      "require-ci-guard",
      "require-production-check",
    ]);
  });

  it("runs group D only where the contract's safety section turns it on", async () => {
    const contract = JSON.parse(readFileSync(path.join(APP, "production-contract.json"), "utf8")) as Record<string, unknown>;
    delete contract.$schema;
    delete contract.safety;
    const dir = mkdtempSync(path.join(os.tmpdir(), "ps-python-app-"));
    try {
      const file = path.join(dir, "production-contract.json");
      writeFileSync(file, JSON.stringify(contract));
      const run = await cliHere(PACKAGE_ROOT, APP, "--contract", file, "--format", "json");
      expect(run.stderr).toBe("");
      const groupD = /require-production-check|dry-run-by-default|require-backup|env-fail-closed/;
      const without = (JSON.parse(run.stdout) as JsonReport).findings;
      expect(without.filter((f) => groupD.test(f.ruleId))).toEqual([]);
      expect(without).toEqual(report().findings.filter((f) => !groupD.test(f.ruleId)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
