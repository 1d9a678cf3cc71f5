/**
 * Which `package.json` scripts a command runs, and in which order (docs/design.md, Rule groups `deploy-pipeline-order`,
 * "through `npm run` of a script that does"). One expansion of the npm-run chain, used by the
 * `CI=true` check of the non-JavaScript sources and by `deploy-pipeline-order`.
 *
 * A simple command runs package scripts when it is `npm run <s>` / `npm run-script <s>` (also `npm test`,
 * `npm start`, `npm stop`, `npm restart`), `pnpm [run] <s>`, `yarn [run] <s>`, `bun run <s>`, `run-s`,
 * `run-p` or `npm-run-all` (`-s`/`--serial`/`--sequential` groups run in order, `-p`/`--parallel` groups
 * do not; `build:*` globs are matched with `:` as the separator, as npm-run-all does). Leading `VAR=1`,
 * `env`, `cross-env`, `npx`/`pnpm exec` wrappers are skipped. A command for another package (`npm -w x`,
 * `--prefix`, `pnpm --filter`, `yarn workspace`) is not followed.
 *
 * Running a script `s` runs `pre<s>`, `s`, `post<s>` when they exist (npm semantics, applied to every
 * runner: the contract's pipeline is an npm script); a hook does not get hooks of its own.
 */
import picomatch from "picomatch";
import type { CommandWord } from "../analysis/prisma-cli.js";
import { parseShell, type ShellCommand, type ShellParse } from "../analysis/shell.js";
import { MAX_GLOB_LENGTH, MAX_SCRIPT_CHAIN_DEPTH } from "../limits.js";
import { cachedPer } from "../memo.js";

/** Scripts a command runs: groups in order; the scripts of a `parallel` group run at the same time. */
export interface ScriptGroup {
  scripts: string[];
  parallel: boolean;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const WRAPPERS = new Set(["env", "cross-env", "cross-env-shell", "time", "nohup", "exec", "command"]);
const NPM_SCRIPT_COMMANDS = new Set(["test", "t", "tst", "start", "stop", "restart"]);
const NPM_RUN = new Set(["run", "run-script", "rum", "urn"]);
/** pnpm / yarn / bun commands that are not package scripts (`pnpm install` is no script). */
const PM_BUILTINS = new Set([
  "add", "install", "i", "remove", "rm", "uninstall", "update", "up", "upgrade", "exec", "dlx", "x", "create", "init", "link", "unlink",
  "publish", "pack", "list", "ls", "why", "outdated", "audit", "config", "set", "cache", "store", "env", "info", "workspace", "workspaces",
  "import", "rebuild", "prune", "fetch", "patch", "deploy", "licenses", "root", "bin", "setup", "global", "node", "dedupe", "plugin", "version",
]);

function programName(text: string): string {
  return text.slice(Math.max(text.lastIndexOf("/"), text.lastIndexOf("\\")) + 1).replace(/\.(cmd|exe)$/i, "");
}

/** Index of the first word after leading assignments, env wrappers (with their options) and `npx`/`pnpm exec`. */
function programIndex(words: readonly CommandWord[]): number {
  let i = 0;
  while (i < words.length) {
    const w = words[i] as CommandWord;
    if (w.hole) return i;
    const name = programName(w.text);
    if (ASSIGNMENT.test(w.text) || (i > 0 && w.text.startsWith("-") && WRAPPERS.has(programName(words[i - 1]?.text ?? "")))) i += 1;
    else if (WRAPPERS.has(name) || name === "npx" || name === "pnpx") i += 1;
    else if ((name === "pnpm" || name === "yarn") && (words[i + 1]?.text === "exec" || words[i + 1]?.text === "dlx")) i += 2;
    else return i;
  }
  return i;
}

/**
 * Script names matching an npm-run-all pattern (`build:*`, `lint:**`) among `names`. A pattern that
 * picomatch cannot compile (too long, a regular expression too large) matches nothing: npm-run-all
 * could not run it either.
 */
function matchScripts(pattern: string, names: readonly string[]): string[] {
  if (!/[*?[\]{}!]/.test(pattern)) return [pattern];
  let test: (name: string) => boolean;
  try {
    test = picomatch(pattern.replaceAll(":", "/"), { maxLength: MAX_GLOB_LENGTH });
  } catch {
    return [];
  }
  return names.filter((n) => test(n.replaceAll(":", "/")));
}

/** `names` as a set, built once per array (a lookup per command instead of a scan of every name). */
const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function hasName(names: readonly string[], name: string): boolean {
  let set = nameSets.get(names);
  if (!set) {
    set = new Set(names);
    nameSets.set(names, set);
  }
  return set.has(name);
}

/**
 * The package scripts a simple command runs.
 * @param words the command's words (program first; leading `VAR=1` and wrappers allowed).
 * @param names the scripts of the package the command runs in (for `pnpm <s>` / `yarn <s>` shorthands and globs).
 * @returns the groups in order, or undefined when the command runs no package script of this package.
 */
export function scriptGroupsOf(words: readonly CommandWord[], names: readonly string[]): ScriptGroup[] | undefined {
  const start = programIndex(words);
  const program = words[start];
  if (!program || program.hole) return undefined;
  const name = programName(program.text);
  const rest = words.slice(start + 1);
  const firstPlain = (from: number): number => rest.findIndex((w, j) => j >= from && !w.text.startsWith("-"));
  const single = (script: CommandWord | undefined): ScriptGroup[] | undefined =>
    script && !script.hole ? [{ scripts: [script.text], parallel: false }] : undefined;
  const otherPackage = rest.some((w) => /^(-w|--workspace|--prefix|-C|--dir|--filter|-F|--cwd|-r|--recursive)(=|$)/.test(w.text) || w.text === "workspace");
  if (otherPackage) return undefined;
  if (name === "npm") {
    const sub = firstPlain(0);
    const subWord = rest[sub];
    if (!subWord || subWord.hole) return undefined;
    if (NPM_SCRIPT_COMMANDS.has(subWord.text)) return [{ scripts: [subWord.text === "t" || subWord.text === "tst" ? "test" : subWord.text], parallel: false }];
    if (!NPM_RUN.has(subWord.text)) return undefined;
    return single(rest[firstPlain(sub + 1)]);
  }
  if (name === "pnpm" || name === "yarn" || name === "bun") {
    const sub = firstPlain(0);
    const subWord = rest[sub];
    if (!subWord || subWord.hole) return undefined;
    if (subWord.text === "run" || subWord.text === "run-script") return single(rest[firstPlain(sub + 1)]);
    if (name === "bun" || PM_BUILTINS.has(subWord.text) || !hasName(names, subWord.text)) return undefined;
    return single(subWord);
  }
  if (name === "run-s" || name === "run-p" || name === "npm-run-all") {
    const groups: ScriptGroup[] = [];
    let parallel = name === "run-p";
    for (const w of rest) {
      if (w.hole) continue;
      if (w.text === "-s" || w.text === "--serial" || w.text === "--sequential") parallel = false;
      else if (w.text === "-p" || w.text === "--parallel") parallel = true;
      else if (w.text.startsWith("-")) continue;
      else {
        const last = groups.at(-1);
        const scripts = matchScripts(w.text, names);
        if (last && last.parallel === parallel && !w.text.startsWith("-")) last.scripts.push(...scripts);
        else groups.push({ scripts, parallel });
      }
    }
    return groups.length > 0 ? groups : undefined;
  }
  return undefined;
}

/** One script that runs, with what it runs in turn. */
export interface ScriptRun {
  /** The script's name. */
  name: string;
  /** "pre"/"post" when npm runs it as the hook of `of`. */
  hook?: { kind: "pre" | "post"; of: string };
  /** True when it runs in a parallel group (no order). */
  parallel: boolean;
  /** False when the package has no such script. */
  exists: boolean;
  /**
   * In order: the scripts and the other commands this script's own text runs (hooks around nested scripts
   * included). A script reached again within one expansion is the same object (the runs form a graph
   * whose size is linear in the number of scripts, not a tree), so walk it with a visited set.
   */
  steps: (ScriptRun | { command: ShellCommand })[];
  /**
   * Set when the script exists but was not expanded because the chain that reaches it is already
   * `MAX_SCRIPT_CHAIN_DEPTH` scripts deep: `chain` is that chain, from the script the expansion started
   * at to this one (its last element). `steps` is then empty.
   */
  notFollowed?: { chain: string[] };
}

/** Each script's text parsed once per `scripts` object, whatever number of expansions ask for it. */
const parsedScripts = new WeakMap<Readonly<Record<string, string>>, Map<string, ShellParse>>();

function parsedScript(scripts: Readonly<Record<string, string>>, name: string): ShellParse {
  return cachedPer(parsedScripts, scripts, name, () => parseShell(scripts[name] as string));
}

/** The state of one expansion: what was expanded (memo), the scripts on the current chain. */
interface Expansion {
  scripts: Readonly<Record<string, string>>;
  names: readonly string[];
  /** Expanded runs by hook kind, parallel flag and name. */
  memo: Map<string, ScriptRun>;
  /** The chain being expanded, outermost first (its names are the scripts that would loop). */
  chain: string[];
}

/**
 * Expands what running a package script does, hooks included, to the depth the scripts go (at most
 * `MAX_SCRIPT_CHAIN_DEPTH` scripts deep).
 * @param scripts the package's `scripts` (name -> command line).
 * @param name the script run (as by `npm run <name>`).
 * @param parallel true when the script runs in a parallel group (`run-p`): every run below is parallel.
 * @returns the runs in order: `pre<name>` (if present), `name`, `post<name>` (if present). Each script is
 *   expanded once per (hook, parallel) and shared where the chain reaches it again (work linear in the
 *   number of scripts); a script that (directly or through others) runs itself again is not expanded a
 *   second time; a script whose text does not parse has no steps; a script past the depth limit has
 *   `notFollowed` (`notFollowedRuns` lists them). Never throws.
 */
export function expandScriptRun(scripts: Readonly<Record<string, string>>, name: string, parallel = false): ScriptRun[] {
  return expand({ scripts, names: Object.keys(scripts), memo: new Map(), chain: [] }, name, parallel);
}

function expand(expansion: Expansion, name: string, parallel: boolean): ScriptRun[] {
  const hooked = (hookName: string, kind: "pre" | "post"): ScriptRun[] =>
    Object.hasOwn(expansion.scripts, hookName) ? [runOf(expansion, hookName, parallel, { kind, of: name })] : [];
  return [...hooked(`pre${name}`, "pre"), runOf(expansion, name, parallel), ...hooked(`post${name}`, "post")];
}

function runOf(expansion: Expansion, name: string, parallel: boolean, hook?: ScriptRun["hook"]): ScriptRun {
  const { scripts, memo, chain } = expansion;
  const key = `${hook?.kind ?? ""}:${parallel ? "p" : "s"}:${name}`;
  const known = memo.get(key);
  if (known) return known;
  const exists = Object.hasOwn(scripts, name) && typeof scripts[name] === "string";
  const run: ScriptRun = { name, parallel, exists, steps: [] };
  if (hook) run.hook = hook;
  if (!exists) {
    memo.set(key, run);
    return run;
  }
  // A script on the chain runs itself again: not expanded (npm would loop), not remembered.
  if (chain.includes(name)) return run;
  if (chain.length >= MAX_SCRIPT_CHAIN_DEPTH) {
    run.notFollowed = { chain: [...chain, name] };
    return run;
  }
  const parsed = parsedScript(scripts, name);
  if (!("error" in parsed)) {
    chain.push(name);
    for (const item of parsed.items) {
      if (item.kind !== "command") continue;
      const groups = scriptGroupsOf(item.words, expansion.names);
      if (!groups) {
        run.steps.push({ command: item });
        continue;
      }
      for (const group of groups) for (const script of group.scripts) run.steps.push(...expand(expansion, script, group.parallel || parallel));
    }
    chain.pop();
  }
  memo.set(key, run);
  return run;
}

/** Calls `visit` once for every run reachable from `runs` (each shared run once), depth first, in order. */
function eachRun(runs: readonly ScriptRun[], visit: (run: ScriptRun) => boolean | void): boolean {
  const seen = new Set<ScriptRun>();
  const stack = [...runs].reverse();
  while (stack.length > 0) {
    const run = stack.pop() as ScriptRun;
    if (seen.has(run)) continue;
    seen.add(run);
    if (visit(run) === true) return true;
    for (let i = run.steps.length - 1; i >= 0; i--) {
      const step = run.steps[i] as ScriptRun | { command: ShellCommand };
      if (!("command" in step)) stack.push(step);
    }
  }
  return false;
}

/** True when `predicate` holds for a command that running `runs` executes, at any depth (each script looked at once). */
export function someCommand(runs: readonly ScriptRun[], predicate: (command: ShellCommand) => boolean): boolean {
  return eachRun(runs, (run) => run.steps.some((step) => "command" in step && predicate(step.command)));
}

/** The runs below `runs` that were not followed (`ScriptRun.notFollowed`), each once, in the order they are reached. */
export function notFollowedRuns(runs: readonly ScriptRun[]): ScriptRun[] {
  const found: ScriptRun[] = [];
  eachRun(runs, (run) => {
    if (run.notFollowed) found.push(run);
  });
  return found;
}

/**
 * How a chain of scripts reads in a message: `"a" -> "b" -> ... -> "y" -> "z"`, its first two and last
 * two scripts when it is longer than five.
 */
export function describeChain(chain: readonly string[]): string {
  const quoted = chain.map((name) => JSON.stringify(name));
  return (quoted.length > 5 ? [...quoted.slice(0, 2), "...", ...quoted.slice(-2)] : quoted).join(" -> ");
}
