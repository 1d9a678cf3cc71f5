/**
 * no-contract-expansion (SPEC §3 group B, §6.11, scanner only): the semantic diff of two contracts, one
 * widening per case and the narrowing that must stay silent; positions on the current contract file;
 * reading the base with git (errors, a contract absent at the ref, an invalid one). The built CLI on a
 * temporary git repository is tested in tests/e2e/contract-expansion.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { git } from "../e2e/git-repo.js";
import { type BaseContract, BaseRefError, checkContractExpansion, diffContracts, readBaseContract } from "../../src/checks/no-contract-expansion.js";
import { parseContract, validateContract } from "../../src/contract.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "ps-expansion-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let count = 0;
/** A fresh folder under tmp with the given files. */
function folder(files: Record<string, string> = {}): string {
  const root = path.join(tmp, `r${++count}`);
  mkdirSync(root, { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  return root;
}

const EMPTY_ROOT = folder();

/** The `what` of every widening from `base` to `current` (both given without defaults). */
function widenings(base: object, current: object, root = EMPTY_ROOT): string[] {
  return diffContracts(validateContract({ version: 1, ...base }, null), validateContract({ version: 1, ...current }, null), { root }).map((w) => w.what);
}

/** Key paths of the widenings. */
function keyPaths(base: object, current: object, root = EMPTY_ROOT): (string | number)[][] {
  return diffContracts(validateContract({ version: 1, ...base }, null), validateContract({ version: 1, ...current }, null), { root }).map((w) => w.keyPath);
}

const SCRIPT = "scripts/sync.ts";
const entry = (value: object): object => ({ mutationScripts: { [SCRIPT]: value } });

describe("diffContracts: widening", () => {
  it("reports a new allowlisted script, with its operations and scope", () => {
    expect(widenings({}, entry({ operations: ["create", "update"] }))).toEqual([
      'mutationScripts["scripts/sync.ts"] is a new allowlisted mutation script (operations "create", "update", any table)',
    ]);
    expect(widenings({}, entry({ operations: ["create"], tables: { users: ["name"] } }))).toEqual([
      'mutationScripts["scripts/sync.ts"] is a new allowlisted mutation script (operations "create", tables "users")',
    ]);
  });

  it("reports each new operation of an allowlisted script, at the operation", () => {
    const base = entry({ operations: ["create"] });
    const current = entry({ operations: ["create", "deleteMany", "prisma migrate resolve"] });
    expect(widenings(base, current)).toEqual([
      'mutationScripts["scripts/sync.ts"].operations has the new entry "deleteMany": the script may now run this operation',
      'mutationScripts["scripts/sync.ts"].operations has the new entry "prisma migrate resolve": the script may now run this operation',
    ]);
    expect(keyPaths(base, current)).toEqual([
      ["mutationScripts", SCRIPT, "operations", 1],
      ["mutationScripts", SCRIPT, "operations", 2],
    ]);
  });

  it("reports a new table, a new column, and a column list widened to \"*\"", () => {
    const base = entry({ operations: ["update"], tables: { users: ["name"], posts: ["title"] } });
    expect(widenings(base, entry({ operations: ["update"], tables: { users: ["name"], posts: ["title"], audit: "*" } }))).toEqual([
      'mutationScripts["scripts/sync.ts"].tables allows the new table "audit" (columns "*")',
    ]);
    expect(widenings(base, entry({ operations: ["update"], tables: { users: ["name", "email"], posts: ["title"] } }))).toEqual([
      'mutationScripts["scripts/sync.ts"].tables.users has the new entry "email": the script may now write this column',
    ]);
    expect(widenings(base, entry({ operations: ["update"], tables: { users: "*", posts: ["title"] } }))).toEqual([
      'mutationScripts["scripts/sync.ts"].tables.users allows every column ("*"); it allowed "name"',
    ]);
  });

  it("reports a tables map that was removed (any table), at the entry", () => {
    const base = entry({ operations: ["update"], tables: { users: ["name"] } });
    expect(widenings(base, entry({ operations: ["update"] }))).toEqual([
      'mutationScripts["scripts/sync.ts"] no longer has "tables": the script may now write any table (it was limited to "users")',
    ]);
    expect(keyPaths(base, entry({ operations: ["update"] }))).toEqual([["mutationScripts", SCRIPT]]);
  });

  it("reports entries added to migrations, tests and ignore (globs compared as text)", () => {
    expect(widenings({}, { migrations: ["**/prisma/migrations/**", "migrations/**", "db/migrations/**", "scripts/migrations/**"] })).toEqual([
      'migrations has the new entry "scripts/migrations/**": destructive SQL is allowed in files it matches',
    ]);
    expect(widenings({ tests: ["tests/**"] }, { tests: ["tests/**", "scripts/**/*.ts"] })).toEqual([
      'tests has the new entry "scripts/**/*.ts": files it matches are test code, exempt from the SQL and bypass rules',
    ]);
    expect(widenings({}, { ignore: ["scripts/legacy/**"] })).toEqual(['ignore has the new entry "scripts/legacy/**": files it matches are no longer scanned']);
    // Choice: globs are compared as text (§6.11), so a rewritten glob is a new entry even where it matches the same files.
    expect(widenings({ ignore: ["vendor/**"] }, { ignore: ["./vendor/**"] })).toEqual(['ignore has the new entry "./vendor/**": files it matches are no longer scanned']);
  });

  // Issue 13 item 5 (SPEC §6.18): a dataLayer glob accepts row deletes that were reported.
  it("reports a glob added to dataLayer, at the glob; a removed one narrows", () => {
    expect(widenings({}, { dataLayer: ["app/support/DbAdapter/**"] })).toEqual([
      'dataLayer has the new entry "app/support/DbAdapter/**": row-level DELETE and UPDATE ... WHERE statements in files it matches are no longer reported',
    ]);
    expect(keyPaths({ dataLayer: ["a/**"] }, { dataLayer: ["a/**", "b/**"] })).toEqual([["dataLayer", 1]]);
    expect(widenings({ dataLayer: ["a/**", "b/**"] }, { dataLayer: ["b/**"] })).toEqual([]);
  });

  it("reports entries removed from scripts, dbClients and bypass.patterns, at the key that held them", () => {
    expect(widenings({}, { scripts: ["**/scripts/**"] })).toEqual([
      'scripts no longer has "**/bin/**": files it matched are no longer script zones, where unlisted mutation scripts are reported',
    ]);
    expect(keyPaths({}, { scripts: ["**/scripts/**"] })).toEqual([["scripts"]]);
    expect(widenings({ dbClients: ["@prisma/client", "pg"] }, { dbClients: ["@prisma/client"] })).toEqual([
      'dbClients no longer has "pg": importing it no longer counts as database access',
    ]);
    expect(widenings({}, { bypass: { patterns: ["SKIP_*", "BYPASS_*", "ALLOW_*", "PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION"] } })).toEqual([
      'bypass.patterns no longer has "SAFETY_ASSURED": env names matching it are no longer bypasses',
    ]);
  });

  it("reports a new bypass allowance by name, not a changed reason", () => {
    const allow = (name: string, reason: string): object => ({ bypass: { allow: [{ name, reason }] } });
    expect(widenings({}, allow("SKIP_ENV_VALIDATION", "Read by next build only."))).toEqual([
      'bypass.allow allows the new bypass name "SKIP_ENV_VALIDATION" (reason: "Read by next build only.")',
    ]);
    expect(widenings(allow("SKIP_ENV_VALIDATION", "Read by next build only."), allow("SKIP_ENV_VALIDATION", "Read by the Next.js build, never at runtime."))).toEqual([]);
  });

  it("reports a changed CI guard variable or value, and new guard functions and modules", () => {
    expect(widenings({}, { ciGuard: { env: "RUN_IN_CI" } })).toEqual(['ciGuard.env changed from "CI" to "RUN_IN_CI": the CI guard now tests another variable']);
    expect(widenings({}, { ciGuard: { equals: "1" } })).toEqual(['ciGuard.equals changed from "true" to "1": the CI guard now accepts another value']);
    expect(widenings({}, { ciGuard: { functions: ["assertCi"], modules: ["lib/ci-guard.ts"] } })).toEqual([
      'ciGuard.functions has the new entry "assertCi": a call of it now counts as the CI guard',
      'ciGuard.modules has the new entry "lib/ci-guard.ts": importing it now counts as the CI guard',
    ]);
  });

  it("reports a deprecated script that left the list while the file still exists", () => {
    const root = folder({ "scripts/old-sync.ts": "process.exit(1);\n" });
    expect(widenings({ deprecatedScripts: ["scripts/old-sync.ts", "scripts/gone.ts"] }, {}, root)).toEqual([
      'deprecatedScripts no longer has "scripts/old-sync.ts": the script still exists and is no longer required to exit before doing anything',
    ]);
  });

  it("reports a changed deploy script, comparing the effective one (an explicit default is no change)", () => {
    const root = folder({ "scripts/deploy-db.js": "", "tools/deploy.js": "" });
    expect(widenings({}, { deployScript: "tools/deploy.js" }, root)).toEqual([
      'the deploy script changed from "scripts/deploy-db.js" to "tools/deploy.js": another file may run prisma migrate deploy',
    ]);
    expect(widenings({}, { deployScript: "scripts/deploy-db.js" }, root)).toEqual([]);
  });

  // Choice: the deploy pipeline's order lock is reviewed on any change of its script or steps (an added
  // step may sit between two locked ones); only adding a pipeline where there was none is silent.
  it("reports a removed deploy pipeline and changed pipeline script or steps", () => {
    const pipeline = { deployPipeline: { script: "deploy", steps: ["predeploy", "backup:production", "deploy:db"] } };
    expect(widenings(pipeline, {})).toEqual(['deployPipeline was removed: the order of the deploy steps ("predeploy", "backup:production", "deploy:db") is no longer checked']);
    expect(widenings(pipeline, { deployPipeline: { script: "release", steps: ["predeploy", "backup:production", "deploy:db"] } })).toEqual([
      'deployPipeline.script changed from "deploy" to "release"',
    ]);
    expect(widenings(pipeline, { deployPipeline: { script: "deploy", steps: ["predeploy", "deploy:db"] } })).toEqual([
      'deployPipeline.steps changed from "predeploy", "backup:production", "deploy:db" to "predeploy", "deploy:db": the locked order of the deploy steps is different',
    ]);
    expect(widenings({}, pipeline)).toEqual([]);
  });

  it("reports a removed fingerprint section, new fingerprint functions and removed factories", () => {
    const fingerprint = { fingerprint: { functions: ["validateDatabaseUrl"], factories: ["createClient"] } };
    expect(widenings(fingerprint, {})).toEqual(["fingerprint was removed: database clients are no longer required to follow a fingerprint check (require-fingerprint is off)"]);
    expect(widenings(fingerprint, { fingerprint: { functions: ["validateDatabaseUrl", "trustMe"] } })).toEqual([
      'fingerprint.functions has the new entry "trustMe": a call of it now counts as the fingerprint check',
      'fingerprint.factories no longer has "createClient": clients it creates are no longer checked',
    ]);
  });

  it("reports a removed safety section, a removed layer, new accepted functions and fewer checked names", () => {
    const safety = {
      safety: {
        productionCheck: ["isProduction"],
        safetyCheck: ["passesSafetyCheck"],
        confirm: ["requireConfirmation"],
        destructive: ["purgeAll"],
        backup: ["createBackup"],
        environment: { variables: ["ENVIRONMENT"] },
      },
    };
    expect(widenings(safety, {})).toEqual(["safety was removed: the destructive-operation safety layers (group D) are off"]);
    expect(widenings(safety, { safety: { ...safety.safety, backup: undefined, productionCheck: ["isProduction", "alwaysTrue"] } })).toEqual([
      'safety.productionCheck has the new entry "alwaysTrue": a call of it now counts as that safety layer',
      "safety.backup was removed: that safety layer is off",
    ]);
    expect(widenings(safety, { safety: { ...safety.safety, destructive: [], confirm: undefined, environment: {} } })).toEqual([
      "safety.confirm was removed: what it listed is no longer checked",
      'safety.destructive no longer has "purgeAll": calls of it are no longer checked',
      "safety.environment.variables was removed: env-fail-closed is off",
    ]);
  });
});

describe("diffContracts: no widening", () => {
  it("is silent for the same contract, with defaults spelled out or left implicit", () => {
    expect(widenings({}, {})).toEqual([]);
    expect(widenings({}, { scripts: ["**/scripts/**", "**/bin/**"], ciGuard: { env: "CI", equals: "true" }, bypass: { allow: [] } })).toEqual([]);
    expect(widenings({ scripts: ["**/scripts/**", "**/bin/**"] }, {})).toEqual([]);
  });

  it("is silent for every narrowing", () => {
    const wide = {
      scripts: ["**/scripts/**"],
      migrations: ["migrations/**", "db/**"],
      tests: ["tests/**", "e2e/**"],
      ignore: ["vendor/**"],
      dbClients: ["@prisma/client"],
      ciGuard: { functions: ["assertCi", "legacyGuard"], modules: ["lib/guard.ts"] },
      bypass: { patterns: ["SKIP_*"], allow: [{ name: "SKIP_A", reason: "Needed by the build only." }] },
      mutationScripts: {
        [SCRIPT]: { operations: ["create", "delete"] },
        "scripts/b.ts": { operations: ["update"], tables: { users: "*", posts: ["title", "body"] } },
        "scripts/c.ts": { operations: ["update"] },
      },
      deprecatedScripts: ["scripts/old.ts"],
    };
    const narrow = {
      scripts: ["**/scripts/**", "tools/**"],
      migrations: ["migrations/**"],
      tests: ["tests/**"],
      ignore: [],
      dbClients: ["@prisma/client", "pg"],
      ciGuard: { functions: ["assertCi"], modules: [] },
      bypass: { patterns: ["SKIP_*", "FORCE_*"], allow: [] },
      mutationScripts: {
        // Fewer operations; a tables map added; a table removed; "*" narrowed to columns; an entry removed.
        [SCRIPT]: { operations: ["create"], tables: { users: ["name"] } },
        "scripts/b.ts": { operations: ["update"], tables: { users: ["name"] } },
      },
      deprecatedScripts: ["scripts/old.ts", "scripts/older.ts"],
      fingerprint: { functions: ["validateDatabaseUrl"] },
      safety: { backup: ["createBackup"] },
    };
    expect(widenings(wide, narrow)).toEqual([]);
  });

  // Choice: an empty tables map allows no table (mutation-scope: tables present means only those), so
  // removing the last table narrows.
  it("treats removing every table from a tables map as narrowing", () => {
    expect(widenings(entry({ operations: ["update"], tables: { users: ["name"] } }), entry({ operations: ["update"], tables: {} }))).toEqual([]);
  });
});

describe("checkContractExpansion: findings", () => {
  const text = `${JSON.stringify(
    { version: 1, migrations: ["migrations/**", "scripts/fixes/**"], mutationScripts: { [SCRIPT]: { operations: ["create", "delete"], tables: { users: ["name", "email"] } } } },
    null,
    2,
  )}\n`;
  const root = folder({ "production-contract.json": text });
  const contractFile = path.join(root, "production-contract.json");
  const current = parseContract(text, contractFile);
  const base = (contract: object | null, ref = "main"): BaseContract => ({ ref, source: `${ref}:production-contract.json`, text: contract === null ? null : JSON.stringify(contract) });
  const at = (findings: ReturnType<typeof checkContractExpansion>): string[] => findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}`);

  it("puts each widening at its key in the current contract, removals at the key that held them", () => {
    const before = { version: 1, migrations: ["migrations/**", "db/**"], mutationScripts: { [SCRIPT]: { operations: ["create"], tables: { users: ["name"] } } } };
    const findings = checkContractExpansion(root, current, contractFile, text, base(before), false);
    expect(at(findings)).toEqual([
      "production-contract.json:5:5 error production-safety/no-contract-expansion",
      "production-contract.json:11:9 error production-safety/no-contract-expansion",
      "production-contract.json:16:11 error production-safety/no-contract-expansion",
    ]);
    expect(findings[0]?.message).toBe(
      'The contract widened since main: migrations has the new entry "scripts/fixes/**": destructive SQL is allowed in files it matches. Have a reviewer approve it, then accept it with --allow-expansion.',
    );
  });

  it("reports a removal whose key is gone at the nearest key that remains, or at 1:1", () => {
    const before = { version: 1, scripts: ["**/scripts/**", "tools/**"], fingerprint: { functions: ["validateDatabaseUrl"] } };
    // `scripts` is not in the current text (the defaults are in force): its removals are at 1:1, like the removed fingerprint.
    const findings = checkContractExpansion(root, current, contractFile, text, base(before), false).filter((f) => /: (scripts|fingerprint) /.test(f.message));
    expect(findings.map((f) => `${f.line}:${f.column} ${f.message.split(": ")[1] ?? ""}`)).toEqual([
      '1:1 scripts no longer has "tools/**"',
      "1:1 fingerprint was removed",
    ]);
  });

  // Choice: --allow-expansion does not hide widenings: they stay in the report, as warnings, for review.
  it("makes every widening a warning with --allow-expansion, and says it was accepted", () => {
    const findings = checkContractExpansion(root, current, contractFile, text, base({ version: 1 }), true);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(["warning"]));
    expect(findings[0]?.message).toMatch(/Accepted with --allow-expansion; shown for review\.$/);
  });

  // Choice: a contract absent at the base is compared as the defaults (what a repository without one ran on).
  it("compares a contract absent at the base as the defaults", () => {
    // The current migrations list keeps the default "migrations/**" and adds one glob.
    expect(checkContractExpansion(root, current, contractFile, text, base(null), false).map((f) => `${f.line}:${f.column} ${f.message.split(": ")[1] ?? ""}`)).toEqual([
      '5:5 migrations has the new entry "scripts/fixes/**"',
      '8:5 mutationScripts["scripts/sync.ts"] is a new allowlisted mutation script (operations "create", "delete", tables "users"). Have a reviewer approve it, then accept it with --allow-expansion.',
    ]);
  });

  // Choice: an invalid contract at the base is one finding at 1:1 (fail closed), not a usage error, so a
  // change that repairs it can be reviewed and accepted with --allow-expansion.
  it("reports an invalid base contract as one finding that says why nothing could be compared", () => {
    const invalid: BaseContract = { ref: "main", source: "main:production-contract.json", text: '{"version": 1, "scripts": "x"}' };
    const findings = checkContractExpansion(root, current, contractFile, text, invalid, false);
    expect(at(findings)).toEqual(["production-contract.json:1:1 error production-safety/no-contract-expansion"]);
    expect(findings[0]?.message).toContain("The contract at main is invalid (scripts: expected array");
    expect(findings[0]?.message).toContain("cannot be compared");
  });
});


describe("readBaseContract", () => {
  const root = folder({ "production-contract.json": '{"version": 1}\n' });
  git(root, "init", "-q");
  git(root, "add", ".");
  git(root, "commit", "-q", "-m", "contract");
  writeFileSync(path.join(root, "production-contract.json"), '{"version": 1, "ignore": ["x/**"]}\n');
  mkdirSync(path.join(root, "config"));

  it("reads the committed text at the ref, not the working tree", async () => {
    expect(await readBaseContract(path.join(root, "production-contract.json"), "main")).toEqual({ ref: "main", source: "main:production-contract.json", text: '{"version": 1}\n' });
  });

  it("returns no text for a contract that did not exist at the ref", async () => {
    expect(await readBaseContract(path.join(root, "config/contract.json"), "HEAD")).toEqual({ ref: "HEAD", source: "HEAD:config/contract.json", text: null });
  });

  it("throws a BaseRefError for a ref that names no commit, a ref that looks like a flag, and a folder outside git", async () => {
    await expect(readBaseContract(path.join(root, "production-contract.json"), "HEAD~5")).rejects.toThrow(BaseRefError);
    await expect(readBaseContract(path.join(root, "production-contract.json"), "HEAD~5")).rejects.toThrow(/--base HEAD~5: no such commit/);
    await expect(readBaseContract(path.join(root, "production-contract.json"), "--output=x")).rejects.toThrow(/--base expects a git ref/);
    // os.tmpdir() itself is not inside a git repository.
    await expect(readBaseContract(path.join(folder(), "production-contract.json"), "main")).rejects.toThrow(/is not inside one/);
  });
});
