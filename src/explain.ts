/**
 * `contract-scan explain <rule>` (SPEC §4): a rule's documentation page (`docs/rules/<rule>.md`, shipped
 * in the package) rendered for a terminal with `marked` + `marked-terminal`. Colors only when asked
 * (the CLI asks on a TTY): the styles are picocolors functions switched on or off by that choice, not by
 * chalk's own terminal detection; without colors every ANSI sequence left (code highlighting, tables)
 * is removed.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { createColors } from "picocolors";
import { PLUGIN_NAMESPACE } from "./create-rule.js";
import { packageFile } from "./package-info.js";

/** The folder of the docs pages inside the package. */
const DOCS_DIR = "docs/rules";

/** The names of every rule that has a docs page, sorted. */
export function documentedRules(): string[] {
  const dir = packageFile(DOCS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** `production-safety/no-bypass-env` or `no-bypass-env` -> `no-bypass-env`. */
export function ruleName(rule: string): string {
  return rule.startsWith(`${PLUGIN_NAMESPACE}/`) ? rule.slice(PLUGIN_NAMESPACE.length + 1) : rule;
}

/**
 * The Markdown of a rule's docs page, or undefined when the rule has no page.
 * @param rule `<name>` or `production-safety/<name>`.
 */
export function ruleDocs(rule: string): string | undefined {
  const name = ruleName(rule);
  if (!documentedRules().includes(name)) return undefined;
  return readFileSync(packageFile(`${DOCS_DIR}/${name}.md`), "utf8");
}

/**
 * Renders Markdown for a terminal. `marked` and `marked-terminal` are loaded here, on first use, so a
 * scan does not pay for them at start-up.
 * @param width the terminal width in columns, for reflowing paragraphs (default 80).
 */
export async function renderForTerminal(markdown: string, options: { color: boolean; width?: number }): Promise<string> {
  const [{ Marked }, { markedTerminal }] = await Promise.all([import("marked"), import("marked-terminal")]);
  const c = createColors(options.color);
  const plain = (text: string): string => text;
  const styles = {
    firstHeading: (t: string) => c.magenta(c.underline(c.bold(t))),
    heading: (t: string) => c.green(c.bold(t)),
    code: c.yellow,
    codespan: c.yellow,
    blockquote: (t: string) => c.gray(c.italic(t)),
    html: c.gray,
    strong: c.bold,
    em: c.italic,
    del: (t: string) => c.dim(c.strikethrough(t)),
    link: c.blue,
    href: (t: string) => c.blue(c.underline(t)),
    hr: plain,
    listitem: plain,
    table: plain,
    paragraph: plain,
  };
  const marked = new Marked(markedTerminal({ ...styles, reflowText: true, width: options.width ?? 80, tab: 2 }));
  const rendered = marked.parse(markdown, { async: false });
  const text = options.color ? rendered : stripVTControlCharacters(rendered);
  return text.endsWith("\n") ? text : `${text}\n`;
}
