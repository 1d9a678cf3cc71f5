/**
 * The npm-run chain (src/sources/npm-scripts.ts), shared by the CI=true check and deploy-pipeline-order:
 * which package scripts a command runs, and what running a script runs, hooks included.
 */
import { describe, expect, it } from "vitest";
import { expandScriptRun, scriptGroupsOf, type ScriptRun } from "../../src/sources/npm-scripts.js";

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
