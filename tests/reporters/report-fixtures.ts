/** Hand-built reports for the reporter tests. */
import { buildReport, type Report } from "../../src/report.js";
import type { Finding } from "../../src/scanner.js";

/** A finding with defaults filled in. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: "production-safety/no-bypass-env",
    severity: "error",
    file: "scripts/a.ts",
    line: 3,
    column: 5,
    endLine: 3,
    endColumn: 25,
    message: 'Environment variable "SKIP_CHECK" matches the bypass pattern "SKIP_*".',
    ...overrides,
  };
}

/** A report of these findings (scanned files = 7, duration 12 ms). */
export function report(findings: Finding[], files = 7): Report {
  return buildReport(findings, files, "production-contract.json", 12);
}
