/**
 * no-unlisted-mutation-script (docs/design.md, Rule groups group A): a file in a script zone that writes to the
 * database and is not in `mutationScripts`. A write is what "is this a database write" says
 * (src/analysis/mutations.ts: a Prisma delegate write, `$executeRaw*`, writing SQL at a sink), a Prisma
 * CLI write (src/analysis/prisma-cli.ts), or a call of a function imported from a repository module that
 * the repository facts list as mutating (src/analysis/imported-writes.ts).
 *
 * One problem, one finding: the file is reported once, at its first write in source order. The rule owns
 * files whose role (src/roles.ts) is "script": the deploy script, deprecated and allowlisted scripts are
 * reported by their own rules. A real write is enough: the rule does not also ask whether the file loads
 * a database client (a write through a `tx` parameter still writes).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/create-rule.js";
import { factModule, type ImportedWrite, importedWriteListeners, mergeListeners, repoFactsFor, viaOf } from "../src/analysis/imported-writes.js";
import { type DatabaseWrite, getDatabaseWrite } from "../src/analysis/mutations.js";
import { getPrismaCliCall } from "../src/analysis/prisma-cli.js";
import type { MutationFact } from "../src/facts/types.js";
import { MUTATION_OWNER } from "../src/roles.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "unlisted" | "unlistedThroughImport";

/** What a write does, for messages: `User.deleteMany`, `executeRaw`, `prisma db push`. */
function describeWrite(write: Pick<DatabaseWrite, "operation" | "model"> | MutationFact): string {
  return write.model === undefined ? write.operation : `${write.model}.${write.operation}`;
}

interface Finding {
  node: TSESTree.Node;
  messageId: MessageId;
  data: Record<string, string>;
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  unlisted:
    "This script writes to the database ({{what}}) but is not in the contract's mutationScripts. List it there with the operations and tables it needs, so the write is reviewed and scoped, or move the write out of the script.",
  unlistedThroughImport:
    "This script writes to the database through {{via}} ({{what}} in {{module}}) but is not in the contract's mutationScripts. List it there with the operations and tables it needs, or stop using the mutating module.",
};

export default createRule<[], MessageId>({
  name: "no-unlisted-mutation-script",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow scripts that write to the database (directly or through imported functions) unless the contract's mutationScripts lists them",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (MUTATION_OWNER[file.role] !== "no-unlisted-mutation-script") return {};
    const facts = repoFactsFor(context, file);
    const schema = facts.prismaSchema;
    let first: Finding | undefined;

    function consider(finding: Finding): void {
      if (!first || finding.node.range[0] < first.node.range[0]) first = finding;
    }

    function check(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      // Nodes are visited in source order: once a write is found, later nodes cannot come first.
      if (first) return;
      const scope = context.sourceCode.getScope(node);
      const write = getDatabaseWrite(node, scope, schema);
      if (write) {
        consider({ node, messageId: "unlisted", data: { what: describeWrite(write) } });
        return;
      }
      const command = getPrismaCliCall(node, scope)?.commands.find((c) => c.write);
      if (command) consider({ node, messageId: "unlisted", data: { what: command.command } });
    }

    const imported: TSESLint.RuleListener = importedWriteListeners(context, facts, (use: ImportedWrite) => {
      const fact = use.writes[0] as MutationFact;
      consider({ node: use.node, messageId: "unlistedThroughImport", data: { via: viaOf(use), what: describeWrite(fact), module: factModule(fact, file.root) } });
    });

    const own: TSESLint.RuleListener = {
      CallExpression: check,
      TaggedTemplateExpression: check,
      "Program:exit"() {
        if (first) context.report({ node: first.node, messageId: first.messageId, data: first.data });
      },
    };
    // The imported writes are collected at their Program:exit, which runs before this rule's own.
    return mergeListeners(imported, own);
  },
});
