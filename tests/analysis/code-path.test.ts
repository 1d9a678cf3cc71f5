/**
 * The control-flow view of src/analysis/code-path.ts, run inside ESLint's Linter (the code path events
 * exist only there). A test rule reports every call of `N()` that is not reached only after a call of
 * `E()` ("notAfter"), and every `N()` that is dead code ("dead"); `canReach` is asked for `A()` -> `B()`.
 */
import { Linter } from "eslint";
import tsParser from "@typescript-eslint/parser";
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import { createCodePathView } from "../../src/analysis/code-path.js";
import { mergeListeners } from "../../src/analysis/imported-writes.js";

const calleeIs = (node: TSESTree.Node, name: string): boolean =>
  node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === name;

const probe: TSESLint.RuleModule<"notAfter" | "dead" | "reaches", []> = {
  defaultOptions: [],
  meta: { type: "problem", schema: [], messages: { notAfter: "notAfter", dead: "dead", reaches: "reaches" } },
  create(context) {
    const view = createCodePathView(context);
    const targets: TSESTree.CallExpression[] = [];
    const from: TSESTree.CallExpression[] = [];
    const to: TSESTree.CallExpression[] = [];
    view.onComplete(() => {
      for (const n of targets) {
        if (!view.isReachable(n)) context.report({ node: n, messageId: "dead" });
        else if (!view.isReachedOnlyAfter(n, (x) => calleeIs(x, "E"), { throughCallers: true })) context.report({ node: n, messageId: "notAfter" });
      }
      for (const a of from) for (const b of to) if (view.canReach(a, b)) context.report({ node: a, messageId: "reaches" });
    });
    return mergeListeners(view.listeners, {
      CallExpression(node) {
        if (calleeIs(node, "N")) targets.push(node);
        if (calleeIs(node, "A")) from.push(node);
        if (calleeIs(node, "B")) to.push(node);
      },
    });
  },
};

function run(code: string): string[] {
  const linter = new Linter({ configType: "flat" });
  const messages = linter.verify(code, [
    { files: ["**/*.ts"], languageOptions: { parser: tsParser as unknown as Linter.Parser }, plugins: { t: { rules: { probe: probe as unknown as never } } }, rules: { "t/probe": "error" } },
  ], { filename: "x.ts" });
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return messages.map((m) => `${m.line}:${m.message}`);
}

describe("code path view: reached only after an event", () => {
  it("straight line, before and after", () => {
    expect(run("E();\nN();")).toEqual([]);
    expect(run("N();\nE();")).toEqual(["1:notAfter"]);
    expect(run("N(E());")).toEqual([]);
    expect(run("E(N());")).toEqual(["1:notAfter"]);
  });

  it("if/else: both branches, one branch, early return", () => {
    expect(run("if (c) E(); else E();\nN();")).toEqual([]);
    expect(run("if (c) E();\nN();")).toEqual(["2:notAfter"]);
    expect(run("function f() {\n  if (!c) return;\n  E();\n  N();\n}")).toEqual([]);
    expect(run("function f() {\n  if (c) { E(); } else { return; }\n  N();\n}")).toEqual([]);
  });

  it("loops: a loop that may run zero times, a back edge, continue", () => {
    expect(run("for (const x of xs) E();\nN();")).toEqual(["2:notAfter"]);
    expect(run("for (const x of xs) {\n  N();\n  E();\n}")).toEqual(["2:notAfter"]);
    expect(run("do { E(); } while (c);\nN();")).toEqual([]);
    expect(run("for (const x of xs) {\n  if (!E()) continue;\n  N();\n}")).toEqual([]);
  });

  it("throw and process.exit end a path; code after them is dead", () => {
    expect(run("if (!E()) throw new Error();\nN();")).toEqual([]);
    expect(run("if (!c) process.exit(1);\nE();\nN();")).toEqual([]);
    expect(run("if (c) { process.exit(1); } else { E(); }\nN();")).toEqual([]);
    expect(run("process.exit(0);\nN();")).toEqual(["2:dead"]);
    expect(run("throw new Error();\nN();")).toEqual(["2:dead"]);
  });

  it("try/catch/finally: an event in a try counts only when the catch stops", () => {
    expect(run("try { E(); } catch { process.exit(1); }\nN();")).toEqual([]);
    expect(run("try { E(); } catch { log(); }\nN();")).toEqual(["2:notAfter"]);
    expect(run("try { work(); } finally { E(); }\nN();")).toEqual([]);
    expect(run("try { E(); } finally { N(); }")).toEqual(["1:notAfter"]);
  });

  it("helpers of the same file: events inside them, and callers of the function holding N", () => {
    expect(run("function h() { log(); E(); }\nh();\nN();")).toEqual([]);
    expect(run("function h() { if (c) E(); }\nh();\nN();")).toEqual(["3:notAfter"]);
    expect(run("const h = () => { E(); };\nh();\nN();")).toEqual([]);
    expect(run("function g() { N(); }\nE();\ng();")).toEqual([]);
    expect(run("function g() { N(); }\ng();\nE();\ng();")).toEqual(["1:notAfter"]);
    expect(run("export function g() { N(); }\nE();\ng();")).toEqual(["1:notAfter"]);
    expect(run("function g() { N(); }\nE();\nxs.forEach(g);")).toEqual(["1:notAfter"]);
    // An inline callback runs only once the call it is passed to has been made.
    expect(run("E();\nxs.forEach((x) => { N(); });")).toEqual([]);
    expect(run("xs.forEach((x) => { N(); });\nE();")).toEqual(["1:notAfter"]);
    // A nested callback is its own code path: an E() inside it does not precede N().
    expect(run("const later = () => E();\nN();")).toEqual(["2:notAfter"]);
  });

  it("canReach follows paths forward, within one code path", () => {
    expect(run("A();\nB();")).toEqual(["1:reaches"]);
    expect(run("B();\nA();")).toEqual([]);
    expect(run("for (const x of xs) { B(); A(); }")).toEqual(["1:reaches"]);
    expect(run("if (c) { A(); } else { B(); }")).toEqual([]);
    expect(run("A();\nconst f = () => B();")).toEqual([]);
  });

  it("an empty file", () => {
    expect(run("")).toEqual([]);
  });
});
