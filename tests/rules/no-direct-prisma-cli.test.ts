/**
 * RuleTester cases for `no-direct-prisma-cli` (SPEC §3 group A row `no-direct-prisma-cli`, §6.3 one
 * problem, one finding). Code forms: `exec*`, `spawn*` with a string or an argv array, `execa`, zx `$`;
 * every write command is reported, every read-only one is not, and the rule is silent in every file whose
 * role gives the call to a more specific rule. The command-line reading itself (runners, quoting, flags)
 * is tested in tests/analysis/prisma-cli.test.ts; here each form appears once, as the rule sees it.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/no-direct-prisma-cli.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const ruleTester = createTester();

const APP = repoFile("src/lib/setup.ts");
const ROOT_FILE = repoFile("seed-runner.mjs");

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  data: { command: string };
  line: number;
  column: number;
}

function cliWrite(command: string, line = 1, column = 1): Expected {
  return { messageId: "cliWrite", data: { command }, line, column };
}

function cliUnknown(command: string, line = 1, column = 1): Expected {
  return { messageId: "cliUnknown", data: { command }, line, column };
}

function valid(code: string, filename = APP, extra: Partial<Valid> = {}): Valid {
  return { code, filename, ...extra };
}

function invalid(code: string, errors: Expected[], filename = APP, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename, errors, ...extra };
}

ruleTester.run("no-direct-prisma-cli: write commands", rule, {
  valid: [valid("")],
  invalid: [
    invalid('execSync("npx prisma migrate deploy");', [cliWrite("prisma migrate deploy")]),
    invalid('execSync("npx prisma migrate reset --force");', [cliWrite("prisma migrate reset")]),
    invalid('execSync("npx prisma migrate resolve --applied 20250101_init");', [cliWrite("prisma migrate resolve")]),
    invalid('execSync("npx prisma db push --accept-data-loss");', [cliWrite("prisma db push")]),
    invalid('execSync("npx prisma db execute --file ./fix.sql");', [cliWrite("prisma db execute")]),
    invalid('execSync("npx prisma db seed");', [cliWrite("prisma db seed")]),
    // The finding is at the call, wherever it sits.
    invalid('import { execSync } from "node:child_process";\n\nexport function deploy() {\n  execSync("prisma migrate deploy", { stdio: "inherit" });\n}', [
      cliWrite("prisma migrate deploy", 4, 3),
    ]),
    // Choice: two write commands in one call are two findings at the same call (each needs its own fix).
    invalid('execSync("npx prisma migrate reset --force && npx prisma db seed");', [cliWrite("prisma migrate reset"), cliWrite("prisma db seed")]),
    // Choice: the same write command twice in one call is one finding.
    invalid('execSync("prisma db push; prisma db push");', [cliWrite("prisma db push")]),
    // A read-only command beside a write one: only the write is reported.
    invalid('execSync("npx prisma generate && npx prisma migrate deploy");', [cliWrite("prisma migrate deploy")]),
  ],
});

ruleTester.run("no-direct-prisma-cli: read-only commands", rule, {
  valid: [
    valid('execSync("npx prisma migrate dev --name init");'),
    valid('execSync("npx prisma generate");'),
    valid('execSync("npx prisma studio");'),
    valid('execSync("npx prisma migrate status");'),
    valid('execSync("npx prisma validate");'),
    valid('execSync("npx prisma format");'),
    valid('spawnSync("npx", ["prisma", "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma"]);'),
    valid('execSync("npx prisma db pull");'),
    // Help only prints.
    valid('execSync("npx prisma migrate deploy --help");'),
    // Near misses: not a Prisma command, or not run.
    valid('execSync("npm run build");'),
    valid('console.log("run npx prisma migrate deploy in CI");'),
    valid('const command = "npx prisma migrate deploy";'),
    valid('const m = /prisma migrate deploy/.exec(text);'),
    valid('execSync("echo prisma migrate deploy");'),
    valid('execSync("npx prismatic migrate deploy");'),
  ],
  invalid: [],
});

ruleTester.run("no-direct-prisma-cli: code forms", rule, {
  valid: [],
  invalid: [
    // exec family, string forms.
    invalid('exec("npx prisma db push");', [cliWrite("prisma db push")]),
    invalid('import cp from "node:child_process";\ncp.execSync(`npx prisma migrate deploy --schema ${schema}`);', [cliWrite("prisma migrate deploy", 2, 1)]),
    invalid('const run = promisify(exec);\nawait run("pnpm exec prisma migrate deploy");', [cliWrite("prisma migrate deploy", 2, 7)]),
    invalid('const CMD = "yarn prisma db seed";\nexecSync(CMD);', [cliWrite("prisma db seed", 2, 1)]),
    // spawn family, argv arrays.
    invalid('spawnSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit" });', [cliWrite("prisma migrate deploy")]),
    invalid('spawn("npx", ["prisma", "db", "push", "--force-reset"]);', [cliWrite("prisma db push")]),
    invalid('execFileSync("node_modules/.bin/prisma", ["migrate", "resolve", "--rolled-back", name]);', [cliWrite("prisma migrate resolve")]),
    invalid('spawnSync(process.platform === "win32" ? "npx.cmd" : "npx", ["prisma", "migrate", "deploy"]);', [cliWrite("prisma migrate deploy")]),
    invalid('spawn("npx prisma migrate deploy", { shell: true });', [cliWrite("prisma migrate deploy")]),
    // execa and zx.
    invalid('await execa("bunx", ["prisma", "db", "push"]);', [cliWrite("prisma db push", 1, 7)]),
    invalid("await execaCommand(\"npx prisma migrate reset --force\");", [cliWrite("prisma migrate reset", 1, 7)]),
    invalid("await $`npx prisma migrate deploy`;", [cliWrite("prisma migrate deploy", 1, 7)]),
    invalid("await execa`pnpm dlx prisma db execute --file x.sql`;", [cliWrite("prisma db execute", 1, 7)]),
    // A wrapper of this file that passes its parameter to a runner: the finding is at the wrapper's call.
    invalid('function run(cmd) {\n  execSync(cmd, { stdio: "inherit" });\n}\nrun("npx prisma migrate deploy");', [cliWrite("prisma migrate deploy", 4, 1)]),
  ],
});

ruleTester.run("no-direct-prisma-cli: commands not known statically", rule, {
  valid: [
    // Choice: a command line with no static text at all is not read as a Prisma command.
    valid("execSync(command);"),
    valid("spawnSync(bin, args);"),
  ],
  invalid: [
    // A hole where a command word belongs fails closed (`prisma migrate ${step}` may deploy).
    invalid("execSync(`npx prisma migrate ${step}`);", [cliUnknown("prisma migrate <unknown>")]),
    invalid('spawnSync("npx", ["prisma", ...args]);', [cliUnknown("prisma <unknown>")]),
  ],
});

const contract = {
  version: 1,
  deployScript: "scripts/deploy-db.js",
  deprecatedScripts: ["scripts/old-sync.ts"],
  mutationScripts: {
    "scripts/resolve-migrations.js": { operations: ["prisma migrate resolve"] },
    "tools/reset-preview.ts": { operations: ["create"] },
  },
};
const settings = contractSettings(contract);

ruleTester.run("no-direct-prisma-cli: one problem, one finding (SPEC §6.3)", rule, {
  valid: [
    // The deploy script: deploy-script-only-migrates reports it.
    valid('execSync("npx prisma migrate deploy");', repoFile("scripts/deploy-db.js"), { settings }),
    // A deprecated script: deprecated-script-exits reports it.
    valid('execSync("npx prisma db push");', repoFile("scripts/old-sync.ts"), { settings }),
    // An allowlisted script with the command in its operations: allowed.
    valid('execSync("npx prisma migrate resolve --applied x");', repoFile("scripts/resolve-migrations.js"), { settings }),
    // An allowlisted script without the command: mutation-scope reports it, not this rule.
    valid('execSync("npx prisma migrate reset --force");', repoFile("scripts/resolve-migrations.js"), { settings }),
    valid('execSync("npx prisma db push");', repoFile("tools/reset-preview.ts"), { settings }),
    // A script zone: no-unlisted-mutation-script reports it.
    valid('execSync("npx prisma db push");', repoFile("scripts/reset.ts"), { settings }),
    valid('execSync("npx prisma db push");', repoFile("packages/db/bin/push.mjs"), { settings }),
    // Ignored files are never scanned.
    valid('execSync("npx prisma db push");', repoFile("vendor/x.js"), { settings: contractSettings({ version: 1, ignore: ["vendor/**"] }) }),
  ],
  invalid: [
    invalid('execSync("npx prisma migrate deploy");', [cliWrite("prisma migrate deploy")], APP, { settings }),
    invalid('execSync("npx prisma db seed");', [cliWrite("prisma db seed")], ROOT_FILE, { settings }),
    // Choice: the tests zone is not exempt (the SPEC exempts tests only from the SQL and bypass rules;
    // this row says "anywhere it is not allowlisted"): a test setup that resets a database is reported.
    invalid('execSync("npx prisma migrate reset --force");', [cliWrite("prisma migrate reset")], repoFile("e2e/global-setup.ts"), { settings }),
    invalid('execSync("npx prisma db push");', [cliWrite("prisma db push")], repoFile("src/db.test.ts"), { settings }),
    // Choice: a code file in the migrations zone is "other" too.
    invalid('execSync("npx prisma db execute --file x.sql");', [cliWrite("prisma db execute")], repoFile("db/migrations/run.ts"), { settings }),
    // A file named like the deploy script but elsewhere is not the deploy script.
    invalid('execSync("npx prisma migrate deploy");', [cliWrite("prisma migrate deploy")], repoFile("app/deploy-db.js"), { settings }),
  ],
});
