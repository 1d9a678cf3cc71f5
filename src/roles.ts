/**
 * "Which rule owns a mutation in this file" (docs/design.md, Rule groups "one problem, one finding"): every database
 * write or Prisma CLI call is reported by exactly one of, in order of specificity,
 * `deploy-script-only-migrates` (the deploy script), `deprecated-script-exits` (a deprecated script),
 * `mutation-scope` (an allowlisted script), `no-unlisted-mutation-script` (any other file in a script
 * zone) and `no-direct-prisma-cli` (everywhere else). One function decides it for every rule.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { cachedPer } from "./memo.js";
import type { Contract } from "./contract.js";
import { dataLayerIndexOf, scriptGlobOf, type Zone } from "./zones.js";

/** The role of a file in the contract, most specific first. */
export type FileRole = "deploy" | "deprecated" | "allowlisted" | "script" | "other";

/** The rule that reports a mutation or Prisma CLI call in a file of each role (). */
export const MUTATION_OWNER: Readonly<Record<FileRole, string>> = {
  deploy: "deploy-script-only-migrates",
  deprecated: "deprecated-script-exits",
  allowlisted: "mutation-scope",
  script: "no-unlisted-mutation-script",
  other: "no-direct-prisma-cli",
};

/** The default deploy script (docs/design.md, The contract `deployScript`): the first of these that exists. */
export const DEFAULT_DEPLOY_SCRIPTS = ["scripts/deploy-db.js", "scripts/deploy-db.mjs", "scripts/deploy-db.cjs", "scripts/deploy-db.ts"];

const deployCache = new WeakMap<Contract, Map<string, string | undefined>>();

/**
 * The repository-relative path of the deploy script: `contract.deployScript`, else the first of
 * DEFAULT_DEPLOY_SCRIPTS that exists under `root`, else undefined. Cached per contract and root.
 */
export function resolveDeployScript(contract: Contract, root: string): string | undefined {
  if (contract.deployScript !== undefined) return contract.deployScript;
  return cachedPer(deployCache, contract, root, () => DEFAULT_DEPLOY_SCRIPTS.find((candidate) => existsSync(path.join(root, candidate))));
}

/**
 * The role of a repository file ( order: deploy > deprecated > allowlisted > script zone > other).
 * Files in the ignore, tests and migrations zones are `other` unless the contract names them.
 * @param repoPath repository-relative POSIX path.
 */
export function fileRole(repoPath: string, zone: Zone, contract: Contract, root: string): FileRole {
  if (resolveDeployScript(contract, root) === repoPath) return "deploy";
  if (contract.deprecatedScripts.includes(repoPath)) return "deprecated";
  if (Object.hasOwn(contract.mutationScripts, repoPath)) return "allowlisted";
  if (zone === "scripts") return "script";
  return "other";
}

/**
 * Why a file may not be in the contract's `dataLayer` (docs/design.md: script zones, allowlisted, deploy and
 * deprecated scripts can never be listed), as a contract problem naming the glob; undefined when the file
 * is in no `dataLayer` glob, or is application code.
 * @param repoPath repository-relative POSIX path; `zone` and `role` as `classifyZone` and `fileRole` give them.
 */
export function dataLayerConflict(repoPath: string, zone: Zone, role: FileRole, contract: Contract): string | undefined {
  const index = dataLayerIndexOf(repoPath, contract);
  if (index < 0) return undefined;
  const what =
    role === "deploy"
      ? "the deploy script"
      : role === "deprecated"
        ? "a deprecated script"
        : role === "allowlisted"
          ? "a mutationScripts entry (an allowlisted script)"
          : zone === "scripts"
            ? `in the script zone ${JSON.stringify(scriptGlobOf(repoPath, contract) ?? "scripts")}`
            : undefined;
  if (what === undefined) return undefined;
  return `dataLayer[${index}]: ${JSON.stringify(contract.dataLayer[index])} matches ${repoPath}, ${what}; expected application code only: a script is never a data layer, so narrow the glob to the application folder that holds the data layer`;
}
