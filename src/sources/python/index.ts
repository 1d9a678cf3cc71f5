/**
 * The scanner's entry to Python files (issue 15): parses one file (./parser.ts; a file that does not
 * parse gives its first syntax error back for a `parse-error` finding) and runs the contract's checks on it
 * with the rules' ids and messages: group A (./group-a.ts) and, where the contract's `safety` section turns
 * them on, group D (./group-d.ts). Imported by the scanner with `import()` on the first Python file only.
 */
import path from "node:path";
import type { Contract } from "../../contract.js";
import { fileRole } from "../../roles.js";
import type { Finding } from "../../finding.js";
import { classifyZone } from "../../zones.js";
import type { PyContext } from "./context.js";
import { checkBypassEnv, checkCiGuard, checkDestructiveSql, checkWrites } from "./group-a.js";
import { checkBackup, checkDryRun, checkEnvFailClosed, checkProductionCheck } from "./group-d.js";
import { pythonFactsFor } from "./modules.js";
import { loadPythonParser, parsePythonWith, type PyFile } from "./parser.js";

/** Runs every Python check on a parsed file. */
export function checkPythonFile(file: PyFile, context: Omit<PyContext, "file" | "findings">): Finding[] {
  const full: PyContext = { ...context, file, findings: [] };
  checkBypassEnv(full);
  checkDestructiveSql(full);
  checkWrites(full);
  checkCiGuard(full);
  checkProductionCheck(full);
  checkDryRun(full);
  checkBackup(full);
  checkEnvFailClosed(full);
  return full.findings;
}

/**
 * Checks one Python file.
 * @param text the file's decoded text.
 * @param repoPath its repository-relative path.
 * @returns the findings, and the problems that make it unreadable (message and UTF-16 offset). Never
 *   throws for bad input; a parser that cannot be loaded is one problem per file.
 */
export async function checkPythonSource(text: string, repoPath: string, options: { root: string; contract: Contract }): Promise<{ findings: Finding[]; errors: { message: string; offset: number }[] }> {
  let parser: Awaited<ReturnType<typeof loadPythonParser>>;
  try {
    parser = await loadPythonParser();
  } catch (error) {
    return { findings: [], errors: [{ message: `the Python parser could not be loaded: ${(error as Error).message}`, offset: 0 }] };
  }
  const parsed = parsePythonWith(parser, text);
  if ("error" in parsed) return { findings: [], errors: [parsed.error] };
  const absolute = path.join(options.root, repoPath);
  const facts = pythonFactsFor(options.root, options.contract, parser);
  facts.remember(absolute, parsed.file);
  const zone = classifyZone(repoPath, options.contract);
  const role = fileRole(repoPath, zone, options.contract, options.root);
  return { findings: checkPythonFile(parsed.file, { repoPath, absolute, root: options.root, contract: options.contract, zone, role, facts }), errors: [] };
}
