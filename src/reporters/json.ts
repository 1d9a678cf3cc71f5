/** The `json` reporter: the report of README, Running contract-scan, pretty-printed, keys in a fixed order, newline-terminated. */
import type { Report } from "../report.js";

/** Formats a report as JSON (2-space indent). Same report in, same bytes out. */
export default function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
