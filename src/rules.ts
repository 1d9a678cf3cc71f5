/**
 * Every ESLint rule of the plugin, by name (the file name in `rules/` equals the rule name).
 * Scanner-only checks (docs/design.md, Scanner-only checks: parse-error, no-stale-allowlist, deploy-pipeline-order,
 * no-contract-expansion) are not ESLint rules and are not listed here.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import deployScriptOnlyMigrates from "../rules/deploy-script-only-migrates.js";
import deprecatedScriptExits from "../rules/deprecated-script-exits.js";
import dryRunByDefault from "../rules/dry-run-by-default.js";
import envFailClosed from "../rules/env-fail-closed.js";
import mutationScope from "../rules/mutation-scope.js";
import noBypassEnv from "../rules/no-bypass-env.js";
import noContractDisable from "../rules/no-contract-disable.js";
import noDestructiveSql from "../rules/no-destructive-sql.js";
import noDirectPrismaCli from "../rules/no-direct-prisma-cli.js";
import noUnlistedMutationScript from "../rules/no-unlisted-mutation-script.js";
import requireBackup from "../rules/require-backup.js";
import requireCiGuard from "../rules/require-ci-guard.js";
import requireFingerprint from "../rules/require-fingerprint.js";
import requireProductionCheck from "../rules/require-production-check.js";

/** Rule name (without the `production-safety/` namespace) -> rule module. */
export const rules: Record<string, TSESLint.RuleModule<string, readonly unknown[]>> = {
  "deploy-script-only-migrates": deployScriptOnlyMigrates,
  "deprecated-script-exits": deprecatedScriptExits,
  "dry-run-by-default": dryRunByDefault,
  "env-fail-closed": envFailClosed,
  "mutation-scope": mutationScope,
  "no-bypass-env": noBypassEnv,
  "no-contract-disable": noContractDisable,
  "no-destructive-sql": noDestructiveSql,
  "no-direct-prisma-cli": noDirectPrismaCli,
  "no-unlisted-mutation-script": noUnlistedMutationScript,
  "require-backup": requireBackup,
  "require-ci-guard": requireCiGuard,
  "require-fingerprint": requireFingerprint,
  "require-production-check": requireProductionCheck,
};
