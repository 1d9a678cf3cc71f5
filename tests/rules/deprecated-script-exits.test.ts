/**
 * RuleTester cases for `deprecated-script-exits` (SPEC §3 group A row `deprecated-script-exits`, §6.3
 * ownership of mutations, §6.10). Every clause has invalid cases and near-miss valid cases. Where the
 * spec is silent, a `// Choice:` comment names the behaviour the case pins down.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/deprecated-script-exits.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const DEPRECATED = repoFile("scripts/sync-dev-to-prod.ts");
const DEPRECATED_CJS = repoFile("scripts/old-seed.js");
const OTHER = repoFile("scripts/seed.ts");

// Case settings are deep-merged into the tester's, so the tester keeps the default contract and each case
// passes its whole contract (this one unless it says otherwise).
const ruleTester = createTester();
const settings = contractSettings({ version: 1, deprecatedScripts: ["scripts/sync-dev-to-prod.ts", "scripts/old-seed.js", "scripts/removed.ts"] });

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  line: number;
  column: number;
  data?: Record<string, string>;
}

const EXIT = 'console.error("sync-dev-to-prod.ts is retired: use sync-reference-data instead");\nprocess.exit(1);';

function at(messageId: MessageId, line: number, column: number, data?: Record<string, string>): Expected {
  return { messageId, line, column, ...(data ? { data } : {}) };
}

function valid(code: string, filename = DEPRECATED, extra: Partial<Valid> = {}): Valid {
  return { code, filename, settings, ...extra };
}

function invalid(code: string, errors: Expected[], filename = DEPRECATED, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename, errors, settings, ...extra };
}

ruleTester.run("deprecated-script-exits: the first statements", rule, {
  valid: [
    valid(EXIT),
    valid(EXIT, DEPRECATED_CJS),
    valid('throw new Error("sync-dev-to-prod.ts is retired: use sync-reference-data instead");'),
    valid('console.error("retired");\nthrow new Error("retired");'),
    // Choice: any error class counts as a thrown Error (`DeprecatedScriptError`), and `Error(...)` without new.
    valid('throw new DeprecatedScriptError("retired: use sync-reference-data instead");'),
    valid('throw Error("retired");'),
    valid('console.error("retired");\nconsole.error("use scripts/sync-reference-data.ts instead");\nprocess.exit(2);'),
    valid('console.error("retired");\nthrow "retired";'),
    valid(`"use strict";\n${EXIT}`, DEPRECATED_CJS),
    valid(`#!/usr/bin/env node\n${EXIT}`, DEPRECATED_CJS),
    // Type-only declarations do nothing at run time.
    valid(`type Row = { id: string };\ninterface Options { apply: boolean }\n${EXIT}`),
    valid(`console.error(\`retired: \${"use x"}\`);\nprocess.exit(-1);`),
    valid(`${EXIT}\nexport {};`),
    // SPEC §6.10: a require after the exit is fine (the old code may stay below the exit).
    valid(`${EXIT}\nconst { PrismaClient } = require("@prisma/client");\nconst fs = require("fs");`, DEPRECATED_CJS),
    valid(`${EXIT}\nconst { x } = await import("./old.js");`),
    // Files that are not deprecated are not checked, empty or not (a deleted deprecated file is fine:
    // there is nothing to lint; its entry names a file that is not here).
    valid("", OTHER),
    valid('import { PrismaClient } from "@prisma/client";\nmain();', OTHER),
    valid('import { PrismaClient } from "@prisma/client";', repoFile("scripts/removed-not.ts")),
    // Ignored files are never scanned.
    valid("main();", DEPRECATED, {
      settings: contractSettings({ version: 1, deprecatedScripts: ["scripts/sync-dev-to-prod.ts"], ignore: ["scripts/**"] }),
    }),
  ],
  invalid: [
    // Choice: an empty deprecated script exits 0 when run, so it is a finding (at 1:1, no better node).
    invalid("", [at("neverExits", 1, 1)]),
    invalid("// retired\n", [at("neverExits", 1, 1)]),
    invalid('main();\nconsole.error("retired");\nprocess.exit(1);', [at("mustExitFirst", 1, 1, { statement: "main();" })]),
    invalid(`const fs = require("fs");\n${EXIT}`, [at("mustExitFirst", 1, 1)], DEPRECATED_CJS),
    invalid(`const dryRun = process.argv.includes("--dry-run");\n${EXIT}`, [at("mustExitFirst", 1, 1)]),
    // A conditional exit is not an exit.
    invalid('if (!process.argv.includes("--force")) {\n  console.error("retired");\n  process.exit(1);\n}', [at("mustExitFirst", 1, 1)]),
    invalid('if (process.env.CI !== "true") process.exit(1);\nconsole.error("retired");', [at("mustExitFirst", 1, 1)]),
    invalid('console.log("retired");\nprocess.exit(1);', [at("mustExitFirst", 1, 1)]),
    // Choice: only console.error is an error message (SPEC §6.10); console.warn is not.
    invalid('console.warn("retired");\nprocess.exit(1);', [at("mustExitFirst", 1, 1)]),
    // A message, then no exit.
    invalid('console.error("retired");', [at("noExit", 1, 1)]),
    invalid('console.error("retired");\nmain();', [at("noExit", 2, 1)]),
    invalid('console.error("retired");\nprocess.exitCode = 1;', [at("noExit", 2, 1)]),
    // An exit, with no message.
    invalid("process.exit(1);\nmain();", [at("missingMessage", 1, 1)]),
    invalid('throw "retired";', [at("missingMessage", 1, 1)]),
    invalid("throw err;", [at("missingMessage", 1, 1)]),
    // A zero exit, or an exit code that is not a non-zero literal.
    invalid('console.error("retired");\nprocess.exit(0);', [at("zeroExit", 2, 1, { call: "process.exit(0)" })]),
    invalid('console.error("retired");\nprocess.exit();', [at("zeroExit", 2, 1, { call: "process.exit()" })]),
    invalid('console.error("retired");\nprocess.exit(code);', [at("zeroExit", 2, 1, { call: "process.exit(code)" })]),
  ],
});

ruleTester.run("deprecated-script-exits: imports", rule, {
  valid: [valid(`${EXIT}\nconst { PrismaClient } = require("@prisma/client");`, DEPRECATED_CJS)],
  invalid: [
    invalid(`import { PrismaClient } from "@prisma/client";\n${EXIT}`, [at("importFound", 1, 1, { module: "@prisma/client" })]),
    invalid(`${EXIT}\nimport { PrismaClient } from "@prisma/client";`, [at("importFound", 3, 1, { module: "@prisma/client" })]),
    invalid(`import type { PrismaClient } from "@prisma/client";\n${EXIT}`, [at("importFound", 1, 1, { module: "@prisma/client" })]),
    invalid(`import "dotenv/config";\n${EXIT}`, [at("importFound", 1, 1, { module: "dotenv/config" })]),
    invalid(`export { x } from "./old.js";\n${EXIT}`, [at("importFound", 1, 1, { module: "./old.js" })]),
    invalid(`export * from "./old.js";\n${EXIT}`, [at("importFound", 1, 1, { module: "./old.js" })]),
    invalid(`import fs = require("fs");\n${EXIT}`, [at("importFound", 1, 1, { module: "fs" })], repoFile("scripts/sync-dev-to-prod.ts")),
    // Each import is a finding, and a missing exit is one more.
    invalid('import { a } from "./a.js";\nimport { b } from "./b.js";\nmain();', [
      at("importFound", 1, 1, { module: "./a.js" }),
      at("importFound", 2, 1, { module: "./b.js" }),
      at("mustExitFirst", 3, 1),
    ]),
    invalid('import { a } from "./a.js";', [at("importFound", 1, 1, { module: "./a.js" }), at("neverExits", 1, 1)]),
  ],
});

ruleTester.run("deprecated-script-exits: owns database writes and Prisma CLI calls (§6.3)", rule, {
  valid: [
    // Not a Prisma client: nothing to own.
    valid(`${EXIT}\nconst cache = new Map();\ncache.delete("k");`),
    // The deploy script's own rule owns its mutations, even if the contract also lists it as deprecated.
    valid(`${EXIT}\nconst { execSync } = require("child_process");\nexecSync("npx prisma migrate deploy");`, repoFile("scripts/deploy-db.js"), {
      settings: contractSettings({ version: 1, deployScript: "scripts/deploy-db.js", deprecatedScripts: ["scripts/deploy-db.js"] }),
    }),
  ],
  invalid: [
    // Choice: writes are reported wherever they stand, dead code after the exit included (the row of
    // §6.3 leaves them to this rule alone; nobody else reports them).
    invalid(
      `${EXIT}\nconst { PrismaClient } = require("@prisma/client");\nconst prisma = new PrismaClient();\nawait prisma.service.deleteMany();\nawait prisma.$executeRaw\`TRUNCATE services\`;`,
      [at("databaseWrite", 5, 7, { what: "Service.deleteMany" }), at("databaseWrite", 6, 7, { what: "executeRaw" })],
    ),
    invalid(`${EXIT}\nconst { execSync } = require("child_process");\nexecSync("npx prisma db push --accept-data-loss");`, [at("prismaCli", 4, 1, { command: "prisma db push" })], DEPRECATED_CJS),
    // Choice: any Prisma CLI call, read-only ones included: a retired script has no reason to run Prisma.
    invalid(`${EXIT}\nconst { execSync } = require("child_process");\nexecSync("npx prisma generate");`, [at("prismaCli", 4, 1, { command: "prisma generate" })], DEPRECATED_CJS),
    invalid(
      'const { PrismaClient } = require("@prisma/client");\nnew PrismaClient().user.create({ data: { id: "1" } });',
      [at("mustExitFirst", 1, 1), at("databaseWrite", 2, 1, { what: "User.create" })],
      DEPRECATED_CJS,
    ),
  ],
});
