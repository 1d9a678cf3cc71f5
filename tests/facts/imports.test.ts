/**
 * The import graph of one module: every import-like form with its kind, line and column, in source
 * order; `verbatimModuleSyntax` from the nearest tsconfig; CommonJS; a module that does not parse.
 */
import { describe, expect, it } from "vitest";
import { extractImports, parseModule } from "../../src/facts/module-analysis.js";
import { factsFor } from "./helpers.js";

describe("import kinds", () => {
  const { facts, at } = factsFor("imports");

  it("lists every form in source order with kind, line and column", () => {
    const edges = facts.imports(at("src/kinds.ts")).map(({ specifier, kind, line, column }) => [specifier, kind, line, column]);
    expect(edges).toEqual([
      ["./a", "static", 1, 1],
      ["./b", "static", 2, 1],
      ["./c", "static", 3, 1],
      ["./side-effect", "sideEffect", 4, 1],
      ["./types", "type", 5, 1],
      ["./types", "type", 6, 1],
      ["./mixed", "static", 7, 1],
      ["./d", "static", 8, 1],
      ["./types", "type", 9, 1],
      ["./e", "static", 10, 1],
      ["./f", "static", 11, 1],
      ["./g", "require", 12, 1],
      ["./h", "require", 13, 18],
      ["./i", "dynamic", 14, 20],
      ["./j", "dynamic", 15, 24],
      ["./types", "type", 16, 24],
      ["./k", "require", 19, 10],
    ]);
  });

  it("resolves each edge, type imports included (their modules are in the repository too)", () => {
    const edges = facts.imports(at("src/kinds.ts"));
    expect(edges.find((e) => e.specifier === "./k")?.resolved).toBe(at("src/k.ts"));
    expect(edges.find((e) => e.kind === "type")?.resolved).toBe(at("src/types.ts"));
  });

  it("counts `import { type A }` as loading its module under verbatimModuleSyntax (nearest tsconfig)", () => {
    expect(facts.imports(at("src/verbatim/uses.ts")).map((e) => e.kind)).toEqual(["sideEffect", "type"]);
  });

  it("reads CommonJS requires", () => {
    expect(facts.imports(at("src/common.cjs")).map((e) => [e.specifier, e.kind, e.resolved])).toEqual([
      ["./b", "require", at("src/b.ts")],
      ["node:path", "require", undefined],
    ]);
  });

  it("gives no imports and a problem with its position for a module that does not parse", () => {
    expect(facts.imports(at("src/broken.ts"))).toEqual([]);
    const problem = facts.problem(at("src/broken.ts"));
    expect(problem).toMatchObject({ file: at("src/broken.ts"), line: 3 });
    expect(problem?.message).toMatch(/expression expected/i);
    expect(facts.problem(at("src/kinds.ts"))).toBeUndefined();
  });

  it("gives no imports for files that are not repository modules or do not exist", () => {
    expect(facts.imports(at("README.md"))).toEqual([]);
    expect(facts.imports(at("src/missing.ts"))).toEqual([]);
    expect(facts.problem(at("src/missing.ts"))?.message).toMatch(/cannot read/);
  });
});

describe("extractImports on parsed text", () => {
  it("ignores require of a non-literal, require with two arguments and a member `x.require`", () => {
    const ast = parseModule('const a = require(name);\nconst b = require("x", 1);\nconst c = module.require("y");\nconst d = require("z");', "/virtual/a.js");
    expect(extractImports(ast, { verbatimModuleSyntax: false })).toEqual([{ specifier: "z", kind: "require", line: 4, column: 11 }]);
  });

  it("parses JSX in .tsx and .jsx files and positions columns in UTF-16 units", () => {
    const ast = parseModule('const é = <div />;\nconst x = 1; import("y");', "/virtual/a.tsx");
    expect(extractImports(ast, { verbatimModuleSyntax: false })).toEqual([{ specifier: "y", kind: "dynamic", line: 2, column: 14 }]);
    expect(() => parseModule("const a = <div />;", "/virtual/a.jsx")).not.toThrow();
  });

  it("counts an import of only type specifiers, and `export type *`, as type", () => {
    const ast = parseModule('import { type A } from "a";\nexport { type B } from "b";\nexport type * from "c";\nimport {} from "d";', "/virtual/a.ts");
    expect(extractImports(ast, { verbatimModuleSyntax: false }).map((e) => e.kind)).toEqual(["type", "type", "type", "sideEffect"]);
  });
});
