/**
 * no-stale-allowlist (SPEC §3 group B, scanner only): allowlist entries and an explicit deployScript
 * whose target is gone, reported on the contract file at the key (§6.3).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseContract } from "../../src/contract.js";
import { scan } from "../../src/scanner.js";

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function stale(files: Record<string, string>, contract: object): Promise<string[]> {
  root = mkdtempSync(path.join(os.tmpdir(), "ps-stale-"));
  const text = `${JSON.stringify(contract, null, 2)}\n`;
  for (const [relative, content] of Object.entries({ ...files, "production-contract.json": text })) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  const contractFile = path.join(root, "production-contract.json");
  const result = await scan({ root, contract: parseContract(text, contractFile), contractFile });
  return result.findings.filter((f) => f.ruleId === "production-safety/no-stale-allowlist").map((f) => `${f.file}:${f.line}:${f.column} ${f.message.split(/ (?:allows|names) /)[0]}`);
}

describe("no-stale-allowlist", () => {
  it("reports an allowlisted script that does not exist, at its key in the contract", async () => {
    const contract = { version: 1, mutationScripts: { "scripts/live.ts": { operations: ["create"] }, "scripts/gone.ts": { operations: ["update"] } } };
    expect(await stale({ "scripts/live.ts": "export {};\n" }, contract)).toEqual(['production-contract.json:9:5 mutationScripts["scripts/gone.ts"]']);
  });

  it("checks package.json#<script> entries against that package.json's scripts (§6.4)", async () => {
    const contract = {
      version: 1,
      mutationScripts: { "apps/web/package.json#db:push": { operations: ["prisma db push"] }, "package.json#db:seed": { operations: ["prisma db seed"] } },
    };
    const files = { "apps/web/package.json": JSON.stringify({ scripts: { "db:push": "prisma db push" } }), "package.json": JSON.stringify({ scripts: {} }) };
    expect(await stale(files, contract)).toEqual(['production-contract.json:9:5 mutationScripts["package.json#db:seed"]']);
  });

  it("reports a package.json#<script> entry whose package.json is not JSON: the script cannot be shown to exist (fail closed)", async () => {
    const contract = { version: 1, mutationScripts: { "package.json#db:seed": { operations: ["prisma db seed"] } } };
    const files = { "package.json": '{ "scripts": { "db:seed": "prisma db seed", } }\n' };
    expect(await stale(files, contract)).toEqual(['production-contract.json:4:5 mutationScripts["package.json#db:seed"]']);
  });

  it("reports an explicit deployScript that does not exist, and is silent when everything exists", async () => {
    expect(await stale({}, { version: 1, deployScript: "scripts/deploy-db.js" })).toEqual(["production-contract.json:3:3 deployScript"]);
    expect(
      await stale({ "scripts/deploy-db.js": "", "scripts/sync.ts": "" }, { version: 1, deployScript: "scripts/deploy-db.js", mutationScripts: { "scripts/sync.ts": { operations: ["create"] } } }),
    ).toEqual([]);
  });
});
