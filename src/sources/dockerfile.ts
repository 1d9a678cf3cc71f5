/**
 * Dockerfiles as a source of the non-JavaScript checks (docs/design.md, Rule groups `no-bypass-env`, `no-direct-prisma-cli`,
 *): `ENV` and `ARG` set variables for the instructions that follow; `RUN` (and the shell form
 * of `CMD`/`ENTRYPOINT`, which run the container's command) are shell (src/analysis/shell.ts, with line
 * continuations; comment lines inside a continued instruction are dropped, as Docker does). The exec form
 * `["prisma", "migrate", "deploy"]` is one command of those words; an exec form that runs a shell with
 * `-c` (`CMD ["sh", "-c", "npx prisma migrate deploy && node server.js"]`, `ENTRYPOINT ["/bin/bash",
 * "-lc", "..."]`, `RUN ["bash", "-c", "..."]`) has its command line read as shell, and so does the
 * first word of a `CMD` exec form when the stage's `ENTRYPOINT` is a shell with `-c` and no line of its
 * own (`ENTRYPOINT ["/bin/sh", "-c"]` + `CMD ["npx prisma migrate deploy"]`: Docker appends CMD to it).
 * Parsed with `dockerfile-ast`; the exec form's JSON array is read with `jsonc-parser` (dockerfile-ast
 * 0.7's `getJSONValue` drops the spaces inside a string), and, as Docker does, text that is not a JSON
 * array of strings is the shell form. The file's `mutationScripts` key is its path ().
 */
import { DockerfileParser } from "dockerfile-ast";
import { parseTree, type ParseError } from "jsonc-parser";
import { jsonNestingProblem } from "../source-text.js";
import { shellCommandLineIndex } from "../analysis/prisma-cli.js";
import { COMMAND_HOLE, parseShell, type ShellItem } from "../analysis/shell.js";
import { decodeJsonString } from "./package-json.js";
import type { SourceBlock } from "./findings.js";

/** One string of an exec form: its value and where each of its characters is in the file. */
interface ExecString {
  value: string;
  /** File offset of the string's opening quote. */
  offset: number;
  /** Maps an offset in `value` to the file. */
  toFileOffset: (offset: number) => number;
}

/** Comment lines inside a continued instruction are removed by Docker: blanked here, keeping offsets. */
function blankCommentLines(body: string): string {
  return body.replace(/(\n)([ \t]*#[^\n]*)/g, (_all, newline: string, comment: string) => newline + " ".repeat(comment.length));
}

/**
 * The exec form of an instruction whose arguments are `text[start, end)`: a JSON array of strings once
 * line continuations (a `\` at the end of a line) are joined, as Docker reads it.
 * @returns the strings, or undefined when the text is not a JSON array of strings (Docker then runs it as
 *   the shell form).
 */
function execForm(text: string, start: number, end: number): ExecString[] | undefined {
  const body = blankCommentLines(text.slice(start, end));
  let joined = "";
  const fileOffsets: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const continuation = /^\\[ \t]*\r?\n/.exec(body.slice(i, i + 64));
    if (continuation) {
      i += continuation[0].length - 1;
      continue;
    }
    joined += body[i];
    fileOffsets.push(start + i);
  }
  fileOffsets.push(start + body.length);
  // An exec form is an array of strings; deeper nesting is not one (and would overflow jsonc-parser's recursion).
  if (jsonNestingProblem(joined) !== undefined) return undefined;
  const errors: ParseError[] = [];
  const tree = parseTree(joined, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || tree?.type !== "array") return undefined;
  const strings: ExecString[] = [];
  for (const node of tree.children ?? []) {
    if (node.type !== "string") return undefined;
    const decoded = decodeJsonString(joined.slice(node.offset, node.offset + node.length), node.offset);
    strings.push({ value: decoded.value, offset: fileOffsets[node.offset] ?? start, toFileOffset: (offset) => fileOffsets[decoded.toFileOffset(offset)] ?? start });
  }
  return strings;
}

/** The items of a shell command line held by an exec-form string, at their file offsets. */
function shellItemsOf(line: ExecString, keyword: string): { items: ShellItem[] } | { error: { message: string; offset: number } } {
  const parsed = parseShell(line.value);
  if ("error" in parsed) return { error: { message: `${keyword} runs a shell command line that is not valid shell: ${parsed.error.message}`, offset: line.toFileOffset(parsed.error.offset) } };
  const at = line.toFileOffset;
  return {
    items: parsed.items.map((item): ShellItem => {
      if (item.kind !== "command") return { ...item, offset: at(item.offset) };
      return { ...item, offset: at(item.offset), words: item.words.map((w) => ({ ...w, offset: at(w.offset) })), env: item.env.map((e) => ({ ...e, offset: at(e.offset) })) };
    }),
  };
}

/** True when an exec form is a shell run with `-c` and no command line (`["/bin/sh", "-c"]`). */
function isBareShellC(strings: readonly ExecString[] | undefined): boolean {
  if (!strings) return false;
  const words = strings.map((s) => ({ text: s.value, hole: false }));
  return shellCommandLineIndex(words) === words.length;
}

/**
 * Reads a Dockerfile.
 * @returns one block (file offsets, in file order) and the problems (a `RUN` the shell parser rejects).
 *   Never throws.
 */
export function readDockerfile(text: string, file: string): { blocks: SourceBlock[]; errors: { message: string; offset: number }[] } {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offsetOf = (position: { line: number; character: number }): number => (lineStarts[position.line] ?? text.length) + position.character;
  const items: ShellItem[] = [];
  const errors: { message: string; offset: number }[] = [];
  let document;
  try {
    document = DockerfileParser.parse(text);
  } catch (error) {
    return { blocks: [], errors: [{ message: `cannot parse the Dockerfile: ${(error as Error).message}`, offset: 0 }] };
  }
  const instructions = document.getInstructions();
  // The stage's ENTRYPOINT (its last one, as Docker keeps), per instruction index: for CMD's exec form.
  const entrypointOf: (readonly ExecString[] | undefined)[] = [];
  let stageStart = 0;
  const closeStage = (endIndex: number): void => {
    let entrypoint: ExecString[] | undefined;
    for (let k = stageStart; k < endIndex; k++) {
      const instruction = instructions[k];
      if (instruction?.getKeyword().toUpperCase() !== "ENTRYPOINT") continue;
      const first = instruction.getArguments()[0];
      entrypoint = first ? execForm(text, offsetOf(first.getRange().start), offsetOf(instruction.getRange().end)) : undefined;
    }
    for (let k = stageStart; k < endIndex; k++) entrypointOf[k] = entrypoint;
    stageStart = endIndex;
  };
  for (const [index, instruction] of instructions.entries()) if (index > 0 && instruction.getKeyword().toUpperCase() === "FROM") closeStage(index);
  closeStage(instructions.length);

  for (const [index, instruction] of instructions.entries()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === "ENV" || keyword === "ARG") {
      const properties = "getProperties" in instruction && typeof instruction.getProperties === "function" ? instruction.getProperties() : [];
      for (const property of properties as { getName(): string; getValue(): string | null; getNameRange(): { start: { line: number; character: number } } }[]) {
        items.push({ kind: "set", name: property.getName(), value: property.getValue() ?? undefined, offset: offsetOf(property.getNameRange().start), scope: "rest" });
      }
      continue;
    }
    if (keyword !== "RUN" && keyword !== "CMD" && keyword !== "ENTRYPOINT") continue;
    const args = instruction.getArguments();
    const firstArg = args[0];
    if (!firstArg) continue;
    const start = offsetOf(firstArg.getRange().start);
    const end = offsetOf(instruction.getRange().end);
    const strings = text[start] === "[" ? execForm(text, start, end) : undefined;
    if (strings) {
      if (strings.length === 0) continue;
      const words = strings.map((s) => ({ text: s.value, hole: s.value.includes("$") || s.value.includes(COMMAND_HOLE), offset: s.offset }));
      // `["sh", "-c", "<line>"]`, or CMD's `["<line>"]` after `ENTRYPOINT ["sh", "-c"]`: the line is shell.
      const at = shellCommandLineIndex(words.map((w) => ({ text: w.text, hole: false })));
      const line = at !== undefined ? strings[at] : keyword === "CMD" && isBareShellC(entrypointOf[index]) ? strings[0] : undefined;
      if (line) {
        const read = shellItemsOf(line, keyword);
        if ("error" in read) errors.push(read.error);
        else items.push(...read.items);
        continue;
      }
      items.push({ kind: "command", offset: words[0]?.offset ?? start, words, env: [] });
      continue;
    }
    const body = blankCommentLines(text.slice(start, end));
    const parsed = parseShell(body);
    if ("error" in parsed) {
      errors.push({ message: `${keyword} is not valid shell: ${parsed.error.message}`, offset: start + parsed.error.offset });
      continue;
    }
    for (const item of parsed.items) {
      if (item.kind === "command") {
        items.push({ ...item, offset: start + item.offset, words: item.words.map((w) => ({ ...w, offset: start + w.offset })), env: item.env.map((e) => ({ ...e, offset: start + e.offset })) });
      } else items.push({ ...item, offset: start + item.offset });
    }
  }
  return { blocks: [{ items, toFileOffset: (offset) => offset, allowKey: file }], errors };
}
