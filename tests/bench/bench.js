#!/usr/bin/env node
/**
 * `npm run bench [-- <dir> [runs]]`: measures contract-scan against, in one run, on the same files:
 *   - the floor: discovering, reading and parsing the same files with the same parser, no rules;
 *   - the peer a user would pick: plain ESLint (`Linter`, same parser) with `no-restricted-syntax`
 *     selectors for bypass env names and destructive SQL literals;
 *   - a regex scan (what the seeds' hand-written tests do): read every file, run the patterns.
 * Prints wall times (median of `runs`, default 5, after one warm-up) and the ratios. Not a test:
 * timings never assert anything.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { defaultContract, loadContractFile } from "../../dist/src/contract.js";
import { discoverFiles, scan } from "../../dist/src/scanner.js";
import { existsSync } from "node:fs";

const root = path.resolve(process.argv[2] ?? "fixtures/example-app");
const runs = Number(process.argv[3] ?? 5);
const contractFile = path.join(root, "production-contract.json");
const contract = existsSync(contractFile) ? loadContractFile(contractFile) : defaultContract();
const files = await discoverFiles(root, contract);
const sourceFiles = files.filter((f) => !f.endsWith(".sql"));

async function floor() {
  for (const file of await discoverFiles(root, contract)) {
    const text = await readFile(file, "utf8");
    if (file.endsWith(".sql")) continue;
    try {
      tsParser.parseForESLint(text, { filePath: file, range: true, loc: true, tokens: true, comment: true, sourceType: "module" });
    } catch {
      // a file that does not parse costs its attempt, as in the scan
    }
  }
}

const peerLinter = new Linter({ configType: "flat", cwd: root });
const peerConfig = [
  {
    files: ["**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"],
    languageOptions: { parser: tsParser, sourceType: "module" },
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.property.name='env'][property.name=/^(SKIP|BYPASS|ALLOW)_/i]", message: "bypass env" },
        { selector: "MemberExpression[object.property.name='env'][property.value=/^(SKIP|BYPASS|ALLOW)_/i]", message: "bypass env" },
        { selector: "Literal[value=/^\\s*(DROP|TRUNCATE|DELETE)\\s/i]", message: "destructive SQL" },
        { selector: "TemplateElement[value.raw=/^\\s*(DROP|TRUNCATE|DELETE)\\s/i]", message: "destructive SQL" },
      ],
    },
  },
];

async function peer() {
  for (const file of await discoverFiles(root, contract)) {
    const text = await readFile(file, "utf8");
    if (!file.endsWith(".sql")) peerLinter.verify(text, peerConfig, { filename: file });
  }
}

const REGEXES = [/SKIP_/i, /BYPASS_/i, /ALLOW_/i, /\bDROP\s+TABLE\b/i, /\bTRUNCATE\b/i, /\bDELETE\s+FROM\b/i];
async function regexScan() {
  let hits = 0;
  for (const file of await discoverFiles(root, contract)) {
    const text = await readFile(file, "utf8");
    for (const line of text.split("\n")) for (const re of REGEXES) if (re.test(line)) hits++;
  }
  return hits;
}

async function contractScan() {
  await scan({ root, contract });
}

async function measure(name, fn) {
  await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { name, ms: times[Math.floor(times.length / 2)] };
}

const results = [];
for (const [name, fn] of [["floor (discover + read + parse)", floor], ["regex scan", regexScan], ["peer: ESLint no-restricted-syntax", peer], ["contract-scan", contractScan]]) {
  results.push(await measure(name, fn));
}
const byName = Object.fromEntries(results.map((r) => [r.name, r.ms]));
console.log(`bench: ${path.relative(process.cwd(), root) || "."}: ${sourceFiles.length} JS/TS files, ${files.length - sourceFiles.length} SQL files; median of ${runs} runs`);
for (const r of results) console.log(`  ${r.name.padEnd(36)} ${r.ms.toFixed(0).padStart(7)} ms`);
const scanMs = byName["contract-scan"];
console.log(`  contract-scan / floor: ${(scanMs / byName["floor (discover + read + parse)"]).toFixed(2)}x`);
console.log(`  contract-scan / peer:  ${(scanMs / byName["peer: ESLint no-restricted-syntax"]).toFixed(2)}x`);
console.log(`  contract-scan / regex: ${(scanMs / byName["regex scan"]).toFixed(2)}x`);
