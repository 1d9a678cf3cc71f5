/**
 * Turning a source file's bytes into text, once for the scanner and the repository facts (SPEC §6.13):
 * files over 2 MiB are not parsed, binary files (a NUL byte in the first 8000 bytes) and invalid UTF-8
 * are problems, never silently skipped. A leaf module: it imports nothing from the plugin.
 */
import { readFileSync } from "node:fs";
import { parseTree, printParseErrorCode, type ParseError } from "jsonc-parser";

/** Files over this many bytes are not parsed ("too large", SPEC §6.13). */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/**
 * The text of a source file's bytes (a leading byte-order mark removed), or why there is none.
 * @returns `{ text }`, or `{ problem }` with a message for a `parse-error` finding.
 */
export function decodeSourceBytes(bytes: Buffer): { text: string } | { problem: string } {
  if (bytes.length > MAX_SOURCE_BYTES) return { problem: `file is too large to parse (${bytes.length} bytes; the limit is ${MAX_SOURCE_BYTES} bytes)` };
  if (bytes.subarray(0, 8000).includes(0)) return { problem: "file is binary (it contains NUL bytes), not source text" };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.startsWith("\uFEFF") ? text.slice(1) : text };
  } catch {
    return { problem: "file is not valid UTF-8" };
  }
}

/** Reads and decodes a source file (see decodeSourceBytes); a read failure is a problem too. */
export function readSourceText(file: string): { text: string } | { problem: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { problem: `cannot read the file: ${(error as Error).message}` };
  }
  return decodeSourceBytes(bytes);
}

/**
 * Reads a JSON file of the scanned repository (a `package.json`, a workspace manifest) as data: its
 * bytes decoded as decodeSourceBytes does, checked with jsonc-parser's strict mode (no comments, no
 * trailing commas: what `readPackageJson`, whose problems become the file's `parse-error` finding,
 * accepts), then `JSON.parse` (which keeps a `"__proto__"` key as an own key). Never `require()`: that
 * would go through Node's module loader and throw a raw `SyntaxError` at the first trailing comma.
 * @param file absolute path.
 * @returns `{ value }`, or `{ problem }` (unreadable, too large, binary, not UTF-8, invalid JSON with its
 *   first error and offset). Never throws.
 */
export function readJsonFile(file: string): { value: unknown } | { problem: string } {
  const read = readSourceText(file);
  if ("problem" in read) return read;
  const errors: ParseError[] = [];
  parseTree(read.text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first) return { problem: `invalid JSON: ${printParseErrorCode(first.error)} at offset ${first.offset}` };
  try {
    return { value: JSON.parse(read.text) as unknown };
  } catch (error) {
    return { problem: `invalid JSON: ${(error as Error).message}` };
  }
}
