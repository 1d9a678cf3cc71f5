/**
 * The Python parser stays out of the ESLint plugin (issue 15 item 1): web-tree-sitter and the grammar
 * load on the first Python file a scan meets, through `import()`, so ESLint (which imports the plugin in
 * every worker) never loads them and no top-level `await` of theirs enters the plugin's import graph.
 * Read from the source: the static imports reachable from the plugin's entry.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The repository files statically imported from `entry` (relative `import`/`export ... from`, not `import()`), transitively. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gm)) {
      const specifier = match[1] ?? match[2] ?? "";
      if (/^import\s+type\b/.test(match[0]) || /^export\s+type\b/.test(match[0])) continue;
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("the Python parser loads lazily", () => {
  it("is not in the plugin's static import graph (src/index.ts)", () => {
    const { files, packages } = staticGraph(path.join(ROOT, "src/index.ts"));
    expect(files.size).toBeGreaterThan(20);
    expect([...files].filter((f) => f.includes(`${path.sep}python${path.sep}`))).toEqual([]);
    expect([...packages].filter((p) => p.includes("tree-sitter"))).toEqual([]);
  });

  it("is not in the scan's static import graph either: a JavaScript-only scan never loads it", () => {
    // src/scan-command.ts is what the CLI imports when a scan starts.
    const { files, packages } = staticGraph(path.join(ROOT, "src/scan-command.ts"));
    expect([...files].some((f) => f.endsWith(`${path.sep}scanner.ts`))).toBe(true);
    expect([...files].filter((f) => f.includes(`${path.sep}python${path.sep}`))).toEqual([]);
    expect([...packages].filter((p) => p.includes("tree-sitter"))).toEqual([]);
  });

  it("and the Python parser module itself has no top-level await", () => {
    const parser = readFileSync(path.join(ROOT, "src/sources/python/parser.ts"), "utf8");
    expect(parser).not.toMatch(/^await\s/m);
    expect(parser).toMatch(/await import\("web-tree-sitter"\)/);
  });
});
