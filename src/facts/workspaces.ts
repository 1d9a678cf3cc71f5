/**
 * Workspace packages of a monorepo: the `workspaces` of the root `package.json` (an array, or
 * `{ packages: [...] }` as Yarn classic writes it) and the `packages:` of `pnpm-workspace.yaml`, each glob
 * naming package folders. A package is a folder with a `package.json` that has a `name`. The scanned
 * repository has no node_modules installed, so these names are how `@dub/prisma` finds
 * `packages/prisma` (see `module-resolution.ts`).
 */
import { globProblem } from "../globs.js";
import path from "node:path";
import type * as Globby from "globby";
import type * as Yaml from "yaml";
import { lazyRequire } from "../lazy-require.js";
import { readJsonFile, readSourceText, yamlNestingProblem } from "../source-text.js";

// The YAML parser and the glob library load when the first workspace manifest is read.
const yaml = lazyRequire<typeof Yaml>("yaml");
const globby = lazyRequire<typeof Globby>("globby");

/** The workspace packages of a repository. */
export interface Workspaces {
  /** True when the root declares workspaces (package.json `workspaces` or `pnpm-workspace.yaml`). */
  monorepo: boolean;
  /** Package name -> absolute package folder, for every package found (the root package excluded). */
  packages: Map<string, string>;
  /** Absolute `package.json` paths of the packages, sorted. */
  manifests: string[];
}

/**
 * A manifest's data, or undefined when it cannot be read or is not JSON: that file's own `parse-error`
 * finding reports it (every `package.json` is a scanned source).
 */
function readJson(file: string): unknown {
  const read = readJsonFile(file);
  return "value" in read ? read.value : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The workspace globs the root declares, in file order (package.json first, then pnpm-workspace.yaml). */
function workspaceGlobs(root: string): string[] | undefined {
  let globs: string[] | undefined;
  const manifest = readJson(path.join(root, "package.json"));
  if (manifest !== null && typeof manifest === "object") {
    const workspaces = (manifest as Record<string, unknown>).workspaces;
    if (Array.isArray(workspaces)) globs = stringsOf(workspaces);
    else if (workspaces !== null && typeof workspaces === "object") globs = stringsOf((workspaces as Record<string, unknown>).packages);
  }
  // Through the bounded reader (a FIFO or /dev/zero is refused), its nesting checked before yaml's
  // recursive composer sees it. A refused or missing file counts as absent: discovery reports a refused
  // one at its path (src/discover.ts).
  const read = readSourceText(path.join(root, "pnpm-workspace.yaml"));
  const yamlText = "text" in read && yamlNestingProblem(read.text) === undefined ? read.text : undefined;
  if (yamlText !== undefined) {
    const parseYaml = yaml().parse;
    let parsed: unknown;
    try {
      parsed = parseYaml(yamlText);
    } catch {
      parsed = undefined;
    }
    const packages = parsed !== null && typeof parsed === "object" ? stringsOf((parsed as Record<string, unknown>).packages) : [];
    globs = [...(globs ?? []), ...packages];
  }
  return globs;
}

/**
 * Finds the workspace packages of the repository at `root`. Never throws: an unreadable or malformed
 * manifest counts as no workspaces; a package folder whose `package.json` has no `name` is skipped;
 * when two folders use one name, the first (sorted) wins.
 * @param root absolute repository root.
 */
export function readWorkspaces(root: string): Workspaces {
  const globs = workspaceGlobs(root);
  const packages = new Map<string, string>();
  if (globs === undefined || globs.length === 0) return { monorepo: globs !== undefined, packages, manifests: [] };
  // A glob that would expand without bound (`{a,b}` 30 times) or cannot be compiled is not walked.
  const patterns = globs.filter((glob) => globProblem(glob) === undefined).map((glob) => {
    const negated = glob.startsWith("!");
    const body = (negated ? glob.slice(1) : glob).replace(/^\.\//, "").replace(/\/+$/, "");
    return `${negated ? "!" : ""}${body === "" ? "" : `${body}/`}package.json`;
  });
  const { globbySync } = globby();
  let manifests: string[];
  try {
    manifests = globbySync(patterns, { cwd: root, ignore: ["**/node_modules/**"], followSymbolicLinks: false, onlyFiles: true, absolute: false }).sort();
  } catch {
    manifests = [];
  }
  const absolute: string[] = [];
  for (const relative of manifests) {
    if (relative === "package.json") continue;
    const file = path.resolve(root, relative);
    const name = (readJson(file) as Record<string, unknown> | undefined)?.name;
    if (typeof name !== "string" || name === "" || packages.has(name)) continue;
    packages.set(name, path.dirname(file));
    absolute.push(file);
  }
  return { monorepo: true, packages, manifests: absolute };
}
