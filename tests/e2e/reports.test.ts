/**
 * End to end: the built `contract-scan` on fixtures/example-app and fixtures/safety-app in every report format.
 * SARIF logs are validated against the
 * official SARIF 2.1.0 schema; the github and markdown outputs are compared with reviewed golden files
 * (regenerate with `UPDATE_EXPECTED=1 npx vitest run tests/e2e/reports.test.ts` and review the diff).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Log } from "sarif";
import { afterAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/report.js";
import { FINGERPRINT_KEY } from "../../src/reporters/sarif.js";
import { sarifSchemaErrors } from "../sarif-schema.js";
import { CLI, expectGolden, PACKAGE_ROOT, requireBuild } from "./helpers.js";

const EXAMPLE = path.join(PACKAGE_ROOT, "fixtures/example-app");
const tmp = mkdtempSync(path.join(os.tmpdir(), "reports-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `node <args>` in `cwd` with exactly these extra variables (no CI, no GitHub, no colors). */
function node(args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...extra };
  for (const key of Object.keys(env)) if (key === "CI" || key.startsWith("GITHUB_")) delete env[key];
  Object.assign(env, extra);
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function contractScan(args: string[], cwd = EXAMPLE, extra: NodeJS.ProcessEnv = {}): ReturnType<typeof node> {
  requireBuild();
  return node([CLI, ...args], cwd, extra);
}

describe("contract-scan fixtures/example-app in every format", () => {
  const json = JSON.parse(contractScan([".", "--format", "json"]).stdout) as Report;

  const sarif = contractScan([".", "--format", "sarif"]);

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

  it("sarif fingerprints survive lines added above the findings", () => {
    const copy = path.join(tmp, "example-shifted");
    cpSync(EXAMPLE, copy, { recursive: true });
    // The fingerprints do not depend on where the repository is checked out: the example's own log is "before".
    const before = JSON.parse(sarif.stdout) as Log;
    const file = path.join(copy, "lib/prisma.ts");
    writeFileSync(file, `// two lines\n// added above\n${readFileSync(file, "utf8")}`);
    const after = JSON.parse(contractScan([".", "--format", "sarif"], copy).stdout) as Log;
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

  it("github: the reviewed workflow commands", () => {
    const run = contractScan([".", "--format", "github"], EXAMPLE, { GITHUB_WORKSPACE: EXAMPLE });
    expect(run.status).toBe(1);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("::error ")).length).toBe(json.summary.errors);
    expectGolden(run.stdout, path.join(import.meta.dirname, "example-app.expected.github.txt"));
  });

  it("markdown: the reviewed summary", () => {
    const run = contractScan([".", "--format", "markdown"], EXAMPLE, {
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
  const json = JSON.parse(contractScan([".", "--format", "json"], cwd).stdout) as Report;

  it("sarif: valid against the SARIF 2.1.0 schema, one result per finding", () => {
    const run = contractScan([".", "--format", "sarif"], cwd);
    expect(run.status).toBe(1);
    const log = JSON.parse(run.stdout) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(json.findings.length).toBeGreaterThan(0);
    expect(log.runs[0]!.results!.map((r) => `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:${r.locations![0]!.physicalLocation!.region!.startLine} ${r.ruleId}`)).toEqual(
      json.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`),
    );
  });

  it("github: one workflow command per finding, at the same place", () => {
    const run = contractScan([".", "--format", "github"], cwd);
    expect(run.status).toBe(1);
    const commands = run.stdout.split("\n").filter((line) => line.startsWith("::error ") || line.startsWith("::warning "));
    expect(commands.map((line) => /file=([^,]+),line=(\d+),.*title=([^:]+)::/.exec(line)?.slice(1).join(" "))).toEqual(
      json.findings.map((f) => `${f.file} ${f.line} ${f.ruleId}`),
    );
  });

  it("markdown: counts every rule that fired and names every file", () => {
    const run = contractScan([".", "--format", "markdown"], cwd);
    expect(run.status).toBe(1);
    for (const f of json.findings) {
      expect(run.stdout).toContain(f.ruleId.replace("production-safety/", ""));
      expect(run.stdout).toContain(f.file);
    }
  });
});
