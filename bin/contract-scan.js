#!/usr/bin/env node
// contract-scan: see `contract-scan --help` and the README. The only place that sets the exit code.
import { run } from "../dist/src/cli.js";

// A reader that stops early (`contract-scan --help | head -1`) closes the pipe: the output it did not read
// has nowhere to go, which is no failure of the run (nothing more is written; the exit code stands).
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
});
