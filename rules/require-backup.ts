/**
 * require-backup (docs/design.md, Rule groups group D `safety.backup`, seed 004 "Layer 4: automatic backup before
 * deletion"): in a mutation script (), a destructive mutation (Prisma `delete`/`deleteMany`,
 * destructive SQL at a sink, a `safety.destructive` name) that is not reached, on every path of its
 * function, only after a call of a `safety.backup` function. Off unless `safety.backup` is set.
 *
 * "On every path" is the control-flow view of src/analysis/code-path.ts: early returns, `if`/`else`,
 * loops, `try`/`finally`, `throw` and `process.exit` are paths, not lines. A backup in a helper of the same
 * file called first counts (the helper must back up on every path to its normal end); a destructive call in
 * a function of the same file counts as backed up when every call of that function is.
 *
 * Choice (awaiting): a backup function declared `async` in the same file must be awaited (`await backup()`
 * or `backup().then(...)`): an un-awaited promise lets the deletion start before the dump is written. A
 * backup function imported from elsewhere is taken as written (its return type is not known here).
 */
import { AST_NODE_TYPES, type TSESTree } from "../src/ts-ast.js";
import { createRule } from "../src/create-rule.js";
import { getCalleeName } from "../src/analysis/ast.js";
import { createCodePathView, resolveLocalFunction } from "../src/analysis/code-path.js";
import { mergeListeners, repoFactsFor } from "../src/analysis/imported-writes.js";
import { mutationScriptCheck } from "../src/analysis/mutation-script.js";
import { callMatches, type DestructiveCall, getDestructiveCall } from "../src/analysis/safety.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "noBackup" | "backupNotAwaited";

/** True when a call's value is awaited or chained with `.then` (its promise is waited for). */
export function isAwaited(call: TSESTree.CallExpression): boolean {
  const parent = call.parent;
  if (parent?.type === AST_NODE_TYPES.AwaitExpression) return true;
  return parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === call && !parent.computed && parent.property.type === AST_NODE_TYPES.Identifier && parent.property.name === "then";
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  noBackup:
    "{{what}} deletes data, but not every path to it runs a backup first ({{backup}}). Call the backup before the first destructive operation on every path, and stop if it fails.",
  backupNotAwaited:
    "{{what}} deletes data while the backup started on line {{line}} may still be running: {{name}}() is async and not awaited. Write await {{name}}() before deleting.",
};

export default createRule<[], MessageId>({
  name: "require-backup",
  meta: {
    type: "problem",
    docs: {
      description: "Require a call of a safety.backup function before every destructive mutation in a mutation script, on every path",
      recommended: true,
      group: "D",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    const backup = file.contract.safety?.backup;
    if (!backup || backup.length === 0) return {};
    const scripts = mutationScriptCheck(context, file);
    if (!scripts) return {};
    const destructive = file.contract.safety?.destructive;
    const schema = repoFactsFor(context, file).prismaSchema;
    const view = createCodePathView(context);
    const found: DestructiveCall[] = [];
    const unawaited: TSESTree.CallExpression[] = [];

    function isAsyncLocal(call: TSESTree.CallExpression): boolean {
      return resolveLocalFunction(call.callee, context.sourceCode.getScope(call))?.async === true;
    }

    const isBackup = (node: TSESTree.Node): boolean => node.type === AST_NODE_TYPES.CallExpression && callMatches(node, backup) && (!isAsyncLocal(node) || isAwaited(node));
    const isAnyBackup = (node: TSESTree.Node): boolean => callMatches(node, backup);

    function check(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      if (node.type === AST_NODE_TYPES.CallExpression && callMatches(node, backup) && isAsyncLocal(node) && !isAwaited(node)) unawaited.push(node);
      const call = getDestructiveCall(node, context.sourceCode.getScope(node), schema, destructive);
      if (call) found.push(call);
    }

    view.onComplete(() => {
      if (!scripts.isMutationScript()) return;
      const names = backup.map((name) => `${name}()`).join(" or ");
      for (const call of found) {
        if (!view.isReachable(call.node) || view.isReachedOnlyAfter(call.node, isBackup, { throughCallers: true })) continue;
        const pending = unawaited.find((b) => view.canReach(b, call.node));
        if (pending && view.isReachedOnlyAfter(call.node, isAnyBackup, { throughCallers: true })) {
          const name = getCalleeName(pending.callee) ?? "backup";
          context.report({ node: call.node, messageId: "backupNotAwaited", data: { what: call.what, line: pending.loc.start.line, name } });
          continue;
        }
        context.report({ node: call.node, messageId: "noBackup", data: { what: call.what, backup: names } });
      }
    });

    return mergeListeners(mergeListeners(view.listeners, scripts.listeners), {
      CallExpression: check,
      TaggedTemplateExpression: check,
    });
  },
});
