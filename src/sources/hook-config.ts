/**
 * Git hook managers' configuration files as a source of the non-JavaScript checks (docs/design.md, Rule groups
 * `no-bypass-env`, `no-direct-prisma-cli`): a hook runs on a developer's machine at every commit, merge
 * or checkout, so a Prisma CLI write there runs against whatever database that machine points at.
 * - `lefthook.yml` (also `lefthook.yaml`, `.lefthook.yml`, `.lefthook.yaml`, `lefthook-local.yml`,
 *   `lefthook-local.yaml`, `.config/lefthook.yml`): every `run:` value (of `commands`, of `jobs`, of
 *   groups), read as shell, as lefthook runs it with `sh -c`. Lefthook's templates (`{staged_files}`,
 *   `{files}`, `{0}`, ...) are replaced with unknown-word characters of the same length, as GitHub
 *   expressions are in workflows: a template where a command word belongs fails closed.
 * - `.pre-commit-config.yaml` (pre-commit): every hook's `entry:` (with its `args:` appended), read with
 *   the shell parser; pre-commit splits an entry into words as a shell does (`shlex`), so the words are
 *   the same. Hooks whose `language` is `pygrep` (the entry is a regular expression) or `fail` (the entry
 *   is a message) run nothing and are skipped.
 * Git hook scripts themselves (`.husky/*`, `.githooks/*`) are shell scripts (src/sources/shell-script.ts).
 * Parsed with `yaml`; offsets are mapped back to the file as in workflows (src/sources/workflow.ts). The
 * file's `mutationScripts` key is its path ().
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type Scalar } from "yaml";
import { yamlNestingProblem } from "../source-text.js";
import { COMMAND_HOLE, parseShell, type ShellItem } from "../analysis/shell.js";
import { scalarOffsets } from "./workflow.js";
import type { SourceBlock } from "./findings.js";

type Problem = { message: string; offset: number };

/** Lefthook's `{name}` templates (`{staged_files}`, `{0}`) as unknown-word characters of the same length. */
export function withoutLefthookTemplates(run: string): string {
  return run.replace(/\{[A-Za-z0-9_]+\}/g, (template) => COMMAND_HOLE.repeat(template.length));
}

/** The items of a shell text held by a YAML scalar, at their file offsets, or the shell parser's error. */
function shellItems(text: string, node: Scalar, shellText: string, what: string): { items: ShellItem[] } | { error: Problem } {
  const toFile = scalarOffsets(text, node);
  const parsed = parseShell(shellText);
  if ("error" in parsed) return { error: { message: `${what} is not valid shell: ${parsed.error.message}`, offset: toFile(parsed.error.offset) } };
  return {
    items: parsed.items.map((item): ShellItem => {
      if (item.kind !== "command") return { ...item, offset: toFile(item.offset) };
      return { ...item, offset: toFile(item.offset), words: item.words.map((w) => ({ ...w, offset: toFile(w.offset) })), env: item.env.map((e) => ({ ...e, offset: toFile(e.offset) })) };
    }),
  };
}

/** The YAML document of `text`, or the first YAML error as a problem. */
function parseYaml(text: string): { contents: Node | null } | { error: Problem } {
  // yaml's composer recurses once per level: nesting past the limit would overflow the stack.
  const deep = yamlNestingProblem(text);
  if (deep !== undefined) return { error: deep };
  const document = parseDocument(text, { prettyErrors: false });
  const first = document.errors[0];
  if (first) return { error: { message: `invalid YAML: ${first.message.split("\n")[0] ?? ""}`, offset: first.pos[0] } };
  return { contents: document.contents };
}

/**
 * Reads a lefthook configuration file.
 * @returns one block (file offsets) with the commands of every `run:` value, and the problems (invalid
 *   YAML, a `run:` the shell parser rejects). Never throws.
 */
export function readLefthookConfig(text: string, file: string): { blocks: SourceBlock[]; errors: Problem[] } {
  const parsed = parseYaml(text);
  if ("error" in parsed) return { blocks: [], errors: [parsed.error] };
  const items: ShellItem[] = [];
  const errors: Problem[] = [];
  // Every `run:` of the document: under commands, jobs, groups of jobs, in any hook.
  const visit = (node: unknown, depth: number): void => {
    if (depth > 32) return;
    if (isSeq(node)) for (const item of node.items) visit(item, depth + 1);
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.value === "run" && isScalar(pair.value) && typeof pair.value.value === "string") {
        const read = shellItems(text, pair.value, withoutLefthookTemplates(pair.value.value), "run");
        if ("error" in read) errors.push(read.error);
        else items.push(...read.items);
      } else visit(pair.value, depth + 1);
    }
  };
  visit(parsed.contents, 0);
  return { blocks: [{ items, toFileOffset: (offset) => offset, allowKey: file }], errors };
}

/** pre-commit languages whose `entry` is not a command. */
const NOT_A_COMMAND = new Set(["pygrep", "fail"]);

/**
 * Reads a `.pre-commit-config.yaml`.
 * @returns one block (file offsets) with each hook's `entry` command (its `args` appended as words), and
 *   the problems (invalid YAML, an `entry` the shell parser rejects). Never throws.
 */
export function readPreCommitConfig(text: string, file: string): { blocks: SourceBlock[]; errors: Problem[] } {
  const parsed = parseYaml(text);
  if ("error" in parsed) return { blocks: [], errors: [parsed.error] };
  const items: ShellItem[] = [];
  const errors: Problem[] = [];
  const root = parsed.contents;
  const repos = isMap(root) ? root.get("repos", true) : undefined;
  for (const repo of isSeq(repos) ? repos.items : []) {
    const hooks = isMap(repo) ? repo.get("hooks", true) : undefined;
    for (const hook of isSeq(hooks) ? hooks.items : []) {
      if (!isMap(hook)) continue;
      const entry = hook.get("entry", true);
      if (!isScalar(entry) || typeof entry.value !== "string") continue;
      const language = hook.get("language");
      if (typeof language === "string" && NOT_A_COMMAND.has(language)) continue;
      const read = shellItems(text, entry, entry.value, "entry");
      if ("error" in read) {
        errors.push(read.error);
        continue;
      }
      // `args:` are appended to the entry's words (pre-commit runs `entry + args + files`).
      const args = hook.get("args", true);
      const argWords = (isSeq(args) ? args.items : []).flatMap((arg) =>
        isScalar(arg) && (typeof arg.value === "string" || typeof arg.value === "number") ? [{ text: String(arg.value), hole: false, offset: arg.range?.[0] ?? 0 }] : [],
      );
      const commands = read.items.filter((item) => item.kind === "command");
      const last = commands.at(-1);
      for (const item of read.items) items.push(item === last && item.kind === "command" ? { ...item, words: [...item.words, ...argWords] } : item);
    }
  }
  return { blocks: [{ items, toFileOffset: (offset) => offset, allowKey: file }], errors };
}
