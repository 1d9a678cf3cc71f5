/**
 * The `sarif` reporter: a SARIF 2.1.0 log for GitHub code scanning (`github/codeql-action/upload-sarif`)
 * and other SARIF viewers. One run; `tool.driver` lists every rule of the plugin and every scanner-only
 * check (id, short and full description, `helpUri` = the docs page, default level); one result per
 * finding with a repository-relative `uri` under `uriBaseId` `%SRCROOT%`, a 1-based region in UTF-16
 * columns (`columnKind`), and a partial fingerprint that survives line shifts.
 *
 * Format: OASIS SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html); what
 * GitHub reads of it: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from "node:crypto";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { packageVersion, repositoryUrl } from "../package-info.js";
import type { Report } from "../report.js";
import type { Finding } from "../finding.js";
import { describeRule, ruleCatalogue } from "./rule-catalogue.js";

/** Options of the SARIF reporter. */
export interface SarifOptions {
  /**
   * The text of a repository-relative file, or undefined when it cannot be read. Used only for the
   * fingerprints (the source of the reported node); without it they fall back to the message.
   */
  sourceText?: (file: string) => string | undefined;
}

/** The key of our fingerprint in `partialFingerprints` (versioned, as SARIF.17 recommends). */
export const FINGERPRINT_KEY = "productionSafetyNodeHash/v1";

/** A repository-relative `/` path as a relative URI reference (each segment percent-encoded). */
export function fileUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

/**
 * The source text of a finding's region (line/column 1-based, columns in UTF-16 code units), with
 * whitespace runs collapsed, or "" for an empty region or unknown text.
 */
export function regionText(text: string | undefined, f: Pick<Finding, "line" | "column" | "endLine" | "endColumn">): string {
  if (text === undefined) return "";
  const lines = text.split(/\r\n|\r|\n/);
  if (f.line < 1 || f.line > lines.length) return "";
  const parts: string[] = [];
  for (let n = f.line; n <= Math.min(f.endLine, lines.length); n++) {
    const line = lines[n - 1] ?? "";
    const start = n === f.line ? f.column - 1 : 0;
    const end = n === f.endLine ? f.endColumn - 1 : line.length;
    parts.push(line.slice(start, Math.max(start, end)));
  }
  return parts.join("\n").replace(/\s+/g, " ").trim();
}

/**
 * Fingerprints per finding: sha256 of rule, file, the normalized source of the reported node (the
 * message when the region is empty, e.g. a whole-file finding) and the occurrence number among equal
 * (rule, file, source) triples in report order. No line number goes in, so a finding keeps its
 * fingerprint when lines above it are added or removed.
 */
export function fingerprints(report: Report, sourceText: SarifOptions["sourceText"]): string[] {
  const texts = new Map<string, string | undefined>();
  const seen = new Map<string, number>();
  return report.findings.map((f) => {
    if (!texts.has(f.file)) texts.set(f.file, sourceText?.(f.file));
    const node = regionText(texts.get(f.file), f) || `message:${f.message}`;
    const key = `${f.ruleId}\0${f.file}\0${node}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return `${createHash("sha256").update(`${key}\0${occurrence}`).digest("hex").slice(0, 32)}:${occurrence}`;
  });
}

/** Builds the SARIF log object of a report. */
export function buildSarifLog(report: Report, options: SarifOptions = {}): Log {
  const catalogue = ruleCatalogue();
  for (const f of report.findings) {
    if (!catalogue.some((r) => r.id === f.ruleId)) catalogue.push(describeRule(f.ruleId, catalogue));
  }
  const rules: ReportingDescriptor[] = catalogue.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.description },
    fullDescription: { text: r.scannerOnly ? `${r.description} (contract-scan only: not an ESLint rule.)` : r.description },
    helpUri: r.url,
    help: { text: `See ${r.url}`, markdown: `See [${r.id}](${r.url}).` },
    defaultConfiguration: { level: "error" },
    properties: { tags: ["production-safety", r.scannerOnly ? "contract-scan" : "eslint"] },
  }));
  const index = new Map(catalogue.map((r, i) => [r.id, i]));
  const prints = fingerprints(report, options.sourceText);
  const results: Result[] = report.findings.map((f, i) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId) ?? 0,
    level: f.severity,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(f.file), uriBaseId: "%SRCROOT%" },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: prints[i] ?? "" },
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "contract-scan",
            fullName: "contract-scan (eslint-plugin-production-safety)",
            version: packageVersion,
            semanticVersion: packageVersion,
            informationUri: repositoryUrl,
            rules,
          },
        },
        invocations: [{ executionSuccessful: true }],
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

/** Formats a report as a SARIF 2.1.0 log (JSON, 2-space indent, newline-terminated). */
export default function formatSarif(report: Report, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarifLog(report, options), null, 2)}\n`;
}
