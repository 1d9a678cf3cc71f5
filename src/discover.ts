/**
 * Which files of a repository are scanned (SPEC §4): JavaScript/TypeScript, SQL, Python and the other
 * non-JavaScript sources, honouring
 * `.gitignore` (globby), skipping dependencies, build output, type declarations and the contract's
 * `ignore` zone. A leaf module: it imports nothing from the plugin, so the scanner, the repository facts
 * and the rules can all use it without an import cycle.
 */
import fs from "node:fs";
import path from "node:path";
import { closeSync, openSync, readSync } from "node:fs";
import { globby } from "globby";
import type { Contract } from "./contract.js";
import { classifyZone } from "./zones.js";

/** The JavaScript and TypeScript files the rules apply to (flat-config `files` globs). */
export const SOURCE_FILE_GLOBS = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"];

/** SQL files (checked by `no-destructive-sql` in `contract-scan`). */
export const SQL_FILE_GLOB = "**/*.sql";

/** Python files (read by src/sources/python/, issue 15). */
export const PYTHON_FILE_GLOB = "**/*.py";

/** The non-JavaScript sources the scanner reads (src/sources/): their kind by repository path. */
export type NonJsSourceKind = "package-json" | "workflow" | "shell" | "dockerfile";

/** Globs of the non-JavaScript sources (shell scripts without an extension are found by their shebang, in script zones). */
export const NON_JS_SOURCE_GLOBS = [
  "**/package.json",
  ".github/workflows/*.yml",
  ".github/workflows/*.yaml",
  "**/*.sh",
  "**/*.bash",
  "**/Dockerfile",
  "**/Dockerfile.*",
  "**/*.Dockerfile",
  "**/*.dockerfile",
];

/**
 * The kind of a non-JavaScript source, or undefined for other files (JavaScript, SQL). A file without
 * an extension is "shell" here only when `shebang` says it starts with a shell shebang.
 */
export function nonJsSourceKind(repoPath: string, shebang = false): NonJsSourceKind | undefined {
  const base = repoPath.slice(repoPath.lastIndexOf("/") + 1);
  if (base === "package.json") return "package-json";
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(repoPath)) return "workflow";
  if (/\.(sh|bash)$/.test(base)) return "shell";
  if (base === "Dockerfile" || base.startsWith("Dockerfile.") || /\.dockerfile$/i.test(base)) return "dockerfile";
  if (shebang && !base.includes(".")) return "shell";
  return undefined;
}

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
 * @param onUnreadableDirectory called once per directory (repository-relative, outside the `ignore`
 *   zone) that could not be listed (EACCES, EPERM); its files are not in the result.
 * @returns absolute paths, sorted by their repository-relative path.
 */
export async function discoverFiles(root: string, contract: Contract, onUnreadableDirectory?: (relative: string, error: NodeJS.ErrnoException) => void): Promise<string[]> {
  const unreadable = new Map<string, NodeJS.ErrnoException>();
  // A directory that cannot be listed (EACCES, EPERM) would make the walk throw and the scan crash:
  // it is recorded and walked as empty, and the caller reports it (SPEC §4: never a crash, never a skip).
  const readdir = (dir: string, options: unknown, callback: (error: NodeJS.ErrnoException | null, entries?: unknown) => void): void => {
    (fs.readdir as unknown as (d: string, o: unknown, c: (e: NodeJS.ErrnoException | null, x?: unknown) => void) => void)(dir, options, (error, entries) => {
      if (error !== null && (error.code === "EACCES" || error.code === "EPERM")) {
        unreadable.set(dir, error);
        callback(null, []);
      } else callback(error, entries);
    });
  };
  const options = { cwd: root, gitignore: true, dot: true, ignore: ALWAYS_IGNORED, followSymbolicLinks: false, onlyFiles: true, fs: { ...fs, readdir } as unknown as typeof fs };
  const files = await globby([...SOURCE_FILE_GLOBS, SQL_FILE_GLOB, PYTHON_FILE_GLOB, ...NON_JS_SOURCE_GLOBS], options);
  // Extension-less files in script zones that start with a shell or Python shebang are shell or Python scripts.
  const extensionless = (await globby(contract.scripts, options)).filter((f) => !path.posix.basename(f).includes("."));
  for (const candidate of extensionless) if (!files.includes(candidate) && startsWithScriptShebang(path.join(root, candidate))) files.push(candidate);
  for (const [dir, error] of unreadable) {
    const relative = path.relative(root, dir).split(path.sep).join("/");
    if (classifyZone(relative, contract) !== "ignore") onUnreadableDirectory?.(relative, error);
  }
  return files
    .filter((relative) => classifyZone(relative, contract) !== "ignore")
    .sort()
    .map((relative) => path.join(root, relative));
}

/** Shell programs named by a shebang (`#!/bin/sh`, `#!/usr/bin/env bash`). */
const SHELL_SHEBANG = /^#!\s*(?:\S*\/)?(?:env\s+(?:-\S+\s+)*)?(?:sh|bash|dash|ash|zsh|ksh)\b/;

/** True when the text starts with a shell shebang line. */
export function hasShellShebang(text: string): boolean {
  return SHELL_SHEBANG.test(text);
}

/** Python programs named by a shebang (`#!/usr/bin/env python3`, `#!/usr/bin/python`, `#!/usr/bin/env -S python3 -u`). */
const PYTHON_SHEBANG = /^#!\s*(?:\S*\/)?(?:env\s+(?:-\S+\s+)*)?python[\d.]*(?:\s|$)/;

/** True when the text starts with a Python shebang line. */
export function hasPythonShebang(text: string): boolean {
  return PYTHON_SHEBANG.test(text);
}

/**
 * True when a scanned file is Python (issue 15): a `.py` file, or a file without an extension whose
 * text starts with a Python shebang (discovery finds those only in script zones).
 */
export function isPythonSource(repoPath: string, text: string): boolean {
  const base = repoPath.slice(repoPath.lastIndexOf("/") + 1);
  return base.endsWith(".py") || (!base.includes(".") && hasPythonShebang(text));
}

/** True when the file's first bytes are a shell or Python shebang (reads at most 128 bytes; false when unreadable). */
function startsWithScriptShebang(file: string): boolean {
  try {
    const fd = openSync(file, "r");
    try {
      const buffer = Buffer.alloc(128);
      const read = readSync(fd, buffer, 0, 128, 0);
      const head = buffer.subarray(0, read).toString("latin1");
      return hasShellShebang(head) || hasPythonShebang(head);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
