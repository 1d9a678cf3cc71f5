/**
 * `contract-scan` (SPEC §4): `run(argv, io)` parses the flags (commander; one declarative table that
 * also prints `--help`), loads the contract, scans, formats and writes the report, and returns the exit
 * code. It never calls `process.exit`; only `bin/contract-scan.js` sets `process.exitCode`.
 *
 * Exit codes: 0 no error findings; 1 at least one error finding; 2 usage or contract error (nothing
 * scanned).
 */
import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { CONTRACT_FILE_NAME, type Contract, ContractError, defaultContract, loadContractFile, toRepoPath } from "./contract.js";
import { packageVersion } from "./package-info.js";
import { buildReport, type Report } from "./report.js";
import formatJson from "./reporters/json.js";
import formatText from "./reporters/text.js";
import { scan } from "./scanner.js";
import { type ChangedPaths, changedPaths, GitError } from "./git.js";

/** Where the CLI writes; the bin passes the process's streams, tests pass buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colors for `text`). */
  isTTY: boolean;
  /** Working directory against which `dir`, `--contract` and `--output` resolve. */
  cwd: string;
}

/** The report formats that exist today. */
export const FORMATS = ["text", "json"] as const;
export type Format = (typeof FORMATS)[number];

/** Exit codes of SPEC §4. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

interface ScanFlags {
  contract?: string;
  format: Format;
  output?: string;
  color?: boolean;
  /** `--changed` alone: true (the staged files); `--changed=<ref>`: the ref. */
  changed?: string | true;
}

class UsageError extends Error {}

function buildProgram(io: CliIo, onScan: (dir: string, flags: ScanFlags) => void): Command {
  const program = new Command("contract-scan")
    .description("Check a repository against its production mutation contract (production-contract.json).")
    .version(packageVersion, "-v, --version")
    .argument("[dir]", "repository to scan", ".")
    .option("--contract <file>", `contract path (default: <dir>/${CONTRACT_FILE_NAME})`)
    .addOption(new Option("--format <format>", "report format").choices(FORMATS).default("text"))
    .option("--output <file>", "write the report to this file instead of stdout")
    .option("--no-color", "no ANSI colors in the text report (colors are used only on a TTY anyway)")
    .option(
      "--changed [git-ref]",
      "check only the staged files (alone: pre-commit) or the files changed since the merge base with <git-ref> (plus uncommitted and untracked files), and the mutation scripts whose imports reach them; a changed contract means a full scan",
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 no error findings, 1 at least one error finding, 2 usage or contract error (nothing scanned).",
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((dir: string, flags: ScanFlags) => onScan(dir, flags));
  return program;
}

function loadContract(root: string, flags: ScanFlags, io: CliIo): { contract: Contract; contractPath: string | null } {
  const explicit = flags.contract !== undefined ? path.resolve(io.cwd, flags.contract) : undefined;
  const file = explicit ?? path.join(root, CONTRACT_FILE_NAME);
  if (explicit === undefined && !existsSync(file)) {
    io.stderr(
      `contract-scan: no ${CONTRACT_FILE_NAME} in ${root}; scanning with the defaults (every mutation script is unlisted).\n` +
        `  Write one at the repository root: {"$schema": "./node_modules/eslint-plugin-production-safety/schema/production-contract.schema.json", "version": 1, ...}\n` +
        `  (see "The contract" in the eslint-plugin-production-safety README).\n`,
    );
    return { contract: defaultContract(), contractPath: null };
  }
  const contract = loadContractFile(file);
  // Relative to the root even when outside it (`../shared/contract.json`): the report must not depend
  // on where the repository is checked out (SPEC §4: the same input gives a byte-identical report).
  return { contract, contractPath: toRepoPath(root, file) };
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

async function runScan(dir: string, flags: ScanFlags, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`not a directory: ${dir}`);
  const output = flags.output !== undefined ? path.resolve(io.cwd, flags.output) : undefined;
  if (output !== undefined && !(existsSync(path.dirname(output)) && statSync(path.dirname(output)).isDirectory())) {
    throw new UsageError(`cannot write the report to ${flags.output}: directory ${path.dirname(output)} does not exist`);
  }
  const { contract, contractPath } = loadContract(root, flags, io);
  const started = performance.now();
  const changed = flags.changed === undefined ? undefined : await changedFiles(root, flags.changed);
  const result = await scan({ root, contract, ...(contractPath === null ? {} : { contractFile: path.resolve(root, contractPath) }), ...(changed === undefined ? {} : { changed }) });
  const report: Report = buildReport(result.findings, result.files, contractPath, performance.now() - started);
  const color = output === undefined && flags.color !== false && io.isTTY && !("NO_COLOR" in process.env);
  const text = flags.format === "json" ? formatJson(report) : formatText(report, { color });
  if (output === undefined) io.stdout(text);
  else {
    try {
      await writeFile(output, text);
    } catch (error) {
      throw new UsageError(`cannot write the report to ${flags.output}: ${(error as Error).message}`);
    }
  }
  return report.summary.errors > 0 ? EXIT.findings : EXIT.ok;
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
