/**
 * The zone classifier (docs/design.md, Zones): every file has exactly one zone, decided in the order
 * ignore > tests > migrations > scripts > application code. Every rule and the scanner ask this one
 * function; nothing else matches the contract's globs.
 */
import picomatch from "picomatch";
import type { Contract } from "./contract.js";

/** The zone of a file; `app` is application code (none of the contract's globs). */
export type Zone = "ignore" | "tests" | "migrations" | "scripts" | "app";

type Matcher = (repoPath: string) => boolean;

interface ZoneMatchers {
  ignore: Matcher;
  tests: Matcher;
  migrations: Matcher;
  scripts: Matcher;
}

const cache = new WeakMap<Contract, ZoneMatchers>();

function compile(globs: string[]): Matcher {
  if (globs.length === 0) return () => false;
  return picomatch(globs, { dot: true });
}

function matchersFor(contract: Contract): ZoneMatchers {
  let matchers = cache.get(contract);
  if (!matchers) {
    matchers = {
      ignore: compile(contract.ignore),
      tests: compile(contract.tests),
      migrations: compile(contract.migrations),
      scripts: compile(contract.scripts),
    };
    cache.set(contract, matchers);
  }
  return matchers;
}

/** Whether a path from `toRepoPath(root, file)` lies outside `root`: `..`, `../x`, or absolute (another drive on Windows). */
export function isOutsideRoot(repoPath: string): boolean {
  return repoPath === ".." || repoPath.startsWith("../") || repoPath.startsWith("/") || /^[A-Za-z]:\//.test(repoPath);
}

/**
 * The zone of a repository-relative POSIX path (e.g. `scripts/sync.ts`).
 * A path outside the repository (`../x`, or absolute) is application code: the contract's globs
 * describe only the repository's own files.
 */
export function classifyZone(repoPath: string, contract: Contract): Zone {
  if (isOutsideRoot(repoPath)) return "app";
  const m = matchersFor(contract);
  if (m.ignore(repoPath)) return "ignore";
  if (m.tests(repoPath)) return "tests";
  if (m.migrations(repoPath)) return "migrations";
  if (m.scripts(repoPath)) return "scripts";
  return "app";
}

/**
 * True when one of the contract's `scripts` globs matches a repository path, whatever its zone (a test
 * file there included): the script zones' globs alone, as one compiled matcher.
 */
export function inScriptZoneGlobs(repoPath: string, contract: Contract): boolean {
  return !isOutsideRoot(repoPath) && matchersFor(contract).scripts(repoPath);
}

const dataLayerCache = new WeakMap<Contract, Matcher[]>();

/**
 * The index of the first of the contract's `dataLayer` globs that matches a repository path, or -1. Zones
 * come first: a data layer is application code (`dataLayerConflict` of src/roles.ts says when a listed
 * file is not).
 */
export function dataLayerIndexOf(repoPath: string, contract: Contract): number {
  if (contract.dataLayer.length === 0 || isOutsideRoot(repoPath)) return -1;
  let matchers = dataLayerCache.get(contract);
  if (!matchers) {
    matchers = contract.dataLayer.map((glob) => picomatch(glob, { dot: true }));
    dataLayerCache.set(contract, matchers);
  }
  return matchers.findIndex((matches) => matches(repoPath));
}

/**
 * The first of the contract's `scripts` globs that matches a repository path (what puts it in a script
 * zone, for messages), or undefined when none does.
 */
export function scriptGlobOf(repoPath: string, contract: Contract): string | undefined {
  return contract.scripts.find((glob) => picomatch.isMatch(repoPath, glob, { dot: true }));
}
