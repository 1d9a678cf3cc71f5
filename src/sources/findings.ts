/**
 * The one place that turns what the non-JavaScript sources extract (src/sources/{package-json,workflow,
 * shell-script,dockerfile}.ts) into findings, with the same matching as the ESLint rules:
 * - `no-bypass-env`: an env name set or read that `matchBypassName` matches (src/analysis/env-names.ts,
 *   with `bypass.allow`); setting the CI guard's variable to `ciGuard.equals` where SPEC §6.6 says it
 *   counts: outside CI configuration, when the same command (or, for `export CI=true`, a later one) runs a
 *   Prisma CLI write or a mutation script, directly or through `npm run` of a script that does;
 * - `no-direct-prisma-cli`: a Prisma CLI write (`prismaCommandsOfWords`, src/analysis/prisma-cli.ts)
 *   unless the place is allowlisted with that command in its `operations` (SPEC §6.4).
 * Messages are the rules' own (`MESSAGES` of rules/no-bypass-env.ts and rules/no-direct-prisma-cli.ts).
 */
import path from "node:path";
import { type Contract, lineColumnAt } from "../contract.js";
import { PLUGIN_NAMESPACE } from "../create-rule.js";
import { isCiGuardName, matchBypassName } from "../analysis/env-names.js";
import { prismaCommandsOfWords } from "../analysis/prisma-cli.js";
import type { RepoFacts } from "../facts/types.js";
import type { Finding } from "../scanner.js";
import { classifyZone, type Zone } from "../zones.js";
import { MESSAGES as BYPASS_MESSAGES } from "../../rules/no-bypass-env.js";
import { MESSAGES as PRISMA_CLI_MESSAGES } from "../../rules/no-direct-prisma-cli.js";
import { expandScriptRun, scriptGroupsOf, someCommand } from "./npm-scripts.js";
import { parseShell, type ShellCommand, type ShellItem, type ShellSet } from "../analysis/shell.js";
import { readSourceText } from "../source-text.js";

export const NO_BYPASS_ENV_RULE = `${PLUGIN_NAMESPACE}/no-bypass-env`;
export const NO_DIRECT_PRISMA_CLI_RULE = `${PLUGIN_NAMESPACE}/no-direct-prisma-cli`;

/** Where the extracted items come from. */
export interface SourceContext {
  /** Absolute repository root. */
  root: string;
  contract: Contract;
  /** Repository-relative path of the file. */
  file: string;
  /** The file's whole text (offsets below are UTF-16 offsets into it). */
  text: string;
  /** True for CI configuration (`.github/workflows`, `.gitlab-ci.yml`, `.circleci`): setting `CI=true` there is exempt (§6.6). */
  ciConfig: boolean;
  /** Repository-relative directory the commands run in (script paths are resolved from there). */
  cwd: string;
  /** The `scripts` of the package.json that `npm run <s>` refers to here, if any. */
  scripts?: Readonly<Record<string, string>> | undefined;
  /** The repository facts of the scan (for "does this script load a database client"). */
  facts?: RepoFacts | undefined;
}

/** A group of items extracted from one place of a file. */
export interface SourceBlock {
  items: ShellItem[];
  /** Maps an item's offset to its UTF-16 offset in the file. */
  toFileOffset: (offset: number) => number;
  /** The `mutationScripts` key that allowlists this place (`package.json#db:push`, a workflow or Dockerfile path). */
  allowKey: string;
}

/** ESLint's `{{name}}` interpolation. */
function format(message: string, data: Record<string, string>): string {
  return message.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, key: string) => data[key] ?? whole);
}

const RUNNABLE = /\.(?:[cm]?[jt]s|sh|bash)$/;
const INTERPRETERS = new Set(["node", "tsx", "ts-node", "ts-node-esm", "bun", "deno", "sh", "bash", "zx", "vite-node", "esno", "esrun", "babel-node"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** True when a repository file is a mutation script (SPEC §6.1) as far as a command line can tell. */
function isMutationScript(repoPath: string, context: SourceContext, depth: number): boolean {
  const { contract } = context;
  if (Object.hasOwn(contract.mutationScripts, repoPath) || contract.deployScript === repoPath || contract.deprecatedScripts.includes(repoPath)) return true;
  const zone: Zone = classifyZone(repoPath, contract);
  if (zone !== "scripts") return false;
  const absolute = path.join(context.root, repoPath);
  if (/\.(sh|bash)$/.test(repoPath)) {
    if (depth > 3) return false;
    // A script that cannot be read (not a regular file, too large) runs nothing known here: its own
    // parse-error finding reports it (it is a scanned source).
    const read = readSourceText(absolute);
    if ("problem" in read) return false;
    const parsed = parseShell(read.text);
    return !("error" in parsed) && parsed.items.some((i) => i.kind === "command" && runsMutation(i, { ...context, cwd: path.posix.dirname(repoPath) }, depth + 1));
  }
  try {
    return context.facts?.isDbClientLoader(absolute) ?? false;
  } catch {
    return false;
  }
}

/** The repository path of the script file a command runs (`node scripts/x.js`, `npx tsx scripts/x.ts`, `./scripts/x.sh`). */
function scriptFileOf(command: ShellCommand, cwd: string): string | undefined {
  let words = command.words.filter((w) => !w.hole && !ASSIGNMENT.test(w.text));
  // `dotenv -e .env -- node x.js`: the command starts after the `--`.
  const dotenv = words.findIndex((w) => /^dotenv(-cli|-flow)?$/.test(path.posix.basename(w.text)));
  const dashes = words.findIndex((w, j) => j > dotenv && w.text === "--");
  if (dotenv >= 0 && dashes > dotenv) words = words.slice(dashes + 1);
  const index = words.findIndex((w) => !["env", "cross-env", "npx", "pnpx", "exec", "time", "nohup", "dotenv", "dotenv-flow", "--"].includes(path.posix.basename(w.text)) && !w.text.startsWith("-"));
  const program = words[index];
  if (!program) return undefined;
  let target: string | undefined;
  if (RUNNABLE.test(program.text) && (program.text.includes("/") || program.text.startsWith("."))) target = program.text;
  else if (INTERPRETERS.has(path.posix.basename(program.text))) target = words.slice(index + 1).find((w) => !w.text.startsWith("-") && RUNNABLE.test(w.text))?.text;
  if (target === undefined || path.posix.isAbsolute(target)) return undefined;
  const resolved = path.posix.normalize(path.posix.join(cwd, target));
  return resolved.startsWith("../") ? undefined : resolved;
}

/** True when a command runs a Prisma CLI write or a mutation script, directly or through `npm run` (§6.6). */
function runsMutation(command: ShellCommand, context: SourceContext, depth = 0): boolean {
  if (prismaCommandsOfWords(command.words).some((c) => c.write)) return true;
  const file = scriptFileOf(command, context.cwd);
  if (file !== undefined && isMutationScript(file, context, depth)) return true;
  const scripts = context.scripts;
  if (!scripts) return false;
  const groups = scriptGroupsOf(command.words, Object.keys(scripts));
  if (!groups) return false;
  const runs = groups.flatMap((g) => g.scripts.flatMap((s) => expandScriptRun(scripts, s, g.parallel)));
  return someCommand(runs, (inner) => {
    if (prismaCommandsOfWords(inner.words).some((c) => c.write)) return true;
    const innerFile = scriptFileOf(inner, context.cwd);
    return innerFile !== undefined && isMutationScript(innerFile, context, depth);
  });
}

/**
 * What one place of a non-JavaScript source does that `no-bypass-env` or `no-direct-prisma-cli` is about,
 * before the allowlist is applied to Prisma commands (`bypass.allow` is applied: a listed name is no use).
 * Offsets are UTF-16 offsets in the file. `contract-scan init` drafts the allowlist from these.
 */
export type SourceUse =
  | { kind: "bypassName"; name: string; pattern: string; start: number; end: number }
  | { kind: "ciSet"; name: string; value: string; start: number; end: number }
  | { kind: "prismaWrite"; command: string; args: string[]; allowKey: string; start: number; end: number };

/**
 * The uses of bypass names, `CI=true` settings and Prisma CLI writes in the items extracted from one file
 * (the matching of the module comment; nothing in the tests zone for bypass names, nothing in `ignore`).
 * @returns the uses in block order; each Prisma write once per command, `<unknown>` commands included.
 */
export function sourceUses(blocks: readonly SourceBlock[], context: SourceContext): SourceUse[] {
  const { contract } = context;
  const zone = classifyZone(context.file, contract);
  if (zone === "ignore") return [];
  const checkBypass = zone !== "tests";
  const uses: SourceUse[] = [];
  for (const block of blocks) {
    const commands = block.items.filter((i): i is ShellCommand => i.kind === "command");
    const sets = block.items.flatMap((i) => (i.kind === "set" ? [i] : i.kind === "command" ? i.env : []));
    const ciSet = (set: ShellSet): void => {
      uses.push({ kind: "ciSet", name: set.name, value: contract.ciGuard.equals, start: block.toFileOffset(set.offset), end: block.toFileOffset(set.offset + set.name.length) });
    };
    if (checkBypass) {
      for (const item of [...sets, ...block.items.filter((i) => i.kind === "read")]) {
        if (isCiGuardName(item.name, contract)) continue;
        const pattern = matchBypassName(item.name, contract);
        if (pattern !== undefined) {
          uses.push({ kind: "bypassName", name: item.name, pattern, start: block.toFileOffset(item.offset), end: block.toFileOffset(item.offset + item.name.length + (item.kind === "read" ? 1 : 0)) });
        }
      }
      if (!context.ciConfig) {
        for (const command of commands) {
          for (const set of command.env) {
            if (isCiGuardName(set.name, contract) && set.value === contract.ciGuard.equals && runsMutation(command, context)) ciSet(set);
          }
        }
        for (const set of block.items) {
          if (set.kind !== "set" || set.scope !== "rest" || !isCiGuardName(set.name, contract) || set.value !== contract.ciGuard.equals) continue;
          if (commands.some((c) => c.offset > set.offset && runsMutation(c, context))) ciSet(set);
        }
      }
    }
    for (const command of commands) {
      const seen = new Set<string>();
      for (const prisma of prismaCommandsOfWords(command.words)) {
        if (!prisma.write || seen.has(prisma.command)) continue;
        seen.add(prisma.command);
        const last = command.words.at(-1);
        const end = last ? block.toFileOffset(last.offset) + last.text.length : block.toFileOffset(command.offset);
        uses.push({ kind: "prismaWrite", command: prisma.command, args: prisma.args, allowKey: block.allowKey, start: block.toFileOffset(command.offset), end });
      }
    }
  }
  return uses;
}

/**
 * The findings for the items extracted from one file: its `sourceUses`, less the Prisma commands that
 * its place's `mutationScripts` entry allows (SPEC §6.4).
 * @returns findings of `no-bypass-env` (skipped in the tests zone, as the rule does) and
 *   `no-direct-prisma-cli`, positioned in the file (1-based line, UTF-16 column).
 */
export function sourceFindings(blocks: readonly SourceBlock[], context: SourceContext): Finding[] {
  const { contract } = context;
  const findings: Finding[] = [];
  const report = (ruleId: string, startOffset: number, endOffset: number, message: string): void => {
    const start = lineColumnAt(context.text, startOffset);
    const end = lineColumnAt(context.text, Math.max(startOffset, endOffset));
    findings.push({ ruleId, severity: "error", file: context.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, message });
  };
  for (const use of sourceUses(blocks, context)) {
    if (use.kind === "bypassName") report(NO_BYPASS_ENV_RULE, use.start, use.end, format(BYPASS_MESSAGES.bypassName, { name: use.name, pattern: use.pattern }));
    else if (use.kind === "ciSet") report(NO_BYPASS_ENV_RULE, use.start, use.end, format(BYPASS_MESSAGES.ciSet, { name: use.name, value: use.value }));
    else if (!(contract.mutationScripts[use.allowKey]?.operations ?? []).includes(use.command)) {
      const messageId = use.command.includes("<unknown>") ? "cliUnknown" : "cliWrite";
      report(NO_DIRECT_PRISMA_CLI_RULE, use.start, use.end, format(PRISMA_CLI_MESSAGES[messageId], { command: use.command }));
    }
  }
  return findings;
}
