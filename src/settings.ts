/**
 * How a rule finds its contract (SPEC §1): `settings["production-safety"].contract` (a path, resolved
 * against ESLint's cwd, or an inline object), else the nearest `production-contract.json` above the
 * linted file, else the defaults of SPEC §2. All three go through the same loader as `contract-scan`.
 *
 * The result is cached: a contract file by path, modification time and size (an editor sees edits at once),
 * an inline object by identity. Contract errors are thrown (a `ContractError`), so ESLint stops with a
 * message that names the key path rather than linting with a half-read contract.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { TSESLint } from "@typescript-eslint/utils";
import { CONTRACT_FILE_NAME, type Contract, ContractError, defaultContract, loadContractFile, toRepoPath, validateContract } from "./contract.js";
import { classifyZone, type Zone } from "./zones.js";
import { type FileRole, fileRole } from "./roles.js";

/** The shape of `settings["production-safety"]`. */
export interface ProductionSafetySettings {
  /** Path of the contract file (relative to ESLint's cwd) or the contract itself. */
  contract?: string | object;
  /** Repository root for an inline contract (default: ESLint's cwd). */
  root?: string;
  /**
   * Set by `contract-scan` only: the contract is already validated and the scanner runs every rule,
   * so rules do not validate again.
   */
  validated?: boolean;
}

/** What every rule knows about the file it is linting. */
export interface FileContext {
  contract: Contract;
  /** Absolute repository root (the contract's directory, or the settings' root, or ESLint's cwd). */
  root: string;
  /** Repository-relative POSIX path of the linted file. */
  repoPath: string;
  zone: Zone;
  /** The file's role in the contract (§6.3): which rule owns its mutations. */
  role: FileRole;
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

function findContractAbove(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    const candidate = path.join(dir, CONTRACT_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let defaults: Contract | undefined;

/**
 * The contract, root and zone for the file a rule is linting.
 * @throws ContractError when the configured or found contract is invalid.
 */
export function getFileContext(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): FileContext {
  const settings = (context.settings["production-safety"] ?? {}) as ProductionSafetySettings;
  // `<text>` (stdin without --stdin-filename) and relative names resolve against ESLint's cwd.
  const filename = path.resolve(context.cwd, context.physicalFilename);
  let contract: Contract;
  let root: string;
  if (settings.contract !== undefined && typeof settings.contract !== "string" && (typeof settings.contract !== "object" || settings.contract === null)) {
    const found = settings.contract === null ? "null" : JSON.stringify(settings.contract) ?? typeof settings.contract;
    throw new ContractError(null, [`settings["production-safety"].contract: expected a path or an inline contract object; found ${found}`]);
  }
  if (typeof settings.contract === "object") {
    const inline = settings.contract;
    let cached = inlineCache.get(inline);
    if (!cached) {
      cached = settings.validated === true ? (inline as Contract) : validateContract(inline, null);
      inlineCache.set(inline, cached);
    }
    contract = cached;
    root = path.resolve(context.cwd, settings.root ?? ".");
  } else {
    const file = typeof settings.contract === "string" ? path.resolve(context.cwd, settings.contract) : findContractAbove(filename);
    if (file !== undefined) {
      contract = loadCached(file);
      root = path.dirname(file);
    } else {
      defaults ??= defaultContract();
      contract = defaults;
      root = path.resolve(context.cwd, settings.root ?? ".");
    }
  }
  const repoPath = toRepoPath(root, filename);
  const zone = classifyZone(repoPath, contract);
  return { contract, root, repoPath, zone, role: fileRole(repoPath, zone, contract, root) };
}
