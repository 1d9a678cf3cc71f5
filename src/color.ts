/**
 * Whether `contract-scan` colors what it writes: picocolors' own detection (its `isColorSupported`),
 * evaluated for one run. picocolors computes `isColorSupported` once, when it is imported, from
 * `process.argv`, `process.env` and `process.stdout`; `run(argv, io)` takes its arguments, environment
 * and stream from its caller (tests run it in this process with other ones), so the same formula is
 * applied here to those, and the reporters color through `createColors(enabled)`.
 *
 * picocolors 1.1 (`picocolors.js`): no colors when `NO_COLOR` is non-empty or `--no-color` is given;
 * otherwise colors when `FORCE_COLOR` is non-empty, `--color` is given, the platform is Windows, stdout
 * is a terminal whose `TERM` is not `dumb`, or `CI` is non-empty. (As in picocolors, `FORCE_COLOR=0` is
 * non-empty and turns colors on.) tests/color.test.ts checks this against picocolors itself.
 */

/** What the decision is made from. */
export interface ColorInputs {
  /** `--color` (true), `--no-color` (false), neither (undefined). */
  flag: boolean | undefined;
  env: NodeJS.ProcessEnv;
  /** Whether the stream written to is a terminal. */
  isTTY: boolean;
  /** `process.platform` by default. */
  platform?: NodeJS.Platform;
}

/** True when picocolors, started with these arguments, environment and stdout, would color. */
export function colorEnabled({ flag, env, isTTY, platform = process.platform }: ColorInputs): boolean {
  if (Boolean(env.NO_COLOR) || flag === false) return false;
  return Boolean(env.FORCE_COLOR) || flag === true || platform === "win32" || (isTTY && env.TERM !== "dumb") || Boolean(env.CI);
}
