/**
 * Shards for CI matrices: `contract-scan --shard <k>/<n>` checks a deterministic 1/n of the files a run
 * would check, and writes a JSON report with a `shard` field that says what `contract-scan merge` needs to
 * join the n reports into the report of one run (src/merge.ts).
 *
 * - The split: files sorted by size (bytes, largest first, ties by repository path), each put into the
 *   shard with the fewest bytes so far (ties: the lowest shard number). Every machine of the matrix
 *   computes the same split from the same checkout, so no shard needs to know what the others do.
 * - The whole-repository findings (the scanner-only checks: `deploy-pipeline-order`, `no-stale-allowlist`,
 *   `no-contract-expansion`, and the `parse-error` findings of unreadable folders and Prisma schemas) are
 *   reported by shard 1 only, so the merge has each once.
 */
import { createHash } from "node:crypto";

/** `--shard <k>/<n>`: shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** A `--shard` value that cannot be used (a usage error). */
export class ShardError extends Error {
  override name = "ShardError";
}

/**
 * Parses `<k>/<n>` (`2/4`).
 * @throws ShardError unless k and n are whole numbers with 1 <= k <= n.
 */
export function parseShard(value: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new ShardError(`expected <k>/<n> (shard k of n, e.g. 2/4), got "${value}".`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new ShardError(`the number of shards must be at least 1, got "${value}".`);
  if (index < 1 || index > count) throw new ShardError(`the shard number must be between 1 and ${count}, got "${value}".`);
  return { index, count };
}

/** A file to split: its repository path and its size in bytes. */
export interface SizedFile {
  file: string;
  size: number;
}

/**
 * The files of shard `spec.index` (see the module header for the split).
 * @returns the repository paths of that shard's files, in the order of `files`.
 */
export function shardFiles(files: readonly SizedFile[], spec: ShardSpec): Set<string> {
  const order = [...files].sort((a, b) => b.size - a.size || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const totals = Array.from({ length: spec.count }, () => 0);
  const mine = new Set<string>();
  for (const entry of order) {
    let lightest = 0;
    for (let i = 1; i < totals.length; i++) if ((totals[i] as number) < (totals[lightest] as number)) lightest = i;
    totals[lightest] = (totals[lightest] as number) + entry.size;
    if (lightest === spec.index - 1) mine.add(entry.file);
  }
  return new Set(files.map((f) => f.file).filter((f) => mine.has(f)));
}

/**
 * A digest of the files a whole run checks (repository paths and sizes): equal in every shard of one
 * matrix run, different when the shards saw different checkouts (merge refuses to join them).
 */
export function filesDigest(files: readonly SizedFile[]): string {
  const hash = createHash("sha256");
  for (const f of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) hash.update(`${f.file}\t${f.size}\n`);
  return hash.digest("hex");
}

/**
 * Which paths a run's findings are complete for (`ScanResult.covers`), in a form a shard report carries:
 * `within` a folder below the root (repository path), `changed` the `--changed` selection (repository
 * paths, sorted); null when that limit is not in force. Both null: a full scan, which covers every path.
 */
export interface Coverage {
  within: string | null;
  changed: string[] | null;
}

/** `ScanResult.covers` for a coverage (the scanner's rule, from repository paths). */
export function coverageTest(coverage: Coverage): (repoPath: string) => boolean {
  const changed = coverage.changed === null ? undefined : new Set(coverage.changed);
  const within = coverage.within;
  return (repoPath) =>
    (within === null || within === "" || repoPath === within || repoPath.startsWith(`${within}/`)) && (changed === undefined || changed.has(repoPath));
}

/** The `shard` field of a shard report (what `contract-scan merge` checks and joins). */
export interface ShardMeta {
  /** 1-based shard number. */
  index: number;
  /** Number of shards of the run. */
  count: number;
  /** This package's version: shards of different versions may find different things. */
  tool: string;
  /** SHA-256 of the contract in force (defaults filled in), so shards checked against one contract. */
  contractDigest: string;
  /** The `--base` ref and `--allow-expansion` (their findings are shard 1's), or null. */
  base: { ref: string; allowExpansion: boolean } | null;
  /** Repository paths this shard checked, sorted (each file of the run is in exactly one shard). */
  files: string[];
  /** The whole run's checked files: how many, and `filesDigest` of them. */
  run: { files: number; digest: string };
  coverage: Coverage;
}
