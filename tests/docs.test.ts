/**
 * Docs that cannot drift (in the manner of typescript-eslint's docs.test.ts): every rule has a page and
 * every page a rule, the page's title and description match `meta`, `meta.docs.url` points at the page,
 * and every code block parses.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
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

      it("title and description match meta", () => {
        const [title, , quote] = text.split("\n");
        expect(title).toBe(`# production-safety/${name}`);
        expect(quote).toBe(`> ${rule.meta.docs?.description}`);
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
