/**
 * `contract-scan --debug`: wall time per phase of a run and per rule, printed on stderr. The per-rule
 * times are ESLint's own (`Linter#verify(..., { stats: true })`, then `Linter#getTimes()`: per file, the
 * parse time and each rule's time in milliseconds, ESLint's "Stats Data" docs), summed over the files.
 * Repository facts (import graph, what each module writes) are built lazily, so most of their cost is in
 * the time of the rule that asks first.
 */
import type { Linter } from "eslint";

/** The phases of a run in the order they are printed (a phase not listed comes last). */
const PHASE_ORDER = [
  "contract",
  "discovery",
  "repository facts",
  "cache",
  "--changed scope",
  "read files",
  "lint (ESLint Linter)",
  "SQL files",
  "non-JS sources",
  "scanner-only checks",
  "baseline, filters and report",
];

/** `Timings` as plain data: phases and rules as [name, ms] pairs, ESLint's parse time in ms. */
export interface TimingsData {
  phases: [string, number][];
  rules: [string, number][];
  parse: number;
}

/** Phase and rule times of one run, in milliseconds. */
export class Timings {
  readonly phases = new Map<string, number>();
  readonly rules = new Map<string, number>();
  /** ESLint's parse time, summed over the files linted. */
  parse = 0;

  /** Adds `ms` to `phase`. */
  add(phase: string, ms: number): void {
    this.phases.set(phase, (this.phases.get(phase) ?? 0) + ms);
  }

  /** Runs `fn`, adding its wall time to `phase` (also when it throws). */
  time<T>(phase: string, fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.add(phase, performance.now() - started);
    }
  }

  /** Awaits `fn`, adding its wall time to `phase` (also when it rejects). */
  async timeAsync<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.add(phase, performance.now() - started);
    }
  }

  /** Adds the times of one `Linter#verify` run with `stats: true` (`linter.getTimes()`). */
  addLinterTimes(times: Linter.Stats["times"]): void {
    for (const pass of times.passes) {
      this.parse += pass.parse?.total ?? 0;
      for (const [ruleId, { total }] of Object.entries(pass.rules ?? {})) this.rules.set(ruleId, (this.rules.get(ruleId) ?? 0) + total);
    }
  }

  /** The times as plain data (to send from a worker thread, src/workers.ts). */
  data(): TimingsData {
    return { phases: [...this.phases], rules: [...this.rules], parse: this.parse };
  }

  /** Adds times another `Timings` collected (`data()`, e.g. in a worker thread). */
  merge(data: TimingsData): void {
    for (const [phase, ms] of data.phases) this.add(phase, ms);
    for (const [ruleId, ms] of data.rules) this.rules.set(ruleId, (this.rules.get(ruleId) ?? 0) + ms);
    this.parse += data.parse;
  }

  /** The `--debug` text: the phases that ran in PHASE_ORDER, then rules slowest first, one per line, times in ms with one decimal. */
  format(): string {
    const ms = (n: number): string => n.toFixed(1).padStart(10);
    const lines = ["contract-scan --debug: time per phase (ms)"];
    const rank = (phase: string): number => (PHASE_ORDER.includes(phase) ? PHASE_ORDER.indexOf(phase) : PHASE_ORDER.length);
    for (const [phase, total] of [...this.phases].sort(([a], [b]) => rank(a) - rank(b))) lines.push(`${ms(total)}  ${phase}`);
    if (this.rules.size > 0) {
      lines.push("contract-scan --debug: time per rule (ms, ESLint Linter stats summed over the files; lazily built repository facts count in the rule that asks first)");
      for (const [ruleId, total] of [...this.rules].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))) lines.push(`${ms(total)}  ${ruleId}`);
      lines.push(`${ms(this.parse)}  (parsing)`);
    }
    return `${lines.join("\n")}\n`;
  }
}

/** `timings.time(phase, fn)`, or just `fn()` without timings. */
export function timed<T>(timings: Timings | undefined, phase: string, fn: () => T): T {
  return timings === undefined ? fn() : timings.time(phase, fn);
}
