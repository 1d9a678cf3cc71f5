/**
 * Facts about this package itself: where it is installed and what its package.json says.
 * The same code runs from `src/` (tests) and from `dist/src/` (the built package), so the root is
 * found by walking up from this module to the first `package.json`, never by a fixed relative path.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("eslint-plugin-production-safety: package.json not found above " + import.meta.url);
    dir = parent;
  }
}

/** Absolute path of the directory holding this package's package.json. */
export const packageRoot: string = findPackageRoot();

const pkg = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { name: string; version: string };

/** `name` from package.json: "eslint-plugin-production-safety". */
export const packageName: string = pkg.name;
/** `version` from package.json (semver string). */
export const packageVersion: string = pkg.version;

/** The plugin's namespace in rule ids: `production-safety/<rule>`. */
export const PLUGIN_NAMESPACE = "production-safety";

/** Base of the documentation URLs: `${docsBaseUrl}/<rule>.md`. */
export const docsBaseUrl = "https://github.com/production-safety/eslint-plugin-production-safety/blob/main/docs/rules";

/** Absolute path of a file shipped in the package, e.g. `packageFile("schema/production-contract.schema.json")`. */
export function packageFile(relative: string): string {
  return path.join(packageRoot, relative);
}

/** The project's home page (SARIF `tool.driver.informationUri`, links in reports). */
export const repositoryUrl = "https://github.com/production-safety/eslint-plugin-production-safety";
