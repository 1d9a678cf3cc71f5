/**
 * The npm-run chain (src/sources/npm-scripts.ts), shared by the CI=true check and deploy-pipeline-order:
 * which package scripts a command runs, and what running a script runs, hooks included.
 */
import { describe, expect, it } from "vitest";
import { MAX_SCRIPT_CHAIN_DEPTH } from "../../src/limits.js";
import { describeChain, expandScriptRun, notFollowedRuns, scriptGroupsOf, someCommand, type ScriptRun } from "../../src/sources/npm-scripts.js";

const w = (line: string): { text: string; hole: boolean }[] => line.split(" ").map((text) => ({ text, hole: false }));
const NAMES = ["build", "build:web", "build:api", "db:push", "test"];

describe("scriptGroupsOf", () => {
  it("reads npm run / run-script / test, pnpm and yarn with and without run, bun run", () => {
    expect(scriptGroupsOf(w("npm run db:push"), NAMES)).toEqual([{ scripts: ["db:push"], parallel: false }]);
    expect(scriptGroupsOf(w("npm run-script --silent build -- --x"), NAMES)).toEqual([{ scripts: ["build"], parallel: false }]);
    expect(scriptGroupsOf(w("npm test"), NAMES)).toEqual([{ scripts: ["test"], parallel: false }]);
    expect(scriptGroupsOf(w("CI=true pnpm db:push"), NAMES)).toEqual([{ scripts: ["db:push"], parallel: false }]);
    expect(scriptGroupsOf(w("yarn run build"), NAMES)).toEqual([{ scripts: ["build"], parallel: false }]);
    expect(scriptGroupsOf(w("bun run build"), NAMES)).toEqual([{ scripts: ["build"], parallel: false }]);
  });

  it("is undefined for package-manager commands, unknown shorthands, other packages and other programs", () => {
    expect(scriptGroupsOf(w("pnpm install"), NAMES)).toBeUndefined();
    expect(scriptGroupsOf(w("yarn lint"), NAMES)).toBeUndefined();
    expect(scriptGroupsOf(w("npm -w web run build"), NAMES)).toBeUndefined();
    expect(scriptGroupsOf(w("pnpm --filter web db:push"), NAMES)).toBeUndefined();
    expect(scriptGroupsOf(w("npm ci"), NAMES)).toBeUndefined();
    expect(scriptGroupsOf(w("node build.js"), NAMES)).toBeUndefined();
  });

  it("reads run-s, run-p and npm-run-all groups, with globs", () => {
    expect(scriptGroupsOf(w("run-s build db:push"), NAMES)).toEqual([{ scripts: ["build", "db:push"], parallel: false }]);
    expect(scriptGroupsOf(w("run-p build:*"), NAMES)).toEqual([{ scripts: ["build:web", "build:api"], parallel: true }]);
    expect(scriptGroupsOf(w("npm-run-all -s build -p build:web build:api -s test"), NAMES)).toEqual([
      { scripts: ["build"], parallel: false },
      { scripts: ["build:web", "build:api"], parallel: true },
      { scripts: ["test"], parallel: false },
    ]);
  });
});

function names(runs: readonly ScriptRun[]): string[] {
  return runs.flatMap((r) => [`${r.hook ? `${r.hook.kind}:` : ""}${r.name}${r.exists ? "" : "?"}`, ...names(r.steps.filter((s): s is ScriptRun => !("command" in s))).map((n) => `  ${n}`)]);
}

describe("expandScriptRun", () => {
  it("runs pre and post hooks around a script, not around hooks, and follows nested scripts", () => {
    const scripts = { predeploy: "node v.js", deploy: "npm run a && npm run missing", postdeploy: "echo done", a: "run-s b", b: "node b.js", prea: "node pa.js" };
    expect(names(expandScriptRun(scripts, "deploy"))).toEqual(["pre:predeploy", "deploy", "  pre:prea", "  a", "    b", "  missing?", "post:postdeploy"]);
  });

  it("does not loop on a script that runs itself", () => {
    expect(names(expandScriptRun({ a: "npm run b", b: "npm run a" }, "a"))).toEqual(["a", "  b", "    a"]);
  });

  it("keeps the commands of a script as steps, and a script that does not parse has none", () => {
    const [run] = expandScriptRun({ x: "echo a && prisma db push", bad: "echo 'open" }, "x");
    expect(run?.steps.map((s) => ("command" in s ? s.command.words.map((word) => word.text).join(" ") : s.name))).toEqual(["echo a", "prisma db push"]);
    expect(expandScriptRun({ bad: "echo 'open" }, "bad")[0]?.steps).toEqual([]);
  });
});

/** `s0` runs `s1` twice, `s1` runs `s2` twice, ..., `s<depth>` runs `leaf`: 2^depth runs of `leaf`. */
function diamond(depth: number, leaf = "echo done"): Record<string, string> {
  const scripts: Record<string, string> = {};
  for (let i = 0; i < depth; i++) scripts[`s${i}`] = `npm run s${i + 1} && npm run s${i + 1}`;
  scripts[`s${depth}`] = leaf;
  return scripts;
}

/** `s0` runs `s1`, ..., `s<length - 1>` runs `s<length>`, which runs `last`. */
function chain(length: number, last = "prisma db push"): Record<string, string> {
  const scripts: Record<string, string> = {};
  for (let i = 0; i < length; i++) scripts[`s${i}`] = `npm run s${i + 1}`;
  scripts[`s${length}`] = last;
  return scripts;
}

describe("expandScriptRun: bounded work (issue 14)", () => {
  it("expands a 25-level diamond of scripts once per script, and finds the command at its bottom", () => {
    const started = performance.now();
    const runs = expandScriptRun(diamond(25, "prisma db push"), "s0");
    expect(someCommand(runs, (c) => c.words[0]?.text === "prisma")).toBe(true);
    expect(someCommand(runs, (c) => c.words[0]?.text === "rm")).toBe(false);
    expect(notFollowedRuns(runs)).toEqual([]);
    // The second run of s1 is the first one: the expansion is a graph, not 2^25 copies.
    const [s0] = runs;
    expect(s0?.steps[0]).toBe(s0?.steps[1]);
    // Generous: exponential work took minutes (2^25 shell parses).
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it(`follows a chain ${MAX_SCRIPT_CHAIN_DEPTH} scripts deep, and names the script below that it did not follow`, () => {
    const within = expandScriptRun(chain(MAX_SCRIPT_CHAIN_DEPTH - 1), "s0");
    expect(someCommand(within, (c) => c.words[0]?.text === "prisma")).toBe(true);
    expect(notFollowedRuns(within)).toEqual([]);

    const started = performance.now();
    const beyond = expandScriptRun(chain(10_000), "s0");
    expect(someCommand(beyond, (c) => c.words[0]?.text === "prisma")).toBe(false);
    const [cut, ...more] = notFollowedRuns(beyond);
    expect(more).toEqual([]);
    expect(cut?.name).toBe(`s${MAX_SCRIPT_CHAIN_DEPTH}`);
    expect(cut?.notFollowed?.chain).toHaveLength(MAX_SCRIPT_CHAIN_DEPTH + 1);
    expect(describeChain(cut?.notFollowed?.chain ?? [])).toBe(`"s0" -> "s1" -> ... -> "s31" -> "s32"`);
    // Generous: the whole chain (10,000 shell parses, recursion 10,000 deep) took minutes or overflowed the stack.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("still stops at a script that runs itself, without calling it not followed", () => {
    const runs = expandScriptRun({ a: "npm run b && npm run a", b: "npm run a" }, "a");
    expect(names(runs)).toEqual(["a", "  b", "    a", "  a"]);
    expect(notFollowedRuns(runs)).toEqual([]);
  });
});
