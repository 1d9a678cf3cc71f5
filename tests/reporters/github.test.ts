// The github reporter: workflow command syntax, GitHub's escaping, the per-step annotation cap notice.
import { describe, expect, it } from "vitest";
import formatGithub, { ANNOTATIONS_PER_STEP, escapeData, escapeProperty } from "../../src/reporters/github.js";
import { finding, report } from "./report-fixtures.js";

describe("github reporter", () => {
  it("an empty report prints only the summary line", () => {
    expect(formatGithub(report([]))).toBe("contract-scan: no problems in 7 files\n");
  });

  it("one ::error / ::warning command per finding, then a summary", () => {
    const out = formatGithub(
      report([
        finding(),
        finding({ ruleId: "production-safety/parse-error", severity: "warning", file: "lib/x.ts", line: 1, column: 1, endLine: 1, endColumn: 1, message: "too large" }),
      ]),
    );
    expect(out.split("\n")).toEqual([
      '::error file=scripts/a.ts,line=3,col=5,endLine=3,endColumn=25,title=production-safety/no-bypass-env::Environment variable "SKIP_CHECK" matches the bypass pattern "SKIP_*".',
      "::warning file=lib/x.ts,line=1,col=1,endLine=1,endColumn=1,title=production-safety/parse-error::too large",
      "contract-scan: 2 problems (1 error, 1 warning) in 7 files",
      "",
    ]);
  });

  // Choice: columns only for single-line findings (actions/toolkit: col/endColumn cannot be sent when line != endLine).
  it("a multi-line finding has line and endLine but no columns", () => {
    const out = formatGithub(report([finding({ line: 3, endLine: 6, endColumn: 2 })]));
    expect(out.split("\n")[0]).toBe(
      '::error file=scripts/a.ts,line=3,endLine=6,title=production-safety/no-bypass-env::Environment variable "SKIP_CHECK" matches the bypass pattern "SKIP_*".',
    );
  });

  it("escapes % \\r \\n in the message and also : , in properties", () => {
    expect(escapeData("100% a\r\nb: c, d")).toBe("100%25 a%0D%0Ab: c, d");
    expect(escapeProperty("a,b:c%\n")).toBe("a%2Cb%3Ac%25%0A");
    const out = formatGithub(report([finding({ file: "odd,name:x.ts", message: "line one\nline two 50%" })]), { pathPrefix: "apps/web/" });
    expect(out.split("\n")[0]).toBe(
      "::error file=apps/web/odd%2Cname%3Ax.ts,line=3,col=5,endLine=3,endColumn=25,title=production-safety/no-bypass-env::line one%0Aline two 50%25",
    );
  });

  it("over GitHub's per-step cap, a final ::notice says how many annotations are not shown", () => {
    const errors = Array.from({ length: ANNOTATIONS_PER_STEP + 3 }, (_, i) => finding({ line: i + 1, endLine: i + 1 }));
    const warnings = Array.from({ length: ANNOTATIONS_PER_STEP + 1 }, (_, i) => finding({ severity: "warning", file: "z.ts", line: i + 1, endLine: i + 1 }));
    const lines = formatGithub(report([...errors, ...warnings])).trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("::error ")).length).toBe(13);
    expect(lines.filter((l) => l.startsWith("::warning ")).length).toBe(11);
    expect(lines.at(-2)).toBe(
      "::notice title=contract-scan%3A annotations capped::3 errors and 1 warning not shown as annotations: GitHub shows at most 10 error and 10 warning annotations per step. Run contract-scan with --format text, markdown or sarif for the full list.",
    );
    expect(lines.at(-1)).toBe("contract-scan: 24 problems (13 errors, 11 warnings) in 7 files");
    // At the cap exactly: no notice.
    expect(formatGithub(report(errors.slice(0, ANNOTATIONS_PER_STEP)))).not.toContain("::notice");
  });
});
