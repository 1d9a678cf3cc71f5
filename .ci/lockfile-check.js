// Fails when package-lock.json records a dependency that a registry publish can invalidate, so that
// `npm ci` on a fresh clone keeps working (`npm ci` refuses a lockfile whose locked version no longer
// satisfies a recorded spec: a dist-tag such as "latest" moves with every publish).
//
// Checked: every `dependencies` / `optionalDependencies` spec of every lockfile entry (the entries
// `npm ci` validates; peer and engine ranges are not installed from the lockfile). Reported:
// - a dist-tag anywhere ("latest", "next", "beta", ...: any spec that is not a version range, an
//   `npm:` alias, a URL, a git or a file/link spec);
// - in this package's own package.json (the root entry) also the match-everything ranges "*", "x" and
//   "" (what we publish must not ask for "whatever is newest").
// A third-party `"*"` (e.g. `@types/chai` -> `"@types/deep-eql": "*"`) is satisfied by every published
// version, so no publish can invalidate the locked one; it is allowed there.
//
// Usage: node .ci/lockfile-check.js [package-lock.json]   exit 0 clean, 1 with one line per problem.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const RANGE = /^\s*(?:[~^<>=]*\s*v?\d|\d)/;
const OTHER_SOURCES = /^(?:npm:|file:|link:|git(?:\+[a-z]+)?:|https?:|github:|workspace:)|^[\w.-]+\/[\w.-]+(?:#.*)?$/;
const MATCH_ALL = new Set(["*", "x", "X", ""]);

/**
 * Problems in a parsed package-lock.json (lockfileVersion 2 or 3: the `packages` map).
 * @param {{ packages?: Record<string, { dependencies?: Record<string, string>, optionalDependencies?: Record<string, string> }> }} lock
 * @returns {string[]} one line per problem: `<entry> -> <dependency>@<spec>: <why>`.
 */
export function lockfileProblems(lock) {
  const problems = [];
  for (const [entry, pkg] of Object.entries(lock.packages ?? {})) {
    for (const field of ["dependencies", "optionalDependencies", ...(entry === "" ? ["devDependencies", "peerDependencies"] : [])]) {
      for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
        const where = `${entry === "" ? "(root package.json)" : entry} -> ${name}@${JSON.stringify(spec)}`;
        if (MATCH_ALL.has(spec.trim())) {
          if (entry === "") problems.push(`${where}: matches every version; pin a range`);
        } else if (spec.split("||").some((part) => !RANGE.test(part) && !MATCH_ALL.has(part.trim())) && !OTHER_SOURCES.test(spec)) {
          problems.push(`${where}: a dist-tag, which moves when the registry publishes; \`npm ci\` then refuses the lockfile (pin it through "overrides" or drop the dependency)`);
        }
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? "package-lock.json";
  const problems = lockfileProblems(JSON.parse(readFileSync(file, "utf8")));
  for (const p of problems) console.error(`lockfile-check: ${p}`);
  if (problems.length > 0) process.exitCode = 1;
  else console.log(`lockfile-check: ${file}: no dependency on a dist-tag`);
}
