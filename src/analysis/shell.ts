/**
 * Shell text as the checks need it (docs/design.md, Rule groups `no-bypass-env`, `no-direct-prisma-cli`): the simple
 * commands it runs, the environment variables it sets and the ones it reads, each with its UTF-16 offset
 * in the parsed text. One reader for every non-JavaScript source that holds shell: shell scripts,
 * `package.json` scripts, workflow `run:` steps and Dockerfile `RUN` lines.
 *
 * Parsed with mvdan/sh (`mvdan-sh`, bash dialect: a superset of POSIX sh, so `#!/bin/sh` scripts parse
 * too), a real shell parser: `&&`, `||`, `;`, pipes, subshells, `$(...)`, functions, `if`/`for`/`case`
 * bodies, quotes, heredocs and comments are the parser's, not ours. Nothing is executed or expanded.
 *
 * What is extracted:
 * - `command`: every simple command with words (also inside `$(...)`, functions and control flow), its
 *   `VAR=1` prefix assignments, the `NAME=value` words after `env` / `cross-env` (which set the
 *   variable for that one command), and `docker|podman run|exec|create -e NAME=value` (the container's);
 * - `set`: `export X=1`, `declare -x X=1`, `readonly`/`local` assignments and an assignment alone on a
 *   line (`X=1`): they stay in effect for the rest of the text (`scope: "rest"`); prefix and `env`
 *   assignments are `scope: "command"`;
 * - `read`: every parameter expansion `$X`, `${X}`, `${X:-1}` outside single quotes.
 * A word that is not fully known statically (it contains an expansion or a substitution) has `hole: true`
 * and its unknown parts as COMMAND_HOLE characters.
 */
import type Sh from "mvdan-sh";
import { lazyRequire } from "../lazy-require.js";
import { MAX_SHELL_NESTING } from "../limits.js";

/**
 * Stands for a part of a word that is not known statically (an expansion, a substitution, a template
 * hole of JavaScript code): a private-use character that no real command contains.
 */
export const COMMAND_HOLE = "\uE000";

/** One word of a simple command. */
export interface ShellWord {
  /** The word's static text (quotes removed); unknown parts as COMMAND_HOLE. */
  text: string;
  hole: boolean;
  /** UTF-16 offset of the word's start in the parsed text. */
  offset: number;
}

/** An environment variable set by the text. */
export interface ShellSet {
  kind: "set";
  name: string;
  /** The assigned value's static text (COMMAND_HOLE for unknown parts); "" for `X=`; undefined for `export X`. */
  value: string | undefined;
  offset: number;
  /** "command": for one command only (`X=1 cmd`, `env X=1 cmd`); "rest": for every later command. */
  scope: "command" | "rest";
}

/** An environment variable read by the text (`$X`, `${X:-1}`). */
export interface ShellRead {
  kind: "read";
  name: string;
  offset: number;
}

/** A simple command. */
export interface ShellCommand {
  kind: "command";
  /** Offset of the command's start (its first assignment or word). */
  offset: number;
  /** The words (program first); assignments before the program are in `env`. */
  words: ShellWord[];
  /** Assignments for this command only: the `VAR=1` prefix and `env`/`cross-env` `NAME=value` words. */
  env: ShellSet[];
}

export type ShellItem = ShellCommand | ShellSet | ShellRead;

/** The result of reading shell text: items in source order, or the first syntax error. */
export type ShellParse = { items: ShellItem[] } | { error: { message: string; offset: number } };

// Minimal shapes of the mvdan/sh nodes read here (GopherJS objects; the field names are Go's).
interface ShPos {
  Offset(): number;
}
interface ShNode {
  Pos(): ShPos;
  End(): ShPos;
}
interface ShLit extends ShNode {
  Value: string;
}
interface ShWord extends ShNode {
  Parts: ShNode[];
}
interface ShAssign extends ShNode {
  Name: ShLit | null;
  Value: ShWord | null;
  Naked: boolean;
  Array: unknown;
}

interface ShSyntax {
  NewParser(): { Parse(text: string, name: string): ShNode };
  Walk(node: ShNode, visit: (node: ShNode | null) => boolean): void;
  NodeType(node: ShNode): string;
}
/** mvdan/sh's `syntax` package, loaded on first parse (the GopherJS bundle costs about 100 ms to load). */
const loadSh = lazyRequire<typeof Sh>("mvdan-sh");
const syntax = (): ShSyntax => (loadSh() as unknown as { syntax: ShSyntax }).syntax;

/**
 * How many levels of the syntax tree one `syntax.Walk` goes down before the rest is walked on its own
 * (`parseShell`): far below the depth at which Walk overflows the stack (about 700), deep enough that
 * ordinary scripts are walked in one go.
 */
const WALK_DEPTH = 64;

/** The parser `parseShell` reuses (made on its first call). */
let parser: { Parse(text: string, name: string): ShNode } | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT_WORD = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Maps UTF-8 byte offsets of `text` (what mvdan/sh reports) to UTF-16 offsets (what ESLint reports). */
function byteToUtf16(text: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7F]*$/.test(text)) return (byte) => byte;
  const starts: number[] = [];
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    starts.push(byte);
    if (code >= 0x10000) {
      starts.push(byte);
      i += 1;
    }
    byte += size;
  }
  starts.push(byte);
  return (target) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= target) low = mid;
      else high = mid - 1;
    }
    return low;
  };
}

/** The static text of a word part list: literals and quoted literals as written, anything else a hole. */
function partsText(parts: readonly ShNode[]): string {
  let text = "";
  for (const part of parts) {
    const type = syntax().NodeType(part);
    if (type === "Lit") text += (part as ShLit).Value.replace(/\\(.)/gs, "$1");
    else if (type === "SglQuoted") text += (part as ShLit).Value;
    else if (type === "DblQuoted") text += partsText((part as ShWord).Parts);
    else text += COMMAND_HOLE;
  }
  return text;
}

/** `env`, `cross-env` and friends: programs whose leading `NAME=value` words set the environment of the rest. */
const ENV_PROGRAMS = new Set(["env", "cross-env", "cross-env-shell"]);

/** The program name of a word (`/usr/bin/env` -> `env`). */
function programName(text: string): string {
  return text.slice(text.lastIndexOf("/") + 1);
}

/** `docker`/`podman` subcommands whose `-e`/`--env` options set the container's environment. */
const CONTAINER_RUNS = new Set(["run", "exec", "create"]);

/**
 * The variables `docker run -e NAME=value` (`--env NAME=value`, `--env=NAME=value`, `-e NAME`) sets for
 * the container: each a `set` for that command (`-e NAME` passes the caller's value on: value undefined).
 */
function containerEnv(words: readonly ShellWord[]): ShellSet[] {
  const program = words[0];
  if (!program || program.hole || !["docker", "podman"].includes(programName(program.text))) return [];
  if (!words.some((w) => !w.hole && CONTAINER_RUNS.has(w.text))) return [];
  const sets: ShellSet[] = [];
  for (let j = 1; j < words.length; j++) {
    const w = words[j] as ShellWord;
    let spec: string | undefined;
    let offset = w.offset;
    if (w.text === "-e" || w.text === "--env") {
      const next = words[j + 1];
      if (!next) break;
      spec = next.text;
      offset = next.offset;
      j += 1;
    } else if (w.text.startsWith("--env=")) {
      spec = w.text.slice("--env=".length);
      offset += "--env=".length;
    }
    if (spec === undefined) continue;
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(spec)?.[0];
    if (name === undefined || (spec.length > name.length && spec[name.length] !== "=")) continue;
    sets.push({ kind: "set", name, value: spec.length > name.length ? spec.slice(name.length + 1) : undefined, offset, scope: "command" });
  }
  return sets;
}

/**
 * Reads shell text.
 * @param text the shell text (a whole script, or one command line).
 * @returns the items in source order with UTF-16 offsets into `text`, or the first syntax error (its
 *   message and UTF-16 offset). Never throws.
 */
export function parseShell(text: string): ShellParse {
  // Before mvdan/sh sees it: its parser and walk recurse, and a stack overflow inside its Go runtime
  // leaves the runtime broken (later texts, even "", failed to parse or walked stale trees), so the
  // overflow must not happen. The catch below is the last line, not the limit.
  if (nestingEstimate(text) > MAX_SHELL_NESTING) return { error: { message: TOO_DEEP, offset: 0 } };
  try {
    return readShell(text);
  } catch (error) {
    // nestingEstimate errs high, and readShell walks at most WALK_DEPTH levels per Walk: this catch is the
    // last line, not the limit.
    if (isStackOverflow(error)) return { error: { message: TOO_DEEP, offset: 0 } };
    throw error;
  }
}

export { MAX_SHELL_NESTING };

/** The message of shell text nested deeper than MAX_SHELL_NESTING. */
const TOO_DEEP = `shell code nests too deeply to read (more than ${MAX_SHELL_NESTING} commands chained with &&, || or | in one statement, or ${MAX_SHELL_NESTING / 2} nested subshells, braces or $(...), or ${MAX_SHELL_NESTING} nested if, for or while); it was not checked: split it into shorter commands or a script file`;

/** A "Maximum call stack size exceeded" RangeError, as thrown by V8 or passed on by mvdan/sh's Go runtime. */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError || /Maximum call stack size exceeded/.test(String(error));
}

/** Keywords that open a compound command at a command's position, and those that close one. */
const OPENERS = new Set(["if", "while", "until", "for", "case", "select"]);
const CLOSERS = new Set(["fi", "done", "esac"]);
/** Keywords after which a command follows. */
const COMMAND_BEFORE = new Set(["then", "do", "else", "elif", "if", "while", "until", "time"]);

/**
 * An estimate of how deep mvdan/sh recurses on shell text, read lexically in one pass: the longest chain
 * of `&&`, `||` and `|` in one statement, plus twice the deepest nesting of `(`, `{`, `$(`, `${` and
 * backquotes (each such level costs the parser and the walk about twice a chain link: measured, 550
 * chained commands, 300 subshells and 240 `$(...)` were read at Node's default stack), plus the nesting of
 * `if`, `while`, `until`, `for`, `case` and `select`. A statement ends at a `;`, a lone `&` (not `>&`,
 * `&>`) or a line break that follows no operator. Single-quoted text and comments are skipped;
 * double-quoted text is read for its brackets only. Errs high: `&&` inside a double-quoted string count,
 * a here-document's lines are read as code.
 * @returns the estimate (0 for text without operators, brackets or compound commands).
 */
export function nestingEstimate(text: string): number {
  let brackets = 0;
  let compounds = 0;
  let deepest = 0;
  let chain = 0;
  let longest = 0;
  let inDouble = false;
  let inBackquote = false;
  // After an operator, a line break does not end the statement.
  let continued = false;
  // At the position of a command's first word (where `if` is a keyword, not an argument).
  let atCommand = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "\\") {
      i++;
      continue;
    }
    if (!inDouble && /[A-Za-z_!]/.test(c) && !/[\w$]/.test(text[i - 1] ?? "")) {
      const word = /^[A-Za-z_!][\w!]*/.exec(text.slice(i, i + 16))?.[0] ?? c;
      if (atCommand && OPENERS.has(word)) compounds++;
      else if (atCommand && CLOSERS.has(word)) compounds = Math.max(0, compounds - 1);
      atCommand = atCommand && (COMMAND_BEFORE.has(word) || word === "!");
      continued = false;
      deepest = Math.max(deepest, 2 * brackets + compounds);
      i += word.length - 1;
      continue;
    }
    if (c === "'" && !inDouble) {
      const end = text.indexOf("'", i + 1);
      i = end < 0 ? text.length : end;
      atCommand = false;
      continue;
    }
    if (c === "#" && !inDouble && (i === 0 || /\s/.test(text[i - 1] ?? ""))) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end - 1;
      continue;
    }
    if (c === '"') inDouble = !inDouble;
    else if (c === "(" || c === "{") brackets++;
    else if (c === ")" || c === "}") brackets = Math.max(0, brackets - 1);
    else if (c === "`") {
      inBackquote = !inBackquote;
      brackets = Math.max(0, brackets + (inBackquote ? 1 : -1));
    }
    else if (!inDouble && (c === "&" || c === "|") && (text[i + 1] === c || (c === "|" && text[i + 1] === "&"))) {
      longest = Math.max(longest, ++chain);
      continued = atCommand = true;
      i++;
      continue;
    } else if (!inDouble && c === "|") {
      longest = Math.max(longest, ++chain);
      continued = atCommand = true;
      continue;
    } else if (!inDouble && (c === ";" || (c === "&" && text[i - 1] !== ">" && text[i - 1] !== "<" && text[i + 1] !== ">") || (c === "\n" && !continued))) {
      chain = 0;
      atCommand = true;
    }
    if (!inDouble && (c === "(" || c === "{" || c === "`")) atCommand = true;
    deepest = Math.max(deepest, 2 * brackets + compounds);
    if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") continued = false;
  }
  return longest + deepest;
}

/** parseShell without the stack guard. */
function readShell(text: string): ShellParse {
  const toUtf16 = byteToUtf16(text);
  let file: ShNode;
  try {
    // One parser for every text (a Parser is reusable: Parse resets it), a third of the cost of a new one each time.
    parser ??= syntax().NewParser();
    file = parser.Parse(text, "");
  } catch (error) {
    // A parser that threw (a syntax error, or a JavaScript error inside it) is not trusted again.
    parser = undefined;
    const described = typeof (error as { Error?: unknown }).Error === "function" ? String((error as { Error(): string }).Error()) : String(error);
    // The parser recurses once per level of nesting (`((((...`): too deep a text overflows the stack.
    if (isStackOverflow(error)) return { error: { message: TOO_DEEP, offset: 0 } };
    const match = /^:?(\d+):(\d+): (.*)$/s.exec(described);
    if (!match) return { error: { message: described, offset: 0 } };
    const line = Number(match[1]);
    const column = Number(match[2]);
    // Line and byte column -> UTF-16 offset.
    let offset = 0;
    for (let l = 1; l < line; l++) offset = text.indexOf("\n", offset) + 1;
    const lineBytes = Buffer.from(text.slice(offset).split("\n")[0] ?? "");
    offset += lineBytes.subarray(0, column - 1).toString("utf8").length;
    return { error: { message: match[3] ?? described, offset } };
  }
  const at = (node: ShNode): number => toUtf16(node.Pos().Offset());
  const items: ShellItem[] = [];
  const assignmentOf = (assign: ShAssign, scope: ShellSet["scope"]): ShellSet | undefined => {
    if (!assign.Name || !NAME.test(assign.Name.Value)) return undefined;
    let value: string | undefined;
    if (assign.Naked) value = undefined;
    else if (assign.Array) value = COMMAND_HOLE;
    else value = assign.Value ? partsText(assign.Value.Parts) : "";
    return { kind: "set", name: assign.Name.Value, value, offset: at(assign), scope };
  };
  // mvdan/sh's Walk recurses once per level of the tree, and a chain `a && b && ...` is a tree as deep
  // as it is long: 700 levels overflow the stack (GopherJS frames are large). So each Walk goes at most
  // WALK_DEPTH levels down; a subtree below is put aside and walked afterwards by a Walk of its own, and
  // the items are put back in source order.
  const deferred: ShNode[] = [file];
  let depth = 0;
  let reordered = false;
  const visit = (node: ShNode | null): boolean => {
    if (!node) {
      depth -= 1;
      return true;
    }
    if (depth >= WALK_DEPTH) {
      deferred.push(node);
      reordered = true;
      return false;
    }
    depth += 1;
    const type = syntax().NodeType(node);
    if (type === "CallExpr") {
      const call = node as ShNode & { Assigns: ShAssign[]; Args: ShWord[] };
      const words: ShellWord[] = call.Args.map((w) => {
        const textOf = partsText(w.Parts);
        return { text: textOf, hole: textOf.includes(COMMAND_HOLE), offset: at(w) };
      });
      const assignments = call.Assigns.map((a) => assignmentOf(a, words.length > 0 ? "command" : "rest")).filter((a) => a !== undefined);
      if (words.length === 0) {
        items.push(...assignments);
        return true;
      }
      const env = [...assignments];
      // `env [-i] A=1 cmd`, `cross-env A=1 cmd`: the NAME=value words set A for cmd.
      for (let i = 0; i < words.length; i++) {
        const w = words[i] as ShellWord;
        if (w.hole || !ENV_PROGRAMS.has(programName(w.text))) continue;
        for (let j = i + 1; j < words.length; j++) {
          const arg = words[j] as ShellWord;
          const match = ASSIGNMENT_WORD.exec(arg.text);
          if (match?.[1]) env.push({ kind: "set", name: match[1], value: arg.text.slice(match[0].length), offset: arg.offset, scope: "command" });
          else if (!arg.text.startsWith("-")) break;
        }
        break;
      }
      env.push(...containerEnv(words));
      items.push({ kind: "command", offset: at(node), words, env });
      return true;
    }
    if (type === "DeclClause") {
      const decl = node as ShNode & { Args: ShAssign[] };
      for (const assign of decl.Args) {
        const set = assignmentOf(assign, "rest");
        if (set) items.push(set);
      }
      return true;
    }
    if (type === "ParamExp") {
      const param = (node as ShNode & { Param: ShLit | null }).Param;
      if (param && NAME.test(param.Value)) items.push({ kind: "read", name: param.Value, offset: at(node) });
      return true;
    }
    return true;
  };
  for (let next = deferred.pop(); next !== undefined; next = deferred.pop()) {
    depth = 0;
    syntax().Walk(next, visit);
  }
  // Stable: items at one offset keep the order one Walk gives them (a command before the reads in its words).
  if (reordered) items.sort((a, b) => a.offset - b.offset);
  return { items };
}
