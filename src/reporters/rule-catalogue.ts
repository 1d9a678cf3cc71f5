/**
 * What the reporters say about a rule: its id, one-line description and docs URL. ESLint rules take
 * these from their own `meta.docs` (so reports and docs cannot drift); the scanner-only checks of SPEC
 * §6.12 have no ESLint `meta`, so their descriptions are listed here (from SPEC §3 group B).
 */
import { existsSync } from "node:fs";
import { PLUGIN_NAMESPACE } from "../create-rule.js";
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
  /** True for the scanner-only checks of SPEC §6.12 (not ESLint rules). */
  scannerOnly: boolean;
}

/** Scanner-only checks (SPEC §6.12) and what they report (SPEC §3 group B). */
export const SCANNER_ONLY_CHECKS: Readonly<Record<string, string>> = {
  "parse-error": "A file contract-scan cannot read or parse; an unreadable mutation script is a violation, never a skip.",
  "no-stale-allowlist": "A mutationScripts entry or deployScript in the contract whose target no longer exists.",
  "deploy-pipeline-order": "The deploy pipeline script missing a step, running steps out of order, or running another step between them.",
  "no-contract-expansion": "A way the contract grew since the base git ref (new allowlisted script, operation, table, column, bypass allowance, widened zone).",
};

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
  for (const [name, description] of Object.entries(SCANNER_ONLY_CHECKS)) {
    if (!(name in rules)) entries.push({ id: `${PLUGIN_NAMESPACE}/${name}`, name, description, url: scannerCheckUrl(name), scannerOnly: true });
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
