/** The README's code blocks, by section, for the tests that run the README's recipes as written. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { marked, type Tokens } from "marked";
import { PACKAGE_ROOT } from "./helpers.js";

/**
 * The fenced code blocks with info string `lang` under the README heading `heading` (any level), up to
 * the next heading of the same or a higher level; their text without the fences.
 * @throws Error when no heading has that text, so a renamed section fails the test that needs it.
 */
export function readmeCodeBlocks(heading: string, lang: string): string[] {
  const tokens = marked.lexer(readFileSync(path.join(PACKAGE_ROOT, "README.md"), "utf8"));
  const start = tokens.findIndex((t) => t.type === "heading" && (t as Tokens.Heading).text === heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  const depth = (tokens[start] as Tokens.Heading).depth;
  const blocks: string[] = [];
  for (const token of tokens.slice(start + 1)) {
    if (token.type === "heading" && (token as Tokens.Heading).depth <= depth) break;
    if (token.type === "code" && (token as Tokens.Code).lang === lang) blocks.push(`${(token as Tokens.Code).text}\n`);
  }
  return blocks;
}
