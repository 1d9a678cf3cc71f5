/**
 * Docs that cannot drift (in the manner of typescript-eslint's docs.test.ts): every rule has a page and
 * every page a rule, the page's generated header (eslint-doc-generator, `npm run docs`) carries the title
 * and description of `meta`, `meta.docs.url` points at the page, and every code block parses. The
 * README's scanner-only table lists exactly the checks of src/checks/index.ts. `npm run docs:check` (in
 * .ci/run) checks the headers and the README rules table byte for byte; this test says which rule is off.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
import { SCANNER_ONLY_CHECKS } from "../src/checks/index.js";
import plugin from "../src/index.js";
import { rules } from "../src/rules.js";

const docsDir = path.resolve("docs/rules");
const pages = readdirSync(docsDir).filter((f) => f.endsWith(".md"));

describe("rule docs", () => {
  it("every rule has a page and every page a rule", () => {
    expect(pages.map((p) => p.replace(/\.md$/, "")).sort()).toEqual(Object.keys(rules).sort());
  });

  it("every rule file in rules/ is registered under its own name", () => {
    const files = readdirSync(path.resolve("rules")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
    expect(files.sort()).toEqual(Object.keys(rules).sort());
  });

  for (const [name, rule] of Object.entries(rules)) {
    describe(name, () => {
      const text = readFileSync(path.join(docsDir, `${name}.md`), "utf8");

      it("title and description match meta (the header eslint-doc-generator writes)", () => {
        const description = rule.meta.docs?.description ?? "";
        const [title, , summary] = text.split("\n");
        expect(title).toBe(`# production-safety/${name}`);
        expect(summary).toBe(`📝 ${description}${description.endsWith(".") ? "" : "."}`);
        expect(text).toContain("💼 This rule is enabled in the ✅ `recommended` config.\n");
        expect(text).toContain("\n<!-- end auto-generated rule header -->\n");
      });

      it("meta.docs.url points at the page", () => {
        expect(rule.meta.docs?.url).toMatch(new RegExp(`/docs/rules/${name}\\.md$`));
      });

      it("has the sections a reader expects", () => {
        for (const heading of ["## Why", "## What it reports", "## Examples", "### Fail", "### Pass", "## Options", "## When not to use it"]) {
          expect(text).toContain(`\n${heading}\n`);
        }
      });

      it("every code block parses", () => {
        const blocks = [...text.matchAll(/```(ts|js|tsx)\n([\s\S]*?)```/g)];
        expect(blocks.length).toBeGreaterThan(0);
        for (const [, lang, code] of blocks) {
          expect(() => parse(code ?? "", { sourceType: "module", ecmaFeatures: { jsx: lang === "tsx" } }), code).not.toThrow();
        }
      });
    });
  }
});

describe("README", () => {
  const readme = readFileSync(path.resolve("README.md"), "utf8");

  it("the generated rules table lists every ESLint rule, linked to its page", () => {
    const list = readme.slice(readme.indexOf("<!-- begin auto-generated rules list -->"), readme.indexOf("<!-- end auto-generated rules list -->"));
    const linked = [...list.matchAll(/^\| \[([a-z-]+)\]\(docs\/rules\/([a-z-]+)\.md\)/gm)].map(([, name, page]) => {
      expect(page).toBe(name);
      return name;
    });
    expect(linked.sort()).toEqual(Object.keys(rules).sort());
  });

  it("the scanner-only table lists exactly the checks of src/checks/index.ts", () => {
    const begin = readme.indexOf("<!-- begin scanner-only checks");
    const table = readme.slice(begin, readme.indexOf("<!-- end scanner-only checks -->"));
    expect(begin).toBeGreaterThan(0);
    const rows = [...table.matchAll(/^\| `([a-z-]+)` \| (.*) \| (.*) \|$/gm)].map(([, name, description, severity]) => ({ name, description, severity }));
    expect(rows).toEqual(SCANNER_ONLY_CHECKS.map(({ name, description, severity }) => ({ name, description, severity })));
  });
});

describe("scanner-only checks (SPEC §6.12)", () => {
  it("are not ESLint rules, and recommended does not set them", () => {
    const recommended = Object.keys(plugin.configs.recommended.rules ?? {});
    for (const check of SCANNER_ONLY_CHECKS) {
      expect(Object.keys(rules)).not.toContain(check.name);
      expect(recommended).not.toContain(`production-safety/${check.name}`);
    }
  });

  it("every check in src/checks/ is listed (parse-error is the scanner's own)", () => {
    const files = readdirSync(path.resolve("src/checks")).filter((f) => f.endsWith(".ts") && f !== "index.ts").map((f) => f.replace(/\.ts$/, ""));
    expect([...files, "parse-error"].sort()).toEqual(SCANNER_ONLY_CHECKS.map((c) => c.name).sort());
  });
});

describe("docs a user reads stand alone", () => {
  // The project's design is in docs/design.md; users have no internal specification to look things up in.
  const userFacing = [
    "README.md",
    "schema/production-contract.schema.json",
    ...readdirSync(path.resolve("docs"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f)),
  ];

  it.each(userFacing)("%s cites no internal spec section", (file) => {
    expect(readFileSync(path.resolve(file), "utf8")).not.toMatch(/\bSPEC\b|§/);
  });

  it("no rule message cites one, and no message points at an unnamed 'this' to move", () => {
    for (const [name, rule] of Object.entries(rules)) {
      for (const [id, message] of Object.entries(rule.meta.messages as Record<string, string>)) {
        expect(message, `${name}.${id}`).not.toMatch(/\bSPEC\b|§/);
        expect(message, `${name}.${id}`).not.toMatch(/\bMove this\b|\bRemove this one\b/);
      }
    }
  });

  it("every link from a rule page into docs/design.md names an anchor that exists there", () => {
    const design = readFileSync(path.resolve("docs/design.md"), "utf8");
    const anchors = new Set([...design.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const heading of design.matchAll(/^#+ (.+)$/gm)) anchors.add(heading[1]!.toLowerCase().replace(/[^\w\s-]/g, "").replace(/\s+/g, "-"));
    for (const page of [...pages.map((p) => path.join(docsDir, p)), path.resolve("README.md")]) {
      for (const link of readFileSync(page, "utf8").matchAll(/design\.md#([\w-]+)/g)) expect(anchors, `${path.basename(page)}: #${link[1]}`).toContain(link[1]);
    }
  });
});
