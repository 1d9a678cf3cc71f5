// `node --import ./rusage.js ...` (the bench's children): at exit, writes this process's CPU time and
// peak resident set size (`process.resourceUsage()`: microseconds, kilobytes) to $BENCH_RUSAGE as JSON.
import { writeFileSync } from "node:fs";

const out = process.env.BENCH_RUSAGE;
if (out) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000, maxRssKiB: usage.maxRSS }));
  });
}
