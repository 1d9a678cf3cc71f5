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
  /** Where the rule's behaviour is specified: "SPEC §3 group A", ... */
  specRow: string;
}

/** `createRule({ name, meta, defaultOptions, create })`, with `meta.docs.url` derived from `name`. */
export const createRule = RuleCreator<ProductionSafetyDocs>((name) => `${docsBaseUrl}/${name}.md`);
