// `contract-scan` in-process (run(argv, io)): the report formats, the baseline (--baseline,
// --update-baseline, --force-update), `explain <rule>`, and the progress line on a TTY stderr.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, FORMATS } from "../src/cli.js";
import type { Report } from "../src/report.js";
import { explainableRules } from "../src/explain.js";
import { sarifSchemaErrors } from "./sarif-schema.js";
import { cliHarness } from "./cli-harness.js";

const { tmp, cli, makeRepo } = cliHarness("cli-reports-");

const CONTRACT = JSON.stringify({ version: 1 });
const bypass = (name: string): string => `const ${name.toLowerCase()} = process.env.${name};\nconsole.log(${name.toLowerCase()});\n`;

function parse(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

describe("--format", () => {
  it("lists every format", () => {
    expect(FORMATS).toEqual(["text", "json", "sarif", "github", "markdown"]);
  });

  it("sarif, github and markdown on a repository with one finding", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_CHECK") });
    const sarif = await cli([root, "--format", "sarif"]);
    expect(sarif.code).toBe(EXIT.findings);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(["scripts/a.ts"]);

    // GitHub resolves annotation paths against GITHUB_WORKSPACE: a scanned subfolder becomes a prefix.
    const github = await cli([root, "--format", "github"], { env: { GITHUB_WORKSPACE: tmp } });
    expect(github.code).toBe(EXIT.findings);
    expect(github.stdout).toMatch(new RegExp(`^::error file=${path.basename(root)}/scripts/a\\.ts,line=1,col=\\d+,`));
    const outside = await cli([root, "--format", "github"], { env: { GITHUB_WORKSPACE: path.join(tmp, "elsewhere") } });
    expect(outside.stdout).toMatch(/^::error file=scripts\/a\.ts,/);

    const markdown = await cli([root, "--format", "markdown"], {
      env: { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "o/r", GITHUB_SHA: "abc", GITHUB_WORKSPACE: root },
    });
    expect(markdown.code).toBe(EXIT.findings);
    expect(markdown.stdout).toContain("(https://github.com/o/r/blob/abc/scripts/a.ts#L1)");
  });
});

describe("baseline", () => {
  it("round trip: update, rerun, new finding, line shift, fixed finding, sorted stable file", async () => {
    const root = makeRepo({
      "production-contract.json": CONTRACT,
      "scripts/b.ts": bypass("SKIP_B"),
      "scripts/a.ts": `${bypass("SKIP_A")}${bypass("BYPASS_A")}`,
    });
    const baseline = path.join(root, "contract-scan-baseline.json");

    const update = await cli([root, "--baseline", baseline, "--update-baseline", "--format", "json"]);
    expect(update.code).toBe(EXIT.ok);
    expect(update.stderr).toBe(`contract-scan: wrote the baseline ${baseline}: 3 error findings accepted in 2 files.\n`);
    expect(readFileSync(baseline, "utf8")).toBe(
      `${JSON.stringify({ "scripts/a.ts": { "production-safety/no-bypass-env": { count: 2 } }, "scripts/b.ts": { "production-safety/no-bypass-env": { count: 1 } } }, null, 2)}\n`,
    );
    const updated = parse(update.stdout);
    expect(updated.findings).toEqual([]);
    expect(updated.baseline).toEqual({ file: "contract-scan-baseline.json", suppressed: 3, stale: 0, staleEntries: [] });

    const rerun = await cli([root, "--baseline", baseline, "--format", "json"]);
    expect(rerun.code).toBe(EXIT.ok);
    expect(rerun.stderr).toBe("");
    expect(parse(rerun.stdout).summary.errors).toBe(0);

    // A new finding in another file fails the run, and only it is reported.
    writeFileSync(path.join(root, "scripts/c.ts"), bypass("SKIP_C"));
    const added = await cli([root, "--baseline", baseline, "--format", "json"]);
    expect(added.code).toBe(EXIT.findings);
    expect(parse(added.stdout).findings.map((f) => `${f.file}:${f.line}`)).toEqual(["scripts/c.ts:1"]);
    rmSync(path.join(root, "scripts/c.ts"));

    // Lines shift above the accepted findings: still matched (the baseline has no line numbers).
    writeFileSync(path.join(root, "scripts/a.ts"), `// moved\n\n\n${bypass("SKIP_A")}${bypass("BYPASS_A")}`);
    const shifted = await cli([root, "--baseline", baseline, "--format", "json"]);
    expect(shifted.code).toBe(EXIT.ok);
    expect(shifted.stderr).toBe("");

    // A fixed finding leaves its entry stale: the run says how many, and still passes.
    writeFileSync(path.join(root, "scripts/a.ts"), bypass("SKIP_A"));
    writeFileSync(path.join(root, "scripts/b.ts"), "export {};\n");
    const fixed = await cli([root, "--baseline", baseline, "--format", "json"]);
    expect(fixed.code).toBe(EXIT.ok);
    expect(fixed.stderr).toBe(
      "contract-scan: 2 baseline entries are stale (2 accepted findings no longer found); run with --update-baseline to shrink the baseline.\n",
    );
    expect(parse(fixed.stdout).baseline).toEqual({
      file: "contract-scan-baseline.json",
      suppressed: 1,
      stale: 2,
      staleEntries: [
        { file: "scripts/a.ts", ruleId: "production-safety/no-bypass-env", count: 1 },
        { file: "scripts/b.ts", ruleId: "production-safety/no-bypass-env", count: 1 },
      ],
    });
    // --update-baseline shrinks it.
    expect((await cli([root, "--baseline", baseline, "--update-baseline"])).code).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(baseline, "utf8"))).toEqual({ "scripts/a.ts": { "production-safety/no-bypass-env": { count: 1 } } });
  });

  // Choice: as ESLint applies eslint-suppressions.json, a file+rule with more errors than its count reports
  // all of them (the baseline cannot tell which one is new).
  it("more findings of a rule in a file than accepted: all of that file's findings of that rule are reported", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_A") });
    const baseline = path.join(root, "baseline.json");
    await cli([root, "--baseline", baseline, "--update-baseline"]);
    writeFileSync(path.join(root, "scripts/a.ts"), `${bypass("SKIP_A")}${bypass("SKIP_B")}`);
    const r = await cli([root, "--baseline", baseline, "--format", "json"]);
    expect(r.code).toBe(EXIT.findings);
    expect(parse(r.stdout).findings.map((f) => f.line)).toEqual([1, 3]);
    expect(parse(r.stdout).baseline?.suppressed).toBe(0);
  });

  it("CI=true refuses --update-baseline (exit 2, nothing written) unless --force-update", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_A") });
    const baseline = path.join(root, "baseline.json");
    const refused = await cli([root, "--baseline", baseline, "--update-baseline"], { env: { CI: "true" } });
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr).toBe(
      "contract-scan: refusing to write the baseline " +
        `${baseline} in CI (CI=true): a baseline must not grow unreviewed. Update it locally and commit it, or pass --force-update to write it anyway.\n`,
    );
    expect(refused.stdout).toBe("");
    expect(existsSync(baseline)).toBe(false);
    // CI=1 is not CI=true (the contract's guard value): the write goes ahead.
    expect((await cli([root, "--baseline", baseline, "--update-baseline"], { env: { CI: "1" } })).code).toBe(EXIT.ok);
    rmSync(baseline);
    const forced = await cli([root, "--baseline", baseline, "--update-baseline", "--force-update"], { env: { CI: "true" } });
    expect(forced.code).toBe(EXIT.ok);
    expect(existsSync(baseline)).toBe(true);
    // Reading a baseline in CI is what CI is for.
    expect((await cli([root, "--baseline", baseline], { env: { CI: "true" } })).code).toBe(EXIT.ok);
  });

  it("bad baseline usage exits 2 with a clear message", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_A") });
    const forceAlone = await cli([root, "--force-update"]);
    expect(forceAlone.code).toBe(EXIT.usage);
    expect(forceAlone.stderr).toBe("contract-scan: --force-update needs --update-baseline\n");
    const missing = await cli([root, "--baseline", "nope.json"]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toBe("contract-scan: baseline file nope.json does not exist; create it with --update-baseline\n");
    writeFileSync(path.join(root, "bad.json"), "{ not json");
    const bad = await cli([root, "--baseline", path.join(root, "bad.json")]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/^contract-scan: baseline file .*bad\.json is not valid JSON: /);
    writeFileSync(path.join(root, "shape.json"), JSON.stringify({ "a.ts": { "production-safety/x": { count: 0 } } }));
    const shape = await cli([root, "--baseline", path.join(root, "shape.json")]);
    expect(shape.code).toBe(EXIT.usage);
    expect(shape.stderr).toContain('is not a baseline ({ "<file>": { "<ruleId>": { "count": <positive integer> } } }): /a.ts/production-safety~1x/count must be >= 1');
  });

  // Choice: a suppressions file shared with ESLint keeps its other plugins' entries: they are neither
  // applied nor stale, and --update-baseline keeps them.
  it("entries of rules that are not ours are kept and never stale; warnings are not baselined", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, "scripts/a.ts": bypass("SKIP_A"), "app/broken.ts": "const = ;\n" });
    const baseline = path.join(root, "eslint-suppressions.json");
    writeFileSync(baseline, JSON.stringify({ "src/x.ts": { "no-unused-vars": { count: 4 } } }));
    const update = await cli([root, "--baseline", baseline, "--update-baseline", "--format", "json"]);
    expect(update.code).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(baseline, "utf8"))).toEqual({
      "scripts/a.ts": { "production-safety/no-bypass-env": { count: 1 } },
      "src/x.ts": { "no-unused-vars": { count: 4 } },
    });
    const report = parse(update.stdout);
    // The parse-error outside a script zone is a warning: reported, not baselined (as ESLint counts only errors).
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["production-safety/parse-error warning"]);
    expect(report.baseline?.stale).toBe(0);
  });
});

describe("explain", () => {
  it("prints a known rule's docs page without colors when stdout is not a TTY", async () => {
    for (const rule of ["no-bypass-env", "production-safety/no-bypass-env"]) {
      const r = await cli(["explain", rule]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^# production-safety\/no-bypass-env\n/);
      expect(r.stdout).toContain("## Why");
      expect(r.stdout).toContain("## Examples");
      expect(r.stdout).not.toContain("\u001b[");
    }
  });

  it("uses colors on a TTY, and not with --no-color or NO_COLOR", async () => {
    expect((await cli(["explain", "require-ci-guard"], { isTTY: true })).stdout).toContain("\u001b[");
    expect((await cli(["explain", "require-ci-guard", "--no-color"], { isTTY: true })).stdout).not.toContain("\u001b[");
    expect((await cli(["explain", "require-ci-guard"], { isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toContain("\u001b[");
  });

  it("an unknown rule exits 2 and lists the known ones", async () => {
    const r = await cli(["explain", "no-such-rule"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe("");
    const known = explainableRules();
    expect(known).toContain("no-bypass-env");
    expect(known).toContain("parse-error");
    expect(r.stderr).toBe(`contract-scan: unknown rule "no-such-rule". Known rules: ${known.join(", ")}\n`);
  });

  it("a missing rule argument is a usage error; `contract-scan [dir]` still scans", async () => {
    expect((await cli(["explain"])).code).toBe(EXIT.usage);
    const root = makeRepo({ "production-contract.json": CONTRACT, "a.ts": "export {};\n" });
    const scanned = await cli([root, "--format", "json"]);
    expect(scanned.code).toBe(EXIT.ok);
    expect(parse(scanned.stdout).summary.files).toBe(1);
  });
});

describe("progress line", () => {
  const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`src/f${i}.ts`, "export const x = 1;\n"]));

  it("on a TTY stderr, after a second, a line updated in place and cleared at the end", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, ...files });
    let clock = 0;
    // A fake clock: 400 ms pass at every reading, so the line appears from the third file on.
    const r = await cli([root, "--format", "json"], { stderrIsTTY: true, now: () => (clock += 400) });
    expect(r.code).toBe(EXIT.ok);
    const updates = r.stderr.split("\r").filter(Boolean);
    expect(updates.length).toBeGreaterThan(1);
    expect(updates[0]?.endsWith("\u001b[K")).toBe(true);
    expect(updates[0]?.slice(0, -3)).toMatch(/^contract-scan: \d\/5 files \(\d+\.\d s\)$/);
    expect(updates.at(-2)).toMatch(/^contract-scan: 5\/5 files /);
    expect(updates.at(-1)).toBe("\u001b[K");
    expect(parse(r.stdout).summary.files).toBe(5);
  });

  it("nothing on stderr when it is not a TTY, and nothing for a scan under a second", async () => {
    const root = makeRepo({ "production-contract.json": CONTRACT, ...files });
    let clock = 0;
    expect((await cli([root], { stderrIsTTY: false, now: () => (clock += 400) })).stderr).toBe("");
    expect((await cli([root], { stderrIsTTY: true, now: () => (clock += 1) })).stderr).toBe("");
  });
});
