/**
 * require-ci-guard (docs/design.md, Rule groups group A): a mutation script whose database client can load
 * before the CI guard has run.
 *
 * Mutation scripts (): allowlisted files (`mutationScripts`), the deploy script, and files in a script
 * zone that load a database client (a `dbClients` specifier, or with repository facts any module that loads
 * one transitively) or run a Prisma CLI write (a CLI write through exec/spawn counts as a client load,
 *). Inside a `deprecatedScripts` file the rule is silent: `deprecated-script-exits` stands in for it.
 *
 * Order (ESM semantics): static `import` declarations and `export ... from` are hoisted and run before any
 * statement, so only a guard module imported earlier protects them (a module in `ciGuard.modules`, or one
 * that begins with the guard); `require()`, `import()` and CLI calls run where they stand, so a guard before
 * them protects them (see `isAfterGuard`). `import type` loads nothing. The guard itself is what
 * src/analysis/guard.ts says (); a weakened guard protects nothing and the message says why.
 *
 * One problem, one finding: a file is reported once, at the first unprotected client load in evaluation
 * order (static imports first, then the rest in source order). An allowlisted script or the deploy script
 * in which no client load is visible (it loads one through a module only the repository facts can follow)
 * still needs a guard: without an effective one it is reported at line 1, column 1.
 */
import path from "node:path";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/create-rule.js";
import { analyzeGuards, describeWeakness, type GuardAnalysis, guardModuleTester, isAfterGuard, isStaticImport } from "../src/analysis/guard.js";
import { mergeListeners, repoFactsFor } from "../src/analysis/imported-writes.js";
import { type ClientLoad, clientLoadListeners } from "../src/analysis/mutation-script.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "noGuardBeforeImport" | "hoistedImport" | "noGuard" | "loadBeforeGuard" | "weakGuard" | "noGuardInScript";

/** `Importing "x"`, `Loading "x"`, `Running "prisma migrate deploy"`, for messages. */
function describeLoad(load: ClientLoad): string {
  if (load.kind === "import") return `Importing "${load.what}"`;
  if (load.kind === "load") return `Loading "${load.what}"`;
  return `Running "${load.what}"`;
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  noGuardBeforeImport:
    '"{{module}}" loads a database client, but this mutation script has no CI guard. Static imports run before any statement, so add a first import of a guard module (import "./ci-guard", a module that begins with: if (process.env.{{env}} !== "{{equals}}") process.exit(1)), or load the client with await import() after such a guard.',
  hoistedImport:
    '"{{module}}" loads a database client before the CI guard on line {{line}} runs: static imports are hoisted and run before any statement. Move the guard into a module imported first (import "./ci-guard"), or load the client with await import() or require() after the guard.',
  noGuard:
    '{{what}} in a mutation script with no CI guard. Before it, at module top level, end the process unless {{env}} is exactly "{{equals}}": if (process.env.{{env}} !== "{{equals}}") process.exit(1).',
  loadBeforeGuard:
    "{{what}} runs before the CI guard on line {{line}} has run. Move the guard above it, at module top level, so nothing reaches the database outside CI.",
  weakGuard:
    '{{what}} is not protected: the CI guard on line {{line}} {{reason}}. A guard must end the process (process.exit(1) or throw) on every path where {{env}} is not exactly "{{equals}}", at module top level, with no other condition.',
  noGuardInScript:
    'This mutation script has no CI guard. Begin it with if (process.env.{{env}} !== "{{equals}}") process.exit(1) (or a first import of a guard module), so it cannot reach the database outside CI.',
};

/**
 * The Python wording of the messages that show JavaScript code (src/sources/python/): Python runs imports
 * in order, so the fix is a guard above the import, written in Python.
 */
export const PYTHON_MESSAGES: Partial<Record<MessageId, string>> = {
  noGuardBeforeImport:
    '"{{module}}" loads a database client, but this mutation script has no CI guard. Python runs imports in order: above this import, at module top level, end the process unless {{env}} is exactly "{{equals}}": if os.environ.get("{{env}}") != "{{equals}}": sys.exit(1) (or import a guard module first).',
  noGuard:
    '{{what}} in a mutation script with no CI guard. Before it, at module top level, end the process unless {{env}} is exactly "{{equals}}": if os.environ.get("{{env}}") != "{{equals}}": sys.exit(1).',
  weakGuard:
    '{{what}} is not protected: the CI guard on line {{line}} {{reason}}. A guard must end the process (sys.exit(1) or raise) on every path where {{env}} is not exactly "{{equals}}", before the client loads, with no other condition.',
  noGuardInScript:
    'This mutation script has no CI guard. Begin it with if os.environ.get("{{env}}") != "{{equals}}": sys.exit(1) (or an import of a guard module), so it cannot reach the database outside CI.',
};

export default createRule<[], MessageId>({
  name: "require-ci-guard",
  meta: {
    type: "problem",
    docs: {
      description: "Require mutation scripts to end the process unless CI is exactly \"true\" before their database client can load",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (file.zone === "ignore" || file.role === "deprecated") return {};
    const listed = file.role === "allowlisted" || file.role === "deploy";
    if (!listed && file.zone !== "scripts") return {};
    const { contract } = file;
    const filename = path.resolve(context.cwd, context.physicalFilename);
    const facts = repoFactsFor(context, file);
    const loads: ClientLoad[] = [];

    function report(analysis: GuardAnalysis, load: ClientLoad | undefined): void {
      const { env, equals } = contract.ciGuard;
      const guard = analysis.guards[0];
      const weak = analysis.weakened[0];
      const loc = { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
      if (!load) {
        if (weak) {
          context.report({ loc, messageId: "weakGuard", data: { what: "This mutation script", line: weak.node.loc.start.line, reason: describeWeakness(weak, contract.ciGuard), env, equals } });
        } else {
          context.report({ loc, messageId: "noGuardInScript", data: { env, equals } });
        }
        return;
      }
      const what = describeLoad(load);
      if (guard && (load.kind !== "import" || guard.staticImportIndex === undefined)) {
        if (load.kind === "import") context.report({ node: load.node, messageId: "hoistedImport", data: { module: load.what, line: guard.node.loc.start.line } });
        else context.report({ node: load.node, messageId: "loadBeforeGuard", data: { what, line: guard.node.loc.start.line } });
        return;
      }
      if (guard) {
        // Only a guard module imported after this import: the same fix as a guard written below it.
        context.report({ node: load.node, messageId: "hoistedImport", data: { module: load.what, line: guard.node.loc.start.line } });
        return;
      }
      if (weak) {
        context.report({ node: load.node, messageId: "weakGuard", data: { what, line: weak.node.loc.start.line, reason: describeWeakness(weak, contract.ciGuard), env, equals } });
        return;
      }
      if (load.kind === "import") context.report({ node: load.node, messageId: "noGuardBeforeImport", data: { module: load.what, env, equals } });
      else context.report({ node: load.node, messageId: "noGuard", data: { what, env, equals } });
    }

    return mergeListeners(clientLoadListeners(context, file, facts, (load) => loads.push(load)), {
      "Program:exit"(program: TSESTree.Program) {
        if (loads.length === 0 && !listed) return;
        const analysis = analyzeGuards(program, {
          ciGuard: contract.ciGuard,
          scopeOf: (node) => context.sourceCode.getScope(node),
          scopeManager: context.sourceCode.scopeManager as NonNullable<typeof context.sourceCode.scopeManager>,
          sourceText: context.sourceCode.text,
          isGuardModule: guardModuleTester(contract.ciGuard, filename, file.root, facts),
        });
        if (loads.length === 0) {
          if (analysis.guards.length === 0) report(analysis, undefined);
          return;
        }
        // Evaluation order: hoisted static imports first, then everything else in source order.
        const ordered = [...loads].sort((a, b) => Number(!isStaticImport(a.node)) - Number(!isStaticImport(b.node)) || a.node.range[0] - b.node.range[0]);
        const first = ordered.find((load) => !isAfterGuard(analysis, load.node));
        if (first) report(analysis, first);
      },
    });
  },
});
