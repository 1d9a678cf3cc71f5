/**
 * `contract-scan --concurrency <n>|auto|off`, as ESLint names it: how many worker threads lint the files
 * (src/workers.ts). A leaf module (no imports beyond Node's `os`), so the CLI can parse the flag without
 * loading the pool.
 *
 * - `off`: every file is checked in the main thread, one after another.
 * - `<n>`: n worker threads (at most one per file to check); 1 is `off`, as in ESLint (one worker only
 *   adds the cost of starting it).
 * - `auto`: one worker per `AUTO_FILES_PER_WORKER` files to check (the files whose findings the cache
 *   cannot reuse), at most half the CPUs the process may use (`os.availableParallelism()`, halved as
 *   ESLint's `auto` does: the other half for hyper-threads' siblings, the main thread and the system), and
 *   `off` when that comes to fewer than two: so never on two CPUs, nor below 600 files to check. See the
 *   README ("Speed") for the measurements behind the numbers.
 */
import os from "node:os";

/** A parsed `--concurrency` value. */
export type Concurrency = number | "auto" | "off";

/**
 * The default `--concurrency`: `off`, as ESLint's (README "Worker threads": on two CPUs two threads
 * scanned dubinc/dub slower than one, with more CPU time and twice the memory).
 */
export const DEFAULT_CONCURRENCY: Concurrency = "off";

/**
 * `auto`: the files to check per worker. A worker's start (loading ESLint, the TypeScript parser and the
 * rules again, then warming up) costs about 1.5 s of CPU, the work of about 150 files on dubinc/dub
 * (about 100 files per CPU second): with 300 files per worker, its start is at most a third of its time.
 */
export const AUTO_FILES_PER_WORKER = 300;

/** A `--concurrency` value that cannot be used (a usage error). */
export class ConcurrencyError extends Error {
  override name = "ConcurrencyError";
}

/**
 * Parses a `--concurrency` value: a whole number of threads, 1 or more, `auto` or `off`.
 * @throws ConcurrencyError for anything else (`0`, `-1`, `1.5`, `abc`), with a message saying what is accepted.
 */
export function parseConcurrency(value: string): Concurrency {
  const trimmed = value.trim();
  if (trimmed === "auto" || trimmed === "off") return trimmed;
  if (/^\d+$/.test(trimmed) && Number(trimmed) >= 1) return Number(trimmed);
  throw new ConcurrencyError(`expected a number of worker threads (1 or more), "auto" or "off", got "${value}".`);
}

/**
 * The number of worker threads a run starts.
 * @param concurrency the parsed flag.
 * @param filesToCheck the files the run checks (not those whose cached findings are reused).
 * @param cpus the CPUs the process may use (default `os.availableParallelism()`).
 * @returns 0 to check every file in the main thread, else 2 or more.
 */
export function workerCount(concurrency: Concurrency, filesToCheck: number, cpus: number = os.availableParallelism()): number {
  const count = concurrency === "off" ? 0 : concurrency === "auto" ? Math.min(Math.floor(cpus / 2), Math.floor(filesToCheck / AUTO_FILES_PER_WORKER)) : Math.min(concurrency, filesToCheck);
  return count >= 2 ? count : 0;
}
