/**
 * `--changed` for Python (docs/design.md, `--changed` and the baseline read for Python): besides the changed files themselves, the Python
 * mutation-script candidates (script zone, allowlisted, deploy or deprecated: `fileRole` not "other")
 * whose imports reach a changed Python module, through the repository's own modules (./modules.ts
 * resolution); all of them when a Python module was deleted (its importers no longer resolve it).
 */
import path from "node:path";
import { toRepoPath, type Contract } from "../../contract.js";
import { fileRole } from "../../roles.js";
import { classifyZone } from "../../zones.js";
import { importsOf } from "./ast.js";
import { pythonFactsFor } from "./modules.js";
import { loadPythonParser } from "./parser.js";

/**
 * The Python files `--changed` adds to what it checks.
 * @param files the scan's files (absolute).
 * @param existing changed files that exist (absolute); `deleted` the deleted ones.
 * @returns absolute paths of the Python candidates to check.
 */
export async function pythonDependents(root: string, contract: Contract, files: readonly string[], existing: readonly string[], deleted: readonly string[]): Promise<string[]> {
  const changed = new Set(existing.filter((f) => f.endsWith(".py")).map((f) => path.resolve(f)));
  const candidates = files.filter((file) => {
    const repoPath = toRepoPath(root, file);
    return file.endsWith(".py") && fileRole(repoPath, classifyZone(repoPath, contract), contract, root) !== "other";
  });
  if (deleted.some((f) => f.endsWith(".py"))) return candidates;
  if (changed.size === 0) return [];
  const facts = pythonFactsFor(root, contract, await loadPythonParser());
  const reaches = (start: string): boolean => {
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length > 0 && seen.size < 5000) {
      const current = queue.shift() as string;
      const file = facts.fileAt(current);
      if (!file) continue;
      for (const imported of importsOf(file).modules) {
        for (const target of facts.resolve(current, imported)) {
          if (changed.has(target)) return true;
          if (!seen.has(target)) {
            seen.add(target);
            queue.push(target);
          }
        }
      }
    }
    return false;
  };
  return candidates.filter((candidate) => !changed.has(candidate) && reaches(candidate));
}
