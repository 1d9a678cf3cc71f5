// marked-terminal 7 ships no types, and @types/marked-terminal pins marked < 12: the one function we use.
declare module "marked-terminal" {
  import type { MarkedExtension } from "marked";
  /** A marked extension that renders Markdown for a terminal (ANSI styles, reflowed text). */
  export function markedTerminal(options?: Record<string, unknown>, highlightOptions?: Record<string, unknown>): MarkedExtension;
}
