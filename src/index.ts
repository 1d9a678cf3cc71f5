/**
 * The ESLint plugin object (flat config, ESLint 10; ESLint 9.30+ works too):
 * `{ meta: { name, version }, rules, configs: { recommended } }`. `recommended` is built after the
 * plugin so it references the plugin object itself (as eslint-plugin-n does).
 *
 * Usage in eslint.config.js:
 *   import productionSafety from "eslint-plugin-production-safety";
 *   export default [productionSafety.configs.recommended];
 */
import type { TSESLint } from "@typescript-eslint/utils";
import * as tsParser from "@typescript-eslint/parser";
import { PLUGIN_NAMESPACE } from "./create-rule.js";
import { packageName, packageVersion } from "./package-info.js";
import { rules } from "./rules.js";
import { SOURCE_FILE_GLOBS } from "./discover.js";

export { SOURCE_FILE_GLOBS } from "./discover.js";

interface ProductionSafetyPlugin {
  meta: { name: string; version: string };
  rules: typeof rules;
  configs: { recommended: TSESLint.FlatConfig.Config };
}

const plugin: ProductionSafetyPlugin = {
  meta: { name: packageName, version: packageVersion },
  rules,
  configs: { recommended: {} },
};

/** `{ "production-safety/<rule>": "error" }` for every ESLint rule of the plugin. */
export function allRulesAtError(): Record<string, "error"> {
  return Object.fromEntries(Object.keys(rules).map((name) => [`${PLUGIN_NAMESPACE}/${name}`, "error" as const]));
}

plugin.configs.recommended = {
  name: `${PLUGIN_NAMESPACE}/recommended`,
  files: SOURCE_FILE_GLOBS,
  plugins: { [PLUGIN_NAMESPACE]: plugin as unknown as TSESLint.FlatConfig.Plugin },
  languageOptions: { parser: tsParser as TSESLint.FlatConfig.Parser },
  rules: allRulesAtError(),
};

export default plugin;
