/**
 * The one place that turns what the non-JavaScript sources extract (src/sources/{package-json,workflow,
 * shell-script,dockerfile}.ts) into findings, with the same matching as the ESLint rules:
 * - `no-bypass-env`: an env name set or read that `matchBypassName` matches (src/analysis/env-names.ts,
 *   with `bypass.allow`); setting the CI guard's variable to `ciGuard.equals` where docs/design.md, Environment names says it
 *   counts: outside CI configuration, when the same command (or, for `export CI=true`, a later one) runs a
 *   Prisma CLI write or a mutation script, directly or through `npm run` of a script that does;
 * - `no-direct-prisma-cli`: a Prisma CLI write (`prismaCommandsOfWords`, src/analysis/prisma-cli.ts)
 *   unless the place is allowlisted with that command in its `operations` (docs/design.md, Allowlisting places that are not code).
 * Messages are the rules' own (`MESSAGES` of rules/no-bypass-env.ts and rules/no-direct-prisma-cli.ts).
 */
import path from "node:path";
import { type Contract, lineLocator } from "../contract.js";
import { PLUGIN_NAMESPACE } from "../create-rule.js";
import { isCiGuardName, matchBypassName } from "../analysis/env-names.js";
import { prismaCommandsOfWords } from "../analysis/prisma-cli.js";
import type { RepoFacts } from "../facts/types.js";
import type { Finding } from "../finding.js";
import { classifyZone, type Zone } from "../zones.js";
import { MESSAGES as BYPASS_MESSAGES } from "../../rules/no-bypass-env.js";
import { MESSAGES as PRISMA_CLI_MESSAGES } from "../../rules/no-direct-prisma-cli.js";
import { describeChain, expandScriptRun, notFollowedRuns, scriptGroupsOf, someCommand } from "./npm-scripts.js";
import { MAX_SCRIPT_CHAIN_DEPTH } from "../limits.js";
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
  /** True for CI configuration (`.github/workflows`, `.gitlab-ci.yml`, `.circleci`): setting `CI=true` there is exempt (). */
  ciConfig: boolean;
  /** Repository-relative directory the commands run in (script paths are resolved from there). */
  cwd: string;
  /** The `scripts` of the package.json that `npm run <s>` refers to here, if any. */
  scripts?: Readonly<Record<string, string>> | undefined;
  /** The repository facts of the scan (for "does this script load a database client"). */
  facts?: RepoFacts | undefined;
  /** The shell scripts followed so far while this file is checked (`sourceUses` starts one). */
  followed?: FollowedScripts | undefined;
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

/**
 * What following a command found: whether it runs a Prisma CLI write or a mutation script, and, when that
 * could not be decided to the end, the first chain of scripts that was not followed (for a message).
 */
interface Verdict {
  runs: boolean;
  /** The chain that was not followed, for a message (`"a.sh" -> "b.sh"`, `npm run "a" -> "b"`), when the answer is no as far as it was followed. */
  notFollowed?: string;
}

const NO: Verdict = { runs: false };

/**
 * The shell scripts already followed while one file is checked: each is read and parsed once (a script
 * that runs another one twice, or itself, costs one read), whatever the number of commands that reach it.
 */
export interface FollowedScripts {
  /**
   * A decided script's verdict, or the chain position of the script being followed whose verdict it
   * waits for (its own while it is being followed).
   */
  scripts: Map<string, Verdict | { following: number }>;
  /** The lowest chain position of a script being followed that was reached again (a loop), since it was last reset. */
  lowest: number;
  /** Scripts whose verdict waits for a script above them on the chain (they reached it again). */
  pending: string[];
}

/** A new, empty `FollowedScripts`. */
export function newFollowedScripts(): FollowedScripts {
  return { scripts: new Map(), lowest: Number.POSITIVE_INFINITY, pending: [] };
}

/**
 * True when a repository file is a mutation script (docs/design.md, Mutation scripts) as far as a command line can tell.
 * A shell script in a script zone is read and each of its commands followed (`runsMutation`), once per
 * file checked (`context.followed`): a script that loops back to one being followed adds nothing there,
 * and its verdict is settled when the one it looped to is (if that one runs nothing, neither does it).
 */
function isMutationScript(repoPath: string, context: SourceContext, chain: readonly string[]): Verdict {
  const { contract } = context;
  if (Object.hasOwn(contract.mutationScripts, repoPath) || contract.deployScript === repoPath || contract.deprecatedScripts.includes(repoPath)) return { runs: true };
  const zone: Zone = classifyZone(repoPath, contract);
  if (zone !== "scripts") return NO;
  const absolute = path.join(context.root, repoPath);
  if (/\.(sh|bash)$/.test(repoPath)) {
    const followed = context.followed ?? newFollowedScripts();
    const known = followed.scripts.get(repoPath);
    if (known !== undefined && "following" in known) {
      followed.lowest = Math.min(followed.lowest, known.following);
      return NO;
    }
    if (known !== undefined) return known;
    const position = chain.length;
    if (position >= MAX_SCRIPT_CHAIN_DEPTH) return { runs: false, notFollowed: describeChain([...chain, repoPath]) };
    followed.scripts.set(repoPath, { following: position });
    const outerLowest = followed.lowest;
    const pendingFrom = followed.pending.length;
    followed.lowest = Number.POSITIVE_INFINITY;
    let verdict: Verdict = NO;
    // A script that cannot be read (not a regular file, too large) runs nothing known here: its own
    // parse-error finding reports it (it is a scanned source).
    const read = readSourceText(absolute);
    const text = "problem" in read ? undefined : read.text;
    const parsed = text === undefined ? undefined : parseShell(text);
    if (parsed !== undefined && !("error" in parsed)) {
      const inner: SourceContext = { ...context, cwd: path.posix.dirname(repoPath), followed };
      for (const item of parsed.items) {
        if (item.kind !== "command") continue;
        const found = runsMutation(item, inner, [...chain, repoPath]);
        if (found.runs) {
          verdict = found;
          break;
        }
        if (found.notFollowed !== undefined && verdict.notFollowed === undefined) verdict = found;
      }
    }
    if (verdict.runs || followed.lowest >= position) {
      followed.scripts.set(repoPath, verdict);
      // Scripts that looped back to this one or below it reach nothing this one does not: same verdict when it runs nothing.
      for (const waiting of followed.pending.splice(pendingFrom)) {
        if (verdict.runs) followed.scripts.delete(waiting);
        else followed.scripts.set(waiting, verdict);
      }
      followed.lowest = outerLowest;
    } else {
      // It looped back to a script above it, whose verdict is not known yet: decided with that one.
      // Reaching it again meanwhile is a loop to that script.
      followed.scripts.set(repoPath, { following: followed.lowest });
      followed.pending.push(repoPath);
      followed.lowest = Math.min(outerLowest, followed.lowest);
    }
    return verdict;
  }
  try {
    return { runs: context.facts?.isDbClientLoader(absolute) ?? false };
  } catch {
    return NO;
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

/**
 * Whether a command runs a Prisma CLI write or a mutation script, directly or through `npm run` ().
 * @param chain the shell scripts and npm scripts that led here, outermost first (at most
 *   `MAX_SCRIPT_CHAIN_DEPTH` of them are followed).
 */
function runsMutation(command: ShellCommand, context: SourceContext, chain: readonly string[] = []): Verdict {
  if (prismaCommandsOfWords(command.words).some((c) => c.write)) return { runs: true };
  const file = scriptFileOf(command, context.cwd);
  const direct = file === undefined ? NO : isMutationScript(file, context, chain);
  if (direct.runs) return direct;
  const scripts = context.scripts;
  if (!scripts) return direct;
  const groups = scriptGroupsOf(command.words, Object.keys(scripts));
  if (!groups) return direct;
  const runs = groups.flatMap((g) => g.scripts.flatMap((s) => expandScriptRun(scripts, s, g.parallel)));
  let notFollowed = direct.notFollowed;
  const runsOne = someCommand(runs, (inner) => {
    if (prismaCommandsOfWords(inner.words).some((c) => c.write)) return true;
    const innerFile = scriptFileOf(inner, context.cwd);
    if (innerFile === undefined) return false;
    const found = isMutationScript(innerFile, context, chain);
    notFollowed ??= found.notFollowed;
    return found.runs;
  });
  if (runsOne) return { runs: true };
  const cut = notFollowedRuns(runs)[0];
  notFollowed ??= cut?.notFollowed === undefined ? undefined : `npm run ${describeChain(cut.notFollowed.chain)}`;
  return notFollowed === undefined ? NO : { runs: false, notFollowed };
}

/**
 * What one place of a non-JavaScript source does that `no-bypass-env` or `no-direct-prisma-cli` is about,
 * before the allowlist is applied to Prisma commands (`bypass.allow` is applied: a listed name is no use).
 * Offsets are UTF-16 offsets in the file. `contract-scan init` drafts the allowlist from these.
 */
export type SourceUse =
  | { kind: "bypassName"; name: string; pattern: string; start: number; end: number }
  | { kind: "ciSet"; name: string; value: string; start: number; end: number }
  | { kind: "prismaWrite"; command: string; args: string[]; allowKey: string; start: number; end: number }
  /**
   * A `CI=true` setting whose commands lead to a chain of scripts deeper than `MAX_SCRIPT_CHAIN_DEPTH`:
   * whether it counts (`ciSet`) is not known. `chain` describes the chain that was not followed.
   */
  | { kind: "notFollowed"; name: string; value: string; chain: string; start: number; end: number };

/** The message of a `notFollowed` use (a `parse-error` finding: that part of the chain was not read). */
export function notFollowedMessage(use: { name: string; value: string; chain: string }): string {
  return `${use.name}=${use.value} here runs a chain of scripts more than ${MAX_SCRIPT_CHAIN_DEPTH} deep (${use.chain}); the rest of it was not followed, so whether it reaches a Prisma CLI write or a mutation script was not checked. Shorten the chain of scripts.`;
}

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
  // The shell scripts followed from this file's commands, each read once.
  const followingContext: SourceContext = context.followed ? context : { ...context, followed: newFollowedScripts() };
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
        const verdicts = new Map<ShellCommand, Verdict>();
        const verdictOf = (command: ShellCommand): Verdict => {
          let verdict = verdicts.get(command);
          if (!verdict) {
            verdict = runsMutation(command, followingContext);
            verdicts.set(command, verdict);
          }
          return verdict;
        };
        const at = (set: ShellSet): { start: number; end: number } => ({ start: block.toFileOffset(set.offset), end: block.toFileOffset(set.offset + set.name.length) });
        const report = (set: ShellSet, verdict: Verdict): void => {
          if (verdict.runs) ciSet(set);
          else if (verdict.notFollowed !== undefined) uses.push({ kind: "notFollowed", name: set.name, value: contract.ciGuard.equals, chain: verdict.notFollowed, ...at(set) });
        };
        for (const command of commands) {
          for (const set of command.env) {
            if (isCiGuardName(set.name, contract) && set.value === contract.ciGuard.equals) report(set, verdictOf(command));
          }
        }
        // `export CI=true`: every later command. Each command is followed once, whatever the number of such lines.
        const exports = block.items.filter((set): set is ShellSet => set.kind === "set" && set.scope === "rest" && isCiGuardName(set.name, contract) && set.value === contract.ciGuard.equals);
        if (exports.length > 0) {
          let lastRuns = Number.NEGATIVE_INFINITY;
          let lastCut: { offset: number; verdict: Verdict } | undefined;
          for (const command of commands) {
            const verdict = verdictOf(command);
            if (verdict.runs) lastRuns = Math.max(lastRuns, command.offset);
            else if (verdict.notFollowed !== undefined && (lastCut === undefined || command.offset > lastCut.offset)) lastCut = { offset: command.offset, verdict };
          }
          for (const set of exports) {
            if (lastRuns > set.offset) ciSet(set);
            else if (lastCut !== undefined && lastCut.offset > set.offset) report(set, lastCut.verdict);
          }
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
 * its place's `mutationScripts` entry allows (docs/design.md, Allowlisting places that are not code).
 * @returns `findings`: of `no-bypass-env` (skipped in the tests zone, as the rule does) and
 *   `no-direct-prisma-cli`, positioned in the file (1-based line, UTF-16 column); `notFollowed`: the
 *   `CI=true` settings whose chain of scripts was not followed to the end (message and UTF-16 offset, for
 *   `parse-error` findings: that part was not read).
 */
export function sourceFindings(blocks: readonly SourceBlock[], context: SourceContext): { findings: Finding[]; notFollowed: { message: string; offset: number }[] } {
  const { contract } = context;
  const findings: Finding[] = [];
  const notFollowed: { message: string; offset: number }[] = [];
  const locate = lineLocator(context.text);
  const report = (ruleId: string, startOffset: number, endOffset: number, message: string): void => {
    const start = locate(startOffset);
    const end = locate(Math.max(startOffset, endOffset));
    findings.push({ ruleId, severity: "error", file: context.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, message });
  };
  for (const use of sourceUses(blocks, context)) {
    if (use.kind === "bypassName") report(NO_BYPASS_ENV_RULE, use.start, use.end, format(BYPASS_MESSAGES.bypassName, { name: use.name, pattern: use.pattern }));
    else if (use.kind === "ciSet") report(NO_BYPASS_ENV_RULE, use.start, use.end, format(BYPASS_MESSAGES.ciSet, { name: use.name, value: use.value }));
    else if (use.kind === "notFollowed") notFollowed.push({ message: notFollowedMessage(use), offset: use.start });
    else if (!(contract.mutationScripts[use.allowKey]?.operations ?? []).includes(use.command)) {
      const messageId = use.command.includes("<unknown>") ? "cliUnknown" : "cliWrite";
      report(NO_DIRECT_PRISMA_CLI_RULE, use.start, use.end, format(PRISMA_CLI_MESSAGES[messageId], { command: use.command }));
    }
  }
  return { findings, notFollowed };
}
