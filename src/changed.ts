/**
 * Which files `contract-scan --changed` checks (docs/design.md, `--changed` and the baseline). The scan still builds its repository facts
 * over the whole repository (imports of unchanged modules resolve and are analysed), so a covered file
 * gets exactly the findings a full scan gives it; only the set of files checked and reported shrinks.
 *
 * Covered:
 * - every changed file (a deleted one has nothing to scan and no findings, so a baseline's entries for it
 *   are stale);
 * - every mutation-script candidate whose import graph (non-type imports, transitively) reaches a changed
 *   module: a file in a script zone, or an allowlisted, deploy or deprecated script (`fileRole` not
 *   `other`). These are the only files whose findings depend on other modules (require-ci-guard,
 *   no-unlisted-mutation-script, mutation-scope, deploy-script-only-migrates, deprecated-script-exits ask
 *   the repository facts). A script-zone file that is no mutation script today is included too: the change
 *   may be what makes it one (the imported module now loads a client or runs `prisma db push`), and it
 *   costs one lint;
 * - every such candidate, whatever it imports, when a change can alter module resolution or what a write
 *   touches for all of them: a Prisma schema, a Prisma config file (`prisma.config.ts`: where the schema
 *   is), a `tsconfig*.json`/`jsconfig*.json`, a `package.json` (workspace names, `exports`,
 *   `prisma.schema`), `pnpm-workspace.yaml`, or a deleted JavaScript/TypeScript
 *   module (its importers no longer resolve it, so the graph no longer leads to it);
 * - the contract file, when a changed or deleted path is one the contract names (`mutationScripts`,
 *   `deployScript`, `deprecatedScripts`, `ciGuard.modules`) or one of the global inputs above changed: its
 *   findings (`no-stale-allowlist`, a `prismaSchema` that matches nothing) may have changed.
 *
 * When the contract itself changed (or was added or deleted), every file's findings may change: that is a
 * full scan (`undefined`), including the scanner-only whole-repository checks.
 */
import path from "node:path";
import { CONTRACT_FILE_NAME, type Contract, toRepoPath } from "./contract.js";
import type { RepoFacts } from "./facts/types.js";
import { fileRole } from "./roles.js";
import { classifyZone } from "./zones.js";

/** Changed paths (absolute), as `changedPaths` of src/git.ts gives them; any outside the root are ignored. */
export interface ChangedFiles {
  /** Changed files that exist. */
  existing: readonly string[];
  /** Deleted files (and the old names of renamed ones). */
  deleted: readonly string[];
}

/** What `changedScope` needs. */
export interface ChangedScopeInput {
  /** Absolute repository root. */
  root: string;
  contract: Contract;
  /** Absolute path of the contract file, or undefined when the defaults are used. */
  contractFile: string | undefined;
  /** The scanner's files (absolute): the discovered JavaScript/TypeScript and other scanned files. */
  files: readonly string[];
  /** The scan's repository facts (over the whole repository). */
  facts: RepoFacts;
  changed: ChangedFiles;
  /**
   * Which of `among` import a target (default `facts.dependents`); `contract-scan --cache` answers from
   * its stored import closures where they are still valid (src/scan-cache.ts).
   */
  dependents?: (targets: string[], among: string[]) => ReadonlySet<string>;
}

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DECLARATION_FILE = /\.d\.[cm]?ts$/;
/** Files whose change can alter resolution or the schema for every module (see the module header). */
const GLOBAL_INPUT = /(?:^|\/)(?:[tj]sconfig[^/]*\.json|package\.json|pnpm-workspace\.yaml|[^/]*\.prisma|prisma\.config\.[cm]?[jt]s|\.config\/prisma\.[cm]?[jt]s)$/;

function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** Repository paths the contract names as files (the part before `#` of a `package.json#script` key). */
function namedByContract(contract: Contract): Set<string> {
  const named = new Set<string>();
  for (const key of Object.keys(contract.mutationScripts)) named.add(key.split("#")[0] ?? key);
  if (contract.deployScript !== undefined) named.add(contract.deployScript);
  for (const entry of contract.deprecatedScripts) named.add(entry);
  for (const entry of contract.ciGuard.modules) named.add(entry.replace(/^\.\//, ""));
  return named;
}

/**
 * True for a file whose findings may depend on other modules (see the module header): a
 * JavaScript/TypeScript file in a script zone, or an allowlisted, deploy or deprecated script.
 * @param file absolute path under `root`.
 */
export function isMutationScriptCandidate(root: string, contract: Contract, file: string): boolean {
  const repoPath = toRepoPath(root, file);
  return SOURCE_EXTENSION.test(file) && fileRole(repoPath, classifyZone(repoPath, contract), contract, root) !== "other";
}

/**
 * The files `--changed` covers (see the module header).
 * @returns absolute paths of every covered file (scanned or not: a changed `README.md` or a deleted file is
 *   covered and has no findings), or undefined for a full scan (the contract changed).
 */
export function changedScope(input: ChangedScopeInput): ReadonlySet<string> | undefined {
  const root = path.resolve(input.root);
  const existing = input.changed.existing.map((f) => path.resolve(f)).filter((f) => isUnder(f, root));
  const deleted = input.changed.deleted.map((f) => path.resolve(f)).filter((f) => isUnder(f, root));
  const all = [...existing, ...deleted];
  // The contract in use (it may live outside the root: `--contract ../shared/contract.json`), or, with
  // the defaults, the one that was deleted or is not loaded yet.
  const contractPath = path.resolve(input.contractFile ?? path.join(root, CONTRACT_FILE_NAME));
  if ([...input.changed.existing, ...input.changed.deleted].some((f) => path.resolve(f) === contractPath)) return undefined;

  const covered = new Set(all);
  const repoPaths = all.map((f) => toRepoPath(root, f));
  const global = repoPaths.some((p) => GLOBAL_INPUT.test(p)) || deleted.some((f) => SOURCE_EXTENSION.test(f) && !DECLARATION_FILE.test(f));
  const candidates = input.files.filter((file) => isMutationScriptCandidate(root, input.contract, file));
  if (global) {
    for (const file of candidates) covered.add(file);
  } else {
    const changedModules = existing.filter((f) => input.facts.isRepoModule(f));
    const dependents = input.dependents ?? ((targets, among) => input.facts.dependents(targets, among));
    if (changedModules.length > 0) for (const file of dependents(changedModules, candidates)) covered.add(file);
  }
  if (input.contractFile !== undefined) {
    const named = namedByContract(input.contract);
    if (global || repoPaths.some((p) => named.has(p))) covered.add(path.resolve(input.contractFile));
  }
  return covered;
}
