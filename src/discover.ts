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
import type { Contract } from "./contract.js";
import picomatch from "picomatch";
import { classifyZone, inScriptZoneGlobs } from "./zones.js";

/** Every file whose name has no extension (no dot), hidden folders included. */
const EXTENSIONLESS_FILES = "**/!(*.*)";

/** The JavaScript and TypeScript files the rules apply to (flat-config `files` globs). */
export const SOURCE_FILE_GLOBS = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"];

/** SQL files (checked by `no-destructive-sql` in `contract-scan`). */
export const SQL_FILE_GLOB = "**/*.sql";

/** Python files (read by src/sources/python/, issue 15). */
export const PYTHON_FILE_GLOB = "**/*.py";

/** The non-JavaScript sources the scanner reads (src/sources/): their kind by repository path. */
export type NonJsSourceKind = "package-json" | "workflow" | "shell" | "dockerfile" | "git-hook" | "lefthook" | "pre-commit";

/** Lefthook's configuration file names (src/sources/hook-config.ts). */
const LEFTHOOK_CONFIGS = ["lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml", "lefthook-local.yml", "lefthook-local.yaml", ".lefthook-local.yml", ".lefthook-local.yaml"];

/**
 * Globs of the non-JavaScript sources (shell scripts without an extension are found by their shebang, in
 * script zones; Git hooks in `.husky/` and `.githooks/` with or without one).
 */
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
  "**/.husky/*",
  "**/.githooks/*",
  ...LEFTHOOK_CONFIGS.map((name) => `**/${name}`),
  "**/.config/lefthook.yml",
  "**/.config/lefthook.yaml",
  "**/.pre-commit-config.yaml",
  "**/.pre-commit-config.yml",
];

/**
 * True for a Git hook script: a file without an extension directly in a `.husky/` folder (husky; its
 * generated `.husky/_/` is not) or a `.githooks/` folder (`git config core.hooksPath .githooks`).
 */
export function isGitHookScript(repoPath: string): boolean {
  return /(?:^|\/)\.(?:husky|githooks)\/[^/.]+$/.test(repoPath);
}

/** What a file's first line says runs it: a shell (`#!/bin/sh`), another program (`#!/usr/bin/env node`), or nothing. */
export type Shebang = "shell" | "other" | "none";

/**
 * The kind of a non-JavaScript source, or undefined for other files (JavaScript, SQL). A file without
 * an extension is "shell" when `shebang` is "shell"; a Git hook script (`isGitHookScript`) is
 * "git-hook" (read as shell) also with no shebang (Git runs it with `sh`, and husky 9's hooks have
 * none), but not with another program's (`#!/usr/bin/env node`).
 */
export function nonJsSourceKind(repoPath: string, shebang: Shebang = "none"): NonJsSourceKind | undefined {
  const base = repoPath.slice(repoPath.lastIndexOf("/") + 1);
  if (base === "package.json") return "package-json";
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(repoPath)) return "workflow";
  if (/\.(sh|bash)$/.test(base)) return "shell";
  if (base === "Dockerfile" || base.startsWith("Dockerfile.") || /\.dockerfile$/i.test(base)) return "dockerfile";
  if (LEFTHOOK_CONFIGS.includes(base) || /(?:^|\/)\.config\/lefthook\.ya?ml$/.test(repoPath)) return "lefthook";
  if (base === ".pre-commit-config.yaml" || base === ".pre-commit-config.yml") return "pre-commit";
  if (isGitHookScript(repoPath)) return shebang === "other" ? undefined : "git-hook";
  if (shebang === "shell" && !base.includes(".")) return "shell";
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
  // globby loads here, not when the plugin (which only needs the globs above) is imported.
  const { globby } = await import("globby");
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
  // One walk: the sources, and every file without an extension (a script zone's shell or Python script
  // is found by its shebang). The contract's globs are never handed to the walk: a glob list of any
  // length is one compiled matcher (src/zones.ts), where the walk would run once per glob.
  const sourceGlobs = [...SOURCE_FILE_GLOBS, SQL_FILE_GLOB, PYTHON_FILE_GLOB, ...NON_JS_SOURCE_GLOBS];
  const isSource = picomatch(sourceGlobs, { dot: true });
  const walked = await globby([...sourceGlobs, EXTENSIONLESS_FILES], options);
  // The hook folders' other files (`.husky/.gitignore`, `.githooks/README.md`) are not sources.
  const files = walked.filter(
    (f) => isSource(f) && (!/(?:^|\/)\.(?:husky|githooks)\/[^/]+$/.test(f) || nonJsSourceKind(f, "shell") !== undefined || /\.(?:[cm]?[jt]sx?|sql)$/.test(f)),
  );
  // Extension-less files in script zones that start with a shell or Python shebang are shell or Python scripts.
  const listed = new Set(files);
  const extensionless = walked.filter((f) => !path.posix.basename(f).includes(".") && !listed.has(f) && inScriptZoneGlobs(f, contract));
  for (const candidate of extensionless) if (startsWithScriptShebang(path.join(root, candidate))) files.push(candidate);
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

/** What the text's shebang names (see `Shebang`). */
export function shebangOf(text: string): Shebang {
  if (SHELL_SHEBANG.test(text)) return "shell";
  return text.startsWith("#!") ? "other" : "none";
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
