/**
 * `contract-scan merge <reports...>`: joins the JSON reports of `contract-scan --shard k/n` (k = 1..n)
 * into the report one unsharded run gives (src/shard.ts): the findings of every shard, sorted; the files
 * checked summed; `durationMs` the longest shard's (the matrix runs its shards side by side). The CLI then
 * applies the baseline and `--rule`/`--quiet`/`--max-warnings` and formats the result as a scan does.
 *
 * It refuses (MergeError, a usage error) reports that would not join into one run's report: a file that
 * is no shard report, shards of different n, a missing or repeated shard, shards of different tool
 * versions, contracts, `--base` refs, checked files (different checkouts) or coverage (`--changed`, a
 * folder below the root).
 */
import type { Finding } from "./finding.js";
import { compareFindings, type Report } from "./report.js";
import { type Coverage, coverageTest, type ShardMeta } from "./shard.js";

/** Reports that cannot be merged (a usage error, exit 2). */
export class MergeError extends Error {
  override name = "MergeError";
}

/** A shard report: the JSON report of one shard with its `shard` field. */
export interface ShardReport extends Report {
  shard: ShardMeta;
}

/** What the shards found together: what one unsharded run would have found. */
export interface MergedRun {
  /** Every shard's findings, sorted (README, Running contract-scan order), before any baseline or filter. */
  findings: Finding[];
  /** Files checked, summed over the shards. */
  files: number;
  /** The longest shard's `durationMs`. */
  durationMs: number;
  /** The report's `contract` (the same in every shard). */
  contract: string | null;
  /** Whether the run's findings are complete for a repository path (`ScanResult.covers`), for the baseline. */
  covers: (repoPath: string) => boolean;
}

/** One report given to merge: the name it was given by (for messages) and its text. */
export interface MergeInput {
  name: string;
  text: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === "string");

function isFinding(value: unknown): value is Finding {
  if (!isObject(value)) return false;
  return (
    typeof value.ruleId === "string" &&
    (value.severity === "error" || value.severity === "warning") &&
    typeof value.file === "string" &&
    ["line", "column", "endLine", "endColumn"].every((key) => Number.isInteger(value[key])) &&
    typeof value.message === "string"
  );
}

function isCoverage(value: unknown): value is Coverage {
  return isObject(value) && (value.within === null || typeof value.within === "string") && (value.changed === null || isStringArray(value.changed));
}

function isShardMeta(value: unknown): value is ShardMeta {
  if (!isObject(value)) return false;
  const run = value.run;
  const base = value.base;
  return (
    Number.isInteger(value.index) &&
    Number.isInteger(value.count) &&
    typeof value.tool === "string" &&
    typeof value.contractDigest === "string" &&
    (base === null || (isObject(base) && typeof base.ref === "string" && typeof base.allowExpansion === "boolean")) &&
    isStringArray(value.files) &&
    isObject(run) &&
    Number.isInteger(run.files) &&
    typeof run.digest === "string" &&
    isCoverage(value.coverage)
  );
}

/**
 * Parses and checks one shard report.
 * @throws MergeError naming the report when it is not JSON or not a shard report.
 */
export function parseShardReport(input: MergeInput): ShardReport {
  let value: unknown;
  try {
    value = JSON.parse(input.text);
  } catch (error) {
    throw new MergeError(`${input.name} is not JSON (${(error as Error).message}): give the files \`contract-scan --shard <k>/<n> --output <file>\` wrote.`);
  }
  if (!isObject(value) || value.version !== 1 || !Array.isArray(value.findings) || !isObject(value.summary)) {
    throw new MergeError(`${input.name} is not a contract-scan JSON report: give the files \`contract-scan --shard <k>/<n> --output <file>\` wrote.`);
  }
  if (!("shard" in value)) {
    throw new MergeError(`${input.name} is the report of a whole scan, not of a shard: merge joins the reports of \`contract-scan --shard <k>/<n>\`.`);
  }
  const shard = value.shard;
  const summary = value.summary;
  if (
    !isShardMeta(shard) ||
    !value.findings.every(isFinding) ||
    !(value.contract === null || typeof value.contract === "string") ||
    !Number.isInteger(summary.files) ||
    typeof summary.durationMs !== "number"
  ) {
    throw new MergeError(`${input.name} is not a shard report this version of contract-scan can read (a field is missing or has the wrong type): write it again with this version.`);
  }
  return value as unknown as ShardReport;
}

/** `<k>/<n>` of a shard. */
const label = (meta: ShardMeta): string => `${meta.index}/${meta.count}`;

/**
 * Joins shard reports (see the module header).
 * @param inputs the reports in any order, each named as given on the command line.
 * @returns what one unsharded run would have found (see `MergedRun`).
 * @throws MergeError for a report that is not a shard report or reports that are not every shard of one run.
 */
export function mergeShardReports(inputs: readonly MergeInput[]): MergedRun {
  if (inputs.length === 0) throw new MergeError("no reports given: contract-scan merge <shard reports...>");
  const reports = inputs.map((input) => ({ name: input.name, report: parseShardReport(input) }));
  const first = reports[0]!;
  const meta = first.report.shard;
  const same = (what: string, of: (r: ShardReport) => unknown, advice: string): void => {
    const expected = JSON.stringify(of(first.report));
    const other = reports.find((r) => JSON.stringify(of(r.report)) !== expected);
    if (other) throw new MergeError(`${first.name} and ${other.name} ${what}: ${advice}`);
  };
  same(
    `are shards of different runs (shard ${label(meta)} and ${label(reports.find((r) => r.report.shard.count !== meta.count)?.report.shard ?? meta)})`,
    (r) => r.shard.count,
    "give the reports of one `--shard <k>/<n>` matrix, all with the same n.",
  );
  const byIndex = new Map<number, string>();
  for (const { name, report } of reports) {
    const previous = byIndex.get(report.shard.index);
    if (previous !== undefined) throw new MergeError(`${previous} and ${name} are both shard ${label(report.shard)}: give each shard's report once.`);
    byIndex.set(report.shard.index, name);
  }
  const missing = Array.from({ length: meta.count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    throw new MergeError(
      `missing shard${missing.length === 1 ? "" : "s"} ${missing.map((k) => `${k}/${meta.count}`).join(", ")}: merge needs the report of every shard (it got ${[...byIndex.keys()].sort((a, b) => a - b).map((k) => `${k}/${meta.count}`).join(", ")}).`,
    );
  }
  same(
    `were written by different versions of contract-scan (${meta.tool} and ${reports.find((r) => r.report.shard.tool !== meta.tool)?.report.shard.tool ?? ""})`,
    (r) => r.shard.tool,
    "run every shard with the same version.",
  );
  same("were checked against different contracts", (r) => [r.contract, r.shard.contractDigest], "run every shard on the same commit with the same --contract.");
  same("were checked with different --base options", (r) => r.shard.base, "run every shard with the same --base and --allow-expansion.");
  same(
    "checked different sets of files",
    (r) => [r.shard.run, r.shard.coverage],
    "run every shard on the same commit, in the same folder, with the same --changed option.",
  );
  const seen = new Map<string, string>();
  for (const { name, report } of reports) {
    for (const file of report.shard.files) {
      const other = seen.get(file);
      if (other !== undefined) throw new MergeError(`${other} and ${name} both checked ${file}: they are not shards of one run.`);
      seen.set(file, name);
    }
  }
  if (seen.size !== meta.run.files) {
    throw new MergeError(`the shards checked ${seen.size} files, but their run has ${meta.run.files}: they are not shards of one run.`);
  }
  // Fresh objects in the report's key order, whatever order a report's file had them in.
  const findings = reports
    .flatMap((r) => r.report.findings)
    .map(({ ruleId, severity, file, line, column, endLine, endColumn, message }): Finding => ({ ruleId, severity, file, line, column, endLine, endColumn, message }))
    .sort(compareFindings);
  return {
    findings,
    files: reports.reduce((n, r) => n + r.report.summary.files, 0),
    durationMs: Math.max(...reports.map((r) => r.report.summary.durationMs)),
    contract: first.report.contract,
    covers: coverageTest(meta.coverage),
  };
}
