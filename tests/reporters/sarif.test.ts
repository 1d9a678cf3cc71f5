// The sarif reporter on hand-built reports: every log valid against the official SARIF 2.1.0 schema,
// driver rules from the rules' meta, results, and fingerprints that survive line shifts.
import { describe, expect, it } from "vitest";
import { buildSarifLog, FINGERPRINT_KEY, fileUri, regionText } from "../../src/reporters/sarif.js";
import formatSarif from "../../src/reporters/sarif.js";
import { rules } from "../../src/rules.js";
import { packageVersion } from "../../src/package-info.js";
import { sarifSchemaErrors } from "../sarif-schema.js";
import { finding, report } from "./report-fixtures.js";

const SOURCE = 'import x from "y";\n\nconst flag = process.env.SKIP_CHECK;\n';

describe("sarif reporter", () => {
  it("an empty report is a valid log with every rule and no results", () => {
    const log = JSON.parse(formatSarif(report([]))) as ReturnType<typeof buildSarifLog>;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const run = log.runs[0]!;
    expect(run.results).toEqual([]);
    expect(run.invocations).toEqual([{ executionSuccessful: true }]);
    expect(run.tool.driver.name).toBe("contract-scan");
    expect(run.tool.driver.version).toBe(packageVersion);
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\/github\.com\//);
    const ids = run.tool.driver.rules!.map((r) => r.id);
    for (const [name, rule] of Object.entries(rules)) {
      const entry = run.tool.driver.rules!.find((r) => r.id === `production-safety/${name}`);
      expect(entry?.shortDescription?.text).toBe(rule.meta.docs?.description);
      expect(entry?.helpUri).toBe(rule.meta.docs?.url);
      expect(entry?.defaultConfiguration?.level).toBe("error");
    }
    // Scanner-only checks are described too (SPEC §6.12), so their results have a rule to point at.
    expect(ids).toContain("production-safety/parse-error");
    expect(ids).toContain("production-safety/no-stale-allowlist");
    expect([...ids].sort()).toEqual(ids);
  });

  it("a result per finding: ruleId, ruleIndex, level, message, location under %SRCROOT%, 1-based region", () => {
    const findings = [
      finding({ file: "scripts/a b#1.ts", line: 3, column: 14, endLine: 3, endColumn: 36 }),
      finding({ ruleId: "production-safety/parse-error", severity: "warning", file: "lib/x.ts", line: 1, column: 1, endLine: 1, endColumn: 1, message: "Parsing error: ';' expected." }),
    ];
    const log = buildSarifLog(report(findings), { sourceText: (f) => (f === "scripts/a b#1.ts" ? SOURCE : undefined) });
    expect(sarifSchemaErrors(log)).toEqual([]);
    const run = log.runs[0]!;
    const [first, second] = run.results!;
    expect(first).toMatchObject({
      ruleId: "production-safety/no-bypass-env",
      level: "error",
      message: { text: findings[0]!.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "scripts/a%20b%231.ts", uriBaseId: "%SRCROOT%" },
            region: { startLine: 3, startColumn: 14, endLine: 3, endColumn: 36 },
          },
        },
      ],
    });
    expect(run.tool.driver.rules![first!.ruleIndex!]!.id).toBe(first!.ruleId);
    expect(second!.level).toBe("warning");
    expect(run.tool.driver.rules![second!.ruleIndex!]!.id).toBe("production-safety/parse-error");
    expect(run.columnKind).toBe("utf16CodeUnits");
  });

  it("an unknown rule id still gets a rules[] entry (the log stays valid)", () => {
    const log = buildSarifLog(report([finding({ ruleId: "production-safety/some-new-check" })]));
    expect(sarifSchemaErrors(log)).toEqual([]);
    const result = log.runs[0]!.results![0]!;
    expect(log.runs[0]!.tool.driver.rules![result.ruleIndex!]!.id).toBe("production-safety/some-new-check");
  });

  // Choice: the fingerprint hashes rule, file, the reported node's source with whitespace collapsed, and
  // its occurrence number among equal nodes; with no source (or an empty region) the message stands in.
  it("fingerprints survive line shifts and tell equal nodes apart", () => {
    const f = finding({ line: 3, column: 14, endLine: 3, endColumn: 36 });
    const before = buildSarifLog(report([f]), { sourceText: () => SOURCE });
    const shiftedSource = `// a new comment\n// and another\n${SOURCE}`;
    const after = buildSarifLog(report([{ ...f, line: 5, endLine: 5 }]), { sourceText: () => shiftedSource });
    const print = (log: typeof before): string => log.runs[0]!.results![0]!.partialFingerprints![FINGERPRINT_KEY]!;
    expect(print(before)).toBe(print(after));
    // A different node on the same line gets a different fingerprint.
    const other = buildSarifLog(report([{ ...f, column: 7, endColumn: 11 }]), { sourceText: () => SOURCE });
    expect(print(other)).not.toBe(print(before));
    // Two findings of the same node text in one file: distinct fingerprints.
    const twice = `${SOURCE}const again = process.env.SKIP_CHECK;\n`;
    const both = buildSarifLog(report([f, { ...f, line: 4, column: 15, endLine: 4, endColumn: 37 }]), { sourceText: () => twice });
    const [a, b] = both.runs[0]!.results!.map((r) => r.partialFingerprints![FINGERPRINT_KEY]);
    expect(a).not.toBe(b);
  });

  it("regionText reads the region across lines and collapses whitespace", () => {
    const text = "a\n  foo(\n    bar)\nz";
    expect(regionText(text, { line: 2, column: 3, endLine: 3, endColumn: 9 })).toBe("foo( bar)");
    expect(regionText(text, { line: 9, column: 1, endLine: 9, endColumn: 2 })).toBe("");
    expect(regionText(undefined, { line: 1, column: 1, endLine: 1, endColumn: 2 })).toBe("");
  });

  it("fileUri percent-encodes each path segment", () => {
    expect(fileUri("apps/web/100% done.ts")).toBe("apps/web/100%25%20done.ts");
    expect(fileUri("../shared/contract.json")).toBe("../shared/contract.json");
  });
});
