/**
 * One finding: the unit every layer passes on (the rules through the scanner, the scanner-only checks, the
 * cache, the baseline, the reporters, merge). A leaf module, so that each of them imports it from here
 * rather than from the scanner.
 */
/** One finding, as in the JSON report (README, Running contract-scan). Lines and columns are 1-based; columns in UTF-16 code units. */
export interface Finding {
  /** `production-safety/<rule>`. */
  ruleId: string;
  severity: "error" | "warning";
  /** Repository-relative, `/`-separated. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}
