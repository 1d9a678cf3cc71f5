import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One module graph per worker instead of per test file: ESLint, TypeScript and the PostgreSQL parser
    // are loaded once per worker, not once per file (measured on the rule, analysis and facts tests: 120 s
    // of CPU with isolation, 30 s without). Tests must therefore not leave global state behind.
    isolate: false,
    // The JSON report is what .ci/run counts for its closing `tests: N passed, N failed` line.
    reporters: ["default", ["json", { outputFile: ".cache/vitest-report.json" }]],
  },
});
