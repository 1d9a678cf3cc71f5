/**
 * deploy-pipeline-order (docs/design.md, Rule groups group B, scanner only): the contract's `deployPipeline: { script,
 * steps }` against the root `package.json`. What running `script` actually runs is expanded once, by
 * src/sources/npm-scripts.ts (the same npm-run chain the `CI=true` check follows): `&&`/`;` chains,
 * `npm run`/`pnpm`/`yarn`, `run-s`/`npm-run-all -s`, nested scripts, and npm's `pre`/`post` hooks. Then:
 * - a step that never runs (or is not a script of the package.json) is missing;
 * - a step that runs before a step the contract puts ahead of it is out of order;
 * - a step that runs in a parallel group (`run-p`, `npm-run-all -p`) has no order;
 * - another script or command that runs between two steps is an extra step.
 * One finding each, at the script's value in package.json; a `deployPipeline.script` that package.json
 * lacks (or a missing/unreadable package.json) is one finding at that key of the contract ().
 *
 * A script that is not a step but runs steps (a wrapper) is looked through; the scripts and commands a
 * step runs itself belong to that step. A step that runs again right after itself (npm's `predeploy` hook
 * followed by an explicit `npm run predeploy`) is in order. Commands before the first step or after the
 * last are not between steps. `echo`, `printf`, `true` and `:` print or do nothing and never count.
 */
import path from "node:path";
import { findNodeAtLocation, parseTree } from "jsonc-parser";
import { type Contract, contractKeyLocation, lineColumnAt, toRepoPath } from "../contract.js";
import { PLUGIN_NAMESPACE } from "../package-info.js";
import type { Finding } from "../finding.js";
import { MAX_PIPELINE_RUNS, MAX_SCRIPT_CHAIN_DEPTH } from "../limits.js";
import { describeChain, expandScriptRun, notFollowedRuns, type ScriptRun } from "../sources/npm-scripts.js";
import { readPackageScripts } from "../sources/package-json.js";
import { readSourceText } from "../source-text.js";

/** The rule id of this check. */
export const DEPLOY_PIPELINE_ORDER_RULE = `${PLUGIN_NAMESPACE}/deploy-pipeline-order`;

/** Commands that only print or do nothing: never an extra step. */
const HARMLESS = new Set(["echo", "printf", "true", ":"]);

/** What runs, flattened: a step, or something else (a script that runs no step, or a command). */
type Event = { step: string; parallel: boolean } | { other: string };

/** Whether a run runs a step, at any depth (each shared run decided once). */
function containsStep(run: ScriptRun, steps: ReadonlySet<string>, memo: Map<ScriptRun, boolean>): boolean {
  const known = memo.get(run);
  if (known !== undefined) return known;
  const result = run.steps.some((s) => !("command" in s) && (steps.has(s.name) || containsStep(s, steps, memo)));
  memo.set(run, result);
  return result;
}

/** What runs, in order, until `budget` runs and commands have been looked at. */
interface Flattening {
  steps: ReadonlySet<string>;
  root: string;
  events: Event[];
  memo: Map<ScriptRun, boolean>;
  /** Runs and commands that may still be looked at (MAX_PIPELINE_RUNS at the start). */
  budget: number;
}

/** Lines up what running `runs` runs; false when the budget ran out (the events are then the first ones). */
function flatten(runs: readonly ScriptRun[], state: Flattening): boolean {
  const { steps, root, events } = state;
  for (const run of runs) {
    if (state.budget-- <= 0) return false;
    if (steps.has(run.name)) {
      events.push({ step: run.name, parallel: run.parallel });
      continue;
    }
    if ((run.name === root && run.hook === undefined) || containsStep(run, steps, state.memo)) {
      for (const step of run.steps) {
        if ("command" in step) {
          if (state.budget-- <= 0) return false;
          const program = step.command.words[0]?.text ?? "";
          if (!HARMLESS.has(program)) events.push({ other: step.command.words.map((w) => w.text).join(" ") });
        } else if (!flatten([step], state)) return false;
      }
      continue;
    }
    events.push({ other: `npm run ${run.name}` });
  }
  return true;
}

/** The contract's order for messages: every step, or the first and last ones of a long pipeline. */
function describeOrder(steps: readonly string[]): string {
  const shown = steps.length > 8 ? [...steps.slice(0, 3), "...", ...steps.slice(-2)] : steps;
  return `the contract's order is ${shown.join(" -> ")}${steps.length > 8 ? ` (${steps.length} steps)` : ""}`;
}

/**
 * The order findings for a contract's `deployPipeline`.
 * @param root absolute repository root (its `package.json` is read).
 * @param contractFile absolute path of the contract file, or undefined with the defaults (then nothing is checked).
 * @param contractText the contract file's text (for key positions).
 */
export function checkDeployPipelineOrder(root: string, contract: Contract, contractFile: string | undefined, contractText: string): Finding[] {
  const pipeline = contract.deployPipeline;
  if (!pipeline || contractFile === undefined) return [];
  const findings: Finding[] = [];
  const atContract = (message: string): Finding[] => {
    const { line, column } = contractKeyLocation(contractText, ["deployPipeline", "script"]);
    return [{ ruleId: DEPLOY_PIPELINE_ORDER_RULE, severity: "error", file: toRepoPath(root, contractFile), line, column, endLine: line, endColumn: column, message }];
  };
  const read = readSourceText(path.join(root, "package.json"));
  if ("problem" in read) {
    if (read.missing === true) {
      return atContract(`deployPipeline.script "${pipeline.script}" cannot be checked: there is no package.json at the repository root. Add the script there, or remove deployPipeline.`);
    }
    return atContract(`deployPipeline.script "${pipeline.script}" cannot be checked: package.json cannot be read (its parse-error finding says why). Fix package.json.`);
  }
  const { scripts, json } = readPackageScripts(read.text);
  if (!json) {
    return atContract(`deployPipeline.script "${pipeline.script}" cannot be checked: package.json is not valid JSON (its parse-error finding says where). Fix package.json.`);
  }
  if (!Object.hasOwn(scripts, pipeline.script)) {
    return atContract(`package.json has no script "${pipeline.script}" (deployPipeline.script): the deploy pipeline is not enforced. Add the script that runs ${pipeline.steps.join(" -> ")}, or fix the name.`);
  }
  const { text } = read;
  const tree = parseTree(text);
  const valueNode = tree ? findNodeAtLocation(tree, ["scripts", pipeline.script]) : undefined;
  const start = lineColumnAt(text, valueNode?.offset ?? 0);
  const end = lineColumnAt(text, (valueNode?.offset ?? 0) + (valueNode?.length ?? 0));
  const report = (message: string): void => {
    findings.push({ ruleId: DEPLOY_PIPELINE_ORDER_RULE, severity: "error", file: "package.json", line: start.line, column: start.column, endLine: end.line, endColumn: end.column, message });
  };
  const order = describeOrder(pipeline.steps);
  const stepSet = new Set(pipeline.steps);
  const positions = new Map<string, number>();
  pipeline.steps.forEach((step, index) => {
    if (!positions.has(step)) positions.set(step, index);
  });
  const runs = expandScriptRun(scripts, pipeline.script);
  const state: Flattening = { steps: stepSet, root: pipeline.script, events: [], memo: new Map(), budget: MAX_PIPELINE_RUNS };
  const complete = flatten(runs, state);
  const events = state.events;
  // A step that runs again right after itself is still in order.
  const deduped = events.filter((e, i) => !("step" in e) || !(i > 0 && "step" in (events[i - 1] as Event) && (events[i - 1] as { step: string }).step === e.step));
  const unfollowed = notFollowedRuns(runs);
  for (const run of unfollowed) {
    report(
      `"${pipeline.script}" runs a chain of scripts more than ${MAX_SCRIPT_CHAIN_DEPTH} deep (${describeChain(run.notFollowed?.chain ?? [run.name])}); the rest of it was not followed, so the steps it runs are not checked (${order}). Shorten the chain of npm run calls.`,
    );
  }
  if (!complete) {
    report(
      `"${pipeline.script}" runs more than ${MAX_PIPELINE_RUNS.toLocaleString("en-US")} scripts and commands (through npm run), so only the first ${MAX_PIPELINE_RUNS.toLocaleString("en-US")} were checked against the deploy pipeline (${order}). Run each step once, one after another.`,
    );
  }
  const ran = new Set(deduped.flatMap((e) => ("step" in e ? [e.step] : [])));
  for (const step of pipeline.steps) {
    if (!Object.hasOwn(scripts, step)) report(`deploy pipeline step "${step}" is not a script of package.json, so "${pipeline.script}" cannot run it (${order}). Add the script, or fix the step's name in the contract.`);
    // A step may run in the part that was not followed: the findings above say the check is incomplete.
    else if (!ran.has(step) && complete && unfollowed.length === 0) report(`"${pipeline.script}" never runs the deploy pipeline step "${step}" (${order}). Run it with npm run ${step} in its place.`);
  }
  let previous: { step: string; index: number } | undefined;
  let between: string[] = [];
  for (const event of deduped) {
    if ("other" in event) {
      if (previous) between.push(event.other);
      continue;
    }
    if (event.parallel) report(`"${pipeline.script}" runs the deploy pipeline step "${event.step}" in a parallel group, so nothing orders it (${order}). Run the steps one after another (&&, run-s).`);
    const index = positions.get(event.step) ?? -1;
    if (previous) {
      for (const other of between) report(`"${other}" runs between the deploy pipeline steps "${previous.step}" and "${event.step}" (${order}). Move it into a step, before the first step or after the last.`);
      if (index < previous.index) report(`"${pipeline.script}" runs the deploy pipeline step "${event.step}" after "${previous.step}" (${order}). Put the steps in the contract's order.`);
    }
    between = [];
    previous = { step: event.step, index };
  }
  return findings;
}
