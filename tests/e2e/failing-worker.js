/**
 * A worker for tests/e2e/concurrency.test.ts: the real one (dist/src/scan-worker.js), failing as
 * FAILING_WORKER says (the worker thread's copy of the environment) on the task that holds
 * `scripts/count-bookings.ts`:
 * - `throw`: the task throws (outside the file's check);
 * - `crash`: the thread throws outside any task (as a crash or running out of memory ends it);
 * - `exit`: the thread ends quietly (process.exit);
 * - `load`: this module cannot be loaded (every worker fails as it starts).
 */
import { setTimeout } from "node:timers";
import checkFiles from "../../dist/src/scan-worker.js";

const mode = process.env.FAILING_WORKER;
if (mode === "load") throw new Error("injected: the worker cannot be loaded");

export default async function failingCheckFiles(task) {
  if (task.files.some((file) => file.endsWith("scripts/count-bookings.ts"))) {
    if (mode === "throw") throw new Error("injected: the task throws");
    if (mode === "exit") process.exit(1);
    if (mode === "crash") {
      setTimeout(() => {
        throw new Error("injected: the thread crashes");
      });
      await new Promise((resolve) => setTimeout(resolve, 60_000));
    }
  }
  return checkFiles(task);
}
