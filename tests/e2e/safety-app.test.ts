/**
 * End to end: the built `contract-scan` on the second example repository (fixtures/safety-app), the
 * RetroVue production safety contract (seed 000, PS-1..PS-3) and the five-layer pattern (seed 004) in
 * TypeScript: once correctly (scripts/safe/ and lib/), once with each layer broken (scripts/broken/, one
 * file per broken layer or clause). Its contract sets `fingerprint` and the whole `safety` section
 * (SPEC §2), so groups C and D run; it allowlists every script and all of them import the CI guard first,
 * so group A has nothing to say.
 *
 * The reviewed report comes from the built binary in a fresh Node process (so dist/ is known to run the
 * rules of groups C and D, which fixtures/example-app leaves silent); the variants of the contract and
 * the rerun call `run()` of src/cli.ts in this process.
 *
 * The JSON report is compared with tests/e2e/safety-app.expected.json, reviewed by hand. After a deliberate
 * change, regenerate with `UPDATE_EXPECTED=1 npx vitest run tests/e2e/safety-app.test.ts` and review the diff.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareWithMarkers, expectGolden, type JsonReport, PACKAGE_ROOT, readViolationMarkers, runCli, runHere, withoutDuration } from "./helpers.js";
import { rules } from "../../src/rules.js";

const APP = path.join(PACKAGE_ROOT, "fixtures/safety-app");
const EXPECTED = path.join(import.meta.dirname, "safety-app.expected.json");

/** The rules of groups C and D (docs/design.md, "Rule groups"), read from each rule's `meta.docs.group`. */
const GROUP_CD = Object.keys(rules).filter((name) => ["C", "D"].includes((rules[name]?.meta.docs as { group?: string } | undefined)?.group ?? ""));

/** Scans the fixture with a variant of its contract, written to a temporary file (the fixture stays untouched). */
async function scanWithContract(change: (contract: Record<string, unknown>) => void): Promise<JsonReport> {
  const contract = JSON.parse(readFileSync(path.join(APP, "production-contract.json"), "utf8")) as Record<string, unknown>;
  delete contract.$schema;
  change(contract);
  const dir = mkdtempSync(path.join(os.tmpdir(), "ps-safety-app-"));
  try {
    const file = path.join(dir, "production-contract.json");
    writeFileSync(file, JSON.stringify(contract));
    const run = await runHere([APP, "--contract", file, "--format", "json"]);
    expect(run.stderr).toBe("");
    return JSON.parse(run.stdout) as JsonReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("contract-scan fixtures/safety-app", () => {
  const json = runCli([APP, "--format", "json"]);
  const report = (): JsonReport => JSON.parse(json.stdout) as JsonReport;

  it("exits 1 (the broken scripts have error findings) and writes nothing to stderr", () => {
    expect(json.stderr).toBe("");
    expect(json.status).toBe(1);
  });

  it("reports exactly the reviewed findings", () => {
    const actual = withoutDuration(json.stdout);
    expectGolden(actual, EXPECTED);
  });

  it("reports every VIOLATION marked in the fixture, on the marked line, and nothing that is not marked", () => {
    // Here each marker is a trailing comment on the very line of its finding (reach 0).
    const markers = readViolationMarkers(APP);
    expect(markers.length).toBeGreaterThan(0);
    const { unmarked, unfound } = compareWithMarkers(report().findings, markers, 0);
    expect(unmarked).toEqual([]);
    expect(unfound).toEqual([]);
  });

  it("shows every rule of groups C and D firing, and no other rule", () => {
    expect(GROUP_CD.sort()).toEqual(["dry-run-by-default", "env-fail-closed", "require-backup", "require-fingerprint", "require-production-check"]);
    const fired = new Set(report().findings.map((f) => f.ruleId));
    for (const name of GROUP_CD) expect(fired, name).toContain(`production-safety/${name}`);
    // The contract allowlists every script and each imports the CI guard first: group A stays quiet.
    expect([...fired].filter((id) => !GROUP_CD.some((name) => id === `production-safety/${name}`))).toEqual([]);
  });

  it("has no finding at all in the correct version (scripts/safe/ and the lib/ it uses)", () => {
    const safeFiles = readdirSync(path.join(APP, "scripts/safe"));
    expect(safeFiles.length).toBeGreaterThan(0);
    expect(report().findings.filter((f) => /^(scripts\/safe|lib)\//.test(f.file))).toEqual([]);
  });

  it("has a finding in every broken script (each one breaks a layer)", () => {
    const broken = readdirSync(path.join(APP, "scripts/broken")).map((name) => `scripts/broken/${name}`);
    const withFindings = new Set(report().findings.map((f) => f.file));
    expect(broken.filter((file) => !withFindings.has(file))).toEqual([]);
  });

  it("runs each layer only where the contract opts in (SPEC §2 `fingerprint`, `safety`)", async () => {
    const none = await scanWithContract((contract) => {
      delete contract.fingerprint;
      delete contract.safety;
    });
    expect(none.findings).toEqual([]);
    // Without safety.backup only require-backup goes quiet; the other layers report as before.
    const noBackup = await scanWithContract((contract) => {
      delete (contract.safety as Record<string, unknown>).backup;
    });
    const key = (f: JsonReport["findings"][number]): string => `${f.file}:${f.line}:${f.column} ${f.ruleId}`;
    expect(noBackup.findings.map(key)).toEqual(report().findings.filter((f) => f.ruleId !== "production-safety/require-backup").map(key));
  });

  it("gives a byte-identical report on a rerun (in this process), apart from durationMs", async () => {
    const again = await runHere([APP, "--format", "json"]);
    expect(withoutDuration(again.stdout)).toBe(withoutDuration(json.stdout));
  });
});
