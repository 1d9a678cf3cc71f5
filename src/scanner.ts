/**
 * The scanner behind `contract-scan` (docs/design.md): finds the repository's files, runs the plugin's own
 * rules on each JavaScript/TypeScript file through ESLint's `Linter` (one implementation of each check),
 * runs the same SQL check on `.sql` files, reads Python files with the same checks (src/sources/python/), and adds the scanner-only checks (docs/design.md, Scanner-only checks). It returns
 * plain findings and prints nothing.
 *
 * It never executes scanned code, never writes into the scanned repository, never touches the network,
 * never loads the scanned repository's ESLint configuration, and does not honour inline
 * `eslint-disable` comments (`noInlineConfig`). Every file-level failure becomes a `parse-error`
 * finding and the scan goes on.
 */
import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint/universal";
import { CONTRACT_FILE_NAME, type Contract, ContractError, contractKeyLocation, lineLocator, toRepoPath } from "./contract.js";
import { createRepoFacts, registerScanFacts } from "./facts/repo-facts.js";
import type { Finding } from "./finding.js";
import type { FactsProblem } from "./facts/types.js";
import { PLUGIN_NAMESPACE } from "./create-rule.js";
import plugin, { allRulesAtError } from "./index.js";
import { discoverRepository, isPythonSource, nonJsSourceKind, shebangOf, SOURCE_FILE_GLOBS } from "./discover.js";
import { classifyZone, dataLayerIndexOf, isOutsideRoot, type Zone } from "./zones.js";
import { dataLayerConflict, fileRole } from "./roles.js";
import { byteLimitFor, decodeSourceBytes, MAX_CONFIG_BYTES, MAX_DATA_BYTES, MAX_SOURCE_BYTES, readFileBytes, readSourceText } from "./source-text.js";
import { checkSqlText, checksSqlIn } from "../rules/no-destructive-sql.js";
import { checkStaleAllowlist } from "./checks/no-stale-allowlist.js";
import { type BaseContract, checkContractExpansion } from "./checks/no-contract-expansion.js";
import { type ChangedFiles, changedScope } from "./changed.js";
import { checkDeployPipelineOrder } from "./checks/deploy-pipeline-order.js";
import { timed, type Timings } from "./timings.js";
import { compareFindings } from "./report.js";
import { type Coverage, filesDigest, shardFiles, type ShardSpec, type SizedFile } from "./shard.js";
import { DEFAULT_CACHE_LOCATION } from "./cache-file.js";
import { CachedRun, type CacheStats, ScanCache } from "./scan-cache.js";
import { type Concurrency, workerCount } from "./concurrency.js";

/** Re-exported for the callers of the scanner (the type lives in its own module, src/finding.ts). */
export type { Finding } from "./finding.js";

/** What to scan. */
export interface ScanOptions {
  /** Absolute repository root. */
  root: string;
  /** The validated contract (defaults filled in). */
  contract: Contract;
  /** Absolute path of the contract file, or undefined when the defaults are used (findings about the contract go there). */
  contractFile?: string;
  /** Called after each file with the number of files scanned so far and the total (for a progress line). */
  onProgress?: (done: number, total: number) => void;
  /**
   * `--base` (no-contract-expansion): the contract at the base ref (readBaseContract) and whether
   * widenings are accepted (`--allow-expansion`: warnings instead of errors). Findings go to
   * `contractFile`, or to `<root>/production-contract.json` when the defaults are in force.
   */
  base?: { contract: BaseContract; allowExpansion: boolean };
  /**
   * `--changed` (docs/design.md, `--changed` and the baseline): the changed files (absolute; deleted ones apart). Only the files they
   * cover (src/changed.ts: the changed files, the mutation scripts whose import graph reaches one, the
   * contract when it is concerned) are checked and reported, with the findings a full scan gives them;
   * a changed contract makes it a full scan. Absent: every file.
   */
  changed?: ChangedFiles;
  /**
   * `contract-scan <dir>` with the contract found above `<dir>`: an absolute folder under `root`. Only the
   * files under it are checked and reported, with the findings a full scan gives them (the repository
   * facts cover the whole root). Absent: the whole root.
   */
  within?: string;
  /** `--debug`: the scan adds its phase times and ESLint's per-rule times here. */
  timings?: Timings;
  /**
   * `--shard <k>/<n>` (src/shard.ts): only shard k's part of the files the run would check is checked
   * and reported, and the whole-repository findings only by shard 1. Absent: every file.
   */
  shard?: ShardSpec;
  /**
   * `--cache` (src/scan-cache.ts): the cache folder (absolute; default `<root>/node_modules/.cache/contract-scan`).
   * A file whose findings the cache holds and whose inputs are unchanged is not checked again; the cache
   * is written at the end. Absent: no cache.
   */
  cache?: { location?: string };
  /**
   * `--concurrency` (src/concurrency.ts): check the files in worker threads (src/workers.ts), with the
   * same findings. Absent: `off`, every file in this thread.
   */
  concurrency?: Concurrency;
}

/** What a scan found. */
export interface ScanResult {
  findings: Finding[];
  /** Number of files scanned (JavaScript/TypeScript, SQL, and the non-JavaScript sources of src/sources/). */
  files: number;
  /**
   * Whether the scan covered a path (repository-relative in): its findings there are complete, so a
   * baseline entry of that path can be judged. A full scan covers every path; `within` the paths under
   * that folder; `changed` the paths it selects (deleted files included: they have no findings).
   */
  covers: (repoPath: string) => boolean;
  /** `covers` as data (repository paths), for a shard report. */
  coverage: Coverage;
  /**
   * With `shard`: the repository paths this shard checked (sorted), and the whole run's checked files
   * (how many, and their `filesDigest`).
   */
  shard?: { files: string[]; run: { files: number; digest: string } };
  /**
   * With `cache`: how many files' findings were reused and which files were checked, the cache file
   * (absolute), and the error that kept it from being written, if any.
   */
  cache?: CacheStats & { file: string; writeError: Error | undefined };
}

/** Files over this size are not parsed and get a `parse-error` finding ("too large"), docs/design.md, Files that cannot be read */
export const MAX_FILE_BYTES = MAX_SOURCE_BYTES;

export { ALWAYS_IGNORED, discoverFiles } from "./discover.js";

/** Scanner-only rule ids (docs/design.md, Scanner-only checks). */
export const PARSE_ERROR_RULE = `${PLUGIN_NAMESPACE}/parse-error`;

/**
 * A flat config that lints the way `contract-scan` does (and `init` collects): the TypeScript parser for
 * the plugin's own file globs, CommonJS for `.cjs`/`.cts`, inline configuration ignored (`noInlineConfig`),
 * the validated contract and root in the plugin's settings.
 * @param plugins the plugins by namespace (the scanner: this plugin; init: its collector rules).
 * @param rules the rules to run, at their severities.
 */
export function scanLintConfig(contract: Contract, root: string, plugins: Record<string, unknown>, rules: Linter.RulesRecord): Linter.Config[] {
  return [
    {
      files: SOURCE_FILE_GLOBS,
      plugins: plugins as NonNullable<Linter.Config["plugins"]>,
      languageOptions: {
        parser: tsParser as unknown as Linter.Parser,
        ecmaVersion: "latest",
        sourceType: "module",
      },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off", reportUnusedInlineConfigs: "off" },
      settings: { [PLUGIN_NAMESPACE]: { contract, root, validated: true } },
      rules,
    },
    { files: ["**/*.cjs", "**/*.cts"], languageOptions: { sourceType: "commonjs" } },
  ];
}

/**
 * The flat config the scanner lints with: the plugin's rules at `error` (also in the worker threads,
 * src/scan-worker.ts), as ESLint's own normalized config array (`normalizedConfig`).
 */
export function scannerConfig(options: ScanOptions): Linter.Config[] {
  return normalizedConfig(scanLintConfig(options.contract, options.root, { [PLUGIN_NAMESPACE]: plugin }, allRulesAtError()), options.root);
}

/** ESLint's `FlatConfigArray` class, as `normalizedConfig` uses it. */
type FlatConfigArrayClass = new (configs: Linter.Config[], options: { basePath: string }) => Linter.Config[] & { normalizeSync(): void };

/** `FlatConfigArrayClass` once loaded, or null when this ESLint does not have it where expected. */
let flatConfigArrayClass: FlatConfigArrayClass | null | undefined;

/**
 * `config` as ESLint's own normalized config array, built once: `Linter#verify` given a plain array
 * normalizes it and computes the file's config again on every call (0.8 s and more garbage over the
 * 4,226 files of dubinc/dub), while given this array, as ESLint's `ESLint` class gives it, it computes
 * each distinct config once. `FlatConfigArray` is not part of ESLint's public API: it is loaded from
 * ESLint's own folder (`lib/config/flat-config-array.js`, ESLint 9 and 10), and when that fails the plain
 * array is returned, which gives the same messages, only slower (tests/scanner.test.ts pins the layout).
 * @param cwd the Linter's `cwd` (the config array's base path).
 */
export function normalizedConfig(config: Linter.Config[], cwd: string): Linter.Config[] {
  if (flatConfigArrayClass === undefined) {
    try {
      const eslintMain = createRequire(import.meta.url).resolve("eslint");
      const loaded = (createRequire(eslintMain)("./config/flat-config-array") as { FlatConfigArray?: unknown }).FlatConfigArray;
      flatConfigArrayClass = typeof loaded === "function" ? (loaded as FlatConfigArrayClass) : null;
    } catch {
      flatConfigArrayClass = null;
    }
  }
  if (flatConfigArrayClass === null) return config;
  try {
    const array = new flatConfigArrayClass(config, { basePath: cwd });
    array.normalizeSync();
    return typeof (array as unknown as { getConfig?: unknown }).getConfig === "function" ? array : config;
  } catch {
    return config;
  }
}

/** Severity of `parse-error` (docs/design.md, Files that cannot be read): error in script zones, allowlisted, deploy and deprecated files; warning elsewhere. */
function parseErrorSeverity(repoPath: string, zone: Zone, options: ScanOptions): "error" | "warning" {
  // A package.json with an allowlisted script (`package.json#db:push`) holds a mutation script.
  const allowlistedScripts = Object.keys(options.contract.mutationScripts).some((key) => key.startsWith(`${repoPath}#`));
  return fileRole(repoPath, zone, options.contract, options.root) === "other" && !allowlistedScripts ? "warning" : "error";
}

function wholeFile(ruleId: string, severity: Finding["severity"], file: string, message: string, line = 1, column = 1): Finding {
  return { ruleId, severity, file, line, column, endLine: line, endColumn: column, message };
}


/**
 * Scans one file. Never throws: a read, decode, parse or rule failure becomes a `parse-error` finding.
 * The file is read synchronously through the bounded reader (src/source-text.ts: regular files only, at
 * most its kind's size limit): between two lints the event loop does not turn, so an asynchronous read
 * ahead waited for its five file-system steps one lint each (3.5 s of a 26 s scan of dubinc/dub).
 * @param file absolute path under `options.root`.
 */
export async function scanFile(file: string, options: ScanOptions, linter: Linter, config: Linter.Config[]): Promise<Finding[]> {
  const repoPath = toRepoPath(options.root, file);
  const zone = classifyZone(repoPath, options.contract);
  const parseError = (message: string, line?: number, column?: number): Finding =>
    wholeFile(PARSE_ERROR_RULE, parseErrorSeverity(repoPath, zone, options), repoPath, message, line, column);
  const readStarted = performance.now();
  const bytes = readFileBytes(file, byteLimitFor(file)); // never throws: a refused read is a problem
  options.timings?.add("read files", performance.now() - readStarted);
  if ("problem" in bytes) return [parseError(bytes.problem)];
  const decoded = decodeSourceBytes(bytes.bytes, byteLimitFor(file));
  if ("problem" in decoded) return [parseError(decoded.problem)];
  /** A non-JS or Python check's findings, and its reading problems (UTF-16 offsets) as parse-errors at their lines. */
  const withReadingProblems = (result: { findings: Finding[]; errors: { message: string; offset: number }[] }): Finding[] => {
    const locate = lineLocator(decoded.text);
    return [
      ...result.findings,
      ...result.errors.map((e) => {
        const at = locate(e.offset);
        return parseError(e.message, at.line, at.column);
      }),
    ];
  };
  const { text } = decoded;
  try {
    if (isPythonSource(repoPath, text)) {
      // Loaded on the first Python file only: web-tree-sitter and the grammar stay out of JavaScript-only scans.
      const { checkPythonSource } = await import("./sources/python/index.js");
      const started = performance.now();
      const result = await checkPythonSource(text, repoPath, options);
      options.timings?.add("Python sources", performance.now() - started);
      return withReadingProblems(result);
    }
    const sourceKind = nonJsSourceKind(repoPath, shebangOf(text));
    // An extension-less shell script or Git hook is known by its text: its kind's limit applies now.
    const asShell = sourceKind !== undefined && bytes.bytes.length > MAX_CONFIG_BYTES ? decodeSourceBytes(bytes.bytes, MAX_CONFIG_BYTES) : undefined;
    if (asShell !== undefined && "problem" in asShell) return [parseError(asShell.problem)];
    if (sourceKind !== undefined) {
      // Loaded on the first non-JavaScript source: a --changed run on one script does not load their parsers.
      const { checkNonJsSource } = await import("./sources/index.js");
      return withReadingProblems(timed(options.timings, "non-JS sources", () => checkNonJsSource(sourceKind, text, repoPath, options)));
    }
    if (file.endsWith(".sql")) {
      if (!checksSqlIn(zone)) return [];
      const dataLayer = zone === "app" && fileRole(repoPath, zone, options.contract, options.root) === "other" && dataLayerIndexOf(repoPath, options.contract) >= 0;
      const locate = lineLocator(text);
      return timed(options.timings, "SQL files", () => checkSqlText(text, { zone, dataLayer })).map((f) => {
        const start = locate(f.offset);
        const end = locate(f.endOffset);
        return { ...wholeFile(`${PLUGIN_NAMESPACE}/no-destructive-sql`, "error", repoPath, f.message, start.line, start.column), endLine: end.line, endColumn: end.column };
      });
    }
    const messages = options.timings === undefined ? linter.verify(text, config, { filename: file }) : verifyWithStats(linter, text, config, file, options.timings);
    const findings: Finding[] = [];
    for (const m of messages) {
      if (m.fatal) {
        findings.push(parseError(m.message, m.line, m.column));
      } else if (m.ruleId !== null) {
        findings.push({
          ruleId: m.ruleId,
          severity: m.severity === 2 ? "error" : "warning",
          file: repoPath,
          line: m.line,
          column: m.column,
          endLine: m.endLine ?? m.line,
          endColumn: m.endColumn ?? m.column,
          message: m.message,
        });
      }
    }
    return findings;
  } catch (error) {
    return [parseError(`internal error while checking this file: ${(error as Error).message.split("\n")[0] ?? ""}`)];
  }
}

/**
 * `--debug`: lints as the ESLint class does with its documented `stats: true` (ESLint's "Stats Data"):
 * `Linter#verifyAndFix` without fixing and with `stats` (Linter's types do not list that option), then
 * `Linter#getTimes()` holds this file's parse and per-rule times. Same messages as `verify`.
 */
function verifyWithStats(linter: Linter, text: string, config: Linter.Config[], file: string, timings: Timings): Linter.LintMessage[] {
  const options = { filename: file, fix: false, stats: true } as Linter.FixOptions;
  const { messages } = timings.time("lint (ESLint Linter)", () => linter.verifyAndFix(text, config, options));
  timings.addLinterTimes(linter.getTimes());
  return messages;
}

export { compareFindings } from "./report.js";

/**
 * A `dataLayer` glob that lists a script (docs/design.md: script zones, allowlisted, deploy and deprecated
 * scripts can never be listed) is a contract error: nothing is scanned with it. One problem per glob, at
 * the first such file.
 * @throws ContractError naming each glob and the file it lists.
 */
function checkDataLayer(files: readonly string[], options: ScanOptions): void {
  if (options.contract.dataLayer.length === 0) return;
  const problems = new Map<number, string>();
  for (const file of files) {
    const repoPath = toRepoPath(options.root, file);
    const zone = classifyZone(repoPath, options.contract);
    const conflict = dataLayerConflict(repoPath, zone, fileRole(repoPath, zone, options.contract, options.root), options.contract);
    if (conflict === undefined) continue;
    const index = dataLayerIndexOf(repoPath, options.contract);
    if (!problems.has(index)) problems.set(index, conflict);
  }
  if (problems.size > 0) throw new ContractError(options.contractFile ?? null, [...problems].sort(([a], [b]) => a - b).map(([, problem]) => problem));
}

/**
 * Scans a repository against its contract.
 * @returns every finding, sorted (README, Running contract-scan), and the number of files scanned. Never throws for a file.
 * @throws ContractError when a `dataLayer` glob lists a script (`checkDataLayer`), before anything is scanned.
 */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const unreadable: Finding[] = [];
  const { timings } = options;
  const contractPath = options.contractFile === undefined ? null : toRepoPath(options.root, options.contractFile);
  const cache = options.cache === undefined ? undefined : await ScanCache.open(options.cache.location ?? path.join(options.root, DEFAULT_CACHE_LOCATION), options.root, contractPath);
  const discoveryStarted = performance.now();
  const { files, configs } = await discoverRepository(
    options.root,
    options.contract,
    (relative, message) => {
      // Choice: an unreadable directory may hold mutation scripts, so it is reported like an unreadable file,
      // at its path; so are a refused .gitignore, tsconfig.json or pnpm-workspace.yaml, which steer the scan.
      const severity = parseErrorSeverity(relative, classifyZone(relative, options.contract), options);
      unreadable.push(wholeFile(PARSE_ERROR_RULE, severity, relative, message));
    },
    cache,
  );
  timings?.add("discovery", performance.now() - discoveryStarted);
  checkDataLayer(files, options);
  // The repository facts, built once for the run and shared by every rule (getRepoFacts returns this
  // instance while it is registered); modules are parsed lazily, each file read once.
  const modules = files.filter((f) => nonJsSourceKind(toRepoPath(options.root, f), "shell") === undefined && !f.endsWith(".sql") && !f.endsWith(".py"));
  const facts = timed(timings, "repository facts", () => createRepoFacts(options.root, options.contract, { files: modules, ...(cache === undefined ? {} : { moduleCache: cache }) }));
  const cacheStarted = performance.now();
  const cached = cache === undefined ? undefined : await CachedRun.start({ root: options.root, contract: options.contract, contractPath, files, modules, configs, facts, cache });
  if (cached !== undefined) timings?.add("cache", performance.now() - cacheStarted);
  // With the cache, the rules get a view of the facts that records what they ask (src/scan-cache.ts).
  const unregister = registerScanFacts(cached?.facts ?? facts);
  try {
    const linter = new Linter({ configType: "flat", cwd: options.root });
    const config = scannerConfig(options);
    const findings: Finding[] = [...unreadable];
    // --changed and `within`: the facts above still cover the whole repository; only the files checked shrink.
    const jsScope = options.changed === undefined ? undefined : timed(timings, "--changed scope", () => changedScope({ root: options.root, contract: options.contract, contractFile: options.contractFile, files, facts, changed: options.changed!, ...(cached === undefined ? {} : { dependents: (targets: string[], among: string[]) => cached.dependents(targets, among) }) }));
    let scope: ReadonlySet<string> | undefined = jsScope;
    if (jsScope !== undefined && options.changed !== undefined && [...options.changed.existing, ...options.changed.deleted].some((f) => f.endsWith(".py"))) {
      // Python scripts whose imports reach a changed Python module (loaded only when a Python file changed).
      const { pythonDependents } = await import("./sources/python/changed.js");
      scope = new Set([...jsScope, ...(await pythonDependents(options.root, options.contract, files, options.changed.existing, options.changed.deleted))]);
    }
    const within = options.within;
    const covered = (file: string): boolean => (within === undefined || !isOutsideRoot(toRepoPath(within, file))) && (scope === undefined || scope.has(file));
    const inRun = files.filter(covered);
    const sharded = options.shard === undefined ? undefined : await splitShard(options.root, inRun, options.shard);
    const checked = sharded === undefined ? inRun : inRun.filter((f) => sharded.mine.has(f));
    // A shard other than the first reports no whole-repository findings: shard 1 does (src/shard.ts).
    const wholeRepository = options.shard === undefined || options.shard.index === 1;
    if (!wholeRepository) findings.length = 0;
    // The files to check (reused findings need no read).
    const work = checked.map((file) => ({ file, reused: cached?.reuse(file) }));
    const checkHere = (file: string): Promise<Finding[]> => (cached !== undefined ? cached.check(file, () => scanFile(file, options, linter, config)) : scanFile(file, options, linter, config));
    // --concurrency: the files to check go to worker threads; their findings are taken in this order below.
    const toCheck = work.filter((w) => w.reused === undefined).map((w) => w.file);
    const threads = workerCount(options.concurrency ?? "off", toCheck.length);
    let done = work.length - toCheck.length;
    const fromWorkers = threads === 0 ? undefined : await (await import("./workers.js")).checkInWorkers({ options, modules, files: toCheck, threads, cached, checkHere, onChecked: () => options.onProgress?.(++done, checked.length) });
    for (const [index, { file, reused }] of work.entries()) {
      if (reused !== undefined) findings.push(...reused);
      else if (fromWorkers !== undefined) findings.push(...(fromWorkers.get(file) ?? []));
      else findings.push(...(await checkHere(file)));
      if (fromWorkers === undefined) options.onProgress?.(index + 1, checked.length);
    }
    const checksStarted = performance.now();
    // The contract's text, read once, to place findings about the contract at their keys.
    const contractRead = options.contractFile === undefined ? undefined : readSourceText(options.contractFile, MAX_DATA_BYTES);
    const contractText = contractRead !== undefined && "text" in contractRead ? contractRead.text : "";
    if (wholeRepository) findings.push(...schemaFindings(facts.schemaErrors, options, contractText));
    if (wholeRepository && options.contractFile !== undefined) {
      findings.push(...checkStaleAllowlist(options.root, options.contract, options.contractFile, contractText));
      findings.push(...checkDeployPipelineOrder(options.root, options.contract, options.contractFile, contractText));
    }
    // Whole-repository checks run as in a full scan; with --changed or `within` only their findings on covered files are kept.
    const kept = findings.filter((f) => covered(path.resolve(options.root, f.file)));
    // --base compares the contract with the base ref's: its findings are kept whatever --changed covers.
    if (options.base !== undefined && wholeRepository) {
      const contractFile = options.contractFile ?? path.join(options.root, CONTRACT_FILE_NAME);
      kept.push(...checkContractExpansion(options.root, options.contract, contractFile, contractText, options.base.contract, options.base.allowExpansion));
    }
    timings?.add("scanner-only checks", performance.now() - checksStarted);
    kept.sort(compareFindings);
    const saveStarted = performance.now();
    const writeError = cache === undefined ? undefined : await cache.save();
    if (cache !== undefined) timings?.add("cache", performance.now() - saveStarted);
    const coverage: Coverage = {
      within: within === undefined ? null : toRepoPath(options.root, within),
      changed: scope === undefined ? null : [...scope].map((f) => toRepoPath(options.root, f)).sort(),
    };
    return {
      findings: kept,
      files: checked.length,
      covers: (repoPath) => covered(path.resolve(options.root, repoPath)),
      coverage,
      ...(sharded === undefined ? {} : { shard: { files: checked.map((f) => toRepoPath(options.root, f)).sort(), run: sharded.run } }),
      ...(cache === undefined ? {} : { cache: { reused: cache.stats.reused, checked: [...cache.stats.checked].sort(), file: cache.file, writeError } }),
    };
  } finally {
    unregister();
  }
}

/**
 * `--shard`: the files of one shard among the files a run checks, split by size (src/shard.ts), and the
 * whole run's count and digest. A file that cannot be stat'ed counts 0 bytes (its read fails in the scan).
 * @param files absolute paths.
 */
async function splitShard(root: string, files: readonly string[], spec: ShardSpec): Promise<{ mine: Set<string>; run: { files: number; digest: string } }> {
  const sized: SizedFile[] = await Promise.all(files.map(async (file) => ({ file, size: await stat(file).then((s) => s.size, () => 0) })));
  const byRepoPath = sized.map((f) => ({ file: toRepoPath(root, f.file), size: f.size }));
  // Split by repository path, so that every checkout (wherever it is) splits alike.
  const mineByRepoPath = shardFiles(byRepoPath, spec);
  const mine = new Set(files.filter((f) => mineByRepoPath.has(toRepoPath(root, f))));
  return { mine, run: { files: files.length, digest: filesDigest(byRepoPath) } };
}

/**
 * `parse-error` findings for Prisma schemas that do not parse, and for a contract `prismaSchema` that
 * matches no file (at that key of the contract file). Errors: mutation-scope cannot check columns
 * without the schema, and a check that cannot run fails closed.
 * @param contractText the contract file's text ("" when the defaults are in force), to locate the key.
 */
function schemaFindings(problems: readonly FactsProblem[], options: ScanOptions, contractText: string): Finding[] {
  const findings: Finding[] = [];
  for (const problem of problems) {
    if (problem.contractKey !== undefined && options.contractFile !== undefined) {
      const { line, column } = contractKeyLocation(contractText, problem.contractKey.split("."));
      findings.push(wholeFile(PARSE_ERROR_RULE, "error", toRepoPath(options.root, options.contractFile), problem.message, line, column));
    } else {
      findings.push(wholeFile(PARSE_ERROR_RULE, "error", toRepoPath(options.root, problem.file), problem.message, problem.line, problem.column));
    }
  }
  return findings;
}
