/**
 * The worker thread of `contract-scan --concurrency` (src/workers.ts starts it through tinypool, from the
 * built `dist/src/scan-worker.js`). Each task checks one file with the scanner's own `scanFile` (the same
 * reading, rules, non-JavaScript sources and `parse-error` handling as a single-threaded run) and returns
 * its findings.
 *
 * The repository facts: each worker has a snapshot instance over the scan's module list (as the main
 * thread does), whose per-module facts (the parse results of src/facts/repo-facts.ts, by content hash)
 * are built once for the run and shared: a worker that parses a module sends its facts to the other
 * workers on a `BroadcastChannel` and to the main thread with the task's result, and a worker never
 * parses a module whose facts it has received. With the cache, the workers start from the module facts
 * the cache holds. With the cache, each task also records what the facts were asked (as the main thread
 * records it, `recordingFacts`), so that the main thread can store the file's dependencies.
 */
import { BroadcastChannel } from "node:worker_threads";
import { Linter } from "eslint/universal";
import Tinypool from "tinypool";
import type { Contract } from "./contract.js";
import { createRepoFacts, type ModuleFactsCache, type ModuleFactsEntry, registerScanFacts, type StoredModuleFacts } from "./facts/repo-facts.js";
import { type Recorder, recordingFacts } from "./scan-cache.js";
import type { Finding } from "./finding.js";
import { scanFile, scannerConfig, type ScanOptions } from "./scanner.js";
import { Timings, type TimingsData } from "./timings.js";

/** What every worker of one run is started with (tinypool's `workerData`; structured-cloned). */
export interface WorkerSetup {
  /** Absolute repository root. */
  root: string;
  /** The validated contract (defaults filled in). */
  contract: Contract;
  /** Absolute path of the contract file, or undefined for the defaults. */
  contractFile: string | undefined;
  /** The repository modules the facts follow (absolute), as in the main thread. */
  modules: string[];
  /** Record what the facts are asked per file (`--cache`). */
  record: boolean;
  /** Collect `--debug` times per task. */
  debug: boolean;
  /** The `BroadcastChannel` name the workers of this run share module facts on. */
  channel: string;
  /** Module facts to start from (the cache's). */
  seeds: ModuleFactsEntry[];
}

/** One task: the files to check (absolute), a few at a time (a task costs a round trip and tinypool's bookkeeping). */
export interface WorkerTask {
  files: string[];
}

/** What checking one file gave. */
export interface CheckedFile {
  findings: Finding[];
  /** With `record`: whether the facts were asked anything while the file was checked, and the absolute paths the questions named. */
  asked: boolean;
  subjects: string[];
}

/** What one task returns. */
export interface WorkerResult {
  /** Per file of the task, in its order. */
  files: CheckedFile[];
  /** The module facts this worker computed during the task (the main thread keeps them for the cache). */
  modules: ModuleFactsEntry[];
  /** With `debug`: this task's phase and rule times. */
  timings?: TimingsData;
}

/**
 * Module facts shared by the workers of a run: the ones received (seeds, other workers) and the ones
 * computed here, which are sent to the other workers at once and to the main thread with the next result.
 */
class SharedModuleFacts implements ModuleFactsCache {
  private readonly entries = new Map<string, ModuleFactsEntry>();
  /** Computed here since the last task's result. */
  fresh: ModuleFactsEntry[] = [];

  constructor(private readonly channel: BroadcastChannel) {}

  get(file: string, hash: string, verbatim: boolean): StoredModuleFacts | undefined {
    const entry = this.entries.get(file);
    return entry !== undefined && entry.hash === hash && entry.verbatim === verbatim ? entry.facts : undefined;
  }

  set(file: string, hash: string, verbatim: boolean, facts: StoredModuleFacts): void {
    const entry: ModuleFactsEntry = { file, hash, verbatim, facts };
    this.entries.set(file, entry);
    this.fresh.push(entry);
    this.channel.postMessage(entry);
  }

  /** Facts received from elsewhere. */
  add(entry: ModuleFactsEntry): void {
    this.entries.set(entry.file, entry);
  }
}

interface WorkerState {
  options: ScanOptions;
  linter: Linter;
  config: Linter.Config[];
  shared: SharedModuleFacts;
  recorder: Recorder | undefined;
  debug: boolean;
}

let state: WorkerState | undefined;

/** The worker's scanner, built on its first task from the run's `WorkerSetup`. */
function workerState(): WorkerState {
  if (state !== undefined) return state;
  const setup = Tinypool.workerData as WorkerSetup;
  const channel = new BroadcastChannel(setup.channel);
  const shared = new SharedModuleFacts(channel);
  for (const seed of setup.seeds) shared.add(seed);
  channel.onmessage = (event) => shared.add((event as { data: ModuleFactsEntry }).data);
  // The channel must not keep the worker alive when the pool ends it.
  channel.unref();
  const options: ScanOptions = { root: setup.root, contract: setup.contract, ...(setup.contractFile === undefined ? {} : { contractFile: setup.contractFile }) };
  const facts = createRepoFacts(setup.root, setup.contract, { files: setup.modules, moduleCache: shared });
  const created: WorkerState = { options, linter: new Linter({ configType: "flat", cwd: setup.root }), config: scannerConfig(options), shared, recorder: undefined, debug: setup.debug };
  registerScanFacts(setup.record ? recordingFacts(facts, () => created.recorder) : facts);
  state = created;
  return created;
}

/**
 * Checks the files of a task (tinypool's task function), one after another (`scanFile` reads each).
 * @returns per file its findings (as `scanFile` gives them: never throws for a file) and what the facts
 *   were asked; the module facts computed; with `debug` the task's times.
 * @throws only when the worker cannot be set up (the main thread then checks the files itself).
 */
export default async function checkFiles(task: WorkerTask): Promise<WorkerResult> {
  const current = workerState();
  const timings = current.debug ? new Timings() : undefined;
  const options = timings === undefined ? current.options : { ...current.options, timings };
  const files: CheckedFile[] = [];
  for (const file of task.files) {
    const recorder: Recorder = { asked: false, subjects: new Set() };
    current.recorder = recorder;
    try {
      files.push({ findings: await scanFile(file, options, current.linter, current.config), asked: recorder.asked, subjects: [...recorder.subjects] });
    } finally {
      current.recorder = undefined;
    }
  }
  const modules = current.shared.fresh;
  current.shared.fresh = [];
  return { files, modules, ...(timings === undefined ? {} : { timings: timings.data() }) };
}

