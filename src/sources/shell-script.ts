/**
 * Shell scripts as a source of the non-JavaScript checks (docs/design.md, Rule groups `no-bypass-env`, `no-direct-prisma-cli`):
 * `*.sh`, `*.bash`, and files without an extension that start with a shell shebang in a script zone. The
 * whole file is read by the shell parser (src/analysis/shell.ts); its `mutationScripts` key is its path.
 */
import { parseShell } from "../analysis/shell.js";
import type { SourceBlock } from "./findings.js";

/**
 * Reads a shell script.
 * @returns one block with file offsets, or the first syntax error (message and UTF-16 offset). Never throws.
 */
export function readShellScript(text: string, file: string): { blocks: SourceBlock[] } | { error: { message: string; offset: number } } {
  const parsed = parseShell(text);
  if ("error" in parsed) return parsed;
  return { blocks: [{ items: parsed.items, toFileOffset: (offset) => offset, allowKey: file }] };
}
