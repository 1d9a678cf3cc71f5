/**
 * How a rule finds its contract and the repository root (docs/design.md). The contract:
 * `settings["production-safety"].contract` (a path resolved against ESLint's cwd, or an inline object),
 * else the nearest `production-contract.json` above the linted file, else the defaults of docs/design.md, The contract The
 * root, against which every zone glob and contract path is matched (one rule, shared with `contract-scan`):
 * `settings["production-safety"].root` when given (resolved against ESLint's cwd), else ESLint's cwd when
 * the settings give the contract, else the folder of the contract found above the file, else ESLint's cwd.
 * All contracts go through the same loader as `contract-scan`. `settings["production-safety"].cacheLocation`
 * (resolved against ESLint's cwd) names the folder of `contract-scan --cache-location`, whose stored module
 * facts the rules read (src/cache-file.ts, `EditorModuleCache`).
 *
 * A linted file outside the root gets one finding that says so (under the first production-safety rule
 * that runs on it) and is otherwise not checked: its path cannot be matched against the contract. It is
 * not thrown, so linting the files of another package does not stop ESLint on every file.
 *
 * The contract is cached: a contract file by path, modification time and size (an editor sees edits at
 * once), an inline object by identity. Contract errors are thrown (a `ContractError`), so ESLint stops with
 * a message that names the key path rather than linting with a half-read contract.
 */
import { statSync } from "node:fs";
import path from "node:path";
import type { Rule } from "eslint";
import type { TSESLint } from "@typescript-eslint/utils";
import { type Contract, ContractError, defaultContract, findContractAbove, loadContractFile, toRepoPath, validateContract } from "./contract.js";
import { classifyZone, dataLayerIndexOf, isOutsideRoot, type Zone } from "./zones.js";
import { dataLayerConflict, type FileRole, fileRole } from "./roles.js";

/** The shape of `settings["production-safety"]`. */
export interface ProductionSafetySettings {
  /** Path of the contract file (relative to ESLint's cwd) or the contract itself. */
  contract?: string | object;
  /**
   * Repository root (relative to ESLint's cwd). Default: ESLint's cwd when `contract` is given, else the
   * folder of the contract found above the linted file.
   */
  root?: string;
  /**
   * The folder where `contract-scan --cache` keeps its cache (relative to ESLint's cwd), when it is run
   * with `--cache-location`. Default: `<root>/node_modules/.cache/contract-scan`. The rules only read it.
   */
  cacheLocation?: string;
  /**
   * Set by `contract-scan` only: the contract is already validated and the scanner runs every rule,
   * so rules do not validate again.
   */
  validated?: boolean;
}

/** What every rule knows about the file it is linting. */
export interface FileContext {
  contract: Contract;
  /**
   * Absolute path of the contract file (the settings' path, or the one found above the file); undefined
   * for an inline contract object and for the defaults (no contract file).
   */
  contractFile: string | undefined;
  /** The settings' `cacheLocation`, absolute; undefined for the default (see `ProductionSafetySettings`). */
  cacheLocation: string | undefined;
  /** Absolute repository root (the settings' root, or ESLint's cwd, or the found contract's folder). */
  root: string;
  /** Repository-relative POSIX path of the linted file. */
  repoPath: string;
  /** The file's zone; `ignore` for a file outside the root (reported once, see the module comment). */
  zone: Zone;
  /** The file's role in the contract (): which rule owns its mutations. */
  role: FileRole;
  /**
   * True for application code that a `dataLayer` glob lists (docs/design.md): row-level DELETE/UPDATE ...
   * WHERE statements are accepted there. Never true for a script (that is a contract error).
   */
  dataLayer: boolean;
}

const fileCache = new Map<string, { mtimeMs: number; size: number; contract: Contract }>();
const inlineCache = new WeakMap<object, Contract>();

/** Loads a contract file, reusing the last result while its modification time and size are unchanged. */
function loadCached(file: string): Contract {
  let stat: { mtimeMs: number; size: number };
  try {
    stat = statSync(file);
  } catch {
    // A configured path that does not exist: the loader's ContractError, not a raw ENOENT.
    fileCache.delete(file);
    return loadContractFile(file);
  }
  const hit = fileCache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.contract;
  const contract = loadContractFile(file);
  fileCache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, contract });
  return contract;
}

let defaults: Contract | undefined;

/** Files already told that they are outside the root, by their SourceCode (one lint of one file). */
const toldOutside = new WeakSet<object>();

/**
 * The contract, root and zone for the file a rule is linting.
 * @throws ContractError when the configured or found contract is invalid, a setting has the wrong type, or
 *   a `dataLayer` glob lists this file while it is a script (`dataLayerConflict`).
 */
export function getFileContext(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): FileContext {
  const settings = (context.settings["production-safety"] ?? {}) as ProductionSafetySettings;
  // `<text>` (stdin without --stdin-filename) and relative names resolve against ESLint's cwd.
  const filename = path.resolve(context.cwd, context.physicalFilename);
  if (settings.contract !== undefined && typeof settings.contract !== "string" && (typeof settings.contract !== "object" || settings.contract === null)) {
    throw new ContractError(null, [`settings["production-safety"].contract: expected a path or an inline contract object; found ${asFound(settings.contract)}`]);
  }
  if (settings.root !== undefined && typeof settings.root !== "string") {
    throw new ContractError(null, [`settings["production-safety"].root: expected a path; found ${asFound(settings.root)}`]);
  }
  if (settings.cacheLocation !== undefined && typeof settings.cacheLocation !== "string") {
    throw new ContractError(null, [`settings["production-safety"].cacheLocation: expected a path (the folder of contract-scan --cache-location); found ${asFound(settings.cacheLocation)}`]);
  }
  const cacheLocation = settings.cacheLocation === undefined ? undefined : path.resolve(context.cwd, settings.cacheLocation);
  let contract: Contract;
  let found: string | undefined;
  let contractFile: string | undefined;
  if (typeof settings.contract === "object") {
    const inline = settings.contract;
    let cached = inlineCache.get(inline);
    if (!cached) {
      cached = settings.validated === true ? (inline as Contract) : validateContract(inline, null);
      inlineCache.set(inline, cached);
    }
    contract = cached;
  } else {
    found = settings.contract === undefined ? findContractAbove(path.dirname(filename)) : undefined;
    contractFile = typeof settings.contract === "string" ? path.resolve(context.cwd, settings.contract) : found;
    contract = contractFile === undefined ? (defaults ??= defaultContract()) : loadCached(contractFile);
  }
  const root = settings.root !== undefined ? path.resolve(context.cwd, settings.root) : found !== undefined ? path.dirname(found) : path.resolve(context.cwd);
  const repoPath = toRepoPath(root, filename);
  if (isOutsideRoot(repoPath)) {
    tellOutside(context, root, settings);
    return { contract, contractFile, cacheLocation, root, repoPath, zone: "ignore", role: "other", dataLayer: false };
  }
  const zone = classifyZone(repoPath, contract);
  const role = fileRole(repoPath, zone, contract, root);
  // A script in a dataLayer glob: the contract is wrong (docs/design.md), as contract-scan says before it scans.
  const conflict = dataLayerConflict(repoPath, zone, role, contract);
  if (conflict !== undefined) throw new ContractError(contractFile ?? null, [conflict]);
  return { contract, contractFile, cacheLocation, root, repoPath, zone, role, dataLayer: zone === "app" && role === "other" && dataLayerIndexOf(repoPath, contract) >= 0 };
}

function asFound(value: unknown): string {
  return value === null ? "null" : (JSON.stringify(value) ?? typeof value);
}

/**
 * Reports, once per linted file, that the file is outside the root and why the root is where it is.
 * A plain `message` (not a `messageId`): it is the plugin's, not one rule's, so no rule's `meta.messages` holds it.
 */
function tellOutside(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>, root: string, settings: ProductionSafetySettings): void {
  if (toldOutside.has(context.sourceCode)) return;
  toldOutside.add(context.sourceCode);
  const [why, fix] =
    settings.root !== undefined
      ? ['settings["production-safety"].root', "Limit the configuration object that sets it to the files under that root (`files`), or set `root` to the repository that holds this file."]
      : settings.contract !== undefined
        ? ['ESLint\'s working directory, the root when settings["production-safety"].contract is set', 'Run ESLint from the repository root, or set settings["production-safety"].root (`root: import.meta.dirname` in eslint.config.js).']
        : ["ESLint's working directory: no production-contract.json was found above this file", "Run ESLint from the repository that holds this file, or add a production-contract.json at that repository's root."];
  (context as unknown as Rule.RuleContext).report({
    loc: { line: 1, column: 0 },
    message: `This file is outside the repository root of the production contract (${root}, ${why}), so the production-safety rules cannot match it against the contract and did not check it. ${fix}`,
  });
}
