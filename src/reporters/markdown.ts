/**
 * The `markdown` reporter: a summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment. A summary
 * line, a table of counts per rule (linked to the rule docs), then a table per file with one row per
 * finding (line:column linked to the file when a link base is given).
 *
 * Length: cut at `maxLength` characters (default 65,536, GitHub's limit for an issue or pull-request
 * comment body; a step summary allows 1 MiB), whole rows at a time, ending with a line that says how
 * many findings in how many files were left out. Table cells escape `\ | ` * _ [ ] < >` and newlines so
 * a message cannot break the table or inject HTML.
 */
import type { Report } from "../report.js";
import { describeRule, ruleCatalogue } from "./rule-catalogue.js";

/** GitHub's maximum length of a comment body (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Options of the Markdown reporter. */
export interface MarkdownOptions {
  /** Maximum length of the output in characters (default {@link GITHUB_COMMENT_LIMIT}). */
  maxLength?: number;
  /**
   * Base URL of the scanned files (e.g. `https://github.com/o/r/blob/<sha>/`); each finding's
   * location then links to `<base><file>#L<line>`. Without it locations are plain text.
   */
  fileLinkBase?: string;
}

/** Escapes text for a Markdown table cell (GitHub Flavored Markdown). */
export function escapeCell(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, " ");
}

/** A URL as a Markdown link target (spaces and parentheses percent-encoded). */
function linkTarget(url: string): string {
  return url.replace(/ /g, "%20").replace(/\(/g, "%28").replace(/\)/g, "%29");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Formats a report as GitHub Flavored Markdown. */
export default function formatMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const catalogue = ruleCatalogue();
  const { files, errors, warnings, durationMs } = report.summary;
  const total = errors + warnings;
  const head: string[] = [];
  head.push(
    total === 0
      ? `### contract-scan: ✅ no problems in ${plural(files, "file")}`
      : `### contract-scan: ${errors > 0 ? "❌" : "⚠️"} ${plural(total, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")}) in ${plural(files, "file")}`,
  );
  head.push("");
  if (report.baseline !== undefined) {
    const { file, suppressed, stale } = report.baseline;
    head.push(
      `${plural(suppressed, "finding")} accepted by the baseline ${escapeCell(file)}` +
        (stale > 0 ? `; ${stale} stale baseline entr${stale === 1 ? "y" : "ies"} (run \`contract-scan --update-baseline\` to shrink it).` : "."),
      "",
    );
  }
  if (total === 0) {
    head.push(`Scanned in ${durationMs} ms.`);
    return `${head.join("\n")}\n`;
  }
  const perRule = new Map<string, { errors: number; warnings: number }>();
  for (const f of report.findings) {
    const counts = perRule.get(f.ruleId) ?? { errors: 0, warnings: 0 };
    counts[f.severity === "error" ? "errors" : "warnings"]++;
    perRule.set(f.ruleId, counts);
  }
  head.push("| rule | errors | warnings |", "| --- | ---: | ---: |");
  for (const [ruleId, counts] of [...perRule].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const rule = describeRule(ruleId, catalogue);
    head.push(`| [${escapeCell(rule.id)}](${linkTarget(rule.url)}) | ${counts.errors} | ${counts.warnings} |`);
  }

  // Per file: a heading and a table. Blocks are added whole rows at a time while they fit.
  const byFile = new Map<string, Report["findings"]>();
  for (const f of report.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const body: string[] = [];
  let length = head.join("\n").length + 1;
  let shown = 0;
  // Room kept for the closing "left out" line (its longest form is well under 300 characters).
  const reserve = 300;
  outer: for (const [file, findings] of byFile) {
    const header = ["", `#### ${escapeCell(file)}`, "", "| location | severity | rule | message |", "| --- | --- | --- | --- |"];
    const headerLength = header.join("\n").length + 1;
    let started = false;
    for (const f of findings) {
      const rule = describeRule(f.ruleId, catalogue);
      const at = `${f.line}:${f.column}`;
      const location = options.fileLinkBase ? `[${at}](${linkTarget(`${options.fileLinkBase}${f.file}`)}#L${f.line})` : at;
      const row = `| ${location} | ${f.severity} | [${escapeCell(rule.name)}](${linkTarget(rule.url)}) | ${escapeCell(f.message)} |`;
      const needed = row.length + 1 + (started ? 0 : headerLength);
      if (length + needed + reserve > maxLength) break outer;
      if (!started) {
        body.push(...header);
        started = true;
      }
      body.push(row);
      length += needed;
      shown++;
    }
  }
  const lines = [...head, ...body];
  const left = report.findings.length - shown;
  if (left > 0) {
    // Files are laid out in report order, so the findings left out are exactly the tail of the report.
    const filesLeft = new Set(report.findings.slice(shown).map((f) => f.file)).size;
    lines.push(
      "",
      `**${plural(left, "more finding")} in ${plural(filesLeft, "file")} not shown**: the summary was cut at ${maxLength.toLocaleString("en-US")} characters. Run \`contract-scan --format text\` for the full list.`,
    );
  } else {
    lines.push("", `Scanned in ${durationMs} ms.`);
  }
  return `${lines.join("\n")}\n`;
}
