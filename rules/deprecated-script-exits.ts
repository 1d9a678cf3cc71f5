/**
 * deprecated-script-exits (docs/design.md, Rule groups group A): a `deprecatedScripts` file whose first
 * statements are not an error message (`console.error(...)`, or a thrown `Error`) and a non-zero
 * `process.exit` or a `throw`, or that has any import (`import`, `import type`, `export ... from`,
 * `import x = require()`: static imports are hoisted and run before the exit). A `require()` after the
 * exit is fine. A deleted deprecated file is fine: there is nothing to lint.
 *
 * Directives (`"use strict"`), type-only declarations and the imports themselves (reported on their own)
 * may stand before the exit. The rule also owns every database write and Prisma CLI call in a deprecated
 * file (: one problem, one finding, at its node), wherever it stands.
 */
import { AST_NODE_TYPES, type TSESTree } from "../src/ts-ast.js";
import { createRule } from "../src/create-rule.js";
import { describeNode, getCalleeName, skipTypeWrappers } from "../src/analysis/ast.js";
import { repoFactsFor } from "../src/analysis/imported-writes.js";
import { getDatabaseWrite } from "../src/analysis/mutations.js";
import { getPrismaCliCall } from "../src/analysis/prisma-cli.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "mustExitFirst" | "neverExits" | "missingMessage" | "zeroExit" | "noExit" | "importFound" | "databaseWrite" | "prismaCli";

/** Statements that do nothing at run time and may stand before the exit. */
function isInert(statement: TSESTree.ProgramStatement): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.EmptyStatement:
    case AST_NODE_TYPES.TSTypeAliasDeclaration:
    case AST_NODE_TYPES.TSInterfaceDeclaration:
    case AST_NODE_TYPES.TSDeclareFunction:
      return true;
    case AST_NODE_TYPES.ExpressionStatement:
      return statement.directive !== undefined;
    case AST_NODE_TYPES.VariableDeclaration:
    case AST_NODE_TYPES.TSModuleDeclaration:
    case AST_NODE_TYPES.TSEnumDeclaration:
      return statement.declare === true;
    case AST_NODE_TYPES.ExportNamedDeclaration:
      return statement.exportKind === "type" || (statement.source === null && statement.declaration === null && statement.specifiers.length === 0);
    default:
      return false;
  }
}

/** An import-like statement: it loads its module before any statement runs (`import x = require()` where it stands). */
function importedModule(statement: TSESTree.ProgramStatement): string | undefined {
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration:
    case AST_NODE_TYPES.ExportAllDeclaration:
      return statement.source.value;
    case AST_NODE_TYPES.ExportNamedDeclaration:
      return statement.source?.value;
    case AST_NODE_TYPES.TSImportEqualsDeclaration:
      return statement.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference ? statement.moduleReference.expression.value : undefined;
    default:
      return undefined;
  }
}

/** The call of an expression statement (`f()`, `await f()`), if any. */
function statementCall(statement: TSESTree.Node | undefined): TSESTree.CallExpression | undefined {
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
  let expression = skipTypeWrappers(statement.expression);
  if (expression.type === AST_NODE_TYPES.AwaitExpression) expression = skipTypeWrappers(expression.argument);
  return expression.type === AST_NODE_TYPES.CallExpression ? expression : undefined;
}

/** `<object>.<method>(...)` with a plain identifier object (`console.error`, `process.exit`). */
function isMemberCall(call: TSESTree.CallExpression | undefined, object: string, method: string): boolean {
  const callee = call ? skipTypeWrappers(call.callee) : undefined;
  return (
    callee?.type === AST_NODE_TYPES.MemberExpression &&
    !callee.computed &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    callee.object.name === object &&
    callee.property.type === AST_NODE_TYPES.Identifier &&
    callee.property.name === method
  );
}

/** `throw new Error(...)`, `throw new DeprecatedError(...)`, `throw Error(...)`: a thrown error carries its message. */
function throwsError(statement: TSESTree.ThrowStatement): boolean {
  const argument = skipTypeWrappers(statement.argument);
  if (argument.type !== AST_NODE_TYPES.NewExpression && argument.type !== AST_NODE_TYPES.CallExpression) return false;
  const name = getCalleeName(argument.callee);
  return name !== undefined && /Error$/.test(name);
}

/** The exit code of `process.exit(...)`: a number for a numeric literal, 0 for none, undefined when unknown. */
function exitCode(call: TSESTree.CallExpression): number | undefined {
  const argument = call.arguments[0];
  if (!argument) return 0;
  const node = skipTypeWrappers(argument);
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === "number") return node.value;
  if (node.type === AST_NODE_TYPES.UnaryExpression && node.operator === "-" && node.argument.type === AST_NODE_TYPES.Literal && typeof node.argument.value === "number") {
    return -node.argument.value;
  }
  return undefined;
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  mustExitFirst:
    'This deprecated script runs `{{statement}}` before it exits. Begin it with console.error("<why, and what to run instead>") and process.exit(1), or throw new Error("..."), before any other statement.',
  neverExits:
    'This deprecated script never exits: running it does nothing and succeeds. Make it console.error("<why, and what to run instead>") and process.exit(1), or throw new Error("...").',
  missingMessage:
    "This deprecated script exits without saying why. Print the reason and what to run instead with console.error(...) right before the exit, or throw new Error(\"...\").",
  zeroExit:
    "This deprecated script ends with {{call}}, which is not a non-zero exit: callers and `&&` chains go on as if it had run. Exit with process.exit(1).",
  noExit:
    "This deprecated script prints an error but does not exit. Add process.exit(1) right after the message, before anything else.",
  importFound:
    'Import of "{{module}}" in a deprecated script: imports are hoisted and run before the exit (and even import type ties the script to code it no longer needs). Remove it; a require() after the exit is fine.',
  databaseWrite:
    "Database write ({{what}}) in a deprecated script: a retired script must not reach the database. Delete the old code (git history keeps it).",
  prismaCli:
    'Prisma CLI call ("{{command}}") in a deprecated script: a retired script must not run Prisma. Delete the old code (git history keeps it).',
};

/** The Python wording of the messages (src/sources/python/): Python runs imports where they stand, and exits with sys.exit. */
export const PYTHON_MESSAGES: Partial<Record<MessageId, string>> = {
  mustExitFirst:
    'This deprecated script runs `{{statement}}` before it exits. Begin it with sys.exit("<why, and what to run instead>") (or print the reason to sys.stderr, then sys.exit(1)), or raise SystemExit("..."), before any other statement.',
  missingMessage:
    'This deprecated script exits without saying why. Exit with the reason and what to run instead: sys.exit("...") or raise SystemExit("...").',
  zeroExit:
    "This deprecated script ends with {{call}}, which is not a non-zero exit: callers and `&&` chains go on as if it had run. Exit with sys.exit(1), or sys.exit(\"<why>\").",
  neverExits: 'This deprecated script never exits: running it does nothing and succeeds. Make it sys.exit("<why, and what to run instead>"), or raise SystemExit("...").',
  noExit: "This deprecated script prints an error but does not exit. Add sys.exit(1) right after the message, before anything else.",
  importFound:
    'Import of "{{module}}" above the exit of a deprecated script: it loads a database client before the script stops. Remove it, or put the exit first.',
};

export default createRule<[], MessageId>({
  name: "deprecated-script-exits",
  meta: {
    type: "problem",
    docs: {
      description: "Require deprecated scripts to print an error and exit non-zero before doing anything else, with no imports",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (file.zone === "ignore") return {};
    const deprecated = file.contract.deprecatedScripts.includes(file.repoPath);
    //: the role decides who owns mutations (the deploy script's own rule wins over this one).
    const ownsMutations = file.role === "deprecated";
    if (!deprecated && !ownsMutations) return {};
    const schema = ownsMutations ? repoFactsFor(context, file).prismaSchema : undefined;

    function checkMutation(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      if (!ownsMutations) return;
      const scope = context.sourceCode.getScope(node);
      const cli = getPrismaCliCall(node, scope);
      if (cli) {
        context.report({ node, messageId: "prismaCli", data: { command: cli.commands.map((c) => c.command).join(", ") } });
        return;
      }
      const write = getDatabaseWrite(node, scope, schema);
      if (write) context.report({ node, messageId: "databaseWrite", data: { what: write.model === undefined ? write.operation : `${write.model}.${write.operation}` } });
    }

    function checkPrologue(program: TSESTree.Program): void {
      const statements = program.body.filter((s) => !isInert(s) && importedModule(s) === undefined);
      let index = 0;
      while (isMemberCall(statementCall(statements[index]), "console", "error")) index += 1;
      const messages = index;
      const ender = statements[index];
      if (!ender) {
        if (messages === 0) context.report({ loc: { line: 1, column: 0 }, messageId: "neverExits" });
        else context.report({ node: statements[messages - 1] as TSESTree.Node, messageId: "noExit" });
        return;
      }
      if (ender.type === AST_NODE_TYPES.ThrowStatement) {
        if (messages === 0 && !throwsError(ender)) context.report({ node: ender, messageId: "missingMessage" });
        return;
      }
      const call = statementCall(ender);
      if (call && isMemberCall(call, "process", "exit")) {
        const code = exitCode(call);
        if (code === undefined || code === 0) {
          context.report({ node: call, messageId: "zeroExit", data: { call: context.sourceCode.getText(call) } });
          return;
        }
        if (messages === 0) context.report({ node: ender, messageId: "missingMessage" });
        return;
      }
      if (messages === 0) context.report({ node: ender, messageId: "mustExitFirst", data: { statement: describeNode(context.sourceCode, ender) } });
      else context.report({ node: ender, messageId: "noExit" });
    }

    return {
      Program(program) {
        if (!deprecated) return;
        for (const statement of program.body) {
          const module = importedModule(statement);
          if (module !== undefined) context.report({ node: statement, messageId: "importFound", data: { module } });
        }
        checkPrologue(program);
      },
      CallExpression: checkMutation,
      TaggedTemplateExpression: checkMutation,
    };
  },
});
