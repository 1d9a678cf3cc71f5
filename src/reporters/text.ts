/**
 * The `text` reporter: findings grouped by file, each as `path:line:column  severity  message  rule`,
 * then the counts per rule (`  production-safety/no-bypass-env  2 errors, 1 warning`, sorted by rule id),
 * the contract used and a summary line (with a baseline, how many findings it accepted). Colored only when
 * asked (the CLI decides, src/color.ts).
 */
import { createColors } from "picocolors";
import type { Report } from "../report.js";

/** Options of the text reporter. */
export interface TextOptions {
  /** ANSI colors (the CLI sets this on a TTY without --output). */
  color: boolean;
  /**
   * The root as the reader finds it (the CLI: relative to the working directory, or absolute when it is
   * above it), named next to the contract because every path in the report is relative to it. Omitted
   * when the root is the working directory.
   */
  root?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Formats a report for a terminal or a log. */
export default function formatText(report: Report, options: TextOptions = { color: false }): string {
  const c = createColors(options.color);
  const lines: string[] = [];
  let current: string | undefined;
  for (const f of report.findings) {
    if (f.file !== current) {
      if (current !== undefined) lines.push("");
      lines.push(c.underline(f.file));
      current = f.file;
    }
    const severity = f.severity === "error" ? c.red("error  ") : c.yellow("warning");
    lines.push(`  ${f.file}:${f.line}:${f.column}  ${severity}  ${f.message}  ${c.dim(f.ruleId)}`);
  }
  const { files, errors, warnings, durationMs } = report.summary;
  const total = errors + warnings;
  if (lines.length > 0) lines.push("", ...countsPerRule(report.findings), "");
  const contract = report.contract === null ? "contract: none found, the defaults were used" : `contract: ${report.contract}`;
  lines.push(c.dim(options.root === undefined ? contract : `${contract}; paths are relative to ${options.root}`));
  const summary =
    total === 0
      ? c.green(`✔ no problems in ${plural(files, "file")}`)
      : (errors > 0 ? c.red : c.yellow)(`✖ ${plural(total, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")}) in ${plural(files, "file")}`);
  const accepted = report.baseline === undefined ? "" : ` ${c.dim(`(${plural(report.baseline.suppressed, "finding")} accepted by the baseline ${report.baseline.file})`)}`;
  lines.push(`${summary}${accepted} ${c.dim(`(${durationMs} ms)`)}`);
  return `${lines.join("\n")}\n`;
}

/** One line per rule with findings, sorted by rule id: the id (padded) and its errors and warnings. */
function countsPerRule(findings: Report["findings"]): string[] {
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const f of findings) {
    const entry = counts.get(f.ruleId) ?? { errors: 0, warnings: 0 };
    entry[f.severity === "error" ? "errors" : "warnings"]++;
    counts.set(f.ruleId, entry);
  }
  const width = Math.max(...[...counts.keys()].map((id) => id.length));
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ruleId, { errors, warnings }]) => {
      const parts = [...(errors > 0 ? [plural(errors, "error")] : []), ...(warnings > 0 ? [plural(warnings, "warning")] : [])];
      return `  ${ruleId.padEnd(width)}  ${parts.join(", ")}`;
    });
}
