/**
 * What every Python check knows about the file it reads, and the one way Python findings are made: the
 * rule's id, its message (the rule's own text, or its Python wording where the text shows JavaScript),
 * positioned in the file (1-based line, UTF-16 column, as every other source).
 */
import { type Contract, lineColumnAt } from "../../contract.js";
import { PLUGIN_NAMESPACE } from "../../create-rule.js";
import type { FileRole } from "../../roles.js";
import type { Finding } from "../../finding.js";
import type { Zone } from "../../zones.js";
import type { PythonFacts } from "./modules.js";
import type { PyFile, PyNode } from "./parser.js";

/** The file a Python check reads. */
export interface PyContext {
  file: PyFile;
  /** Repository-relative, `/`-separated. */
  repoPath: string;
  /** Absolute path. */
  absolute: string;
  root: string;
  contract: Contract;
  zone: Zone;
  role: FileRole;
  facts: PythonFacts;
  findings: Finding[];
}

/** ESLint's `{{name}}` interpolation. */
export function formatMessage(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, key: string) => (data[key] === undefined ? whole : String(data[key])));
}

/** A rule's messages: the Python wording of a message where there is one, else the rule's own. */
export function messageOf<Id extends string>(messages: Record<Id, string>, python: Partial<Record<Id, string>> | undefined, id: Id): string {
  return python?.[id] ?? messages[id];
}

/**
 * Adds a finding.
 * @param rule the rule name without the namespace.
 * @param at a node, or UTF-16 offsets `[start, end]` in the file.
 */
export function report(context: PyContext, rule: string, at: PyNode | readonly [number, number], message: string): void {
  const [start, end] = "type" in at ? [at.start, at.end] : at;
  const from = lineColumnAt(context.file.text, start);
  const to = lineColumnAt(context.file.text, Math.max(start, end));
  context.findings.push({ ruleId: `${PLUGIN_NAMESPACE}/${rule}`, severity: "error", file: context.repoPath, line: from.line, column: from.column, endLine: to.line, endColumn: to.column, message });
}
