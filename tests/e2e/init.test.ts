/**
 * `contract-scan init` (issue 7 item 3): the draft validates except for its TODO reasons, and once a
 * person has written those, the scan has no allowlist findings (`no-unlisted-mutation-script`,
 * `mutation-scope`) on the repository it was drafted from, and no `no-direct-prisma-cli` / bypass-name
 * findings in the non-JavaScript sources (package.json scripts, workflows, Dockerfiles, shell scripts;
 * SPEC §6.4) that a contract entry can silence. The CLI flows (the draft, refuse to overwrite, --stdout,
 * --force, the scans) run `run()` of src/cli.ts in this process, the same code as the binary without a
 * Node start each (the binary runs `init` in tests/e2e/hostile-config.test.ts and the README recipes);
 * the property over many fixture repositories calls draftContract and scan directly.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliIo, run } from "../../src/cli.js";
import { ContractError, loadContractFile, validateContract } from "../../src/contract.js";
import { nonJsSourceKind } from "../../src/discover.js";
import { draftContract, DRAFT_SCHEMA, runInit } from "../../src/init.js";
import { scan } from "../../src/scanner.js";
import { PACKAGE_ROOT, type Run, runHere } from "./helpers.js";

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

/** `run(argv, io)` of src/cli.ts in this process (the same code as the binary, without a Node start per run). */
function cliHere(cwd: string, ...args: string[]): Promise<Run> {
  return runHere(args, cwd);
}

const ALLOWLIST_RULES = ["production-safety/no-unlisted-mutation-script", "production-safety/mutation-scope"];
/** What a drafted contract must silence: the allowlist rules, and the Prisma CLI writes of the non-JavaScript sources. */
const DRAFTED_RULES = [...ALLOWLIST_RULES, "production-safety/no-direct-prisma-cli"];

/** `rule file:line` of a JSON report's findings. */
function findingLines(stdout: string): string[] {
  const report = JSON.parse(stdout) as { findings: { ruleId: string; file: string; line: number }[] };
  return report.findings.map((f) => `${f.ruleId.replace("production-safety/", "")} ${f.file}:${f.line}`);
}

describe("contract-scan init on fixtures/example-app", () => {
  const dir = copyWithoutContract("fixtures/example-app");
  const contractPath = path.join(dir, "production-contract.json");
  let firstDraft = "";

  it("writes a draft, lists what it found and what a person must decide", async () => {
    const run = await runHere(["init", dir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`contract-scan init: wrote ${contractPath}`);
    expect(run.stdout).toContain("\nFound:\n");
    expect(run.stdout).toContain("\nA person must decide:\n");
    // The deploy script does more than migrate: not drafted as "deployScript"; the note names what blocks it
    // (its name makes it the deploy script anyway, so deploy-script-only-migrates reports it).
    expect(run.stdout).not.toContain("  - deploy script ");
    expect(run.stdout).toContain(
      '  - scripts/deploy-db.js is the deploy script by its name, and deploy-script-only-migrates reports 1 finding (line 11; the first: execSync("pg_dump \\"$DATABASE_URL\\" > backup.sql", { stdio: "inherit" });) in it: move that work into its own step of the deploy pipeline.\n',
    );
    // Prisma CLI writes that drop data are decisions for a person, never allowlisted.
    expect(run.stdout).toContain("  - package.json#db:push runs prisma db push --accept-data-loss at package.json:6, which drops data: not allowlisted, so the scan reports it.");
    expect(run.stdout).toContain("  - scripts/reset-local-db.sh runs prisma migrate reset --force at scripts/reset-local-db.sh:6, which drops data: not allowlisted");
    // A computed name (`SKIP_${x}`) cannot be allowed by name.
    expect(run.stdout).toContain("a computed bypass name SKIP_… at scripts/cleanup-demo-data.ts:11");
    expect(run.stdout).toContain("scripts/broken-migration-helper.ts:3: the file does not parse");
    // The non-JavaScript sources, read by the scanner's own readers (src/sources/).
    expect(run.stdout).toContain("  - workflow .github/workflows/release.yml: prisma migrate deploy, prisma db seed\n");
    expect(run.stdout).toContain("  - bypass name SKIP_MIGRATION_CHECK (first at .github/workflows/release.yml:7)\n");
    expect(run.stdout).toMatch(/ {2}- \.github\/workflows\/release\.yml \(workflow\) runs prisma migrate deploy, prisma db seed, allowlisted as it is today: a release workflow is the place for prisma migrate deploy/);
    // The next steps: the reasons, a preview, the baseline, the hook.
    expect(run.stdout.slice(run.stdout.indexOf("\nNext steps:\n"))).toBe(
      [
        "\nNext steps:",
        `  1. Replace the 6 "reason": "TODO" placeholders in ${contractPath} with real reasons (the contract does not load until then), and settle the notes above.`,
        `  2. Preview the findings: npx contract-scan ${dir}`,
        `  3. Accept today's findings: npx contract-scan ${dir} --update-baseline (writes contract-scan-baseline.json, which later runs read; commit it with the contract).`,
        '  4. Install the pre-commit hook and the CI job: "Running it in pre-commit and CI" in the eslint-plugin-production-safety README. From then on, only new findings fail.',
        "",
      ].join("\n"),
    );
    // Choice: CI=true settings cannot be allowlisted; the notes name each one (code, package.json, shell), none in the workflow (CI configuration, §6.6).
    const ciNotes = run.stdout.split("\n").filter((line) => line.includes("sets CI=true"));
    expect(ciNotes.map((line) => line.replace(/ sets CI=true.*/, ""))).toEqual(["  - package.json:7", "  - scripts/reset-local-db.sh:4", "  - scripts/run-e2e.js:7"]);

    firstDraft = readFileSync(contractPath, "utf8");
    const draft = JSON.parse(firstDraft) as Record<string, unknown>;
    expect(draft.$schema).toBe(DRAFT_SCHEMA);
    expect(draft.version).toBe(1);
    expect(draft.dbClients).toEqual(["@prisma/client", ".prisma/client", "psycopg", "psycopg2", "sqlalchemy", "django.db", "asyncpg", "pg"]);
    expect(draft.deployScript).toBeUndefined();
    expect(draft.mutationScripts).toEqual({
      // Choice: a workflow that runs Prisma CLI writes is drafted like any other place (a release workflow
      // is where `prisma migrate deploy` belongs, SPEC §6.4); the notes ask a person to keep only what the release needs.
      ".github/workflows/release.yml": { operations: ["prisma migrate deploy", "prisma db seed"] },
      // The container migrates on start (CMD): drafted, and flagged in the notes.
      Dockerfile: { operations: ["prisma migrate deploy"] },
      // Not "package.json#db:push": it runs `prisma db push --accept-data-loss` (a note, no entry).
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
      // Not scripts/reset-local-db.sh: it runs `prisma migrate reset` (a note, no entry).
    });
    // Keys in path order, so the file reads like the repository.
    expect(Object.keys(draft.mutationScripts as object)).toEqual(Object.keys(draft.mutationScripts as object).sort());
    expect((draft.bypass as { allow: unknown[] }).allow).toEqual(
      // SKIP_MIGRATION_CHECK is set in the release workflow's env only.
      ["ALLOW_ADMIN_WITHOUT_LOGIN", "BYPASS_RATE_LIMIT", "BYPASS_SAFETY", "SKIP_ENV_VALIDATION", "SKIP_FINGERPRINT_VALIDATION", "SKIP_MIGRATION_CHECK"].map((name) => ({ name, reason: "TODO" })),
    );
  });

  it("the draft does not validate until every TODO reason is written", async () => {
    let error: unknown;
    try {
      loadContractFile(contractPath);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).problems).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `bypass.allow[${i}].reason: expected a real reason, not a placeholder; found "TODO"`),
    );
    const scanRun = await cliHere(dir, ".");
    expect(scanRun.status).toBe(2);
    expect(scanRun.stderr).toContain('bypass.allow[0].reason: expected a real reason, not a placeholder; found "TODO"');
  });

  it("with the reasons written, the scan has no allowlist findings; what remains is not the allowlist's business", async () => {
    writeFileSync(contractPath, JSON.stringify(withReasons(JSON.parse(readFileSync(contractPath, "utf8")) as Record<string, unknown>), null, 2));
    const run = await cliHere(dir, ".", "--format", "json");
    expect(run.stderr).toBe("");
    const remaining = findingLines(run.stdout);
    expect(remaining.filter((r) => ALLOWLIST_RULES.some((rule) => r.startsWith(`${rule.replace("production-safety/", "")} `)))).toEqual([]);
    // Choice: init drafts the allowlist, not fixes. What remains are the example's deliberate
    // violations of other rules, which a contract cannot (and must not) silence:
    // The non-code sources (release workflow, Dockerfile, package.json script, shell script) are drafted:
    // none of their Prisma CLI writes or bypass names remain.
    expect(remaining).toEqual([
      // prisma db push from application code: init lists only script-zone files (allowlisting an app
      // file would put its every write under mutation-scope); the person moves the command or lists it.
      "no-direct-prisma-cli lib/admin-tools.ts:6",
      // Choice: `prisma db push --accept-data-loss` is never allowlisted by init: the notes ask a person.
      "no-direct-prisma-cli package.json:6",
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
      // `export CI=true` before a Prisma CLI write in a shell script: no entry can allow it (the notes name it).
      "no-bypass-env scripts/reset-local-db.sh:4",
      // Choice: `prisma migrate reset` is never allowlisted by init either.
      "no-direct-prisma-cli scripts/reset-local-db.sh:6",
      "no-destructive-sql scripts/reset-views.sql:3",
      // CI=true set in code can never be allowed.
      "no-bypass-env scripts/run-e2e.js:7",
      // retired scripts are not detected: the person lists them in deprecatedScripts.
      "require-ci-guard scripts/sync-services-v1.ts:3",
      "no-destructive-sql scripts/verify-permissions.sql:6",
    ]);
  });

  it("never replaces an existing contract without --force", async () => {
    const before = readFileSync(contractPath, "utf8");
    const run = await cliHere(dir, "init", ".");
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`contract-scan init: ${contractPath} already exists; not replacing it. Use --force to replace it, or --stdout to print the draft.\n`);
    expect(readFileSync(contractPath, "utf8")).toBe(before);
  });

  it("--stdout prints the draft (notes on stderr) and leaves the existing contract alone", async () => {
    const before = readFileSync(contractPath, "utf8");
    const run = await cliHere(dir, "init", ".", "--stdout");
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(["$schema", "version", "scripts", "migrations", "dbClients", "mutationScripts", "bypass"]);
    // The draft was not written: saving it is the first step.
    expect(run.stderr).toContain(`\nNext steps:\n  1. Save the draft as production-contract.json.\n  2. Replace the 6 "reason"`);
    expect(run.stderr).toContain("  3. Preview the findings: npx contract-scan\n");
    expect(`${JSON.stringify(printed, null, 2)}\n`).toBe(firstDraft);
    expect(run.stderr).toContain(`contract-scan init: drafted a contract for ${dir}\n`);
    expect(run.stderr).toContain("A person must decide:");
    expect(readFileSync(contractPath, "utf8")).toBe(before);
  });

  it("--force replaces it", async () => {
    const run = await cliHere(dir, "init", ".", "--force");
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
      migrations: ["**/prisma/migrations/**", "migrations/**", "db/migrations/**", "**/alembic/versions/**", "**/migrations/versions/**", "**/migrations/[0-9]*.py", "supabase/migrations/**"],
      dbClients: ["@prisma/client", ".prisma/client", "psycopg", "psycopg2", "sqlalchemy", "django.db", "asyncpg", "knex"],
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

describe("draftContract on fixtures/init/sources (Prisma CLI writes and bypass names only in non-JavaScript sources)", () => {
  const dir = copyWithoutContract("fixtures/init/sources");
  const contractPath = path.join(dir, "production-contract.json");
  let draft: Awaited<ReturnType<typeof draftContract>>;

  it("drafts an entry per place that runs a Prisma CLI write, keyed as SPEC §6.4 says, and the bypass names", async () => {
    draft = await draftContract(dir);
    expect(draft.contract.mutationScripts).toEqual({
      // The release workflow's migrate deploy (the place §6.4 names for it).
      ".github/workflows/release.yml": { operations: ["prisma migrate deploy"] },
      // A Dockerfile in a sub-package: its path.
      "apps/web/Dockerfile": { operations: ["prisma migrate deploy"] },
      // A sub-package's script, keyed with its folder; its `prisma studio` reads only.
      "apps/web/package.json#db:push": { operations: ["prisma db push"] },
      // A shell script without an extension, found by its shebang in a script zone.
      "bin/seed": { operations: ["prisma db seed"] },
      // A root package script: listed although it also sets CI=true (which no entry can allow).
      "package.json#seed:ci": { operations: ["prisma db seed"] },
      // Not scripts/db-reset.sh: `prisma migrate reset` drops the database (a note, no entry).
      // Near-misses without an entry: `prisma generate` (package.json, ci.yml, Dockerfile RUN, tests/db-setup.sh);
      // scripts/migrate-step.sh runs `prisma migrate "$1"`, which cannot be read (a note, no entry).
    });
    // Set in a workflow job's env, read in a workflow step, read in a shell script; SKIP_AUTH is set in
    // the tests zone, where no-bypass-env does not look, and `CI: true` in a workflow is exempt (§6.6).
    expect(draft.contract.bypass).toEqual({ allow: ["BYPASS_CONFIRM", "SKIP_LINT", "SKIP_SMOKE_TESTS"].map((name) => ({ name, reason: "TODO" })) });
    expect(draft.contract.deployScript).toBeUndefined();
    expect(draft.found).toEqual(
      expect.arrayContaining([
        "package.json script apps/web/package.json#db:push: prisma db push",
        "workflow .github/workflows/release.yml: prisma migrate deploy",
        "Dockerfile apps/web/Dockerfile: prisma migrate deploy",
        "shell script bin/seed: prisma db seed",
        "bypass name SKIP_SMOKE_TESTS (first at .github/workflows/release.yml:11)",
        "bypass name SKIP_LINT (first at .github/workflows/ci.yml:9)",
        "bypass name BYPASS_CONFIRM (first at scripts/db-reset.sh:3)",
      ]),
    );
    expect(draft.decide).toEqual(
      expect.arrayContaining([
        'scripts/migrate-step.sh runs a Prisma command that cannot be read statically ("prisma migrate <unknown>" at scripts/migrate-step.sh:2): no-direct-prisma-cli reports it until the command is written literally.',
        "package.json:8 sets CI=true (no-bypass-env reports it): CI-only guards then pass outside CI, and no contract entry can allow that. Take it out and let the CI system set CI.",
      ]),
    );
    expect(draft.decide.filter((line) => line.includes("allowlisted as it is today")).map((line) => line.slice(0, line.indexOf(" runs ")))).toEqual([
      ".github/workflows/release.yml (workflow)",
      "apps/web/Dockerfile (Dockerfile)",
      "apps/web/package.json#db:push (package.json script)",
      "bin/seed (shell script)",
      "package.json#seed:ci (package.json script)",
    ]);
    expect(draft.dataLossPlaces).toEqual(["scripts/db-reset.sh"]);
  });

  it("validates once the TODO reasons are written, and the scan has no finding an entry could silence", async () => {
    expect(() => validateContract(draft.contract, contractPath)).toThrow(ContractError);
    const contract = validateContract(withReasons(draft.contract), contractPath);
    const remaining = (await scan({ root: dir, contract })).findings.map((f) => `${f.ruleId.replace("production-safety/", "")} ${f.file}:${f.line}`);
    expect(remaining).toEqual([
      // CI=true for a Prisma CLI write in a package script: no entry allows it.
      "no-bypass-env package.json:8",
      // `prisma migrate reset`, never drafted.
      "no-direct-prisma-cli scripts/db-reset.sh:7",
      // A command that cannot be read statically is reported whatever the entry says.
      "no-direct-prisma-cli scripts/migrate-step.sh:2",
    ]);
    // The entries are what silences the rest: without them (and without the allow list) the sources report.
    const bare = validateContract({ ...draft.contract, mutationScripts: {}, bypass: { allow: [] } }, null);
    const unlisted = (await scan({ root: dir, contract: bare })).findings.map((f) => `${f.ruleId.replace("production-safety/", "")} ${f.file}:${f.line}`);
    expect(unlisted).toEqual([
      "no-bypass-env .github/workflows/ci.yml:9",
      "no-bypass-env .github/workflows/release.yml:11",
      "no-direct-prisma-cli .github/workflows/release.yml:15",
      "no-direct-prisma-cli apps/web/Dockerfile:5",
      "no-direct-prisma-cli apps/web/package.json:6",
      "no-direct-prisma-cli bin/seed:3",
      "no-bypass-env package.json:8",
      "no-direct-prisma-cli package.json:8",
      "no-bypass-env scripts/db-reset.sh:3",
      "no-direct-prisma-cli scripts/db-reset.sh:7",
      "no-direct-prisma-cli scripts/migrate-step.sh:2",
    ]);
  });
});

describe("draftContract on fixtures/init/adoption (what a first init meets in a Next.js + Prisma application)", () => {
  const dir = copyWithoutContract("fixtures/init/adoption");
  const contractPath = path.join(dir, "production-contract.json");
  let draft: Awaited<ReturnType<typeof draftContract>>;
  const rulesAt = async (contract: Record<string, unknown>): Promise<string[]> =>
    (await scan({ root: dir, contract: validateContract(withReasons(contract), contractPath) })).findings.map((f) => `${f.ruleId.replace("production-safety/", "")} ${f.file}:${f.line}`);

  it("Choice: commands that drop data are notes, never entries; plain prisma db push is drafted with a note", async () => {
    draft = await draftContract(dir);
    expect(draft.contract.mutationScripts).toEqual({
      "package.json#db:deploy": { operations: ["prisma migrate deploy"] },
      // `prisma db push` without --accept-data-loss / --force-reset stops before losing data: drafted, with a note.
      "package.json#db:push": { operations: ["prisma db push"] },
      "scripts/check-db.js": { operations: ["prisma migrate deploy"] },
      "scripts/seed.ts": { operations: ["create"], tables: { Website: ["domain", "id", "name"] } },
      // Not package.json#db:reset, package.json#db:push:force, scripts/reset-dev.ts.
    });
    expect(draft.dataLossPlaces).toEqual(["package.json#db:push:force", "package.json#db:reset", "scripts/reset-dev.ts"]);
    expect(draft.decide).toEqual(
      expect.arrayContaining([
        "package.json#db:reset runs prisma migrate reset at package.json:9, which drops data: not allowlisted, so the scan reports it. Keep it a development command (accept the finding in the baseline), or remove it; never allowlist it for production.",
        expect.stringMatching(/^package\.json#db:push:force runs prisma db push --force-reset at package\.json:8, which drops data: not allowlisted/),
        // In code too (a script in the script zone that runs it through execSync).
        expect.stringMatching(/^scripts\/reset-dev\.ts runs prisma migrate reset --force at scripts\/reset-dev\.ts:4, which drops data: not allowlisted/),
        expect.stringMatching(/^package\.json#db:push \(package\.json script\) runs prisma db push, allowlisted as it is today: .* prisma db push changes the schema without a migration/),
      ]),
    );
    // The scan reports exactly those commands where they run.
    const remaining = await rulesAt(draft.contract);
    expect(remaining).toEqual(expect.arrayContaining(["no-direct-prisma-cli package.json:8", "no-direct-prisma-cli package.json:9"]));
    expect(remaining.filter((r) => r.includes("scripts/reset-dev.ts")).length).toBeGreaterThan(0);
  });

  it("Choice: a script that runs prisma migrate deploy but would fail deploy-script-only-migrates is not drafted as deployScript; the note names the rule's lines", async () => {
    expect(draft.contract.deployScript).toBeUndefined();
    const note = draft.decide.find((line) => line.startsWith("scripts/check-db.js runs prisma migrate deploy but is not drafted"));
    expect(note).toBe(
      'scripts/check-db.js runs prisma migrate deploy but is not drafted as "deployScript": deploy-script-only-migrates would report 4 findings (lines 2, 4, 6, 9; the first: import "dotenv/config";) in it. Move that work into its own step of the deploy pipeline, then set "deployScript": "scripts/check-db.js".',
    );
    // The lines are the rule's own findings once a person sets it as the deploy script.
    const asDeploy = await rulesAt({ ...draft.contract, deployScript: "scripts/check-db.js" });
    expect(asDeploy.filter((r) => r.startsWith("deploy-script-only-migrates "))).toEqual([2, 4, 6, 9].map((line) => `deploy-script-only-migrates scripts/check-db.js:${line}`));
    // Not drafting it keeps the draft free of that rule's findings.
    expect((await rulesAt(draft.contract)).filter((r) => r.startsWith("deploy-script-only-migrates "))).toEqual([]);
  });

  it("shows the scan's progress line on a terminal (stderr), by stage, erased at the end; nothing without a terminal", async () => {
    let clock = 0;
    let stderr = "";
    let stdout = "";
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: true, stderrIsTTY: true, cwd: dir, env: {}, now: () => (clock += 400) };
    expect(await run(["init", ".", "--stdout"], io)).toBe(0);
    expect(JSON.parse(stdout)).toEqual(draft.contract);
    const progress = stderr.slice(0, stderr.indexOf("contract-scan init: drafted"));
    const updates = progress.split("\r").filter(Boolean);
    expect(updates.every((u) => u.endsWith("\u001b[K"))).toBe(true);
    expect(updates.some((u) => /^contract-scan init: reading imports \d+\/\d+ files \(\d+\.\d s\)$/.test(u.slice(0, -3)))).toBe(true);
    expect(updates.some((u) => /^contract-scan init: running the detectors \d+\/\d+ files/.test(u))).toBe(true);
    expect(updates.at(-1)).toBe("\u001b[K");
    const quiet = await cliHere(dir, "init", ".", "--stdout");
    expect(quiet.stderr).not.toContain("\r");
  });

  it("names application code that a script-zone glob matches: a framework route, a module the app imports", () => {
    expect(draft.decide).toEqual(
      expect.arrayContaining([
        'lib/scripts/ is application code (slug.ts: src/app/page.tsx imports it), but the script zone "**/scripts/**" matches it, so it is checked as mutation scripts. Narrow "scripts" to the folders that hold scripts (e.g. "scripts/**" instead of "**/scripts/**").',
        'src/app/api/scripts/telemetry/ is application code (route.ts: a framework route or page), but the script zone "**/scripts/**" matches it, so it is checked as mutation scripts. Narrow "scripts" to the folders that hold scripts (e.g. "scripts/**" instead of "**/scripts/**").',
      ]),
    );
    // Near-miss: the real scripts folder is not named.
    expect(draft.decide.filter((line) => line.startsWith("scripts/ is application code"))).toEqual([]);
    // Choice: the draft keeps the default zones; the person narrows them.
    expect(draft.contract.scripts).toEqual(["**/scripts/**", "**/bin/**"]);
  });
});

// Every fixture repository the project has: a draft from it validates once its reasons are written,
// and the scan of the same repository then has no allowlist findings, no Prisma CLI write in a
// non-JavaScript source that an entry could allow, and no bypass name that an allow entry could cover.
const REPOSITORIES = [
  "fixtures/example-app",
  "fixtures/safety-app",
  "fixtures/init/app",
  "fixtures/init/sources",
  "fixtures/init/adoption",
  "fixtures/sources",
  "fixtures/corpus-regressions/client-subclass-override",
  "fixtures/corpus-regressions/factory-closures",
  "fixtures/corpus-regressions/handed-on-namespace",
  "fixtures/corpus-regressions/imported-delete-scope",
  "fixtures/corpus-regressions/schema-models-beside-main",
  "fixtures/corpus-regressions/type-only-import-elided",
  "fixtures/corpus-regressions/typeof-type-query",
  "fixtures/corpus-regressions/unknown-delegate-missed",
  "fixtures/corpus-regressions/workflow-expressions",
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
      // A command that drops data is never allowlisted (the places the notes name): reported there.
      const dataLossFiles = new Set(draft.dataLossPlaces.map((key) => key.replace(/#.*/, "")));
      const allowlist = result.findings.filter((f) => ALLOWLIST_RULES.includes(f.ruleId) && !dataLossFiles.has(f.file));
      expect(allowlist).toEqual([]);
      // A command that cannot be read statically ("<unknown>") is reported whatever an entry says.
      const sourceWrites = result.findings.filter(
        (f) => f.ruleId === "production-safety/no-direct-prisma-cli" && nonJsSourceKind(f.file, "shell") !== undefined && !f.message.includes("<unknown>") && !dataLossFiles.has(f.file),
      );
      expect(sourceWrites).toEqual([]);
      for (const place of draft.dataLossPlaces) expect(draft.decide.some((line) => line.startsWith(`${place} runs `) && line.includes("which drops data"))).toBe(true);
      // A bypass name by name (not a computed one, not a CI=true setting) is covered by bypass.allow.
      const bypassNames = result.findings.filter((f) => f.ruleId === "production-safety/no-bypass-env" && f.message.startsWith('Environment variable "'));
      expect(bypassNames).toEqual([]);
      // The drafted allowlist is not empty where the repository has mutation scripts (the test would pass
      // trivially otherwise); a scan with an empty one reports them.
      const scripts = Object.keys(draft.contract.mutationScripts as object).filter((key) => !key.includes("#") && key !== draft.contract.deployScript);
      if (scripts.length > 0) {
        const bare = validateContract({ ...withReasons(draft.contract), mutationScripts: {} }, null);
        const unlisted = (await scan({ root: dir, contract: bare })).findings.filter((f) => DRAFTED_RULES.includes(f.ruleId));
        expect(unlisted.length).toBeGreaterThan(0);
      }
      expect(existsSync(path.join(dir, "production-contract.json"))).toBe(false);
    });
  }
});
