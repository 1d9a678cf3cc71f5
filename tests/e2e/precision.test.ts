/**
 * Issue 13 (precision on real code): the fixtures of fixtures/corpus-regressions/ that reproduce what the
 * rules missed or over-reported on real repositories, scanned in this process with `run` of src/cli.ts
 * (the same code as the binary, without a Node start per scan). Each expected list failed before its fix;
 * the README of each fixture names the real file it models.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, run } from "../../src/cli.js";
import { PACKAGE_ROOT } from "./helpers.js";

const REGRESSIONS = path.join(PACKAGE_ROOT, "fixtures/corpus-regressions");

interface Scan {
  status: number;
  findings: { ruleId: string; file: string; line: number; column: number; message: string }[];
}

/** `contract-scan <dir> --format json [...args]` in this process, with a clean environment. */
async function scanHere(dir: string, ...args: string[]): Promise<Scan> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false, cwd: PACKAGE_ROOT, env: {} };
  const status = await run([dir, "--format", "json", ...args], io);
  expect(stderr).toBe("");
  return { status, findings: (JSON.parse(stdout) as { findings: Scan["findings"] }).findings };
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
