/** `--concurrency <n>|auto|off` (src/concurrency.ts): the values accepted and the number of worker threads a run starts. */
import { EventEmitter, once } from "node:events";
import { describe, expect, it } from "vitest";
import { AUTO_FILES_PER_WORKER, ConcurrencyError, DEFAULT_CONCURRENCY, parseConcurrency, workerCount } from "../src/concurrency.js";
import { giveWrappersRemoveListener } from "../src/workers.js";

describe("parseConcurrency", () => {
  it("accepts a whole number of threads (1 or more), auto and off", () => {
    expect(parseConcurrency("1")).toBe(1);
    expect(parseConcurrency("4")).toBe(4);
    expect(parseConcurrency("auto")).toBe("auto");
    expect(parseConcurrency("off")).toBe("off");
  });

  it.each(["0", "-1", "abc", "1.5", "", "2x", "Auto"])("refuses %j, saying what it accepts", (value) => {
    expect(() => parseConcurrency(value)).toThrow(ConcurrencyError);
    expect(() => parseConcurrency(value)).toThrow(/a number of worker threads \(1 or more\), "auto" or "off"/);
  });
});

describe("workerCount", () => {
  it("off: none, whatever the files and CPUs", () => {
    expect(workerCount("off", 100_000, 64)).toBe(0);
  });

  it("a number: that many, at most one per file; 1 is off (as in ESLint: one worker only adds its start)", () => {
    expect(workerCount(4, 1000, 2)).toBe(4);
    expect(workerCount(4, 3, 2)).toBe(3);
    expect(workerCount(2, 1, 64)).toBe(0);
    expect(workerCount(1, 1000, 64)).toBe(0);
    expect(workerCount(3, 0, 64)).toBe(0);
  });

  it("auto: one per AUTO_FILES_PER_WORKER files to check, at most half the CPUs, none below two", () => {
    const per = AUTO_FILES_PER_WORKER;
    // Two CPUs: never (half of them is one worker).
    expect(workerCount("auto", 100_000, 2)).toBe(0);
    expect(workerCount("auto", 100_000, 3)).toBe(0);
    // Enough CPUs: the file count decides.
    expect(workerCount("auto", 2 * per - 1, 64)).toBe(0);
    expect(workerCount("auto", 2 * per, 64)).toBe(2);
    expect(workerCount("auto", 3 * per, 64)).toBe(3);
    // Enough files: half the CPUs.
    expect(workerCount("auto", 100 * per, 4)).toBe(2);
    expect(workerCount("auto", 100 * per, 9)).toBe(4);
  });

  it("the default is off, as ESLint's", () => {
    expect(DEFAULT_CONCURRENCY).toBe("off");
  });
});

describe("tinypool's thread wrappers during destroy", () => {
  it("get removeListener, so a thread's error while destroy waits for its exit is a rejection, not an uncaught TypeError", async () => {
    // tinypool 2.2's wrapper: on and once delegate to its Worker, there is no removeListener.
    const thread = new EventEmitter();
    const wrapper = { thread, on: (event: string, listener: () => void) => thread.on(event, listener), once: (event: string, listener: () => void) => thread.once(event, listener) };
    giveWrappersRemoveListener({ threads: [wrapper] } as unknown as Parameters<typeof giveWrappersRemoveListener>[0]);
    const exit = once(wrapper as unknown as EventEmitter, "exit");
    expect(() => thread.emit("error", new Error("the worker cannot be loaded"))).not.toThrow();
    await expect(exit).rejects.toThrow("the worker cannot be loaded");
    expect(thread.listenerCount("exit")).toBe(0);
  });
});
