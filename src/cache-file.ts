/**
 * The cache file of `contract-scan --cache` (src/scan-cache.ts writes it), and what the ESLint rules read
 * of it (`EditorModuleCache`): its format, its checks and its key. One JSON file per (root, contract) in
 * the cache location (default `<root>/node_modules/.cache/contract-scan/`).
 *
 * What it keeps:
 * - `hashes`: the SHA-1 of every scanned file's bytes at the last run, and `stamps`: the file's `stat`
 *   (size, modification and change times in ns, inode) when it was hashed. A file whose `stat` is the
 *   stamp is not read again: its stored hash is its hash, as git trusts its index. A file changed less than
 *   `RACY_MS` before it was read gets no stamp (a second change in the same clock tick would leave the
 *   same `stat`): it is read and hashed again on the next run;
 * - `files`: per scanned file, its findings, whether checking it asked the repository facts, and `deps`:
 *   the repository modules in the import closure (non-type imports, transitively: what the facts walk) of
 *   every module the facts were asked about while it was checked. A JavaScript/TypeScript or SQL file that
 *   asked nothing depends on its own bytes only. A non-JavaScript source also depends on every
 *   non-JavaScript source (it reads `package.json` scripts and shell scripts itself);
 * - `modules`: the repository facts of each module (imports, exports, writes, client loads: the parse
 *   results of src/facts/repo-facts.ts) by content hash, so a module is not parsed again, by a full scan
 *   or by `--changed`;
 * - `schemaFiles`: what each Prisma schema file declares (`SchemaFileRead` of src/facts/prisma-schema.ts)
 *   by content hash and this package's version, so that a warm run does not load the Prisma parser;
 * - `walk`: the listing of the repository (`StoredWalk` of src/discover.ts) with the `stat` of every
 *   folder it read, reused while none changed.
 *
 * A file's findings are reused only when, since they were stored: its bytes, the bytes of every file in
 * `deps`, and the run's key are unchanged. The key is the cache format, this package's version, the
 * Node.js version, the root, the contract (path and content, defaults filled in), the default deploy
 * script in force (the first `scripts/deploy-db.*` that exists, which decides a file's role) and the
 * Prisma schema (every schema file's bytes, and its problems); a different key drops everything.
 * `factsKey` is the same key without the Node.js version: the ESLint rules check it before they use
 * `modules` (an editor's ESLint often runs on its own Node.js, and a module's parse does not depend on it).
 * A file that asked the facts also needs the same module resolution: the list of repository modules and
 * the bytes of every `package.json`, `tsconfig*.json`, `jsconfig*.json` and `pnpm-workspace.yaml` (a
 * tsconfig `extends` outside the repository is not part of it).
 *
 * A cache file that cannot be read, is not JSON, has another format or entries of another shape is not
 * used. Nothing here writes. Below the scanner: the rules import it, so it loads nothing heavy.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { type Contract, toRepoPath } from "./contract.js";
import type { StoredWalk } from "./discover.js";
import type { SchemaFileRead } from "./facts/prisma-schema.js";
import type { ModuleFactsCache, ModuleFactsSource, StoredModuleFacts } from "./facts/repo-facts.js";
import type { RepoFacts } from "./facts/types.js";
import type { Finding } from "./finding.js";
import { packageVersion } from "./package-info.js";
import { resolveDeployScript } from "./roles.js";
import { byteLimitFor, MAX_TOOL_DATA_BYTES, type ReadBytes, readFileBytes } from "./source-text.js";

/** Written into every cache file; a file with another value is ignored. */
export const CACHE_FORMAT = "contract-scan-cache/1";

/** The default cache location under the root (the scanner writes nothing else in the repository: docs/design.md, What the scanner never does). */
export const DEFAULT_CACHE_LOCATION = path.join("node_modules", ".cache", "contract-scan");

/** What the cache keeps for one scanned file (see the module header). */
export interface CacheEntry {
  /** Whether checking the file asked the repository facts anything. */
  facts: boolean;
  /** Repository paths of the files its findings may depend on besides itself (see the module header). */
  deps: string[];
  /** For `--changed`: the file's own import closure (`RepoFacts.dependencies`, repository paths), when it is a repository module that may be a mutation script. */
  loads?: string[];
  findings: Finding[];
}

export interface CacheFile {
  format: string;
  key: string;
  /** `factsKey` of `cacheKeys` (the key without the Node.js version): what the ESLint rules check before they use `modules`. */
  factsKey?: string;
  resolution: string;
  hashes: Record<string, string>;
  /** Repository path -> `statStamp` of the file when its hash was taken (absent: read it again). */
  stamps?: Record<string, string>;
  files: Record<string, CacheEntry>;
  /** Per module: `hash` (the facts' own content hash), `bytes` (`hashBytes` when stored), the facts. */
  modules: Record<string, StoredModule>;
  /** Per Prisma schema file read in the run: the facts' content hash, the package version that read it, the read. */
  schemaFiles?: Record<string, StoredSchemaFile>;
  /** The walk of the repository (src/discover.ts `StoredWalk`) and the package version that walked. */
  walk?: { tool: string; walk: StoredWalk };
}

/** True for a `StoredWalk` as src/discover.ts stores it (a doctored cache file must not crash the scan). */
export function isStoredWalk(value: unknown): value is StoredWalk {
  const stringValues = (v: unknown): boolean => isObject(v) && Object.values(v).every((x) => typeof x === "string");
  return (
    isObject(value) &&
    stringValues(value.dirs) &&
    stringValues(value.ignoreFiles) &&
    Array.isArray(value.entries) &&
    value.entries.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && (e[1] === "regular" || e[1] === "link" || e[1] === "special"))
  );
}

export interface StoredSchemaFile {
  hash: string;
  tool: string;
  read: SchemaFileRead;
}

/** True for a `SchemaFileRead` as `readSchemaFile` returns it (a doctored cache file must not crash the scan). */
export function isSchemaFileRead(value: unknown): value is SchemaFileRead {
  if (!isObject(value)) return false;
  if (isObject(value.problem)) return typeof value.problem.message === "string" && typeof value.problem.line === "number" && typeof value.problem.column === "number";
  const blocks = value.blocks;
  if (!isObject(blocks) || !Array.isArray(blocks.generators) || !Array.isArray(blocks.models)) return false;
  const optionalString = (v: unknown): boolean => v === undefined || typeof v === "string";
  return (
    blocks.generators.every((g) => isObject(g) && optionalString(g.provider) && optionalString(g.output)) &&
    blocks.models.every(
      (m) =>
        isObject(m) &&
        typeof m.name === "string" &&
        typeof m.table === "string" &&
        Array.isArray(m.fields) &&
        m.fields.every((f) => isObject(f) && typeof f.name === "string" && (f.type === null || typeof f.type === "string") && typeof f.column === "string"),
    )
  );
}

export interface StoredModule {
  hash: string;
  bytes: string | undefined;
  verbatim: boolean;
  facts: StoredModuleFacts;
}

/** SHA-1 (base64) of a file's bytes, the unit of `hashes`. */
export function hashBytes(bytes: Buffer | string): string {
  return createHash("sha1").update(bytes).digest("base64");
}

/** The hash of a file's bytes read through the bounded reader (src/source-text.ts), or "-" when it was refused. */
export function hashOfRead(read: ReadBytes): string {
  return "bytes" in read ? hashBytes(read.bytes) : "-";
}

/** SHA-256 (hex) of parts, for keys. */
export function digest(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest("hex");
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A parsed cache file, or undefined when it is not one of this format (see the module header). */
export function asCacheFile(value: unknown): CacheFile | undefined {
  if (!isObject(value) || value.format !== CACHE_FORMAT) return undefined;
  if (typeof value.key !== "string" || typeof value.resolution !== "string") return undefined;
  if (value.factsKey !== undefined && typeof value.factsKey !== "string") return undefined;
  if (!isObject(value.hashes) || !isObject(value.files) || !isObject(value.modules)) return undefined;
  if (value.stamps !== undefined && !isObject(value.stamps)) return undefined;
  if (value.schemaFiles !== undefined && !isObject(value.schemaFiles)) return undefined;
  if (value.walk !== undefined && !isObject(value.walk)) return undefined;
  for (const entry of Object.values(value.files)) {
    if (!isObject(entry) || typeof entry.facts !== "boolean" || !Array.isArray(entry.deps) || !Array.isArray(entry.findings)) return undefined;
  }
  for (const module of Object.values(value.modules)) if (!isStoredModule(module)) return undefined;
  return value as unknown as CacheFile;
}

/** The outer shape of a `modules` entry (what the facts check when they restore it: src/facts/repo-facts.ts). */
export function isStoredModule(value: unknown): value is StoredModule {
  if (!isObject(value) || typeof value.hash !== "string" || typeof value.verbatim !== "boolean" || !isObject(value.facts)) return false;
  const { imports, problem, summary } = value.facts;
  return Array.isArray(imports) && (problem === null || isObject(problem)) && (summary === null || isObject(summary));
}

/** The cache file a bounded read gave, or undefined (refused, not JSON, not this format). */
export function parseCacheFile(read: ReadBytes): CacheFile | undefined {
  if (!("bytes" in read)) return undefined;
  try {
    return asCacheFile(JSON.parse(read.bytes.toString("utf8")));
  } catch {
    return undefined;
  }
}

/**
 * A stored schema file read when it was made from this content (`hash`, the facts' own) by this
 * package's version and has the shape `readSchemaFile` gives, else undefined.
 */
export function usableSchemaRead(stored: StoredSchemaFile | undefined, hash: string): SchemaFileRead | undefined {
  return isObject(stored) && stored.hash === hash && stored.tool === packageVersion && isSchemaFileRead(stored.read) ? stored.read : undefined;
}

/** A stored module's facts when they were computed from this content (`hash`) and `verbatimModuleSyntax`, else undefined. */
export function matchingFacts(module: StoredModule | undefined, hash: string, verbatim: boolean): StoredModuleFacts | undefined {
  // (`hash` is the facts' own hash of the decoded text: equal hashes mean equal text.)
  return module !== undefined && module.hash === hash && module.verbatim === verbatim ? module.facts : undefined;
}

/**
 * The cache file of a root and contract in a cache folder: `<location>/cache-<digest>.json`, one per
 * (root, contract path), the same for `contract-scan` and the ESLint rules.
 * @param location absolute folder.
 * @param root the repository root.
 * @param contractPath the contract's repository path, or null for the defaults.
 * @returns an absolute path.
 */
export function cacheFilePath(location: string, root: string, contractPath: string | null): string {
  return path.join(location, `cache-${digest([path.resolve(root), contractPath ?? ""]).slice(0, 16)}.json`);
}

/** What the key of a cache file is computed from (see `cacheKeys`). */
export interface CacheKeyInput {
  /** The repository root. */
  root: string;
  /** The contract in force (defaults filled in). */
  contract: Contract;
  /** The contract's repository path, or null for the defaults. */
  contractPath: string | null;
  /** Facts over the root (the scan's, or the rules' live facts): where the Prisma schema is and its problems. */
  facts: Pick<RepoFacts, "prismaSchema" | "schemaErrors">;
}

/**
 * The keys of a cache file (see the module header). `key`: the cache format, this package's version, the
 * Node.js version, the root, the contract's path and content, the default deploy script in force and the
 * Prisma schema (each schema file's path and bytes, read through the bounded reader, and its problems);
 * stored findings are used only under an equal `key`. `factsKey`: the same without the Node.js version,
 * what the ESLint rules check before they use the stored module facts, since an editor's ESLint often
 * runs on its own Node.js (VS Code's Electron) and a module's parse does not depend on it, where stored
 * findings follow ESLint's cache and are reused on the same Node.js only. Reads the schema files once,
 * synchronously (a few small files; the ESLint rules are synchronous). Never throws.
 * @returns SHA-256 digests (hex).
 */
export function cacheKeys(input: CacheKeyInput): { key: string; factsKey: string } {
  const { root, facts } = input;
  // The Prisma schema as the facts find it: every schema file's bytes, and the problems.
  const schemaParts: string[] = [];
  for (const file of facts.prismaSchema?.files ?? []) schemaParts.push(toRepoPath(root, file), hashOfRead(readFileBytes(file, byteLimitFor(file))));
  for (const problem of facts.schemaErrors) schemaParts.push(`${toRepoPath(root, problem.file)}:${problem.line}:${problem.column}:${problem.message}`);
  // The default deploy script is the first of scripts/deploy-db.* that exists: it decides a file's role.
  const deployScript = resolveDeployScript(input.contract, root) ?? "";
  const keyFor = (nodeVersion: string): string =>
    digest([CACHE_FORMAT, packageVersion, nodeVersion, path.resolve(root), input.contractPath ?? "", JSON.stringify(input.contract), deployScript, digest(schemaParts)]);
  return { key: keyFor(process.version), factsKey: keyFor("") };
}

/**
 * The module facts a `contract-scan --cache` run stored, for the live repository facts of the ESLint
 * rules (an editor), so that they do not parse again what the scan parsed. Read-only: a lint run writes
 * nothing into the repository, so `set` keeps nothing (the facts keep what they parse in memory anyway).
 *
 * The cache file is read on the first `get` (not when a rule is created), once, through the bounded
 * reader, synchronously. A missing, unreadable, oversized, corrupt or foreign file gives nothing, never
 * an error. A stored module's facts are used only while the file's `factsKey` equals the `factsKey` of
 * `cacheKeys` (without the Node.js version: an editor's ESLint may run on another one) for this root, contract and the facts'
 * current Prisma schema (checked again when the schema changes), and its stored
 * content hash and `verbatimModuleSyntax` equal the module's now (the facts hash the text they read, the
 * editor's unsaved buffer included, so an edited module is parsed). The resolution digest is not
 * checked: a module's facts are its own parse (import specifiers, exports, writes), resolved by the
 * facts at each question. The Prisma schema files' stored reads are used as `ScanCache` uses them (by
 * content hash and this package's version), so the first lint need not load the Prisma parser either.
 */
export class EditorModuleCache implements ModuleFactsCache {
  /** undefined: not read yet; null: nothing usable. */
  private stored: Pick<CacheFile, "factsKey" | "modules" | "schemaFiles"> | null | undefined;
  /** Whether the stored key is this one, for the schema (and its problems) it was computed with. */
  private keyed: { schema: unknown; errors: unknown; matches: boolean } | undefined;

  /**
   * @param file absolute path of the cache file (`cacheFilePath`).
   * @param input the root, contract and contract path of the rules, and their live facts.
   */
  constructor(
    readonly file: string,
    private readonly input: CacheKeyInput,
  ) {}

  get(file: string, hash: string, verbatim: boolean): StoredModuleFacts | undefined {
    const modules = this.validModules();
    if (modules === undefined) return undefined;
    const repoPath = toRepoPath(this.input.root, file);
    return Object.hasOwn(modules, repoPath) ? matchingFacts(modules[repoPath], hash, verbatim) : undefined;
  }

  set(): void {
    // Read-only (see the class comment).
  }

  /**
   * A Prisma schema file's stored read, as `ScanCache.getSchemaFile` gives it: by content hash and this
   * package's version, whatever the key (the key covers the schema; the facts ask this while they read it).
   */
  getSchemaFile(file: string, hash: string): SchemaFileRead | undefined {
    const schemaFiles = this.load()?.schemaFiles;
    const repoPath = toRepoPath(this.input.root, file);
    return schemaFiles !== undefined && Object.hasOwn(schemaFiles, repoPath) ? usableSchemaRead(schemaFiles[repoPath], hash) : undefined;
  }

  /** The cache file's key, modules and schema reads, read on the first call; null when there is nothing usable. */
  private load(): Pick<CacheFile, "factsKey" | "modules" | "schemaFiles"> | null {
    if (this.stored === undefined) {
      const parsed = parseCacheFile(readFileBytes(this.file, MAX_TOOL_DATA_BYTES));
      this.stored = parsed === undefined ? null : { factsKey: parsed.factsKey, modules: parsed.modules, schemaFiles: parsed.schemaFiles };
    }
    return this.stored;
  }

  /** The stored modules when the file holds a cache under this run's key, else undefined. */
  private validModules(): CacheFile["modules"] | undefined {
    const stored = this.load();
    if (stored === null) return undefined;
    const { facts } = this.input;
    const schema = facts.prismaSchema;
    const errors = facts.schemaErrors;
    // The facts hand out the same schema and problem objects until the schema files change.
    if (this.keyed === undefined || this.keyed.schema !== schema || this.keyed.errors !== errors) {
      this.keyed = { schema, errors, matches: stored.factsKey !== undefined && cacheKeys(this.input).factsKey === stored.factsKey };
    }
    return this.keyed.matches ? stored.modules : undefined;
  }
}

/**
 * The module facts `contract-scan --cache` stored for a root and contract file, as `getRepoFacts` takes
 * them for the ESLint rules (`EditorModuleCache`; nothing is read until the facts ask).
 * @param root absolute repository root.
 * @param contract the contract loaded from `contractFile`.
 * @param contractFile absolute path of the contract file.
 * @param location absolute cache folder (`--cache-location`), or undefined for `DEFAULT_CACHE_LOCATION` under the root.
 */
export function editorModuleFacts(root: string, contract: Contract, contractFile: string, location: string | undefined): ModuleFactsSource {
  const contractPath = toRepoPath(root, contractFile);
  const file = cacheFilePath(location ?? path.join(root, DEFAULT_CACHE_LOCATION), root, contractPath);
  return { id: file, open: (facts) => new EditorModuleCache(file, { root, contract, contractPath, facts }) };
}

