/**
 * no-contract-disable (docs/design.md, Rule groups group B): an inline ESLint comment that switches off a check of the
 * production contract. Reports, at the comment:
 * - an `eslint-disable`, `eslint-disable-line` or `eslint-disable-next-line` directive whose rule list
 *   names a `production-safety/*` rule (or a rule of the namespace this rule itself is configured under,
 *   when a config registers the plugin under another name);
 * - the same directives without a rule list (blanket) in a script zone, an allowlisted, deploy or
 *   deprecated file (docs/design.md, One problem, one finding roles): there they switch off every production-safety rule too;
 * - an `/* eslint <rule>: <setting> *\/` configuration comment that sets a production-safety rule to
 *   anything but `"error"` (off, warn, or with options).
 *
 * Comments are read exactly as ESLint reads them (`ConfigCommentParser` of `@eslint/plugin-kit`, ESLint's
 * own parser): a `// eslint-disable` line comment, a multi-line `eslint-disable-line` and a directive
 * that does not start the comment have no effect in ESLint and are not reported. `eslint-enable` turns
 * checks back on and is not reported. Files in the `ignore` zone are not checked.
 *
 * contract-scan lints with `noInlineConfig`, so it honours none of these comments, yet the comments stay
 * in the AST (`sourceCode.getAllComments()`) and this rule reports them. Plain ESLint applies directives
 * after every rule has run, and gives a rule no way to opt out: a directive that names this rule itself
 * (`// eslint-disable-line production-safety/no-contract-disable`) hides this rule's finding in the
 * editor, as `"off"` in a configuration comment stops it from running; contract-scan still reports both.
 */
import type * as PluginKit from "@eslint/plugin-kit";
import { lazyRequire } from "../src/lazy-require.js";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule, PLUGIN_NAMESPACE } from "../src/create-rule.js";
import type { FileRole } from "../src/roles.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "namedDisable" | "blanketDisable" | "inlineConfig";

const DISABLE_DIRECTIVES = new Set(["eslint-disable", "eslint-disable-line", "eslint-disable-next-line"]);

/** What a blanket disable would switch off, by file role; "other" files may hold blanket disables. */
const ROLE_DESCRIPTION: Readonly<Record<Exclude<FileRole, "other">, string>> = {
  deploy: "the deploy script",
  deprecated: "a deprecated script",
  allowlisted: "an allowlisted mutation script",
  script: "a script zone",
};

/** ESLint's comment parser (@eslint/plugin-kit), made when the first comment is read. */
const pluginKit = lazyRequire<typeof PluginKit>("@eslint/plugin-kit");
let commentParser: PluginKit.ConfigCommentParser | undefined;
function parser(): PluginKit.ConfigCommentParser {
  return (commentParser ??= new (pluginKit().ConfigCommentParser)());
}

/** The namespaces whose rule ids are this plugin's: `production-safety`, and the one `ruleId` is configured under. */
function ownNamespaces(ruleId: string): string[] {
  const slash = ruleId.lastIndexOf("/");
  const configured = slash === -1 ? "" : ruleId.slice(0, slash);
  return configured === "" || configured === PLUGIN_NAMESPACE ? [PLUGIN_NAMESPACE] : [PLUGIN_NAMESPACE, configured];
}

/** A rule setting (`"off"`, `1`, `["error", {...}]`) that leaves the rule at error without options. */
function isPlainError(setting: unknown): boolean {
  const value: unknown = Array.isArray(setting) && setting.length === 1 ? setting[0] : setting;
  return value === "error" || value === 2;
}

export default createRule<[], MessageId>({
  name: "no-contract-disable",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow inline ESLint comments that turn off production-safety rules, and blanket eslint-disable comments in mutation scripts",
      recommended: true,
      group: "B",
    },
    schema: [],
    messages: {
      namedDisable:
        '"{{directive}}" turns off {{rules}}, a check of the production contract. Fix what the rule reports, or change the contract in a reviewed pull request (allowlist the script, allow the bypass name with a reason); contract-scan ignores inline disables and reports this comment.',
      blanketDisable:
        '"{{directive}}" without a rule list turns off every production-safety rule in {{where}}. List the rules it is meant for, none of them production-safety; fix what production-safety reports, or change the contract in a reviewed pull request.',
      inlineConfig:
        'This configuration comment sets {{rule}} to {{setting}} in this file. Remove it: the contract decides what this file may do (change the contract in a reviewed pull request); contract-scan ignores configuration comments and reports this one.',
    },
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (file.zone === "ignore") return {};
    const prefixes = ownNamespaces(context.id).map((namespace) => `${namespace}/`);
    const isOwnRule = (ruleId: string): boolean => prefixes.some((prefix) => ruleId.startsWith(prefix));
    const blanketWhere = file.role === "other" ? undefined : ROLE_DESCRIPTION[file.role];

    function checkDisable(comment: TSESTree.Comment, directive: string, value: string): void {
      // ESLint reads rule lists with the same parser (linter.js createDisableDirectives).
      const ruleIds = Object.keys(parser().parseListConfig(value));
      if (ruleIds.length === 0) {
        if (blanketWhere !== undefined) context.report({ loc: comment.loc, messageId: "blanketDisable", data: { directive, where: blanketWhere } });
        return;
      }
      const own = ruleIds.filter(isOwnRule);
      if (own.length > 0) context.report({ loc: comment.loc, messageId: "namedDisable", data: { directive, rules: own.join(", ") } });
    }

    function checkInlineConfig(comment: TSESTree.Comment, value: string): void {
      const parsed = parser().parseJSONLikeConfig(value);
      // A comment ESLint cannot parse configures nothing (ESLint reports it itself).
      if (!parsed.ok) return;
      for (const [rule, setting] of Object.entries(parsed.config)) {
        if (isOwnRule(rule) && !isPlainError(setting)) context.report({ loc: comment.loc, messageId: "inlineConfig", data: { rule, setting: JSON.stringify(setting) } });
      }
    }

    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const parsed = parser().parseDirective(comment.value);
          if (parsed === undefined) continue;
          const { label, value } = parsed;
          // As ESLint's SourceCode#getInlineConfigNodes: line comments carry only the -line directives.
          if (comment.type === "Line" && label !== "eslint-disable-line" && label !== "eslint-disable-next-line") continue;
          if (label === "eslint-disable-line" && comment.loc.start.line !== comment.loc.end.line) continue;
          if (DISABLE_DIRECTIVES.has(label)) checkDisable(comment, label, value);
          else if (label === "eslint") checkInlineConfig(comment, value);
        }
      },
    };
  },
});
