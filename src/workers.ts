/**
 * `contract-scan --concurrency`: checks files in worker threads (a tinypool pool; the worker is
 * src/scan-worker.ts, run from its built `.js`) and gives back, per file, exactly the findings a
 * single-threaded run gives it:
 *
 * - each worker checks a file with the scanner's own `scanFile`, so a rule that throws, a file that
 *   cannot be read or parsed, becomes the same `parse-error` finding there as in the main thread;
 * - the files of a task that fails outside `scanFile` (the worker could not start, or stopped: out of
 *   memory, a crash, `process.exit`) are checked again in the main thread, as a single-threaded run
 *   checks them (`watchFailures` for the failures tinypool itself leaves unsettled);
 * - the workers' JavaScript stack is as deep as the main thread's (`MAIN_THREAD_STACK_MB`), so a
 *   deeply nested file overflows the parser's stack (a `parse-error`) in a worker exactly when it would
 *   in the main thread (a worker's default stack is four times deeper);
 * - the findings come back by file, for the scan to take in its own order, whatever order the workers
 *   finish in.
 *
 * The repository facts are shared as src/scan-worker.ts describes; with the cache, what each worker
 * computed and recorded goes into the run's cache (`CachedRun`), as if the file had been checked here.
 */
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import Tinypool from "tinypool";
import { packageFile } from "./package-info.js";
import type { CachedRun } from "./scan-cache.js";
import type { Finding } from "./finding.js";
import type { ScanOptions } from "./scanner.js";
import type { WorkerResult, WorkerSetup, WorkerTask } from "./scan-worker.js";

/**
 * The stack size of a worker thread, in MiB: the main thread's JavaScript stack (V8's default
 * `--stack-size`, 984 KiB) plus the 192 KiB Node.js keeps free below a worker's stack limit
 * (`kStackBufferSize`), so that a worker overflows at the depth the main thread does.
 */
export const MAIN_THREAD_STACK_MB = (984 + 192) / 1024;

/**
 * The worker entry: `scan-worker.js` next to this module when it runs built (`dist/src/`), else (the
 * TypeScript sources under vitest) the package's built one.
 * @throws Error when neither exists (the package was not built).
 */
export function workerEntry(): string {
  const beside = fileURLToPath(new URL("./scan-worker.js", import.meta.url));
  if (existsSync(beside)) return beside;
  const built = packageFile("dist/src/scan-worker.js");
  if (existsSync(built)) return built;
  throw new Error(`contract-scan --concurrency: the worker entry ${built} is missing; run \`npm run build\` (or use --concurrency off).`);
}

/**
 * The tasks of a run: consecutive files, at most `MAX_BATCH` per task and at least 16 tasks per thread
 * (so that the threads finish close together: the last tasks are short).
 */
function batches(files: readonly string[], threads: number): string[][] {
  const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(files.length / (threads * 16))));
  const tasks: string[][] = [];
  for (let i = 0; i < files.length; i += size) tasks.push(files.slice(i, i + size));
  return tasks;
}

/** The most files in one task: a task costs a message each way and tinypool's bookkeeping (it reads the worker's memory use after each). */
const MAX_BATCH = 32;

/**
 * Watches the pool for failures that tinypool leaves unsettled. tinypool settles the tasks of a worker
 * that throws or runs out of memory (its `error` event, after which it starts another), but:
 * - a worker that ends quietly (`process.exit` in the thread) leaves its tasks unsettled and keeps
 *   getting new ones (tinypool has no `exit` handling; piscina added it in piscinajs/piscina#344);
 * - a worker that fails while it starts (its module cannot be loaded) is not replaced, and tinypool
 *   reports it as an `error` event of the pool (unhandled, it would end the process).
 * After either, `promise` rejects: every task not finished then is checked in the main thread. `watch()`
 * watches the threads started since (replacements); set `closing` before destroying the pool.
 */
function watchFailures(pool: Tinypool): { promise: Promise<never>; watch: () => void; closing: boolean; quietExit: boolean } {
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<never>((_, rejectWith) => {
    reject = rejectWith;
  });
  const fail = (error: Error): void => {
    reject(error);
    // The queued tasks would only be checked again here: the threads left need not start them.
    pool.cancelPendingTasks();
  };
  promise.catch(() => undefined);
  const watched = new WeakSet<object>();
  const errored = new WeakSet<object>();
  const state = {
    promise,
    closing: false,
    /** Whether a thread ended without an error (tinypool's destroy then never finishes). */
    quietExit: false,
    watch(): void {
      for (const thread of pool.threads) {
        if (watched.has(thread)) continue;
        watched.add(thread);
        thread.on("error", () => errored.add(thread));
        thread.on("exit", () => {
          if (state.closing || errored.has(thread)) return;
          state.quietExit = true;
          fail(new Error("a worker thread ended"));
        });
      }
    },
  };
  pool.on("error", (error: Error) => fail(error));
  state.watch();
  return state;
}

/**
 * tinypool 2.2's `destroy` waits on each of its thread wrappers with Node's `events.once(wrapper,
 * "exit")`, which also listens for "error" and then calls `wrapper.removeListener`. The wrapper has `on`
 * and `once` but no `removeListener`, so a thread that emits "error" during the destroy (one that failed
 * to load, as the others are stopped) threw a TypeError inside the event: an uncaught exception. Each
 * wrapper gets the method, removing the listener from its worker (`wrapper.thread`, a Node `Worker`).
 */
export function giveWrappersRemoveListener(pool: Pick<Tinypool, "threads">): void {
  for (const wrapper of pool.threads as unknown as Record<string, unknown>[]) {
    if (typeof wrapper.removeListener === "function") continue;
    wrapper.removeListener = (event: string, listener: (...args: unknown[]) => void): unknown => {
      (wrapper.thread as { removeListener?: (e: string, l: (...args: unknown[]) => void) => unknown } | undefined)?.removeListener?.(event, listener);
      return wrapper;
    };
  }
}

/** What `checkInWorkers` needs from the scan. */
export interface WorkerRunInput {
  /** The scan's options (root, contract, contract file, timings). */
  options: ScanOptions;
  /** The repository modules the facts follow (absolute). */
  modules: readonly string[];
  /** The files to check (absolute). */
  files: readonly string[];
  /** The number of worker threads (2 or more: `workerCount`). */
  threads: number;
  /** With the cache: the run that records each file's findings and dependencies. */
  cached?: CachedRun | undefined;
  /**
   * Checks a file in the main thread (with the cache: through `cached.check`), for a task that failed
   * outside `scanFile`. Called for one file at a time.
   */
  checkHere: (file: string) => Promise<Finding[]>;
  /** Called after each file is checked. */
  onChecked?: () => void;
  /** The worker module (default `workerEntry()`); tests pass a worker that fails. */
  workerFile?: string;
}

/**
 * Checks `files` in `threads` worker threads.
 * @returns the findings of each file (absolute path -> findings). Never throws for a file.
 * @throws Error when the worker entry is missing (`workerEntry`).
 */
export async function checkInWorkers(input: WorkerRunInput): Promise<Map<string, Finding[]>> {
  const { options, cached } = input;
  const started = performance.now();
  const setup: WorkerSetup = {
    root: options.root,
    contract: options.contract,
    contractFile: options.contractFile,
    modules: [...input.modules],
    record: cached !== undefined,
    debug: options.timings !== undefined,
    channel: `contract-scan-module-facts-${randomUUID()}`,
    seeds: cached?.moduleFacts() ?? [],
  };
  const pool = new Tinypool({
    filename: input.workerFile ?? workerEntry(),
    minThreads: input.threads,
    maxThreads: input.threads,
    workerData: setup,
    // Idle workers wait on their message port, not in Atomics.wait, so that module facts sent by the
    // other workers (BroadcastChannel) are received between tasks.
    useAtomics: false,
    resourceLimits: { stackSizeMb: MAIN_THREAD_STACK_MB },
    // A worker that does not end within this time is left behind with an error (never a hang).
    terminateTimeout: 10_000,
  });
  const failures = watchFailures(pool);
  // Files whose task failed are checked here, one after another (the cache records one file at a time).
  let here = Promise.resolve();
  const checkHere = (file: string): Promise<Finding[]> => {
    const checked = here.then(() => input.checkHere(file));
    here = checked.then(
      () => undefined,
      () => undefined,
    );
    return checked;
  };
  const found = new Map<string, Finding[]>();
  try {
    await Promise.all(
      batches(input.files, input.threads).map(async (files) => {
        let result: WorkerResult | undefined;
        try {
          result = (await Promise.race([pool.run({ files } satisfies WorkerTask), failures.promise])) as WorkerResult;
        } catch {
          result = undefined;
        }
        failures.watch();
        if (result !== undefined && result.timings !== undefined) options.timings?.merge(result.timings);
        if (result !== undefined) cached?.addModuleFacts(result.modules);
        for (const [index, file] of files.entries()) {
          const checked = result?.files[index];
          if (checked === undefined) found.set(file, await checkHere(file));
          else {
            cached?.record(file, checked.findings, checked);
            found.set(file, checked.findings);
          }
          input.onChecked?.();
        }
      }),
    );
    return found;
  } finally {
    options.timings?.add(`worker threads (${input.threads}, wall)`, performance.now() - started);
    failures.closing = true;
    giveWrappersRemoveListener(pool);
    // tinypool's destroy waits for every thread's exit, which a thread that already ended never gives again.
    const destroyed = pool.destroy().catch(() => undefined);
    if (!failures.quietExit) await destroyed;
  }
}
