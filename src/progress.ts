/**
 * The progress line of long scans (issue 7 item 8): on a terminal, `contract-scan: 120/480 files (1.3 s)`
 * on stderr, rewritten in place (`\r` + erase to end of line) and erased when the scan ends. It appears
 * only once a scan has run for `delayMs` (default 1000 ms), and is redrawn at most every `intervalMs`
 * (default 100 ms). The CLI creates one only when stderr is a TTY, so nothing is written to logs or
 * pipes and JSON on stdout stays clean. `contract-scan init` uses the same line with its own label and
 * the stage it is in (`contract-scan init: reading imports 120/480 files (1.3 s)`).
 */

/** The progress line's controls. */
export interface Progress {
  /** `done` of `total` files scanned, in `stage` when given (shown before the count). */
  update(done: number, total: number, stage?: string): void;
  /** Erases the line if one was drawn. */
  finish(): void;
}

/** Erase from the cursor to the end of the line (ANSI CSI K). */
const ERASE_LINE = "\u001b[K";

/**
 * @param write where the line goes (stderr).
 * @param now a clock in milliseconds (`performance.now` by default; tests pass a fake one).
 * @param label what starts the line (default `contract-scan`).
 */
export function createProgress(
  write: (text: string) => void,
  now: () => number = () => performance.now(),
  { delayMs = 1000, intervalMs = 100, label = "contract-scan" }: { delayMs?: number; intervalMs?: number; label?: string } = {},
): Progress {
  const started = now();
  let drawn = false;
  let lastDraw = -Infinity;
  return {
    update(done, total, stage) {
      const t = now();
      const elapsed = t - started;
      if (elapsed < delayMs || (t - lastDraw < intervalMs && done < total)) return;
      lastDraw = t;
      drawn = true;
      write(`\r${label}: ${stage === undefined ? "" : `${stage} `}${done}/${total} files (${(elapsed / 1000).toFixed(1)} s)${ERASE_LINE}`);
    },
    finish() {
      if (drawn) write(`\r${ERASE_LINE}`);
      drawn = false;
    },
  };
}
