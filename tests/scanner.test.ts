/**
 * The scanner core (SPEC §4, §6.12, §6.13): file discovery, the plugin's rules through ESLint's Linter,
 * `.sql` files, inline disables not honoured, and every file-level failure as a `parse-error` finding.
 * Each case is a small repository written to a temporary directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateContract } from "../src/contract.js";
import { MAX_FILE_BYTES, scan } from "../src/scanner.js";

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

afterEach(() => rmSync(root, { recursive: true, force: true }));

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

  it("does not honour inline eslint-disable comments for its own rules", async () => {
    expect(
      await findings({
        "src/a.ts": "// eslint-disable-next-line production-safety/no-bypass-env\nexport const a = process.env.SKIP_A;\n",
        "src/b.ts": "/* eslint-disable */\nexport const b = process.env.SKIP_B;\n",
      }),
    ).toEqual(["src/a.ts:2:18 error no-bypass-env", "src/b.ts:2:18 error no-bypass-env"]);
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
