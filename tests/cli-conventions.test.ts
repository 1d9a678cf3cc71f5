// The CLI conventions users bring from ESLint and Semgrep (issue 11 item 6), through run(argv, io) in
// this process: --quiet, --max-warnings, --rule, --color/--no-color with FORCE_COLOR/NO_COLOR,
// --print-contract, --debug, explain for every rule id a report can hold, counts per rule at the end of
// the text report, and the default baseline file.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, EXIT } from "../src/cli.js";
import { defaultContract } from "../src/contract.js";
import type { Report } from "../src/report.js";
import { ruleCatalogue } from "../src/reporters/rule-catalogue.js";
import { cliHarness } from "./cli-harness.js";

const { cli, makeRepo } = cliHarness("cli-conventions-");

const CONTRACT = JSON.stringify({ version: 1 });
const bypass = (name: string): string => `const v = process.env.${name};\nconsole.log(v);\n`;
/** Application code that does not parse: a parse-error warning (outside the script zones). */
const BROKEN_APP = "export const = ;\n";

/** Two bypass errors in two scripts, one parse-error warning, one destructive-SQL error. */
const MIXED = {
  "production-contract.json": CONTRACT,
  "scripts/a.ts": bypass("SKIP_A"),
  "scripts/b.ts": bypass("SKIP_B"),
  "src/broken.ts": BROKEN_APP,
  "db/cleanup.sql": "DROP TABLE users;\n",
};

function report(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}
const rulesOf = (r: Report): string[] => r.findings.map((f) => `${f.ruleId.replace("production-safety/", "")} ${f.severity} ${f.file}`);

describe("--quiet", () => {
  it("reports errors only; the exit code still comes from the errors", async () => {
    const root = makeRepo(MIXED);
    const all = report((await cli([root, "--format", "json"])).stdout);
    expect(rulesOf(all)).toContain("parse-error warning src/broken.ts");
    const quiet = await cli([root, "--format", "json", "--quiet"]);
    expect(quiet.code).toBe(EXIT.findings);
    expect(rulesOf(report(quiet.stdout))).toEqual(rulesOf(all).filter((r) => !r.includes(" warning ")));
    expect(report(quiet.stdout).summary).toMatchObject({ errors: all.summary.errors, warnings: 0 });
  });

  it("a run with warnings only exits 0 with or without --quiet", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "src/broken.ts": BROKEN_APP });
    expect((await cli([root])).code).toBe(EXIT.ok);
    const quiet = await cli([root, "--quiet"]);
    expect(quiet.code).toBe(EXIT.ok);
    expect(quiet.stdout).toMatch(/^contract: production-contract\.json; paths are relative to repo-\d+\n✔ no problems in 1 file/);
  });
});

describe("--max-warnings", () => {
  const files = { "production-contract.json": CONTRACT, "src/a.ts": BROKEN_APP, "src/b.ts": BROKEN_APP };

  it("exits 1 when the warnings exceed n, and says so; n equal to the count passes", async () => {
    const root = makeRepo(files);
    const over = await cli([root, "--max-warnings", "1"]);
    expect(over.code).toBe(EXIT.findings);
    expect(over.stderr).toBe("contract-scan: too many warnings (2 found, maximum 1).\n");
    const equal = await cli([root, "--max-warnings", "2"]);
    expect(equal.code).toBe(EXIT.ok);
    expect(equal.stderr).toBe("");
    expect((await cli([root, "--max-warnings", "0"])).code).toBe(EXIT.findings);
  });

  // Choice: as ESLint, --quiet hides the warnings but --max-warnings still counts them (ESLint runs the
  // warn rules when both are given, lib/shared/translate-cli-options.js).
  it("Choice: with --quiet the warnings are not reported but still counted", async () => {
    const root = makeRepo(files);
    const r = await cli([root, "--quiet", "--max-warnings", "1", "--format", "json"]);
    expect(r.code).toBe(EXIT.findings);
    expect(report(r.stdout).findings).toEqual([]);
    expect(r.stderr).toContain("too many warnings (2 found, maximum 1)");
  });

  it("with errors the exit code is already 1: no second message (as ESLint)", async () => {
    const root = makeRepo(MIXED);
    const r = await cli([root, "--max-warnings", "0"]);
    expect(r.code).toBe(EXIT.findings);
    expect(r.stderr).toBe("");
  });

  it("a value that is not a whole number is a usage error", async () => {
    for (const value of ["-1", "x", "1.5", ""]) {
      const r = await cli([makeRepo(files), "--max-warnings", value]);
      expect(r.code, value).toBe(EXIT.usage);
      expect(r.stderr).toContain("--max-warnings");
    }
  });
});

describe("--rule", () => {
  it("reports only the selected rules, with or without the prefix, repeatable; their errors decide the exit code", async () => {
    const root = makeRepo(MIXED);
    const sql = await cli([root, "--format", "json", "--rule", "no-destructive-sql"]);
    expect(sql.code).toBe(EXIT.findings);
    expect(rulesOf(report(sql.stdout))).toEqual(["no-destructive-sql error db/cleanup.sql"]);
    const two = await cli([root, "--format", "json", "--rule", "production-safety/parse-error", "--rule", "no-destructive-sql"]);
    expect(rulesOf(report(two.stdout))).toEqual(["no-destructive-sql error db/cleanup.sql", "parse-error warning src/broken.ts"]);
    // Only a warning selected: exit 0.
    expect((await cli([root, "--rule", "parse-error"])).code).toBe(EXIT.ok);
    // A rule without findings: nothing reported, exit 0.
    const none = await cli([root, "--format", "json", "--rule", "require-backup"]);
    expect(none.code).toBe(EXIT.ok);
    expect(report(none.stdout).findings).toEqual([]);
  });

  // Choice: --rule filters the report; the scan still runs every rule, so a selected rule's findings are
  // exactly those of a full run (rules share the repository facts and never depend on each other's findings).
  it("Choice: the selected rule's findings are exactly those of the full report", async () => {
    const root = makeRepo(MIXED);
    const all = report((await cli([root, "--format", "json"])).stdout);
    const bypassOnly = report((await cli([root, "--format", "json", "--rule", "no-bypass-env"])).stdout);
    expect(bypassOnly.findings).toEqual(all.findings.filter((f) => f.ruleId === "production-safety/no-bypass-env"));
    expect(bypassOnly.summary.files).toBe(all.summary.files);
  });

  it("an unknown id exits 2 before scanning and lists the known ones, scanner-only checks included", async () => {
    const r = await cli([makeRepo(MIXED), "--rule", "no-such-rule"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^contract-scan: --rule: unknown rule "no-such-rule"\. Known rules: /);
    for (const { name } of ruleCatalogue()) expect(r.stderr).toContain(name);
  });

  it("with --max-warnings, only the selected rules' warnings count", async () => {
    const root = makeRepo(MIXED);
    expect((await cli([root, "--rule", "parse-error", "--max-warnings", "0"])).code).toBe(EXIT.findings);
    expect((await cli([root, "--rule", "no-destructive-sql", "--quiet", "--max-warnings", "0", "--format", "json"])).code).toBe(EXIT.findings);
    const sqlRoot = makeRepo({ "production-contract.json": CONTRACT, "db/x.sql": "DROP TABLE t;\n", "src/broken.ts": BROKEN_APP });
    const r = await cli([sqlRoot, "--rule", "no-destructive-sql", "--max-warnings", "0"]);
    expect(r.stderr).not.toContain("too many warnings");
  });
});

describe("colors", () => {
  const root = (): string => makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_A") });
  const colored = async (argv: string[], options: Partial<CliIo>): Promise<boolean> => (await cli(argv, options)).stdout.includes("\u001b[");

  it("the text report follows picocolors' detection: TTY, --color, --no-color, FORCE_COLOR, NO_COLOR, CI", async () => {
    const dir = root();
    expect(await colored([dir], { isTTY: true })).toBe(true);
    expect(await colored([dir], { isTTY: false })).toBe(false);
    expect(await colored([dir, "--color"], { isTTY: false })).toBe(true);
    expect(await colored([dir, "--no-color"], { isTTY: true })).toBe(false);
    expect(await colored([dir], { isTTY: false, env: { FORCE_COLOR: "1" } })).toBe(true);
    expect(await colored([dir], { isTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
    expect(await colored([dir, "--color"], { isTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
    expect(await colored([dir], { isTTY: false, env: { CI: "true" } })).toBe(true);
    expect(await colored([dir], { isTTY: true, env: { TERM: "dumb" } })).toBe(false);
  });

  // Choice: a report written to a file is colored only with an explicit --color (FORCE_COLOR and CI
  // are about the terminal; a file is read by other tools).
  it("Choice: --output is colored only with --color", async () => {
    const dir = root();
    const out = path.join(dir, "report.txt");
    await cli([dir, "--output", out], { isTTY: true, env: { FORCE_COLOR: "1", CI: "true" } });
    expect(readFileSync(out, "utf8")).not.toContain("\u001b[");
    await cli([dir, "--output", out, "--color"], { isTTY: false });
    expect(readFileSync(out, "utf8")).toContain("\u001b[");
  });

  it("explain follows the same detection", async () => {
    expect(await colored(["explain", "no-bypass-env"], { isTTY: false, env: { FORCE_COLOR: "1" } })).toBe(true);
    expect(await colored(["explain", "no-bypass-env", "--color"], { isTTY: false })).toBe(true);
    expect(await colored(["explain", "no-bypass-env"], { isTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
  });
});

describe("--print-contract", () => {
  it("prints the contract in force with the defaults filled in, as JSON, and scans nothing", async () => {
    const root = makeRepo({ "production-contract.json": JSON.stringify({ version: 1, scripts: ["tools/**"] }), "tools/a.ts": bypass("SKIP_A") });
    const r = await cli([root, "--print-contract"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toBe("");
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(printed).toEqual({ ...JSON.parse(JSON.stringify(defaultContract())), scripts: ["tools/**"] });
  });

  it("without a contract file: the defaults (and the note on stderr)", async () => {
    const r = await cli([makeRepo({ "a.ts": "export {};\n" }), "--print-contract"]);
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(defaultContract())));
    expect(r.stderr).toContain("no production-contract.json");
  });

  it("an invalid contract exits 2", async () => {
    const r = await cli([makeRepo({ "production-contract.json": JSON.stringify({ version: 1, scripts: "x" }) }), "--print-contract"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe("");
  });
});

describe("--debug", () => {
  it("prints the time of each phase and of each rule on stderr; the report is unchanged", async () => {
    const root = makeRepo({ ...MIXED, "package.json": JSON.stringify({ scripts: { build: "tsc" } }) });
    const plain = await cli([root, "--format", "json"]);
    const debug = await cli([root, "--format", "json", "--debug"]);
    expect(JSON.stringify({ ...report(debug.stdout), summary: { ...report(debug.stdout).summary, durationMs: 0 } })).toBe(
      JSON.stringify({ ...report(plain.stdout), summary: { ...report(plain.stdout).summary, durationMs: 0 } }),
    );
    const lines = debug.stderr.split("\n");
    expect(lines[0]).toBe("contract-scan --debug: time per phase (ms)");
    const phases = lines.slice(1, lines.findIndex((l) => l.startsWith("contract-scan --debug: time per rule"))).map((l) => /^ +\d+\.\d {2}(.+)$/.exec(l)?.[1]);
    expect(phases).toEqual(["contract", "discovery", "repository facts", "read files", "lint (ESLint Linter)", "SQL files", "non-JS sources", "scanner-only checks", "baseline, filters and report"]);
    const ruleLines = lines.slice(lines.findIndex((l) => l.startsWith("contract-scan --debug: time per rule")) + 1).filter(Boolean);
    const rules = ruleLines.map((l) => /^ +\d+\.\d {2}(.+)$/.exec(l)?.[1]);
    // Every ESLint rule of the plugin ran, with ESLint's own per-rule times, and the parse time.
    for (const { id, scannerOnly } of ruleCatalogue()) if (!scannerOnly) expect(rules).toContain(id);
    expect(rules.at(-1)).toBe("(parsing)");
  });

  it("nothing on stderr without --debug", async () => {
    expect((await cli([makeRepo(MIXED)])).stderr).toBe("");
  });
});

describe("text report: counts per rule", () => {
  it("after the findings, one line per rule (sorted, padded), then the summary", async () => {
    const r = await cli([makeRepo(MIXED)]);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(-6)).toEqual([
      "  production-safety/no-bypass-env       2 errors",
      "  production-safety/no-destructive-sql  1 error",
      "  production-safety/parse-error         1 warning",
      "",
      expect.stringMatching(/^contract: production-contract\.json; paths are relative to repo-\d+$/),
      expect.stringMatching(/^✖ 4 problems \(3 errors, 1 warning\) in \d+ files \(\d+ ms\)$/),
    ]);
    expect(lines.at(-7)).toBe("");
  });

  it("a rule with errors and warnings shows both", async () => {
    const r = await cli([makeRepo({ "production-contract.json": CONTRACT, "scripts/x.ts": BROKEN_APP, "src/y.ts": BROKEN_APP })]);
    expect(r.stdout).toContain("\n  production-safety/parse-error  1 error, 1 warning\n");
  });
});

describe("explain: every rule id a report can hold", () => {
  const realRepositories = /umami|dub\.co|dubinc|retrovue|freefeed|formbricks|rallly|connectsa|outline/i;
  for (const { id, scannerOnly } of ruleCatalogue()) {
    it(`${id}${scannerOnly ? " (scanner-only)" : ""}`, async () => {
      const r = await cli(["explain", id]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout.split("\n")[0]).toBe(`# ${id}`);
      expect(r.stdout).not.toContain("<!--");
      expect(r.stdout).not.toMatch(realRepositories);
      if (scannerOnly) expect(r.stdout).toContain("## What it reports");
    });
  }
});

describe("the default baseline file", () => {
  // Choice: as ESLint reads eslint-suppressions.json when it exists, contract-scan reads
  // <dir>/contract-scan-baseline.json when it exists, and --update-baseline alone writes it. So the
  // README's hook and CI recipes need no flag and accept what the baseline accepts once it is committed.
  it("Choice: --update-baseline alone writes <dir>/contract-scan-baseline.json; later runs use it without a flag", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_A") });
    expect((await cli([root])).code).toBe(EXIT.findings);
    const update = await cli([root, "--update-baseline"], { cwd: root });
    expect(update.code).toBe(EXIT.ok);
    expect(update.stderr).toContain("wrote the baseline contract-scan-baseline.json: 1 error finding accepted in 1 file");
    expect(JSON.parse(readFileSync(path.join(root, "contract-scan-baseline.json"), "utf8"))).toEqual({
      "scripts/a.ts": { "production-safety/no-bypass-env": { count: 1 } },
    });
    const again = await cli([root]);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toMatch(/^contract: production-contract\.json; paths are relative to repo-\d+\n✔ no problems in 1 file \(1 finding accepted by the baseline contract-scan-baseline\.json\)/);
    const json = report((await cli([root, "--format", "json"])).stdout);
    expect(json.baseline).toMatchObject({ file: "contract-scan-baseline.json", suppressed: 1, stale: 0 });
    // A new violation is reported.
    writeFileSync(path.join(root, "scripts/b.ts"), bypass("SKIP_B"));
    const fresh = report((await cli([root, "--format", "json"])).stdout);
    expect(rulesOf(fresh)).toEqual(["no-bypass-env error scripts/b.ts"]);
  });

  it("--baseline <file> wins over the default; no file and no flag: no baseline", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_A") });
    writeFileSync(path.join(root, "contract-scan-baseline.json"), JSON.stringify({ "scripts/a.ts": { "production-safety/no-bypass-env": { count: 1 } } }));
    writeFileSync(path.join(root, "other.json"), "{}");
    const other = await cli([root, "--baseline", path.join(root, "other.json"), "--format", "json"]);
    expect(other.code).toBe(EXIT.findings);
    expect(report(other.stdout).baseline?.file).toBe("other.json");
    rmSync(path.join(root, "contract-scan-baseline.json"));
    const none = await cli([root, "--format", "json"]);
    expect(none.code).toBe(EXIT.findings);
    expect(report(none.stdout).baseline).toBeUndefined();
  });

  it("a malformed default baseline is a usage error, as with --baseline", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "contract-scan-baseline.json": "{ nope" });
    const r = await cli([root]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("is not valid JSON");
  });

  it("--force-update without --update-baseline is a usage error", async () => {
    const r = await cli([makeRepo({ "production-contract.json": CONTRACT }), "--force-update"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("contract-scan: --force-update needs --update-baseline\n");
  });
});
