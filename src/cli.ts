/**
 * `contract-scan` (SPEC §4): `run(argv, io)` parses the flags (commander; one declarative table that
 * also prints `--help`), loads the contract, scans, formats and writes the report, and returns the exit
 * code. It never calls `process.exit`; only `bin/contract-scan.js` sets `process.exitCode`.
 *
 * Exit codes: 0 no error findings; 1 at least one error finding; 2 usage or contract error (nothing
 * scanned).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { CONTRACT_FILE_NAME, type Contract, ContractError, defaultContract, findContractAbove, loadContractFile, toRepoPath } from "./contract.js";
import { packageVersion } from "./package-info.js";
import { addInitCommand } from "./init.js";
import { applyBaseline, type Baseline, BaselineError, baselineFromFindings, DEFAULT_BASELINE_FILE, loadBaseline, writeBaseline } from "./baseline.js";
import { explainableRules, renderForTerminal, ruleDocs } from "./explain.js";
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
import { colorEnabled } from "./color.js";
import { filterFindings, ReportFilterError, selectRules } from "./report-filter.js";
import { timed, Timings } from "./timings.js";
import { parseShard, ShardError, type ShardMeta, type ShardSpec } from "./shard.js";
import { MergeError, mergeShardReports } from "./merge.js";

/** Where the CLI writes; the bin passes the process's streams, tests pass buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colors for `text`). */
  isTTY: boolean;
  /** Working directory against which `dir`, `--contract` and `--output` resolve. */
  cwd: string;
  /** Whether stderr is a terminal (the progress line of long scans). Default false. */
  stderrIsTTY?: boolean;
  /** Environment (`CI`, `GITHUB_*`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Clock in milliseconds for the progress line; default `performance.now`. */
  now?: () => number;
}

/** The report formats that exist today. */
export const FORMATS = ["text", "json", "sarif", "github", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

/** Exit codes of SPEC §4. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

interface ScanFlags {
  contract?: string;
  format: Format;
  output?: string;
  color?: boolean;
  baseline?: string;
  updateBaseline?: boolean;
  forceUpdate?: boolean;
  base?: string;
  allowExpansion?: boolean;
  /** `--changed` alone: true (the staged files); `--changed=<ref>`: the ref. */
  changed?: string | true;
  quiet?: boolean;
  maxWarnings?: number;
  rule?: string[];
  printContract?: boolean;
  debug?: boolean;
  /** `--shard <k>/<n>`. */
  shard?: ShardSpec;
  /** Whether `--format` was given on the command line (not its default). */
  formatGiven?: boolean;
  /** `--cache` / `--no-cache`; undefined: on with `--changed`, else off. */
  cache?: boolean;
  cacheLocation?: string;
}

class UsageError extends Error {}

/** `--max-warnings <n>`: a whole number, 0 or more (ESLint's `-1`, no limit, is the flag's absence). */
function parseWarningLimit(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number of warnings, 0 or more.");
  return Number(value);
}

/** `--shard <k>/<n>`. */
function parseShardFlag(value: string): ShardSpec {
  try {
    return parseShard(value);
  } catch (error) {
    if (error instanceof ShardError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** `--rule <id>`, repeatable. */
function collectRule(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function buildProgram(io: CliIo, onScan: (dir: string, flags: ScanFlags) => void): Command {
  const program = new Command("contract-scan")
    .description("Check a repository against its production mutation contract (production-contract.json).")
    .version(packageVersion, "-v, --version")
    .argument("[dir]", "folder to scan: the repository root, or a folder in it", ".")
    // Subcommands (init, ...) are listed under "Commands:"; the usage line shows the default command.
    .usage("[options] [dir]")
    .option("--contract <file>", `contract path (default: the nearest ${CONTRACT_FILE_NAME} in <dir> or a folder above it)`)
    .addOption(new Option("--format <format>", "report format").choices(FORMATS).default("text"))
    .option("--output <file>", "write the report to this file instead of stdout")
    .option("--color", "ANSI colors in the text report even when stdout is not a terminal (as FORCE_COLOR)")
    .option("--no-color", "no ANSI colors in the text report (as NO_COLOR)")
    .option("--quiet", "report errors only (warnings still count for --max-warnings)")
    .option("--max-warnings <n>", "exit 1 when more than n warnings are found", parseWarningLimit)
    .option("--rule <id>", "report only this rule's findings (repeatable; with or without the production-safety/ prefix)", collectRule)
    .option("--baseline <file>", `accept the findings counted in this baseline file (ESLint suppressions format); fail only on new ones (default: <dir>/${DEFAULT_BASELINE_FILE} when it exists)`)
    .option("--update-baseline", `write today's error findings to the baseline file (--baseline, or <dir>/${DEFAULT_BASELINE_FILE}), then report against it (refused when CI=true)`)
    .option("--force-update", "allow --update-baseline when CI=true")
    .option("--base <git-ref>", "also report every widening of the contract since this git ref (no-contract-expansion)")
    .option("--allow-expansion", "with --base: report widenings as warnings (shown for review) instead of errors")
    .option(
      "--changed [git-ref]",
      "check only the staged files (alone: pre-commit) or the files changed since the merge base with <git-ref> (plus uncommitted and untracked files), and the mutation scripts whose imports reach them; a changed contract means a full scan",
    )
    .option("--print-contract", "print the contract in force (defaults filled in) as JSON and exit without scanning")
    .option("--debug", "print the time of each phase and of each rule on stderr")
    .option("--cache", "reuse the findings of files whose content and imports did not change since the last run with the cache (default with --changed)")
    .option("--no-cache", "no cache, also with --changed")
    .option("--cache-location <dir>", "the cache folder (default: <root>/node_modules/.cache/contract-scan)")
    .option("--shard <k>/<n>", "check shard k of n deterministic slices of the files (CI matrix) and write its JSON report; join the n reports with `contract-scan merge`", parseShardFlag)
    .addHelpText(
      "after",
      "\nExit codes: 0 no error findings, 1 at least one error finding, 2 usage or contract error (nothing scanned).",
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((dir: string, flags: ScanFlags, command: Command) => onScan(dir, { ...flags, formatGiven: command.getOptionValueSource("format") === "cli" }));
  return program;
}

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

/** `--changed` (SPEC §6.15): the changed files from git; git failures are usage errors (exit 2). */
async function changedFiles(root: string, changed: string | true): Promise<ChangedPaths> {
  try {
    return await changedPaths(root, changed === true ? undefined : changed);
  } catch (error) {
    if (error instanceof GitError) throw new UsageError(error.message);
    throw error;
  }
}

async function runScan(dir: string, given: ScanFlags, io: CliIo): Promise<number> {
  const target = path.resolve(io.cwd, dir);
  if (!existsSync(target) || !statSync(target).isDirectory()) throw new UsageError(`not a directory: ${dir}`);
  const output = given.output !== undefined ? path.resolve(io.cwd, given.output) : undefined;
  if (output !== undefined && !(existsSync(path.dirname(output)) && statSync(path.dirname(output)).isDirectory())) {
    throw new UsageError(`cannot write the report to ${given.output}: directory ${path.dirname(output)} does not exist`);
  }
  if (given.shard !== undefined) checkShardFlags(given);
  const timings = given.debug === true ? new Timings() : undefined;
  const ruleIds = await selectReportedRules(given.rule);
  const { contract, contractFile, root } = timed(timings, "contract", () => loadContract(target, given, io));
  if (given.printContract === true) {
    io.stdout(`${JSON.stringify(contract, null, 2)}\n`);
    return EXIT.ok;
  }
  // The default baseline sits at the root (the contract's folder), as the contract does. A shard applies
  // none: `contract-scan merge` applies it to the whole run's findings.
  const flags: ScanFlags = { ...given, baseline: given.shard === undefined ? defaultBaseline(given, root, io) : undefined };
  const baselineFile = checkBaselineFlags(flags, io);
  // Relative to the root even when outside it (`../shared/contract.json`): the report must not depend
  // on where the repository is checked out (SPEC §4: the same input gives a byte-identical report).
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

/** Writes a report to `output` (absolute), or to stdout when undefined. */
async function writeReport(text: string, output: string | undefined, flags: { output?: string | undefined }, io: CliIo): Promise<void> {
  if (output === undefined) {
    io.stdout(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new UsageError(`cannot write the report to ${flags.output}: ${(error as Error).message}`);
  }
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
 * Whether the text report (or `explain`) is colored: picocolors' detection for this run (src/color.ts).
 * A report written to a file (`--output`) is colored only with an explicit `--color`.
 */
function reportColor(flag: boolean | undefined, toFile: boolean, io: CliIo): boolean {
  if (toFile) return flag === true;
  return colorEnabled({ flag, env: io.env ?? process.env, isTTY: io.isTTY });
}

/**
 * The baseline file in force: `--baseline`, else `<dir>/contract-scan-baseline.json` when it exists or
 * `--update-baseline` is given (as ESLint reads `eslint-suppressions.json` when it exists), shown
 * relative to the working directory; undefined for none.
 */
function defaultBaseline(flags: ScanFlags, root: string, io: CliIo): string | undefined {
  if (flags.baseline !== undefined) return flags.baseline;
  const file = path.join(root, DEFAULT_BASELINE_FILE);
  return flags.updateBaseline === true || existsSync(file) ? path.relative(io.cwd, file) : undefined;
}

/** Formats the report in the chosen format (SPEC §4). */
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
          try {
            return readFileSync(path.join(root, file), "utf8");
          } catch {
            return undefined;
          }
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
  if (!flags.updateBaseline && !existsSync(file)) {
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
      baseline = baselineFromFindings(findings, existsSync(file) ? loadBaseline(file) : {}, covers);
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

/**
 * Adds `contract-scan explain <rule>`: the rule's docs page rendered for the terminal (colors on a
 * TTY). An unknown rule is a usage error (exit 2) that lists the known rules.
 */
function addExplainCommand(program: Command, io: CliIo, onRun: (pending: Promise<number>) => void): void {
  program
    .command("explain")
    .description("print a rule's documentation (e.g. contract-scan explain no-bypass-env)")
    .argument("<rule>", "rule name, with or without the production-safety/ prefix")
    .option("--color", "ANSI colors even when stdout is not a terminal (as FORCE_COLOR)")
    .option("--no-color", "no ANSI colors (as NO_COLOR)")
    .action((rule: string, _flags: unknown, command: Command) => {
      // optsWithGlobals: the root program's own --no-color is parsed wherever it appears.
      const flags = command.optsWithGlobals<{ color?: boolean }>();
      const docs = ruleDocs(rule);
      if (docs === undefined) throw new UsageError(`unknown rule "${rule}". Known rules: ${explainableRules().join(", ")}`);
      const color = reportColor(flags.color, false, io);
      onRun(
        renderForTerminal(docs, { color }).then((text) => {
          io.stdout(text);
          return EXIT.ok;
        }),
      );
    });
}

/** The flags of `contract-scan merge`. */
interface MergeFlags {
  root: string;
  format: Format;
  output?: string;
  color?: boolean;
  baseline?: string;
  quiet?: boolean;
  maxWarnings?: number;
  rule?: string[];
}

/**
 * Adds `contract-scan merge <reports...>`: joins the JSON reports of `--shard 1/n` .. `--shard n/n` into
 * one run's report (src/merge.ts), then applies the baseline and the report options and formats it as a
 * scan does. Reports that are not every shard of one run are a usage error (exit 2).
 */
function addMergeCommand(program: Command, io: CliIo, onRun: (pending: Promise<number>) => void): void {
  program
    .command("merge")
    .description("join the JSON reports of `contract-scan --shard k/n` (k = 1..n) into one report")
    .argument("<reports...>", "the shard reports (any order)")
    .option("--root <dir>", "the folder the shards scanned (the baseline's folder; SARIF reads code snippets there)", ".")
    .addHelpText(
      "after",
      "\nThe report options of a scan apply to the merged report: --format, --output, --color/--no-color, --quiet, --max-warnings, --rule, and\n" +
        `--baseline (default: <root>/${DEFAULT_BASELINE_FILE} when it exists).\n` +
        "\nExit codes: 0 no error findings, 1 at least one error finding, 2 usage error (reports that are not every shard of one run).",
    )
    .action((files: string[], _flags: unknown, command: Command) => {
      // A block, not an arrow returning the promise: commander would chain a returned promise that
      // parse() (synchronous) leaves unhandled when it rejects. optsWithGlobals: the root program's
      // report options (--format, --output, --baseline, ...) are parsed wherever they appear.
      onRun(runMerge(files, mergeFlags(command), io));
    });
}

/**
 * The flags of `merge`: its own (`--root`) and the root program's report options, which commander
 * parses wherever they appear. A scan option given to merge is a usage error (it would do nothing).
 * @throws UsageError naming a scan-only option given to merge.
 */
function mergeFlags(command: Command): MergeFlags {
  const parent = command.parent as Command;
  const reportOptions = new Set(["format", "output", "color", "baseline", "quiet", "maxWarnings", "rule"]);
  for (const option of parent.options) {
    const name = option.attributeName();
    if (parent.getOptionValueSource(name) === "cli" && !reportOptions.has(name)) {
      throw new UsageError(`${option.long ?? option.flags} is an option of a scan, not of merge: give it to the shards (contract-scan --shard <k>/<n> ${option.long ?? ""}).`);
    }
  }
  return command.optsWithGlobals<MergeFlags>();
}

async function runMerge(files: string[], given: MergeFlags, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, given.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--root: not a directory: ${given.root}`);
  const output = given.output !== undefined ? path.resolve(io.cwd, given.output) : undefined;
  const ruleIds = await selectReportedRules(given.rule);
  const inputs = await Promise.all(
    files.map(async (name) => {
      try {
        return { name, text: await readFile(path.resolve(io.cwd, name), "utf8") };
      } catch (error) {
        throw new UsageError(`cannot read the report ${name}: ${(error as Error).message}`);
      }
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
 * Runs the CLI.
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @returns the exit code (0, 1 or 2). Contract and usage errors are printed to `io.stderr`, not thrown.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram(io, (dir, flags) => {
    pending = runScan(dir, flags, io);
  });
  addInitCommand(program, io, (init) => {
    pending = init;
  });
  addExplainCommand(program, io, (p) => (pending = p));
  addMergeCommand(program, io, (p) => (pending = p));
  try {
    program.parse(argv, { from: "user" });
    return pending === undefined ? EXIT.ok : await pending;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exitCode 0; a bad flag with 1, which SPEC §4 calls a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ContractError) {
      io.stderr(`contract-scan: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`contract-scan: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
