/**
 * The baseline of `contract-scan --baseline <file>` (README, Running contract-scan): today's accepted findings, so a run
 * fails only on new ones. The file has the shape of ESLint's bulk suppressions
 * (`eslint-suppressions.json`, ESLint's `lib/services/suppressions-service.js`):
 *
 *   { "<repository-relative file>": { "<ruleId>": { "count": N } } }
 *
 * keyed by file and rule, never by line, so it survives line shifts. It is applied as ESLint applies
 * suppressions: only error findings are counted; when a file has at most `count` errors of a rule, they
 * are all suppressed (removed from the report); when it has more, all of them are reported (the
 * baseline cannot tell which one is new). An entry whose count is higher than what was found is stale
 * by the difference. Entries for rules outside `production-safety/` (an ESLint suppressions file
 * shared with other plugins) are neither applied nor stale, and are kept when the baseline is updated.
 *
 * A run that checks part of the repository (`--changed`, a folder below the root) judges only the entries
 * it can: those of the files it covered, and those of a rule it reported in another file (`--base`
 * reports the contract whatever `--changed` covers). The others are never stale and are kept as they
 * are when the baseline is updated, so a pre-commit run never drops accepted findings of files it did
 * not look at.
 */
import { writeFile } from "node:fs/promises";
import type * as AjvModule from "ajv";
import type { ValidateFunction } from "ajv";
import { PLUGIN_NAMESPACE } from "./package-info.js";
import { lazyRequire } from "./lazy-require.js";
import type { Finding } from "./finding.js";
import { jsonNestingProblem, MAX_DATA_BYTES, readFileBytes } from "./source-text.js";

/**
 * The baseline `contract-scan` reads when it exists and `--baseline` is not given, and writes with
 * `--update-baseline` alone: `<dir>/contract-scan-baseline.json` (as ESLint reads `eslint-suppressions.json`).
 */
export const DEFAULT_BASELINE_FILE = "contract-scan-baseline.json";

/** `{ file: { ruleId: { count } } }`, as ESLint's `eslint-suppressions.json`. */
export type Baseline = Record<string, Record<string, { count: number }>>;

/** A baseline entry that matches fewer findings than its count. */
export interface StaleEntry {
  file: string;
  ruleId: string;
  /** How many of the entry's count matched nothing (baseline count minus errors found). */
  count: number;
}

/** What applying a baseline did. */
export interface BaselineOutcome {
  /** The findings still reported (sorted as given). */
  findings: Finding[];
  /** How many findings the baseline suppressed. */
  suppressed: number;
  /** Entries that match fewer findings than their count, sorted by file and rule. */
  stale: StaleEntry[];
}

/** A baseline file that cannot be read or has the wrong shape. */
export class BaselineError extends Error {
  override name = "BaselineError";
}

/** Ajv, loaded when the first baseline is read (not when the CLI starts). */
const ajvModule = lazyRequire<typeof AjvModule>("ajv");
let baselineValidator: ValidateFunction<Baseline> | undefined;

/** The baseline's shape check, compiled on first use (its `errors` say what failed). */
function baselineValidation(): ValidateFunction<Baseline> {
  return (baselineValidator ??= new (ajvModule().Ajv)({ allErrors: false }).compile<Baseline>({
    type: "object",
    additionalProperties: {
      type: "object",
      additionalProperties: {
        type: "object",
        properties: { count: { type: "integer", minimum: 1 } },
        required: ["count"],
        additionalProperties: false,
      },
    },
  }));
}

/** Whether an entry's rule is one of ours (others are kept, not applied). */
function isOurRule(ruleId: string): boolean {
  return ruleId.startsWith(`${PLUGIN_NAMESPACE}/`);
}

/**
 * Reads a baseline file.
 * @param file absolute path.
 * @throws BaselineError when the file is missing, cannot be read (not a regular file, a dangling or looping
 *   symbolic link, too large), is not JSON, nests too deeply, or is not of the baseline's shape.
 */
export function loadBaseline(file: string): Baseline {
  // Through the bounded reader (src/source-text.ts): a FIFO, device or directory is refused unread, a
  // dangling or looping symbolic link is named, and the size is at most MAX_DATA_BYTES.
  const read = readFileBytes(file, MAX_DATA_BYTES);
  if ("problem" in read) {
    if (read.missing === true) throw new BaselineError(`baseline file ${file} does not exist; create it with --update-baseline`);
    throw new BaselineError(`baseline file ${file}: ${read.problem}`);
  }
  const text = read.bytes.toString("utf8");
  const deep = jsonNestingProblem(text);
  if (deep !== undefined) throw new BaselineError(`baseline file ${file}: ${deep.message} (a baseline nests 3 levels)`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`baseline file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const validateBaseline = baselineValidation();
  if (!validateBaseline(data)) {
    const problem = validateBaseline.errors?.[0];
    throw new BaselineError(
      `baseline file ${file} is not a baseline ({ "<file>": { "<ruleId>": { "count": <positive integer> } } }): ${problem?.instancePath || "(root)"} ${problem?.message ?? ""}`.trimEnd(),
    );
  }
  return data;
}

/** Error findings counted per file and rule (warnings are not baselined, as in ESLint). */
function countErrors(findings: readonly Finding[]): Baseline {
  const counts: Baseline = {};
  for (const f of findings) {
    if (f.severity !== "error") continue;
    const byRule = (counts[f.file] ??= {});
    (byRule[f.ruleId] ??= { count: 0 }).count++;
  }
  return counts;
}

/** Whether a run can judge the entry of `ruleId` in `file`: it covered the file, or found errors of that rule there. */
function judged(file: string, ruleId: string, found: Baseline, covers: (file: string) => boolean): boolean {
  return covers(file) || found[file]?.[ruleId] !== undefined;
}

/** Every path covered: a full scan. */
const EVERY_FILE = (): boolean => true;

/**
 * Applies a baseline to a scan's findings (see the module comment for the rules).
 * @param covers whether the scan covered a repository-relative path (ScanResult.covers); default: a full scan.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline, covers: (file: string) => boolean = EVERY_FILE): BaselineOutcome {
  const found = countErrors(findings);
  const suppressedGroups = new Set<string>();
  const stale: StaleEntry[] = [];
  for (const [file, byRule] of Object.entries(baseline)) {
    for (const [ruleId, { count }] of Object.entries(byRule)) {
      if (!isOurRule(ruleId)) continue;
      const actual = found[file]?.[ruleId]?.count ?? 0;
      if (actual <= count && actual > 0) suppressedGroups.add(`${file}\0${ruleId}`);
      if (actual < count && judged(file, ruleId, found, covers)) stale.push({ file, ruleId, count: count - actual });
    }
  }
  const kept = findings.filter((f) => !(f.severity === "error" && suppressedGroups.has(`${f.file}\0${f.ruleId}`)));
  stale.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return { findings: kept, suppressed: findings.length - kept.length, stale };
}

/**
 * The baseline that accepts exactly today's error findings, plus the entries of `previous` for rules
 * that are not ours (so a suppressions file shared with ESLint keeps its other entries) and those the
 * run could not judge (files it did not cover; see the module comment).
 * @param covers whether the scan covered a repository-relative path (ScanResult.covers); default: a full scan.
 */
export function baselineFromFindings(findings: readonly Finding[], previous: Baseline = {}, covers: (file: string) => boolean = EVERY_FILE): Baseline {
  const next = countErrors(findings);
  for (const [file, byRule] of Object.entries(previous)) {
    for (const [ruleId, entry] of Object.entries(byRule)) {
      if (!isOurRule(ruleId) || !judged(file, ruleId, next, covers)) (next[file] ??= {})[ruleId] = { count: entry.count };
    }
  }
  return next;
}

/** The file text of a baseline: keys sorted at every level, 2-space indent, newline-terminated. */
export function serializeBaseline(baseline: Baseline): string {
  const sorted = (o: Record<string, unknown>): string[] => Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ordered: Baseline = {};
  for (const file of sorted(baseline)) {
    const byRule = baseline[file] ?? {};
    ordered[file] = {};
    for (const ruleId of sorted(byRule)) ordered[file][ruleId] = { count: byRule[ruleId]?.count ?? 0 };
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * Writes a baseline file.
 * @throws BaselineError when the file cannot be written.
 */
export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  try {
    await writeFile(file, serializeBaseline(baseline));
  } catch (error) {
    throw new BaselineError(`cannot write the baseline to ${file}: ${(error as Error).message}`);
  }
}
