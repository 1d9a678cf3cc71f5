/**
 * `contract-scan` (README, Running contract-scan): `run(argv, io)` parses the flags (commander; one declarative table that
 * also prints `--help`), loads the contract, scans, formats and writes the report, and returns the exit
 * code. It never calls `process.exit`; only `bin/contract-scan.js` sets `process.exitCode`.
 *
 * Exit codes: 0 no error findings; 1 at least one error finding; 2 usage or contract error (nothing
 * scanned).
 *
 * Start-up: this module loads only the flag parser and what `--help`, `--version` and `explain` print.
 * The scan (./scan-command.ts: ESLint, TypeScript, the rules, the PostgreSQL parser) and `init`
 * (./init.ts) are imported when they start, so `--version` costs what Node's start does
 * (tests/e2e/startup.test.ts checks what each command loads).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { CONTRACT_FILE_NAME, ContractError } from "./contract.js";
import { packageVersion } from "./package-info.js";
import { DEFAULT_BASELINE_FILE } from "./baseline.js";
import { explainableRules, renderForTerminal, ruleDocs } from "./explain.js";
import type { InitFlags } from "./init.js";
import { colorEnabled } from "./color.js";
import { parseShard, ShardError, type ShardSpec } from "./shard.js";
import { type Concurrency, ConcurrencyError, parseConcurrency } from "./concurrency.js";

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

/** Exit codes of README, Running contract-scan */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export interface ScanFlags {
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
  /** `--concurrency <n>|auto|off`; undefined: `DEFAULT_CONCURRENCY`. */
  concurrency?: Concurrency;
}

/** A usage error: printed as `contract-scan: <message>`, exit 2. */
export class UsageError extends Error {}

/** `--max-warnings <n>`: a whole number, 0 or more (ESLint's `-1`, no limit, is the flag's absence). */
function parseWarningLimit(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number of warnings, 0 or more.");
  return Number(value);
}

/**
 * A commander argument parser from `parse`: an `errorClass` error (the value is not one the option takes)
 * becomes commander's InvalidArgumentError, so the message is printed and the exit code is 2; any other
 * error is thrown as it is.
 */
function flagParser<T>(parse: (value: string) => T, errorClass: new (message: string) => Error): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof errorClass) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** `--shard <k>/<n>`. */
const parseShardFlag: (value: string) => ShardSpec = flagParser(parseShard, ShardError);

/** `--concurrency <n>|auto|off`. */
const parseConcurrencyFlag: (value: string) => Concurrency = flagParser(parseConcurrency, ConcurrencyError);

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
    .option(
      "--concurrency <n|auto|off>",
      "worker threads that check files: a number, auto (one per 300 files to check, at most half the CPUs; none below 600 files or 4 CPUs) or off (all in this thread); the report is the same (default: off)",
      parseConcurrencyFlag,
    )
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
 * Whether the text report (or `explain`) is colored: picocolors' detection for this run (src/color.ts).
 * A report written to a file (`--output`) is colored only with an explicit `--color`.
 */
export function reportColor(flag: boolean | undefined, toFile: boolean, io: CliIo): boolean {
  if (toFile) return flag === true;
  return colorEnabled({ flag, env: io.env ?? process.env, isTTY: io.isTTY });
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

/**
 * Adds the `init [dir]` subcommand (its drafting code, ./init.ts, is loaded when it runs).
 * @param onInit receives the pending run (the CLI awaits it and returns its exit code).
 */
function addInitCommand(program: Command, io: CliIo, onInit: (run: Promise<number>) => void): void {
  program
    .command("init")
    .description(`draft ${CONTRACT_FILE_NAME} from the repository as it is (lists what it found and what a person must decide)`)
    .argument("[dir]", "repository to draft the contract for", ".")
    .option("--force", `replace an existing ${CONTRACT_FILE_NAME}`)
    .option("--stdout", "print the draft to stdout instead of writing it (the notes go to stderr)")
    .action((dir: string, flags: InitFlags) => onInit(import("./init.js").then(({ runInit }) => runInit(dir, flags, io))));
}

/** The flags of `contract-scan merge`. */
export interface MergeFlags {
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
      onRun(import("./scan-command.js").then(({ runMerge }) => runMerge(files, mergeFlags(command), io)));
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

/**
 * Runs the CLI.
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @returns the exit code (0, 1 or 2). Contract and usage errors are printed to `io.stderr`, not thrown.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram(io, (dir, flags) => {
    pending = import("./scan-command.js").then(({ runScan }) => runScan(dir, flags, io));
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
      // --help and --version end with exitCode 0; a bad flag with 1, which README, Running contract-scan calls a usage error.
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
