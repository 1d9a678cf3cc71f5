/**
 * End to end: `contract-scan` (in this process, `run` of src/cli.ts) on fixtures/example-app and
 * fixtures/safety-app in every report format. SARIF logs are validated against the
 * official SARIF 2.1.0 schema; the github and markdown outputs are compared with reviewed golden files
 * (regenerate with `UPDATE_EXPECTED=1 npx vitest run tests/e2e/reports.test.ts` and review the diff).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Log } from "sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/report.js";
import { FINGERPRINT_KEY } from "../../src/reporters/sarif.js";
import { sarifSchemaErrors } from "../sarif-schema.js";
import { expectGolden, PACKAGE_ROOT, type Run, runHere } from "./helpers.js";

const EXAMPLE = path.join(PACKAGE_ROOT, "fixtures/example-app");
const tmp = mkdtempSync(path.join(os.tmpdir(), "reports-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs contract-scan with exactly these environment variables (no CI, no GitHub, no colors). */
function contractScan(args: string[], cwd = EXAMPLE, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runHere(args, cwd, env);
}

describe("contract-scan fixtures/example-app in every format", () => {
  let json: Report;
  let sarif: Run;
  beforeAll(async () => {
    json = JSON.parse((await contractScan([".", "--format", "json"])).stdout) as Report;
    sarif = await contractScan([".", "--format", "sarif"]);
  });

  it("sarif: valid against the SARIF 2.1.0 schema, one result per finding at the same place", () => {
    const run = sarif;
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("");
    const log = JSON.parse(run.stdout) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const results = log.runs[0]!.results!;
    expect(results.map((r) => {
      const loc = r.locations![0]!.physicalLocation!;
      return `${loc.artifactLocation!.uri}:${loc.region!.startLine}:${loc.region!.startColumn}-${loc.region!.endLine}:${loc.region!.endColumn} ${r.ruleId} ${r.level} ${r.message.text}`;
    })).toEqual(json.findings.map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId} ${f.severity} ${f.message}`));
    const prints = results.map((r) => r.partialFingerprints![FINGERPRINT_KEY]);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it("sarif fingerprints survive lines added above the findings", async () => {
    const copy = path.join(tmp, "example-shifted");
    cpSync(EXAMPLE, copy, { recursive: true });
    // The fingerprints do not depend on where the repository is checked out: the example's own log is "before".
    const before = JSON.parse(sarif.stdout) as Log;
    const file = path.join(copy, "lib/prisma.ts");
    writeFileSync(file, `// two lines\n// added above\n${readFileSync(file, "utf8")}`);
    const after = JSON.parse((await contractScan([".", "--format", "sarif"], copy)).stdout) as Log;
    const byFile = (log: Log): Map<string, string[]> => {
      const map = new Map<string, string[]>();
      for (const r of log.runs[0]!.results!) {
        const uri = r.locations![0]!.physicalLocation!.artifactLocation!.uri!;
        map.set(uri, [...(map.get(uri) ?? []), `${r.partialFingerprints![FINGERPRINT_KEY]} ${r.locations![0]!.physicalLocation!.region!.startLine}`]);
      }
      return map;
    };
    const [b, a] = [byFile(before), byFile(after)];
    const shifted = (entries: string[] | undefined): string[] => (entries ?? []).map((e) => e.replace(/ (\d+)$/, (_, n: string) => ` ${Number(n) + 2}`));
    expect(b.get("lib/prisma.ts")?.length).toBeGreaterThan(0);
    expect(a.get("lib/prisma.ts")).toEqual(shifted(b.get("lib/prisma.ts")));
    expect(a).toEqual(new Map([...b].map(([uri, entries]) => [uri, uri === "lib/prisma.ts" ? shifted(entries) : entries])));
  });

  it("github: the reviewed workflow commands", async () => {
    const run = await contractScan([".", "--format", "github"], EXAMPLE, { GITHUB_WORKSPACE: EXAMPLE });
    expect(run.status).toBe(1);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("::error ")).length).toBe(json.summary.errors);
    expectGolden(run.stdout, path.join(import.meta.dirname, "example-app.expected.github.txt"));
  });

  it("markdown: the reviewed summary", async () => {
    const run = await contractScan([".", "--format", "markdown"], EXAMPLE, {
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "acme/example-app",
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      GITHUB_WORKSPACE: EXAMPLE,
    });
    expect(run.status).toBe(1);
    expectGolden(run.stdout.replace(/Scanned in \d+ ms\./, "Scanned in 0 ms."), path.join(import.meta.dirname, "example-app.expected.md"));
  });
});

describe("contract-scan fixtures/safety-app (the second example repository) in every format", () => {
  const cwd = path.join(PACKAGE_ROOT, "fixtures/safety-app");
  let json: Report;
  beforeAll(async () => {
    json = JSON.parse((await contractScan([".", "--format", "json"], cwd)).stdout) as Report;
  });

  it("sarif: valid against the SARIF 2.1.0 schema, one result per finding", async () => {
    const run = await contractScan([".", "--format", "sarif"], cwd);
    expect(run.status).toBe(1);
    const log = JSON.parse(run.stdout) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(json.findings.length).toBeGreaterThan(0);
    expect(log.runs[0]!.results!.map((r) => `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:${r.locations![0]!.physicalLocation!.region!.startLine} ${r.ruleId}`)).toEqual(
      json.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`),
    );
  });

  it("github: one workflow command per finding, at the same place", async () => {
    const run = await contractScan([".", "--format", "github"], cwd);
    expect(run.status).toBe(1);
    const commands = run.stdout.split("\n").filter((line) => line.startsWith("::error ") || line.startsWith("::warning "));
    expect(commands.map((line) => /file=([^,]+),line=(\d+),.*title=([^:]+)::/.exec(line)?.slice(1).join(" "))).toEqual(
      json.findings.map((f) => `${f.file} ${f.line} ${f.ruleId}`),
    );
  });

  it("markdown: counts every rule that fired and names every file", async () => {
    const run = await contractScan([".", "--format", "markdown"], cwd);
    expect(run.status).toBe(1);
    for (const f of json.findings) {
      expect(run.stdout).toContain(f.ruleId.replace("production-safety/", ""));
      expect(run.stdout).toContain(f.file);
    }
  });
});
