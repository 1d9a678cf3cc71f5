#!/usr/bin/env node
// contract-scan: see `contract-scan --help` and the README. The only place that sets the exit code.
import { run } from "../dist/src/cli.js";

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
});
