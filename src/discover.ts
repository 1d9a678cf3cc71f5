/**
 * Which files of a repository are scanned (SPEC §4): JavaScript/TypeScript and SQL, honouring
 * `.gitignore` (globby), skipping dependencies, build output, type declarations and the contract's
 * `ignore` zone. A leaf module: it imports nothing from the plugin, so the scanner, the repository facts
 * and the rules can all use it without an import cycle.
 */
import path from "node:path";
import { globby } from "globby";
import type { Contract } from "./contract.js";
import { classifyZone } from "./zones.js";

/** The JavaScript and TypeScript files the rules apply to (flat-config `files` globs). */
export const SOURCE_FILE_GLOBS = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"];

/** SQL files (checked by `no-destructive-sql` in `contract-scan`). */
export const SQL_FILE_GLOB = "**/*.sql";

/** Directories that are build output or dependencies, never scanned (in addition to `.gitignore`). */
export const ALWAYS_IGNORED = [
  "**/node_modules/**",
  "**/.git/**",
  "**/dist/**",
  "**/build/**",
  "**/out/**",
  "**/coverage/**",
  "**/.next/**",
  "**/.nuxt/**",
  "**/.output/**",
  "**/.svelte-kit/**",
  "**/.turbo/**",
  "**/.vercel/**",
  "**/.cache/**",
  // Yarn Berry's committed package manager, plugins, SDKs and Plug'n'Play loader: dependencies, not code.
  "**/.yarn/**",
  "**/.pnp.cjs",
  "**/.pnp.loader.mjs",
  "**/*.d.ts",
  "**/*.d.mts",
  "**/*.d.cts",
];

/**
 * The repository's files to scan.
 * @param root absolute repository root.
 * @returns absolute paths, sorted by their repository-relative path.
 */
export async function discoverFiles(root: string, contract: Contract): Promise<string[]> {
  const files = await globby([...SOURCE_FILE_GLOBS, SQL_FILE_GLOB], {
    cwd: root,
    gitignore: true,
    dot: true,
    ignore: ALWAYS_IGNORED,
    followSymbolicLinks: false,
    onlyFiles: true,
  });
  return files
    .filter((relative) => classifyZone(relative, contract) !== "ignore")
    .sort()
    .map((relative) => path.join(root, relative));
}
