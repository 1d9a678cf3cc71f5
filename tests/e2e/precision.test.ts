/**
 * Issue 13 (precision on real code): the fixtures of fixtures/corpus-regressions/ that reproduce what the
 * rules missed or over-reported on real repositories, scanned in this process with `run` of src/cli.ts
 * (the same code as the binary, without a Node start per scan). Each expected list failed before its fix;
 * the README of each fixture names the real file it models.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliIo, run } from "../../src/cli.js";
import { validateContract } from "../../src/contract.js";
import { draftContract } from "../../src/init.js";
import { scan } from "../../src/scanner.js";
import { PACKAGE_ROOT } from "./helpers.js";

const REGRESSIONS = path.join(PACKAGE_ROOT, "fixtures/corpus-regressions");

interface Scan {
  status: number;
  findings: { ruleId: string; file: string; line: number; column: number; message: string }[];
}

/** `contract-scan <args>` in this process, with a clean environment. */
async function cliHere(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false, cwd: PACKAGE_ROOT, env: {} };
  const status = await run(args, io);
  return { status, stdout, stderr };
}

/** `contract-scan <dir> --format json [...args]` in this process (stderr must be empty). */
async function scanHere(dir: string, ...args: string[]): Promise<Scan> {
  const { status, stdout, stderr } = await cliHere(dir, "--format", "json", ...args);
  expect(stderr).toBe("");
  return { status, findings: (JSON.parse(stdout) as { findings: Scan["findings"] }).findings };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "ps-precision-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fixture's contract changed by `change`, written to a temporary file (the fixture stays untouched). */
function contractVariant(fixture: string, name: string, change: (contract: Record<string, unknown>) => void): string {
  const contract = JSON.parse(readFileSync(path.join(REGRESSIONS, fixture, "production-contract.json"), "utf8")) as Record<string, unknown>;
  change(contract);
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(contract));
  return file;
}

/** `file:line:column rule` of each finding (the rule without its namespace). */
function summary(scan: Scan): string[] {
  return scan.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId.replace("production-safety/", "")}`);
}

describe("item 1: require-production-check in a CLI command module (RetroVue)", () => {
  it("reports the command without a check, with isProduction() && !force, and with the prompt first", async () => {
    const scan = await scanHere(path.join(REGRESSIONS, "production-check-in-command"));
    expect(summary(scan)).toEqual([
      "src/commands/source-delete-force.ts:7:26 require-production-check",
      "src/commands/source-delete-prompt-first.ts:7:15 require-production-check",
      "src/commands/source-purge.ts:5:9 require-production-check",
    ]);
  });
});

describe("item 4: the Prisma CLI through a resolved binary (formbricks migration-runner)", () => {
  it("reads execFileAsync(prismaBin, [...]) with prismaBin from a same-file function", async () => {
    const scan = await scanHere(path.join(REGRESSIONS, "resolved-prisma-binary"));
    expect(summary(scan)).toEqual(["packages/database/src/scripts/migration-runner.ts:25:9 mutation-scope"]);
    expect(scan.findings[0]?.message).toContain("prisma migrate deploy");
  });
});

describe("item 3: an unresolvable import used as a Prisma client (ConnectSA-k9 quarantine script)", () => {
  it("counts as a database client: require-ci-guard at the import, besides the unlisted write", async () => {
    const scan = await scanHere(path.join(REGRESSIONS, "unresolved-client-import"));
    expect(summary(scan)).toEqual([
      "scripts/quarantine/cleanup-unverified-users.ts:3:1 require-ci-guard",
      "scripts/quarantine/cleanup-unverified-users.ts:9:9 no-unlisted-mutation-script",
    ]);
  });
});

describe("item 2: generated Prisma clients (umami seed, formbricks backfill)", () => {
  it("an import into a generator's output folder that exists but is empty loads a client", async () => {
    const scan = await scanHere(path.join(REGRESSIONS, "generated-client-empty-folder"));
    expect(summary(scan)).toEqual(["scripts/seed/index.ts:3:1 require-ci-guard", "scripts/seed/index.ts:8:9 no-unlisted-mutation-script"]);
  });

  it("the schema named by a workspace package's prisma.config.ts, its output re-exported by the package's ./prisma module", async () => {
    const scan = await scanHere(path.join(REGRESSIONS, "generated-client-config"));
    expect(summary(scan)).toEqual([
      "packages/database/src/scripts/backfill-attribute-values.ts:2:1 require-ci-guard",
      "packages/database/src/scripts/backfill-attribute-values.ts:7:9 no-unlisted-mutation-script",
      "packages/database/src/scripts/backfill-attribute-values.ts:9:35 no-destructive-sql",
    ]);
  });
});

describe("item 5: the contract's dataLayer (freefeed-server DbAdapter)", () => {
  const DATA_LAYER = path.join(REGRESSIONS, "data-layer");
  const SCRIPT = ["bin/db_maintenance.js:2:1 require-ci-guard", "bin/db_maintenance.js:5:7 no-unlisted-mutation-script", "bin/db_maintenance.js:5:21 no-destructive-sql"];

  it("row-level DELETE/UPDATE ... WHERE in the data layer are silent; everything else is reported", async () => {
    const scan = await scanHere(DATA_LAYER);
    expect(summary(scan)).toEqual([
      "app/support/DbAdapter/maintenance.js:5:32 no-destructive-sql",
      "app/support/DbAdapter/maintenance.js:9:32 no-destructive-sql",
      "app/support/DbAdapter/maintenance.js:13:32 no-destructive-sql",
      "app/support/DbAdapter/maintenance.js:17:32 no-destructive-sql",
      "app/support/DbAdapter/queries/cleanup.sql:4:1 no-destructive-sql",
      "app/support/user-deletion.ts:5:23 no-destructive-sql",
      ...SCRIPT,
    ]);
    const messages = scan.findings.map((f) => f.message);
    expect(messages.slice(0, 5).map((m) => m.split(" outside")[0])).toEqual([
      "TRUNCATE reaching raw",
      "DELETE without WHERE reaching raw",
      "DELETE whose WHERE names no column reaching raw",
      "UPDATE whose WHERE names no column reaching raw",
      "DELETE without WHERE in a .sql file",
    ]);
    // In application code outside the data layer the finding names the statement and the dataLayer key.
    expect(messages[5]).toMatch(/^DELETE \.\.\. WHERE reaching raw in application code deletes rows outside migrations\. .*contract's dataLayer/);
    expect(messages[8]).not.toContain("dataLayer");
  });

  it("without dataLayer (the default) every DELETE outside migrations is reported", async () => {
    const contract = contractVariant("data-layer", "no-data-layer", (c) => delete c.dataLayer);
    const scan = await scanHere(DATA_LAYER, "--contract", contract);
    expect(summary(scan).filter((f) => f.startsWith("app/"))).toEqual([
      "app/support/DbAdapter/likes.js:5:32 no-destructive-sql",
      "app/support/DbAdapter/likes.js:9:32 no-destructive-sql",
      "app/support/DbAdapter/maintenance.js:5:32 no-destructive-sql",
      "app/support/DbAdapter/maintenance.js:9:32 no-destructive-sql",
      "app/support/DbAdapter/maintenance.js:13:32 no-destructive-sql",
      "app/support/DbAdapter/maintenance.js:17:32 no-destructive-sql",
      "app/support/DbAdapter/queries/cleanup.sql:2:1 no-destructive-sql",
      "app/support/DbAdapter/queries/cleanup.sql:4:1 no-destructive-sql",
      "app/support/DbAdapter/sessions.js:5:32 no-destructive-sql",
      "app/support/user-deletion.ts:5:23 no-destructive-sql",
    ]);
  });

  it("init drafts dataLayer from the row deletes in application code, with a note; the draft silences them", async () => {
    const dir = path.join(tmp, "init-data-layer");
    cpSync(DATA_LAYER, dir, { recursive: true });
    rmSync(path.join(dir, "production-contract.json"));
    const draft = await draftContract(dir);
    // DbAdapter holds two files with row deletes (its queries/ folder is under it); user-deletion.ts is alone in its folder.
    expect(draft.contract.dataLayer).toEqual(["app/support/DbAdapter/**", "app/support/user-deletion.ts"]);
    expect(draft.found).toContain('row-level DELETE ... WHERE in application code: 5 statements in 4 files (drafted in "dataLayer")');
    expect(draft.decide.find((line) => line.startsWith("dataLayer lists"))).toBe(
      'dataLayer lists "app/support/DbAdapter/**", "app/support/user-deletion.ts": application code with 5 row-level DELETE ... WHERE statements (the first at app/support/DbAdapter/likes.js:5). Review them once: in a dataLayer file a DELETE or UPDATE whose WHERE names a column is no longer reported (DROP, TRUNCATE and deletes of every row still are). Remove an entry to keep its deletes reported, or move them into migrations.',
    );
    const contract = validateContract(draft.contract, null);
    const result = await scan({ root: dir, contract });
    expect(result.findings.filter((f) => f.message.includes("dataLayer"))).toEqual([]);
    expect(result.findings.filter((f) => f.file.startsWith("app/")).map((f) => `${f.file}:${f.line}`)).toEqual([
      "app/support/DbAdapter/maintenance.js:5",
      "app/support/DbAdapter/maintenance.js:9",
      "app/support/DbAdapter/maintenance.js:13",
      "app/support/DbAdapter/maintenance.js:17",
      "app/support/DbAdapter/queries/cleanup.sql:4",
    ]);
  });

  it("Choice: init lists the files one by one where the folder's glob would also match a script (a dataLayer glob may never list one)", async () => {
    // Why: a glob over a script zone is a contract error, so the draft must not propose one.
    const dir = path.join(tmp, "init-data-layer-scripts");
    const files: Record<string, string> = {
      "src/db/users.ts": 'export const removeUser = (db, id) => db.query("DELETE FROM users WHERE id = $1", [id]);\n',
      "src/db/posts.ts": 'export const removePost = (db, id) => db.query("DELETE FROM posts WHERE id = $1", [id]);\n',
      "src/db/scripts/report.ts": 'console.log("report");\n',
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const draft = await draftContract(dir);
    expect(draft.contract.dataLayer).toEqual(["src/db/posts.ts", "src/db/users.ts"]);
    expect(() => validateContract(draft.contract, null)).not.toThrow();
  });

  it("init drafts no dataLayer where application code deletes no rows (near-miss: row deletes only in scripts)", async () => {
    const dir = path.join(tmp, "init-no-data-layer");
    cpSync(path.join(DATA_LAYER, "bin"), path.join(dir, "bin"), { recursive: true });
    const draft = await draftContract(dir);
    expect(draft.contract).not.toHaveProperty("dataLayer");
    expect(draft.decide.some((line) => line.startsWith("dataLayer"))).toBe(false);
  });

  it("a glob that lists a script is a contract error naming the glob (exit 2, nothing scanned)", async () => {
    const contract = contractVariant("data-layer", "data-layer-script", (c) => (c.dataLayer = ["app/support/DbAdapter/**", "*/db_*.js"]));
    const result = await cliHere(DATA_LAYER, "--contract", contract, "--format", "json");
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      'dataLayer[1]: "*/db_*.js" matches bin/db_maintenance.js, in the script zone "bin/**"; expected application code only: a script is never a data layer',
    );
  });
});
