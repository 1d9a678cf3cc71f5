/**
 * `contract-scan init` (issue 7 item 3): the draft validates except for its TODO reasons, and once a
 * person has written those, the scan has no allowlist findings (`no-unlisted-mutation-script`,
 * `mutation-scope`) on the repository it was drafted from. The CLI flows (write, refuse to overwrite,
 * --stdout, --force) run the built CLI; the property over many fixture repositories runs in process.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ContractError, loadContractFile, validateContract } from "../../src/contract.js";
import { draftContract, DRAFT_SCHEMA, runInit } from "../../src/init.js";
import { scan } from "../../src/scanner.js";
import { PACKAGE_ROOT, runCli } from "./helpers.js";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A temporary copy of a fixture repository without its contract. */
function copyWithoutContract(fixture: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ps-init-"));
  temps.push(dir);
  cpSync(path.join(PACKAGE_ROOT, fixture), dir, { recursive: true });
  rmSync(path.join(dir, "production-contract.json"), { force: true });
  return dir;
}

/** What a person does after review: a real reason instead of each TODO. */
function withReasons(contract: Record<string, unknown>): Record<string, unknown> {
  const bypass = contract.bypass as { allow: { name: string; reason: string }[] } | undefined;
  if (!bypass) return contract;
  return { ...contract, bypass: { allow: bypass.allow.map((a) => ({ name: a.name, reason: `reviewed: ${a.name} is needed` })) } };
}

const ALLOWLIST_RULES = ["production-safety/no-unlisted-mutation-script", "production-safety/mutation-scope"];

describe("contract-scan init on fixtures/example-app", () => {
  const dir = copyWithoutContract("fixtures/example-app");
  const contractPath = path.join(dir, "production-contract.json");
  let firstDraft = "";

  it("writes a draft, lists what it found and what a person must decide", () => {
    const run = runCli(["init", dir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`contract-scan init: wrote ${contractPath}`);
    expect(run.stdout).toContain("\nFound:\n");
    expect(run.stdout).toContain("  - deploy script scripts/deploy-db.js (runs prisma migrate deploy)\n");
    expect(run.stdout).toContain("\nA person must decide:\n");
    // A computed name (`SKIP_${x}`) cannot be allowed by name.
    expect(run.stdout).toContain("a computed bypass name SKIP_… at scripts/cleanup-demo-data.ts:11");
    expect(run.stdout).toContain("scripts/broken-migration-helper.ts:3: the file does not parse");

    firstDraft = readFileSync(contractPath, "utf8");
    const draft = JSON.parse(firstDraft) as Record<string, unknown>;
    expect(draft.$schema).toBe(DRAFT_SCHEMA);
    expect(draft.version).toBe(1);
    expect(draft.dbClients).toEqual(["@prisma/client", ".prisma/client", "pg"]);
    expect(draft.deployScript).toBe("scripts/deploy-db.js");
    expect(draft.mutationScripts).toEqual({
      // A package script that runs a Prisma CLI write (SPEC §6.4 key).
      "package.json#db:push": { operations: ["prisma db push"] },
      // TRUNCATE through $executeRawUnsafe with a table in a variable: no table can be named, so no `tables`.
      "scripts/cleanup-demo-data.ts": { operations: ["deleteMany", "executeRaw"] },
      "scripts/deploy-db.js": { operations: ["prisma migrate deploy"] },
      // A delete writes no column.
      "scripts/reset-demo-bookings.ts": { operations: ["deleteMany"], tables: { Booking: [] } },
      // The raw `UPDATE services SET is_active` is keyed by its model and field, like the delegate writes.
      "scripts/sync-reference-data-dev-to-prod.ts": {
        operations: ["update", "upsert", "executeRaw"],
        tables: { Service: ["basePrice", "featured", "isActive", "name"], ServiceCategory: ["description", "icon", "isActive", "name"] },
      },
    });
    expect((draft.bypass as { allow: unknown[] }).allow).toEqual(
      ["ALLOW_ADMIN_WITHOUT_LOGIN", "BYPASS_RATE_LIMIT", "BYPASS_SAFETY", "SKIP_ENV_VALIDATION", "SKIP_FINGERPRINT_VALIDATION"].map((name) => ({ name, reason: "TODO" })),
    );
  });

  it("the draft does not validate until every TODO reason is written", () => {
    let error: unknown;
    try {
      loadContractFile(contractPath);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).problems).toEqual(
      [0, 1, 2, 3, 4].map((i) => `bypass.allow[${i}].reason: expected a real reason, not a placeholder; found "TODO"`),
    );
    const scanRun = runCli([dir]);
    expect(scanRun.status).toBe(2);
  });

  it("with the reasons written, the scan has no allowlist findings; what remains is not the allowlist's business", () => {
    writeFileSync(contractPath, JSON.stringify(withReasons(JSON.parse(readFileSync(contractPath, "utf8")) as Record<string, unknown>), null, 2));
    const run = runCli([dir, "--format", "json"]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; file: string; line: number }[] };
    const remaining = report.findings.map((f) => `${f.ruleId.replace("production-safety/", "")} ${f.file}:${f.line}`);
    expect(remaining.filter((r) => ALLOWLIST_RULES.some((rule) => r.startsWith(rule.replace("production-safety/", ""))))).toEqual([]);
    // Choice: init drafts the allowlist, not fixes. What remains are the example's deliberate
    // violations of other rules, which a contract cannot (and must not) silence:
    expect(remaining).toEqual([
      // Non-code sources (SPEC §6.4): init drafts package.json scripts only; the workflow's bypass env and
      // Prisma commands, the Dockerfile's migrate deploy and the shell script stay for a person to decide.
      "no-bypass-env .github/workflows/release.yml:7",
      "no-direct-prisma-cli .github/workflows/release.yml:15",
      "no-direct-prisma-cli .github/workflows/release.yml:18",
      "no-direct-prisma-cli Dockerfile:8",
      // prisma db push from application code: init lists only script-zone files (allowlisting an app
      // file would put its every write under mutation-scope); the person moves the command or lists it.
      "no-direct-prisma-cli lib/admin-tools.ts:6",
      // CI=true set in a package script that runs a mutation script.
      "no-bypass-env package.json:7",
      // a file that does not parse: its writes cannot be drafted, and it is an error in a script zone.
      "parse-error scripts/broken-migration-helper.ts:3",
      // scripts with no CI guard (the draft proposes none), including report-usage.ts, a reader that
      // imports "pg", which the draft adds to dbClients.
      "require-ci-guard scripts/cleanup-demo-data.ts:3",
      // a computed bypass name: no allow entry covers SKIP_${x}.
      "no-bypass-env scripts/cleanup-demo-data.ts:11",
      // an eslint-disable comment naming a production-safety rule: a contract cannot allow it.
      "no-contract-disable scripts/cleanup-demo-data.ts:13",
      // destructive SQL outside migrations is a different problem than the allowlist (SPEC §6.3).
      "no-destructive-sql scripts/cleanup-demo-data.ts:22",
      "no-destructive-sql scripts/cleanup-demo-data.ts:26",
      "no-destructive-sql scripts/cleanup-demo-data.ts:27",
      "no-destructive-sql scripts/cleanup-demo-data.ts:29",
      "no-destructive-sql scripts/cleanup-demo-data.ts:31",
      // the deploy script does more than migrate.
      "deploy-script-only-migrates scripts/deploy-db.js:11",
      "require-ci-guard scripts/report-usage.ts:2",
      "require-ci-guard scripts/reset-demo-bookings.ts:2",
      "no-bypass-env scripts/reset-local-db.sh:4",
      "no-direct-prisma-cli scripts/reset-local-db.sh:6",
      "no-destructive-sql scripts/reset-views.sql:3",
      // CI=true set in code can never be allowed.
      "no-bypass-env scripts/run-e2e.js:7",
      // retired scripts are not detected: the person lists them in deprecatedScripts.
      "require-ci-guard scripts/sync-services-v1.ts:3",
      "no-destructive-sql scripts/verify-permissions.sql:6",
    ]);
  });

  it("never replaces an existing contract without --force", () => {
    const before = readFileSync(contractPath, "utf8");
    const run = runCli(["init", dir]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`contract-scan init: ${contractPath} already exists; not replacing it. Use --force to replace it, or --stdout to print the draft.\n`);
    expect(readFileSync(contractPath, "utf8")).toBe(before);
  });

  it("--stdout prints the draft (notes on stderr) and leaves the existing contract alone", () => {
    const before = readFileSync(contractPath, "utf8");
    const run = runCli(["init", dir, "--stdout"]);
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(["$schema", "version", "scripts", "migrations", "dbClients", "mutationScripts", "deployScript", "bypass"]);
    expect(run.stderr).toContain(`contract-scan init: drafted a contract for ${dir}\n`);
    expect(run.stderr).toContain("A person must decide:");
    expect(readFileSync(contractPath, "utf8")).toBe(before);
  });

  it("--force replaces it", () => {
    const run = runCli(["init", dir, "--force"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`contract-scan init: wrote ${contractPath}`);
    // The reviewed reasons are gone: the same draft as the first run (drafts are deterministic).
    expect(readFileSync(contractPath, "utf8")).toBe(firstDraft);
  });

  it("a directory that does not exist is a usage error", async () => {
    let stderr = "";
    const io = { stdout: () => undefined, stderr: (text: string) => void (stderr += text), isTTY: false, cwd: dir };
    expect(await runInit("missing", {}, io)).toBe(2);
    expect(stderr).toBe("contract-scan init: not a directory: missing\n");
  });
});

describe("draftContract on fixtures/init/app (one of each thing a draft lists)", () => {
  const dir = copyWithoutContract("fixtures/init/app");

  it("drafts zones, clients, scripts, package.json scripts, the deploy script and bypass names", async () => {
    const draft = await draftContract(dir);
    expect(draft.contract).toEqual({
      $schema: DRAFT_SCHEMA,
      version: 1,
      scripts: ["**/scripts/**", "**/bin/**"],
      // supabase/migrations is a migration folder the defaults miss; scripts/migrations is in a script zone.
      migrations: ["**/prisma/migrations/**", "migrations/**", "db/migrations/**", "supabase/migrations/**"],
      dbClients: ["@prisma/client", ".prisma/client", "knex"],
      mutationScripts: {
        // Through imported functions: the update's columns cannot be seen ("*"), a delete writes none.
        "scripts/archive.ts": { operations: ["update", "deleteMany"], tables: { Member: [], Team: "*" } },
        "scripts/deploy.js": { operations: ["prisma migrate deploy"] },
        // A payload of spreads: "*".
        "scripts/import-members.ts": { operations: ["create"], tables: { Member: "*" } },
        "scripts/migrations/backfill-names.ts": { operations: ["updateMany"], tables: { Team: ["name"] } },
        // A nested relation write: mutation-scope cannot check it against tables, so none are drafted.
        "scripts/nested-team.ts": { operations: ["create"] },
        // Raw SQL columns (is_active, team_id) become the fields @map-ped to them.
        "scripts/seed-teams.ts": {
          operations: ["create", "upsert", "executeRaw"],
          tables: { Member: ["email", "id", "isActive", "teamId"], Team: ["id", "name"] },
        },
        // A delegate whose model is computed: any table.
        "tools/bin/reset.ts": { operations: ["deleteMany"] },
        "package.json#db:push": { operations: ["prisma db push"] },
      },
      deployScript: "scripts/deploy.js",
      bypass: { allow: ["BYPASS_CACHE", "BYPASS_CONFIRM", "SKIP_AUDIT"].map((name) => ({ name, reason: "TODO" })) },
    });
    expect(draft.decide).toContain(
      'scripts/migrations/ is inside a script zone: its files are mutation scripts, not migrations. If it holds schema migrations, add "scripts/migrations/**" to "migrations".',
    );
    expect(draft.decide.some((line) => line.startsWith("tools/bin/reset.ts may write any table"))).toBe(true);
    expect(draft.found).toContain("package.json script package.json#db:push: prisma db push");
  });
});

// Every fixture repository the project has: a draft from it validates once its reasons are written,
// and the scan of the same repository then has no allowlist findings.
const REPOSITORIES = [
  "fixtures/example-app",
  "fixtures/init/app",
  "fixtures/corpus-regressions/client-subclass-override",
  "fixtures/corpus-regressions/factory-closures",
  "fixtures/corpus-regressions/imported-delete-scope",
  "fixtures/corpus-regressions/type-only-import-elided",
  "fixtures/corpus-regressions/typeof-type-query",
  "fixtures/corpus-regressions/unknown-delegate-missed",
  "fixtures/facts/commonjs",
  "fixtures/facts/members",
  "fixtures/facts/monorepo",
  "fixtures/facts/resolution",
  "fixtures/facts/writes",
];

describe("a draft scans without allowlist findings", () => {
  for (const fixture of REPOSITORIES) {
    it(fixture, async () => {
      const dir = copyWithoutContract(fixture);
      const draft = await draftContract(dir);
      const contract = validateContract(withReasons(draft.contract), path.join(dir, "production-contract.json"));
      const result = await scan({ root: dir, contract });
      const allowlist = result.findings.filter((f) => ALLOWLIST_RULES.includes(f.ruleId));
      expect(allowlist).toEqual([]);
      // The drafted allowlist is not empty where the repository has mutation scripts (the test would pass
      // trivially otherwise); a scan with an empty one reports them.
      const scripts = Object.keys(draft.contract.mutationScripts as object).filter((key) => !key.includes("#") && key !== draft.contract.deployScript);
      if (scripts.length > 0) {
        const bare = validateContract({ ...withReasons(draft.contract), mutationScripts: {} }, null);
        const unlisted = (await scan({ root: dir, contract: bare })).findings.filter((f) => ALLOWLIST_RULES.includes(f.ruleId));
        expect(unlisted.length).toBeGreaterThan(0);
      }
      expect(existsSync(path.join(dir, "production-contract.json"))).toBe(false);
    });
  }
});
