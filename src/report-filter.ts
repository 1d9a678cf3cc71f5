/**
 * What `contract-scan` reports and when it fails, as ESLint's CLI decides it (`lib/cli.js`):
 *
 * - `--rule <id>` (repeatable): only those rules' findings are reported and counted. The scan still
 *   runs every rule (a filter of the report: the findings of one rule do not depend on the others).
 * - `--quiet`: errors only in the report. Warnings are still counted for `--max-warnings`, as ESLint
 *   counts them when both flags are given.
 * - `--max-warnings <n>`: exit 1 when more than n warnings are found (after the baseline and `--rule`),
 *   saying so on stderr when there is no error to explain the exit code.
 */
import { PLUGIN_NAMESPACE } from "./package-info.js";
import type { Finding } from "./finding.js";

/** A `--rule` or `--max-warnings` value that cannot be used (a usage error). */
export class ReportFilterError extends Error {
  override name = "ReportFilterError";
}

/**
 * The rule ids `--rule` selects.
 * @param selected the `--rule` values, each `<name>` or `production-safety/<name>`; undefined or empty: every rule.
 * @param known every id a report can hold (`production-safety/<name>`: the ESLint rules and the scanner-only checks).
 * @returns the selected ids, or undefined for every rule.
 * @throws ReportFilterError naming the unknown id and listing the known ones.
 */
export function selectRules(selected: readonly string[] | undefined, known: readonly string[]): ReadonlySet<string> | undefined {
  if (selected === undefined || selected.length === 0) return undefined;
  const ids = new Set<string>();
  for (const value of selected) {
    const id = value.startsWith(`${PLUGIN_NAMESPACE}/`) ? value : `${PLUGIN_NAMESPACE}/${value}`;
    if (!known.includes(id)) {
      throw new ReportFilterError(`--rule: unknown rule "${value}". Known rules: ${known.map((k) => k.slice(PLUGIN_NAMESPACE.length + 1)).join(", ")}`);
    }
    ids.add(id);
  }
  return ids;
}

/** What is reported, and whether the warnings found exceed `--max-warnings`. */
export interface FilteredFindings {
  /** The findings to report (sorted as given). */
  findings: Finding[];
  /** Warnings of the selected rules found, reported or not (`--quiet`). */
  warnings: number;
  /** True when `maxWarnings` is set and `warnings` exceeds it. */
  tooManyWarnings: boolean;
}

/**
 * Applies `--rule`, `--quiet` and `--max-warnings` to a scan's findings (after the baseline).
 * @param rules from `selectRules` (undefined: every rule).
 * @param maxWarnings a non-negative integer, or undefined for no limit.
 */
export function filterFindings(findings: readonly Finding[], options: { rules?: ReadonlySet<string> | undefined; quiet?: boolean | undefined; maxWarnings?: number | undefined }): FilteredFindings {
  const { rules } = options;
  const selected = rules === undefined ? [...findings] : findings.filter((f) => rules.has(f.ruleId));
  const warnings = selected.filter((f) => f.severity === "warning").length;
  return {
    findings: options.quiet === true ? selected.filter((f) => f.severity === "error") : selected,
    warnings,
    tooManyWarnings: options.maxWarnings !== undefined && warnings > options.maxWarnings,
  };
}
