/**
 * RuleTester cases for `require-ci-guard` (SPEC §3 group A row `require-ci-guard`, §6.1 mutation scripts,
 * §6.3 deprecated scripts, §6.8 guards). Every clause of the row has invalid cases and near-miss valid
 * cases. Where the spec is silent, a `// Choice:` comment names the behaviour the case pins down.
 * Transitive client loads and guard modules that begin with the guard run on a small repository written
 * to a temporary directory, through the repository facts (src/facts/), which rules get through
 * `repoFactsFor` (src/analysis/imported-writes.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import { afterAll, describe } from "vitest";
import rule, { type MessageId } from "../../rules/require-ci-guard.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const ruleTester = createTester();

const SCRIPT = repoFile("scripts/seed.ts");
const SCRIPT_CJS = repoFile("scripts/seed.cjs");
const APP = repoFile("src/lib/users.ts");

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  line: number;
  column: number;
  data?: Record<string, string | number>;
}

const ENV = { env: "CI", equals: "true" };
const GUARD = 'if (process.env.CI !== "true") process.exit(1);';

function noGuardBeforeImport(module: string, line: number, column: number, env = ENV): Expected {
  return { messageId: "noGuardBeforeImport", data: { module, ...env }, line, column };
}

function hoistedImport(module: string, guardLine: number, line: number, column: number): Expected {
  return { messageId: "hoistedImport", data: { module, line: guardLine }, line, column };
}

function noGuard(what: string, line: number, column: number, env = ENV): Expected {
  return { messageId: "noGuard", data: { what, ...env }, line, column };
}

function loadBeforeGuard(what: string, guardLine: number, line: number, column: number): Expected {
  return { messageId: "loadBeforeGuard", data: { what, line: guardLine }, line, column };
}

function weakGuard(what: string, guardLine: number, reason: string, line: number, column: number, env = ENV): Expected {
  return { messageId: "weakGuard", data: { what, line: guardLine, reason, ...env }, line, column };
}

function noGuardInScript(env = ENV): Expected {
  return { messageId: "noGuardInScript", data: env, line: 1, column: 1 };
}

function valid(code: string, filename = SCRIPT, extra: Partial<Valid> = {}): Valid {
  return { code, filename, ...extra };
}

function invalid(code: string, errors: Expected[], filename = SCRIPT, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename, errors, ...extra };
}

ruleTester.run("require-ci-guard: which files are mutation scripts (§6.1)", rule, {
  valid: [
    valid(""),
    valid("", SCRIPT_CJS),
    // A script that loads no database client and runs no Prisma CLI write is not a mutation script.
    valid('import { readFileSync } from "node:fs";\nconsole.log(readFileSync("x", "utf8"));'),
    valid('import { execSync } from "node:child_process";\nexecSync("npx prisma generate");'),
    valid('import { execSync } from "node:child_process";\nexecSync("npx prisma migrate status");'),
    // Application code, tests and migrations are not script zones.
    valid('import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();', APP),
    valid('import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();', repoFile("scripts/seed.test.ts")),
    valid('import { PrismaClient } from "@prisma/client";', repoFile("prisma/migrations/20240101_x/fix.ts")),
    valid('import { PrismaClient } from "@prisma/client";', repoFile("scripts/vendored/x.ts"), {
      settings: contractSettings({ version: 1, ignore: ["scripts/vendored/**"] }),
    }),
    // §6.3: inside a deprecated script, deprecated-script-exits stands in for this rule.
    valid('import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();', SCRIPT, {
      settings: contractSettings({ version: 1, deprecatedScripts: ["scripts/seed.ts"] }),
    }),
    // `import type` loads nothing.
    valid('import type { PrismaClient } from "@prisma/client";\nexport function f(p: PrismaClient) {\n  return p;\n}'),
    // Choice (one decision with the repository facts): TypeScript elides `import { type X }` and an
    // import whose bindings are used only in types, unless the tsconfig sets verbatimModuleSyntax
    // (a virtual file here has no tsconfig). An import whose bindings are not used at all still counts.
    valid('import { type PrismaClient } from "@prisma/client";\nexport function f(p: PrismaClient) {\n  return p;\n}'),
    // Regression (fixtures/corpus-regressions/type-only-import-elided, from dubinc/dub
    // apps/web/scripts/stripe/manual-payouts.ts): an enum imported and used only as a type.
    valid('import { Role } from "@prisma/client";\nexport const admin: Role | undefined = undefined;'),
    valid('export type { Prisma } from "@prisma/client";'),
    valid('import type * as P from "@prisma/client";'),
    // A name that only starts like a client is another package.
    valid('import { x } from "@prisma/client-extras";\nimport { y } from "prisma-helpers";'),
    // Custom zones replace the defaults.
    valid('import { PrismaClient } from "@prisma/client";', SCRIPT, { settings: contractSettings({ version: 1, scripts: ["tools/**"] }) }),
    // An allowlisted script with an effective guard and no visible client load is fine.
    valid(`${GUARD}\nimport { wipe } from "../lib/users";\nawait wipe();`, SCRIPT, {
      settings: contractSettings({ version: 1, mutationScripts: { "scripts/seed.ts": { operations: ["deleteMany"] } } }),
    }),
  ],
  invalid: [
    invalid('import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();', [noGuardBeforeImport("@prisma/client", 1, 1)]),
    invalid('import { PrismaClient } from ".prisma/client";', [noGuardBeforeImport(".prisma/client", 1, 1)]),
    invalid('import { PrismaClient } from "@prisma/client/edge";', [noGuardBeforeImport("@prisma/client/edge", 1, 1)]),
    invalid('import { PrismaClient } from "@prisma/client";', [noGuardBeforeImport("@prisma/client", 1, 1)], repoFile("bin/seed.ts")),
    invalid('import { PrismaClient } from "@prisma/client";', [noGuardBeforeImport("@prisma/client", 1, 1)], repoFile("apps/web/scripts/migrations/backfill.ts")),
    // Allowlisted files are mutation scripts wherever they are.
    invalid('import { PrismaClient } from "@prisma/client";', [noGuardBeforeImport("@prisma/client", 1, 1)], APP, {
      settings: contractSettings({ version: 1, mutationScripts: { "src/lib/users.ts": { operations: ["create"] } } }),
    }),
    // Choice: an allowlisted script (or the deploy script) with no visible client load and no guard is
    // reported at 1:1: it is a mutation script by definition (§6.1), and its client may load through a
    // module the facts cannot follow.
    invalid('import { wipe } from "../lib/users";\nawait wipe();', [noGuardInScript()], SCRIPT, {
      settings: contractSettings({ version: 1, mutationScripts: { "scripts/seed.ts": { operations: ["deleteMany"] } } }),
    }),
    invalid("", [noGuardInScript()], SCRIPT, {
      settings: contractSettings({ version: 1, mutationScripts: { "scripts/seed.ts": { operations: ["deleteMany"] } } }),
    }),
    invalid('console.log("deploying");', [noGuardInScript()], repoFile("scripts/deploy-db.js"), {
      settings: contractSettings({ version: 1, deployScript: "scripts/deploy-db.js" }),
    }),
    invalid(
      'if (process.env.CI !== "true" && !process.env.FORCE) process.exit(1);',
      [weakGuard("This mutation script", 1, "has an extra condition (!process.env.FORCE) that lets the script go on outside CI", 1, 1)],
      SCRIPT,
      { settings: contractSettings({ version: 1, mutationScripts: { "scripts/seed.ts": { operations: ["deleteMany"] } } }) },
    ),
    // Custom dbClients.
    invalid('import { Pool } from "pg";', [noGuardBeforeImport("pg", 1, 1)], SCRIPT, { settings: contractSettings({ version: 1, dbClients: ["pg"] }) }),
    // An enum used as a value loads the module; only type-only use is elided.
    invalid('import { Role } from "@prisma/client";\nexport const admin = Role.ADMIN;', [noGuardBeforeImport("@prisma/client", 1, 1)]),
    invalid('export { PrismaClient } from "@prisma/client";', [noGuardBeforeImport("@prisma/client", 1, 1)]),
    invalid('export * from "@prisma/client";', [noGuardBeforeImport("@prisma/client", 1, 1)]),
    invalid('import "@prisma/client";', [noGuardBeforeImport("@prisma/client", 1, 1)]),
  ],
});

ruleTester.run("require-ci-guard: static imports are hoisted", rule, {
  valid: [
    // A side-effect import of a ciGuard.modules module that comes first.
    valid('import "./ci-guard";\nimport { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();', SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { modules: ["./ci-guard"] } }),
    }),
    valid('import "dotenv/config";\nimport "./ci-guard";\nimport { PrismaClient } from "@prisma/client";', SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { modules: ["./ci-guard"] } }),
    }),
    // The guard, then the client loaded by await import().
    valid(`${GUARD}\nconst { PrismaClient } = await import("@prisma/client");\nconst prisma = new PrismaClient();`),
    valid(`import type { PrismaClient } from "@prisma/client";\n${GUARD}\nconst { PrismaClient: Client } = await import("@prisma/client");`),
    // Choice: an import with bindings of a guard module runs it as well as a bare side-effect import.
    valid('import { ok } from "./ci-guard";\nimport { PrismaClient } from "@prisma/client";\nok();', SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { modules: ["./ci-guard"] } }),
    }),
  ],
  invalid: [
    // A guard written above the imports protects nothing: the import runs first.
    invalid(`${GUARD}\nimport { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();`, [hoistedImport("@prisma/client", 1, 2, 1)]),
    invalid(`import { PrismaClient } from "@prisma/client";\n${GUARD}`, [hoistedImport("@prisma/client", 2, 1, 1)]),
    invalid(`${GUARD}\nexport * from "@prisma/client";`, [hoistedImport("@prisma/client", 1, 2, 1)]),
    // A guard module imported after the client.
    invalid('import { PrismaClient } from "@prisma/client";\nimport "./ci-guard";', [hoistedImport("@prisma/client", 2, 1, 1)], SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { modules: ["./ci-guard"] } }),
    }),
    // A top-level call of a guard function does not protect a hoisted import either.
    invalid('import { requireCI } from "../lib/ci";\nimport { PrismaClient } from "@prisma/client";\nrequireCI();', [hoistedImport("@prisma/client", 3, 2, 1)], SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { functions: ["requireCI"] } }),
    }),
    // Choice: one finding per file, at the first unprotected load in evaluation order (imports first).
    invalid(`const x = require("@prisma/client");\nimport { PrismaClient } from "@prisma/client";\nimport { Prisma } from "@prisma/client";`, [
      noGuardBeforeImport("@prisma/client", 2, 1),
    ]),
    // An unlisted side-effect import is not a guard module without the repository facts.
    invalid('import "./ci-guard";\nimport { PrismaClient } from "@prisma/client";', [noGuardBeforeImport("@prisma/client", 2, 1)]),
  ],
});

ruleTester.run("require-ci-guard: require, import() and CommonJS", rule, {
  valid: [
    valid(`${GUARD}\nconst { PrismaClient } = require("@prisma/client");\nconst prisma = new PrismaClient();`, SCRIPT_CJS),
    valid(`"use strict";\n${GUARD}\nconst { PrismaClient } = require("@prisma/client");`, SCRIPT_CJS),
    valid(`if (process.env.CI !== "true") {\n  console.error("CI only");\n  process.exit(1);\n}\nconst { PrismaClient } = require("@prisma/client");`, SCRIPT_CJS),
    valid(`${GUARD}\nfunction main() {\n  const { PrismaClient } = require("@prisma/client");\n  return new PrismaClient();\n}\nmain();`, SCRIPT_CJS),
    // A function declared above the guard but only called after it.
    valid(`function main() {\n  const { PrismaClient } = require("@prisma/client");\n  return new PrismaClient();\n}\n${GUARD}\nmain();`, SCRIPT_CJS),
    // A guard in a function of the same file, called at top level, before the load there.
    valid(
      `async function main() {\n  if (process.env.CI !== "true") {\n    console.error("CI only");\n    process.exit(1);\n  }\n  const { PrismaClient } = await import("@prisma/client");\n  await new PrismaClient().$connect();\n}\nmain().catch((e) => {\n  console.error(e);\n  process.exit(1);\n});`,
    ),
    valid(`(async () => {\n  ${GUARD}\n  const { PrismaClient } = await import("@prisma/client");\n})();`),
    // A ciGuard.functions call, imported from anywhere, at top level.
    valid('const { requireCI } = require("./lib/ci");\nrequireCI();\nconst { PrismaClient } = require("@prisma/client");', SCRIPT_CJS, {
      settings: contractSettings({ version: 1, ciGuard: { functions: ["requireCI"] } }),
    }),
    valid('import { assertCI } from "@acme/guards";\nawait assertCI();\nconst { PrismaClient } = await import("@prisma/client");', SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { functions: ["assertCI"] } }),
    }),
    // A guard module required first.
    valid('require("./ci-guard");\nconst { PrismaClient } = require("@prisma/client");', SCRIPT_CJS, {
      settings: contractSettings({ version: 1, ciGuard: { modules: ["./ci-guard"] } }),
    }),
    // TypeScript's `import x = require()` runs where it stands.
    valid(`${GUARD}\nimport prismaClient = require("@prisma/client");`, repoFile("scripts/seed.cts")),
    valid(`${GUARD}\nimport type P = require("@prisma/client");`, repoFile("scripts/seed.cts")),
    // Custom ciGuard.env / equals.
    valid('if (process.env.GITHUB_ACTIONS !== "true") process.exit(1);\nconst { PrismaClient } = require("@prisma/client");', SCRIPT_CJS, {
      settings: contractSettings({ version: 1, ciGuard: { env: "GITHUB_ACTIONS" } }),
    }),
    valid('if (process.env.DEPLOY_ENV !== "ci") process.exit(1);\nconst { PrismaClient } = require("@prisma/client");', SCRIPT_CJS, {
      settings: contractSettings({ version: 1, ciGuard: { env: "DEPLOY_ENV", equals: "ci" } }),
    }),
  ],
  invalid: [
    invalid('const { PrismaClient } = require("@prisma/client");\nconst prisma = new PrismaClient();', [noGuard('Loading "@prisma/client"', 1, 26)], SCRIPT_CJS),
    invalid(`const { PrismaClient } = require("@prisma/client");\n${GUARD}`, [loadBeforeGuard('Loading "@prisma/client"', 2, 1, 26)], SCRIPT_CJS),
    invalid(`const { PrismaClient } = await import("@prisma/client");\n${GUARD}`, [loadBeforeGuard('Loading "@prisma/client"', 2, 1, 32)]),
    invalid('const { PrismaClient } = await import("@prisma/client");', [noGuard('Loading "@prisma/client"', 1, 32)]),
    // A function called before the guard.
    invalid(`function main() {\n  return require("@prisma/client");\n}\nmain();\n${GUARD}`, [loadBeforeGuard('Loading "@prisma/client"', 5, 2, 10)], SCRIPT_CJS),
    // The load before the guard inside the function that holds it.
    invalid(`async function main() {\n  const c = await import("@prisma/client");\n  ${GUARD}\n}\nmain();`, [loadBeforeGuard('Loading "@prisma/client"', 3, 2, 19)]),
    invalid('import p = require("@prisma/client");', [noGuard('Loading "@prisma/client"', 1, 1)], repoFile("scripts/seed.cts")),
    // The guard's variable is compared on the wrong name: no guard at all.
    invalid('if (process.env.CI !== "true") process.exit(1);\nconst { PrismaClient } = require("@prisma/client");', [noGuard('Loading "@prisma/client"', 2, 26, { env: "GITHUB_ACTIONS", equals: "true" })], SCRIPT_CJS, {
      settings: contractSettings({ version: 1, ciGuard: { env: "GITHUB_ACTIONS" } }),
    }),
  ],
});

ruleTester.run("require-ci-guard: Prisma CLI writes count as client loads (§6.8)", rule, {
  valid: [
    valid(`import { execSync } from "node:child_process";\n${GUARD}\nexecSync("npx prisma migrate deploy", { stdio: "inherit" });`),
    valid(`const { spawnSync } = require("child_process");\n${GUARD}\nspawnSync("npx", ["prisma", "db", "seed"]);`, SCRIPT_CJS),
  ],
  invalid: [
    invalid('import { execSync } from "node:child_process";\nexecSync("npx prisma migrate deploy", { stdio: "inherit" });', [noGuard('Running "prisma migrate deploy"', 2, 1)]),
    invalid('const { spawnSync } = require("child_process");\nspawnSync("npx", ["prisma", "db", "push"]);', [noGuard('Running "prisma db push"', 2, 1)], SCRIPT_CJS),
    invalid(`import { $ } from "zx";\nawait $\`pnpm prisma migrate reset --force\`;\n${GUARD}`, [loadBeforeGuard('Running "prisma migrate reset"', 3, 2, 7)]),
  ],
});

const ALLOWLISTED = { settings: contractSettings({ version: 1, mutationScripts: { "scripts/seed.ts": { operations: ["create"] } } }) };

ruleTester.run("require-ci-guard: weakened guards protect nothing (§6.8)", rule, {
  valid: [
    // `||` only adds exits.
    valid('if (process.env.CI !== "true" || !process.env.DATABASE_URL) process.exit(1);\nconst { PrismaClient } = require("@prisma/client");', SCRIPT_CJS),
    // A catch that ends the process keeps a throwing guard.
    valid('try {\n  if (process.env.CI !== "true") throw new Error("CI only");\n} catch (e) {\n  console.error(e);\n  process.exit(1);\n}\nconst c = require("@prisma/client");', SCRIPT_CJS),
    valid(`${GUARD}\nimport("@prisma/client").then(({ PrismaClient }) => new PrismaClient());`),
  ],
  invalid: [
    invalid(
      'if (process.env.CI !== "true" && !process.env.FORCE_RUN) process.exit(1);\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 1, "has an extra condition (!process.env.FORCE_RUN) that lets the script go on outside CI", 2, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      'const dryRun = process.argv.includes("--dry-run");\nif (process.env.CI !== "true" && !dryRun) process.exit(1);\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 2, "has an extra condition (!dryRun) that lets the script go on outside CI", 3, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      'if (process.env.CI !== "true") process.exit(0);\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 1, "ends with process.exit(0), which exits with code 0 (success)", 2, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      'if (process.env.CI !== "true") {\n  console.log("not in CI, exiting");\n  process.exit();\n}\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 1, "ends with process.exit(), which exits with code 0 (success)", 5, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      'if (process.env.CI !== "true") {\n  console.warn("This should run in CI");\n}\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 1, "does not end the process: it only logs", 4, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      `function checkCI() {\n  ${GUARD}\n}\nconst c = require("@prisma/client");`,
      [weakGuard('Loading "@prisma/client"', 2, "is inside checkCI(), which is not called at top level", 4, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      'try {\n  if (process.env.CI !== "true") throw new Error("CI only");\n} catch (e) {\n  console.error(e);\n}\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 2, "throws inside a try whose catch goes on", 6, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      `if (process.argv.includes("--apply")) {\n  ${GUARD}\n}\nconst c = require("@prisma/client");`,
      [weakGuard('Loading "@prisma/client"', 2, 'runs only sometimes: inside if (process.argv.includes("--apply"))', 4, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      'if (!process.env.CI) process.exit(1);\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 1, 'does not compare CI with exactly "true": it only checks that it is set', 2, 11)],
      SCRIPT_CJS,
    ),
    invalid(
      'if (process.env.CI?.toLowerCase() !== "true") process.exit(1);\nconst c = require("@prisma/client");',
      [weakGuard('Loading "@prisma/client"', 1, 'does not compare CI with exactly "true": it normalizes it with toLowerCase()', 2, 11)],
      SCRIPT_CJS,
    ),
    // Regression: Molemo21/ConnectSA-k9 scripts/deploy-db.js, GUARD 1. It accepts CI=1, so it does not end
    // the process on every path where CI is not exactly "true": weakened.
    invalid(
      [
        "const ci = process.env.CI || '';",
        "const isCI = ci === 'true' || ci === '1' || ci.toLowerCase() === 'true';",
        "if (!isCI) {",
        "  console.error('BLOCKED: Production mutations require CI=true');",
        "  process.exit(1);",
        "}",
        "const { execSync } = require('child_process');",
        "execSync('npx prisma migrate deploy', { stdio: 'inherit' });",
      ].join("\n"),
      [weakGuard('Running "prisma migrate deploy"', 3, 'also lets CI="1" through, not only "true"', 8, 1)],
      SCRIPT_CJS,
    ),
    // A weakened guard in front of a hoisted import: the weakness is the first thing to fix.
    invalid(
      'if (process.env.CI !== "true" && !force) process.exit(1);\nimport { PrismaClient } from "@prisma/client";',
      [weakGuard('Importing "@prisma/client"', 1, "has an extra condition (!force) that lets the script go on outside CI", 2, 1)],
      SCRIPT,
      ALLOWLISTED,
    ),
    // A guard function call whose throw is caught.
    invalid('try {\n  requireCI();\n} catch {}\nconst c = require("@prisma/client");', [weakGuard('Loading "@prisma/client"', 2, "throws inside a try whose catch goes on", 4, 11)], SCRIPT_CJS, {
      settings: contractSettings({ version: 1, ciGuard: { functions: ["requireCI"] } }),
    }),
  ],
});

// ---------------------------------------------------------------------------------------------------
// Through the repository facts: transitive client loads and guard modules that begin with the guard.

const repo = mkdtempSync(path.join(tmpdir(), "require-ci-guard-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function write(relative: string, text: string): void {
  const file = path.join(repo, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

write("package.json", JSON.stringify({ name: "fixture", type: "module" }));
write("lib/db.ts", 'import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();\n');
write("lib/users.ts", 'import { prisma } from "./db.js";\nexport async function wipe() {\n  await prisma.user.deleteMany();\n}\n');
write("lib/format.ts", "export const format = (x: string) => x.trim();\n");
write("lib/ci-guard.ts", 'if (process.env.CI !== "true") {\n  console.error("CI only");\n  process.exit(1);\n}\nexport {};\n');
write("lib/weak-guard.ts", 'if (process.env.CI !== "true" && !process.env.FORCE) process.exit(1);\nexport {};\n');
write("lib/late-guard.ts", 'import { prisma } from "./db.js";\nif (process.env.CI !== "true") process.exit(1);\nexport { prisma };\n');
write("scripts/placeholder.ts", "export {};\n");

const factsSettings = (contract: object = { version: 1 }): Partial<Valid> => ({ settings: { "production-safety": { contract, root: repo } } });
const inRepo = (relative: string): string => path.join(repo, relative);
const REPO_SCRIPT = inRepo("scripts/seed.ts");

describe("with repository facts", () => {

  ruleTester.run("require-ci-guard: transitive client loads (repository facts)", rule, {
    valid: [
      valid('import { format } from "../lib/format.js";\nconsole.log(format(" x "));', REPO_SCRIPT, factsSettings()),
      // A first import of a module that begins with the guard.
      valid('import "../lib/ci-guard.js";\nimport { wipe } from "../lib/users.js";\nawait wipe();', REPO_SCRIPT, factsSettings()),
      // A module listed in ciGuard.modules by its repository path.
      valid('import "../lib/weak-guard.js";\nimport { wipe } from "../lib/users.js";', REPO_SCRIPT, factsSettings({ version: 1, ciGuard: { modules: ["lib/weak-guard.ts"] } })),
      valid(`${GUARD}\nconst { wipe } = await import("../lib/users.js");\nawait wipe();`, REPO_SCRIPT, factsSettings()),
      valid('import type { prisma } from "../lib/db.js";\nexport type P = typeof prisma;', REPO_SCRIPT, factsSettings()),
    ],
    invalid: [
      invalid('import { wipe } from "../lib/users.js";\nawait wipe();', [noGuardBeforeImport("../lib/users.js", 1, 1)], REPO_SCRIPT, factsSettings()),
      invalid('import { prisma } from "../lib/db.js";', [noGuardBeforeImport("../lib/db.js", 1, 1)], REPO_SCRIPT, factsSettings()),
      invalid(`${GUARD}\nimport { wipe } from "../lib/users.js";`, [hoistedImport("../lib/users.js", 1, 2, 1)], REPO_SCRIPT, factsSettings()),
      // The guard module comes after the client-loading import.
      invalid('import { wipe } from "../lib/users.js";\nimport "../lib/ci-guard.js";', [hoistedImport("../lib/users.js", 2, 1, 1)], REPO_SCRIPT, factsSettings()),
      // A module whose guard is weakened, or comes after its own client import, does not begin with the guard.
      invalid('import "../lib/weak-guard.js";\nimport { wipe } from "../lib/users.js";', [noGuardBeforeImport("../lib/users.js", 2, 1)], REPO_SCRIPT, factsSettings()),
      invalid('import "../lib/late-guard.js";\nimport { format } from "../lib/format.js";', [noGuardBeforeImport("../lib/late-guard.js", 1, 1)], REPO_SCRIPT, factsSettings()),
      invalid('const { wipe } = require("../lib/users.js");', [noGuard('Loading "../lib/users.js"', 1, 18)], inRepo("scripts/seed.cjs"), factsSettings()),
    ],
  });
});
