/**
 * What `contract-scan init` reads from Python files (issue 15 item 5), with the same detectors the Python
 * checks run: the writes of each script-zone file (./writes.ts, through `writesOf`), so the draft lists
 * exactly what `no-unlisted-mutation-script` would report; the bypass names in use and the places that set
 * the CI guard's variable (./env.ts). Tables are not drafted for Python scripts (any table): their ORM
 * writes name no table the way a Prisma payload does.
 */
import path from "node:path";
import { dropsData } from "../../analysis/prisma-cli.js";
import { isCiGuardName, matchBypassName, stripFrameworkPrefix } from "../../analysis/env-names.js";
import type { Contract } from "../../contract.js";
import { lineColumnAt, toRepoPath } from "../../contract.js";
import { fileRole } from "../../roles.js";
import { readSourceText } from "../../source-text.js";
import { classifyZone } from "../../zones.js";
import type { PyContext } from "./context.js";
import { envAccesses } from "./env.js";
import { writesOf } from "./group-a.js";
import { pythonFactsFor } from "./modules.js";
import { loadPythonParser, parsePythonWith } from "./parser.js";
import { prismaWrites } from "./writes.js";

/** What init collects from the Python files. */
export interface PythonDraft {
  /** Script-zone files that write: their operations, and the Prisma CLI writes that drop data (never drafted). */
  scripts: Map<string, { operations: Set<string>; dataLoss: string[] }>;
  /** Bypass names (framework prefix stripped) and where each is first used (`file:line`). */
  bypassNames: Map<string, string>;
  /** Computed bypass names (`SKIP_… at file:line`). */
  computedBypass: string[];
  /** Places that set the CI guard's variable to its value (`file:line`). */
  ciSets: string[];
  /** Files that do not parse or cannot be read (`file:line`). */
  unparsed: string[];
}

/**
 * Reads the Python files for the draft.
 * @param files absolute paths of the Python files found by discovery.
 * @throws Error only when the Python parser cannot be loaded.
 */
export async function readPythonForInit(root: string, contract: Contract, files: readonly string[]): Promise<PythonDraft> {
  const draft: PythonDraft = { scripts: new Map(), bypassNames: new Map(), computedBypass: [], ciSets: [], unparsed: [] };
  const parser = await loadPythonParser();
  const facts = pythonFactsFor(root, contract, parser);
  for (const absolute of files) {
    const repoPath = toRepoPath(root, absolute);
    const read = readSourceText(absolute);
    if ("problem" in read) {
      draft.unparsed.push(`${repoPath}:1`);
      continue;
    }
    const parsed = parsePythonWith(parser, read.text);
    if ("error" in parsed) {
      draft.unparsed.push(`${repoPath}:${lineColumnAt(read.text, parsed.error.offset).line}`);
      continue;
    }
    const file = parsed.file;
    facts.remember(absolute, file);
    const zone = classifyZone(repoPath, contract);
    const context: PyContext = { file, repoPath, absolute: path.resolve(absolute), root, contract, zone, role: fileRole(repoPath, zone, contract, root), facts, findings: [] };
    const line = (offset: number): number => lineColumnAt(file.text, offset).line;
    if (zone === "scripts") {
      const operations = new Set<string>();
      const dataLoss: string[] = [];
      for (const write of writesOf(context)) {
        const command = write.cli ? prismaWrites(file, write.call).find((c) => c.command === write.operation) : undefined;
        if (command && dropsData(command.command, command.args)) dataLoss.push([command.command, ...command.args].join(" "));
        else operations.add(write.operation);
      }
      if (operations.size > 0 || dataLoss.length > 0) draft.scripts.set(repoPath, { operations, dataLoss });
    }
    if (zone === "tests" || zone === "ignore") continue;
    for (const access of envAccesses(file)) {
      const where = `${repoPath}:${line(access.node.start)}`;
      if (access.complete && isCiGuardName(access.name, contract)) {
        if (access.kind === "write" && access.values?.includes(contract.ciGuard.equals) === true) draft.ciSets.push(where);
        continue;
      }
      if (matchBypassName(access.name, contract, access.complete) === undefined) continue;
      if (!access.complete) draft.computedBypass.push(`${access.name}… at ${where}`);
      else {
        const name = stripFrameworkPrefix(access.name);
        if (!draft.bypassNames.has(name)) draft.bypassNames.set(name, where);
      }
    }
  }
  return draft;
}
