/**
 * RuleTester cases for `deploy-script-only-migrates` (SPEC §3 group A row `deploy-script-only-migrates`,
 * §6.3 ownership of mutations, §6.9 the allowed statements). The invalid cases are small scripts of our own
 * modelled on what a real deploy script (ConnectSA's scripts/deploy-db.js) grew beyond `prisma migrate
 * deploy`: backups, state files, audit logs, `prisma generate` / `migrate resolve`, and a
 * `DELETE FROM _prisma_migrations`. Where the spec is silent, a `// Choice:` comment names the behaviour.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import { afterAll } from "vitest";
import rule, { type MessageId } from "../../rules/deploy-script-only-migrates.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const CONTRACT = {
  version: 1,
  deployScript: "scripts/deploy-db.js",
  ciGuard: { functions: ["requireCI"], modules: ["./ci-guard.js"] },
  fingerprint: { functions: ["validateFingerprint"] },
};
// The tester's contract is the default one: case settings are deep-merged into the tester's, so each case
// passes its whole contract (CONTRACT unless it says otherwise).
const ruleTester = createTester();
const settings = contractSettings(CONTRACT);

const DEPLOY = repoFile("scripts/deploy-db.js");
const DEPLOY_TS = repoFile("scripts/deploy-db.ts");
const tsDeploy = { settings: contractSettings({ ...CONTRACT, deployScript: "scripts/deploy-db.ts" }) };

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  line: number;
  column: number;
  data?: Record<string, string | number>;
}

const GUARD = 'if (process.env.CI !== "true") {\n  console.error("Deploys run in CI only");\n  process.exit(1);\n}';
const REQUIRE = 'const { execSync } = require("child_process");';
const MIGRATE = 'execSync("npx prisma migrate deploy", { stdio: "inherit" });';

function notAllowed(line: number, column: number): Expected {
  return { messageId: "notAllowed", line, column };
}

function moduleNotAllowed(module: string, line: number, column: number): Expected {
  return { messageId: "moduleNotAllowed", data: { module }, line, column };
}

function otherPrismaCommand(command: string, line: number, column: number): Expected {
  return { messageId: "otherPrismaCommand", data: { command }, line, column };
}

function secondDeploy(firstLine: number, line: number, column: number): Expected {
  return { messageId: "secondDeploy", data: { line: firstLine }, line, column };
}

function databaseWrite(what: string, line: number, column: number): Expected {
  return { messageId: "databaseWrite", data: { what }, line, column };
}

function valid(code: string, filename = DEPLOY, extra: Partial<Valid> = {}): Valid {
  return { code, filename, settings, ...extra };
}

function invalid(code: string, errors: Expected[], filename = DEPLOY, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename, errors, settings, ...extra };
}

/** The lines of a script. */
function lines(...parts: string[]): string {
  return parts.join("\n");
}

ruleTester.run("deploy-script-only-migrates: what is allowed (§6.9)", rule, {
  valid: [
    // Choice: an empty deploy script does nothing beyond the allowed list.
    valid(""),
    valid(lines(REQUIRE, GUARD, 'console.log("Deploying migrations");', MIGRATE, 'console.log("Done");')),
    valid(lines('import { execSync } from "node:child_process";', GUARD, MIGRATE), DEPLOY_TS, tsDeploy),
    valid(lines('import * as cp from "child_process";', GUARD, 'cp.execSync("npx prisma migrate deploy");'), DEPLOY_TS, tsDeploy),
    valid(lines('const cp = require("node:child_process");', GUARD, 'cp.execSync("npx prisma migrate deploy");')),
    valid(lines('"use strict";', REQUIRE, GUARD, MIGRATE)),
    // Argv form, its result checked.
    valid(
      lines(
        'const { spawnSync } = require("child_process");',
        GUARD,
        'const result = spawnSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit", env: { ...process.env } });',
        "if (result.status !== 0) {",
        '  console.error(`prisma migrate deploy failed with ${result.status}`);',
        "  process.exit(result.status ?? 1);",
        "}",
      ),
    ),
    // Any runner.
    valid(lines(REQUIRE, GUARD, 'execSync("pnpm exec prisma migrate deploy --schema prisma/schema.prisma");')),
    valid(lines(REQUIRE, GUARD, 'execSync("yarn prisma migrate deploy");')),
    valid(lines(REQUIRE, GUARD, 'execSync("./node_modules/.bin/prisma migrate deploy");')),
    // try / catch / finally and if statements holding only allowed statements.
    valid(
      lines(
        REQUIRE,
        GUARD,
        "try {",
        '  console.log("Applying migrations");',
        "  " + MIGRATE,
        "} catch (error) {",
        '  console.error("Migration failed", error);',
        "  process.exit(1);",
        "} finally {",
        '  console.log("Deploy step finished");',
        "}",
      ),
    ),
    valid(lines(REQUIRE, GUARD, 'if (process.argv.includes("--verbose")) {', '  console.log("verbose");', "} else {", '  console.info("quiet");', "}", MIGRATE)),
    valid(lines(REQUIRE, GUARD, "try {", "  " + MIGRATE, "} catch (e) {", '  throw new Error("migrate deploy failed");', "}")),
    // Guard and fingerprint functions, and the modules that provide them.
    valid(
      lines(
        'import { execSync } from "node:child_process";',
        'import { requireCI } from "../lib/ci";',
        'import { validateFingerprint } from "../lib/fingerprint";',
        "requireCI();",
        'await validateFingerprint("production");',
        MIGRATE,
      ),
      DEPLOY_TS,
      tsDeploy,
    ),
    valid(lines('const { requireCI } = require("../lib/ci");', 'const { validateFingerprint } = require("../lib/fingerprint");', REQUIRE, "requireCI();", 'validateFingerprint("production");', MIGRATE)),
    valid(lines('import "./ci-guard.js";', 'import { execSync } from "node:child_process";', MIGRATE), DEPLOY_TS, tsDeploy),
    valid(lines('require("./ci-guard.js");', REQUIRE, MIGRATE)),
    valid(lines('import type { ExecSyncOptions } from "node:child_process";', 'import type { Config } from "../lib/config";', 'import { execSync } from "node:child_process";', GUARD, MIGRATE), DEPLOY_TS, tsDeploy),
    // The guard's aliases are part of the guard.
    valid(lines(REQUIRE, 'const ci = process.env.CI ?? "";', 'const isCI = ci === "true";', "if (!isCI) {", '  console.error("CI only");', "  process.exit(1);", "}", MIGRATE)),
    // Choice: a weakened guard is still the guard statement here; require-ci-guard reports its weakness.
    valid(lines(REQUIRE, 'if (process.env.CI !== "true" && !process.env.FORCE) process.exit(1);', MIGRATE)),
    // Choice: side-effect free declarations (reads of process.env, string methods) feed the checks and are allowed.
    valid(
      lines(
        REQUIRE,
        GUARD,
        'const databaseUrl = process.env.DATABASE_URL ?? "";',
        'const nodeEnv = (process.env.NODE_ENV || "").toLowerCase();',
        'if (!databaseUrl || nodeEnv !== "production") {',
        '  console.error("DATABASE_URL and NODE_ENV=production are required");',
        "  process.exit(1);",
        "}",
        `console.log(\`Deploying to \${new URL(databaseUrl).host}\`.length > 0 ? "db" : "none");`.replace("new URL(databaseUrl).host", "databaseUrl.split('@').at(-1)"),
        MIGRATE,
      ),
    ),
    // Choice: functions of the file whose bodies hold only allowed statements, and their calls.
    valid(
      lines(
        REQUIRE,
        GUARD,
        "async function main() {",
        '  console.log("Deploying");',
        "  " + MIGRATE,
        "}",
        "main().catch((error) => {",
        "  console.error(error);",
        "  process.exit(1);",
        "});",
      ),
    ),
    valid(lines(REQUIRE, GUARD, "function main() {", "  " + MIGRATE, "}", "if (require.main === module) {", "  main();", "}")),
    valid(lines(REQUIRE, GUARD, "const run = () => " + MIGRATE.slice(0, -1) + ";", "run();", "main2();", "function main2() {", "  return;", "}")),
    valid(lines('import { execSync } from "node:child_process";', GUARD, "export async function deploy() {", "  " + MIGRATE, "}", "await deploy();"), DEPLOY_TS, tsDeploy),
    valid(lines(REQUIRE, GUARD, "main().catch(console.error);", "function main() {", "  " + MIGRATE, "}")),
    // Other files are not the deploy script.
    valid(lines('const fs = require("fs");', 'fs.writeFileSync(".state", "x");', 'execSync("npx prisma generate");'), repoFile("scripts/backup.js")),
    // Without deployScript, only an existing scripts/deploy-db.{js,mjs,cjs,ts} is the deploy script (none exists under the virtual root).
    valid('const fs = require("fs");', DEPLOY, { settings: contractSettings({ version: 1 }) }),
    // Ignored files are never scanned.
    valid('const fs = require("fs");', DEPLOY, { settings: contractSettings({ ...CONTRACT, ignore: ["scripts/deploy-db.js"] }) }),
  ],
  invalid: [
    // Modules other than child_process and the guard and fingerprint modules.
    invalid(lines('const fs = require("fs");', REQUIRE, GUARD, MIGRATE), [moduleNotAllowed("fs", 1, 1)]),
    invalid(lines('import { writeFileSync } from "node:fs";', 'import { execSync } from "node:child_process";', MIGRATE), [moduleNotAllowed("node:fs", 1, 1)], DEPLOY_TS, tsDeploy),
    invalid(lines('import { requireCI, openDb } from "../lib/ci";', "requireCI();"), [moduleNotAllowed("../lib/ci", 1, 1)], DEPLOY_TS, tsDeploy),
    invalid(lines('import ci from "../lib/ci";', "ci();"), [moduleNotAllowed("../lib/ci", 1, 1), notAllowed(2, 1)], DEPLOY_TS, tsDeploy),
    invalid('import "dotenv/config";', [moduleNotAllowed("dotenv/config", 1, 1)], DEPLOY_TS, tsDeploy),
    invalid('export * from "./other.js";', [moduleNotAllowed("./other.js", 1, 1)], DEPLOY_TS, tsDeploy),
    invalid('require("dotenv").config();', [notAllowed(1, 1)]),
    // The message names the statement, collapsed to one line and cut at 60 characters.
    invalid('require("dotenv").config();', [{ ...notAllowed(1, 1), data: { statement: 'require("dotenv").config();' } }]),
    invalid(`await fetch("https://hooks.example.com/deploy",\n  { method: "POST", body: JSON.stringify({ status: "started" }) });`, [
      { ...notAllowed(1, 1), data: { statement: 'await fetch("https://hooks.example.com/deploy", { method: "…' } },
    ], DEPLOY_TS, tsDeploy),
    invalid('require("dotenv/config");', [moduleNotAllowed("dotenv/config", 1, 1)]),
    invalid('import { promisify } from "node:util";\nimport { exec } from "node:child_process";\nconst run = promisify(exec);', [moduleNotAllowed("node:util", 1, 1), notAllowed(3, 1)], DEPLOY_TS, tsDeploy),
    // Choice: exporting is beyond the list (module.exports, export { }).
    invalid(lines(REQUIRE, "function main() {}", "module.exports = { main };"), [notAllowed(3, 1)]),
    invalid(lines("function main() {}", "export { main };"), [notAllowed(2, 1)], DEPLOY_TS, tsDeploy),
  ],
});

ruleTester.run("deploy-script-only-migrates: what a real deploy script grew (ConnectSA's deploy-db.js)", rule, {
  valid: [],
  invalid: [
    // A backup before migrating.
    invalid(lines(REQUIRE, GUARD, 'execSync("pg_dump $DATABASE_URL > backup.sql");', MIGRATE), [notAllowed(6, 1)]),
    // State files: order locks and deploy locks kept on disk.
    invalid(
      lines(REQUIRE, 'const deploymentState = require("./deployment-state");', GUARD, "deploymentState.requireBackupCompleted();", MIGRATE, "deploymentState.releaseDeploymentLock();"),
      [moduleNotAllowed("./deployment-state", 2, 1), notAllowed(7, 1), notAllowed(9, 1)],
    ),
    invalid(lines(REQUIRE, 'const fs = require("fs");', GUARD, 'fs.writeFileSync(".deploy-lock", String(Date.now()));', MIGRATE), [moduleNotAllowed("fs", 2, 1), notAllowed(7, 1)]),
    // Audit logs written around the migration.
    invalid(
      lines(
        REQUIRE,
        'const { createMutationAuditLog } = require("../lib/mutation-audit");',
        GUARD,
        'const auditLogId = await createMutationAuditLog("DEPLOY_DB");',
        MIGRATE,
        "process.env.MUTATION_AUDIT_LOG_ID = auditLogId;",
      ),
      [moduleNotAllowed("../lib/mutation-audit", 2, 1), notAllowed(7, 1), notAllowed(9, 1)],
    ),
    // Setting an approval flag for a wrapper.
    invalid(lines(REQUIRE, GUARD, 'process.env.PRISMA_DEPLOYMENT_APPROVED = "true";', MIGRATE), [notAllowed(6, 1)]),
    // A wrapper script instead of prisma itself: not the migrate deploy invocation.
    invalid(lines(REQUIRE, GUARD, 'execSync("node scripts/prisma-wrapper-hardened.js migrate deploy", { stdio: "inherit" });'), [notAllowed(6, 1)]),
    // prisma generate and migrate resolve before the deploy.
    invalid(lines(REQUIRE, GUARD, 'execSync("npx prisma generate", { stdio: "inherit" });', MIGRATE), [otherPrismaCommand("prisma generate", 6, 1)]),
    invalid(
      lines(REQUIRE, GUARD, "const name = process.argv[2];", "execSync(`npx prisma migrate resolve --rolled-back ${name}`, { stdio: \"pipe\" });", MIGRATE),
      [otherPrismaCommand("prisma migrate resolve", 7, 1)],
    ),
    // Deleting migration records through a Prisma client, inside a loop and a try.
    invalid(
      lines(
        REQUIRE,
        GUARD,
        'const { PrismaClient } = require("@prisma/client");',
        "const prisma = new PrismaClient();",
        "try {",
        "  for (const name of missing) {",
        "    await prisma.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = ${name}`;",
        "  }",
        "} catch (error) {",
        '  console.warn("Could not clean _prisma_migrations", error);',
        "}",
        MIGRATE,
      ),
      [moduleNotAllowed("@prisma/client", 6, 1), notAllowed(7, 1), notAllowed(9, 3), databaseWrite("executeRaw", 10, 11)],
    ),
    // Reading the migrations folder to count pending migrations.
    invalid(
      lines(REQUIRE, GUARD, "let pending = [];", "try {", '  pending = fs.readdirSync("prisma/migrations");', "} catch {", "  // optional", "}", MIGRATE),
      [notAllowed(8, 3)],
    ),
  ],
});

ruleTester.run("deploy-script-only-migrates: one migrate deploy, and the rule's own mutations (§6.3)", rule, {
  valid: [],
  invalid: [
    invalid(lines(REQUIRE, GUARD, MIGRATE, MIGRATE), [secondDeploy(6, 7, 1)]),
    invalid(lines('const { spawnSync } = require("child_process");', GUARD, 'spawnSync("npx", ["prisma", "migrate", "deploy"]);', "try {", '  spawnSync("npx", ["prisma", "migrate", "deploy"]);', "} catch {}"), [
      secondDeploy(6, 8, 3),
    ]),
    invalid(lines(REQUIRE, GUARD, 'execSync("npx prisma migrate deploy && npx prisma migrate deploy");'), [secondDeploy(6, 6, 1)]),
    // A second command in the same command line.
    invalid(lines(REQUIRE, GUARD, 'execSync("npx prisma migrate deploy && npx prisma db seed");'), [otherPrismaCommand("prisma db seed", 6, 1)]),
    invalid(lines(REQUIRE, GUARD, 'execSync("npx prisma db push --accept-data-loss");'), [otherPrismaCommand("prisma db push", 6, 1)]),
    invalid(lines(REQUIRE, GUARD, "execSync(`npx prisma migrate ${process.argv[2]}`);"), [otherPrismaCommand("prisma migrate <unknown>", 6, 1)]),
    invalid(lines(REQUIRE, GUARD, MIGRATE, 'execSync("npx prisma migrate reset --force");'), [otherPrismaCommand("prisma migrate reset", 7, 1)]),
    // Database writes, wherever they stand (here inside an allowed function).
    invalid(
      lines(REQUIRE, GUARD, 'const { PrismaClient } = require("@prisma/client");', "async function main() {", "  const prisma = new PrismaClient();", "  await prisma.user.deleteMany();", "}", "main();"),
      [moduleNotAllowed("@prisma/client", 6, 1), notAllowed(8, 3), databaseWrite("User.deleteMany", 9, 9)],
    ),
    invalid(lines(REQUIRE, GUARD, "await db.query(\"UPDATE settings SET value = 'x'\");", MIGRATE), [databaseWrite("executeRaw", 6, 7)]),
  ],
});

ruleTester.run("deploy-script-only-migrates: one finding per offending statement", rule, {
  valid: [],
  invalid: [
    // A loop is reported once, at the loop.
    invalid(lines(REQUIRE, GUARD, "for (const step of steps) {", '  console.log(step);', '  execSync(step);', "}", MIGRATE), [notAllowed(6, 1)]),
    // Inside an allowed block, each offending statement.
    invalid(lines(REQUIRE, GUARD, "try {", '  execSync("pg_dump > a.sql");', "  " + MIGRATE, '  execSync("curl -X POST https://hooks.example.com/deployed");', "} catch {", "  process.exit(1);", "}"), [
      notAllowed(7, 3),
      notAllowed(9, 3),
    ]),
    // An if whose test does something is reported as a whole.
    invalid(lines(REQUIRE, 'const fs = require("fs");', GUARD, 'if (fs.existsSync(".deploy-lock")) {', "  process.exit(1);", "}", MIGRATE), [moduleNotAllowed("fs", 2, 1), notAllowed(7, 1)]),
    // Logging that does something in its arguments.
    invalid(lines(REQUIRE, GUARD, 'console.log(execSync("git rev-parse HEAD").toString());', MIGRATE), [notAllowed(6, 1)]),
    // Functions: their bodies are checked statement by statement.
    invalid(lines(REQUIRE, GUARD, "function backup() {", '  execSync("pg_dump > backup.sql");', "}", "backup();", MIGRATE), [notAllowed(7, 3)]),
    invalid(lines(REQUIRE, GUARD, "main().then(() => notify());", "function main() {", "  " + MIGRATE, "}"), [notAllowed(6, 19)]),
    invalid(lines(REQUIRE, GUARD, "setTimeout(() => process.exit(1), 60_000);", MIGRATE), [notAllowed(6, 1)]),
    invalid(lines(REQUIRE, GUARD, "class Deployer {}", MIGRATE), [notAllowed(6, 1)]),
    invalid(lines(REQUIRE, GUARD, "throw new Error(describe(process.argv));"), [notAllowed(6, 1)]),
    invalid(lines(REQUIRE, GUARD, "let attempts = 0;", "attempts += 1;", MIGRATE), [notAllowed(7, 1)]),
  ],
});

// ---------------------------------------------------------------------------------------------------
// The default deploy script: scripts/deploy-db.{js,mjs,cjs,ts} when it exists and deployScript is unset.

const repo = mkdtempSync(path.join(tmpdir(), "deploy-script-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
mkdirSync(path.join(repo, "scripts"), { recursive: true });
writeFileSync(path.join(repo, "scripts/deploy-db.mjs"), "// on disk so the default deploy script exists\n");
const defaultSettings = { settings: { "production-safety": { contract: { version: 1 }, root: repo } } };

ruleTester.run("deploy-script-only-migrates: the default deploy script", rule, {
  valid: [
    valid(lines('import { execSync } from "node:child_process";', GUARD, MIGRATE), path.join(repo, "scripts/deploy-db.mjs"), defaultSettings),
    // Only the first existing default is the deploy script.
    valid('import fs from "node:fs";', path.join(repo, "scripts/deploy-db.ts"), defaultSettings),
  ],
  invalid: [
    invalid(lines('import fs from "node:fs";', 'import { execSync } from "node:child_process";', GUARD, MIGRATE), [moduleNotAllowed("node:fs", 1, 1)], path.join(repo, "scripts/deploy-db.mjs"), defaultSettings),
  ],
});
