/**
 * Every ESLint rule of the plugin, by name (the file name in `rules/` equals the rule name).
 * Scanner-only checks (SPEC §6.12: parse-error, no-stale-allowlist, deploy-pipeline-order,
 * no-contract-expansion) are not ESLint rules and are not listed here.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import noBypassEnv from "../rules/no-bypass-env.js";
import noDestructiveSql from "../rules/no-destructive-sql.js";

/** Rule name (without the `production-safety/` namespace) -> rule module. */
export const rules: Record<string, TSESLint.RuleModule<string, readonly unknown[]>> = {
  "no-bypass-env": noBypassEnv,
  "no-destructive-sql": noDestructiveSql,
};
