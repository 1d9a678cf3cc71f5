/**
 * GitHub Actions workflows (`.github/workflows/*.yml|yaml`) as a source of the non-JavaScript checks
 * (docs/design.md, Rule groups `no-bypass-env`, `no-direct-prisma-cli`): `env:` blocks at workflow, job and step
 * level (each key is a variable set for what follows), and `run:` steps, read as shell
 * (src/analysis/shell.ts) unless the step or job names a non-POSIX `shell` (`pwsh`, `powershell`, `cmd`,
 * `python`). Parsed with `yaml`; a `run:` value's offsets are mapped back to the file line by line for
 * plain, quoted and literal (`|`) scalars; where that cannot be done exactly (a folded `>` scalar, a
 * quoted scalar with escapes) every item of the step is reported at the start of the value. The file's
 * `mutationScripts` key is its path (). Workflows are CI configuration: setting `CI=true` there is
 * exempt (), bypass names are not.
 */
import { isMap, isScalar, isSeq, parseDocument, type Scalar, type YAMLMap } from "yaml";
import { yamlNestingProblem } from "../source-text.js";
import { COMMAND_HOLE, parseShell, type ShellItem } from "../analysis/shell.js";
import type { SourceBlock } from "./findings.js";

const NON_POSIX_SHELLS = /^(pwsh|powershell|cmd|python)\b/;

/** Maps the offsets of a scalar's value to the file, exactly where the value's text can be found there. */
export function scalarOffsets(text: string, node: Scalar): (offset: number) => number {
  const [start] = node.range ?? [0];
  const value = String(node.value);
  const fallback = (): number => start;
  if (node.type === "PLAIN" && text.startsWith(value, start)) return (offset) => start + offset;
  if ((node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && text.startsWith(value, start + 1) && !value.includes("\n")) return (offset) => start + 1 + offset;
  if (node.type === "BLOCK_LITERAL") {
    // The header line, then one source line per value line, each indented by the block's indentation.
    const headerEnd = text.indexOf("\n", start);
    if (headerEnd < 0) return fallback;
    const lines = value.split("\n");
    const lineStarts: number[] = [];
    let at = headerEnd + 1;
    let indent: number | undefined;
    for (const line of lines) {
      const end = text.indexOf("\n", at);
      const source = text.slice(at, end < 0 ? text.length : end);
      if (line !== "") {
        indent ??= source.length - source.trimStart().length;
        if (source.slice(indent) !== line) return fallback;
      }
      lineStarts.push(at + (indent ?? 0));
      at = end < 0 ? text.length : end + 1;
    }
    const valueLineStarts: number[] = [];
    let v = 0;
    for (const line of lines) {
      valueLineStarts.push(v);
      v += line.length + 1;
    }
    return (offset) => {
      let line = 0;
      while (line + 1 < valueLineStarts.length && (valueLineStarts[line + 1] ?? 0) <= offset) line += 1;
      return (lineStarts[line] ?? start) + offset - (valueLineStarts[line] ?? 0);
    };
  }
  return fallback;
}

/**
 * Replaces each GitHub expression `${{ ... }}` (substituted by the runner before the shell sees the
 * step) with unknown-word characters of the same length, so offsets stay and the shell parser reads it
 * as an unknown part of a word.
 */
export function withoutExpressions(run: string): string {
  return run.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => expression.replace(/[^\n]/g, COMMAND_HOLE));
}

function envItems(map: unknown): ShellItem[] {
  if (!isMap(map)) return [];
  const items: ShellItem[] = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== "string") continue;
    const value = isScalar(pair.value) ? String(pair.value.value) : undefined;
    items.push({ kind: "set", name: pair.key.value, value, offset: pair.key.range?.[0] ?? 0, scope: "rest" });
  }
  return items;
}

function shellOf(map: YAMLMap, fallback: string | undefined): string | undefined {
  const shell = map.get("shell");
  return typeof shell === "string" ? shell : fallback;
}

/**
 * Reads a workflow file.
 * @returns one block (file offsets, in file order) and the problems: invalid YAML, a `run:` step the shell
 *   parser rejects (message and UTF-16 offset). Never throws.
 */
export function readWorkflow(text: string, file: string): { blocks: SourceBlock[]; errors: { message: string; offset: number }[] } {
  const errors: { message: string; offset: number }[] = [];
  // yaml's composer recurses once per level: nesting past the limit would overflow the stack.
  const deep = yamlNestingProblem(text);
  if (deep !== undefined) return { blocks: [], errors: [deep] };
  const document = parseDocument(text, { prettyErrors: false });
  const first = document.errors[0];
  if (first) return { blocks: [], errors: [{ message: `invalid YAML: ${first.message.split("\n")[0] ?? ""}`, offset: first.pos[0] }] };
  const items: ShellItem[] = [];
  const root = document.contents;
  if (!isMap(root)) return { blocks: [], errors };
  items.push(...envItems(root.get("env", true)));
  const defaultsShell = (m: YAMLMap): string | undefined => {
    const defaults = m.get("defaults", true);
    const run = isMap(defaults) ? defaults.get("run", true) : undefined;
    return isMap(run) ? shellOf(run, undefined) : undefined;
  };
  const workflowShell = defaultsShell(root);
  const jobs = root.get("jobs", true);
  for (const jobPair of isMap(jobs) ? jobs.items : []) {
    const job = jobPair.value;
    if (!isMap(job)) continue;
    items.push(...envItems(job.get("env", true)));
    const jobShell = defaultsShell(job) ?? workflowShell;
    const steps = job.get("steps", true);
    for (const step of isSeq(steps) ? steps.items : []) {
      if (!isMap(step)) continue;
      items.push(...envItems(step.get("env", true)));
      const run = step.get("run", true);
      if (!isScalar(run) || typeof run.value !== "string") continue;
      if (NON_POSIX_SHELLS.test(shellOf(step, jobShell) ?? "")) continue;
      const toFile = scalarOffsets(text, run);
      const parsed = parseShell(withoutExpressions(run.value));
      if ("error" in parsed) {
        errors.push({ message: `run step is not valid shell: ${parsed.error.message}`, offset: toFile(parsed.error.offset) });
        continue;
      }
      for (const item of parsed.items) {
        if (item.kind === "command") {
          items.push({
            ...item,
            offset: toFile(item.offset),
            words: item.words.map((w) => ({ ...w, offset: toFile(w.offset) })),
            env: item.env.map((e) => ({ ...e, offset: toFile(e.offset) })),
          });
        } else items.push({ ...item, offset: toFile(item.offset) });
      }
    }
  }
  return { blocks: [{ items, toFileOffset: (offset) => offset, allowKey: file }], errors };
}
