/**
 * The ESLint plugin object (flat config, ESLint 10; ESLint 9.30+ works too):
 * `{ meta: { name, version }, rules, configs: { recommended } }`. `recommended` is built after the
 * plugin so it references the plugin object itself (as eslint-plugin-n does).
 *
 * Usage in eslint.config.js / .mjs / .ts (the types are ESLint's own, so `defineConfig` from
 * `eslint/config` accepts the plugin and its configs):
 *   import productionSafety from "eslint-plugin-production-safety";
 *   export default [productionSafety.configs.recommended];
 * and in eslint.config.cjs (Node's `require` of an ES module returns the plugin object itself):
 *   const productionSafety = require("eslint-plugin-production-safety");
 *
 * Importing the plugin loads no parser and no analysis library: `recommended`'s parser loads
 * `@typescript-eslint/parser` on the first file it parses, and the rules load TypeScript, the PostgreSQL
 * parser and the repository facts when they first need them (src/lazy-require.ts).
 */
import type { ESLint, Linter } from "eslint";
import type * as TsParser from "@typescript-eslint/parser";
import { PLUGIN_NAMESPACE, packageName, packageVersion } from "./package-info.js";
import { lazyRequire } from "./lazy-require.js";
import { rules } from "./rules.js";
import { SOURCE_FILE_GLOBS } from "./discover.js";

export { SOURCE_FILE_GLOBS } from "./discover.js";

/** The plugin's type: ESLint's `Plugin` with the fields this plugin always has. */
export interface ProductionSafetyPlugin extends ESLint.Plugin {
  meta: { name: string; version: string };
  /** Rule name (without the `production-safety/` namespace) -> rule. */
  rules: Record<string, NonNullable<ESLint.Plugin["rules"]>[string]>;
  configs: {
    /** Every ESLint rule of the plugin at `error`, for `SOURCE_FILE_GLOBS`, with the TypeScript parser. */
    recommended: Linter.Config;
  };
}

const loadTsParser = lazyRequire<typeof TsParser>("@typescript-eslint/parser");
const tsParserVersion = lazyRequire<{ version: string }>("@typescript-eslint/parser/package.json");

/**
 * `@typescript-eslint/parser`, loaded on the first parse. `meta` (what ESLint's cache and config
 * inspector read) is the real parser's: its name and its version, read from its package.json when asked.
 */
export const parser: Linter.Parser = {
  meta: {
    name: "typescript-eslint/parser",
    get version(): string {
      return tsParserVersion().version;
    },
  },
  parseForESLint: (text: string, options?: unknown) =>
    // typescript-eslint's AST types name token kinds differently from ESLint's ESTree types; the objects
    // are the ones ESLint gets from `@typescript-eslint/parser` itself.
    loadTsParser().parseForESLint(text, options as TsParser.ParserOptions) as unknown as Linter.ESLintParseResult,
};

const plugin: ProductionSafetyPlugin = {
  meta: { name: packageName, version: packageVersion },
  // The rules are typescript-eslint `RuleModule`s; they are ESLint rules at run time, and typed as such here
  // (typescript-eslint's types differ from ESLint's in details no rule relies on).
  rules: rules as unknown as ProductionSafetyPlugin["rules"],
  configs: { recommended: {} },
};

/** `{ "production-safety/<rule>": "error" }` for every ESLint rule of the plugin. */
export function allRulesAtError(): Record<string, "error"> {
  return Object.fromEntries(Object.keys(rules).map((name) => [`${PLUGIN_NAMESPACE}/${name}`, "error" as const]));
}

plugin.configs.recommended = {
  name: `${PLUGIN_NAMESPACE}/recommended`,
  files: SOURCE_FILE_GLOBS,
  plugins: { [PLUGIN_NAMESPACE]: plugin },
  languageOptions: { parser },
  rules: allRulesAtError(),
};

export default plugin;
// `require("eslint-plugin-production-safety")` (an eslint.config.cjs) returns the plugin itself, as
// `import` does, not the module namespace.
export { plugin as "module.exports" };
