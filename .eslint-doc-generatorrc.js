/**
 * eslint-doc-generator (https://github.com/eslint-community/eslint-doc-generator): generates each
 * docs/rules/<rule>.md header (title, description and config notices from the rule's `meta`) and the
 * README rules table, as eslint-plugin-unicorn and eslint-plugin-n do. It loads the built plugin
 * (package.json `exports`, dist/), so `npm run docs` builds first; `npm run docs:check` (in .ci/run,
 * after the build) fails when a page header or the README table has drifted from `meta`.
 *
 * A new rule needs nothing here: registered in src/rules.ts with a page docs/rules/<rule>.md (title
 * `# production-safety/<rule>`), it is picked up by `npm run docs`. Scanner-only checks (SPEC §6.12) are
 * not ESLint rules; their README table is checked by tests/docs.test.ts against src/checks/index.ts.
 *
 * @type {import("eslint-doc-generator").GenerateOptions}
 */
export default {
  ruleDocTitleFormat: "prefix-name",
  ruleDocNotices: ["description", "configs", "options"],
  ruleDocSectionInclude: ["Why", "What it reports", "Examples", "Options", "When not to use it"],
  // Every page has an `## Options` section (tests/docs.test.ts), also for rules without options.
  ruleDocSectionOptions: false,
  ruleListColumns: ["name", "description", "configsError", "options"],
};
