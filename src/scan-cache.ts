/**
 * The persistent cache of `contract-scan --cache` (on by default with `--changed`), modelled on ESLint's
 * `--cache` but keyed for a whole-repository analysis. One JSON file per (root, contract) in the cache
 * location (default `<root>/node_modules/.cache/contract-scan/`), written atomically
 * (`write-file-atomic`: a temporary file in the same folder, then a rename). Nothing is written anywhere
 * else.
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
 *   by content hash and this package's version, so that a warm run does not load the Prisma parser.
 *
 * A file's findings are reused only when, since they were stored: its bytes, the bytes of every file in
 * `deps`, and the run's key are unchanged. The key is the cache format, this package's version, the
 * Node.js version, the root, the contract (path and content, defaults filled in), the default deploy
 * script in force (the first `scripts/deploy-db.*` that exists, which decides a file's role) and the
 * Prisma schema (every schema file's bytes, and its problems); a different key drops everything.
 * A file that asked the facts also needs the same module resolution: the list of repository modules and
 * the bytes of every `package.json`, `tsconfig*.json`, `jsconfig*.json` and `pnpm-workspace.yaml` (a
 * tsconfig `extends` outside the repository is not part of it).
 *
 * A cache file that cannot be read, is not JSON, or has another format is ignored and rewritten; one that
 * cannot be written leaves the scan's result unchanged (`ScanCache.save` returns the error).
 *
 * The ESLint rules read the module facts of the same file, never write it (`EditorModuleCache`): one
 * `cacheFilePath` and one `cacheKey` serve both.
 */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type WriteFileAtomic from "write-file-atomic";
import { isMutationScriptCandidate } from "./changed.js";
import { type Contract, toRepoPath } from "./contract.js";
import { nonJsSourceKind, type StoredWalk, type WalkCache } from "./discover.js";
import type { SchemaFileRead } from "./facts/prisma-schema.js";
import type { ModuleFactsCache, ModuleFactsEntry, ModuleFactsSource, StoredModuleFacts } from "./facts/repo-facts.js";
import type { RepoFacts } from "./facts/types.js";
import { lazyRequire } from "./lazy-require.js";
import { packageVersion } from "./package-info.js";
import { resolveDeployScript } from "./roles.js";
import type { Finding } from "./scanner.js";
import { byteLimitFor, MAX_TOOL_DATA_BYTES, RACY_MS, type ReadBytes, readFileBytes, readFileBytesAsync, statStamp } from "./source-text.js";

// Loaded on first use: the ESLint rules import this module (`EditorModuleCache`) and read, never write.
const loadWriteFileAtomic = lazyRequire<typeof WriteFileAtomic>("write-file-atomic");

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

interface CacheFile {
  format: string;
  key: string;
  /** `cacheKey` without the Node.js version: what the ESLint rules check before they use `modules`. */
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
function isStoredWalk(value: unknown): value is StoredWalk {
  const stringValues = (v: unknown): boolean => isObject(v) && Object.values(v).every((x) => typeof x === "string");
  return (
    isObject(value) &&
    stringValues(value.dirs) &&
    stringValues(value.ignoreFiles) &&
    Array.isArray(value.entries) &&
    value.entries.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && (e[1] === "regular" || e[1] === "link" || e[1] === "special"))
  );
}

interface StoredSchemaFile {
  hash: string;
  tool: string;
  read: SchemaFileRead;
}

/** True for a `SchemaFileRead` as `readSchemaFile` returns it (a doctored cache file must not crash the scan). */
function isSchemaFileRead(value: unknown): value is SchemaFileRead {
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

interface StoredModule {
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
function hashOfRead(read: ReadBytes): string {
  return "bytes" in read ? hashBytes(read.bytes) : "-";
}

/** `hashOfRead` of a file (asynchronously). */
async function hashFile(file: string): Promise<string> {
  return hashOfRead(await readFileBytesAsync(file, byteLimitFor(file)));
}

/** SHA-256 (hex) of parts, for keys. */
export function digest(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest("hex");
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A parsed cache file, or undefined when it is not one of this format (see the module header). */
function asCacheFile(value: unknown): CacheFile | undefined {
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
function isStoredModule(value: unknown): value is StoredModule {
  if (!isObject(value) || typeof value.hash !== "string" || typeof value.verbatim !== "boolean" || !isObject(value.facts)) return false;
  const { imports, problem, summary } = value.facts;
  return Array.isArray(imports) && (problem === null || isObject(problem)) && (summary === null || isObject(summary));
}

/** The cache file a bounded read gave, or undefined (refused, not JSON, not this format). */
function parseCacheFile(read: ReadBytes): CacheFile | undefined {
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
function usableSchemaRead(stored: StoredSchemaFile | undefined, hash: string): SchemaFileRead | undefined {
  return isObject(stored) && stored.hash === hash && stored.tool === packageVersion && isSchemaFileRead(stored.read) ? stored.read : undefined;
}

/** A stored module's facts when they were computed from this content (`hash`) and `verbatimModuleSyntax`, else undefined. */
function matchingFacts(module: StoredModule | undefined, hash: string, verbatim: boolean): StoredModuleFacts | undefined {
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

/** What the key of a cache file is computed from (see `cacheKey`). */
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
 * The key of a cache file (see the module header): the cache format, this package's version, the Node.js
 * version, the root, the contract's path and content, the default deploy script in force and the Prisma
 * schema (each schema file's path and bytes, read through the bounded reader, and its problems). Stored
 * findings and module facts are used only under an equal key. Reads the schema files synchronously (a
 * few small files; the ESLint rules are synchronous). Never throws.
 * @param nodeVersion the Node.js version in the key; null leaves it out: the key of the module facts that
 *   the ESLint rules read (`factsKey`), since an editor's ESLint often runs on its own Node.js (VS Code's
 *   Electron) and a module's parse does not depend on it, where stored findings follow ESLint's cache
 *   and are reused on the same Node.js only.
 * @returns a SHA-256 digest (hex).
 */
export function cacheKey(input: CacheKeyInput, nodeVersion: string | null = process.version): string {
  const { root, facts } = input;
  // The Prisma schema as the facts find it: every schema file's bytes, and the problems.
  const schemaParts: string[] = [];
  for (const file of facts.prismaSchema?.files ?? []) schemaParts.push(toRepoPath(root, file), hashOfRead(readFileBytes(file, byteLimitFor(file))));
  for (const problem of facts.schemaErrors) schemaParts.push(`${toRepoPath(root, problem.file)}:${problem.line}:${problem.column}:${problem.message}`);
  // The default deploy script is the first of scripts/deploy-db.* that exists: it decides a file's role.
  const deployScript = resolveDeployScript(input.contract, root) ?? "";
  return digest([CACHE_FORMAT, packageVersion, nodeVersion ?? "", path.resolve(root), input.contractPath ?? "", JSON.stringify(input.contract), deployScript, digest(schemaParts)]);
}

/** Counts of one run, for `--debug` and the tests. */
export interface CacheStats {
  /** Files whose findings came from the cache. */
  reused: number;
  /** Repository paths of the files checked (not reused), sorted. */
  checked: string[];
}

/**
 * One run's view of the cache file: the previous run's entries (checked against this run's hashes and
 * key) and this run's new entries, saved together at the end.
 */
export class ScanCache implements ModuleFactsCache, WalkCache {
  private previous: CacheFile | undefined;
  private key = "";
  private factsKey = "";
  private resolution = "";
  private hashes = new Map<string, string>();
  private stamps = new Map<string, string>();
  private readonly entries = new Map<string, CacheEntry>();
  private readonly modules = new Map<string, StoredModule>();
  private readonly schemaFiles = new Map<string, StoredSchemaFile>();
  private walk: StoredWalk | undefined;
  private readonly validity = new Map<string, boolean>();
  readonly stats: CacheStats = { reused: 0, checked: [] };

  private constructor(
    /** Absolute path of the cache file. */
    readonly file: string,
    /** Absolute repository root (entries are keyed by repository path). */
    private readonly root: string,
    previous: CacheFile | undefined,
  ) {
    this.previous = previous;
  }

  /**
   * Opens the cache file for a root and contract in `location` (a folder). A missing, unreadable or
   * foreign file gives an empty cache. Never throws.
   * @param location absolute folder.
   * @param contractFile the contract's repository path, or null for the defaults (one file per contract).
   */
  static async open(location: string, root: string, contractFile: string | null): Promise<ScanCache> {
    const file = cacheFilePath(location, root, contractFile);
    // Through the bounded reader (src/source-text.ts): a cache file swapped for a FIFO or device is not waited on.
    return new ScanCache(file, root, parseCacheFile(await readFileBytesAsync(file, MAX_TOOL_DATA_BYTES)));
  }

  /** Whether the file this cache was opened from held a usable cache (false: missing, corrupt or foreign). */
  get loaded(): boolean {
    return this.previous !== undefined;
  }

  /**
   * Starts the run: this run's key, resolution digest and file hashes. A previous cache with another key
   * is dropped whole.
   * @param hashes repository path -> `hashBytes` of every scanned file that could be read.
   * @param stamps repository path -> `statStamp` of the files whose hash may be trusted by it next time.
   */
  begin(key: string, factsKey: string, resolution: string, hashes: ReadonlyMap<string, string>, stamps: ReadonlyMap<string, string>): void {
    this.key = key;
    this.factsKey = factsKey;
    this.resolution = resolution;
    this.hashes = new Map(hashes);
    this.stamps = new Map(stamps);
    if (this.previous !== undefined && this.previous.key !== key) this.previous = undefined;
  }

  /** The stored hash of a file whose `stat` is still the stamp stored with it, else undefined (read it). */
  storedHash(repoPath: string, stamp: string): string | undefined {
    return this.previous?.stamps?.[repoPath] === stamp ? this.previous.hashes[repoPath] : undefined;
  }

  private unchanged(repoPath: string): boolean {
    const now = this.hashes.get(repoPath);
    return now !== undefined && this.previous?.hashes[repoPath] === now;
  }

  /** The previous entry of a file when it is still valid (see the module header). */
  private validEntry(repoPath: string): CacheEntry | undefined {
    const entry = this.previous?.files[repoPath];
    if (entry === undefined) return undefined;
    let valid = this.validity.get(repoPath);
    if (valid === undefined) {
      valid = this.unchanged(repoPath) && entry.deps.every((d) => this.unchanged(d)) && (!entry.facts || this.previous!.resolution === this.resolution);
      this.validity.set(repoPath, valid);
    }
    return valid ? entry : undefined;
  }

  /** The stored findings of a file when they can be reused, counted in `stats`; else undefined. */
  findings(repoPath: string): Finding[] | undefined {
    const entry = this.validEntry(repoPath);
    if (entry === undefined) return undefined;
    this.stats.reused += 1;
    return entry.findings;
  }

  /** Stores what checking a file found (counted in `stats.checked`). */
  store(repoPath: string, entry: CacheEntry): void {
    this.stats.checked.push(repoPath);
    if (this.hashes.has(repoPath)) this.entries.set(repoPath, entry);
  }

  /**
   * For `--changed`: the candidates among `among` whose import closure reaches a target, as far as valid
   * entries tell (see the module header of src/changed.ts); the others are returned in `unknown` for the
   * repository facts to answer. A candidate whose stored closure and own bytes are unchanged, apart from
   * targets, reaches a target now exactly when its stored closure holds one: every module on the way is
   * unchanged up to the first target.
   * @param targets repository paths of the changed modules.
   * @param among repository paths of the candidates.
   */
  dependents(targets: ReadonlySet<string>, among: readonly string[]): { reached: string[]; unknown: string[] } {
    const reached: string[] = [];
    const unknown: string[] = [];
    const resolutionSame = this.previous !== undefined && this.previous.resolution === this.resolution;
    for (const candidate of among) {
      if (targets.has(candidate)) continue; // a changed file is covered anyway
      const entry = this.previous?.files[candidate];
      const loads = entry?.loads;
      if (!resolutionSame || loads === undefined || !this.unchanged(candidate) || !loads.every((m) => targets.has(m) || this.unchanged(m))) {
        unknown.push(candidate);
        continue;
      }
      if (loads.some((m) => targets.has(m))) reached.push(candidate);
    }
    return { reached, unknown };
  }

  get(file: string, hash: string, verbatim: boolean): StoredModuleFacts | undefined {
    const repoPath = this.repoPath(file);
    return matchingFacts(this.modules.get(repoPath), hash, verbatim) ?? matchingFacts(this.previous?.modules[repoPath], hash, verbatim);
  }

  set(file: string, hash: string, verbatim: boolean, facts: StoredModuleFacts): void {
    const repoPath = this.repoPath(file);
    this.modules.set(repoPath, { hash, bytes: this.hashes.get(repoPath), verbatim, facts });
  }

  /** The walk the previous run stored (this package's version, the right shape), for src/discover.ts to check. */
  get storedWalk(): StoredWalk | undefined {
    const walk = this.previous?.walk;
    return walk !== undefined && walk.tool === packageVersion && isStoredWalk(walk.walk) ? walk.walk : undefined;
  }

  /** This run's walk, written with the cache (undefined: none). */
  storeWalk(walk: StoredWalk | undefined): void {
    this.walk = walk;
  }

  getSchemaFile(file: string, hash: string): SchemaFileRead | undefined {
    const repoPath = this.repoPath(file);
    const stored = this.schemaFiles.get(repoPath) ?? this.previous?.schemaFiles?.[repoPath];
    const read = usableSchemaRead(stored, hash);
    if (read !== undefined) this.schemaFiles.set(repoPath, stored!);
    return read;
  }

  setSchemaFile(file: string, hash: string, read: SchemaFileRead): void {
    this.schemaFiles.set(this.repoPath(file), { hash, tool: packageVersion, read });
  }

  /** Every module's facts this cache holds for this run (set in this run, or stored for the bytes the file has now), with absolute paths. */
  validModules(): ModuleFactsEntry[] {
    const entries: ModuleFactsEntry[] = [];
    const previousModules = this.previous?.modules ?? {};
    for (const [repoPath, bytes] of this.hashes) {
      const module = this.modules.get(repoPath) ?? previousModules[repoPath];
      if (module !== undefined && module.bytes === bytes) entries.push({ file: path.join(this.root, repoPath), hash: module.hash, verbatim: module.verbatim, facts: module.facts });
    }
    return entries;
  }

  private repoPath(file: string): string {
    return path.relative(this.root, file).split(path.sep).join("/");
  }

  /**
   * Writes this run's cache: this run's entries, and the previous entries that are still valid against
   * this run's files (an entry this run neither checked nor could validate is dropped, so the hashes
   * written are the ones every kept entry was checked against). Module facts are kept for files whose
   * bytes are the ones they were computed from.
   * @returns undefined, or the error that kept the cache from being written (the scan is unaffected).
   */
  async save(): Promise<Error | undefined> {
    const files: Record<string, CacheEntry> = {};
    for (const repoPath of [...this.hashes.keys()].sort()) {
      const entry = this.entries.get(repoPath) ?? this.validEntry(repoPath);
      if (entry !== undefined) files[repoPath] = entry;
    }
    const modules: CacheFile["modules"] = {};
    const previousModules = this.previous?.modules ?? {};
    for (const repoPath of [...this.hashes.keys()].sort()) {
      const module = this.modules.get(repoPath) ?? previousModules[repoPath];
      if (module !== undefined && module.bytes === this.hashes.get(repoPath)) modules[repoPath] = module;
    }
    const stamps = Object.fromEntries([...this.stamps].filter(([repoPath]) => this.hashes.has(repoPath)));
    const content: CacheFile = { format: CACHE_FORMAT, key: this.key, factsKey: this.factsKey, resolution: this.resolution, hashes: Object.fromEntries([...this.hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), stamps, files, modules,
      schemaFiles: Object.fromEntries(this.schemaFiles),
      ...(this.walk === undefined ? {} : { walk: { tool: packageVersion, walk: this.walk } }),
    };
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await loadWriteFileAtomic()(this.file, JSON.stringify(content));
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }
}

/**
 * The module facts a `contract-scan --cache` run stored, for the live repository facts of the ESLint
 * rules (an editor), so that they do not parse again what the scan parsed. Read-only: a lint run writes
 * nothing into the repository, so `set` keeps nothing (the facts keep what they parse in memory anyway).
 *
 * The cache file is read on the first `get` (not when a rule is created), once, through the bounded
 * reader, synchronously. A missing, unreadable, oversized, corrupt or foreign file gives nothing, never
 * an error. A stored module's facts are used only while the file's `factsKey` equals `cacheKey` (without
 * the Node.js version: an editor's ESLint may run on another one) of this root, contract and the facts'
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
      this.keyed = { schema, errors, matches: stored.factsKey !== undefined && cacheKey(this.input, null) === stored.factsKey };
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

/** What `CachedRun` needs to know about the scan. */
export interface CachedRunInput {
  /** Absolute repository root. */
  root: string;
  contract: Contract;
  /** The contract's repository path, or null for the defaults. */
  contractPath: string | null;
  /** The scanner's files (absolute). */
  files: readonly string[];
  /** The repository modules the facts follow (absolute), a subset of `files`. */
  modules: readonly string[];
  /** The files that configure module resolution (`Discovered.configs` of src/discover.ts: repository paths, sorted). */
  configs: readonly string[];
  /** The scan's facts, created with this run's `cache` as their `moduleCache` and not asked anything yet. */
  facts: RepoFacts;
  cache: ScanCache;
}

/** What the facts were asked while one file was checked: whether anything, and the absolute paths the questions named. */
export interface Recorder {
  asked: boolean;
  subjects: Set<string>;
}

/**
 * A view of `facts` that records every question in the recorder `current()` returns (none: not
 * recorded). `withFileText` is not a question; the facts' calls of their own methods are not recorded.
 * Used by `CachedRun` and by the worker threads of src/workers.ts (one implementation of the recording).
 */
export function recordingFacts(facts: RepoFacts, current: () => Recorder | undefined): RepoFacts {
  return new Proxy(facts, {
    get(target, property) {
      // The target as `this`, so that the facts' own calls of their methods are not recorded.
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || property === "withFileText") return value;
      return (...args: unknown[]) => {
        const recorder = current();
        if (recorder !== undefined) {
          recorder.asked = true;
          for (const arg of args) if (typeof arg === "string" && path.isAbsolute(arg)) recorder.subjects.add(path.resolve(arg));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * One scan with the cache: reads and hashes the files, computes the key (the Prisma schema through the
 * facts) and the resolution digest, and records, while each file is checked, which modules the facts
 * were asked about (through `facts`, a recording view of the scan's facts to register for the rules).
 */
export class CachedRun {
  /** The facts to register for the rules: every question is recorded for the file being checked. */
  readonly facts: RepoFacts;
  private recorder: Recorder | undefined;
  private readonly closures = new Map<string, readonly string[]>();
  private nonJsSources: string[] = [];
  private readonly moduleSet: ReadonlySet<string>;

  private constructor(private readonly input: CachedRunInput) {
    this.moduleSet = new Set(input.modules.map((m) => path.resolve(m)));
    this.facts = recordingFacts(input.facts, () => this.recorder);
  }

  /**
   * Hashes every file, computes the key and the resolution digest, and begins the cache's run.
   * Never throws for a file (an unreadable file has no hash: it is always checked).
   */
  static async start(input: CachedRunInput): Promise<CachedRun> {
    const run = new CachedRun(input);
    const { root, facts } = input;
    const hashes = new Map<string, string>();
    const stamps = new Map<string, string>();
    // A file whose stat is the stamp stored with its hash is not read (see the module header).
    const toRead: { file: string; repoPath: string; stat: ReturnType<typeof statStamp> }[] = [];
    for (const file of input.files) {
      const repoPath = toRepoPath(root, file);
      const stat = statStamp(file, "file");
      const stored = stat === undefined ? undefined : input.cache.storedHash(repoPath, stat.stamp);
      if (stored === undefined || stat === undefined) toRead.push({ file, repoPath, stat });
      else {
        hashes.set(repoPath, stored);
        stamps.set(repoPath, stat.stamp);
      }
    }
    const readStartedMs = Date.now();
    // 32 reads at a time: enough to keep the disk busy, far from the open-file limit.
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < toRead.length) {
        const { file, repoPath, stat } = toRead[next++]!;
        // A file the reader refuses (src/source-text.ts) has no hash: checked every time, never stored.
        const read = await readFileBytesAsync(file, byteLimitFor(file));
        if (!("bytes" in read)) continue;
        hashes.set(repoPath, hashBytes(read.bytes));
        // The stat was taken before the read: a change after it gives another stat next time.
        if (stat !== undefined && readStartedMs - stat.changedMs > RACY_MS) stamps.set(repoPath, stat.stamp);
      }
    };
    await Promise.all(Array.from({ length: 32 }, reader));
    run.nonJsSources = input.files.filter((f) => run.isNonJsSource(f)).map((f) => toRepoPath(root, f));
    const keyInput = { root, contract: input.contract, contractPath: input.contractPath, facts };
    // Module resolution: the modules there are, and the files that configure resolution.
    const resolutionParts = input.modules.map((m) => toRepoPath(root, m)).sort();
    for (const config of input.configs) resolutionParts.push(config, await hashFile(path.join(root, config)));
    for (const [repoPath, hash] of [...hashes].sort()) if (repoPath === "package.json" || repoPath.endsWith("/package.json")) resolutionParts.push(repoPath, hash);
    input.cache.begin(cacheKey(keyInput), cacheKey(keyInput, null), digest(resolutionParts), hashes, stamps);
    return run;
  }

  /** The stored findings of a file when they can be reused (see the module header of src/scan-cache.ts). */
  reuse(file: string): Finding[] | undefined {
    return this.input.cache.findings(toRepoPath(this.input.root, file));
  }

  /** Checks one file with `check` while recording what the facts are asked, and stores the findings. */
  async check(file: string, check: () => Promise<Finding[]>): Promise<Finding[]> {
    const recorder: Recorder = { asked: false, subjects: new Set() };
    this.recorder = recorder;
    let found: Finding[];
    try {
      found = await check();
    } finally {
      this.recorder = undefined;
    }
    this.record(file, found, recorder);
    return found;
  }

  /**
   * Stores the findings of a file checked elsewhere (a worker thread, src/workers.ts) with what the
   * facts were asked there (`recordingFacts`); the module facts the worker computed must have been
   * given to `addModuleFacts` first, or the closures are computed here again.
   * @param file absolute path.
   */
  record(file: string, found: Finding[], recorded: { asked: boolean; subjects: Iterable<string> }): void {
    const { root, facts, contract } = this.input;
    const repoPath = toRepoPath(root, file);
    const deps = new Set<string>();
    if (recorded.asked) for (const subject of recorded.subjects) for (const module of this.closure(path.resolve(subject))) deps.add(module);
    // A non-JavaScript source reads package.json scripts and shell scripts itself (npm-run chains, `sh x.sh`).
    if (this.isNonJsSource(file)) for (const source of this.nonJsSources) deps.add(source);
    deps.delete(repoPath);
    const loads = isMutationScriptCandidate(root, contract, file) && facts.isRepoModule(file) ? [...this.closure(path.resolve(file))].filter((m) => m !== repoPath) : undefined;
    this.input.cache.store(repoPath, { facts: recorded.asked, deps: [...deps].sort(), ...(loads === undefined ? {} : { loads: loads.sort() }), findings: found });
  }

  /** The stored module facts still valid for this run's files (for worker threads to start from, src/workers.ts). */
  moduleFacts(): ModuleFactsEntry[] {
    return this.input.cache.validModules();
  }

  /** Module facts computed elsewhere (a worker thread): kept for this run's closures and written with the cache. */
  addModuleFacts(entries: readonly ModuleFactsEntry[]): void {
    for (const entry of entries) this.input.cache.set(entry.file, entry.hash, entry.verbatim, entry.facts);
  }

  /** A non-JavaScript source (package.json, workflow, shell script, Dockerfile) among the files. */
  private isNonJsSource(file: string): boolean {
    return !this.moduleSet.has(path.resolve(file)) && !file.endsWith(".sql") && nonJsSourceKind(toRepoPath(this.input.root, file), "shell") !== undefined;
  }

  /** A repository module and its non-type import closure (repository paths); [] for anything else. */
  private closure(file: string): readonly string[] {
    let closure = this.closures.get(file);
    if (closure === undefined) {
      const { facts, root } = this.input;
      closure = facts.isRepoModule(file) ? [file, ...facts.dependencies(file)].map((m) => toRepoPath(root, m)) : [];
      this.closures.set(file, closure);
    }
    return closure;
  }

  /** `changedScope`'s `dependents`, from the stored closures where they are valid, else from the facts. */
  dependents(targets: string[], among: string[]): ReadonlySet<string> {
    const { root, facts } = this.input;
    const { reached, unknown } = this.input.cache.dependents(new Set(targets.map((t) => toRepoPath(root, t))), among.map((a) => toRepoPath(root, a)));
    const result = new Set(reached.map((r) => path.join(root, r)));
    if (unknown.length > 0) for (const file of facts.dependents(targets, unknown.map((u) => path.join(root, u)))) result.add(file);
    return result;
  }
}
