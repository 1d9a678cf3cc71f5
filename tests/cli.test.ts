// `contract-scan` through `run(argv, io)` in-process (SPEC §4): flags, exit codes, contract errors, report shape.
// The built binary is exercised by tests/e2e; here every stream is a buffer and every repository a temp dir.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliIo, EXIT, run } from "../src/cli.js";
import { packageVersion } from "../src/package-info.js";
import type { Report } from "../src/report.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cli-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], options: { cwd?: string; isTTY?: boolean } = {}): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTTY: options.isTTY ?? false,
    cwd: options.cwd ?? tmp,
    // Not this process's environment: CI=true or NO_COLOR there would change the colors.
    env: {},
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

let repoCount = 0;
/** A fresh repository under the temp folder with the given files (objects are written as JSON). */
function makeRepo(files: Record<string, unknown>): string {
  const root = path.join(tmp, `repo-${++repoCount}`);
  mkdirSync(root, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const BYPASS_SCRIPT = "const x = process.env.SKIP_CHECK;\nconsole.log(x);\n";
const CLEAN_APP = "export const answer = 42;\n";

/** Parses a JSON report, zeroing the one field that may differ between runs. */
function parseReport(text: string): Report {
  const report = JSON.parse(text) as Report;
  report.summary.durationMs = 0;
  return report;
}

describe("usage", () => {
  it("--help prints usage to stdout and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain("Usage: contract-scan [options] [dir]");
    for (const command of ["init [options] [dir]", "explain [options] <rule>"]) expect(r.stdout).toContain(command);
    for (const flag of ["--contract <file>", "--format <format>", "--output <file>", "--version"]) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain("Exit codes: 0 no error findings, 1 at least one error finding, 2 usage or contract error");
    expect(r.stderr).toBe("");
  });

  it.each([["--version"], ["-v"]])("%s prints the package version and exits 0", async (flag) => {
    const r = await cli([flag]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout.trim()).toBe(packageVersion);
  });

  it("an unknown flag exits 2 with a message on stderr", async () => {
    const r = await cli(["--frobnicate"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
    expect(r.stdout).toBe("");
  });

  it("a bad --format exits 2 and names the choices", async () => {
    const r = await cli(["--format", "xml", makeRepo({})]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/argument 'xml' is invalid\. Allowed choices are text, json/);
    expect(r.stdout).toBe("");
  });

  it("a flag without its value exits 2", async () => {
    const r = await cli(["--contract"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("option '--contract <file>' argument missing");
  });

  it("two directories exit 2", async () => {
    const r = await cli([makeRepo({}), makeRepo({})]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("too many arguments");
  });

  it("a directory that does not exist exits 2", async () => {
    const r = await cli(["no-such-dir"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("contract-scan: not a directory: no-such-dir\n");
    expect(r.stdout).toBe("");
  });

  it("a file given as the directory exits 2", async () => {
    const root = makeRepo({ "a.ts": CLEAN_APP });
    const r = await cli([path.join(root, "a.ts")]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("not a directory");
  });

  it("resolves dir against io.cwd, default '.'", async () => {
    const root = makeRepo({ "scripts/a.ts": BYPASS_SCRIPT });
    const r = await cli(["--format", "json"], { cwd: root });
    expect(r.code).toBe(EXIT.findings);
    expect(parseReport(r.stdout).findings.map((f) => f.file)).toEqual(["scripts/a.ts"]);
    const parent = await cli(["--format", "json", path.basename(root)]);
    expect(parseReport(parent.stdout)).toEqual(parseReport(r.stdout));
  });
});

describe("contract errors: exit 2, nothing scanned", () => {
  it("an invalid contract prints each key path, expected and found, and scans nothing", async () => {
    const root = makeRepo({
      "production-contract.json": {
        version: 1,
        mutationScript: {},
        ciGuard: { equal: "true" },
        mutationScripts: { "scripts/x.ts": { operations: ["create", "delet"] } },
      },
      "scripts/a.ts": BYPASS_SCRIPT,
    });
    const out = path.join(tmp, "invalid-contract-report.json");
    const r = await cli([root, "--format", "json", "--output", out]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    const file = path.join(root, "production-contract.json");
    expect(r.stderr).toContain(`contract-scan: Invalid production contract (${file}):\n`);
    expect(r.stderr).toMatch(/^ {2}mutationScript: unknown key; expected one of .*; found "mutationScript"$/m);
    expect(r.stderr).toContain('  ciGuard.equal: unknown key; expected one of env, equals, functions, modules; found "equal"\n');
    expect(r.stderr).toMatch(/^ {2}mutationScripts\["scripts\/x\.ts"\]\.operations\[1\]: expected one of create, createMany, .*; found "delet"$/m);
  });

  it("a contract without version exits 2", async () => {
    const root = makeRepo({ "production-contract.json": {} });
    const r = await cli([root]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("  version: required key is missing; expected it to be set; found nothing\n");
  });

  it.each([
    ["a trailing comma", '{\n  "version": 1,\n}\n', "line 2, column 15: malformed JSON"],
    ["a comment", '{\n  "version": 1 // v1\n}\n', "line 2, column 16: malformed JSON"],
    ["a truncated file", '{\n  "version": 1,\n  "scripts": [', "line 3, column 15: malformed JSON"],
    ["an empty file", "", "line 1, column 1: malformed JSON"],
  ])("malformed JSON (%s) exits 2 with line and column", async (_label, text, where) => {
    const root = makeRepo({ "production-contract.json": text, "scripts/a.ts": BYPASS_SCRIPT });
    const r = await cli([root, "--format", "json"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`  ${where}; expected`);
  });

  it("--contract pointing at a missing file exits 2", async () => {
    const root = makeRepo({ "scripts/a.ts": BYPASS_SCRIPT });
    const r = await cli([root, "--contract", "nope.json"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain(`Invalid production contract (${path.join(tmp, "nope.json")}):\n  cannot read the file: ENOENT`);
    expect(r.stdout).toBe("");
  });
});

describe("--contract", () => {
  it("is honoured (resolved against cwd) and reported repository-relative", async () => {
    const root = makeRepo({
      "config/contract.json": { version: 1, bypass: { allow: [{ name: "SKIP_CHECK", reason: "reviewed: only skips a lint step" }] } },
      "production-contract.json": { version: 1 },
      "scripts/a.ts": BYPASS_SCRIPT,
    });
    const r = await cli([".", "--contract", "config/contract.json", "--format", "json"], { cwd: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(EXIT.ok);
    const report = parseReport(r.stdout);
    expect(report.contract).toBe("config/contract.json");
    expect(report.findings).toEqual([]);
    // Without --contract the root's production-contract.json (no allowance) is used.
    const plain = await cli([root, "--format", "json"]);
    expect(plain.code).toBe(EXIT.findings);
    expect(parseReport(plain.stdout).contract).toBe("production-contract.json");
  });

  it("a contract outside the root is reported relative to the root, independent of the checkout's location", async () => {
    const root = makeRepo({ "repo/scripts/a.ts": BYPASS_SCRIPT, "shared/contract.json": { version: 1 } });
    const r = await cli([path.join(root, "repo"), "--contract", path.join(root, "shared/contract.json"), "--format", "json"]);
    expect(r.code).toBe(EXIT.findings);
    expect(parseReport(r.stdout).contract).toBe("../shared/contract.json");
  });

  it("an invalid --contract exits 2 even when the root's contract is valid", async () => {
    const root = makeRepo({ "bad.json": { version: 1, scripts: "x" }, "production-contract.json": { version: 1 } });
    const r = await cli([root, "--contract", path.join(root, "bad.json")]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('  scripts: expected array; found "x"\n');
  });
});

describe("the contract found above [dir], as ESLint finds it above a file", () => {
  // The repository root holds the contract; lib/ and ops/ hold a finding each; the contract allowlists a
  // script that does not exist (a no-stale-allowlist finding at the contract).
  const files = {
    "production-contract.json": { version: 1, scripts: ["ops/**"], mutationScripts: { "ops/gone.ts": { operations: ["update"] } } },
    "ops/a.ts": BYPASS_SCRIPT,
    "lib/b.ts": BYPASS_SCRIPT,
  };

  it("Choice: the root is the contract's folder and only [dir] is scanned, with paths relative to the root", async () => {
    const root = makeRepo(files);
    const full = parseReport((await cli([root, "--format", "json"])).stdout);
    expect(full.findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual([
      "lib/b.ts production-safety/no-bypass-env",
      "ops/a.ts production-safety/no-bypass-env",
      "production-contract.json production-safety/no-stale-allowlist",
    ]);
    const r = await cli([path.join(root, "ops"), "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(EXIT.findings);
    const part = parseReport(r.stdout);
    expect(part.root).toBe(".");
    expect(part.contract).toBe("production-contract.json");
    // The full scan's findings under ops/, nothing else (the contract's own finding is outside ops/).
    expect(part.findings).toEqual(full.findings.filter((f) => f.file.startsWith("ops/")));
    expect(part.summary.files).toBe(1);
  });

  it("from a subfolder as the working directory, the same report as naming the subfolder", async () => {
    const root = makeRepo(files);
    const named = await cli([path.join(root, "ops"), "--format", "json"]);
    const fromInside = await cli(["--format", "json"], { cwd: path.join(root, "ops") });
    expect(parseReport(fromInside.stdout)).toEqual(parseReport(named.stdout));
    expect((await cli([], { cwd: path.join(root, "ops") })).stdout).toContain(`\ncontract: production-contract.json; paths are relative to ${root}\n`);
  });

  it("the nearest contract wins: a package with its own contract is its own root", async () => {
    const root = makeRepo({ ...files, "packages/api/production-contract.json": { version: 1, scripts: ["jobs/**"] }, "packages/api/jobs/c.ts": BYPASS_SCRIPT });
    const report = parseReport((await cli([path.join(root, "packages/api/jobs"), "--format", "json"])).stdout);
    expect(report.contract).toBe("production-contract.json");
    expect(report.findings.map((f) => f.file)).toEqual(["jobs/c.ts"]);
  });

  it("near miss: --contract keeps [dir] as the root, even with a contract above it", async () => {
    const root = makeRepo({ ...files, "ops/contract.json": { version: 1 } });
    const report = parseReport((await cli([path.join(root, "ops"), "--contract", path.join(root, "ops/contract.json"), "--format", "json"])).stdout);
    expect(report.contract).toBe("contract.json");
    expect(report.findings.map((f) => f.file)).toEqual(["a.ts"]);
  });
});

describe("no contract file", () => {
  it("scans with the defaults, says how to write one on stderr, and keeps stdout clean JSON", async () => {
    const root = makeRepo({ "scripts/a.ts": BYPASS_SCRIPT });
    const r = await cli([root, "--format", "json"]);
    expect(r.code).toBe(EXIT.findings);
    const report = parseReport(r.stdout);
    expect(report.contract).toBeNull();
    expect(report.findings.map((f) => f.ruleId)).toEqual(["production-safety/no-bypass-env"]);
    expect(r.stderr).toContain(`no production-contract.json in ${root} or a folder above it`);
    expect(r.stderr).toContain("scanning with the defaults");
    expect(r.stderr).toContain("Draft one from what the repository does today with `contract-scan init`");
    expect(r.stderr).toContain('"version": 1');
  });
});

describe("exit codes and the JSON report (SPEC §4)", () => {
  it("exits 1 with an error finding, in the exact report shape", async () => {
    const root = makeRepo({ "production-contract.json": { version: 1 }, "scripts/a.ts": BYPASS_SCRIPT, "src/app.ts": CLEAN_APP });
    const r = await cli([root, "--format", "json"]);
    expect(r.code).toBe(EXIT.findings);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as Report;
    expect(Object.keys(report)).toEqual(["version", "root", "contract", "findings", "summary"]);
    expect(Object.keys(report.summary)).toEqual(["files", "errors", "warnings", "durationMs"]);
    expect(report.summary.durationMs).toEqual(expect.any(Number));
    expect(report.summary.durationMs).toBeGreaterThanOrEqual(0);
    expect(parseReport(r.stdout)).toEqual({
      version: 1,
      root: ".",
      contract: "production-contract.json",
      findings: [
        {
          ruleId: "production-safety/no-bypass-env",
          severity: "error",
          file: "scripts/a.ts",
          line: 1,
          column: 11,
          endLine: 1,
          endColumn: expect.any(Number),
          message: expect.stringContaining("SKIP_CHECK"),
        },
      ],
      summary: { files: 2, errors: 1, warnings: 0, durationMs: 0 },
    });
    expect(Object.keys(report.findings[0]!)).toEqual(["ruleId", "severity", "file", "line", "column", "endLine", "endColumn", "message"]);
    expect(r.stdout.endsWith("}\n")).toBe(true);
  });

  it("exits 0 without error findings", async () => {
    const root = makeRepo({ "production-contract.json": { version: 1 }, "src/app.ts": CLEAN_APP, "scripts/ok.ts": 'console.log("hello");\n' });
    const r = await cli([root, "--format", "json"]);
    expect(r.code).toBe(EXIT.ok);
    expect(parseReport(r.stdout)).toEqual({
      version: 1,
      root: ".",
      contract: "production-contract.json",
      findings: [],
      summary: { files: 2, errors: 0, warnings: 0, durationMs: 0 },
    });
  });

  it("an empty repository exits 0", async () => {
    const r = await cli([makeRepo({}), "--format", "json"]);
    expect(r.code).toBe(EXIT.ok);
    expect(parseReport(r.stdout).summary).toEqual({ files: 0, errors: 0, warnings: 0, durationMs: 0 });
  });

  it("sorts findings by file, line, column with /-separated repository paths", async () => {
    const root = makeRepo({
      "production-contract.json": { version: 1 },
      "scripts/b.ts": BYPASS_SCRIPT,
      "scripts/a.ts": `const y = process.env.BYPASS_ALL;\n${BYPASS_SCRIPT}`,
      "apps/web/scripts/z.ts": BYPASS_SCRIPT,
    });
    const report = parseReport((await cli([root, "--format", "json"])).stdout);
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual([
      "apps/web/scripts/z.ts:1:11",
      "scripts/a.ts:1:11",
      "scripts/a.ts:2:11",
      "scripts/b.ts:1:11",
    ]);
  });

  it("two runs give byte-identical JSON apart from durationMs", async () => {
    const root = makeRepo({
      "production-contract.json": { version: 1 },
      "scripts/a.ts": BYPASS_SCRIPT,
      "scripts/b.ts": BYPASS_SCRIPT,
      "src/c.ts": CLEAN_APP,
    });
    const first = await cli([root, "--format", "json"]);
    const second = await cli([root, "--format", "json"]);
    const strip = (text: string) => text.replace(/"durationMs": \d+/, '"durationMs": 0');
    expect(strip(second.stdout)).toBe(strip(first.stdout));
    expect(first.stdout.match(/"durationMs"/g)).toHaveLength(1);
  });

  it("--output writes the report there and nothing to stdout", async () => {
    const root = makeRepo({ "scripts/a.ts": BYPASS_SCRIPT });
    const out = path.join(tmp, "report.json");
    const r = await cli([root, "--format", "json", "--output", out]);
    expect(r.code).toBe(EXIT.findings);
    expect(r.stdout).toBe("");
    expect(parseReport(readFileSync(out, "utf8")).findings).toHaveLength(1);
  });

  it("--output resolves against cwd and writes the text report without colors", async () => {
    const root = makeRepo({ "scripts/a.ts": BYPASS_SCRIPT });
    const r = await cli([root, "--output", "report.txt"], { cwd: tmp, isTTY: true });
    expect(r.stdout).toBe("");
    const text = readFileSync(path.join(tmp, "report.txt"), "utf8");
    expect(text).toContain("scripts/a.ts:1:11");
    expect(text).not.toContain("\u001b[");
  });

  it("--output into a missing directory exits 2 before scanning", async () => {
    const root = makeRepo({ "scripts/a.ts": BYPASS_SCRIPT });
    const r = await cli([root, "--output", path.join(tmp, "missing-dir", "report.json")]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("cannot write the report to");
    expect(r.stdout).toBe("");
  });
});

describe("text format", () => {
  const files = {
    "production-contract.json": { version: 1 },
    "scripts/a.ts": `${BYPASS_SCRIPT}const z = process.env.ALLOW_ALL;\n`,
    "scripts/b.ts": BYPASS_SCRIPT,
  };

  it("groups by file with path:line:column, the rule id and a summary line; no ANSI without a TTY", async () => {
    const r = await cli([], { cwd: makeRepo(files) });
    expect(r.code).toBe(EXIT.findings);
    expect(r.stdout).not.toContain("\u001b[");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("scripts/a.ts");
    expect(lines[1]).toMatch(/^ {2}scripts\/a\.ts:1:11 {2}error {4}.*SKIP_CHECK.* {2}production-safety\/no-bypass-env$/);
    expect(lines[2]).toMatch(/^ {2}scripts\/a\.ts:3:11 {2}error .*ALLOW_ALL.*production-safety\/no-bypass-env$/);
    expect(lines[3]).toBe("");
    expect(lines[4]).toBe("scripts/b.ts");
    expect(lines[5]).toMatch(/^ {2}scripts\/b\.ts:1:11 .*production-safety\/no-bypass-env$/);
    expect(lines[6]).toBe("");
    // Counts per rule, the contract used, then the summary line.
    expect(lines[7]).toBe("  production-safety/no-bypass-env  3 errors");
    expect(lines[8]).toBe("");
    expect(lines[9]).toBe("contract: production-contract.json");
    expect(lines[10]).toMatch(/^✖ 3 problems \(3 errors, 0 warnings\) in 2 files \(\d+ ms\)$/);
    expect(lines[11]).toBe("");
    expect(lines).toHaveLength(12);
  });

  it("says so when there is nothing to report", async () => {
    const r = await cli([], { cwd: makeRepo({ "production-contract.json": { version: 1 }, "src/a.ts": CLEAN_APP }) });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^contract: production-contract\.json\n✔ no problems in 1 file \(\d+ ms\)\n$/);
  });

  it("says which contract was used: --contract's path from the root, or that none was found", async () => {
    const root = makeRepo({ "config/contract.json": { version: 1 }, "src/a.ts": CLEAN_APP });
    expect((await cli(["--contract", "config/contract.json"], { cwd: root })).stdout).toMatch(/^contract: config\/contract\.json\n✔/);
    expect((await cli([], { cwd: root })).stdout).toMatch(/^contract: none found, the defaults were used\n✔/);
  });

  it("names the root next to the contract when it is not the working directory: report paths are relative to it", async () => {
    const root = makeRepo({ "production-contract.json": { version: 1 }, "src/a.ts": CLEAN_APP });
    expect((await cli([root])).stdout).toMatch(new RegExp(`^contract: production-contract\\.json; paths are relative to ${path.basename(root)}\n✔`));
    // Above the working directory: the absolute root (a chain of ../ says less).
    expect((await cli([], { cwd: path.join(root, "src") })).stdout).toMatch(new RegExp(`^contract: production-contract\\.json; paths are relative to ${root}\n✔`));
  });

  it("is colored on a TTY, and not with --no-color", async () => {
    const root = makeRepo(files);
    expect((await cli([root], { isTTY: true })).stdout).toContain("\u001b[");
    expect((await cli([root, "--no-color"], { isTTY: true })).stdout).not.toContain("\u001b[");
  });

  it("--format json is never colored", async () => {
    const r = await cli([makeRepo(files), "--format", "json"], { isTTY: true });
    expect(r.stdout).not.toContain("\u001b[");
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
  });
});
