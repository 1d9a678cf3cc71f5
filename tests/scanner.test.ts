/**
 * The scanner core (SPEC §4, §6.12, §6.13): file discovery, the plugin's rules through ESLint's Linter,
 * `.sql` files, inline disables not honoured, and every file-level failure as a `parse-error` finding.
 * Each case is a small repository written to a temporary directory.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { afterEach, describe, expect, it } from "vitest";
import { validateContract } from "../src/contract.js";
import { MAX_FILE_BYTES, normalizedConfig, scan, scanFile, scannerConfig } from "../src/scanner.js";

let root: string;

function repo(files: Record<string, string | Buffer>): string {
  root = mkdtempSync(path.join(os.tmpdir(), "ps-scan-"));
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  return root;
}

async function findings(files: Record<string, string | Buffer>, contract: object = { version: 1 }): Promise<string[]> {
  const result = await scan({ root: repo(files), contract: validateContract(contract, null) });
  return result.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId.replace("production-safety/", "")}`);
}

afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe("scan", () => {
  it("runs the plugin's rules on JS/TS files and the SQL check on .sql files", async () => {
    expect(
      await findings({
        "src/flags.ts": "export const skip = process.env.SKIP_CHECKS;\n",
        "src/old.cjs": "module.exports = process.env.BYPASS_ALL;\n",
        "db/cleanup.sql": "SELECT 1;\nTRUNCATE TABLE sessions;\n",
      }),
    ).toEqual(["db/cleanup.sql:2:1 error no-destructive-sql", "src/flags.ts:1:21 error no-bypass-env", "src/old.cjs:1:18 error no-bypass-env"]);
  });

  it("does not honour inline eslint-disable comments for its own rules, and reports those that name them (no-contract-disable)", async () => {
    expect(
      await findings({
        "src/a.ts": "// eslint-disable-next-line production-safety/no-bypass-env\nexport const a = process.env.SKIP_A;\n",
        "src/b.ts": "/* eslint-disable */\nexport const b = process.env.SKIP_B;\n",
        "scripts/c.ts": "/* eslint-disable */\nexport const c = process.env.SKIP_C;\n",
        "src/d.ts": '/* eslint production-safety/no-contract-disable: "off", production-safety/no-bypass-env: "off" */\nexport const d = process.env.SKIP_D;\n',
      }),
    ).toEqual([
      "scripts/c.ts:1:1 error no-contract-disable",
      "scripts/c.ts:2:18 error no-bypass-env",
      "src/a.ts:1:1 error no-contract-disable",
      "src/a.ts:2:18 error no-bypass-env",
      "src/b.ts:2:18 error no-bypass-env",
      "src/d.ts:1:1 error no-contract-disable",
      "src/d.ts:1:1 error no-contract-disable",
      "src/d.ts:2:18 error no-bypass-env",
    ]);
  });

  it("honours .gitignore, skips node_modules, build output, declarations and the ignore zone", async () => {
    expect(
      await findings(
        {
          ".gitignore": "generated/\n",
          "generated/a.ts": "process.env.SKIP_A;\n",
          "node_modules/pkg/index.js": "process.env.SKIP_A;\n",
          "dist/index.js": "process.env.SKIP_A;\n",
          ".next/server.js": "process.env.SKIP_A;\n",
          // Regression: FreeFeed/freefeed-server commits Yarn Berry's own release (.yarn/releases/yarn-4.0.2.cjs).
          ".yarn/releases/yarn-4.0.2.cjs": "process.env.SKIP_A;\n",
          ".pnp.cjs": "process.env.SKIP_A;\n",
          "types/env.d.ts": "declare const x: typeof process.env.SKIP_A;\n",
          "vendor/lib.js": "process.env.SKIP_A;\n",
          "src/kept.ts": "process.env.SKIP_A;\n",
        },
        { version: 1, ignore: ["vendor/**"] },
      ),
    ).toEqual(["src/kept.ts:1:1 error no-bypass-env"]);
  });

  it("reports a syntax error as parse-error: an error in a script zone, a warning in application code", async () => {
    expect(await findings({ "scripts/broken.ts": "const = 1;\n", "src/broken.ts": "function (\n" })).toEqual([
      "scripts/broken.ts:1:6 error parse-error",
      "src/broken.ts:1:9 warning parse-error",
    ]);
  });

  it("reports an allowlisted, deploy or deprecated file that does not parse as an error, wherever it is", async () => {
    const contract = { version: 1, mutationScripts: { "tools/sync.ts": { operations: ["create"] } }, deprecatedScripts: ["tools/old.ts"], deployScript: "tools/deploy.js" };
    expect(await findings({ "tools/sync.ts": "let = ;\n", "tools/old.ts": "let = ;\n", "tools/deploy.js": "let = ;\n" }, contract)).toEqual([
      "tools/deploy.js:1:6 error parse-error",
      "tools/old.ts:1:6 error parse-error",
      "tools/sync.ts:1:6 error parse-error",
    ]);
  });

  it("reports invalid UTF-8, binary and too-large files at 1:1 and goes on", async () => {
    expect(
      await findings({
        "scripts/latin1.js": Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0x0a]),
        "src/blob.js": Buffer.from([0x00, 0x01, 0x02]),
        "src/huge.js": `// ${"x".repeat(MAX_FILE_BYTES)}\n`,
        "src/ok.ts": "process.env.SKIP_A;\n",
      }),
    ).toEqual(["scripts/latin1.js:1:1 error parse-error", "src/blob.js:1:1 warning parse-error", "src/huge.js:1:1 warning parse-error", "src/ok.ts:1:1 error no-bypass-env"]);
  });

  it("reports a file that crashes a rule as parse-error, at 1:1, and goes on with the next file", async () => {
    const root = repo({ "scripts/a.ts": "export const a = 1;\n", "src/b.ts": "export const b = 1;\n" });
    const options = { root, contract: validateContract({ version: 1 }, null) };
    const crashing = { rules: { boom: { create: () => ({ Program: () => { throw new Error("boom\nat line 2 of the stack"); } }) } } };
    const config: Linter.Config[] = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser as unknown as Linter.Parser }, plugins: { crash: crashing }, rules: { "crash/boom": "error" } }];
    const linter = new Linter({ configType: "flat", cwd: root });
    const found = [...(await scanFile(path.join(root, "scripts/a.ts"), options, linter, config)), ...(await scanFile(path.join(root, "src/b.ts"), options, linter, config))];
    expect(found.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message.split(":")[0] ?? ""}`)).toEqual([
      "scripts/a.ts:1:1 error production-safety/parse-error internal error while checking this file",
      "src/b.ts:1:1 warning production-safety/parse-error internal error while checking this file",
    ]);
    expect(found[0]?.message).toContain("boom");
  });

  it("reports nothing for an empty file or one that holds only a byte order mark", async () => {
    expect(await findings({ "scripts/empty.ts": "", "scripts/bom.js": "\uFEFF", "db/empty.sql": "" })).toEqual([]);
  });

  // Choice: a .sql file is read for destructive statements only. A statement the PostgreSQL parser
  // rejects is reported when its first keyword is destructive (no-destructive-sql, "could not be
  // parsed"); other statements of another dialect stay silent rather than become parse-error findings,
  // since .sql files outside migrations are often MySQL or SQLite dumps and fixtures.
  it("reads an unparsable .sql file statement by statement: destructive first keywords fail closed, the rest is silent", async () => {
    expect(
      await findings({
        "scripts/mysql.sql": "CREATE TABLE `t` (id INT) ENGINE=InnoDB;\nDELETE `t` FROM `t` LIMIT 10;\n",
        "scripts/sqlite.sql": "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT) STRICT, WITHOUT ROWID;\n",
      }),
    ).toEqual(["scripts/mysql.sql:2:1 error no-destructive-sql"]);
  });

  // Running as root, chmod 000 cannot make a read fail: the case is skipped there.
  it.skipIf(process.getuid?.() === 0)("reports an unreadable file and an unreadable directory as parse-error, without the absolute path", async () => {
    const root = repo({ "scripts/locked.ts": "export {};\n", "src/private/a.ts": "export {};\n", "src/ok.ts": "process.env.SKIP_A;\n" });
    chmodSync(path.join(root, "scripts/locked.ts"), 0o000);
    chmodSync(path.join(root, "src/private"), 0o000);
    try {
      const result = await scan({ root, contract: validateContract({ version: 1 }, null) });
      expect(result.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId.replace("production-safety/", "")} ${f.message}`)).toEqual([
        "scripts/locked.ts:1:1 error parse-error cannot read the file: EACCES: permission denied",
        "src/ok.ts:1:1 error no-bypass-env " + (result.findings.find((f) => f.file === "src/ok.ts")?.message ?? ""),
        "src/private:1:1 warning parse-error cannot read the directory, so its files were not checked: EACCES: permission denied",
      ]);
    } finally {
      chmodSync(path.join(root, "src/private"), 0o755);
    }
  });

  it("counts the files it scanned and sorts findings by file, line, column and rule", async () => {
    const result = await scan({
      root: repo({ "b.ts": "process.env.SKIP_B;\n", "a.ts": "\n\nprocess.env.SKIP_A; process.env.SKIP_C;\n", "c.sql": "SELECT 1;\n" }),
      contract: validateContract({ version: 1 }, null),
    });
    expect(result.files).toBe(3);
    expect(result.findings.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(["a.ts:3:1", "a.ts:3:21", "b.ts:1:1"]);
  });

  it("runs the group D rules only with the contract's safety section (SPEC §3 group D)", async () => {
    const files = {
      "scripts/cleanup.ts": [
        'import { PrismaClient } from "@prisma/client";',
        "const prisma = new PrismaClient();",
        'if (process.argv.includes("--dry-run")) process.exit(0);',
        "await prisma.user.deleteMany();",
        "",
      ].join("\n"),
    };
    const base = { version: 1, mutationScripts: { "scripts/cleanup.ts": { operations: ["deleteMany"] } }, ciGuard: { env: "CI", equals: "true", functions: [], modules: [] } };
    const groupD = (list: string[]): string[] => list.filter((f) => /require-production-check|dry-run-by-default|require-backup/.test(f));
    expect(groupD(await findings(files, base))).toEqual([]);
    rmSync(root, { recursive: true, force: true });
    expect(groupD(await findings(files, { ...base, safety: { productionCheck: ["isProduction"], safetyCheck: ["passesSafetyCheck"], backup: ["createBackup"] } }))).toEqual([
      "scripts/cleanup.ts:3:5 error dry-run-by-default",
      "scripts/cleanup.ts:4:7 error require-backup",
      "scripts/cleanup.ts:4:7 error require-production-check",
    ]);
  });
});

describe("the config the scanner lints with", () => {
  it("is ESLint's own normalized config array (loaded from ESLint's folder: if an ESLint update moves it, this fails)", () => {
    const config = scannerConfig({ root: os.tmpdir(), contract: validateContract({ version: 1 }, null) });
    expect(typeof (config as unknown as { getConfig?: unknown }).getConfig).toBe("function");
  });

  it("near-miss: an invalid config fails in Linter#verify as the plain array does, with the same message", () => {
    const invalid = [{ rules: 5 }] as unknown as Linter.Config[];
    const messageOf = (config: Linter.Config[]): string => {
      try {
        new Linter({ configType: "flat", cwd: os.tmpdir() }).verify("x", config, path.join(os.tmpdir(), "a.js"));
      } catch (error) {
        return (error as Error).message;
      }
      return "no error";
    };
    expect(messageOf(invalid)).toMatch(/rules/);
    expect(messageOf(normalizedConfig(invalid, os.tmpdir()))).toBe(messageOf(invalid));
  });
});
