/**
 * Turning a source file's bytes into text, once for the scanner and the repository facts (SPEC §6.13):
 * files over 2 MiB are not parsed, binary files (a NUL byte in the first 8000 bytes) and invalid UTF-8
 * are problems, never silently skipped. A leaf module: it imports nothing from the plugin.
 */
import { readFileSync } from "node:fs";

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
