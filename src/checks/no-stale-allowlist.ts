/**
 * no-stale-allowlist (docs/design.md, Rule groups group B, scanner only): a `mutationScripts` entry (or an explicit
 * `deployScript`) whose file does not exist. An allowlist entry for a deleted script is a standing
 * permission waiting for the next file of that name. `package.json#<script>` entries () are stale
 * when that package.json or that script is missing. Findings are on the contract file, at the key
 * ().
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { type Contract, contractKeyLocation, toRepoPath } from "../contract.js";
import { PLUGIN_NAMESPACE } from "../package-info.js";
import type { Finding } from "../finding.js";
import { readJsonFile } from "../source-text.js";

/** The rule id of this check. */
export const NO_STALE_ALLOWLIST_RULE = `${PLUGIN_NAMESPACE}/no-stale-allowlist`;

/** Why an entry is stale, or undefined when its target exists. */
function staleReason(root: string, entry: string): string | undefined {
  const hash = entry.indexOf("#");
  if (hash === -1) return existsSync(path.join(root, entry)) ? undefined : `the file ${entry} does not exist`;
  const manifest = entry.slice(0, hash);
  const script = entry.slice(hash + 1);
  if (path.basename(manifest) !== "package.json") return existsSync(path.join(root, manifest)) ? undefined : `the file ${manifest} does not exist`;
  const file = path.join(root, manifest);
  if (!existsSync(file)) return `the file ${manifest} does not exist`;
  const read = readJsonFile(file);
  // A manifest that is not JSON cannot show that the script exists: stale (fail closed); its
  // parse-error finding says where it breaks.
  if (!("value" in read)) return `${manifest} cannot be read (${read.problem}), so its script "${script}" cannot be found`;
  const scripts = read.value !== null && typeof read.value === "object" ? (read.value as { scripts?: unknown }).scripts : undefined;
  return scripts !== null && typeof scripts === "object" && Object.hasOwn(scripts, script) ? undefined : `${manifest} has no script "${script}"`;
}

/**
 * The stale entries of a contract.
 * @param root absolute repository root.
 * @param contractFile absolute path of the contract file (findings go there); with the defaults
 *   (no file) there is nothing to check.
 * @param contractText the contract file's text (for key positions).
 */
export function checkStaleAllowlist(root: string, contract: Contract, contractFile: string, contractText: string): Finding[] {
  const file = toRepoPath(root, contractFile);
  const findings: Finding[] = [];
  const report = (keyPath: string[], message: string): void => {
    const { line, column } = contractKeyLocation(contractText, keyPath);
    findings.push({ ruleId: NO_STALE_ALLOWLIST_RULE, severity: "error", file, line, column, endLine: line, endColumn: column, message });
  };
  for (const entry of Object.keys(contract.mutationScripts)) {
    const reason = staleReason(root, entry);
    if (reason) report(["mutationScripts", entry], `mutationScripts["${entry}"] allows a script that is gone: ${reason}. Remove the entry, so a new file of that name is not allowlisted unreviewed.`);
  }
  if (contract.deployScript !== undefined) {
    const reason = staleReason(root, contract.deployScript);
    if (reason) report(["deployScript"], `deployScript names a script that is gone: ${reason}. Point it at the deploy script, or remove the key.`);
  }
  return findings;
}
