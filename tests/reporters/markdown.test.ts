// The markdown reporter: summary, per-rule counts, per-file tables, cell escaping, the length cut.
import { describe, expect, it } from "vitest";
import formatMarkdown, { escapeCell, GITHUB_COMMENT_LIMIT } from "../../src/reporters/markdown.js";
import { rules } from "../../src/rules.js";
import { finding, report } from "./report-fixtures.js";

describe("markdown reporter", () => {
  it("an empty report is one summary line", () => {
    expect(formatMarkdown(report([]))).toBe("### contract-scan: ✅ no problems in 7 files\n\nScanned in 12 ms.\n");
  });

  it("summary, counts per rule linked to the docs, a table per file", () => {
    const out = formatMarkdown(
      report([
        finding(),
        finding({ line: 9, endLine: 9 }),
        finding({ ruleId: "production-safety/require-ci-guard", file: "scripts/b.ts", severity: "warning", message: "no guard" }),
      ]),
      { fileLinkBase: "https://github.com/o/r/blob/abc/" },
    );
    const url = rules["no-bypass-env"]!.meta.docs!.url!;
    expect(out).toContain("### contract-scan: ❌ 3 problems (2 errors, 1 warning) in 7 files\n");
    expect(out).toContain(`| [production-safety/no-bypass-env](${url}) | 2 | 0 |`);
    expect(out).toContain(`| [production-safety/require-ci-guard](${rules["require-ci-guard"]!.meta.docs!.url!}) | 0 | 1 |`);
    expect(out).toContain("#### scripts/a.ts\n\n| location | severity | rule | message |\n| --- | --- | --- | --- |\n");
    expect(out).toContain(`| [3:5](https://github.com/o/r/blob/abc/scripts/a.ts#L3) | error | [no-bypass-env](${url}) |`);
    expect(out).toContain("#### scripts/b.ts");
    expect(out.indexOf("scripts/a.ts")).toBeLessThan(out.indexOf("scripts/b.ts"));
    expect(out.endsWith("Scanned in 12 ms.\n")).toBe(true);
  });

  it("without a link base, locations are plain text", () => {
    expect(formatMarkdown(report([finding()]))).toContain("| 3:5 | error |");
  });

  it("escapes pipes, backticks, brackets, HTML and newlines in cells", () => {
    expect(escapeCell("a | b `c` [d](e) <img> *f* _g_ \\ \nh")).toBe("a \\| b \\`c\\` \\[d\\](e) \\<img\\> \\*f\\* \\_g\\_ \\\\  h");
    const out = formatMarkdown(report([finding({ message: "x | y `z`\nnext" })]));
    expect(out).toContain("| x \\| y \\`z\\` next |");
  });

  it("cuts a long report at the limit, whole rows, and says what was left out", () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      finding({ file: `scripts/f${String(Math.floor(i / 10)).padStart(3, "0")}.ts`, line: (i % 10) + 1, endLine: (i % 10) + 1 }),
    );
    const out = formatMarkdown(report(many));
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const rows = out.split("\n").filter((l) => /^\| \d+:\d+ \|/.test(l)).length;
    expect(rows).toBeGreaterThan(100);
    expect(rows).toBeLessThan(2000);
    const shownFiles = new Set(out.split("\n").filter((l) => l.startsWith("#### ")).map((l) => l.slice(5))).size;
    const lastShownFileComplete = rows % 10 === 0;
    const filesLeft = 200 - shownFiles + (lastShownFileComplete ? 0 : 1);
    expect(out.trimEnd().split("\n").at(-1)).toBe(
      `**${2000 - rows} more findings in ${filesLeft} files not shown**: the summary was cut at 65,536 characters. Run \`contract-scan --format text\` for the full list.`,
    );
    // The per-rule counts still cover every finding.
    expect(out).toContain("| 2000 | 0 |");
    const small = formatMarkdown(report(many.slice(0, 30)), { maxLength: 2000 });
    expect(small.length).toBeLessThanOrEqual(2000);
    expect(small).toMatch(/more findings? in \d+ files? not shown\*\*: the summary was cut at 2,000 characters/);
  });

  it("says what a baseline accepted and how many of its entries are stale", () => {
    const withBaseline = { ...report([]), baseline: { file: "contract-scan-baseline.json", suppressed: 4, stale: 2, staleEntries: [] } };
    expect(formatMarkdown(withBaseline)).toBe(
      "### contract-scan: ✅ no problems in 7 files\n\n4 findings accepted by the baseline contract-scan-baseline.json; 2 stale baseline entries (run `contract-scan --update-baseline` to shrink it).\n\nScanned in 12 ms.\n",
    );
    const fresh = { ...report([finding()]), baseline: { file: "b.json", suppressed: 1, stale: 0, staleEntries: [] } };
    expect(formatMarkdown(fresh)).toContain("\n\n1 finding accepted by the baseline b.json.\n\n| rule |");
  });
});
