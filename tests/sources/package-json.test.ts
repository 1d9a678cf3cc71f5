/**
 * package.json scripts in contract-scan (src/sources/package-json.ts + src/sources/findings.ts): bypass
 * names, CI=true where SPEC §6.6 says it counts, Prisma CLI writes, allowlisting `package.json#<script>`
 * (§6.4), positions through JSON escapes, parse errors.
 */
import { afterEach, describe, expect, it } from "vitest";
import { decodeJsonString } from "../../src/sources/package-json.js";
import { cleanRepos, packageJson, scanRepo, scanRepoFindings } from "./helpers.js";

afterEach(cleanRepos);

describe("package.json scripts", () => {
  it("is silent for an empty package.json, one without scripts, and read-only Prisma commands", async () => {
    expect(await scanRepo({ "package.json": "{}\n" })).toEqual([]);
    expect(await scanRepo({ "package.json": packageJson({ gen: "prisma generate && prisma migrate dev", studio: "prisma studio", status: "prisma migrate status" }) })).toEqual([]);
  });

  it("reports Prisma CLI writes at the command, lifecycle scripts included, through && and env prefixes", async () => {
    const scripts = { "db:push": "prisma db push --accept-data-loss", postinstall: "npm run gen && dotenv -e .env -- npx prisma migrate deploy", gen: "prisma generate" };
    expect(await scanRepo({ "package.json": packageJson(scripts) })).toEqual([
      'package.json:3:17 no-direct-prisma-cli "prisma db push" writes to the database, and this file may not run it',
      'package.json:4:36 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it',
    ]);
  });

  it("reports bypass names set with VAR=1, env, export, and read with $X", async () => {
    const scripts = { build: "SKIP_DB_CHECK=1 next build", b: "env BYPASS_AUTH=1 node a.js", c: "export ALLOW_SEED=true; node s.js", d: "echo $SKIP_X" };
    expect(await scanRepo({ "package.json": packageJson(scripts) })).toEqual([
      'package.json:3:15 no-bypass-env Environment variable "SKIP_DB_CHECK" matches the bypass pattern "SKIP_*"',
      'package.json:4:15 no-bypass-env Environment variable "BYPASS_AUTH" matches the bypass pattern "BYPASS_*"',
      'package.json:5:18 no-bypass-env Environment variable "ALLOW_SEED" matches the bypass pattern "ALLOW_*"',
      'package.json:6:16 no-bypass-env Environment variable "SKIP_X" matches the bypass pattern "SKIP_*"',
    ]);
    // bypass.allow applies as in code.
    const allow = { version: 1, bypass: { allow: [{ name: "SKIP_DB_CHECK", reason: "build only, no database" }] } };
    expect(await scanRepo({ "package.json": packageJson({ build: "SKIP_DB_CHECK=1 next build" }) }, allow)).toEqual([]);
  });

  it("reports CI=true when the same command runs a Prisma write or, through npm run, a script that does; CI=true jest is silent", async () => {
    const scripts = {
      test: "CI=true jest",
      reset: "prisma migrate reset --force",
      "ci:reset": "CI=true npm run reset",
      "ci:lint": "CI=true npm run lint",
      lint: "eslint .",
      direct: "CI=true prisma db seed",
    };
    const found = await scanRepo({ "package.json": packageJson(scripts) });
    expect(found.filter((l) => l.includes("no-bypass-env"))).toEqual([
      'package.json:5:18 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI',
      'package.json:8:16 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI',
    ]);
  });

  it("reports CI=true when the command runs a mutation script (allowlisted, or a script-zone file that loads a database client)", async () => {
    const files = {
      "package.json": packageJson({ sync: "CI=true tsx scripts/sync.ts", report: "CI=true node scripts/report.js", listed: "CI=true node scripts/listed.js" }),
      "scripts/sync.ts": 'import { PrismaClient } from "@prisma/client";\nexport const db = new PrismaClient();\n',
      "scripts/report.js": "console.log(1);\n",
      "scripts/listed.js": "console.log(2);\n",
    };
    const contract = { version: 1, mutationScripts: { "scripts/listed.js": { operations: ["create"] } } };
    expect((await scanRepo(files, contract)).filter((l) => l.startsWith("package.json"))).toEqual([
      'package.json:3:14 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI',
      'package.json:5:16 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI',
    ]);
  });

  it("allowlists package.json#<script> and apps/web/package.json#<script> for the commands in operations (§6.4)", async () => {
    const files = {
      "package.json": packageJson({ "db:deploy": "prisma migrate deploy", "db:reset": "prisma migrate reset" }),
      "apps/web/package.json": packageJson({ "db:push": "prisma db push --accept-data-loss" }),
    };
    const contract = {
      version: 1,
      mutationScripts: { "package.json#db:deploy": { operations: ["prisma migrate deploy"] }, "apps/web/package.json#db:push": { operations: ["prisma db push"] }, "package.json#db:reset": { operations: ["prisma migrate deploy"] } },
    };
    expect(await scanRepo(files, contract)).toEqual(['package.json:4:18 no-direct-prisma-cli "prisma migrate reset" writes to the database, and this file may not run it']);
  });

  it("maps positions through JSON escapes and non-ASCII text", async () => {
    const scripts = { x: 'echo "é \\"q\\"" && prisma db push' };
    const text = packageJson(scripts);
    const line = text.split("\n")[2] ?? "";
    expect(await scanRepo({ "package.json": text })).toEqual([`package.json:3:${line.indexOf("prisma db push") + 1} no-direct-prisma-cli "prisma db push" writes to the database, and this file may not run it`]);
    expect(decodeJsonString('"a\\u00e9\\n b"', 10)).toMatchObject({ value: "aé\n b" });
    expect(decodeJsonString('"a\\u00e9\\n b"', 10).toFileOffset(3)).toBe(10 + 10);
  });

  it("skips the tests zone for bypass names (as no-bypass-env does) but not for Prisma writes", async () => {
    expect(await scanRepo({ "tests/package.json": packageJson({ e2e: "SKIP_AUTH=1 prisma migrate reset --force" }) })).toEqual([
      'tests/package.json:3:13 no-direct-prisma-cli "prisma migrate reset" writes to the database, and this file may not run it',
    ]);
  });

  it("turns invalid JSON and a script that is not shell into parse-error findings", async () => {
    expect(await scanRepo({ "package.json": '{\n  "scripts": {,\n}\n' })).toEqual(["package.json:2:15 parse-error invalid JSON"]);
    expect(await scanRepo({ "package.json": packageJson({ bad: "echo 'open" }) })).toEqual(['package.json:3:18 parse-error script "bad" is not a valid shell command line']);
  });
});

describe("package.json parse errors: severity (SPEC §6.13)", () => {
  it("is a warning for an ordinary package.json and an error when it holds an allowlisted script", async () => {
    const files = { "package.json": '{ "scripts": { "db:deploy": "prisma migrate deploy", }\n' };
    const severity = async (contract: object): Promise<string[]> => (await scanRepoFindings(files, contract)).map((f) => `${f.ruleId} ${f.severity}`);
    expect(await severity({ version: 1 })).toEqual(["production-safety/parse-error warning"]);
    expect(await severity({ version: 1, mutationScripts: { "package.json#db:deploy": { operations: ["prisma migrate deploy"] } } })).toEqual(["production-safety/parse-error error"]);
  });
});

describe("package.json scripts: wrappers seen on real repositories", () => {
  it("reads dotenv-flow -e .env -- prisma db push (dubinc/dub apps/web/package.json) and dotenv -- node <mutation script>", async () => {
    const files = {
      "package.json": packageJson({ "prisma:push": "dotenv-flow -e .env -- prisma db push --schema=./prisma/schema", sync: "CI=true dotenv -e ../.env -- node scripts/sync.js" }),
      "scripts/sync.js": "console.log(1);\n",
    };
    expect((await scanRepo(files, { version: 1, mutationScripts: { "scripts/sync.js": { operations: ["create"] } } })).filter((l) => l.startsWith("package.json"))).toEqual([
      'package.json:3:21 no-direct-prisma-cli "prisma db push" writes to the database, and this file may not run it',
      'package.json:4:14 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI',
    ]);
  });
});
