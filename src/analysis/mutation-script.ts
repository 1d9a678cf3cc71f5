/**
 * "Is this file a mutation script" (SPEC §6.1), for the group D rules that apply "in mutation scripts"
 * (`env-fail-closed`; `require-backup` and `dry-run-by-default` may use it too): an allowlisted file
 * (`mutationScripts`) or the deploy script, or a file in a script zone that loads a database client
 * directly or transitively (a static import, `export ... from`, `require()`, `import()` or
 * `import x = require()` of a `dbClients` specifier, or of a repository module that loads one, through the
 * repository facts; imports used only in types load nothing) or runs a Prisma CLI write (§6.8).
 *
 * This is the same definition `require-ci-guard` applies inline while it collects the client loads it
 * orders against the guard; the two should become one (the lead folds them).
 */
import path from "node:path";
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import type { RepoFacts } from "../facts/types.js";
import type { FileContext } from "../settings.js";
import { getStaticString } from "./ast.js";
import { isElidedImport } from "./imports.js";
import { getPrismaCliCall } from "./prisma-cli.js";

type Context = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** Listeners that watch the file's client loads, and the answer once the traversal is done. */
export interface MutationScriptTracker {
  /** Merge into the rule's listeners (`mergeListeners`), before the rule's own `Program:exit` runs. */
  listeners: TSESLint.RuleListener;
  /** True when the file is a mutation script (§6.1). Complete only at the rule's `Program:exit`. */
  isMutationScript(): boolean;
}

/**
 * A tracker for the linted file. An allowlisted or deploy script is one at once; a file outside a
 * script zone (or in `ignore`) never is.
 */
export function trackMutationScript(context: Context, file: FileContext, facts: RepoFacts): MutationScriptTracker {
  const listed = file.zone !== "ignore" && (file.role === "allowlisted" || file.role === "deploy");
  if (listed || file.zone !== "scripts") return { listeners: {}, isMutationScript: () => listed };
  let loads = false;
  const filename = path.resolve(context.cwd, context.physicalFilename);

  function specifier(spec: string | undefined, kind: "static" | "require" | "dynamic"): void {
    if (loads || spec === undefined) return;
    if (facts.isDbClientSpecifier(filename, spec, kind) || facts.loadsDbClient(filename, spec, kind)) loads = true;
  }

  function cli(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
    if (loads) return;
    if (getPrismaCliCall(node, context.sourceCode.getScope(node))?.commands.some((c) => c.write) === true) loads = true;
  }

  const listeners: TSESLint.RuleListener = {
    ImportDeclaration(node) {
      if (!isElidedImport(node, context.sourceCode.getDeclaredVariables(node), context.physicalFilename, facts.verbatimModuleSyntax(filename))) specifier(node.source.value, "static");
    },
    ExportAllDeclaration(node) {
      if (node.exportKind !== "type") specifier(node.source.value, "static");
    },
    ExportNamedDeclaration(node) {
      if (node.source && node.exportKind !== "type") specifier(node.source.value, "static");
    },
    TSImportEqualsDeclaration(node) {
      if (node.importKind === "type" || node.moduleReference.type !== AST_NODE_TYPES.TSExternalModuleReference) return;
      specifier(node.moduleReference.expression.value, "require");
    },
    ImportExpression(node) {
      specifier(getStaticString(node.source, context.sourceCode.getScope(node)), "dynamic");
    },
    CallExpression(node) {
      if (node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === "require") {
        const argument = node.arguments[0];
        if (argument && argument.type !== AST_NODE_TYPES.SpreadElement) specifier(getStaticString(argument, context.sourceCode.getScope(node)), "require");
        return;
      }
      cli(node);
    },
    TaggedTemplateExpression: cli,
  };
  return { listeners, isMutationScript: () => loads };
}
