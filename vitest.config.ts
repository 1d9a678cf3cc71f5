import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run counts for its closing `tests: N passed, N failed` line.
    reporters: ["default", ["json", { outputFile: ".cache/vitest-report.json" }]],
  },
});
