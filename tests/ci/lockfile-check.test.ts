/**
 * `.ci/lockfile-check.js`: the CI step that keeps `npm ci` working on a fresh clone. It failed for real
 * once: `@microsoft/eslint-formatter-sarif` asks for `jschardet: "latest"`, and `npm ci` refused the
 * lockfile (`jschardet@4.0.0 does not satisfy jschardet@4.1.0`) the day jschardet published.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module of the CI folder, without type declarations.
import { lockfileProblems } from "../../.ci/lockfile-check.js";

const check = lockfileProblems as (lock: unknown) => string[];
const entry = (dependencies: Record<string, string>, field = "dependencies") => ({ packages: { "node_modules/a": { [field]: dependencies } } });

describe("lockfile-check", () => {
  it("passes this project's own package-lock.json", () => {
    expect(check(JSON.parse(readFileSync(path.join(import.meta.dirname, "../../package-lock.json"), "utf8")))).toEqual([]);
  });

  it.each(["latest", "next", "beta", "canary"])("reports a dependency on the dist-tag %s, in dependencies and optionalDependencies", (tag) => {
    expect(check(entry({ jschardet: tag }))).toEqual([expect.stringMatching(/^node_modules\/a -> jschardet@"[a-z]+": a dist-tag/)]);
    expect(check(entry({ jschardet: tag }, "optionalDependencies"))).toHaveLength(1);
  });

  it("reports the jschardet entry of the lockfile that broke npm ci", () => {
    const lock = { packages: { "node_modules/@microsoft/eslint-formatter-sarif": { dependencies: { eslint: "^8.9.0", jschardet: "latest", lodash: "^4.17.14" } } } };
    expect(check(lock)).toEqual([expect.stringContaining('node_modules/@microsoft/eslint-formatter-sarif -> jschardet@"latest"')]);
  });

  it.each(["^1.2.3", "~1.2", "1.x", ">=2.1.2 <3", "^1.0.0 || ^2.0.0", "1.2.3 - 2.0.0", "npm:react-is@^18.3.1", "file:../x", "git+https://github.com/a/b.git", "github:a/b", "a/b#v1"])(
    "accepts the version range or source %s",
    (spec) => {
      expect(check(entry({ x: spec }))).toEqual([]);
    },
  );

  it("reports '*', 'x' and '' in the project's own package.json, and a tag inside a range union", () => {
    const lock = { packages: { "": { dependencies: { a: "*" }, devDependencies: { b: "x", c: "" }, peerDependencies: { d: "^1 || latest" } } } };
    expect(check(lock)).toHaveLength(4);
  });

  it("Choice: accepts a third-party '*' (every published version satisfies it, so no publish can invalidate the locked one)", () => {
    expect(check(entry({ "@types/deep-eql": "*" }))).toEqual([]);
  });

  it("ignores peer and engine ranges of third-party entries (npm ci does not install from them)", () => {
    expect(check({ packages: { "node_modules/v": { peerDependencies: { jsdom: "*" }, engines: { node: "*" } } } })).toEqual([]);
  });
});
