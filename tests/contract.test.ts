// The contract loader (SPEC §2): defaults, validation through the shipped JSON Schema, error messages
// that name the key path, what was expected and what was found, and JSON syntax errors with positions.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  compileValidator,
  CONTRACT_SCHEMA_FILE,
  type Contract,
  ContractError,
  defaultContract,
  prebuiltValidator,
  schemaDigest,
  lineColumnAt,
  loadContractFile,
  parseContract,
  toRepoPath,
  validateContract,
} from "../src/contract.js";
import { braceExpansionCount } from "../src/globs.js";
import { MAX_GLOB_EXPANSIONS, MAX_GLOB_LENGTH, MAX_SEGMENT_WILDCARDS } from "../src/limits.js";
import { packageFile } from "../src/package-info.js";
import { fullContract } from "./full-contract.js";

const DEFAULT_BYPASS_PATTERNS = ["SKIP_*", "BYPASS_*", "ALLOW_*", "PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION", "SAFETY_ASSURED"];
const DEFAULT_CI_GUARD = { env: "CI", equals: "true", functions: [], modules: [] };

/** The `problems` of the ContractError that `fn` throws (fails the test when it does not throw one). */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return (error as ContractError).problems;
  }
  throw new Error("expected a ContractError, but nothing was thrown");
}

function invalid(input: unknown): string[] {
  return problemsOf(() => validateContract(input, null));
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "contract-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("defaults (SPEC §2)", () => {
  it("fills every key of a minimal contract", () => {
    expect(validateContract({ version: 1 }, null)).toEqual({
      version: 1,
      scripts: ["**/scripts/**", "**/bin/**"],
      migrations: ["**/prisma/migrations/**", "migrations/**", "db/migrations/**", "**/alembic/versions/**", "**/migrations/versions/**", "**/migrations/[0-9]*.py"],
      tests: ["**/*.test.*", "**/*.spec.*", "**/__tests__/**", "test/**", "tests/**", "e2e/**", "**/test_*.py", "**/*_test.py", "**/conftest.py"],
      ignore: [],
      dataLayer: [],
      dbClients: ["@prisma/client", ".prisma/client", "psycopg", "psycopg2", "sqlalchemy", "django.db", "asyncpg"],
      ciGuard: DEFAULT_CI_GUARD,
      bypass: { patterns: DEFAULT_BYPASS_PATTERNS, allow: [] },
      mutationScripts: {},
      deprecatedScripts: [],
    } satisfies Contract);
  });

  it("defaultContract() is the minimal contract", () => {
    expect(defaultContract()).toEqual(validateContract({ version: 1 }, null));
  });

  it("leaves optional sections without a default unset", () => {
    const contract = defaultContract();
    for (const key of ["prismaSchema", "deployScript", "deployPipeline", "fingerprint", "safety", "$schema"]) {
      expect(contract).not.toHaveProperty(key);
    }
  });

  it("completes a partial ciGuard", () => {
    expect(validateContract({ version: 1, ciGuard: { env: "DEPLOY_ENV" } }, null).ciGuard).toEqual({
      env: "DEPLOY_ENV",
      equals: "true",
      functions: [],
      modules: [],
    });
    expect(validateContract({ version: 1, ciGuard: { functions: ["assertCi"] } }, null).ciGuard).toEqual({
      ...DEFAULT_CI_GUARD,
      functions: ["assertCi"],
    });
    expect(validateContract({ version: 1, ciGuard: {} }, null).ciGuard).toEqual(DEFAULT_CI_GUARD);
  });

  it("completes a partial bypass", () => {
    const allow = [{ name: "SKIP_LINT", reason: "only skips the lint step, reviewed in #12" }];
    expect(validateContract({ version: 1, bypass: { allow } }, null).bypass).toEqual({ patterns: DEFAULT_BYPASS_PATTERNS, allow });
    expect(validateContract({ version: 1, bypass: { patterns: ["NO_*"] } }, null).bypass).toEqual({ patterns: ["NO_*"], allow: [] });
  });

  it("keeps given values instead of defaults (an empty list stays empty)", () => {
    const contract = validateContract({ version: 1, scripts: [], tests: ["spec/**"], dbClients: ["pg"] }, null);
    expect(contract.scripts).toEqual([]);
    expect(contract.tests).toEqual(["spec/**"]);
    expect(contract.dbClients).toEqual(["pg"]);
  });

  it("gives each contract its own default arrays", () => {
    const a = validateContract({ version: 1 }, null);
    const b = validateContract({ version: 1 }, null);
    a.scripts.push("x/**");
    a.ciGuard.functions.push("f");
    expect(b.scripts).toEqual(["**/scripts/**", "**/bin/**"]);
    expect(b.ciGuard.functions).toEqual([]);
  });

  it("accepts a full contract with every key", () => {
    const full = { $schema: "./node_modules/eslint-plugin-production-safety/schema/production-contract.schema.json", ...fullContract() };
    expect(validateContract(full, "c.json")).toEqual(full);
  });
});

describe("validation", () => {
  it("requires version", () => {
    expect(invalid({})).toEqual(["version: required key is missing; expected it to be set; found nothing"]);
  });

  it.each([[2], [0], ["1"], [1.5], [null]])("rejects version %j", (version) => {
    expect(invalid({ version })).toEqual([`version: expected 1; found ${JSON.stringify(version)}`]);
  });

  it("allows $schema", () => {
    expect(validateContract({ $schema: "https://example.com/s.json", version: 1 }, null).$schema).toBe("https://example.com/s.json");
  });

  it("rejects a contract that is not an object", () => {
    expect(invalid([])).toEqual(["(root): expected object; found an array []"]);
    expect(invalid(null)).toEqual(["(root): expected object; found null"]);
    expect(invalid("version: 1")).toEqual(['(root): expected object; found "version: 1"']);
  });

  it("rejects an unknown top-level key and lists the known ones", () => {
    const [problem, ...rest] = invalid({ version: 1, mutationScript: {} });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^mutationScript: unknown key; expected one of \$schema, version, scripts, .*mutationScripts.*; found "mutationScript"$/);
  });

  it.each([
    [{ ciGuard: { equal: "true" } }, "ciGuard.equal", "env, equals, functions, modules"],
    [{ bypass: { pattern: [] } }, "bypass.pattern", "patterns, allow"],
    [{ bypass: { allow: [{ name: "SKIP_A", reason: "ok", note: "x" }] } }, "bypass.allow[0].note", "name, reason"],
    [{ mutationScripts: { "scripts/x.ts": { operations: ["create"], table: {} } } }, 'mutationScripts["scripts/x.ts"].table', "operations, tables"],
    [{ deployPipeline: { script: "deploy", steps: ["a"], order: [] } }, "deployPipeline.order", "script, steps"],
    [{ fingerprint: { functions: ["f"], factory: [] } }, "fingerprint.factory", "functions, factories"],
    [{ safety: { backups: ["b"] } }, "safety.backups", "productionCheck, safetyCheck, confirm, destructive, backup, environment"],
    [{ safety: { environment: { variable: ["ENV"] } } }, "safety.environment.variable", "variables"],
  ])("rejects an unknown nested key: %j", (extra, keyPath, known) => {
    const key = keyPath.split(".").at(-1)!;
    expect(invalid({ version: 1, ...extra })).toEqual([`${keyPath}: unknown key; expected one of ${known}; found ${JSON.stringify(key)}`]);
  });

  it("names the key path, the expected values and the found value of a bad operation", () => {
    expect(invalid({ version: 1, mutationScripts: { "scripts/x.ts": { operations: ["create", "delet"] } } })).toEqual([
      'mutationScripts["scripts/x.ts"].operations[1]: expected one of create, createMany, createManyAndReturn, update, updateMany, ' +
        "updateManyAndReturn, upsert, delete, deleteMany, executeRaw, prisma migrate deploy, prisma migrate resolve, " +
        'prisma migrate reset, prisma db push, prisma db execute, prisma db seed; found "delet"',
    ]);
  });

  it("lists every problem, not only the first", () => {
    const problems = invalid({
      scripts: "scripts/**",
      ciGuard: { equal: "true", env: 1 },
      mutationScripts: { "a.ts": { operations: [] }, "b.ts": {} },
      deprecatedScripts: ["x.ts", "x.ts"],
    });
    expect(problems.sort()).toEqual(
      [
        "version: required key is missing; expected it to be set; found nothing",
        'scripts: expected array; found "scripts/**"',
        'ciGuard.equal: unknown key; expected one of env, equals, functions, modules; found "equal"',
        "ciGuard.env: expected string; found 1",
        'mutationScripts["a.ts"].operations: expected at least 1 item(s); found an array []',
        'mutationScripts["b.ts"].operations: required key is missing; expected it to be set; found nothing',
        "deprecatedScripts: expected unique items; found a duplicate at positions 0 and 1",
      ].sort(),
    );
    expect(problems).toHaveLength(7);
  });

  it('checks tables: "*" or a list of column names', () => {
    expect(invalid({ version: 1, mutationScripts: { "a.ts": { operations: ["update"], tables: { User: "email", Post: ["title", 1] } } } })).toEqual([
      'mutationScripts["a.ts"].tables.User: expected "*" or an array of column names; found "email"',
      'mutationScripts["a.ts"].tables.Post[1]: expected string; found 1',
    ]);
  });

  // Issue 14 item 4: an array that fails inside a oneOf branch is reported at the element, not at the array.
  it.each([
    ["", 'expected a non-empty string; found ""'],
    [0, "expected string; found 0"],
    [false, "expected string; found false"],
    [{}, "expected string; found an object"],
    [[null], "expected string; found an array [null]"],
    [1e308, "expected string; found 1e+308"],
  ])("names the element's key path when a tables column is %j", (value, rest) => {
    const contract = { version: 1, mutationScripts: { "scripts/x.ts": { operations: ["update"], tables: { users: ["email", value, "name"] } } } };
    expect(invalid(contract)).toEqual([`mutationScripts["scripts/x.ts"].tables.users[1]: ${rest}`]);
    expect(problemsOf(() => parseContract(JSON.stringify(contract, null, 2), "c.json"))).toEqual([`mutationScripts["scripts/x.ts"].tables.users[1]: ${rest}`]);
  });

  it("reports a repeated column at the tables entry that repeats it, not as a wrong type", () => {
    expect(invalid({ version: 1, mutationScripts: { "a.ts": { operations: ["update"], tables: { users: ["id", "id"] } } } })).toEqual([
      'mutationScripts["a.ts"].tables.users: expected unique items; found a duplicate at positions 0 and 1',
    ]);
  });

  it("names the element's key path in the first mutationScripts entry too (identifier keys)", () => {
    expect(invalid({ version: 1, mutationScripts: { a: { operations: ["update"], tables: { users: ["id", 0] } } } })).toEqual(["mutationScripts.a.tables.users[1]: expected string; found 0"]);
  });

  it("keeps one message for a tables value that is neither \"*\" nor an array", () => {
    for (const value of ["email", 0, null, {}, true]) {
      const problems = invalid({ version: 1, mutationScripts: { "a.ts": { operations: ["update"], tables: { users: value } } } });
      expect(problems).toEqual([expect.stringMatching(/^mutationScripts\["a\.ts"\]\.tables\.users: expected "\*" or an array of column names; found /)]);
    }
  });

  it("shortens a long found value in a message", () => {
    const [problem] = invalid({ version: 1, scripts: "x".repeat(10_000) });
    expect(problem!.length).toBeLessThan(300);
    expect(problem).toMatch(/^scripts: expected array; found "x+…$/);
  });

  it("requires name and a real reason in every bypass.allow entry", () => {
    expect(
      invalid({
        version: 1,
        bypass: {
          allow: [
            { name: "SKIP_A" },
            { reason: "reviewed" },
            { name: "SKIP_B", reason: "" },
            { name: "SKIP_C", reason: "   " },
            { name: "SKIP_D", reason: "TODO" },
            { name: "SKIP_E", reason: " todo. " },
            { name: "", reason: "ok" },
          ],
        },
      }),
    ).toEqual([
      "bypass.allow[0].reason: required key is missing; expected it to be set; found nothing",
      "bypass.allow[1].name: required key is missing; expected it to be set; found nothing",
      'bypass.allow[2].reason: expected a string that is not blank; found ""',
      'bypass.allow[3].reason: expected a string that is not blank; found "   "',
      'bypass.allow[4].reason: expected a real reason, not a placeholder; found "TODO"',
      'bypass.allow[5].reason: expected a real reason, not a placeholder; found " todo. "',
      'bypass.allow[6].name: expected a non-empty string; found ""',
    ]);
  });

  it("accepts a reason that only mentions TODO", () => {
    const reason = "TODO list sync job reads it; reviewed by the platform team";
    expect(validateContract({ version: 1, bypass: { allow: [{ name: "SKIP_A", reason }] } }, null).bypass.allow).toEqual([{ name: "SKIP_A", reason }]);
  });

  it("quotes keys that are not identifiers in key paths", () => {
    expect(invalid({ version: 1, mutationScripts: { "apps/web/package.json#db:push": { operations: "x" } } })).toEqual([
      'mutationScripts["apps/web/package.json#db:push"].operations: expected array; found "x"',
    ]);
  });

  it("does not mutate its input", () => {
    const input = { version: 1, ciGuard: { env: "X" }, bypass: { allow: [] } };
    const copy = structuredClone(input);
    validateContract(input, null);
    expect(input).toEqual(copy);
    const bad = { version: 2, ciGuard: {} };
    invalid(bad);
    expect(bad).toEqual({ version: 2, ciGuard: {} });
  });

  it("rejects values that are not JSON data with a ContractError", () => {
    expect(invalid({ version: 1, scripts: [() => "x"] })).toEqual([
      expect.stringMatching(/^\(root\): expected JSON data .*; found a value that is not JSON/),
    ]);
  });

  it("says where an invalid contract came from", () => {
    try {
      validateContract({ version: 2 }, "/repo/production-contract.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).file).toBe("/repo/production-contract.json");
      expect((error as ContractError).message).toBe("Invalid production contract (/repo/production-contract.json):\n  version: expected 1; found 2");
    }
    expect(() => validateContract({ version: 2 }, null)).toThrow("Invalid production contract (inline contract):\n  version: expected 1; found 2");
  });
});

// Issue 13 item 5 (SPEC §6.18): dataLayer lists application code only.
describe("dataLayer", () => {
  it("accepts globs of application code", () => {
    expect(validateContract({ version: 1, dataLayer: ["app/support/DbAdapter/**", "src/repositories/*.ts"] }, null).dataLayer).toEqual([
      "app/support/DbAdapter/**",
      "src/repositories/*.ts",
    ]);
  });

  it("rejects a glob that lists an allowlisted, deprecated or deploy script, naming the glob", () => {
    const base = { version: 1, mutationScripts: { "src/jobs/purge.ts": { operations: ["deleteMany"] }, "src/db/package.json#db:push": { operations: ["prisma db push"] } } };
    expect(invalid({ ...base, dataLayer: ["app/db/**", "src/jobs/**"] })).toEqual([
      'dataLayer[1]: "src/jobs/**" lists src/jobs/purge.ts, a mutationScripts entry (an allowlisted script); expected application code only: a script is never a data layer, so remove it from the glob (narrow the glob)',
    ]);
    expect(invalid({ ...base, dataLayer: ["src/db/**"] })[0]).toMatch(/^dataLayer\[0\]: "src\/db\/\*\*" lists src\/db\/package.json, a mutationScripts entry/);
    expect(invalid({ version: 1, deprecatedScripts: ["lib/old-sync.ts"], dataLayer: ["lib/*.ts"] })[0]).toMatch(/^dataLayer\[0\]: "lib\/\*.ts" lists lib\/old-sync.ts, a deprecated script;/);
    expect(invalid({ version: 1, deployScript: "app/deploy.js", dataLayer: ["app/**"] })[0]).toMatch(/^dataLayer\[0\]: "app\/\*\*" lists app\/deploy.js, the deploy script;/);
  });

  it("rejects a glob whose folder is a script zone, or that is a scripts glob", () => {
    expect(invalid({ version: 1, dataLayer: ["bin/db/**"] })).toEqual([
      'dataLayer[0]: "bin/db/**" lists files in the script zone "**/bin/**"; expected application code only: a script zone is never a data layer, so list the application folder that holds the data layer',
    ]);
    expect(invalid({ version: 1, scripts: ["tools/*.ts"], dataLayer: ["tools/*.ts"] })[0]).toMatch(/^dataLayer\[0\]: "tools\/\*.ts" lists files in the script zone "tools\/\*.ts"/);
  });

  it("near-misses: a folder beside a script zone, an entry outside every glob", () => {
    expect(validateContract({ version: 1, dataLayer: ["app/support/DbAdapter/**"], mutationScripts: { "bin/clean_test_db.js": { operations: ["executeRaw"] } } }, null).dataLayer).toEqual([
      "app/support/DbAdapter/**",
    ]);
    expect(validateContract({ version: 1, dataLayer: ["src/scripting-engine/**"] }, null).dataLayer).toEqual(["src/scripting-engine/**"]);
  });

  it("is a list of non-empty, unique globs", () => {
    expect(invalid({ version: 1, dataLayer: "app/**" })).toEqual(['dataLayer: expected array; found "app/**"']);
    expect(invalid({ version: 1, dataLayer: ["a/**", "a/**"] })[0]).toMatch(/^dataLayer: expected unique items/);
  });
});

describe("JSON syntax", () => {
  it.each([
    ["a trailing comma", '{\n  "version": 1,\n}\n', 'line 2, column 15: malformed JSON; expected another property after this comma; found "}" (trailing commas are not allowed)'],
    ["a trailing comma in an array", '{\n  "version": 1,\n  "scripts": ["a/**", ]\n}', 'line 3, column 21: malformed JSON; expected another item after this comma; found "]" (trailing commas are not allowed)'],
    ["a line comment", '{\n  // the contract\n  "version": 1\n}', 'line 2, column 3: malformed JSON; expected JSON (comments are not allowed); found "// the contract"'],
    ["a block comment", '/* c */ {"version": 1}', 'line 1, column 1: malformed JSON; expected JSON (comments are not allowed); found "/* c */"'],
    ["a truncated file", '{\n  "version": 1,\n  "scripts": ["a"', "line 3, column 18: malformed JSON; expected \"]\"; found the end of the file"],
    ["a missing comma", '{\n  "version": 1\n  "scripts": []\n}', 'line 3, column 3: malformed JSON; expected ","; found "\\"scripts\\""'],
    ["a missing colon", '{"version" 1}', 'line 1, column 12: malformed JSON; expected ":"; found "1"'],
    ["text after the object", '{"version": 1} x', 'line 1, column 16: malformed JSON; expected a JSON token (keys and strings in double quotes; true, false, null, a number, an object or an array); found "x"'],
    ["an unquoted key", "{version: 1}", 'line 1, column 2: malformed JSON; expected a JSON token (keys and strings in double quotes; true, false, null, a number, an object or an array); found "version"'],
    ["a line break in a string", '{"version": 1, "scripts": ["a\nb"]}', 'line 1, column 28: malformed JSON; expected a closing "; found "\\"a"'],
    ["an empty file", "", 'line 1, column 1: malformed JSON; expected a JSON object such as {"version": 1}; found an empty file'],
    ["a blank file", "  \n\n", 'line 1, column 1: malformed JSON; expected a JSON object such as {"version": 1}; found an empty file'],
  ])("reports %s with line and column", (_label, text, problem) => {
    expect(problemsOf(() => parseContract(text, "c.json"))).toEqual([problem]);
  });

  it('reports a "__proto__" key as unknown instead of dropping it', () => {
    expect(problemsOf(() => parseContract('{"version": 1, "ciGuard": {"__proto__": {"env": "X"}}}', "c.json"))).toEqual([
      'ciGuard.__proto__: unknown key; expected one of env, equals, functions, modules; found "__proto__"',
    ]);
    expect(problemsOf(() => parseContract('{"version": 1, "__proto__": {}}', "c.json"))[0]).toMatch(/^__proto__: unknown key; /);
  });

  it("reports a key that appears twice in one object (JSON.parse would keep the last silently)", () => {
    const text = [
      "{",
      '  "version": 1,',
      '  "mutationScripts": { "scripts/a.ts": { "operations": ["create"] } },',
      '  "ciGuard": { "env": "CI", "env": "DEPLOY" },',
      '  "mutationScripts": {}',
      "}",
    ].join("\n");
    expect(problemsOf(() => parseContract(text, "c.json"))).toEqual([
      "ciGuard.env: duplicate key; expected each key once; found it again at line 4, column 29 (first at line 4, column 16)",
      "mutationScripts: duplicate key; expected each key once; found it again at line 5, column 3 (first at line 3, column 3)",
    ]);
  });

  it("allows the same key in different objects", () => {
    const text = '{"version": 1, "mutationScripts": {"a.ts": {"operations": ["create"]}, "b.ts": {"operations": ["create"]}}}';
    expect(Object.keys(parseContract(text, "c.json").mutationScripts)).toEqual(["a.ts", "b.ts"]);
  });

  it("accepts a byte order mark", () => {
    expect(parseContract('\uFEFF{"version": 1}', "c.json").version).toBe(1);
  });

  // Issue 14 item 4: a root that is not an object is located in the file.
  it.each([
    ["[]", 1, 1, "an array []"],
    ['"x"', 1, 1, '"x"'],
    ["1", 1, 1, "1"],
    ["null", 1, 1, "null"],
    ["\n\n  [1, 2]\n", 3, 3, "an array [1,2]"],
    ["\uFEFF true", 1, 2, "true"],
  ])("says (root) with a line and column when the contract %j is not an object", (text, line, column, found) => {
    expect(problemsOf(() => parseContract(text, "c.json"))).toEqual([`(root) at line ${line}, column ${column}: expected object; found ${found}`]);
  });

  it("validates after parsing", () => {
    expect(problemsOf(() => parseContract('{"version": 1, "ignore": [1]}', "c.json"))).toEqual(["ignore[0]: expected string; found 1"]);
  });

  it("lineColumnAt is 1-based and counts UTF-16 columns", () => {
    expect(lineColumnAt("abc", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt("a\nbc", 3)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt("😀x\ny", 2)).toEqual({ line: 1, column: 3 });
  });
});

describe("loadContractFile", () => {
  it("reads and validates a file", () => {
    const file = path.join(tmp, "ok.json");
    writeFileSync(file, JSON.stringify({ version: 1, scripts: ["tools/**"] }));
    expect(loadContractFile(file).scripts).toEqual(["tools/**"]);
  });

  it("throws a ContractError naming the file when it does not exist", () => {
    const file = path.join(tmp, "missing.json");
    expect(() => loadContractFile(file)).toThrow(ContractError);
    const [problem] = problemsOf(() => loadContractFile(file));
    expect(problem).toMatch(/^cannot read the file: ENOENT/);
  });

  it("throws a ContractError for a directory", () => {
    // Refused before it is opened (src/source-text.ts): only regular files are read.
    expect(problemsOf(() => loadContractFile(tmp))[0]).toMatch(/^cannot read the file: it is a directory, not a regular file/);
  });

  it("names the file in the message of a malformed one", () => {
    const file = path.join(tmp, "bad.json");
    writeFileSync(file, '{"version": 1,}');
    expect(() => loadContractFile(file)).toThrow(`Invalid production contract (${file}):\n  line 1, column 14: malformed JSON`);
  });
});

describe("the shipped schema", () => {
  const schema = JSON.parse(readFileSync(packageFile("schema/production-contract.schema.json"), "utf8")) as {
    properties: Record<string, { default?: unknown }>;
  };

  it("has a property for every key of the Contract type and the documented defaults", () => {
    expect(Object.keys(schema.properties).sort()).toEqual(
      [
        "$schema",
        "version",
        "scripts",
        "migrations",
        "tests",
        "ignore",
        "dataLayer",
        "dbClients",
        "prismaSchema",
        "ciGuard",
        "bypass",
        "mutationScripts",
        "deprecatedScripts",
        "deployScript",
        "deployPipeline",
        "fingerprint",
        "safety",
      ].sort(),
    );
    const contract = defaultContract() as unknown as Record<string, unknown>;
    for (const [key, property] of Object.entries(schema.properties)) {
      if (property.default !== undefined) expect(contract[key], key).toEqual(property.default);
    }
  });
});

describe("the validator built ahead of time (npm run build: dist/contract-validator.cjs)", () => {
  const schemaText = readFileSync(packageFile(CONTRACT_SCHEMA_FILE), "utf8");

  it("exists for the shipped schema and gives the errors and the filled-in defaults the compiled one gives", () => {
    const prebuilt = prebuiltValidator(schemaDigest(schemaText));
    expect(prebuilt).toBeDefined();
    const compiled = compileValidator(schemaText);
    const { mutationScripts, ...withoutScripts } = fullContract();
    const inputs: unknown[] = [
      { version: 1 },
      fullContract(),
      withoutScripts,
      { version: 2, scripts: "scripts/**", unknownKey: true },
      { ...fullContract(), mutationScripts: { ...mutationScripts, "scripts/x.ts": { operations: [], tables: ["users"] } } },
      { ...fullContract(), ciGuard: { env: 1, functions: [null] }, bypass: { allow: [{ name: "X" }] }, safety: { backup: "pg_dump" } },
      [],
      null,
    ];
    for (const input of inputs) {
      const [a, b] = [structuredClone(input), structuredClone(input)];
      const valid = prebuilt!(a);
      expect(compiled(b)).toBe(valid);
      expect(prebuilt!.errors ?? null).toEqual(compiled.errors ?? null);
      expect(a).toEqual(b);
    }
  });

  it("near-miss: one built from another schema text is not used", () => {
    expect(prebuiltValidator(schemaDigest(`${schemaText}\n`))).toBeUndefined();
  });
});

describe("toRepoPath", () => {
  it("gives POSIX paths relative to the root", () => {
    expect(toRepoPath("/repo", "/repo/scripts/a.ts")).toBe("scripts/a.ts");
    expect(toRepoPath("/repo", "/repo")).toBe("");
    expect(toRepoPath("/repo", "/other/a.ts")).toBe("../other/a.ts");
  });
});

describe("globs that cannot be compiled or walked safely (issue 14)", () => {
  it("refuses brace bombs, control characters and long globs, naming the key path and the limit", () => {
    expect(invalid({ version: 1, scripts: ["scripts/**", "{1..100000}"] })).toEqual([
      `scripts[1]: expected a glob that can be compiled and walked; found "{1..100000}": its braces expand to more than ${MAX_GLOB_EXPANSIONS.toLocaleString("en-US")} patterns; write fewer alternatives, or several globs`,
    ]);
    const alternations = `a/${"{a,b}".repeat(30)}`;
    expect(invalid({ version: 1, ignore: [alternations] })).toEqual([expect.stringMatching(/^ignore\[0\]: .*: its braces expand to more than 1,000 patterns;/)]);
    const nested = `${"{a,".repeat(1_000)}b${"}".repeat(1_000)}`;
    expect(invalid({ version: 1, dataLayer: [nested] })).toEqual([expect.stringMatching(/^dataLayer\[0\]: .*\(4,001 characters\): its braces expand to more than 1,000 patterns;/)]);
    // Before: globby looked the 1,001-character name up and the scan crashed with ENAMETOOLONG.
    const deep = `${"{".repeat(500)}a${"}".repeat(500)}`;
    expect(invalid({ version: 1, scripts: [deep] })).toEqual([expect.stringMatching(/^scripts\[0\]: .*: it has a path segment of 1,001 characters, longer than any file name \(255\); shorten it$/)]);
    expect(invalid({ version: 1, tests: ["scripts/\u0000/**"] })).toEqual([
      'tests[0]: expected a glob that can be compiled and walked; found "scripts/\\u0000/**": it holds the control character "\\u0000" at position 8, which no path holds; remove it',
    ]);
    expect(invalid({ version: 1, bypass: { patterns: ["a".repeat(100_000)] } })).toEqual([
      expect.stringMatching(new RegExp(`^bypass\\.patterns\\[0\\]: .*\\(100,000 characters\\): it is 100,000 characters long, more than the ${MAX_GLOB_LENGTH.toLocaleString("en-US")} allowed; write a shorter glob$`)),
    ]);
    expect(invalid({ version: 1, prismaSchema: "prisma/{1..5000}.prisma" })).toEqual([expect.stringMatching(/^prismaSchema: /)]);
  });

  it(`refuses a path segment with more than ${MAX_SEGMENT_WILDCARDS} wildcards (matching it backtracks for seconds on a long name)`, () => {
    // Before: picomatch took about 20 s to match this against one 50-character file name.
    expect(invalid({ version: 1, scripts: ["scripts/**", "scripts/*a*a*a*a*a*a*a*a*a*ab"] })).toEqual([
      `scripts[1]: expected a glob that can be compiled and walked; found "scripts/*a*a*a*a*a*a*a*a*a*ab": its path segment "*a*a*a*a*a*a*a*a*a*ab" holds 10 wildcards, more than the ${MAX_SEGMENT_WILDCARDS} a segment may hold (matching it against a long file name takes time that grows with the name's length to the power of its wildcards); write fewer wildcards, or several globs`,
    ]);
    expect(invalid({ version: 1, ignore: ["+(a|aa)+(a|aa)+(a|aa)+(a|aa)"] })).toEqual([expect.stringMatching(/^ignore\[0\]: .*holds 4 wildcards/)]);
    expect(invalid({ version: 1, tests: ["{x,*a*a*a*b}/y"] })).toEqual([expect.stringMatching(/^tests\[0\]: .*"\*a\*a\*a\*b" holds 4 wildcards/)]);
  });

  it(`near-miss: ${MAX_SEGMENT_WILDCARDS} wildcards in a segment, any number of segments, ** segments and escaped stars are accepted`, () => {
    const globs = ["**/*.test.*", "scripts/*-*-*.ts", "**/**/a*/*b*/**", "docs/\\*\\*\\*\\*x*"];
    expect(validateContract({ version: 1, scripts: globs }, null).scripts).toEqual(globs);
  });

  it("accepts the globs real contracts use, braces and ranges within the limit", () => {
    expect(validateContract({ version: 1, scripts: ["**", "apps/{web,api}/scripts/**", "db/{1..999}/*.ts"], migrations: ["**/migrations/[0-9]*.py"] }, null).scripts).toEqual(["**", "apps/{web,api}/scripts/**", "db/{1..999}/*.ts"]);
    expect(braceExpansionCount("a/{b,c{1..3}}/{x,y}z")).toBe(8);
    expect(braceExpansionCount("{1..10..2}x{a..e}{,b}{a}")).toBe(50);
  });
});
