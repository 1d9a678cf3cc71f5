#!/usr/bin/env node
/**
 * `node tests/bench/startup.js [package-root] [runs]`: the start-up cost of each entry point, each in a
 * fresh Node process (the built package: run `npm run build` first):
 *   - `contract-scan --version`, `--help`, `explain no-bypass-env`;
 *   - the plugin imported (what ESLint does when it loads the config), no rule run;
 *   - the plugin imported and one rule run by ESLint's `Linter` on one small file (no-bypass-env: no heavy
 *     part; no-destructive-sql: the PostgreSQL parser; require-ci-guard: the repository facts).
 * Prints, per entry point, the median over `runs` (default 5) of the process's CPU time (user + system,
 * which load on a shared machine does not inflate), its wall time and its peak RSS, and the packages it
 * loaded. Not a test: timings never assert anything (tests/e2e/startup.test.ts asserts what is loaded).
 * `package-root` defaults to this checkout; pass another checkout's root to compare before/after.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "../.."));
const runs = Number(process.argv[3] ?? 5);
const work = mkdtempSync(path.join(os.tmpdir(), "ps-startup-"));
const usageFile = path.join(work, "usage.json");

// Preloaded into every measured process: at exit, its CPU time, peak RSS and the packages in
// require.cache (CommonJS; the ESM ones are found from the same paths by the --import hook below).
const preload = path.join(work, "usage.mjs");
writeFileSync(
  preload,
  `import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
const require = createRequire(import.meta.url);
process.on("exit", () => {
  const cpu = process.cpuUsage();
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
    if (match) packages.add(match[1]);
  }
  writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: process.resourceUsage().maxRSS / 1024, packages: [...packages] }));
});
`,
);

const repo = path.join(work, "repo");
mkdirSync(path.join(repo, "scripts"), { recursive: true });
writeFileSync(path.join(repo, "production-contract.json"), JSON.stringify({ version: 1 }));
writeFileSync(path.join(repo, "scripts/cleanup.ts"), 'const skip = process.env.SKIP_CHECKS;\nawait db.$executeRawUnsafe("DROP TABLE users");\n');

const pluginUrl = pathToFileURL(path.join(root, "dist/src/index.js")).href;
// ESLint as the package root resolves it (the temporary repository has no node_modules).
const eslintUrl = pathToFileURL(createRequire(path.join(root, "package.json")).resolve("eslint")).href;
function ruleRun(rule) {
  return `const { default: plugin } = await import(${JSON.stringify(pluginUrl)});
const { Linter } = await import(${JSON.stringify(eslintUrl)});
const linter = new Linter({ cwd: ${JSON.stringify(repo)} });
const file = ${JSON.stringify(path.join(repo, "scripts/cleanup.ts"))};
const { readFileSync } = await import("node:fs");
const messages = linter.verify(readFileSync(file, "utf8"), [{ ...plugin.configs.recommended, rules: { "production-safety/${rule}": "error" } }], file);
if (messages.some((m) => m.fatal)) throw new Error(JSON.stringify(messages));`;
}

const cli = path.join(root, "bin/contract-scan.js");
const scenarios = [
  ["contract-scan --version", [cli, "--version"]],
  ["contract-scan --help", [cli, "--help"]],
  ["contract-scan explain no-bypass-env", [cli, "explain", "no-bypass-env"]],
  ["plugin import, no rule run", ["--input-type=module", "-e", `await import(${JSON.stringify(pluginUrl)});`]],
  ["plugin + Linter + no-bypass-env", ["--input-type=module", "-e", ruleRun("no-bypass-env")]],
  ["plugin + Linter + no-destructive-sql", ["--input-type=module", "-e", ruleRun("no-destructive-sql")]],
  ["plugin + Linter + require-ci-guard", ["--input-type=module", "-e", ruleRun("require-ci-guard")]],
  ["node alone (floor)", ["-e", ""]],
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = [];
for (const [name, args] of scenarios) {
  const samples = [];
  let packages = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, ["--import", pathToFileURL(preload).href, ...args], { cwd: repo, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const wallMs = performance.now() - started;
    if (result.status !== 0) throw new Error(`${name} failed (${result.status}): ${result.stderr}`);
    const usage = JSON.parse(readFileSync(usageFile, "utf8"));
    samples.push({ ...usage, wallMs });
    packages = usage.packages;
  }
  rows.push({ name, cpuMs: median(samples.map((s) => s.cpuMs)), wallMs: median(samples.map((s) => s.wallMs)), rssMiB: median(samples.map((s) => s.rssMiB)), packages });
}
rmSync(work, { recursive: true, force: true });

console.log(`start-up of ${root} (median of ${runs} runs; node ${process.version})\n`);
console.log("| entry point | CPU ms | wall ms | peak RSS MiB | packages loaded (CommonJS) |");
console.log("| --- | ---: | ---: | ---: | --- |");
for (const r of rows) {
  const heavy = r.packages.filter((p) => /^(eslint|typescript|libpg-query|@typescript-eslint\/.*|typescript-eslint|@mrleebo\/prisma-ast|mvdan-sh|globby|ajv|marked.*)$/.test(p));
  console.log(`| ${r.name} | ${r.cpuMs.toFixed(0)} | ${r.wallMs.toFixed(0)} | ${r.rssMiB.toFixed(0)} | ${r.packages.length} packages${heavy.length > 0 ? `: ${heavy.sort().join(", ")}` : ""} |`);
}
