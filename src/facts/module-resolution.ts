/**
 * Module resolution with TypeScript's own resolver (docs/design.md, One problem, one finding): `typescript().resolveModuleName` of the `typescript` package that typescript-eslint loads anyway (not ts-morph, whose bundled second copy of TypeScript cost 1.2 s and 60 MiB per process for this one function),
 * with the compiler options of the nearest `tsconfig.json` (or `jsconfig.json`) above the importing file,
 * parsed by `typescript().readConfigFile` + `typescript().parseJsonConfigFileContent` so `extends`, `paths` and `baseUrl`
 * work as the repository's own compiler sees them. No path is joined by hand to resolve a specifier.
 *
 * The scanned repository has no node_modules installed, so the file system TypeScript sees is a view
 * of the real one (`FileSystemView`):
 * - workspace packages are linked under `<root>/node_modules/<name>` as pnpm, Yarn and npm would link
 *   them, so `@dub/prisma`, `@dub/prisma/client` and a tsconfig `extends` of a workspace package
 *   (`"extends": "tsconfig/nextjs.json"`) resolve through TypeScript's node_modules lookup (`exports`,
 *   `types`, `main`, index files);
 * - folders of a generated database client (a generator `output`, or a `dbClients` repository path)
 *   pretend to hold any `.ts` file they do not hold, whether the folder is missing (not generated,
 *   gitignored), empty (a `.gitkeep`) or generated in part, so `../generated/prisma`,
 *   `../generated/prisma/client.js` and `@/generated/prisma/client` resolve into them (issue 13 item 2);
 * - `.d.ts` files of the repository are hidden: they load nothing at run time, and hiding them lets
 *   `./db` reach `db.js` beside a `db.d.ts`.
 *
 * Every resolution forces `allowJs` (JavaScript repositories import `.js` files) and replaces `classic`
 * resolution by `bundler`. When the configured resolution fails, two lenient retries follow, because
 * scripts run through tsx, ts-node or a bundler that accept more than the compiler does: `bundler`
 * resolution (extensionless relative imports under `node16`/`nodenext`), then workspace package names
 * as `paths` to their folders (a package whose `exports` point at build output that does not exist).
 */
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import type ts from "typescript";
import { lazyRequire } from "../lazy-require.js";
import { jsonNestingProblem, readSourceText } from "../source-text.js";

/** TypeScript's API, loaded when the first module is resolved (typescript-estree loads the same copy). */
const typescript = lazyRequire<typeof ts>("typescript");

/** How a module is loaded: `require` resolves with CommonJS conditions, `import` with ESM ones. */
export type ResolutionMode = "import" | "require";

/** What a resolver needs to know about the repository. */
export interface ResolverOptions {
  /** Absolute repository root: tsconfig lookup stops there, workspace packages are linked under it. */
  root: string;
  /** Workspace package name -> absolute package folder. */
  workspaces: ReadonlyMap<string, string>;
  /**
   * Absolute folders of generated database clients: any `.ts` file inside one that is not there is taken
   * to exist (see the module header).
   */
  generatedDirs: readonly string[];
  /**
   * True (the scanner): file-system probes, parsed tsconfigs and resolutions are cached for the
   * resolver's lifetime. False (editors): those caches are dropped by `refresh()` once they are older
   * than `ttlMs`.
   */
  snapshot: boolean;
  /** Live mode only: how long cached probes and resolutions are trusted (default 2000 ms). */
  ttlMs?: number;
}

/** The compiler options that apply to a folder's files. */
export interface ConfigFacts {
  /** The tsconfig.json / jsconfig.json that applies, or undefined (TypeScript's defaults). */
  file: string | undefined;
  /** The options as parsed (with `extends` applied). */
  options: ts.CompilerOptions;
  /** Problems reading or parsing the config (missing `extends` target, malformed JSON), as TypeScript words them. */
  errors: string[];
}

interface ParsedConfig extends ConfigFacts {
  /** The option sets tried in order (see the module header). */
  attempts: ts.CompilerOptions[];
  /** Attempts that use workspace paths: only tried for workspace package names. */
  workspaceAttempt: ts.CompilerOptions | undefined;
}

const DTS = /\.d\.[cm]?ts$/;

/**
 * The module resolution an option set uses, with TypeScript's defaults (its own helper is not in the
 * public typings).
 */
function resolutionKindOf(options: ts.CompilerOptions): ts.ModuleResolutionKind {
  const helper = (typescript() as unknown as { getEmitModuleResolutionKind?: (o: ts.CompilerOptions) => ts.ModuleResolutionKind }).getEmitModuleResolutionKind;
  if (helper) return helper(options);
  return options.moduleResolution ?? typescript().ModuleResolutionKind.Bundler;
}
const CONFIG_NAMES = ["tsconfig.json", "jsconfig.json"];

function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** The package name of a bare specifier (`@scope/name/sub` -> `@scope/name`), or undefined for a relative or absolute one. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || /^[A-Za-z]:[\\/]/.test(specifier)) return undefined;
  const parts = specifier.split("/");
  if (specifier.startsWith("@")) return parts.length >= 2 ? `${parts[0] ?? ""}/${parts[1] ?? ""}` : undefined;
  return parts[0];
}

/**
 * The file system as TypeScript's resolver sees it for a repository without node_modules (see the
 * module header). Probes are cached; `clear()` drops the caches.
 */
export class FileSystemView implements ts.ModuleResolutionHost {
  readonly useCaseSensitiveFileNames = typescript().sys.useCaseSensitiveFileNames;
  private readonly nodeModules: string;
  private readonly scopes = new Set<string>();
  private readonly fileCache = new Map<string, boolean>();
  private readonly dirCache = new Map<string, boolean>();

  constructor(
    private readonly root: string,
    private readonly workspaces: ReadonlyMap<string, string>,
    private readonly generatedDirs: readonly string[],
  ) {
    this.nodeModules = path.join(root, "node_modules");
    for (const name of workspaces.keys()) if (name.startsWith("@")) this.scopes.add(name.split("/")[0] ?? name);
  }

  /** Drops cached probes (files may have been created or deleted). */
  clear(): void {
    this.fileCache.clear();
    this.dirCache.clear();
  }

  /** A path under `<root>/node_modules/<workspace package>` mapped to the package folder; other paths unchanged. */
  private map(input: string): string {
    const file = path.resolve(input);
    if (this.workspaces.size === 0 || !isUnder(file, this.nodeModules) || file === this.nodeModules) return file;
    const rest = path.relative(this.nodeModules, file).split(path.sep);
    const first = rest[0] ?? "";
    const nameLength = first.startsWith("@") ? 2 : 1;
    const dir = this.workspaces.get(rest.slice(0, nameLength).join("/"));
    return dir === undefined ? file : path.join(dir, ...rest.slice(nameLength));
  }

  /** The generated-client folder a (missing) path lies in, whether that folder exists or not. */
  private generatedDirOf(file: string): string | undefined {
    return this.generatedDirs.find((dir) => isUnder(file, dir));
  }

  private realDirectoryExists(dir: string): boolean {
    let hit = this.dirCache.get(dir);
    if (hit === undefined) {
      try {
        hit = statSync(dir).isDirectory();
      } catch {
        hit = false;
      }
      this.dirCache.set(dir, hit);
    }
    return hit;
  }

  fileExists(fileName: string): boolean {
    const file = this.map(fileName);
    if (DTS.test(file) && isUnder(file, this.root) && !file.split(path.sep).includes("node_modules")) return false;
    let hit = this.fileCache.get(file);
    if (hit === undefined) {
      try {
        hit = statSync(file).isFile();
      } catch {
        hit = false;
      }
      if (!hit && /\.ts$/.test(file) && this.generatedDirOf(file) !== undefined) hit = true;
      this.fileCache.set(file, hit);
    }
    return hit;
  }

  directoryExists(directoryName: string): boolean {
    const dir = path.resolve(directoryName);
    if (this.workspaces.size > 0) {
      if (dir === this.nodeModules) return true;
      if (path.dirname(dir) === this.nodeModules && this.scopes.has(path.basename(dir))) return true;
    }
    const mapped = this.map(dir);
    if (this.realDirectoryExists(mapped)) return true;
    return this.generatedDirs.some((g) => isUnder(mapped, g) || isUnder(g, mapped));
  }

  /**
   * A file's text for TypeScript (tsconfig.json, package.json, modules), through the bounded reader
   * (src/source-text.ts: regular files of at most their kind's limit); undefined when it cannot be read or
   * is JSON nested deeper than TypeScript's recursive JSON parser takes (TypeScript then uses its
   * defaults; discovery reports a refused tsconfig.json at its path).
   */
  readFile(fileName: string): string | undefined {
    const file = this.map(fileName);
    const read = readSourceText(file);
    if ("problem" in read) return undefined;
    if (file.endsWith(".json") && jsonNestingProblem(read.text) !== undefined) return undefined;
    return read.text;
  }

  realpath(fileName: string): string {
    const file = this.map(fileName);
    try {
      return realpathSync(file);
    } catch {
      return file;
    }
  }

  getCurrentDirectory(): string {
    return this.root;
  }
}

/**
 * Resolves specifiers for one repository (see the module header). Never throws for a specifier; an
 * unreadable tsconfig counts as TypeScript's defaults and its problems are kept in `configFor().errors`.
 */
export class ModuleResolver {
  readonly view: FileSystemView;
  private readonly root: string;
  private readonly workspaces: ReadonlyMap<string, string>;
  private readonly snapshot: boolean;
  private readonly ttlMs: number;
  private configByDir = new Map<string, string | null>();
  private configs = new Map<string, ParsedConfig>();
  private results = new Map<string, string | null>();
  private clearedAt = Date.now();

  /** @param options the repository (see ResolverOptions). */
  constructor(options: ResolverOptions) {
    this.root = path.resolve(options.root);
    this.workspaces = options.workspaces;
    this.snapshot = options.snapshot;
    this.ttlMs = options.ttlMs ?? 2000;
    this.view = new FileSystemView(this.root, options.workspaces, options.generatedDirs.map((d) => path.resolve(d)));
  }

  /** Live mode: drops cached probes, configs and resolutions older than the TTL. No-op for a snapshot. */
  refresh(): void {
    if (this.snapshot || Date.now() - this.clearedAt < this.ttlMs) return;
    this.clear();
  }

  /** Drops every cache now (tests, or when the repository changed). */
  clear(): void {
    this.clearedAt = Date.now();
    this.view.clear();
    this.configByDir = new Map();
    this.configs = new Map();
    this.results = new Map();
  }

  /** The nearest tsconfig.json (else jsconfig.json) from `dir` up to the root, or undefined. */
  private configFileFor(dir: string): string | undefined {
    const cached = this.configByDir.get(dir);
    if (cached !== undefined) return cached ?? undefined;
    let found: string | undefined;
    for (const name of CONFIG_NAMES) {
      const candidate = path.join(dir, name);
      if (this.view.fileExists(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found === undefined && dir !== this.root && isUnder(dir, this.root)) found = this.configFileFor(path.dirname(dir));
    this.configByDir.set(dir, found ?? null);
    return found;
  }

  private parseConfig(file: string | undefined): ParsedConfig {
    const key = file ?? "";
    const cached = this.configs.get(key);
    if (cached) return cached;
    const errors: string[] = [];
    let options: ts.CompilerOptions = {};
    if (file !== undefined) {
      const host: ts.ParseConfigHost = {
        useCaseSensitiveFileNames: this.view.useCaseSensitiveFileNames,
        // Only the options are wanted: listing the project's files would walk the whole tree.
        readDirectory: () => [],
        fileExists: (p) => this.view.fileExists(p),
        readFile: (p) => this.view.readFile(p),
        directoryExists: (p) => this.view.directoryExists(p),
        realpath: (p) => this.view.realpath(p),
      };
      const read = typescript().readConfigFile(file, (p) => this.view.readFile(p));
      if (read.error) errors.push(typescript().flattenDiagnosticMessageText(read.error.messageText, "\n"));
      const parsed = typescript().parseJsonConfigFileContent(read.config ?? {}, host, path.dirname(file), undefined, file);
      options = parsed.options;
      for (const diagnostic of parsed.errors) {
        // "No inputs were found": the file list is deliberately not read.
        if (diagnostic.code === 18003) continue;
        errors.push(typescript().flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      }
    }
    const base: ts.CompilerOptions = { ...options, allowJs: true, noEmit: true };
    const kind = resolutionKindOf(base);
    if (kind === typescript().ModuleResolutionKind.Classic) {
      base.moduleResolution = typescript().ModuleResolutionKind.Bundler;
      base.module = typescript().ModuleKind.ESNext;
    }
    const attempts = [base];
    if (resolutionKindOf(base) !== typescript().ModuleResolutionKind.Bundler) {
      attempts.push({ ...base, moduleResolution: typescript().ModuleResolutionKind.Bundler, module: typescript().ModuleKind.ESNext });
    }
    let workspaceAttempt: ts.CompilerOptions | undefined;
    if (this.workspaces.size > 0) {
      const paths: ts.MapLike<string[]> = { ...(base.paths ?? {}) };
      for (const [name, dir] of this.workspaces) {
        paths[name] ??= [dir];
        paths[`${name}/*`] ??= [path.join(dir, "*")];
      }
      const last = attempts[attempts.length - 1] ?? base;
      workspaceAttempt = { ...last, paths, pathsBasePath: base.pathsBasePath ?? this.root };
    }
    const config: ParsedConfig = { file, options, errors, attempts, workspaceAttempt };
    this.configs.set(key, config);
    return config;
  }

  /**
   * The compiler options that apply to files in `dir`: the nearest tsconfig.json / jsconfig.json at or
   * above it, up to the root.
   * @param dir absolute folder.
   */
  configFor(dir: string): ConfigFacts {
    const { file, options, errors } = this.parseConfig(this.configFileFor(path.resolve(dir)));
    return { file, options, errors };
  }

  /**
   * Resolves a specifier as TypeScript would from `fromFile` (see the module header).
   * @param fromFile absolute path of the importing file (need not exist: an unsaved buffer).
   * @param specifier as written.
   * @param mode `require` for CommonJS conditions, `import` for ESM ones.
   * @returns the absolute real path of the resolved file (anywhere: the caller decides whether it is a
   *   repository module; it may lie in a generated-client folder that does not exist), or undefined.
   */
  resolve(fromFile: string, specifier: string, mode: ResolutionMode = "import"): string | undefined {
    const from = path.resolve(fromFile);
    const dir = path.dirname(from);
    const key = `${dir}\0${mode}\0${specifier}`;
    const cached = this.results.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const config = this.parseConfig(this.configFileFor(dir));
    const resolutionMode = mode === "require" ? typescript().ModuleKind.CommonJS : typescript().ModuleKind.ESNext;
    const attempts = [...config.attempts];
    const name = packageNameOf(specifier);
    if (config.workspaceAttempt && name !== undefined && this.workspaces.has(name)) attempts.push(config.workspaceAttempt);
    let resolved: string | undefined;
    for (const options of attempts) {
      let result: ts.ResolvedModuleWithFailedLookupLocations;
      try {
        result = typescript().resolveModuleName(specifier, from, options, this.view, undefined, undefined, resolutionMode);
      } catch {
        continue;
      }
      const fileName = result.resolvedModule?.resolvedFileName;
      if (fileName !== undefined) {
        resolved = path.resolve(this.view.realpath(fileName));
        break;
      }
    }
    this.results.set(key, resolved ?? null);
    return resolved;
  }
}
