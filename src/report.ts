/**
 * The report every reporter formats: the JSON shape of README, Running contract-scan,
 * `{ version: 1, root: ".", contract, findings, summary: { files, errors, warnings, durationMs } }`.
 */
import type { StaleEntry } from "./baseline.js";
import type { Finding } from "./finding.js";

/** The report of one scan (README, Running contract-scan). */
export interface Report {
  version: 1;
  /** Always "." (paths are relative to the scanned root). */
  root: ".";
  /** Repository-relative path of the contract used, or null when the defaults were used. */
  contract: string | null;
  /** Sorted by file, line, column, rule. */
  findings: Finding[];
  summary: {
    files: number;
    errors: number;
    warnings: number;
    /** Wall time of the scan in milliseconds (the one field that differs between reruns). */
    durationMs: number;
  };
  /**
   * Only with `--baseline`: the baseline file (repository-relative), how many findings it suppressed
   * (they are not in `findings` and not counted in `summary`), and its stale entries.
   */
  baseline?: { file: string; suppressed: number; stale: number; staleEntries: StaleEntry[] };
}

/** Builds the report from a scan's findings. */
export function buildReport(findings: Finding[], files: number, contract: string | null, durationMs: number): Report {
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    version: 1,
    root: ".",
    contract,
    findings,
    summary: { files, errors, warnings: findings.length - errors, durationMs: Math.round(durationMs) },
  };
}

/** Sort order of README, Running contract-scan: file, line, column, rule (then message, so reruns are byte-identical). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
