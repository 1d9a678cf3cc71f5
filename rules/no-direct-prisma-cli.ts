/**
 * no-direct-prisma-cli (docs/design.md, Rule groups group A): a Prisma CLI command that writes to a database
 * (`migrate deploy`, `migrate reset`, `migrate resolve`, `db push`, `db execute`, `db seed`) run from
 * code (`exec*`, `spawn*`, `execa`, zx `$`; src/analysis/prisma-cli.ts reads them) where it is not
 * allowlisted. Read-only commands (`migrate dev`, `generate`, `studio`, `migrate status`, `validate`,
 * `format`) are silent.
 *
 * One problem, one finding (): this rule owns the Prisma CLI calls of files whose role is "other".
 * The deploy script, deprecated scripts, allowlisted scripts (`mutationScripts`: `mutation-scope`
 * checks the command against the entry's `operations`) and script zones have a more specific rule that
 * reports the same call. Ignored files are not checked. `package.json` scripts, workflow files, shell
 * scripts and Dockerfiles are read by `contract-scan` (src/sources/), with the same detector and MESSAGES.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/create-rule.js";
import { getPrismaCliCall } from "../src/analysis/prisma-cli.js";
import { MUTATION_OWNER } from "../src/roles.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "cliWrite" | "cliUnknown";

/** The command word a template hole leaves in `PrismaCommand.command`. */
const UNKNOWN_WORD = "<unknown>";

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports the non-code sources with the same texts. */
export const MESSAGES: Record<MessageId, string> = {
  cliWrite:
    '"{{command}}" writes to the database, and this file may not run it. Run it from the deploy script, or from a script listed in the contract\'s mutationScripts with "{{command}}" in its operations.',
  cliUnknown:
    '"{{command}}" cannot be read statically, and a Prisma command may write to the database. Write the command literally, and run writing commands only from the deploy script or an allowlisted script.',
};

export default createRule<[], MessageId>({
  name: "no-direct-prisma-cli",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow Prisma CLI commands that write to a database (migrate deploy/reset/resolve, db push/execute/seed) run from code outside allowlisted scripts",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (file.zone === "ignore" || MUTATION_OWNER[file.role] !== "no-direct-prisma-cli") return {};

    function check(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      const call = getPrismaCliCall(node, context.sourceCode.getScope(node));
      if (!call) return;
      const reported = new Set<string>();
      for (const { command, write } of call.commands) {
        if (!write || reported.has(command)) continue;
        reported.add(command);
        context.report({ node, messageId: command.includes(UNKNOWN_WORD) ? "cliUnknown" : "cliWrite", data: { command } });
      }
    }

    return { CallExpression: check, TaggedTemplateExpression: check };
  },
});
