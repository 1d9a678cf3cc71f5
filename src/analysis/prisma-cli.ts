/**
 * "Is this a Prisma CLI command, and does it write" (docs/design.md, Rule groups `no-direct-prisma-cli`,
 * `deploy-script-only-migrates`: one detector per concept). Used for code
 * (`getPrismaCliCall`) and for command lines in `package.json` scripts, shell scripts, Dockerfiles and
 * workflow `run:` steps (`parsePrismaCommands`).
 *
 * Shell structure comes from the project's one shell parser (src/analysis/shell.ts, mvdan/sh): quotes,
 * escapes, `&&`, `||`, `;`, pipes, subshells, newlines, line continuations, comments, `$(...)` and back
 * quotes (each a command of its own), redirections and heredocs. A command line that does not parse as
 * shell runs nothing and yields no commands.
 *
 * Runners (each may be preceded by `VAR=1` assignments, `env [-i] [-u X] VAR=1`, `cross-env`, `dotenv
 * [-e file] --` (or `dotenv-cli`, `dotenv-flow`), `exec`, `time`, `nohup`, `command`, and may be wrapped in `sh -c '...'` / `bash -c`):
 * `prisma`, `prisma@<version>`, `@prisma/cli`, any path ending in `node_modules/.bin/prisma`,
 * `node <...>/node_modules/prisma/build/index.js`, `npx [--yes|-y|--no-install|-p pkg|...]`,
 * `npx -c '<command>'`, `pnpm [--filter x|-C dir|-r|-w ...] (exec|dlx)?`, `pnpx`,
 * `yarn [--cwd dir] (workspace <name>)? (dlx|exec|run)?`, `bunx`, `bun (x|run)?`,
 * `npm (exec|x) [--yes|--package=...|-w ws] [--] prisma [--]`. `npm run` runs a package script, not a
 * binary, and is left to the script-graph checks.
 *
 * Commands (docs/design.md, Rule groups `no-direct-prisma-cli`): writes are `migrate deploy`, `migrate reset`,
 * `migrate resolve`, `db push`, `db execute`, `db seed`; everything else (`migrate dev`, `migrate status`,
 * `migrate diff`, `db pull`, `generate`, `studio`, `validate`, `format`, `init`, `version`, ...) is not.
 * Flags may stand anywhere (`prisma --schema x migrate deploy`); a command with `--help`/`-h` only prints
 * help and does not write. An unknown word (a template hole) where a command word belongs fails closed:
 * the command is written with `<unknown>` and counts as a write (`prisma migrate ${step}` may deploy).
 */
import { COMMAND_HOLE, parseShell } from "./shell.js";
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../ts-ast.js";
import { launcherKind } from "./child-process.js";
import { getCalleeName, getConstInitializer, getStringPieces, skipTypeWrappers } from "./ast.js";

type Scope = TSESLint.Scope.Scope;

/** One Prisma CLI invocation found in a command line or in code. */
export interface PrismaCommand {
  /**
   * The normalized command: `prisma` and its command words (`prisma migrate deploy`, `prisma generate`,
   * `prisma` alone for `prisma --version`); a word not known statically is `<unknown>`.
   */
  command: string;
  /** True when the command writes to a database (or may: an `<unknown>` command word). */
  write: boolean;
  /** The other words after `prisma` (flags and their values, extra arguments), in order; holes as `${…}`. */
  args: string[];
  /**
   * UTF-16 offset in the parsed command line where the simple command that runs Prisma starts (its first
   * word: an assignment, `env`, the runner or `prisma`). Best effort: absent when the word could not be
   * located in the text, and always absent for code (`getPrismaCliCall`).
   */
  offset?: number;
}

/** The Prisma CLI commands that write to a database (docs/design.md, Rule groups `no-direct-prisma-cli`). */
export const PRISMA_WRITE_COMMANDS: ReadonlySet<string> = new Set([
  "prisma migrate deploy",
  "prisma migrate reset",
  "prisma migrate resolve",
  "prisma db push",
  "prisma db execute",
  "prisma db seed",
]);

/**
 * Whether a Prisma CLI write drops data by design (Prisma CLI reference): `prisma migrate reset` drops
 * the database and re-applies every migration; `prisma db push --accept-data-loss` ignores the data-loss
 * warnings and `--force-reset` resets the database first. Plain `db push` stops before a change that
 * would lose data.
 * @param command a normalized command (`PrismaCommand.command`); `args` its other words.
 */
export function dropsData(command: string, args: readonly string[]): boolean {
  if (command === "prisma migrate reset") return true;
  return command === "prisma db push" && args.some((arg) => arg === "--accept-data-loss" || arg === "--force-reset");
}

/** Text that stands for a template hole inside a command line (src/analysis/shell.ts's COMMAND_HOLE). */
const HOLE = COMMAND_HOLE;
/** How a hole is shown in `args`. */
const HOLE_TEXT = "${…}";
const UNKNOWN_WORD = "<unknown>";

/** One word of a simple command. */
interface Word {
  text: string;
  /** Some of the word is not known statically (a template hole). */
  hole: boolean;
  /** UTF-16 offset of the word in the command line, when located. */
  offset: number | undefined;
}

function word(text: string, offset?: number): Word {
  return { text, hole: text.includes(HOLE), offset };
}

// ---------------------------------------------------------------------------------------------------
// Command lines

/**
 * Splits a command line into simple commands (lists of words, program first), with the offsets of the
 * shell parser (src/analysis/shell.ts, mvdan/sh): `&&`, `;`, pipes, newlines, comments, line
 * continuations, `$(...)` and redirections are the parser's. `VAR=1` prefixes are left out (the parser
 * keeps them apart from the words); the first word's offset is the command's start, prefixes included. A line the shell cannot parse runs nothing: no commands.
 */
function simpleCommands(line: string): Word[][] {
  const parsed = parseShell(line);
  if ("error" in parsed) return [];
  // A command's offset is its start, `VAR=1` prefixes included: the first word carries it.
  return parsed.items.flatMap((item) => (item.kind === "command" ? [item.words.map((w, i) => word(w.text, i === 0 ? item.offset : w.offset))] : []));
}

// ---------------------------------------------------------------------------------------------------
// Runners

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Options (of a runner) that take a value as the next word. */
const NPX_VALUE_FLAGS = new Set(["-p", "--package", "--cache", "--userconfig", "-w", "--workspace", "--prefix"]);
const PNPM_VALUE_FLAGS = new Set(["-C", "--dir", "--filter", "-F", "--filter-prod", "--workspace-dir", "--reporter", "--loglevel", "--package"]);
const YARN_VALUE_FLAGS = new Set(["--cwd", "-p", "--package"]);
const BUN_VALUE_FLAGS = new Set(["--cwd", "-p", "--package", "--filter", "-F"]);
const NODE_VALUE_FLAGS = new Set(["-r", "--require", "--loader", "--import", "--experimental-loader", "--env-file", "--conditions", "-C"]);
const ENV_VALUE_FLAGS = new Set(["-u", "--unset", "-C", "--chdir", "-S", "--split-string"]);
const DOTENV_VALUE_FLAGS = new Set(["-e", "-v", "-c"]);

/**
 * Skips a runner's options from `i`: `--x=y` and flags alone, and the next word after a flag in
 * `valueFlags`. A `--` ends the options (and is skipped). Returns the index of the first other word.
 */
function skipOptions(words: readonly Word[], i: number, valueFlags: ReadonlySet<string>): number {
  let j = i;
  while (j < words.length) {
    const w = words[j] as Word;
    if (w.hole || !w.text.startsWith("-")) return j;
    if (w.text === "--") return j + 1;
    j += valueFlags.has(w.text) ? 2 : 1;
  }
  return j;
}

/** The value of a runner option that carries a command line (`npx -c '<cmd>'`, `sh -c '<cmd>'`). */
function commandOption(words: readonly Word[], i: number, names: ReadonlySet<string>): Word | undefined {
  for (let j = i; j < words.length; j++) {
    const w = words[j] as Word;
    if (w.hole || !w.text.startsWith("-")) return undefined;
    if (names.has(w.text)) return words[j + 1];
    if (w.text.startsWith("--call=")) return word(w.text.slice("--call=".length));
  }
  return undefined;
}

/** Removes a `@version` suffix of a package name (`prisma@5.1.0` -> `prisma`, `@prisma/cli@2` -> `@prisma/cli`). */
function packageName(text: string): string {
  const at = text.indexOf("@", 1);
  return at > 0 ? text.slice(0, at) : text;
}

/** Removes a Windows program extension (`npx.cmd` -> `npx`). */
function withoutExtension(text: string): string {
  for (const extension of [".cmd", ".exe", ".bat"]) if (text.toLowerCase().endsWith(extension)) return text.slice(0, -extension.length);
  return text;
}

/** Prisma's CLI entry script (the `bin` of the `prisma` package), as a path suffix. */
const PRISMA_ENTRY = "node_modules/prisma/build/index.js";

/**
 * The known end of a word: all of it, or (a word that starts with an unknown part, such as
 * `${root}/node_modules/.bin/prisma` or a `path.join(root, "node_modules", ".bin", "prisma")`) the text
 * after its last hole when that text is a path. Undefined when nothing path-like is known.
 */
function knownPath(w: Word): string | undefined {
  const text = w.text.replaceAll("\\", "/");
  if (!w.hole) return text;
  const tail = text.slice(text.lastIndexOf(HOLE) + 1);
  return tail.startsWith("/") ? tail : undefined;
}

/** True when a path (or a path's known end) is the Prisma binary or its entry script. */
function isPrismaBinaryPath(text: string): boolean {
  const path = withoutExtension(text);
  return path === "node_modules/.bin/prisma" || path.endsWith("/node_modules/.bin/prisma") || path.endsWith(PRISMA_ENTRY);
}

/**
 * True when a program word runs the Prisma CLI: `prisma` (any version), `@prisma/cli`, or a path ending in
 * the Prisma binary (`node_modules/.bin/prisma`) or its entry script (`node_modules/prisma/build/index.js`,
 * executable by its shebang), also after an unknown folder (`${root}/node_modules/.bin/prisma`).
 */
function isPrismaProgram(w: Word): boolean {
  const text = knownPath(w);
  if (text === undefined) return false;
  if (!w.hole) {
    const name = packageName(withoutExtension(text));
    if (name === "prisma" || name === "@prisma/cli") return true;
  }
  return isPrismaBinaryPath(text);
}

/** True when a script path passed to `node` is Prisma's CLI entry (also after an unknown folder). */
function isPrismaEntry(w: Word): boolean {
  const text = knownPath(w);
  return text !== undefined && isPrismaBinaryPath(text);
}

const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ash"]);
const TRANSPARENT = new Set(["exec", "time", "nohup", "command", "sudo", "cross-env", "cross-env-shell"]);

/** The base name of a program path, without a Windows extension (`/usr/bin/env` -> `env`, `npx.cmd` -> `npx`). */
function baseName(text: string): string {
  const slash = Math.max(text.lastIndexOf("/"), text.lastIndexOf("\\"));
  return withoutExtension(slash >= 0 ? text.slice(slash + 1) : text);
}

/**
 * Where the command line of a POSIX shell run with `-c` is: `sh -c '<line>'`, `/bin/bash -lc`, `bash -e
 * -o pipefail -c`, `zsh -ec` (`-c` alone or in a cluster of short options; `-o x` takes a value).
 * @param words the words of one simple command.
 * @param program index of the shell's program word.
 * @returns the index of the word after `-c` (it may be past the end: `sh -c` with no line), or
 *   undefined when `words[program]` is not a shell (sh, bash, zsh, dash, ash, by base name) or is
 *   not run with `-c` (`sh script.sh`). Used for command lines and for Dockerfile exec forms.
 */
export function shellCommandLineIndex(words: readonly { text: string; hole: boolean }[], program = 0): number | undefined {
  const first = words[program];
  if (!first || first.hole || !SHELLS.has(baseName(first.text))) return undefined;
  for (let j = program + 1; j < words.length; j++) {
    const option = words[j] as { text: string; hole: boolean };
    if (option.hole || !(option.text.startsWith("-") || option.text.startsWith("+"))) return undefined;
    // `-o pipefail`: an option with a value.
    if (option.text === "-o" || option.text === "+o") {
      j += 1;
      continue;
    }
    // `-c`, `-lc`, `-ec`: the next word is the command line.
    if (!option.text.startsWith("--") && option.text.includes("c")) return j + 1;
  }
  return undefined;
}

/** Where a simple command's Prisma invocation starts: the index of the `prisma` word, or a nested line. */
type Located = { kind: "prisma"; index: number } | { kind: "nested"; line: Word } | undefined;

/**
 * Unwraps assignments, wrappers and runners down to the Prisma program word. A runner's program is
 * examined again, so wrappers nest (`npx dotenv -e .env -- prisma ...`, `pnpm exec cross-env A=1 prisma ...`).
 */
function locatePrisma(words: readonly Word[]): Located {
  let i = 0;
  for (let guard = 0; guard < 32 && i < words.length; guard++) {
    const w = words[i] as Word;
    if (!w.hole && ASSIGNMENT.test(w.text)) {
      i += 1;
      continue;
    }
    if (isPrismaProgram(w)) return { kind: "prisma", index: i };
    if (w.hole) return undefined;
    const program = baseName(w.text);
    if (TRANSPARENT.has(program)) {
      i = skipOptions(words, i + 1, new Set(["-u", "-g"]));
      continue;
    }
    if (program === "env") {
      i = skipOptions(words, i + 1, ENV_VALUE_FLAGS);
      continue;
    }
    if (program === "dotenv" || program === "dotenv-cli" || program === "dotenv-flow") {
      const dashes = words.findIndex((x, j) => j > i && !x.hole && x.text === "--");
      i = dashes > 0 ? dashes + 1 : skipOptions(words, i + 1, DOTENV_VALUE_FLAGS);
      continue;
    }
    if (SHELLS.has(program)) {
      const at = shellCommandLineIndex(words, i);
      const line = at === undefined ? undefined : words[at];
      return line ? { kind: "nested", line } : undefined;
    }
    if (program === "npx" || program === "pnpx" || program === "bunx") {
      const call = commandOption(words, i + 1, new Set(["-c", "--call"]));
      if (call) return { kind: "nested", line: call };
      i = skipOptions(words, i + 1, program === "bunx" ? BUN_VALUE_FLAGS : NPX_VALUE_FLAGS);
      continue;
    }
    if (program === "pnpm") {
      i = skipOptions(words, i + 1, PNPM_VALUE_FLAGS);
      const sub = words[i];
      if (sub && !sub.hole && (sub.text === "exec" || sub.text === "dlx")) {
        const call = commandOption(words, i + 1, new Set(["-c", "--shell-mode"]));
        if (call) return { kind: "nested", line: call };
        i = skipOptions(words, i + 1, PNPM_VALUE_FLAGS);
      }
      continue;
    }
    if (program === "yarn") {
      i = skipOptions(words, i + 1, YARN_VALUE_FLAGS);
      const sub = words[i];
      if (sub && !sub.hole && sub.text === "workspace") {
        // `yarn workspace <name> <command...>`: the rest is a yarn command in that workspace.
        i = skipOptions(words, i + 2, YARN_VALUE_FLAGS);
      }
      const next = words[i];
      if (next && !next.hole && (next.text === "dlx" || next.text === "exec" || next.text === "run")) i = skipOptions(words, i + 1, YARN_VALUE_FLAGS);
      continue;
    }
    if (program === "bun") {
      i = skipOptions(words, i + 1, BUN_VALUE_FLAGS);
      const sub = words[i];
      if (sub && !sub.hole && (sub.text === "x" || sub.text === "run")) i = skipOptions(words, i + 1, BUN_VALUE_FLAGS);
      continue;
    }
    if (program === "npm") {
      i = skipOptions(words, i + 1, NPX_VALUE_FLAGS);
      const sub = words[i];
      if (!sub || sub.hole || (sub.text !== "exec" && sub.text !== "x")) return undefined;
      const call = commandOption(words, i + 1, new Set(["-c", "--call"]));
      if (call) return { kind: "nested", line: call };
      i = skipOptions(words, i + 1, NPX_VALUE_FLAGS);
      continue;
    }
    if (program === "node" || program === "node.exe") {
      i = skipOptions(words, i + 1, NODE_VALUE_FLAGS);
      const script = words[i];
      return script && isPrismaEntry(script) ? { kind: "prisma", index: i } : undefined;
    }
    return undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Prisma's own arguments

/** Prisma CLI options that take a value as the next word (`--schema x`); `--schema=x` needs no entry. */
const PRISMA_VALUE_FLAGS = new Set([
  "--schema",
  "--config",
  "--name",
  "-n",
  "--url",
  "--file",
  "--applied",
  "--rolled-back",
  "--from-url",
  "--to-url",
  "--from-schema-datamodel",
  "--to-schema-datamodel",
  "--from-schema-datasource",
  "--to-schema-datasource",
  "--from-migrations",
  "--to-migrations",
  "--from-config-datasource",
  "--to-config-datasource",
  "--shadow-database-url",
  "--port",
  "-p",
  "--browser",
  "-b",
  "--hostname",
  "--generator",
  "--datasource-provider",
  "--output",
  "--telemetry-information",
]);

/** Commands with a second command word. */
const TWO_WORD_COMMANDS = new Set(["migrate", "db"]);

function display(w: Word): string {
  return w.text.replaceAll(HOLE, HOLE_TEXT);
}

/** Reads Prisma's arguments (the words after the `prisma` program word) into a command. */
function prismaCommand(args: readonly Word[], offset: number | undefined): PrismaCommand {
  const positionals: Word[] = [];
  const rest: string[] = [];
  let help = false;
  for (let j = 0; j < args.length; j++) {
    const w = args[j] as Word;
    if (!w.hole && w.text === "--") continue;
    if (w.text.startsWith("-")) {
      rest.push(display(w));
      if (w.text === "--help" || w.text === "-h") help = true;
      const value = args[j + 1];
      if (PRISMA_VALUE_FLAGS.has(w.text) && value) {
        rest.push(display(value));
        j += 1;
      }
      continue;
    }
    const first = positionals[0];
    const wanted = first === undefined ? 1 : !first.hole && TWO_WORD_COMMANDS.has(first.text) ? 2 : 1;
    if (positionals.length < wanted) positionals.push(w);
    else rest.push(display(w));
  }
  const command = ["prisma", ...positionals.map((w) => (w.hole ? UNKNOWN_WORD : w.text))].join(" ");
  const unknown = positionals.some((w) => w.hole);
  const write = !help && (PRISMA_WRITE_COMMANDS.has(command) || unknown);
  const result: PrismaCommand = { command, write, args: rest };
  if (offset !== undefined) result.offset = offset;
  return result;
}

/** The Prisma commands of one simple command (nested `sh -c` / `npx -c` lines included). */
function commandsOf(words: readonly Word[], depth: number): PrismaCommand[] {
  const located = locatePrisma(words);
  if (!located) return [];
  const offset = words[0]?.offset;
  if (located.kind === "nested") {
    if (depth > 4 || located.line.hole) return [];
    // Offsets inside a quoted nested line are not the outer line's: report the outer command's start.
    return parseLine(located.line.text, depth + 1).map((c) => {
      const copy: PrismaCommand = { command: c.command, write: c.write, args: c.args };
      if (offset !== undefined) copy.offset = offset;
      return copy;
    });
  }
  return [prismaCommand(words.slice(located.index + 1), offset)];
}

function parseLine(commandLine: string, depth: number): PrismaCommand[] {
  return simpleCommands(commandLine).flatMap((words) => commandsOf(words, depth));
}

/** One word of a simple command that the shell parser already split (src/analysis/shell.ts). */
export interface CommandWord {
  /** The word without quotes; unknown parts as COMMAND_HOLE. */
  text: string;
  hole: boolean;
  /** Offset of the word in its text, when known. */
  offset?: number | undefined;
}

/**
 * The Prisma CLI commands of one simple command that a shell parser already split into words (the
 * program first; `VAR=1` prefixes may be left out): the same runners, wrappers and commands as
 * `parsePrismaCommands`. `offset` is the first word's.
 * @returns the Prisma invocations of the command (several only through `sh -c '...'`); `[]` when none.
 */
export function prismaCommandsOfWords(words: readonly CommandWord[]): PrismaCommand[] {
  try {
    return commandsOf(
      words.map((w) => ({ text: w.text, hole: w.hole, offset: w.offset })),
      0,
    );
  } catch {
    return [];
  }
}

/**
 * The Prisma CLI commands in a shell command line (a `package.json` script, a shell script, a Dockerfile
 * `RUN`, a workflow `run:` step). Shell structure is read with the shell parser (see the module header for
 * operators, runners and wrappers).
 * @param commandLine the command line; may hold several lines (each unquoted newline ends a command).
 * @returns every Prisma invocation in order, writes and read-only ones (`write` says which); `[]` when
 *   there is none (also when the text is not valid shell). Never throws.
 */
export function parsePrismaCommands(commandLine: string): PrismaCommand[] {
  try {
    return parseLine(commandLine, 0);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------
// Code: exec, spawn, execa, zx

/** Template tags that run their template as a command (zx and execa `$`, execa's `execa\`...\``). */
const COMMAND_TAGS = new Set(["$", "execa", "execaSync", "execaCommand", "execaCommandSync"]);

/** The static text of a string expression with holes as HOLE characters, or undefined with no static text. */
function textWithHoles(node: TSESTree.Node, scope: Scope): string | undefined {
  return getStringPieces(node, scope, "")?.parts.join(HOLE);
}

/** An array expression, directly or through a `const` of the same file. */
function arrayOf(node: TSESTree.Node | undefined, scope: Scope): TSESTree.ArrayExpression | undefined {
  if (!node) return undefined;
  const n = skipTypeWrappers(node);
  if (n.type === AST_NODE_TYPES.ArrayExpression) return n;
  if (n.type === AST_NODE_TYPES.Identifier) {
    const init = getConstInitializer(n, scope);
    const value = init ? skipTypeWrappers(init) : undefined;
    return value?.type === AST_NODE_TYPES.ArrayExpression ? value : undefined;
  }
  return undefined;
}

/**
 * The words of an argv array: static strings; a value that is not static is its Prisma binary path when
 * it resolves to one (`[require.resolve("prisma/build/index.js"), "migrate", "deploy"]`, see
 * `resolvedPaths`); anything else (a spread, a variable) one unknown word.
 */
function argvWords(array: TSESTree.ArrayExpression, scope: Scope): Word[] {
  return array.elements.map((element) => {
    if (!element || element.type === AST_NODE_TYPES.SpreadElement) return word(HOLE);
    const text = textWithHoles(element, scope);
    if (text !== undefined) return word(text);
    const binary = resolvedPaths(element, scope).find((value) => isPrismaBinaryPath(knownPath(word(value)) ?? ""));
    return word(binary ?? HOLE);
  });
}

/** Module paths that resolve to a package's file: `require.resolve(x)`, `import.meta.resolve(x)`, `createRequire(...).resolve(x)`. */
function isModuleResolveCall(callee: TSESTree.Node, scope: Scope): boolean {
  const node = skipTypeWrappers(callee);
  if (node.type !== AST_NODE_TYPES.MemberExpression || node.computed || node.property.type !== AST_NODE_TYPES.Identifier || node.property.name !== "resolve") return false;
  const object = skipTypeWrappers(node.object);
  if (object.type === AST_NODE_TYPES.MetaProperty) return true;
  if (object.type !== AST_NODE_TYPES.Identifier) return false;
  if (object.name === "require") return true;
  const init = getConstInitializer(object, scope);
  return init !== undefined && skipTypeWrappers(init).type === AST_NODE_TYPES.CallExpression && getCalleeName((skipTypeWrappers(init) as TSESTree.CallExpression).callee) === "createRequire";
}

/** `path.join(...)`, `path.resolve(...)` (also `path.posix.*`, and `join`/`resolve` bound to `node:path`'s). */
function isPathJoinCall(callee: TSESTree.Node, scope: Scope): boolean {
  const node = skipTypeWrappers(callee);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const name = getCalleeName(node);
    const object = skipTypeWrappers(node.object);
    const objectName = object.type === AST_NODE_TYPES.Identifier ? object.name : object.type === AST_NODE_TYPES.MemberExpression ? getCalleeName(object) : undefined;
    return (name === "join" || name === "resolve") && (objectName === "path" || objectName === "posix" || objectName === "win32");
  }
  if (node.type !== AST_NODE_TYPES.Identifier || (node.name !== "join" && node.name !== "resolve")) return false;
  const def = ASTUtils.findVariable(scope, node)?.defs[0];
  if (def?.type !== "ImportBinding") return false;
  const source = (def.parent as TSESTree.ImportDeclaration | undefined)?.source.value;
  return source === "path" || source === "node:path";
}

/** The function a callee names in the same file (a declaration, or a `const` bound to a function), if any. */
function localFunction(callee: TSESTree.Node, scope: Scope): TSESTree.FunctionLike | undefined {
  const node = skipTypeWrappers(callee);
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(scope, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type === "FunctionName") return def.node as TSESTree.FunctionDeclaration;
  if (def?.type === "Variable" && def.parent?.kind === "const" && def.node.init) {
    const init = skipTypeWrappers(def.node.init);
    if (init.type === AST_NODE_TYPES.ArrowFunctionExpression || init.type === AST_NODE_TYPES.FunctionExpression) return init;
  }
  return undefined;
}

/** The values a function returns: its `return` arguments (not those of nested functions), or an arrow's expression body. */
function returnedValues(fn: TSESTree.FunctionLike): TSESTree.Node[] {
  if (!fn.body) return [];
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return [fn.body];
  const out: TSESTree.Node[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== "object" || depth > 200) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const n = node as TSESTree.Node;
    if (n.type === AST_NODE_TYPES.FunctionDeclaration || n.type === AST_NODE_TYPES.FunctionExpression || n.type === AST_NODE_TYPES.ArrowFunctionExpression || n.type === AST_NODE_TYPES.ClassBody) return;
    if (n.type === AST_NODE_TYPES.ReturnStatement) {
      if (n.argument) out.push(n.argument);
      return;
    }
    for (const [key, value] of Object.entries(n)) if (key !== "parent" && key !== "range" && key !== "loc" && value && typeof value === "object") visit(value, depth + 1);
  };
  visit(fn.body.body, 0);
  return out;
}

/**
 * The path values an expression may have, as texts with unknown parts as holes, read statically in its
 * file (issue 13 item 4: `execFile(prismaBin, ["migrate", "deploy"])`): a string expression's text; both
 * branches of `?:`, `||`, `??`; through `await`; a variable's initializer and assigned values; the values
 * a same-file function returns when it is called (`const prismaBin = await resolvePrismaBin()`);
 * `path.join` / `path.resolve` of such values joined with `/`; `require.resolve("prisma/build/index.js")`
 * (and `import.meta.resolve`, `createRequire(...).resolve`) as `node_modules/<specifier>`, `prisma` alone
 * as its entry script; `process.execPath` as `node`. Depth-limited; [] when nothing is known.
 */
function resolvedPaths(input: TSESTree.Node, scope: Scope, depth = 0, seen = new Set<TSESTree.Node>()): string[] {
  const node = skipTypeWrappers(input);
  if (depth > 6 || seen.has(node)) return [];
  seen.add(node);
  const text = textWithHoles(node, scope);
  if (text !== undefined) return [text];
  switch (node.type) {
    case AST_NODE_TYPES.AwaitExpression:
      return resolvedPaths(node.argument, scope, depth + 1, seen);
    case AST_NODE_TYPES.ConditionalExpression:
      return [...resolvedPaths(node.consequent, scope, depth + 1, seen), ...resolvedPaths(node.alternate, scope, depth + 1, seen)];
    case AST_NODE_TYPES.LogicalExpression:
      return [...resolvedPaths(node.left, scope, depth + 1, seen), ...resolvedPaths(node.right, scope, depth + 1, seen)];
    case AST_NODE_TYPES.MemberExpression: {
      const object = skipTypeWrappers(node.object);
      return object.type === AST_NODE_TYPES.Identifier && object.name === "process" && getCalleeName(node) === "execPath" ? ["node"] : [];
    }
    case AST_NODE_TYPES.Identifier: {
      const variable = ASTUtils.findVariable(scope, node);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (!variable || def?.type !== "Variable" || def.node.id.type !== AST_NODE_TYPES.Identifier) return [];
      const values: TSESTree.Node[] = def.node.init ? [def.node.init] : [];
      for (const reference of variable.references) {
        const parent = reference.identifier.parent;
        if (reference.isWrite() && !reference.init && parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.operator === "=" && parent.left === reference.identifier) values.push(parent.right);
      }
      return values.flatMap((value) => resolvedPaths(value, variable.scope, depth + 1, seen));
    }
    case AST_NODE_TYPES.CallExpression: {
      const first = node.arguments[0];
      if (isModuleResolveCall(node.callee, scope)) {
        const specifier = first && first.type !== AST_NODE_TYPES.SpreadElement ? textWithHoles(first, scope) : undefined;
        if (specifier === undefined || specifier.includes(HOLE)) return [];
        return [specifier === "prisma" ? PRISMA_ENTRY : `node_modules/${specifier}`];
      }
      if (isPathJoinCall(node.callee, scope)) {
        const parts = node.arguments.map((argument) => (argument.type === AST_NODE_TYPES.SpreadElement ? HOLE : (resolvedPaths(argument, scope, depth + 1, seen)[0] ?? HOLE)));
        return parts.length === 0 ? [] : [parts.join("/").replace(/\/{2,}/g, "/")];
      }
      const fn = localFunction(node.callee, scope);
      if (!fn) return [];
      const fnScope = scopeOfFunction(fn, scope);
      return returnedValues(fn).flatMap((value) => resolvedPaths(value, fnScope, depth + 1, seen));
    }
    default:
      return [];
  }
}

/**
 * The scope of a function's body, found from a scope that sees it (ESLint's scope manager is reached
 * through `scope.childScopes`); `fallback` when it is not found (names then resolve from the call's scope).
 */
function scopeOfFunction(fn: TSESTree.FunctionLike, fallback: Scope): Scope {
  let root: Scope = fallback;
  while (root.upper) root = root.upper;
  const stack: Scope[] = [root];
  while (stack.length > 0) {
    const scope = stack.pop() as Scope;
    if (scope.block === fn) return scope;
    stack.push(...scope.childScopes);
  }
  return fallback;
}

/**
 * The static alternatives of an expression: both branches of `isWindows ? "npx.cmd" : "npx"` (also
 * through a `const` of the same file), else the expression itself.
 */
function alternatives(node: TSESTree.Node, scope: Scope, depth = 0): TSESTree.Node[] {
  const n = skipTypeWrappers(node);
  if (depth > 4) return [n];
  if (n.type === AST_NODE_TYPES.ConditionalExpression) return [...alternatives(n.consequent, scope, depth + 1), ...alternatives(n.alternate, scope, depth + 1)];
  if (n.type === AST_NODE_TYPES.Identifier) {
    const init = getConstInitializer(n, scope);
    if (init && skipTypeWrappers(init).type === AST_NODE_TYPES.ConditionalExpression) return alternatives(init, scope, depth + 1);
  }
  return [n];
}

/** The commands of the first alternative that runs Prisma. */
function firstCommands(node: TSESTree.Node, scope: Scope, read: (alternative: TSESTree.Node) => PrismaCommand[]): PrismaCommand[] {
  for (const alternative of alternatives(node, scope)) {
    const commands = read(alternative);
    if (commands.length > 0) return commands;
  }
  return [];
}

/** Commands of a command-line argument (`execSync(line)`). */
function lineCommands(line: TSESTree.Node, scope: Scope): PrismaCommand[] {
  return firstCommands(line, scope, (alternative) => {
    const text = textWithHoles(alternative, scope);
    return text === undefined ? [] : parsePrismaCommands(text);
  });
}

/** Commands of a program + argv call (`spawn(program, args)`, `Bun.spawn([program, ...args])`). */
function fileCallCommands(program: TSESTree.Node, argv: TSESTree.Node | undefined, scope: Scope): PrismaCommand[] {
  return firstCommands(program, scope, (alternative) => fileCallCommandsOf(alternative, argv, scope));
}

/** The `cmd` array of `Bun.spawn({ cmd: [...] })`. */
function cmdOption(node: TSESTree.Node, scope: Scope): TSESTree.ArrayExpression | undefined {
  if (node.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  for (const property of node.properties) {
    if (property.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === "cmd") {
      return arrayOf(property.value, scope);
    }
  }
  return undefined;
}

function fileCallCommandsOf(program: TSESTree.Node, argv: TSESTree.Node | undefined, scope: Scope): PrismaCommand[] {
  const programArray = arrayOf(program, scope) ?? cmdOption(program, scope);
  if (programArray) return commandsOf(argvWords(programArray, scope), 0);
  const programText = textWithHoles(program, scope);
  if (programText === undefined) return resolvedProgramCommands(program, argv, scope);
  const array = arrayOf(argv, scope);
  // An argument list that is there but not a literal array is unknown words (`spawn("prisma", args)`).
  const argvNode = argv ? skipTypeWrappers(argv) : undefined;
  const unknownArgs = argvNode !== undefined && !array && argvNode.type !== AST_NODE_TYPES.ObjectExpression;
  const args = array ? argvWords(array, scope) : unknownArgs ? [word(HOLE)] : [];
  if (/\s/.test(programText.trim())) {
    // `spawn("npx prisma migrate deploy", { shell: true })`: the program is a command line, and the
    // arguments are appended to it (as Node does with `shell: true`).
    const lines = simpleCommands(programText);
    const last = lines.pop();
    if (last === undefined) return [];
    // The arguments are words of the last command (offsets: the line's words only).
    return [...lines, [...last, ...args.map((a) => word(a.text))]].flatMap((words) => commandsOf(words, 0));
  }
  return commandsOf([word(programText), ...args], 0);
}

/**
 * A program that is no string expression but resolves to the Prisma binary, or to `node` running its entry
 * script (`resolvedPaths`): `execFile(prismaBin, ["migrate", "deploy"])` with `prismaBin` from a same-file
 * function or constant, `execFile(process.execPath, [require.resolve("prisma/build/index.js"), ...])`.
 */
function resolvedProgramCommands(program: TSESTree.Node, argv: TSESTree.Node | undefined, scope: Scope): PrismaCommand[] {
  const array = arrayOf(argv, scope);
  const argvNode = argv ? skipTypeWrappers(argv) : undefined;
  const unknownArgs = argvNode !== undefined && !array && argvNode.type !== AST_NODE_TYPES.ObjectExpression;
  const args = array ? argvWords(array, scope) : unknownArgs ? [word(HOLE)] : [];
  for (const value of resolvedPaths(program, scope)) {
    const commands = value === "node" || isPrismaProgram(word(value)) ? commandsOf([word(value), ...args], 0) : [];
    if (commands.length > 0) return commands;
  }
  return [];
}

/** Strips command-line offsets (they would be offsets in a text with hole markers, not in the source). */
function withoutOffsets(commands: PrismaCommand[]): PrismaCommand[] {
  return commands.map((c) => ({ command: c.command, write: c.write, args: c.args }));
}

/** The callee name of a template tag: `$`, `execa`, `$.sync` (-> `$`), `$({ cwd })` (-> `$`). */
function tagName(tag: TSESTree.Node): string | undefined {
  let node = skipTypeWrappers(tag);
  if (node.type === AST_NODE_TYPES.CallExpression) node = skipTypeWrappers(node.callee);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const object = skipTypeWrappers(node.object);
    if (object.type === AST_NODE_TYPES.Identifier && object.name === "$") return "$";
  }
  return getCalleeName(node);
}

/** How a function runs a command: from a command line, or from a program and an argv array. */
type RunnerKind = "line" | "file";

/** The runner kind of a callee (`launcherKind`, the shared detector), when it runs a command. */
function runnerKind(callee: TSESTree.Node, scope: Scope): RunnerKind | undefined {
  const kind = launcherKind(callee, scope);
  return kind === "line" || kind === "file" ? kind : undefined;
}

/** Which parameters of a local wrapper function reach a runner: its command line, or its program and argv. */
interface Wrapper {
  kind: RunnerKind;
  /** Parameter index of the command line (kind "line") or the program (kind "file"). */
  command: number;
  /** Parameter index of the argv array (kind "file"), if one is passed through. */
  argv: number | undefined;
}

const wrappers = new WeakMap<TSESTree.Node, Wrapper | null>();

/** Calls in a function body (nested functions included), without parent pointers. */
function callsInside(node: unknown, found: TSESTree.CallExpression[], depth = 0): void {
  if (node === null || typeof node !== "object" || depth > 200) return;
  if (Array.isArray(node)) {
    for (const item of node) callsInside(item, found, depth + 1);
    return;
  }
  const n = node as TSESTree.Node;
  if (n.type === AST_NODE_TYPES.CallExpression) found.push(n);
  for (const [key, value] of Object.entries(n)) {
    if (key !== "parent" && key !== "range" && key !== "loc" && value && typeof value === "object") callsInside(value, found, depth + 1);
  }
}

/**
 * A function of the same file that hands one of its parameters to a runner (`function run(cmd) {
 * execSync(cmd, { stdio: "inherit" }) }`, `const sh = (bin, args) => spawnSync(bin, args)`), one level deep.
 */
function wrapperOf(callee: TSESTree.Node, scope: Scope): Wrapper | undefined {
  const node = skipTypeWrappers(callee);
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(scope, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!variable || !def) return undefined;
  let fn: TSESTree.Node | undefined;
  if (def.type === "FunctionName") fn = def.node;
  else if (def.type === "Variable" && def.parent?.kind === "const" && def.node.init) fn = skipTypeWrappers(def.node.init);
  if (
    !fn ||
    (fn.type !== AST_NODE_TYPES.FunctionDeclaration && fn.type !== AST_NODE_TYPES.FunctionExpression && fn.type !== AST_NODE_TYPES.ArrowFunctionExpression)
  ) {
    return undefined;
  }
  const cached = wrappers.get(fn);
  if (cached !== undefined) return cached ?? undefined;
  const params = fn.params.map((p) => {
    const id = p.type === AST_NODE_TYPES.AssignmentPattern ? p.left : p;
    return id.type === AST_NODE_TYPES.Identifier ? id.name : undefined;
  });
  const paramIndex = (argument: TSESTree.Node | undefined): number => {
    const a = argument ? skipTypeWrappers(argument) : undefined;
    return a?.type === AST_NODE_TYPES.Identifier ? params.indexOf(a.name) : -1;
  };
  const calls: TSESTree.CallExpression[] = [];
  callsInside(fn.body, calls);
  let found: Wrapper | undefined;
  for (const call of calls) {
    const kind = runnerKind(call.callee, variable.scope);
    const command = kind ? paramIndex(call.arguments[0]) : -1;
    if (!kind || command < 0) continue;
    const argv = kind === "file" ? paramIndex(call.arguments[1]) : -1;
    found = { kind, command, argv: argv < 0 ? undefined : argv };
    break;
  }
  wrappers.set(fn, found ?? null);
  return found;
}

/** A Prisma CLI call found in code. */
export interface PrismaCliCall {
  /** The Prisma commands the call runs, in order (writes and read-only ones). Never empty. */
  commands: PrismaCommand[];
  /** The call or tagged template (where a finding is reported). */
  node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression;
}

/** The argument at `index` unless it is a spread (then nothing is known from there on). */
function argumentAt(node: TSESTree.CallExpression, index: number | undefined): TSESTree.Node | undefined {
  if (index === undefined) return undefined;
  const args = node.arguments.slice(0, index + 1);
  if (args.some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return undefined;
  return node.arguments[index];
}

/**
 * "Is this a Prisma CLI call" for code: `exec`/`execSync`/`execaCommand` with a command line,
 * `execFile`/`execFileSync`/`spawn`/`spawnSync`/`execa` with a program and an argv array (or a single
 * command line, as with `shell: true`), `Bun.spawn([...])` / `Bun.spawn({ cmd: [...] })`, the template tags `$` (zx, execa, Bun),
 * `$.sync`, `$({...})`, `execa`; `promisify(exec)` bindings; and calls of a function of the same file
 * that passes its parameter to one of those (`function run(cmd) { execSync(cmd) }`, one level deep).
 * Names are matched on the callee (`cp.execSync`, `child_process.spawn` too), not on the import.
 * Strings are read statically (literals, templates, concatenations, `const`s of the same file, both
 * branches of `isWindows ? "npx.cmd" : "npx"`); a template hole, a spread or a non-literal argv is an
 * unknown word.
 * @param node a call or tagged template.
 * @param scope the scope the node is in, for `const` strings, arrays and wrapper functions.
 * @returns the call and its Prisma commands, or undefined when it runs no Prisma command. Never throws.
 */
export function getPrismaCliCall(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression, scope: Scope): PrismaCliCall | undefined {
  let commands: PrismaCommand[] = [];
  if (node.type === AST_NODE_TYPES.TaggedTemplateExpression) {
    const name = tagName(node.tag);
    if (name === undefined || !COMMAND_TAGS.has(name)) return undefined;
    const text = textWithHoles(node.quasi, scope);
    if (text !== undefined) commands = parsePrismaCommands(text);
  } else {
    const callee = skipTypeWrappers(node.callee);
    // `/re/.exec(text)` is a regular expression, not a process.
    if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Literal) return undefined;
    const kind = runnerKind(callee, scope);
    const wrapper = kind ? { kind, command: 0, argv: 1 } : wrapperOf(callee, scope);
    const command = wrapper ? argumentAt(node, wrapper.command) : undefined;
    if (!wrapper || !command) return undefined;
    if (wrapper.kind === "line") commands = lineCommands(command, scope);
    else commands = fileCallCommands(command, argumentAt(node, wrapper.argv), scope);
  }
  return commands.length > 0 ? { commands: withoutOffsets(commands), node } : undefined;
}
