/**
 * Dockerfiles as a source of the non-JavaScript checks (SPEC §3 `no-bypass-env`, `no-direct-prisma-cli`,
 * §6.4, §6.6): `ENV` and `ARG` set variables for the instructions that follow; `RUN` (and the shell form
 * of `CMD`/`ENTRYPOINT`, which run the container's command) are shell (src/analysis/shell.ts, with line
 * continuations; comment lines inside a continued instruction are dropped, as Docker does); the exec form
 * `["prisma", "migrate", "deploy"]` is one command of those words. Parsed with `dockerfile-ast`. The
 * file's `mutationScripts` key is its path (§6.4).
 */
import { DockerfileParser } from "dockerfile-ast";
import { COMMAND_HOLE, parseShell, type ShellItem } from "../analysis/shell.js";
import type { SourceBlock } from "./findings.js";

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
  for (const instruction of document.getInstructions()) {
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
    const json = "getJSONStrings" in instruction && typeof instruction.getJSONStrings === "function" ? (instruction.getJSONStrings() as { getJSONValue(): string; getRange(): { start: { line: number; character: number } } }[]) : [];
    if (json.length > 0 && text[start] === "[") {
      const words = json.map((s) => {
        const value = s.getJSONValue();
        return { text: value, hole: value.includes("$") || value.includes(COMMAND_HOLE), offset: offsetOf(s.getRange().start) };
      });
      items.push({ kind: "command", offset: words[0]?.offset ?? start, words, env: [] });
      continue;
    }
    // Comment lines inside a continued instruction are removed by Docker: blank them, keeping offsets.
    const body = text.slice(start, end).replace(/(\n)([ \t]*#[^\n]*)/g, (_all, newline: string, comment: string) => newline + " ".repeat(comment.length));
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
