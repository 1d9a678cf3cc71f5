/**
 * `package.json` scripts as a source of the non-JavaScript checks (docs/design.md, Rule groups `no-bypass-env`,
 * `no-direct-prisma-cli`): every entry of `scripts` (lifecycle scripts such as
 * `postinstall` too) is read as a shell command line (src/analysis/shell.ts), with offsets mapped back
 * through the JSON string's escapes to the file. The `mutationScripts` key of a script is
 * `<path of the package.json>#<script name>` ().
 */
import { parseTree, printParseErrorCode, type ParseError } from "jsonc-parser";
import { jsonNestingProblem } from "../source-text.js";
import { parseShell } from "../analysis/shell.js";
import type { SourceBlock } from "./findings.js";

/** What a package.json holds for the checks. */
export interface PackageJsonSource {
  /** One block per script with a string value, in file order. */
  blocks: SourceBlock[];
  /** The scripts (name -> command line), for `npm run` chains. */
  scripts: Record<string, string>;
  /** Problems that make the file or a script unreadable: message and UTF-16 offset in the file. */
  errors: { message: string; offset: number }[];
  /** False when the file is not JSON (then `blocks` and `scripts` are empty). */
  json: boolean;
}

/**
 * Decodes a JSON string token and maps each offset of the decoded value to the file.
 * @param raw the token as written, quotes included.
 * @param start the token's offset in the file.
 */
export function decodeJsonString(raw: string, start: number): { value: string; toFileOffset: (offset: number) => number } {
  const offsets: number[] = [];
  let value = "";
  const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
  for (let i = 1; i < raw.length - 1; i++) {
    const char = raw[i] as string;
    offsets.push(start + i);
    if (char !== "\\") {
      value += char;
      continue;
    }
    const next = raw[i + 1] ?? "";
    if (next === "u") {
      value += String.fromCharCode(Number.parseInt(raw.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      value += simple[next] ?? next;
      i += 1;
    }
  }
  offsets.push(start + raw.length - 1);
  return { value, toFileOffset: (offset) => offsets[Math.min(Math.max(offset, 0), offsets.length - 1)] ?? start };
}

/** A package.json's scripts without their shell read: the scripts, and false when the file is not JSON. */
export interface PackageScripts {
  scripts: Record<string, string>;
  json: boolean;
}

/**
 * The scripts of a package.json, for `npm run` chains (src/sources/npm-scripts.ts, which parses a script
 * only when a chain reaches it): no script's shell is parsed here.
 * @param text the file's text.
 * @returns the scripts (name -> command line), and `json: false` (no scripts) when the text is not JSON. Never throws.
 */
export function readPackageScripts(text: string): PackageScripts {
  const read = scriptValues(text);
  const scripts: Record<string, string> = {};
  for (const entry of read.entries) scripts[entry.name] = entry.value;
  return { scripts, json: read.error === undefined };
}

/** Each string-valued script of a package.json, decoded, with its file offsets; or the JSON error. */
function scriptValues(text: string): { entries: { name: string; value: string; toFileOffset: (offset: number) => number }[]; error?: { message: string; offset: number } } {
  // jsonc-parser recurses once per level: nesting past the limit would overflow the stack.
  const deep = jsonNestingProblem(text);
  if (deep !== undefined) return { entries: [], error: deep };
  const parseErrors: ParseError[] = [];
  const tree = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false });
  const first = parseErrors[0];
  if (first || !tree) return { entries: [], error: { message: `invalid JSON: ${first ? printParseErrorCode(first.error) : "empty file"}`, offset: first?.offset ?? 0 } };
  if (tree.type !== "object") return { entries: [] };
  const scriptsNode = tree.children?.find((p) => p.children?.[0]?.value === "scripts")?.children?.[1];
  if (scriptsNode?.type !== "object") return { entries: [] };
  const entries: { name: string; value: string; toFileOffset: (offset: number) => number }[] = [];
  for (const property of scriptsNode.children ?? []) {
    const [key, valueNode] = property.children ?? [];
    if (!key || !valueNode || valueNode.type !== "string" || typeof key.value !== "string") continue;
    const { value, toFileOffset } = decodeJsonString(text.slice(valueNode.offset, valueNode.offset + valueNode.length), valueNode.offset);
    entries.push({ name: key.value, value, toFileOffset });
  }
  return { entries };
}

/**
 * Reads a package.json.
 * @param text the file's text.
 * @param file its repository-relative path (for the allowlist keys).
 * @returns the script blocks, the scripts, and the problems (invalid JSON, nested too deeply; a script
 *   the shell parser rejects). Never throws.
 */
export function readPackageJson(text: string, file: string): PackageJsonSource {
  const result: PackageJsonSource = { blocks: [], scripts: {}, errors: [], json: true };
  const read = scriptValues(text);
  if (read.error) {
    result.errors.push(read.error);
    result.json = false;
    return result;
  }
  for (const { name, value, toFileOffset } of read.entries) {
    result.scripts[name] = value;
    const parsed = parseShell(value);
    if ("error" in parsed) {
      result.errors.push({ message: `script "${name}" is not a valid shell command line: ${parsed.error.message}`, offset: toFileOffset(parsed.error.offset) });
      continue;
    }
    result.blocks.push({ items: parsed.items, toFileOffset, allowKey: `${file}#${name}` });
  }
  return result;
}
