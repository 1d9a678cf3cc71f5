/**
 * What the reporters say about a rule: its id, one-line description and docs URL. ESLint rules take
 * these from their own `meta.docs` (so reports and docs cannot drift); the scanner-only checks (docs/design.md,
 * Scanner-only checks) have no ESLint `meta`, so theirs come from their one list (`SCANNER_ONLY_CHECKS`, src/checks/index.ts).
 */
import { existsSync } from "node:fs";
import { SCANNER_ONLY_CHECKS } from "../checks/index.js";
import { PLUGIN_NAMESPACE } from "../package-info.js";
import { docsBaseUrl, packageFile, repositoryUrl } from "../package-info.js";
import { rules } from "../rules.js";

/** One rule as the reporters describe it. */
export interface RuleDescriptor {
  /** `production-safety/<name>`. */
  id: string;
  /** `<name>` without the namespace. */
  name: string;
  /** One sentence (ESLint rules: `meta.docs.description`). */
  description: string;
  /** The rule's documentation page (ESLint rules: `meta.docs.url`). */
  url: string;
  /** True for the scanner-only checks of docs/design.md, Scanner-only checks (not ESLint rules). */
  scannerOnly: boolean;
}

/** The docs page of a scanner-only check: its own page once one exists, else the README's rules table. */
function scannerCheckUrl(name: string): string {
  return existsSync(packageFile(`docs/rules/${name}.md`)) ? `${docsBaseUrl}/${name}.md` : `${repositoryUrl}#rules`;
}

/** Every rule of the plugin and every scanner-only check, sorted by id. */
export function ruleCatalogue(): RuleDescriptor[] {
  const entries: RuleDescriptor[] = Object.entries(rules).map(([name, rule]) => ({
    id: `${PLUGIN_NAMESPACE}/${name}`,
    name,
    description: rule.meta.docs?.description ?? name,
    url: rule.meta.docs?.url ?? `${docsBaseUrl}/${name}.md`,
    scannerOnly: false,
  }));
  for (const { name, summary } of SCANNER_ONLY_CHECKS) {
    if (!(name in rules)) entries.push({ id: `${PLUGIN_NAMESPACE}/${name}`, name, description: summary, url: scannerCheckUrl(name), scannerOnly: true });
  }
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The descriptor of one rule id; an id the catalogue does not know (a check added without an entry
 * here) still gets one, so a report never drops a finding for want of a description.
 */
export function describeRule(ruleId: string, catalogue: readonly RuleDescriptor[] = ruleCatalogue()): RuleDescriptor {
  const known = catalogue.find((r) => r.id === ruleId);
  if (known) return known;
  const name = ruleId.startsWith(`${PLUGIN_NAMESPACE}/`) ? ruleId.slice(PLUGIN_NAMESPACE.length + 1) : ruleId;
  return { id: ruleId, name, description: `The ${name} check of contract-scan.`, url: `${repositoryUrl}#rules`, scannerOnly: true };
}
