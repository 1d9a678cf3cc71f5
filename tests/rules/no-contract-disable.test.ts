/**
 * RuleTester cases for `no-contract-disable` (SPEC §3 group B row `no-contract-disable`, §1): disable
 * directives that name a production-safety rule, blanket disables in script zones and in allowlisted,
 * deploy and deprecated files, and configuration comments that turn a production-safety rule off or
 * down. Where the spec is silent, a `// Choice:` comment names the behaviour the case pins down. The
 * last block runs the rule in ESLint's own `Linter`, with inline configuration honoured (as in an
 * editor) and ignored (as in contract-scan).
 */
import { type InvalidTestCase, RuleTester, type ValidTestCase } from "@typescript-eslint/rule-tester";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
import rule, { type MessageId } from "../../rules/no-contract-disable.js";
import plugin from "../../src/index.js";
import { contractSettings, repoFile, TEST_ROOT } from "../rule-tester.js";

const CONTRACT = {
  version: 1,
  mutationScripts: { "tools/sync.ts": { operations: ["create"] } },
  deprecatedScripts: ["tools/old.ts"],
  deployScript: "tools/deploy.js",
};
/**
 * The rule tester lints as contract-scan does: inline configuration off (`noInlineConfig`), so a
 * blanket `eslint-disable` cannot hide this rule's own finding and unknown rule names in the comments
 * are not ESLint errors; ESLint's "has no effect because of noInlineConfig" notes (no rule id) are
 * dropped by a processor, as the scanner drops them. The Linter block at the end shows ESLint with
 * inline configuration on.
 */
const scannerView: Linter.Processor = {
  preprocess: (text) => [text],
  postprocess: (messages) => messages.flat().filter((m) => m.ruleId !== null),
  supportsAutofix: true,
};
const ruleTester = new RuleTester({
  settings: contractSettings(CONTRACT),
  linterOptions: { noInlineConfig: true },
  processor: scannerView,
} as ConstructorParameters<typeof RuleTester>[0]);

const APP = repoFile("src/lib/flags.ts");
const SCRIPT = repoFile("scripts/backfill.ts");
const ALLOWLISTED = repoFile("tools/sync.ts");
const DEPRECATED = repoFile("tools/old.ts");
const DEPLOY = repoFile("tools/deploy.js");
const TEST_FILE = repoFile("src/lib/flags.test.ts");

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  data: Record<string, string>;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

function named(directive: string, rules: string, line = 1, column = 1): Expected {
  return { messageId: "namedDisable", data: { directive, rules }, line, column };
}

function blanket(directive: string, where: string, line = 1, column = 1): Expected {
  return { messageId: "blanketDisable", data: { directive, where }, line, column };
}

function inlineConfig(rule: string, setting: string, line = 1, column = 1): Expected {
  return { messageId: "inlineConfig", data: { rule, setting }, line, column };
}

function valid(code: string, filename = APP, extra: Partial<Valid> = {}): Valid {
  return { code, filename, ...extra };
}

function invalid(code: string, errors: Expected[], filename = APP, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename, errors, ...extra };
}

const BYPASS = "export const skip = process.env.SKIP_CHECKS;";

ruleTester.run("no-contract-disable: directives that name a production-safety rule", rule, {
  valid: [valid(""), valid(BYPASS)],
  invalid: [
    // The finding covers the whole comment.
    invalid(`// eslint-disable-next-line production-safety/no-bypass-env\n${BYPASS}`, [
      { ...named("eslint-disable-next-line", "production-safety/no-bypass-env"), endLine: 1, endColumn: 60 },
    ]),
    invalid(`${BYPASS} // eslint-disable-line production-safety/no-bypass-env`, [named("eslint-disable-line", "production-safety/no-bypass-env", 1, 46)]),
    invalid(`/* eslint-disable production-safety/no-bypass-env */\n${BYPASS}\n/* eslint-enable production-safety/no-bypass-env */`, [
      named("eslint-disable", "production-safety/no-bypass-env"),
    ]),
    // Block comments carry the -line directives too.
    invalid(`/* eslint-disable-next-line production-safety/no-bypass-env */\n${BYPASS}`, [named("eslint-disable-next-line", "production-safety/no-bypass-env")]),
    invalid(`${BYPASS} /* eslint-disable-line production-safety/no-bypass-env */`, [named("eslint-disable-line", "production-safety/no-bypass-env", 1, 46)]),
    // A justification after "--" is still a disable.
    invalid(`// eslint-disable-next-line production-safety/no-bypass-env -- reviewed by ops\n${BYPASS}`, [named("eslint-disable-next-line", "production-safety/no-bypass-env")]),
    // Choice: one finding per comment, naming every production-safety rule in its list (removing the
    // comment, or those names, is the one fix); other plugins' rules in the list are not named.
    invalid(`// eslint-disable-next-line no-console, production-safety/no-bypass-env,production-safety/mutation-scope\n${BYPASS}`, [
      named("eslint-disable-next-line", "production-safety/no-bypass-env, production-safety/mutation-scope"),
    ]),
    // Scanner-only rules and names that are no rule yet: the comment still means to switch a contract check off.
    invalid("/* eslint-disable production-safety/parse-error */", [named("eslint-disable", "production-safety/parse-error")]),
    // A disable of this rule itself is reported (in plain ESLint it can hide its own finding; see the Linter block below).
    invalid("/* eslint-disable production-safety/no-contract-disable */", [named("eslint-disable", "production-safety/no-contract-disable")]),
    // Indented, in a function, in any file role.
    invalid(`function f() {\n  // eslint-disable-next-line production-safety/no-bypass-env\n  return process.env.SKIP_A;\n}`, [
      named("eslint-disable-next-line", "production-safety/no-bypass-env", 2, 3),
    ]),
    invalid(`// eslint-disable-next-line production-safety/mutation-scope\nexport {};`, [named("eslint-disable-next-line", "production-safety/mutation-scope")], ALLOWLISTED),
    // Choice: test files are checked too: a disable there still switches off rules that read tests
    // (no-direct-prisma-cli, require-ci-guard), and is dead weight where the rule is silent anyway.
    invalid(`// eslint-disable-next-line production-safety/no-direct-prisma-cli\nexport {};`, [named("eslint-disable-next-line", "production-safety/no-direct-prisma-cli")], TEST_FILE),
    // Two comments, two findings.
    invalid(`// eslint-disable-next-line production-safety/no-bypass-env\n${BYPASS}\n// eslint-disable-next-line production-safety/no-bypass-env\n${BYPASS}`, [
      named("eslint-disable-next-line", "production-safety/no-bypass-env", 1),
      named("eslint-disable-next-line", "production-safety/no-bypass-env", 3),
    ]),
  ],
});

ruleTester.run("no-contract-disable: near misses", rule, {
  valid: [
    // Other rules, other plugins, and plugins whose name starts like ours.
    valid(`// eslint-disable-next-line no-console\nconsole.log(1);`),
    valid(`/* eslint-disable @typescript-eslint/no-explicit-any */\nexport const a: any = 1;`),
    valid(`// eslint-disable-next-line other-plugin/no-bypass-env\n${BYPASS}`),
    valid(`// eslint-disable-next-line production-safety-extra/no-bypass-env\n${BYPASS}`),
    valid(`// eslint-disable-next-line @acme/production-safety/no-bypass-env\n${BYPASS}`),
    // The bare plugin name is no rule id (ESLint reports it as an unknown rule and disables nothing).
    valid(`// eslint-disable-next-line production-safety\n${BYPASS}`, SCRIPT),
    // Not a comment: strings and templates that contain the directive text.
    valid('export const help = "// eslint-disable-next-line production-safety/no-bypass-env";'),
    valid("export const help = `/* eslint-disable production-safety/no-bypass-env */`;"),
    // A directive must start the comment (ESLint ignores one in the middle of prose, or in a JSDoc block).
    valid(`// Never write eslint-disable production-safety/no-bypass-env here.\n${BYPASS}`),
    valid(`/** eslint-disable production-safety/no-bypass-env */\n${BYPASS}`),
    // ESLint ignores "eslint-disable" (and configuration comments) in line comments: they disable nothing.
    valid(`// eslint-disable production-safety/no-bypass-env\n${BYPASS}`),
    valid(`// eslint production-safety/no-bypass-env: "off"\n${BYPASS}`),
    // ESLint ignores an eslint-disable-line that spans lines (it reports the comment itself).
    valid(`${BYPASS} /* eslint-disable-line\n production-safety/no-bypass-env */`),
    // Choice: eslint-enable turns checks back on; it is never a bypass.
    valid("/* eslint-enable production-safety/no-bypass-env */"),
    valid("/* eslint-enable */", SCRIPT),
    // Files in the contract's ignore zone are never checked.
    valid(`// eslint-disable-next-line production-safety/no-bypass-env\n${BYPASS}`, repoFile("vendor/lib.ts"), {
      settings: contractSettings({ ...CONTRACT, ignore: ["vendor/**"] }),
    }),
  ],
  invalid: [],
});

ruleTester.run("no-contract-disable: blanket disables", rule, {
  valid: [
    // Choice: in application code (and tests) a blanket disable is not reported (SPEC row: only script
    // zones and allowlisted files); contract-scan ignores it anyway.
    valid("/* eslint-disable */\nexport {};"),
    valid(`${BYPASS} // eslint-disable-line`),
    valid("/* eslint-disable */\nexport {};", TEST_FILE),
    // Near miss: a rule list of other rules is no blanket disable.
    valid("/* eslint-disable no-console */\nconsole.log(1);", SCRIPT),
  ],
  invalid: [
    invalid("/* eslint-disable */\nexport {};", [blanket("eslint-disable", "a script zone")], SCRIPT),
    invalid("/* eslint-disable */\nexport {};", [blanket("eslint-disable", "an allowlisted mutation script")], ALLOWLISTED),
    invalid("/* eslint-disable */\nexport {};", [blanket("eslint-disable", "a deprecated script")], DEPRECATED),
    invalid("/* eslint-disable */\nexport {};", [blanket("eslint-disable", "the deploy script")], DEPLOY),
    // Choice: -line and -next-line without a rule list are blanket too (for their line).
    invalid("// eslint-disable-next-line\nexport {};", [blanket("eslint-disable-next-line", "a script zone")], SCRIPT),
    invalid("export {}; // eslint-disable-line -- legacy", [blanket("eslint-disable-line", "a script zone", 1, 12)], SCRIPT),
    // An allowlisted file outside the script zones: its role, not its folder, decides.
    invalid("/* eslint-disable */", [blanket("eslint-disable", "an allowlisted mutation script")], ALLOWLISTED),
  ],
});

ruleTester.run("no-contract-disable: configuration comments", rule, {
  valid: [
    // Choice: setting a production-safety rule to plain "error" weakens nothing.
    valid('/* eslint production-safety/no-bypass-env: "error" */'),
    valid("/* eslint production-safety/no-bypass-env: 2 */"),
    valid('/* eslint production-safety/no-bypass-env: ["error"] */'),
    // Other rules.
    valid('/* eslint no-console: "off", other-plugin/no-bypass-env: "off" */'),
    // A comment ESLint cannot parse configures nothing (ESLint reports it itself).
    valid("/* eslint production-safety/no-bypass-env: [off */"),
  ],
  invalid: [
    invalid('/* eslint production-safety/no-bypass-env: "off" */', [inlineConfig("production-safety/no-bypass-env", '"off"')]),
    invalid("/* eslint production-safety/no-bypass-env: 0 */", [inlineConfig("production-safety/no-bypass-env", "0")]),
    invalid('/* eslint production-safety/no-bypass-env: "warn" */', [inlineConfig("production-safety/no-bypass-env", '"warn"')]),
    invalid("/* eslint production-safety/no-bypass-env: 1 */", [inlineConfig("production-safety/no-bypass-env", "1")]),
    // Choice: options given inline are reported too: the contract, not the file, decides what a rule checks.
    invalid('/* eslint production-safety/mutation-scope: ["error", { "tables": "*" }] */', [inlineConfig("production-safety/mutation-scope", '["error",{"tables":"*"}]')]),
    // One finding per rule the comment weakens; a rule it leaves at error is not named.
    invalid('/* eslint production-safety/no-bypass-env: "off", no-console: "off", production-safety/require-ci-guard: "warn", production-safety/mutation-scope: "error" */', [
      inlineConfig("production-safety/no-bypass-env", '"off"'),
      inlineConfig("production-safety/require-ci-guard", '"warn"'),
    ]),
  ],
});

/** Lints `code` at `repoPath` with the plugin registered under `namespace` and every rule at error. */
function lintWithEslint(code: string, repoPath: string, options: { noInlineConfig: boolean; namespace?: string }): string[] {
  const namespace = options.namespace ?? "production-safety";
  const linter = new Linter({ configType: "flat", cwd: TEST_ROOT });
  const config: Linter.Config[] = [
    {
      files: ["**/*.ts"],
      plugins: { [namespace]: plugin as unknown as NonNullable<Linter.Config["plugins"]>[string] },
      languageOptions: { parser: tsParser as unknown as Linter.Parser },
      linterOptions: { noInlineConfig: options.noInlineConfig, reportUnusedDisableDirectives: "off" },
      settings: contractSettings(CONTRACT),
      rules: { [`${namespace}/no-contract-disable`]: "error", [`${namespace}/no-bypass-env`]: "error" },
    },
  ];
  return linter
    .verify(code, config, { filename: repoFile(repoPath) })
    .filter((m) => m.ruleId !== null)
    .map((m) => `${m.line}:${m.column} ${m.ruleId ?? ""}`);
}

describe("no-contract-disable in ESLint's Linter", () => {
  it("reports a directive that ESLint honours, at the comment, while the directive hides the other rule's finding", () => {
    expect(lintWithEslint(`// eslint-disable-next-line production-safety/no-bypass-env\n${BYPASS}`, "src/a.ts", { noInlineConfig: false })).toEqual([
      "1:1 production-safety/no-contract-disable",
    ]);
  });

  it("reports the directive and the finding it meant to hide when inline configuration is off (contract-scan)", () => {
    expect(lintWithEslint(`// eslint-disable-next-line production-safety/no-bypass-env\n${BYPASS}`, "src/a.ts", { noInlineConfig: true })).toEqual([
      "1:1 production-safety/no-contract-disable",
      "2:21 production-safety/no-bypass-env",
    ]);
  });

  it("cannot be hidden by an eslint-disable-next-line naming it: the finding is on the comment's own line", () => {
    const code = `// eslint-disable-next-line production-safety/no-contract-disable, production-safety/no-bypass-env\n${BYPASS}`;
    expect(lintWithEslint(code, "src/a.ts", { noInlineConfig: false })).toEqual(["1:1 production-safety/no-contract-disable"]);
  });

  // Choice: ESLint applies directives after every rule has run and gives a rule no way to opt out, so a
  // directive naming this rule on its own line (or a block disable from the comment on) hides this
  // finding in plain ESLint. It is documented; contract-scan, which honours no directive, reports it.
  it("is hidden in plain ESLint by an eslint-disable-line or block disable naming it, and reported when inline configuration is off", () => {
    const line = `${BYPASS} // eslint-disable-line production-safety/no-contract-disable, production-safety/no-bypass-env`;
    expect(lintWithEslint(line, "src/a.ts", { noInlineConfig: false })).toEqual([]);
    expect(lintWithEslint(line, "src/a.ts", { noInlineConfig: true })).toEqual(["1:21 production-safety/no-bypass-env", "1:46 production-safety/no-contract-disable"]);
    const block = `/* eslint-disable production-safety/no-contract-disable, production-safety/no-bypass-env */\n${BYPASS}`;
    expect(lintWithEslint(block, "src/a.ts", { noInlineConfig: false })).toEqual([]);
    expect(lintWithEslint(block, "src/a.ts", { noInlineConfig: true })).toEqual(["1:1 production-safety/no-contract-disable", "2:21 production-safety/no-bypass-env"]);
    const off = `/* eslint production-safety/no-contract-disable: "off" */\n${BYPASS}`;
    expect(lintWithEslint(off, "src/a.ts", { noInlineConfig: true })).toEqual(["1:1 production-safety/no-contract-disable", "2:21 production-safety/no-bypass-env"]);
  });

  it("recognises the plugin's rules under the namespace a config registers it with", () => {
    const code = `// eslint-disable-next-line ps/no-bypass-env\n${BYPASS}`;
    expect(lintWithEslint(code, "src/a.ts", { noInlineConfig: true, namespace: "ps" })).toEqual(["1:1 ps/no-contract-disable", "2:21 ps/no-bypass-env"]);
  });
});
