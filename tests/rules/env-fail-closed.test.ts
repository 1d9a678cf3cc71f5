/**
 * RuleTester cases for `env-fail-closed` (SPEC §3 group D row `env-fail-closed`, §2
 * `safety.environment.variables`, §6.1 mutation scripts; issue 6 item 4; seed 004 "environment defaults
 * to production"). Every clause has invalid cases and near-miss valid cases; where the spec is silent a
 * `// Choice:` comment names the behaviour the case pins down.
 */
import path from "node:path";
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/env-fail-closed.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const CONTRACT = { version: 1, safety: { environment: { variables: ["ENVIRONMENT"] } } };
const ruleTester = createTester(CONTRACT);

const SCRIPT = repoFile("scripts/cleanup.ts");
const PRISMA = 'import { PrismaClient } from "@prisma/client";\n';

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  line: number;
  column: number;
  data?: Record<string, string>;
}

/** A mutation script: the client import on line 1, `code` from line 2. */
function valid(code: string, extra: Partial<Valid> = {}): Valid {
  return { code: PRISMA + code, filename: SCRIPT, ...extra };
}

function invalid(code: string, errors: Expected[], extra: Partial<Invalid> = {}): Invalid {
  return { code: PRISMA + code, filename: SCRIPT, errors, ...extra };
}

const fallback = (value: string, line: number, column: number, name = "ENVIRONMENT"): Expected => ({ messageId: "fallback", data: { name, value }, line, column });
const unknownFallback = (value: string, line: number, column: number): Expected => ({ messageId: "unknownFallback", data: { name: "ENVIRONMENT", value }, line, column });
const unset = (line: number, column: number, name = "ENVIRONMENT"): Expected => ({ messageId: "unsetNotProduction", data: { name }, line, column });

ruleTester.run("env-fail-closed: fallbacks other than \"production\"", rule, {
  valid: [
    // Empty file.
    { code: "", filename: SCRIPT },
    valid('const env = process.env.ENVIRONMENT ?? "production";'),
    valid('const env = process.env.ENVIRONMENT || "production";'),
    valid('const { ENVIRONMENT = "production" } = process.env;'),
    valid('const env = process.env.ENVIRONMENT ? process.env.ENVIRONMENT : "production";'),
    // A name not in safety.environment.variables.
    valid('const env = process.env.NODE_ENV ?? "development";'),
    valid('const { NODE_ENV = "development" } = process.env;'),
    // A computed name is not read.
    valid('const key = process.argv[2];\nconst env = process.env[key] ?? "development";'),
    // Choice: a "production" fallback in any other spelling than the literal "production" is not accepted; the literal is.
    valid('const PROD = "production";\nconst env = process.env.ENVIRONMENT ?? PROD;'),
    valid('const env = (process.env.ENVIRONMENT ?? "production").toLowerCase();'),
    // A fallback written for another variable's read.
    valid('const env = process.env.ENVIRONMENT;\nif (!env) throw new Error("ENVIRONMENT is not set");\nconst region = process.env.REGION ?? "eu";'),
    // zod: a default "production", and a default on another field.
    valid('import { z } from "zod";\nconst env = z.object({ ENVIRONMENT: z.string().default("production"), REGION: z.string().default("eu") }).parse(process.env);'),
  ],
  invalid: [
    invalid('const env = process.env.ENVIRONMENT ?? "development";', [fallback("development", 2, 13)]),
    invalid('const env = process.env.ENVIRONMENT || "dev";', [fallback("dev", 2, 13)]),
    invalid('const env = process.env["ENVIRONMENT"] ?? "local";', [fallback("local", 2, 13)]),
    // Normalising before the fallback does not change it.
    invalid('const env = process.env.ENVIRONMENT?.toLowerCase() ?? "development";', [fallback("development", 2, 13)]),
    // Destructuring default (also renamed).
    invalid('const { ENVIRONMENT = "development" } = process.env;', [fallback("development", 2, 9)]),
    invalid('const { ENVIRONMENT: env = "staging" } = process.env;', [fallback("staging", 2, 9)]),
    // A destructuring default in a parameter.
    invalid('function main({ ENVIRONMENT = "development" } = process.env) { return ENVIRONMENT; }\nmain();', [fallback("development", 2, 17)]),
    // Choice: a ternary on the read is a fallback (its alternate).
    invalid('const env = process.env.ENVIRONMENT ? process.env.ENVIRONMENT : "development";', [fallback("development", 2, 13)]),
    // Default parameter of a local function the read is passed to.
    invalid('function isProduction(env = "development") { return env === "production"; }\nif (!isProduction(process.env.ENVIRONMENT)) console.log("dev");', [fallback("development", 3, 19)]),
    // A fallback the rule cannot read may not be "production" (fail closed).
    invalid('const env = process.env.ENVIRONMENT ?? process.env.NODE_ENV;', [unknownFallback("process.env.NODE_ENV", 2, 13)]),
    // Through an alias bound to the read.
    invalid('const raw = process.env.ENVIRONMENT;\nconst env = raw ?? "development";', [fallback("development", 2, 13)]),
    // zod .default() and .catch() on the schema field, at the field's key.
    invalid('import { z } from "zod";\nconst env = z.object({ ENVIRONMENT: z.string().default("development") }).parse(process.env);', [fallback("development", 3, 24)]),
    invalid('import { z } from "zod";\nconst schema = z.object({\n  ENVIRONMENT: z.enum(["development", "production"]).catch("development"),\n});\nexport const env = schema.parse(process.env);', [fallback("development", 4, 3)]),
    invalid('import { z } from "zod";\nconst env = z.object({ ENVIRONMENT: z.string().default(() => "dev") }).safeParse(process.env);', [unknownFallback('() => "dev"', 3, 24)]),
    // t3-env's createEnv.
    invalid('import { createEnv } from "@t3-oss/env-core";\nimport { z } from "zod";\nexport const env = createEnv({ server: { ENVIRONMENT: z.string().default("development") }, runtimeEnv: process.env });', [fallback("development", 4, 42)]),
    // Names: SPEC §6.7 matching (case-insensitive, one framework prefix stripped).
    invalid('const env = import.meta.env.VITE_ENVIRONMENT ?? "development";', [fallback("development", 2, 13)]),
    invalid('const env = process.env.environment ?? "development";', [fallback("development", 2, 13)]),
  ],
});

ruleTester.run("env-fail-closed: no fallback, unset treated as not production", rule, {
  valid: [
    // Fail closed: compared with the non-production value.
    valid('if (process.env.ENVIRONMENT !== "development") throw new Error("refusing outside development");'),
    valid('const env = process.env.ENVIRONMENT;\nif (env !== "local") process.exit(1);'),
    // A fallback of "production" before the comparison.
    valid('if ((process.env.ENVIRONMENT ?? "production") === "production") throw new Error("production");'),
    // Another variable compared with "production".
    valid('if (process.env.NODE_ENV === "production") console.log("prod build");'),
    // A comparison with another value.
    valid('const isStaging = process.env.ENVIRONMENT === "staging";'),
  ],
  invalid: [
    invalid('if (process.env.ENVIRONMENT === "production") {\n  requireConfirmation();\n}\ndeleteAll();', [unset(2, 5)]),
    invalid('const isProduction = process.env.ENVIRONMENT == "production";', [unset(2, 22)]),
    invalid('if (process.env.ENVIRONMENT !== "production") skipSafetyChecks();', [unset(2, 5)]),
    invalid('const isProduction = "production" === process.env.ENVIRONMENT?.toLowerCase();', [unset(2, 22)]),
    // Through an alias (const and destructuring).
    invalid('const env = process.env.ENVIRONMENT;\nif (env === "production") backup();', [unset(3, 5)]),
    invalid('const { ENVIRONMENT } = process.env;\nexport function isProduction() {\n  return ENVIRONMENT === "production";\n}', [unset(4, 10)]),
    invalid('const env = process.env.ENVIRONMENT?.trim();\nconst isProd = ["production", "prod"].includes(env ?? "");', [fallback("", 2, 13)]),
    invalid('const env = process.env.ENVIRONMENT;\nconst isProd = ["production", "prod"].includes(env);', [unset(3, 16)]),
    // The seed's is_production(), written in TypeScript.
    invalid('function isProduction(): boolean {\n  return process.env.ENVIRONMENT === "production";\n}\nif (isProduction()) console.log("careful");', [unset(3, 10)]),
  ],
});

ruleTester.run("env-fail-closed: only mutation scripts, only with safety.environment.variables", rule, {
  valid: [
    // Not a mutation script: a script zone file that loads no client.
    { code: 'const env = process.env.ENVIRONMENT ?? "development";', filename: SCRIPT },
    // Application code and tests are not mutation scripts.
    valid('const env = process.env.ENVIRONMENT ?? "development";', { filename: repoFile("src/lib/env.ts") }),
    valid('const env = process.env.ENVIRONMENT ?? "development";', { filename: repoFile("scripts/cleanup.test.ts") }),
  ],
  invalid: [
    // An allowlisted script outside a script zone is a mutation script even without a visible client.
    {
      code: 'const env = process.env.ENVIRONMENT ?? "development";',
      filename: repoFile("tools/cleanup.ts"),
      settings: contractSettings({ ...CONTRACT, mutationScripts: { "tools/cleanup.ts": { operations: ["deleteMany"] } } }),
      errors: [fallback("development", 1, 13)],
    },
    // A client loaded by require() or import() makes a mutation script too.
    { code: 'const env = process.env.ENVIRONMENT ?? "development";\nconst { PrismaClient } = require("@prisma/client");', filename: repoFile("scripts/wipe.cjs"), errors: [fallback("development", 1, 13)] },
    // A Prisma CLI write makes a mutation script (§6.1).
    {
      code: 'import { execSync } from "node:child_process";\nconst env = process.env.ENVIRONMENT || "dev";\nexecSync("npx prisma migrate reset --force");',
      filename: SCRIPT,
      errors: [fallback("dev", 2, 13)],
    },
    // Every listed name is checked.
    {
      code: PRISMA + 'const a = process.env.APP_ENV ?? "development";\nconst b = process.env.ENVIRONMENT ?? "production";',
      filename: SCRIPT,
      settings: contractSettings({ version: 1, safety: { environment: { variables: ["ENVIRONMENT", "APP_ENV"] } } }),
      errors: [fallback("development", 2, 11, "APP_ENV")],
    },
  ],
});

// RuleTester merges a case's settings into the tester's, so contracts without the layer get their own tester.
createTester().run("env-fail-closed: the layer is off without safety.environment.variables", rule, {
  valid: [
    valid('const env = process.env.ENVIRONMENT ?? "development";'),
    valid('const env = process.env.ENVIRONMENT ?? "development";', { settings: contractSettings({ version: 1, safety: { backup: ["createBackup"] } }) }),
    valid('if (process.env.ENVIRONMENT === "production") backup();', { settings: contractSettings({ version: 1, safety: { environment: {} } }) }),
    valid('const env = process.env.ENVIRONMENT ?? "development";', { settings: contractSettings({ version: 1, safety: { environment: { variables: [] } } }) }),
  ],
  invalid: [],
});

// Through the repository facts: fixtures/rules/env-fail-closed/ (lib/db.ts loads the client, lib/format.ts
// does not; the linted scripts are the cases).
const FIXTURE = path.resolve("fixtures/rules/env-fail-closed");
const factsSettings = { "production-safety": { contract: CONTRACT, root: FIXTURE } };
const FIXTURE_SCRIPT = path.join(FIXTURE, "scripts/cleanup.ts");

ruleTester.run("env-fail-closed: mutation scripts through the repository facts (§6.1 transitively)", rule, {
  valid: [
    // Near-miss: the imported module loads no client, so this is not a mutation script.
    { code: 'import { format } from "../lib/format.js";\nconst env = format(process.env.ENVIRONMENT ?? "development");', filename: FIXTURE_SCRIPT, settings: factsSettings },
    // A type-only import loads nothing.
    { code: 'import type { prisma } from "../lib/db.js";\nconst env = process.env.ENVIRONMENT ?? "development";\nexport type Db = typeof prisma;', filename: FIXTURE_SCRIPT, settings: factsSettings },
  ],
  invalid: [
    {
      code: 'import { prisma } from "../lib/db.js";\nconst env = process.env.ENVIRONMENT ?? "development";\nawait prisma.user.deleteMany();',
      filename: FIXTURE_SCRIPT,
      settings: factsSettings,
      errors: [fallback("development", 2, 13)],
    },
  ],
});

// Regressions found while writing the safety-app example (fixtures/safety-app): a script that stops when the
// variable is unset never treats the unset case as "not production", so a later comparison without a
// fallback is safe (issue 6 item 4: "no fallback where the unset case is then treated as not production").
ruleTester.run("env-fail-closed: stopping when the variable is unset", rule, {
  valid: [
    valid(`if (!process.env.ENVIRONMENT) {\n  console.error("ENVIRONMENT must be set");\n  process.exit(1);\n}\nconst isProduction = () => process.env.ENVIRONMENT === "production";\nif (isProduction()) console.log("production");`),
    valid(`if (process.env.ENVIRONMENT === undefined) throw new Error("ENVIRONMENT is not set");\nconst production = process.env.ENVIRONMENT === "production";`),
    valid(`async function main() {\n  if (process.env["ENVIRONMENT"] == null) return;\n  if (process.env.ENVIRONMENT !== "production") console.log("not production");\n}\nawait main();`),
  ],
  invalid: [
    // Near-miss: the unset case only warns.
    invalid(`if (!process.env.ENVIRONMENT) console.warn("ENVIRONMENT is not set");\nconst production = process.env.ENVIRONMENT === "production";`, [unset(3, 20)]),
    // Near-miss: the stop comes after the comparison.
    invalid(`const production = process.env.ENVIRONMENT === "production";\nif (!process.env.ENVIRONMENT) process.exit(1);`, [unset(2, 20)]),
    // Near-miss: the stop runs on one path only.
    invalid(`if (process.argv.includes("--strict")) {\n  if (!process.env.ENVIRONMENT) process.exit(1);\n}\nconst production = process.env.ENVIRONMENT === "production";`, [unset(5, 20)]),
    // Near-miss: another variable is checked.
    invalid(`if (!process.env.DATABASE_URL) process.exit(1);\nconst production = process.env.ENVIRONMENT === "production";`, [unset(3, 20)]),
  ],
});
