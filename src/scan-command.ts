/**
 * The scan of `contract-scan` (the default command): loads the contract, scans, applies the baseline and
 * the report filters, formats and writes the report. Imported by ./cli.ts only when a scan starts, so
 * `--version`, `--help` and `explain` load none of this (ESLint, TypeScript, the rules, the parsers).
 */
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, statSync, writeSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { CONTRACT_FILE_NAME, type Contract, defaultContract, findContractAbove, loadContractFile, toRepoPath } from "./contract.js";
import { applyBaseline, type Baseline, BaselineError, baselineFromFindings, DEFAULT_BASELINE_FILE, loadBaseline, writeBaseline } from "./baseline.js";
import { createProgress } from "./progress.js";
import { buildReport, type Report } from "./report.js";
import { type BaseContract, BaseRefError, readBaseContract } from "./checks/no-contract-expansion.js";
import formatGithub from "./reporters/github.js";
import formatJson from "./reporters/json.js";
import formatMarkdown from "./reporters/markdown.js";
import formatSarif from "./reporters/sarif.js";
import formatText from "./reporters/text.js";
import { scan } from "./scanner.js";
import type { ScanResult } from "./scanner.js";
import { type ChangedPaths, changedPaths, GitError } from "./git.js";
import { filterFindings, ReportFilterError, selectRules } from "./report-filter.js";
import { timed, Timings } from "./timings.js";
import { type ShardMeta } from "./shard.js";
import { MergeError, mergeShardReports } from "./merge.js";
import { packageVersion } from "./package-info.js";
import { MAX_TOOL_DATA_BYTES, pathEntryExists, readFileBytesAsync, readSourceText } from "./source-text.js";
import { DEFAULT_CONCURRENCY } from "./concurrency.js";
import { type CliIo, EXIT, type Format, type MergeFlags, reportColor, type ScanFlags, UsageError } from "./cli.js";

/**
 * The contract and the repository root of a scan of `target` (the rule the ESLint rules follow too):
 * `--contract` (relative to the working directory) with `target` as the root; else the nearest
 * production-contract.json in `target` or a folder above it, whose folder is the root (a `target` below it
 * is then the part of the repository that is scanned, as `eslint src/` lints src/ with paths relative to
 * the config's folder); else the defaults, with `target` as the root.
 * @throws ContractError when the contract cannot be read or is invalid.
 */
function loadContract(target: string, flags: ScanFlags, io: CliIo): { contract: Contract; contractFile: string | undefined; root: string } {
  if (flags.contract !== undefined) {
    const file = path.resolve(io.cwd, flags.contract);
    return { contract: loadContractFile(file), contractFile: file, root: target };
  }
  const found = findContractAbove(target);
  if (found === undefined) {
    io.stderr(
      `contract-scan: no ${CONTRACT_FILE_NAME} in ${target} or a folder above it; scanning with the defaults (every mutation script is unlisted).\n` +
        `  Draft one from what the repository does today with \`contract-scan init\`, or write one at the repository root: {"$schema": "./node_modules/eslint-plugin-production-safety/schema/production-contract.schema.json", "version": 1, ...}\n` +
        `  (see "The contract" in the eslint-plugin-production-safety README).\n`,
    );
    return { contract: defaultContract(), contractFile: undefined, root: target };
  }
  return { contract: loadContractFile(found), contractFile: found, root: path.dirname(found) };
}

/** `--base` / `--allow-expansion`: the contract at the base ref, read before anything is scanned. */
async function readBase(root: string, flags: ScanFlags, io: CliIo): Promise<{ contract: BaseContract; allowExpansion: boolean } | undefined> {
  if (flags.base === undefined) {
    if (flags.allowExpansion === true) throw new UsageError("--allow-expansion needs --base <git-ref>");
    return undefined;
  }
  const contractFile = flags.contract !== undefined ? path.resolve(io.cwd, flags.contract) : path.join(root, CONTRACT_FILE_NAME);
  try {
    return { contract: await readBaseContract(contractFile, flags.base), allowExpansion: flags.allowExpansion === true };
  } catch (error) {
    if (error instanceof BaseRefError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--changed` (docs/design.md, `--changed` and the baseline): the changed files from git; git failures are usage errors (exit 2). */
async function changedFiles(root: string, changed: string | true): Promise<ChangedPaths> {
  try {
    return await changedPaths(root, changed === true ? undefined : changed);
  } catch (error) {
    if (error instanceof GitError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Checks that a folder to scan is a directory the scan can list and enter.
 * @param shown the folder as the user wrote it (for the message).
 * @throws UsageError (exit 2) naming it: not a directory (or nothing there), or not readable (EACCES, EPERM).
 */
function checkScanDirectory(dir: string, shown: string): void {
  const unreadable = (error: unknown): UsageError => {
    const reason = (error as Error).message.replace(/, \w+ '[^']*'$/, "");
    return new UsageError(`cannot read the directory ${shown} (${reason}): the scan lists it and reads its files; run as a user who can read it, or fix its permissions`);
  };
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw unreadable(error);
    isDirectory = false;
  }
  if (!isDirectory) throw new UsageError(`not a directory: ${shown}`);
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw unreadable(error);
  }
}

export async function runScan(dir: string, given: ScanFlags, io: CliIo): Promise<number> {
  const target = path.resolve(io.cwd, dir);
  checkScanDirectory(target, dir);
  const output = given.output !== undefined ? path.resolve(io.cwd, given.output) : undefined;
  if (output !== undefined && !(existsSync(path.dirname(output)) && statSync(path.dirname(output)).isDirectory())) {
    throw new UsageError(`cannot write the report to ${given.output}: directory ${path.dirname(output)} does not exist`);
  }
  if (given.shard !== undefined) checkShardFlags(given);
  const timings = given.debug === true ? new Timings() : undefined;
  const ruleIds = await selectReportedRules(given.rule);
  const { contract, contractFile, root } = timed(timings, "contract", () => loadContract(target, given, io));
  // The contract's folder above `dir` is the root the scan walks: it must be readable too.
  if (root !== target) checkScanDirectory(root, root);
  if (given.printContract === true) {
    io.stdout(`${JSON.stringify(contract, null, 2)}\n`);
    return EXIT.ok;
  }
  // The default baseline sits at the root (the contract's folder), as the contract does. A shard applies
  // none: `contract-scan merge` applies it to the whole run's findings.
  const flags: ScanFlags = { ...given, baseline: given.shard === undefined ? defaultBaseline(given, root, io) : undefined };
  const baselineFile = checkBaselineFlags(flags, io);
  // Relative to the root even when outside it (`../shared/contract.json`): the report must not depend
  // on where the repository is checked out (README, Running contract-scan: the same input gives a byte-identical report).
  const contractPath = contractFile === undefined ? null : toRepoPath(root, contractFile);
  const base = await readBase(root, flags, io);
  const started = performance.now();
  const changed = flags.changed === undefined ? undefined : await changedFiles(root, flags.changed);
  const cache = (flags.cache ?? flags.changed !== undefined) ? { ...(flags.cacheLocation === undefined ? {} : { location: path.resolve(io.cwd, flags.cacheLocation) }) } : undefined;
  if (cache?.location !== undefined && existsSync(cache.location) && !statSync(cache.location).isDirectory()) {
    throw new UsageError(`--cache-location ${flags.cacheLocation} is a file; give a folder (the cache writes its files there)`);
  }
  const progress = io.stderrIsTTY === true ? createProgress(io.stderr, io.now) : undefined;
  let result: Awaited<ReturnType<typeof scan>>;
  try {
    result = await scan({
      root,
      contract,
      ...(contractFile === undefined ? {} : { contractFile }),
      ...(target === root ? {} : { within: target }),
      ...(base === undefined ? {} : { base }),
      ...(changed === undefined ? {} : { changed }),
      ...(progress === undefined ? {} : { onProgress: (done: number, total: number) => progress.update(done, total) }),
      ...(timings === undefined ? {} : { timings }),
      ...(flags.shard === undefined ? {} : { shard: flags.shard }),
      ...(cache === undefined ? {} : { cache }),
      concurrency: flags.concurrency ?? DEFAULT_CONCURRENCY,
    });
  } finally {
    progress?.finish();
  }
  if (result.cache?.writeError !== undefined) {
    io.stderr(`contract-scan: could not write the cache ${result.cache.file}: ${result.cache.writeError.message} (the report is complete; the next run checks every file again).\n`);
  }
  if (timings !== undefined && result.cache !== undefined) {
    io.stderr(`cache ${result.cache.file}: ${result.cache.reused} file${result.cache.reused === 1 ? "" : "s"} reused, ${result.cache.checked.length} checked\n`);
  }
  if (flags.shard !== undefined) {
    const report: Report & { shard: ShardMeta } = {
      ...buildReport(result.findings, result.files, contractPath, performance.now() - started),
      shard: {
        index: flags.shard.index,
        count: flags.shard.count,
        tool: packageVersion,
        contractDigest: createHash("sha256").update(JSON.stringify(contract)).digest("hex"),
        base: flags.base === undefined ? null : { ref: flags.base, allowExpansion: flags.allowExpansion === true },
        files: result.shard?.files ?? [],
        run: result.shard?.run ?? { files: result.files, digest: "" },
        coverage: result.coverage,
      },
    };
    await writeReport(formatJson(report), output, flags, io);
    if (timings !== undefined) io.stderr(timings.format());
    // Choice: a shard's exit code says only whether it ran; the baseline and the verdict are the merge's.
    return EXIT.ok;
  }
  const reportStarted = performance.now();
  const baseline = baselineFile === undefined ? undefined : await useBaseline(baselineFile, root, flags, result, io);
  const exit = await finishReport({ findings: baseline?.findings ?? result.findings, files: result.files, contract: contractPath, durationMs: performance.now() - started, baseline: baseline?.summary }, ruleIds, root, output, flags, io);
  if (timings !== undefined) {
    timings.add("baseline, filters and report", performance.now() - reportStarted);
    io.stderr(timings.format());
  }
  return exit;
}

/**
 * The end of a scan or a merge: applies `--rule`, `--quiet` and `--max-warnings` to the findings (after
 * the baseline), formats the report, writes it, and returns the exit code (1 for an error finding or too
 * many warnings, else 0).
 */
async function finishReport(
  run: { findings: Report["findings"]; files: number; contract: string | null; durationMs: number; baseline: Report["baseline"] | undefined },
  ruleIds: ReadonlySet<string> | undefined,
  root: string,
  output: string | undefined,
  flags: ScanFlags,
  io: CliIo,
): Promise<number> {
  const shown = filterFindings(run.findings, { rules: ruleIds, quiet: flags.quiet, maxWarnings: flags.maxWarnings });
  const report: Report = buildReport(shown.findings, run.files, run.contract, run.durationMs);
  if (run.baseline !== undefined) report.baseline = run.baseline;
  await writeReport(formatReport(flags.format, report, root, reportColor(flags.color, output !== undefined, io), io), output, flags, io);
  // As ESLint: too many warnings fail the run, and are named when no error explains the exit code.
  if (shown.tooManyWarnings && report.summary.errors === 0) {
    io.stderr(`contract-scan: too many warnings (${shown.warnings} found, maximum ${flags.maxWarnings}).\n`);
  }
  return report.summary.errors > 0 || shown.tooManyWarnings ? EXIT.findings : EXIT.ok;
}

/**
 * The descriptor an `--output` path names when it is one of this process's open descriptors
 * (`/dev/stdout`, `/dev/stderr`, `/dev/fd/<n>`, `/proc/self/fd/<n>`), else undefined. Opening such a path
 * anew fails when the descriptor is a socket (ENXIO: how Node and many CI runners connect a child's
 * stdout), so the report is written to the descriptor itself.
 */
function openDescriptorOf(output: string): number | undefined {
  if (process.platform === "win32") return undefined;
  if (output === "/dev/stdout") return 1;
  if (output === "/dev/stderr") return 2;
  const match = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/.exec(output);
  return match ? Number(match[1]) : undefined;
}

/** Writes a report to `output` (absolute), or to stdout when undefined. */
async function writeReport(text: string, output: string | undefined, flags: { output?: string | undefined }, io: CliIo): Promise<void> {
  const fd = output === undefined ? 1 : openDescriptorOf(output);
  if (fd === 1) {
    io.stdout(text);
    return;
  }
  if (fd === 2) {
    io.stderr(text);
    return;
  }
  try {
    if (fd !== undefined) writeAllSync(fd, text);
    else await writeFile(output as string, text);
  } catch (error) {
    throw new UsageError(`cannot write the report to ${flags.output}: ${(error as Error).message}`);
  }
}

/** Writes all of `text` to an open descriptor (a pipe may take it in parts). */
function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * `--shard`: the options that shape the whole run's report belong to `contract-scan merge`.
 * @throws UsageError for `--format` other than json, `--baseline`, `--update-baseline`, `--quiet`,
 *   `--max-warnings` and `--rule`.
 */
function checkShardFlags(flags: ScanFlags): void {
  if (flags.formatGiven === true && flags.format !== "json") {
    throw new UsageError(`--shard writes the JSON report that \`contract-scan merge\` reads; give --format ${flags.format} to merge instead.`);
  }
  if (flags.updateBaseline === true) throw new UsageError("--update-baseline needs the findings of the whole repository: run it without --shard.");
  const merged: [string, unknown][] = [
    ["--baseline", flags.baseline],
    ["--quiet", flags.quiet],
    ["--max-warnings", flags.maxWarnings],
    ["--rule", flags.rule],
  ];
  const given = merged.find(([, value]) => value !== undefined);
  if (given !== undefined) throw new UsageError(`${given[0]} applies to the whole run's report: give it to \`contract-scan merge\`, not to a shard.`);
}

export async function runMerge(files: string[], given: MergeFlags, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, given.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--root: not a directory: ${given.root}`);
  const output = given.output !== undefined ? path.resolve(io.cwd, given.output) : undefined;
  const ruleIds = await selectReportedRules(given.rule);
  const inputs = await Promise.all(
    files.map(async (name) => {
      // Through the bounded reader (src/source-text.ts): a FIFO or device given by mistake is refused unread.
      const read = await readFileBytesAsync(path.resolve(io.cwd, name), MAX_TOOL_DATA_BYTES);
      if ("problem" in read) throw new UsageError(`cannot read the report ${name}: ${read.problem.replace(/^cannot read the file: /, "")}`);
      return { name, text: read.bytes.toString("utf8") };
    }),
  );
  let merged: ReturnType<typeof mergeShardReports>;
  try {
    merged = mergeShardReports(inputs);
  } catch (error) {
    if (error instanceof MergeError) throw new UsageError(error.message);
    throw error;
  }
  const flags: ScanFlags = { ...given, baseline: defaultBaseline(given, root, io) };
  const baselineFile = checkBaselineFlags(flags, io);
  const baseline = baselineFile === undefined ? undefined : await useBaseline(baselineFile, root, flags, merged, io);
  return finishReport({ ...merged, findings: baseline?.findings ?? merged.findings, baseline: baseline?.summary }, ruleIds, root, output, flags, io);
}

/**
 * The rule ids of `--rule` (undefined: every rule); an unknown id is a usage error that lists the known
 * ones. The rule catalogue (every rule module) is loaded only when `--rule` is given.
 */
async function selectReportedRules(values: string[] | undefined): Promise<ReadonlySet<string> | undefined> {
  if (values === undefined) return undefined;
  const { ruleCatalogue } = await import("./reporters/rule-catalogue.js");
  try {
    return selectRules(values, ruleCatalogue().map((r) => r.id));
  } catch (error) {
    if (error instanceof ReportFilterError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The baseline file in force: `--baseline`, else `<dir>/contract-scan-baseline.json` when it exists or
 * `--update-baseline` is given (as ESLint reads `eslint-suppressions.json` when it exists), shown
 * relative to the working directory; undefined for none.
 */
function defaultBaseline(flags: ScanFlags, root: string, io: CliIo): string | undefined {
  if (flags.baseline !== undefined) return flags.baseline;
  const file = path.join(root, DEFAULT_BASELINE_FILE);
  // lstat: a dangling or looping symbolic link is a baseline that cannot be read (exit 2), not no baseline.
  return flags.updateBaseline === true || pathEntryExists(file) ? path.relative(io.cwd, file) : undefined;
}

/** Formats the report in the chosen format (README, Running contract-scan). */
function formatReport(format: Format, report: Report, root: string, color: boolean, io: CliIo): string {
  const env = io.env ?? process.env;
  // Report paths are relative to the scanned root; GitHub resolves annotation paths and blob links
  // against the workspace, so a scan of a subfolder prefixes them with that subfolder.
  const fromWorkspace = path.relative(env.GITHUB_WORKSPACE ?? io.cwd, root);
  const prefix = fromWorkspace === "" || fromWorkspace.startsWith("..") || path.isAbsolute(fromWorkspace) ? "" : `${fromWorkspace.split(path.sep).join("/")}/`;
  switch (format) {
    case "json":
      return formatJson(report);
    case "sarif":
      return formatSarif(report, {
        sourceText: (file) => {
          const read = readSourceText(path.join(root, file));
          return "text" in read ? read.text : undefined;
        },
      });
    case "github":
      return formatGithub(report, { pathPrefix: prefix });
    case "markdown": {
      const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
      return formatMarkdown(report, server && repo && sha ? { fileLinkBase: `${server}/${repo}/blob/${sha}/${prefix}` } : {});
    }
    case "text": {
      const fromCwd = path.relative(io.cwd, root);
      return formatText(report, { color, ...(fromCwd === "" ? {} : { root: fromCwd.startsWith("..") || path.isAbsolute(fromCwd) ? root : fromCwd }) });
    }
  }
}

/**
 * Checks the baseline flags before anything is scanned.
 * @param flags with `baseline` already defaulted (`defaultBaseline`).
 * @returns the absolute baseline path, or undefined when no baseline is in force.
 * @throws UsageError for --force-update without --update-baseline, for --update-baseline when CI=true
 *   without --force-update, and for a --baseline file that does not exist (without --update-baseline).
 */
function checkBaselineFlags(flags: ScanFlags, io: CliIo): string | undefined {
  if (flags.forceUpdate && !flags.updateBaseline) throw new UsageError("--force-update needs --update-baseline");
  if (flags.baseline === undefined) return undefined;
  const file = path.resolve(io.cwd, flags.baseline);
  if (flags.updateBaseline && (io.env ?? process.env).CI === "true" && !flags.forceUpdate) {
    throw new UsageError(
      `refusing to write the baseline ${flags.baseline} in CI (CI=true): a baseline must not grow unreviewed. ` +
        "Update it locally and commit it, or pass --force-update to write it anyway.",
    );
  }
  if (!flags.updateBaseline && !pathEntryExists(file)) {
    throw new UsageError(`baseline file ${flags.baseline} does not exist; create it with --update-baseline`);
  }
  return file;
}

/**
 * Writes the baseline (with --update-baseline), then applies it. Says on stderr what was written and
 * how many entries are stale. Entries of files the scan did not cover (`--changed`, a folder below the
 * root) are kept and never stale (src/baseline.ts).
 */
async function useBaseline(
  file: string,
  root: string,
  flags: ScanFlags,
  { findings, covers }: Pick<ScanResult, "findings" | "covers">,
  io: CliIo,
): Promise<{ findings: Report["findings"]; summary: NonNullable<Report["baseline"]> }> {
  let baseline: Baseline;
  try {
    if (flags.updateBaseline) {
      baseline = baselineFromFindings(findings, pathEntryExists(file) ? loadBaseline(file) : {}, covers);
      await writeBaseline(file, baseline);
      const accepted = Object.values(baseline).flatMap((byRule) => Object.values(byRule)).reduce((n, e) => n + e.count, 0);
      const files = Object.keys(baseline).length;
      const unchecked = Object.keys(baseline).filter((f) => !covers(f)).length;
      io.stderr(
        `contract-scan: wrote the baseline ${flags.baseline}: ${accepted} error finding${accepted === 1 ? "" : "s"} accepted in ${files} file${files === 1 ? "" : "s"}` +
          (unchecked === 0 ? ".\n" : ` (the entries of ${unchecked} file${unchecked === 1 ? "" : "s"} this run did not check are kept as they were).\n`),
      );
    } else {
      baseline = loadBaseline(file);
    }
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  const outcome = applyBaseline(findings, baseline, covers);
  const staleFindings = outcome.stale.reduce((n, e) => n + e.count, 0);
  if (outcome.stale.length > 0) {
    io.stderr(
      `contract-scan: ${outcome.stale.length} baseline entr${outcome.stale.length === 1 ? "y is" : "ies are"} stale (${staleFindings} accepted finding${staleFindings === 1 ? "" : "s"} no longer found); ` +
        "run with --update-baseline to shrink the baseline.\n",
    );
  }
  return {
    findings: outcome.findings,
    summary: { file: toRepoPath(root, file), suppressed: outcome.suppressed, stale: outcome.stale.length, staleEntries: outcome.stale },
  };
}
