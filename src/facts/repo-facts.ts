/**
 * The repository facts (`RepoFacts`, see `types.ts`): one implementation for ESLint and `contract-scan`.
 *
 * - ESLint: `getRepoFacts(root, contract)` returns one cached instance per (root, contract object), in
 *   live mode: nothing is computed until asked, a module is parsed the first time a question reaches it,
 *   and each question checks the files it touches (modification time and size, then a content hash), so
 *   an edit anywhere is seen by the next lint. The rule passes the buffer it lints with
 *   `facts.withFileText(file, context.sourceCode.text)`.
 * - contract-scan: `buildRepoFacts(root, contract)` (or `createRepoFacts(root, contract, { files })`)
 *   makes a snapshot instance over the scanner's file list that reads each file once, and
 *   `registerScanFacts(facts)` makes `getRepoFacts` hand that instance to every rule during the run.
 *
 * Cross-file answers (client loaders, transitive writes) are walks over per-file facts; they are
 * memoized until any file's content changes (snapshot) or for one question (live).
 */
import { statSync } from "node:fs";
import path from "node:path";
import { cachedPer } from "../memo.js";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type * as Globby from "globby";
import picomatch from "picomatch";
import { ALWAYS_IGNORED, discoverFiles } from "../discover.js";
import { type Contract, toRepoPath } from "../contract.js";
import { classifyZone } from "../zones.js";
import { boundedGlobFs } from "../source-text.js";
import { type ContentRecord, FileStore } from "./cache.js";
import { lazyRequire } from "../lazy-require.js";
import {
  CALL,
  type Edge,
  extractImports,
  type ImportUse,
  importedNameOf,
  isInertReference,
  MAX_PATH,
  type MemberPath,
  type ModuleSummary,
  ModuleParseError,
  parseModule,
  pathKey,
  type RawImport,
  summarizeModule,
  analyzeScopes,
} from "./module-analysis.js";
import { ModuleResolver, type ResolutionMode } from "./module-resolution.js";
import { assemblePrismaSchema, locatePrismaSchema, readSchemaFile, type SchemaFileRead, type SchemaLocation } from "./prisma-schema.js";
import type { FactsProblem, ImportKind, ModuleImport, MutationFact, ParsedModule, PrismaSchemaFacts, RepoFacts } from "./types.js";
import { readWorkspaces, type Workspaces } from "./workspaces.js";

/** globby (its .gitignore reader), loaded when the first repository is read. */
const globby = lazyRequire<typeof Globby>("globby");

/** How to build facts. */
export interface RepoFactsOptions {
  /**
   * The repository's modules (absolute), as the scanner discovered them: only these are followed.
   * Without it, a module is any JS/TS source under the root outside node_modules, `.gitignore` and
   * build output and dependencies (`ALWAYS_IGNORED` of src/discover.ts) and the `ignore` zone.
   */
  files?: readonly string[];
  /** Read each file once (the scanner). Default: true when `files` is given, else false (editors). */
  snapshot?: boolean;
  /** Live mode: how long file-system probes and resolutions are trusted (default 2000 ms). */
  ttlMs?: number;
  /**
   * A persistent store of per-module facts (`contract-scan --cache`, src/scan-cache.ts): a module whose
   * content (hash) and `verbatimModuleSyntax` it holds is not parsed again. The store must be dropped
   * whenever the Prisma schema, the contract or this package's version changes (the facts depend on them).
   * A function is called once, with the new facts, to make the store (one that checks the schema
   * through them: `EditorModuleCache` of src/scan-cache.ts).
   */
  moduleCache?: ModuleFactsCache | ((facts: RepoFacts) => ModuleFactsCache);
}

/**
 * A persistent store of module facts for the live instances of `getRepoFacts` (the ESLint rules):
 * `id` names it (an instance is shared only by callers with the same `id`), `open` makes the store for
 * a new instance (it must read nothing before it is first asked).
 */
export interface ModuleFactsSource {
  id: string;
  open(facts: RepoFacts): ModuleFactsCache;
}

/**
 * One module's parse results in JSON form (what `ModuleFactsCache` keeps): its imports, the parse problem
 * (message, 1-based line and column) or null, and its summary with every `Map` written as
 * `{ "$map": [[key, value], ...] }` (null when the summary could not be built).
 */
export interface StoredModuleFacts {
  imports: RawImport[];
  problem: { message: string; line: number; column: number } | null;
  summary: unknown;
}

/** One module's `StoredModuleFacts` with its key: absolute path, content hash, `verbatimModuleSyntax` (what a `ModuleFactsCache` is given). */
export interface ModuleFactsEntry {
  file: string;
  hash: string;
  verbatim: boolean;
  facts: StoredModuleFacts;
}

/**
 * A persistent store of `StoredModuleFacts` by module, content hash and `verbatimModuleSyntax`, and of
 * Prisma schema files read (`SchemaFileRead`) by content hash.
 */
export interface ModuleFactsCache {
  /** @param file absolute path. @param hash the content hash (`ContentRecord.hash`). */
  get(file: string, hash: string, verbatim: boolean): StoredModuleFacts | undefined;
  set(file: string, hash: string, verbatim: boolean, facts: StoredModuleFacts): void;
  /** A schema file's stored read for this content hash, else undefined (optional: then it is parsed). */
  getSchemaFile?(file: string, hash: string): SchemaFileRead | undefined;
  setSchemaFile?(file: string, hash: string, read: SchemaFileRead): void;
}

/** JSON with `Map`s as `{ "$map": entries }` (see `StoredModuleFacts`). */
function mapsToJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...(v as Map<unknown, unknown>)] } : v)));
}

/** The reverse of `mapsToJson`. */
function mapsFromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mapsFromJson);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.$map) && Object.keys(record).length === 1) {
    return new Map((record.$map as [unknown, unknown][]).map(([k, v]) => [k, mapsFromJson(v)]));
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, mapsFromJson(v)]));
}

/**
 * `ModuleFacts` from stored parse results, or undefined when they do not have the shape this version
 * stores (a damaged cache file): the module is parsed instead. Never throws.
 */
function restoreModuleFacts(stored: StoredModuleFacts, file: string, verbatim: boolean, schemaVersion: number): ModuleFacts | undefined {
  try {
    const summary = stored.summary === null ? undefined : (mapsFromJson(stored.summary) as ModuleSummary);
    if (summary !== undefined && !isSummaryShape(summary)) return undefined;
    if (!Array.isArray(stored.imports) || (stored.problem !== null && typeof stored.problem?.message !== "string")) return undefined;
    const unitWrites = summary ? summary.units.map((unit) => unit.writes.map((write) => ({ ...write, file }))) : [];
    const problem = stored.problem === null ? undefined : { file, ...stored.problem };
    return { imports: stored.imports, verbatim, schemaVersion, problem, summary, unitWrites };
  } catch {
    return undefined;
  }
}

/** The outer shape of a `ModuleSummary` (its tables and lists). */
function isSummaryShape(summary: ModuleSummary): boolean {
  return (
    typeof summary === "object" &&
    summary !== null &&
    Array.isArray(summary.units) &&
    summary.units.every((unit) => typeof unit === "object" && unit !== null && Array.isArray(unit.writes) && Array.isArray(unit.edges)) &&
    summary.exports instanceof Map &&
    summary.members instanceof Map &&
    Array.isArray(summary.starExports)
  );
}

const DECLARATION_FILE = /\.d\.[cm]?ts$/;
/** Dependencies and build output, as the scanner skips them (src/discover.ts). */
const isAlwaysIgnored = picomatch(ALWAYS_IGNORED, { dot: true });
/** How many parsed modules `parsedModule` keeps. */
const PARSED_CACHE_SIZE = 16;
const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * What one parse of a module gives (cached on its content record): its imports and its summary. Both
 * come from one parse because almost every question that reaches a module needs both (a client
 * loader walk reads imports; a write walk reads summaries and follows imports).
 */
interface ModuleFacts {
  imports: RawImport[];
  /** The tsconfig's `verbatimModuleSyntax` when parsed (decides whether `import { type A }` loads). */
  verbatim: boolean;
  /** The schema version the summary was computed with. */
  schemaVersion: number;
  problem: FactsProblem | undefined;
  summary: ModuleSummary | undefined;
  /** Each unit's own writes as facts (one object per write, so closures merge them by identity). */
  unitWrites: MutationFact[][];
}

/** An import edge with its raw resolution (anywhere, maybe a generated client that does not exist). */
interface ResolvedImport extends ModuleImport {
  target: string | undefined;
}

/**
 * A node of the write closure: a unit or an export with the path used on it (see `MemberPath`; none: as
 * a whole), or a module load.
 */
type WriteNode =
  | { kind: "unit"; file: string; unit: number; path?: MemberPath | undefined }
  | { kind: "export"; file: string; name: string; path?: MemberPath | undefined }
  | { kind: "load"; file: string };

/** `a` then `b`; undefined (the whole value) when both are empty or the path is too long (see `MAX_PATH`). */
function joinPaths(a: MemberPath | undefined, b: MemberPath | undefined): MemberPath | undefined {
  const joined = [...(a ?? []), ...(b ?? [])];
  return joined.length === 0 || joined.length > MAX_PATH ? undefined : joined;
}

function compareFacts(a: MutationFact, b: MutationFact): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0);
}

class RepoFactsImpl implements RepoFacts {
  readonly root: string;
  readonly contract: Contract;
  private readonly store: FileStore;
  private readonly files: ReadonlySet<string> | undefined;
  private readonly ttlMs: number;
  private depth = 0;
  private workspacesValue: Workspaces | undefined;
  private resolverValue: ModuleResolver | undefined;
  private resolverKey = "";
  private schemaLocation: SchemaLocation | undefined;
  private schemaKey: string | undefined;
  private schemaCheckedAt: string | undefined;
  private schemaValue: { schema: PrismaSchemaFacts | undefined; errors: FactsProblem[]; version: number } = { schema: undefined, errors: [], version: 0 };
  private gitignored: ((file: string) => boolean) | undefined;
  private memo = new Map<string, unknown>();
  private memoStamp = "";
  private clientEntries: { specifiers: string[]; paths: string[] } | undefined;
  private readonly parsedCache = new Map<ContentRecord, ParsedModule>();
  private readonly moduleCache: ModuleFactsCache | undefined;

  constructor(root: string, contract: Contract, options: RepoFactsOptions) {
    this.root = path.resolve(root);
    this.contract = contract;
    this.files = options.files ? new Set(options.files.map((f) => path.resolve(f))) : undefined;
    this.store = new FileStore(options.snapshot ?? options.files !== undefined);
    this.ttlMs = options.ttlMs ?? 2000;
    this.moduleCache = typeof options.moduleCache === "function" ? options.moduleCache(this) : options.moduleCache;
  }

  // -------------------------------------------------------------------------------------------------
  // Plumbing

  /** Runs a public question: live mode starts a new epoch (files are checked again) at the outermost call. */
  private query<T>(fn: () => T): T {
    if (this.depth === 0 && !this.store.snapshot) {
      this.store.beginEpoch();
      this.resolverValue?.refresh();
    }
    this.depth += 1;
    try {
      return fn();
    } finally {
      this.depth -= 1;
    }
  }

  /** The memo of cross-file answers, emptied when any content changed (snapshot) or per question (live). */
  private memoMap(): Map<string, unknown> {
    const stamp = `${this.store.generation}:${this.schemaValue.version}:${this.store.snapshot ? 0 : this.store.epoch}:${this.resolverKey}`;
    if (stamp !== this.memoStamp) {
      this.memo = new Map();
      this.memoStamp = stamp;
    }
    return this.memo;
  }

  /** A memoized answer (see `memoMap`). */
  private memoized<T>(key: string, compute: () => T): T {
    const before = this.memoMap();
    if (before.has(key)) return before.get(key) as T;
    const value = compute();
    // If the computation saw a change (a file replaced meanwhile), the memo was emptied and the value
    // belongs to the new state: store it there.
    this.memoMap().set(key, value);
    return value;
  }

  private workspaces(): Workspaces {
    this.workspacesValue ??= readWorkspaces(this.root);
    return this.workspacesValue;
  }

  private resolver(): ModuleResolver {
    const schema = this.schemaState().schema;
    const generated = [...this.clientPathEntries(), ...(schema?.clientOutputs ?? [])];
    const key = generated.join("\0");
    if (!this.resolverValue || key !== this.resolverKey) {
      this.resolverValue = new ModuleResolver({ root: this.root, workspaces: this.workspaces().packages, generatedDirs: generated, snapshot: this.store.snapshot, ttlMs: this.ttlMs });
      this.resolverKey = key;
    }
    return this.resolverValue;
  }

  /** The contract's `dbClients`: module specifiers, and repository paths (absolute, without a trailing slash). */
  private dbClientEntries(): { specifiers: string[]; paths: string[] } {
    if (this.clientEntries) return this.clientEntries;
    const specifiers: string[] = [];
    const paths: string[] = [];
    for (const entry of this.contract.dbClients) {
      const first = entry.replace(/^\.\//, "").split("/")[0] ?? "";
      let isPath = entry.startsWith("./") || entry.startsWith("../") || entry.startsWith("/") || SOURCE_EXTENSION.test(entry);
      if (!isPath && !entry.startsWith("@") && first !== "" && entry.includes("/")) {
        try {
          statSync(path.join(this.root, first));
          isPath = true;
        } catch {
          isPath = false;
        }
      }
      if (isPath) paths.push(path.resolve(this.root, entry.replace(/\/+$/, "")));
      else specifiers.push(entry);
    }
    this.clientEntries = { specifiers, paths };
    return this.clientEntries;
  }

  private clientPathEntries(): string[] {
    return this.dbClientEntries().paths;
  }

  /** True when an absolute file is a database client itself: a `dbClients` path (with or without extension, or under it) or in a generator output. */
  private isClientFile(file: string): boolean {
    const withoutExtension = file.replace(SOURCE_EXTENSION, "");
    const roots = [...this.clientPathEntries(), ...(this.schemaState().schema?.clientOutputs ?? [])];
    return roots.some((p) => file === p || withoutExtension === p || isUnder(file, p));
  }

  private isClientSpecifierText(specifier: string): boolean {
    return this.dbClientEntries().specifiers.some((s) => specifier === s || specifier.startsWith(`${s}/`));
  }

  // -------------------------------------------------------------------------------------------------
  // Schema

  private schemaState(): { schema: PrismaSchemaFacts | undefined; errors: FactsProblem[]; version: number } {
    // Checked once per question (live) or per content change (snapshot).
    const checkStamp = `${this.store.generation}:${this.store.snapshot ? 0 : this.store.epoch}`;
    if (this.schemaCheckedAt === checkStamp) return this.schemaValue;
    if (!this.schemaLocation) {
      const ws = this.workspaces();
      this.schemaLocation = locatePrismaSchema(this.root, this.contract, [...ws.packages.values()], ws.monorepo);
    }
    const location = this.schemaLocation;
    const sources = location.files.map((file) => ({ file, record: this.store.get(file) }));
    const key = sources.map((s) => `${s.file}\0${s.record?.hash ?? "-"}`).join("\n");
    if (key !== this.schemaKey) {
      this.schemaKey = key;
      const version = this.schemaValue.version + 1;
      if (sources.length === 0) {
        this.schemaValue = { schema: undefined, errors: [...location.problems], version };
      } else {
        const parsed = assemblePrismaSchema(sources.map((s) => ({ file: s.file, read: this.schemaFileRead(s.file, s.record) })));
        this.schemaValue = { schema: parsed.schema, errors: [...location.problems, ...parsed.errors], version };
      }
    }
    this.schemaCheckedAt = `${this.store.generation}:${this.store.snapshot ? 0 : this.store.epoch}`;
    return this.schemaValue;
  }

  /** One schema file read: from the module cache when it holds this content, else parsed (and stored there). */
  private schemaFileRead(file: string, record: ContentRecord | undefined): SchemaFileRead {
    if (record === undefined) return readSchemaFile({ file, text: undefined });
    const stored = this.moduleCache?.getSchemaFile?.(file, record.hash);
    if (stored !== undefined) return stored;
    const read = readSchemaFile({ file, text: record.text });
    this.moduleCache?.setSchemaFile?.(file, record.hash, read);
    return read;
  }

  get prismaSchema(): PrismaSchemaFacts | undefined {
    return this.query(() => this.schemaState().schema);
  }

  get schemaErrors(): readonly FactsProblem[] {
    return this.query(() => this.schemaState().errors);
  }

  // -------------------------------------------------------------------------------------------------
  // Modules

  withFileText(file: string, text: string): RepoFacts {
    this.store.setOverride(path.resolve(file), text);
    return this;
  }

  isRepoModule(file: string): boolean {
    const absolute = path.resolve(file);
    if (!SOURCE_EXTENSION.test(absolute) || DECLARATION_FILE.test(absolute)) return false;
    if (this.files) return this.files.has(absolute);
    const repoPath = toRepoPath(this.root, absolute);
    if (repoPath === "" || repoPath === ".." || repoPath.startsWith("../") || path.isAbsolute(repoPath)) return false;
    if (isAlwaysIgnored(repoPath) || classifyZone(repoPath, this.contract) === "ignore") return false;
    if (!this.gitignored) {
      try {
        this.gitignored = globby().isGitIgnoredSync({ cwd: this.root, fs: boundedGlobFs() });
      } catch {
        this.gitignored = () => false;
      }
    }
    try {
      return !this.gitignored(absolute);
    } catch {
      return true;
    }
  }

  /** The record of a repository module, or undefined (not a module, unreadable). */
  private moduleRecord(file: string): ContentRecord | undefined {
    return this.isRepoModule(file) ? this.store.get(file) : undefined;
  }

  verbatimModuleSyntax(file: string): boolean {
    return this.resolver().configFor(path.dirname(path.resolve(file))).options.verbatimModuleSyntax === true;
  }

  /** Parses a module once per content, tsconfig mode and schema version (see `ModuleFacts`). */
  private moduleFacts(record: ContentRecord): ModuleFacts {
    const cached = record.derived.get("module") as ModuleFacts | undefined;
    const verbatim = this.verbatimModuleSyntax(record.file);
    const schema = this.schemaState();
    if (cached && cached.verbatim === verbatim && cached.schemaVersion === schema.version) return cached;
    const stored = this.moduleCache?.get(record.file, record.hash, verbatim);
    const restored = stored === undefined ? undefined : restoreModuleFacts(stored, record.file, verbatim, schema.version);
    if (restored !== undefined) {
      record.derived.set("module", restored);
      return restored;
    }
    let facts: ModuleFacts;
    try {
      const ast = parseModule(record.text, record.file);
      const scopeManager = analyzeScopes(ast, record.file);
      const imports = extractImports(ast, { verbatimModuleSyntax: verbatim, scopeManager, file: record.file, modelForDelegate: schema.schema?.modelForDelegate });
      let summary: ModuleSummary | undefined;
      try {
        summary = summarizeModule(ast, record.file, schema.schema, scopeManager);
      } catch {
        summary = undefined;
      }
      const unitWrites = summary ? summary.units.map((unit) => unit.writes.map((write) => ({ ...write, file: record.file }))) : [];
      facts = { imports, verbatim, schemaVersion: schema.version, problem: undefined, summary, unitWrites };
    } catch (error) {
      const e = error instanceof ModuleParseError ? error : new ModuleParseError(String(error), 1, 1);
      facts = { imports: [], verbatim, schemaVersion: schema.version, problem: { file: record.file, message: e.message, line: e.line, column: e.column }, summary: undefined, unitWrites: [] };
    }
    record.derived.set("module", facts);
    this.moduleCache?.set(record.file, record.hash, verbatim, {
      imports: facts.imports,
      problem: facts.problem === undefined ? null : { message: facts.problem.message, line: facts.problem.line, column: facts.problem.column },
      summary: facts.summary === undefined ? null : mapsToJson(facts.summary),
    });
    return facts;
  }

  private resolveRaw(fromFile: string, specifier: string, mode: ResolutionMode): string | undefined {
    return this.resolver().resolve(fromFile, specifier, mode);
  }

  private resolvedImports(file: string): ResolvedImport[] {
    const record = this.moduleRecord(file);
    if (!record) return [];
    return this.memoized(`imports\0${record.file}\0${record.hash}`, () =>
      this.moduleFacts(record).imports.map((raw) => {
        const target = raw.kind === "type" ? undefined : this.resolveRaw(record.file, raw.specifier, raw.kind === "require" ? "require" : "import");
        const typeTarget = raw.kind === "type" ? this.resolveRaw(record.file, raw.specifier, "import") : target;
        const resolved = typeTarget !== undefined && this.isRepoModule(typeTarget) ? typeTarget : undefined;
        const edge: ResolvedImport = { specifier: raw.specifier, resolved, kind: raw.kind, line: raw.line, column: raw.column, target: typeTarget };
        if (raw.clientUse) edge.clientUse = true;
        return edge;
      }),
    );
  }

  imports(file: string): readonly ModuleImport[] {
    return this.query(() => this.resolvedImports(path.resolve(file)).map(({ target: _target, ...edge }) => edge));
  }

  resolve(fromFile: string, specifier: string, kind: ImportKind = "static"): string | undefined {
    return this.query(() => {
      const target = this.resolveRaw(path.resolve(fromFile), specifier, kind === "require" ? "require" : "import");
      return target !== undefined && this.isRepoModule(target) ? target : undefined;
    });
  }

  parsedModule(file: string): ParsedModule | undefined {
    return this.query(() => {
      const record = this.moduleRecord(path.resolve(file));
      if (!record) return undefined;
      const hit = this.parsedCache.get(record);
      if (hit) {
        // Most recently used last.
        this.parsedCache.delete(record);
        this.parsedCache.set(record, hit);
        return hit;
      }
      let ast: TSESTree.Program;
      try {
        ast = parseModule(record.text, record.file);
      } catch {
        return undefined;
      }
      const scopeManager = analyzeScopes(ast, record.file) as unknown as TSESLint.Scope.ScopeManager;
      const parsed: ParsedModule = { file: record.file, text: record.text, ast, scopeManager };
      this.parsedCache.set(record, parsed);
      if (this.parsedCache.size > PARSED_CACHE_SIZE) this.parsedCache.delete(this.parsedCache.keys().next().value as ContentRecord);
      return parsed;
    });
  }

  problem(file: string): FactsProblem | undefined {
    return this.query(() => {
      const absolute = path.resolve(file);
      const record = this.store.get(absolute);
      if (!record) {
        const message = this.store.problem(absolute);
        return message === undefined ? undefined : { file: absolute, message, line: 1, column: 1 };
      }
      return this.isRepoModule(absolute) ? this.moduleFacts(record).problem : undefined;
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Database clients

  private edgeLoadsClientItself(edge: ResolvedImport): boolean {
    if (edge.kind === "type") return false;
    return this.isClientSpecifierText(edge.specifier) || (edge.target !== undefined && this.isClientFile(edge.target)) || this.isUnresolvedClientUse(edge);
  }

  /**
   * An import that resolves to no repository module (a moved script's `../lib/prisma` that no longer
   * exists, a package) but whose binding is used as a Prisma client on a schema model: a database client
   * (docs/design.md, issue 13 item 3: fail closed).
   */
  private isUnresolvedClientUse(edge: ResolvedImport): boolean {
    return edge.clientUse === true && edge.kind !== "type" && edge.resolved === undefined;
  }

  isDbClientSpecifier(fromFile: string, specifier: string, kind: ImportKind = "static"): boolean {
    return this.query(() => {
      if (kind === "type") return false;
      if (this.isClientSpecifierText(specifier)) return true;
      const from = path.resolve(fromFile);
      const target = this.resolveRaw(from, specifier, kind === "require" ? "require" : "import");
      if (target !== undefined && this.isClientFile(target)) return true;
      return this.resolvedImports(from).some((edge) => edge.specifier === specifier && this.isUnresolvedClientUse(edge));
    });
  }

  loadsDbClient(fromFile: string, specifier: string, kind: ImportKind = "static"): boolean {
    return this.query(() => {
      if (kind === "type") return false;
      if (this.isDbClientSpecifier(fromFile, specifier, kind)) return true;
      const target = this.resolve(fromFile, specifier, kind);
      return target !== undefined && this.clientChain(target) !== undefined;
    });
  }

  isDbClientLoader(file: string): boolean {
    return this.query(() => this.clientChain(path.resolve(file)) !== undefined);
  }

  dbClientChain(file: string): readonly ModuleImport[] | undefined {
    return this.query(() => this.clientChain(path.resolve(file))?.map(({ target: _target, ...edge }) => edge));
  }

  /**
   * The import chain from `start` to a database client ([] when `start` is a client itself), or
   * undefined. Depth-first over non-type imports, cycle-safe; memoizes every module on the found
   * path as a loader, and every visited module as none when nothing is found (they reach only each other).
   */
  private clientChain(start: string): ResolvedImport[] | undefined {
    const memoKey = (file: string): string => `client\0${file}`;
    const known = (file: string): ResolvedImport[] | null | undefined => {
      const memo = this.memoMap();
      const key = memoKey(file);
      return memo.has(key) ? (memo.get(key) as ResolvedImport[] | null) : undefined;
    };
    const remember = (file: string, chain: ResolvedImport[] | null): void => {
      this.memoMap().set(memoKey(file), chain);
    };
    const cached = known(start);
    if (cached !== undefined) return cached ?? undefined;
    if (this.isClientFile(start)) {
      remember(start, []);
      return [];
    }
    interface Frame {
      file: string;
      edges: ResolvedImport[];
      index: number;
      via: ResolvedImport | undefined;
    }
    const frames: Frame[] = [{ file: start, edges: this.resolvedImports(start), index: 0, via: undefined }];
    const visited = new Set<string>([start]);
    const found = (last: ResolvedImport, rest: ResolvedImport[]): ResolvedImport[] => {
      const vias = frames.slice(1).map((f) => f.via as ResolvedImport);
      const chain = [...vias, last, ...rest];
      frames.forEach((frame, i) => remember(frame.file, chain.slice(i)));
      return chain;
    };
    while (frames.length > 0) {
      const top = frames[frames.length - 1] as Frame;
      const edge = top.edges[top.index];
      if (!edge) {
        frames.pop();
        continue;
      }
      top.index += 1;
      if (edge.kind === "type") continue;
      if (this.edgeLoadsClientItself(edge)) return found(edge, []);
      const target = edge.resolved;
      if (target === undefined || visited.has(target)) continue;
      const memoHit = known(target);
      if (memoHit === null) continue;
      if (memoHit !== undefined) return found(edge, memoHit);
      visited.add(target);
      frames.push({ file: target, edges: this.resolvedImports(target), index: 0, via: edge });
    }
    for (const file of visited) remember(file, null);
    return undefined;
  }

  dependencies(file: string): ReadonlySet<string> {
    return this.query(() => {
      const start = path.resolve(file);
      const seen = new Set<string>();
      const queue = [start];
      while (queue.length > 0) {
        const current = queue.pop() as string;
        for (const edge of this.resolvedImports(current)) {
          if (edge.kind === "type" || edge.resolved === undefined || seen.has(edge.resolved) || edge.resolved === start) continue;
          seen.add(edge.resolved);
          queue.push(edge.resolved);
        }
      }
      return seen;
    });
  }

  dependents(targets: Iterable<string>, among: Iterable<string>): ReadonlySet<string> {
    return this.query(() => {
      const goal = new Set([...targets].map((t) => path.resolve(t)));
      const result = new Set<string>();
      // Modules whose whole (non-type) import closure is known to contain no target.
      const reachesNothing = new Set<string>();
      for (const candidate of among) {
        const start = path.resolve(candidate);
        if (reachesNothing.has(start)) continue;
        const seen = new Set<string>([start]);
        const stack = [start];
        let found = false;
        while (stack.length > 0 && !found) {
          const current = stack.pop() as string;
          for (const edge of this.resolvedImports(current)) {
            const next = edge.resolved;
            if (edge.kind === "type" || next === undefined) continue;
            if (goal.has(next)) {
              found = true;
              break;
            }
            if (seen.has(next) || reachesNothing.has(next)) continue;
            seen.add(next);
            stack.push(next);
          }
        }
        if (found) result.add(start);
        // A walk that ended without a target saw the whole closure of every module it visited.
        else for (const file of seen) reachesNothing.add(file);
      }
      return result;
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Writes

  /** The summary of a repository module and its units' writes, or undefined (not a module, unreadable, does not parse). */
  private summary(file: string): { summary: ModuleSummary; unitWrites: MutationFact[][] } | undefined {
    const record = this.moduleRecord(file);
    if (!record) return undefined;
    const facts = this.moduleFacts(record);
    return facts.summary ? { summary: facts.summary, unitWrites: facts.unitWrites } : undefined;
  }

  private resolveUse(file: string, use: ImportUse): string | undefined {
    const target = this.resolveRaw(file, use.specifier, use.mode);
    return target !== undefined && this.isRepoModule(target) ? target : undefined;
  }

  /** The nodes a write-closure node leads to, and its own writes. */
  private writeNodeStep(node: WriteNode): { own: readonly MutationFact[]; next: WriteNode[] } {
    const next: WriteNode[] = [];
    if (node.kind === "load") {
      next.push({ kind: "unit", file: node.file, unit: 0 });
      for (const edge of this.resolvedImports(node.file)) {
        if (edge.kind !== "type" && edge.resolved !== undefined) next.push({ kind: "load", file: edge.resolved });
      }
      return { own: [], next };
    }
    const facts = this.summary(node.file);
    if (!facts) return { own: [], next };
    const follow = (edge: Edge, path?: MemberPath): void => {
      if ("unit" in edge) {
        next.push({ kind: "unit", file: node.file, unit: edge.unit, path: joinPaths(edge.path, path) });
        return;
      }
      const target = this.resolveUse(node.file, edge.use);
      if (target === undefined) return;
      next.push({ kind: "export", file: target, name: edge.use.name, path: edge.use.name === "*" ? undefined : joinPaths(edge.use.path, path) });
    };
    if (node.kind === "unit") {
      const unit = facts.summary.units[node.unit];
      const whole = (): { own: readonly MutationFact[]; next: WriteNode[] } => {
        // Everything it runs, and (a function) everything it returns.
        for (const edge of unit?.edges ?? []) follow(edge);
        for (const returned of unit?.returns ?? []) follow({ unit: returned });
        return { own: facts.unitWrites[node.unit] ?? [], next };
      };
      const path = node.path ?? [];
      const [head, ...rest] = path;
      if (head === undefined) return whole();
      if (head === CALL && unit?.returns !== undefined) {
        // A call of a function: what it runs, and what is used on its result.
        for (const edge of unit.edges) follow(edge);
        if (rest.length > 0) for (const returned of unit.returns) follow({ unit: returned }, rest);
        return { own: facts.unitWrites[node.unit] ?? [], next };
      }
      // Only the member used, where the unit's members are known (see `MemberTable`).
      const table = facts.summary.members.get(node.unit);
      if (table?.kind === "alias") {
        for (const edge of table.of) follow(edge, path);
        return { own: [], next };
      }
      if (table?.kind === "members" && head !== CALL) {
        const edges = table.members.get(head);
        if (edges) for (const edge of edges) follow(edge, rest);
        else if (!table.complete && !this.isPackageEdge(node.file, table.superclass)) return whole();
        return { own: [], next };
      }
      return whole();
    }
    if (node.name === "*") {
      for (const name of facts.summary.exports.keys()) next.push({ kind: "export", file: node.file, name });
      for (const specifier of facts.summary.starExports) follow({ use: { specifier, name: "*", mode: "import" } });
      return { own: [], next };
    }
    const edges = facts.summary.exports.get(node.name);
    if (edges) for (const edge of edges) follow(edge, node.path);
    else if (node.name !== "default") for (const specifier of facts.summary.starExports) follow({ use: { specifier, name: node.name, mode: "import", ...(node.path === undefined ? {} : { path: node.path }) } });
    return { own: [], next };
  }

  /** True for an edge to an import that is no repository module (a package's class: `PrismaClient`), whose code the facts never read. */
  private isPackageEdge(file: string, edge: Edge | undefined): boolean {
    return edge !== undefined && "use" in edge && this.resolveUse(file, edge.use) === undefined;
  }

  /**
   * Every write reachable from a node (see `WriteNode`), sorted. Tarjan's strongly connected
   * components, iteratively: every node of a cycle gets the same writes, and every node completed on
   * the way is memoized, so a later question about it costs a lookup.
   */
  private writesFrom(start: WriteNode): readonly MutationFact[] {
    const keyOf = (node: WriteNode): string =>
      node.kind === "unit"
        ? `w\0u\0${node.file}\0${node.unit}\0${pathKey(node.path)}`
        : node.kind === "export"
          ? `w\0e\0${node.file}\0${node.name}\0${pathKey(node.path)}`
          : `w\0l\0${node.file}`;
    const done = (key: string): readonly MutationFact[] | undefined => this.memoMap().get(key) as readonly MutationFact[] | undefined;
    const startKey = keyOf(start);
    const hit = done(startKey);
    if (hit) return hit;
    interface Frame {
      key: string;
      next: WriteNode[];
      i: number;
    }
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const info = new Map<string, { own: readonly MutationFact[]; nextKeys: string[] }>();
    const sccStack: string[] = [];
    const onStack = new Set<string>();
    const frames: Frame[] = [];
    let counter = 0;
    const open = (node: WriteNode, key: string): void => {
      index.set(key, counter);
      low.set(key, counter);
      counter += 1;
      sccStack.push(key);
      onStack.add(key);
      const step = this.writeNodeStep(node);
      info.set(key, { own: step.own, nextKeys: step.next.map(keyOf) });
      frames.push({ key, next: step.next, i: 0 });
    };
    open(start, startKey);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as Frame;
      if (frame.i < frame.next.length) {
        const node = frame.next[frame.i] as WriteNode;
        frame.i += 1;
        const key = keyOf(node);
        if (done(key)) continue;
        if (!index.has(key)) {
          open(node, key);
        } else if (onStack.has(key)) {
          low.set(frame.key, Math.min(low.get(frame.key) as number, index.get(key) as number));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.key, Math.min(low.get(parent.key) as number, low.get(frame.key) as number));
      if (low.get(frame.key) !== index.get(frame.key)) continue;
      // frame.key roots a component: pop it, merge its own writes and its successors' (all done now).
      const members: string[] = [];
      for (;;) {
        const member = sccStack.pop() as string;
        onStack.delete(member);
        members.push(member);
        if (member === frame.key) break;
      }
      const memberSet = new Set(members);
      const merged = new Set<MutationFact>();
      for (const member of members) {
        const memberInfo = info.get(member);
        if (!memberInfo) continue;
        for (const write of memberInfo.own) merged.add(write);
        for (const nextKey of memberInfo.nextKeys) {
          if (memberSet.has(nextKey)) continue;
          for (const write of done(nextKey) ?? []) merged.add(write);
        }
      }
      const writes = [...merged].sort(compareFacts);
      const memo = this.memoMap();
      for (const member of members) memo.set(member, writes);
    }
    return done(startKey) ?? [];
  }

  exportWrites(file: string, name: string): readonly MutationFact[] {
    return this.query(() => {
      const absolute = path.resolve(file);
      return this.writesFrom({ kind: "export", file: absolute, name });
    });
  }

  loadWrites(file: string): readonly MutationFact[] {
    return this.query(() => {
      const absolute = path.resolve(file);
      return this.writesFrom({ kind: "load", file: absolute });
    });
  }

  /** Export names of a module, through `export *` (which never re-exports `default`), cycle-safe. */
  private exportNames(file: string, seen = new Set<string>()): Set<string> {
    const names = new Set<string>();
    if (seen.has(file)) return names;
    seen.add(file);
    const summary = this.summary(file)?.summary;
    if (!summary) return names;
    for (const name of summary.exports.keys()) names.add(name);
    for (const specifier of summary.starExports) {
      const target = this.resolveUse(file, { specifier, name: "*", mode: "import" });
      if (target === undefined) continue;
      for (const name of this.exportNames(target, seen)) if (name !== "default") names.add(name);
    }
    return names;
  }

  mutatingExports(file: string): ReadonlyMap<string, readonly MutationFact[]> {
    return this.query(() => {
      const absolute = path.resolve(file);
      return this.memoized(`mutating\0${absolute}`, () => {
        const result = new Map<string, readonly MutationFact[]>();
        for (const name of [...this.exportNames(absolute)].sort()) {
          const writes = this.exportWrites(absolute, name);
          if (writes.length > 0) result.set(name, writes);
        }
        return result;
      });
    });
  }

  referenceWrites(fromFile: string, identifier: TSESTree.Identifier, scope: TSESLint.Scope.Scope): readonly MutationFact[] {
    return this.query(() => {
      const use = importedNameOf(identifier, scope);
      if (!use || isInertReference(identifier)) return [];
      const target = this.resolveUse(path.resolve(fromFile), use);
      if (target === undefined) return [];
      return this.writesFrom({ kind: "export", file: target, name: use.name, path: use.name === "*" ? undefined : use.path });
    });
  }
}

const liveFacts = new WeakMap<Contract, Map<string, RepoFactsImpl>>();
const scanFacts = new Map<string, RepoFacts>();
const contractText = new WeakMap<Contract, string>();

function textOf(contract: Contract): string {
  let text = contractText.get(contract);
  if (text === undefined) {
    text = JSON.stringify(contract);
    contractText.set(contract, text);
  }
  return text;
}

/**
 * The facts for ESLint rules: the instance `registerScanFacts` registered for this root and an equal
 * contract (during a `contract-scan` run), else one cached live instance per (root, contract object,
 * `moduleCache` id). Computes nothing until asked. Never throws.
 * @param root the repository root (the contract's directory, `FileContext.root`).
 * @param contract the validated contract (`FileContext.contract`).
 * @param options live-mode options: `ttlMs`, and `moduleCache`, the stored module facts to start from
 *   (`editorModuleFacts` of src/scan-cache.ts); used when the live instance is created.
 */
export function getRepoFacts(root: string, contract: Contract, options: { ttlMs?: number; moduleCache?: ModuleFactsSource } = {}): RepoFacts {
  const absolute = path.resolve(root);
  const registered = scanFacts.get(absolute);
  if (registered && (registered.contract === contract || textOf(registered.contract) === textOf(contract))) return registered;
  const source = options.moduleCache;
  const id = source === undefined ? absolute : `${absolute}\0${source.id}`;
  return cachedPer(
    liveFacts,
    contract,
    id,
    () =>
      new RepoFactsImpl(absolute, contract, {
        snapshot: false,
        ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
        ...(source === undefined ? {} : { moduleCache: (created: RepoFacts) => source.open(created) }),
      }),
  );
}

/**
 * A new, uncached facts instance. With `files` (the scanner's file list) and by default, a snapshot that
 * reads each file once; `snapshot: false` makes a live instance (tests). Computes nothing until asked.
 * Never throws.
 * @param root absolute repository root.
 * @param contract the validated contract.
 */
export function createRepoFacts(root: string, contract: Contract, options: RepoFactsOptions = {}): RepoFacts {
  return new RepoFactsImpl(root, contract, options);
}

/**
 * The scanner's facts: discovers the repository's files as the scanner does (`discoverFiles`) and
 * returns a snapshot instance over them (lazy: modules are parsed when a rule first asks).
 * @throws whatever file discovery throws (an unreadable root).
 */
export async function buildRepoFacts(root: string, contract: Contract): Promise<RepoFacts> {
  const files = await discoverFiles(root, contract);
  return createRepoFacts(root, contract, { files: files.filter((f) => SOURCE_EXTENSION.test(f)) });
}

/**
 * Makes `getRepoFacts(facts.root, <equal contract>)` return `facts` (the scanner's snapshot) until the
 * returned function is called. The latest registration for a root wins.
 * @returns a function that removes the registration (if it is still the current one).
 */
export function registerScanFacts(facts: RepoFacts): () => void {
  const root = path.resolve(facts.root);
  scanFacts.set(root, facts);
  return () => {
    if (scanFacts.get(root) === facts) scanFacts.delete(root);
  };
}
