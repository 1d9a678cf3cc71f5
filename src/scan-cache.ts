/**
 * The persistent cache of `contract-scan --cache` (on by default with `--changed`), modelled on ESLint's
 * `--cache` but keyed for a whole-repository analysis: what one run reuses and stores. The file's format,
 * what it keeps and when an entry is valid are in src/cache-file.ts. It is written atomically
 * (`write-file-atomic`: a temporary file in the same folder, then a rename); nothing is written anywhere
 * else, and a file that cannot be written leaves the scan's result unchanged (`ScanCache.save` returns
 * the error).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";
import {
  CACHE_FORMAT,
  type CacheEntry,
  type CacheFile,
  cacheFilePath,
  cacheKeys,
  digest,
  hashBytes,
  hashOfRead,
  isStoredWalk,
  matchingFacts,
  parseCacheFile,
  type StoredModule,
  type StoredSchemaFile,
  usableSchemaRead,
} from "./cache-file.js";
import { isMutationScriptCandidate } from "./changed.js";
import { type Contract, toRepoPath } from "./contract.js";
import { nonJsSourceKind, type StoredWalk, type WalkCache } from "./discover.js";
import type { SchemaFileRead } from "./facts/prisma-schema.js";
import type { ModuleFactsCache, ModuleFactsEntry, StoredModuleFacts } from "./facts/repo-facts.js";
import type { RepoFacts } from "./facts/types.js";
import { packageVersion } from "./package-info.js";
import type { Finding } from "./finding.js";
import { byteLimitFor, MAX_TOOL_DATA_BYTES, RACY_MS, readFileBytesAsync, statStamp } from "./source-text.js";

/** `hashOfRead` of a file (asynchronously). */
async function hashFile(file: string): Promise<string> {
  return hashOfRead(await readFileBytesAsync(file, byteLimitFor(file)));
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
      await writeFileAtomic(this.file, JSON.stringify(content));
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }
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
    const { key, factsKey } = cacheKeys(keyInput);
    input.cache.begin(key, factsKey, digest(resolutionParts), hashes, stamps);
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
