/**
 * `contract-scan explain <rule>` (README, Running contract-scan): a rule's documentation page (`docs/rules/<rule>.md`, shipped
 * in the package) rendered for a terminal with `marked` + `marked-terminal`; a scanner-only check (no
 * ESLint rule, no page) gets a page made from its entry in `SCANNER_ONLY_CHECKS`, so every rule id a
 * report can hold can be explained. HTML comments (the markers of eslint-doc-generator's header) are
 * not shown. Colors only when asked (the CLI decides, src/color.ts): the styles are picocolors functions
 * switched on or off by that choice, not by chalk's own terminal detection; without colors every ANSI
 * sequence left (code highlighting, tables) is removed.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { createColors } from "picocolors";
import { SCANNER_ONLY_CHECKS, type ScannerOnlyCheck } from "./checks/index.js";
import { PLUGIN_NAMESPACE } from "./package-info.js";
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

/** Every name `explain` knows: the documented rules and the scanner-only checks, sorted. */
export function explainableRules(): string[] {
  return [...new Set([...documentedRules(), ...SCANNER_ONLY_CHECKS.map((c) => c.name)])].sort();
}

/** The page of a scanner-only check, from its entry in SCANNER_ONLY_CHECKS (Markdown). */
function scannerCheckPage(check: ScannerOnlyCheck): string {
  return [
    `# ${PLUGIN_NAMESPACE}/${check.name}`,
    "",
    check.summary,
    "",
    "A check of `contract-scan` only: it needs the whole repository (or git), so it is not an ESLint rule and ESLint never reports it.",
    "",
    "## What it reports",
    "",
    `${check.description.charAt(0).toUpperCase()}${check.description.slice(1)}.`,
    "",
    `Severity: ${check.severity}.`,
    "",
  ].join("\n");
}

/**
 * The Markdown of a rule's docs page (a scanner-only check's page is made from its entry), or
 * undefined when no rule or check has that name.
 * @param rule `<name>` or `production-safety/<name>`.
 */
export function ruleDocs(rule: string): string | undefined {
  const name = ruleName(rule);
  if (documentedRules().includes(name)) return readFileSync(packageFile(`${DOCS_DIR}/${name}.md`), "utf8");
  const check = SCANNER_ONLY_CHECKS.find((c) => c.name === name);
  return check === undefined ? undefined : scannerCheckPage(check);
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
  // HTML comments (eslint-doc-generator's header markers) mean nothing on a terminal.
  const rendered = marked.parse(markdown.replace(/<!--[\s\S]*?-->\n?/g, ""), { async: false });
  const text = options.color ? rendered : stripVTControlCharacters(rendered);
  return text.endsWith("\n") ? text : `${text}\n`;
}
