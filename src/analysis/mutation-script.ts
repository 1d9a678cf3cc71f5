/**
 * "Is this file a mutation script" (docs/design.md, Mutation scripts), for `require-ci-guard` and the group D rules: an
 * allowlisted file (`mutationScripts`), the deploy script, or a file in a script zone that loads a
 * database client (a `dbClients` specifier, or with repository facts any module that loads one
 * transitively: static `import`, `export ... from`, `import x = require()`, `require()`, `import()`) or runs
 * a Prisma CLI write (`exec`/`spawn`). `import type` and imports used only in types load nothing.
 * Deprecated scripts are left to `deprecated-script-exits` (), so they are never mutation scripts here.
 */
import path from "node:path";
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "../ts-ast.js";
import { getStaticString } from "./ast.js";
import { repoFactsFor } from "./imported-writes.js";
import { isElidedImport } from "./imports.js";
import { getPrismaCliCall } from "./prisma-cli.js";
import type { Contract } from "../contract.js";
import type { RepoFacts } from "../facts/types.js";
import type { FileContext } from "../settings.js";

type Context = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** One way the file loads a database client. */
export interface ClientLoad {
  node: TSESTree.Node;
  /** "import": a hoisted static import or re-export; "load": require/import(); "cli": a Prisma CLI write. */
  kind: "import" | "load" | "cli";
  /** The specifier, or the Prisma command. */
  what: string;
}

/** True when a specifier names one of the contract's database clients (or a subpath of one). */
export function isDbClientSpecifier(specifier: string, contract: Contract): boolean {
  return contract.dbClients.some((client) => specifier === client || specifier.startsWith(`${client}/`));
}

/**
 * Listeners that call `onLoad` for every database client load and Prisma CLI write of the linted file.
 * @param facts the repository facts (for transitive loads and `verbatimModuleSyntax`).
 */
export function clientLoadListeners(context: Context, file: FileContext, facts: RepoFacts, onLoad: (load: ClientLoad) => void): TSESLint.RuleListener {
  const filename = path.resolve(context.cwd, context.physicalFilename);
  const { contract } = file;

  function loadsClient(specifier: string): boolean {
    return isDbClientSpecifier(specifier, contract) || facts.loadsDbClient(filename, specifier);
  }

  function addStatic(node: TSESTree.Node, source: TSESTree.StringLiteral): void {
    if (loadsClient(source.value)) onLoad({ node, kind: "import", what: source.value });
  }

  function addDynamic(node: TSESTree.Node, specifier: string | undefined): void {
    if (specifier !== undefined && loadsClient(specifier)) onLoad({ node, kind: "load", what: specifier });
  }

  return {
    ImportDeclaration(node) {
      // An import used only in types is elided by TypeScript and loads nothing
      // (regression: fixtures/corpus-regressions/type-only-import-elided, from dubinc/dub).
      const name = context.physicalFilename;
      if (!isElidedImport(node, context.sourceCode.getDeclaredVariables(node), name, facts.verbatimModuleSyntax(name))) addStatic(node, node.source);
    },
    ExportAllDeclaration(node) {
      if (node.exportKind !== "type") addStatic(node, node.source);
    },
    ExportNamedDeclaration(node) {
      if (node.source && node.exportKind !== "type") addStatic(node, node.source);
    },
    TSImportEqualsDeclaration(node) {
      // import x = require("@prisma/client"): a require where it stands.
      if (node.importKind === "type" || node.moduleReference.type !== AST_NODE_TYPES.TSExternalModuleReference) return;
      addDynamic(node, node.moduleReference.expression.value);
    },
    ImportExpression(node) {
      addDynamic(node, getStaticString(node.source, context.sourceCode.getScope(node)));
    },
    CallExpression(node) {
      const scope = context.sourceCode.getScope(node);
      if (node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === "require") {
        const argument = node.arguments[0];
        if (argument && argument.type !== AST_NODE_TYPES.SpreadElement) addDynamic(node, getStaticString(argument, scope));
        return;
      }
      const cli = getPrismaCliCall(node, scope)?.commands.find((c) => c.write);
      if (cli) onLoad({ node, kind: "cli", what: cli.command });
    },
    TaggedTemplateExpression(node) {
      const cli = getPrismaCliCall(node, context.sourceCode.getScope(node))?.commands.find((c) => c.write);
      if (cli) onLoad({ node, kind: "cli", what: cli.command });
    },
  };
}

/** What `mutationScriptListeners` answers once the file has been traversed. */
export interface MutationScriptCheck {
  /** Merge into the rule's listeners. */
  listeners: TSESLint.RuleListener;
  /** True when the file is a mutation script (valid after `Program:exit`). */
  isMutationScript(): boolean;
}

/**
 * The predicate for a rule: undefined when the file can never be a mutation script (not in a script
 * zone and not allowlisted or the deploy script, ignored, or deprecated), else listeners and the answer.
 */
export function mutationScriptCheck(context: Context, file: FileContext): MutationScriptCheck | undefined {
  if (file.zone === "ignore" || file.role === "deprecated") return undefined;
  const listed = file.role === "allowlisted" || file.role === "deploy";
  if (!listed && file.zone !== "scripts") return undefined;
  let loads = 0;
  const listeners = listed ? {} : clientLoadListeners(context, file, repoFactsFor(context, file), () => loads++);
  return { listeners, isMutationScript: () => listed || loads > 0 };
}
