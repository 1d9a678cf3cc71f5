/**
 * The `github` reporter: GitHub Actions workflow commands, one annotation per finding
 * (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule>::<message>`, `::warning` for
 * warnings), then a plain summary line for the log.
 *
 * Escaping as GitHub's own toolkit does it (actions/toolkit `packages/core/src/command.ts`): in the
 * message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A`,
 * `%2C`. Columns are sent only for single-line findings: the toolkit's `AnnotationProperties` says
 * `col`/`endColumn` cannot be sent when `line` and `endLine` differ.
 *
 * GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job); further
 * commands are dropped silently. So when there are more, a final `::notice` says how many were not
 * shown and where the full list is (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands).
 */
import type { Report } from "../report.js";

/** GitHub's per-step cap of annotations of one level (error, warning). */
export const ANNOTATIONS_PER_STEP = 10;

/** Options of the GitHub reporter. */
export interface GithubOptions {
  /**
   * Prefix to put before each report path so it is relative to the workflow's workspace
   * (`GITHUB_WORKSPACE`): "" when the scanned root is the workspace, `apps/web/` for a subfolder.
   */
  pathPrefix?: string;
}

/** Escapes a workflow command's message (data). */
export function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow command's property value. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Formats a report as GitHub Actions workflow commands. */
export default function formatGithub(report: Report, options: GithubOptions = {}): string {
  const prefix = options.pathPrefix ?? "";
  const lines: string[] = [];
  for (const f of report.findings) {
    const singleLine = f.endLine === f.line;
    const props: [string, number | string][] = [["file", `${prefix}${f.file}`], ["line", f.line]];
    if (singleLine) props.push(["col", f.column]);
    props.push(["endLine", f.endLine]);
    if (singleLine) props.push(["endColumn", f.endColumn]);
    props.push(["title", f.ruleId]);
    const properties = props.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(",");
    lines.push(`::${f.severity} ${properties}::${escapeData(f.message)}`);
  }
  const { files, errors, warnings } = report.summary;
  const hiddenErrors = Math.max(0, errors - ANNOTATIONS_PER_STEP);
  const hiddenWarnings = Math.max(0, warnings - ANNOTATIONS_PER_STEP);
  if (hiddenErrors + hiddenWarnings > 0) {
    const hidden = [hiddenErrors > 0 ? plural(hiddenErrors, "error") : "", hiddenWarnings > 0 ? plural(hiddenWarnings, "warning") : ""].filter(Boolean).join(" and ");
    const message =
      `${hidden} not shown as annotations: GitHub shows at most ${ANNOTATIONS_PER_STEP} error and ${ANNOTATIONS_PER_STEP} warning annotations per step. ` +
      "Run contract-scan with --format text, markdown or sarif for the full list.";
    lines.push(`::notice title=${escapeProperty("contract-scan: annotations capped")}::${escapeData(message)}`);
  }
  const total = errors + warnings;
  lines.push(
    total === 0
      ? `contract-scan: no problems in ${plural(files, "file")}`
      : `contract-scan: ${plural(total, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")}) in ${plural(files, "file")}`,
  );
  return `${lines.join("\n")}\n`;
}
