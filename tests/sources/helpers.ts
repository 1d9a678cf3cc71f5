/** Helpers for the non-JavaScript source tests: a small repository in a temporary directory, scanned. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { validateContract } from "../../src/contract.js";
import { type Finding, scan } from "../../src/scanner.js";

const roots: string[] = [];

/** Removes the repositories written so far (call in afterEach). */
export function cleanRepos(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/**
 * Scans a repository made of `files` with `contract` (defaults filled in).
 * @returns `file:line:column rule message-prefix` lines, sorted as the report is; the message is cut at its first colon or period.
 */
export async function scanRepo(files: Record<string, string>, contract: object = { version: 1 }): Promise<string[]> {
  return (await scanRepoFindings(files, contract)).map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId.replace("production-safety/", "")} ${f.message.split(/[:.] /)[0]}`);
}

/** Scans a repository made of `files` with `contract`; returns the findings as the scanner does. */
export async function scanRepoFindings(files: Record<string, string>, contract: object = { version: 1 }): Promise<Finding[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), "ps-sources-"));
  roots.push(root);
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  return (await scan({ root, contract: validateContract(contract, null) })).findings;
}

/** A package.json text with these scripts, one per line (line 3 is the first script). */
export function packageJson(scripts: Record<string, string>): string {
  const lines = Object.entries(scripts).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n  "scripts": {\n${lines.join(",\n")}\n  }\n}\n`;
}
