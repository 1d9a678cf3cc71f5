/**
 * no-bypass-env (docs/design.md, Rule groups group A): a read or write of an environment variable whose name
 * matches `bypass.patterns` (src/analysis/env-names.ts), in every form src/analysis/env-access.ts sees, and
 * any setting of the CI guard's variable (`ciGuard.env`) to a value that may be `ciGuard.equals` in code
 * (assignment, `Object.assign`, `Reflect.set`, a child process's env). Reading the guard's variable is silent.
 * Test files (the `tests` zone) and ignored files are not checked.
 */
import { createRule } from "../src/create-rule.js";
import { envAccessListeners } from "../src/analysis/env-access.js";
import { isCiGuardName, matchBypassName } from "../src/analysis/env-names.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "bypassName" | "bypassPrefix" | "ciSet";

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports the non-code sources with the same texts. */
export const MESSAGES: Record<MessageId, string> = {
  bypassName:
    'Environment variable "{{name}}" matches the bypass pattern "{{pattern}}": a bypass flag switches production safety off. Remove it, or list it in the contract\'s bypass.allow with a reason.',
  bypassPrefix:
    'Environment variable name starting "{{name}}" matches the bypass pattern "{{pattern}}": a computed bypass flag is still a bypass. Remove it.',
  ciSet:
    'Setting {{name}} to "{{value}}" makes CI-only guards pass outside CI. Never set {{name}} in code; let the CI system set it.',
};

export default createRule<[], MessageId>({
  name: "no-bypass-env",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow bypass environment variables (SKIP_*, BYPASS_*, ALLOW_*) and setting CI=true in code",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (file.zone === "tests" || file.zone === "ignore") return {};
    const { contract } = file;
    return envAccessListeners(context, (access) => {
      if (access.complete && isCiGuardName(access.name, contract)) {
        // Reading the guard's variable is what a guard does; only setting it to the guard value is a bypass.
        if (access.kind !== "read" && access.values?.includes(contract.ciGuard.equals) === true) {
          context.report({ node: access.node, messageId: "ciSet", data: { name: access.name, value: contract.ciGuard.equals } });
        }
        return;
      }
      const pattern = matchBypassName(access.name, contract, access.complete);
      if (pattern === undefined) return;
      context.report({
        node: access.node,
        messageId: access.complete ? "bypassName" : "bypassPrefix",
        data: { name: access.name, pattern },
      });
    });
  },
});
