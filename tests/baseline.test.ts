// The baseline of a run that checked part of the repository (--changed, a folder below the root):
// entries of files it did not cover are never stale and survive --update-baseline.
import { describe, expect, it } from "vitest";
import { applyBaseline, type Baseline, baselineFromFindings } from "../src/baseline.js";
import type { Finding } from "../src/scanner.js";

const BYPASS = "production-safety/no-bypass-env";
const EXPANSION = "production-safety/no-contract-expansion";

function finding(file: string, ruleId = BYPASS): Finding {
  return { ruleId, severity: "error", file, line: 1, column: 1, endLine: 1, endColumn: 2, message: "m" };
}

const previous: Baseline = {
  "scripts/checked.ts": { [BYPASS]: { count: 2 } },
  "scripts/unchecked.ts": { [BYPASS]: { count: 3 } },
  "production-contract.json": { [EXPANSION]: { count: 2 }, "production-safety/no-stale-allowlist": { count: 1 } },
  "lib/other-plugin.ts": { "other/rule": { count: 1 } },
};
/** The run covered scripts/checked.ts only (and --base reported the contract, which it did not cover). */
const covers = (file: string): boolean => file === "scripts/checked.ts";
const findings = [finding("scripts/checked.ts"), finding("production-contract.json", EXPANSION)];

describe("a run that covered part of the repository", () => {
  it("counts stale entries only where it can judge them: covered files, and rules it reported elsewhere (--base)", () => {
    const outcome = applyBaseline(findings, previous, covers);
    expect(outcome.stale).toEqual([
      { file: "production-contract.json", ruleId: EXPANSION, count: 1 },
      { file: "scripts/checked.ts", ruleId: BYPASS, count: 1 },
    ]);
    expect(outcome.findings).toEqual([]);
  });

  it("near miss: a full scan (the default) judges every entry", () => {
    expect(applyBaseline(findings, previous).stale.map((e) => e.file)).toEqual(["production-contract.json", "production-contract.json", "scripts/checked.ts", "scripts/unchecked.ts"]);
  });

  it("--update-baseline rewrites what it judged and keeps every other entry as it was", () => {
    expect(baselineFromFindings(findings, previous, covers)).toEqual({
      "scripts/checked.ts": { [BYPASS]: { count: 1 } },
      "scripts/unchecked.ts": { [BYPASS]: { count: 3 } },
      "production-contract.json": { [EXPANSION]: { count: 1 }, "production-safety/no-stale-allowlist": { count: 1 } },
      "lib/other-plugin.ts": { "other/rule": { count: 1 } },
    });
  });

  it("a covered file without findings loses its entries", () => {
    expect(baselineFromFindings([], previous, covers)["scripts/checked.ts"]).toBeUndefined();
  });
});
