/**
 * The rule factory (typescript-eslint's `RuleCreator`): the docs URL and the rule id come from the rule
 * name once, as `${docsBaseUrl}/<name>.md` and `production-safety/<name>`.
 */
import { RuleCreator } from "@typescript-eslint/utils/eslint-utils";
import { docsBaseUrl } from "./package-info.js";

export { PLUGIN_NAMESPACE } from "./package-info.js";

/** Extra `meta.docs` fields of this plugin's rules. */
export interface ProductionSafetyDocs {
  /** True for every rule in `configs.recommended` (all ESLint rules of the plugin, at `error`). */
  recommended: boolean;
  /** The rule's group in docs/design.md ("Rule groups"): A the contract itself, B the whole repository, C the environment fingerprint, D the safety layers. */
  group: "A" | "B" | "C" | "D";
}

/** `createRule({ name, meta, defaultOptions, create })`, with `meta.docs.url` derived from `name`. */
export const createRule = RuleCreator<ProductionSafetyDocs>((name) => `${docsBaseUrl}/${name}.md`);
