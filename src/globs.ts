/**
 * Whether a glob from the contract (or from a scanned repository) is safe to compile and to walk: the
 * work a glob causes must not grow without bound with what the glob holds. picomatch compiles a glob to
 * one regular expression (braces become alternations, nothing is expanded), but globby (fast-glob)
 * expands braces first and walks the tree once per expanded pattern: `{1..100000}` makes `braces` throw
 * past its `rangeLimit`, and `{a,b}` written 30 times is 2^30 patterns. So a glob is refused when it
 * - is longer than `MAX_GLOB_LENGTH`,
 * - holds a control character (a NUL byte crashes the file system calls of a walk; no path holds one),
 * - expands to more than `MAX_GLOB_EXPANSIONS` patterns (counted on `braces`' own parse, never expanded
 *   past that), or to a pattern with a segment longer than any file name (255 characters: the walk looks
 *   it up as a name and fails with ENAMETOOLONG; `{{{...a}}}` nested 500 deep is one such name),
 * - holds more than `MAX_SEGMENT_WILDCARDS` wildcards in one path segment (matching such a segment
 *   against a long file name backtracks for seconds: `*a*a*a*a*a*a*a*a*a*ab` took 20 s on 50 characters),
 * - or picomatch cannot compile it (its own `maxLength`, or a regular expression too large).
 */
import picomatch from "picomatch";
import { lazyRequire } from "./lazy-require.js";
import { MAX_GLOB_EXPANSIONS, MAX_GLOB_LENGTH, MAX_SEGMENT_WILDCARDS } from "./limits.js";

/** The part of braces (the brace parser under globby) used here: its parse (its types do not declare it). */
interface BracesModule {
  parse(pattern: string): BraceNode;
  expand(pattern: string): string[];
}

/** NAME_MAX of Linux and macOS file systems: no file name is longer (bytes; UTF-16 units here, a lower bound). */
const MAX_NAME_LENGTH = 255;

/** braces, loaded when the first glob with a brace is checked. */
const braces = lazyRequire<BracesModule>("braces");

/** A node of braces' parse tree. */
interface BraceNode {
  type: string;
  value?: string;
  commas?: number;
  ranges?: number;
  nodes?: BraceNode[];
}

/** How many patterns a sequence of brace-parse nodes expands to (a product), capped at `cap`. */
function sequenceCount(nodes: readonly BraceNode[], cap: number): number {
  let count = 1;
  for (const node of nodes) {
    count *= node.type === "brace" ? braceCount(node, cap) : 1;
    if (count > cap) return count;
  }
  return count;
}

/** The number of values of a range `{a..b}` / `{a..b..step}` (numbers or single characters), or 1 when braces would not expand it. */
function rangeCount(texts: readonly string[]): number {
  const [from = "", to = "", step = "1"] = texts;
  const stepSize = Math.max(1, Math.abs(Number.parseInt(step, 10) || 1));
  if (/^-?\d+$/.test(from) && /^-?\d+$/.test(to)) return Math.floor(Math.abs(Number(to) - Number(from)) / stepSize) + 1;
  if (from.length === 1 && to.length === 1) return Math.floor(Math.abs(to.charCodeAt(0) - from.charCodeAt(0)) / stepSize) + 1;
  return 1;
}

/** How many patterns one `{...}` expands to: a sum over its comma-separated alternatives, or a range's size. */
function braceCount(node: BraceNode, cap: number): number {
  const inner = (node.nodes ?? []).filter((n) => n.type !== "open" && n.type !== "close");
  if ((node.commas ?? 0) > 0) {
    let total = 0;
    let alternative: BraceNode[] = [];
    for (const n of [...inner, { type: "comma" }]) {
      if (n.type !== "comma") {
        alternative.push(n);
        continue;
      }
      total += sequenceCount(alternative, cap);
      if (total > cap) return total;
      alternative = [];
    }
    return total;
  }
  if ((node.ranges ?? 0) > 0) return rangeCount(inner.filter((n) => n.type === "text").map((n) => n.value ?? ""));
  return sequenceCount(inner, cap);
}

/**
 * How many patterns brace expansion turns a glob into (as globby does before walking), counted on the
 * parse of `braces` without expanding anything. Counting stops past `cap` (the result is then some
 * number above it).
 * @param glob the glob (at most `MAX_GLOB_LENGTH` characters: the parse is linear in it).
 */
export function braceExpansionCount(glob: string, cap: number = MAX_GLOB_EXPANSIONS): number {
  if (!glob.includes("{")) return 1;
  const ast = braces().parse(glob);
  return sequenceCount(ast.nodes ?? [], cap);
}

/**
 * The wildcards of one path segment: runs of unescaped `*` and extglob groups (`+(`, `?(`, `@(`, `!(`;
 * `*(` is a `*` run already); 0 for a whole `**` segment (any depth, matched segment by segment).
 */
function segmentWildcards(segment: string): number {
  if (segment === "**") return 0;
  return (segment.match(/(?<!\\)\*+|(?<!\\)[+?@!]\(/g) ?? []).length;
}

/**
 * Why a glob is refused (see the module header), or undefined when it is safe to compile and walk.
 * @returns a phrase for a message, naming what is wrong, the limit and what to do ("it is 100,000
 *   characters long, more than the 4,096 allowed; write a shorter glob").
 */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) return `it is ${glob.length.toLocaleString("en-US")} characters long, more than the ${MAX_GLOB_LENGTH.toLocaleString("en-US")} allowed; write a shorter glob`;
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(glob);
  if (control) return `it holds the control character ${JSON.stringify(control[0])} at position ${control.index}, which no path holds; remove it`;
  let expansions: number;
  try {
    expansions = braceExpansionCount(glob);
  } catch (error) {
    return `its braces cannot be read (${(error as Error).message}); fix the braces`;
  }
  if (expansions > MAX_GLOB_EXPANSIONS) return `its braces expand to more than ${MAX_GLOB_EXPANSIONS.toLocaleString("en-US")} patterns; write fewer alternatives, or several globs`;
  // A segment longer than any file name is looked up as a name by the walk (ENAMETOOLONG).
  const patterns = expansions > 1 ? braces().expand(glob) : [glob];
  const long = patterns.flatMap((pattern) => pattern.split("/")).find((segment) => segment.length > MAX_NAME_LENGTH);
  if (long !== undefined) return `it has a path segment of ${long.length.toLocaleString("en-US")} characters, longer than any file name (${MAX_NAME_LENGTH}); shorten it`;
  const wild = patterns.flatMap((pattern) => pattern.split("/")).find((segment) => segmentWildcards(segment) > MAX_SEGMENT_WILDCARDS);
  if (wild !== undefined) {
    return `its path segment ${JSON.stringify(wild)} holds ${segmentWildcards(wild)} wildcards, more than the ${MAX_SEGMENT_WILDCARDS} a segment may hold (matching it against a long file name takes time that grows with the name's length to the power of its wildcards); write fewer wildcards, or several globs`;
  }
  try {
    picomatch(glob, { dot: true, maxLength: MAX_GLOB_LENGTH });
  } catch (error) {
    return `it cannot be compiled (${(error as Error).message.split("\n")[0] ?? ""}); fix the glob`;
  }
  return undefined;
}
