/**
 * Which files of a repository are scanned (README, Running contract-scan): JavaScript/TypeScript, SQL, Python and the other
 * non-JavaScript sources, honouring
 * `.gitignore` (globby), skipping dependencies, build output, type declarations and the contract's
 * `ignore` zone. A leaf module: it imports nothing from the plugin, so the scanner, the repository facts
 * and the rules can all use it without an import cycle.
 */
import fs from "node:fs";
import path from "node:path";
import type { Contract } from "./contract.js";
import picomatch from "picomatch";
import { boundedGlobFs, jsonNestingProblem, RACY_MS, readFileBytes, readSourceText, statStamp, yamlNestingProblem } from "./source-text.js";
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
 * The files that configure how the repository's modules resolve, read by the repository facts but not
 * scanned themselves: discovery checks that they can be read (src/source-text.ts), so that a refused one
 * is reported at its path like a source.
 */
const CONFIG_FILE_GLOBS = ["**/tsconfig*.json", "**/jsconfig*.json", "pnpm-workspace.yaml"];

/** Matches CONFIG_FILE_GLOBS (repository-relative). */
const CONFIG_FILE = /^(?:(?:.*\/)?[tj]sconfig[^/]*\.json|pnpm-workspace\.yaml)$/;

/**
 * Why a configuration file (CONFIG_FILE_GLOBS) cannot be used: unreadable, not a regular file, too large,
 * not text, or nested deeper than its parser takes; undefined when it can be read.
 */
function configFileProblem(file: string): string | undefined {
  const read = readSourceText(file);
  if ("problem" in read) return read.problem;
  return (file.endsWith(".json") ? jsonNestingProblem(read.text) : yamlNestingProblem(read.text))?.message;
}

/**
 * Why a symbolic link found by the source globs would be refused by the readers (dangling, looping, a
 * FIFO, socket or device behind it), or undefined when it leads to a regular file or a directory.
 */
function linkProblem(link: string): string | undefined {
  try {
    const target = fs.statSync(link);
    if (target.isFile() || target.isDirectory()) return undefined;
  } catch {
    // dangling or looping: the reader says which
  }
  const read = readFileBytes(link, 0);
  return "problem" in read ? read.problem : undefined;
}

/** One entry of the walk: repository-relative path, and what it is (a directory is never one). */
export type WalkEntry = [path: string, kind: "regular" | "link" | "special"];

/**
 * A walk of the repository as `contract-scan --cache` keeps it (src/cache-file.ts). It is valid while
 * every directory it read, every ignore file globby read and every folder above the root has the same
 * `stat` (`statStamp` of src/source-text.ts): a file added, removed or renamed changes its folder's, as
 * git's untracked cache trusts it. Entries whose contents matter are read again on every run (configuration
 * files, links, shebangs), so only the listing is reused.
 */
export interface StoredWalk {
  /** Absolute path -> stamp of every directory read and every folder above the root. */
  dirs: Record<string, string>;
  /** Absolute path -> stamp of every ignore file globby read. */
  ignoreFiles: Record<string, string>;
  entries: WalkEntry[];
}

/** Where `discoverRepository` finds a stored walk and leaves the new one (undefined: nothing to keep). */
export interface WalkCache {
  readonly storedWalk: StoredWalk | undefined;
  storeWalk(walk: StoredWalk | undefined): void;
}

/** True when every stamp of a stored walk is the path's `stat` now. */
function walkStillValid(walk: StoredWalk): boolean {
  return (
    Object.entries(walk.dirs).every(([dir, stamp]) => statStamp(dir, "directory")?.stamp === stamp) &&
    Object.entries(walk.ignoreFiles).every(([file, stamp]) => statStamp(file, "file")?.stamp === stamp)
  );
}

/** What one walk of the repository found (`discoverRepository`). */
export interface Discovered {
  /** The files to scan (absolute), sorted by their repository-relative path. */
  files: string[];
  /**
   * The readable `tsconfig*.json`, `jsconfig*.json` and root `pnpm-workspace.yaml` files that configure
   * module resolution (repository-relative, sorted), outside the contract's `ignore` zone or not.
   */
  configs: string[];
}

/**
 * The repository's files to scan (`discoverRepository(...).files`).
 * @returns absolute paths, sorted by their repository-relative path.
 */
export async function discoverFiles(root: string, contract: Contract, onUnreadable?: (relative: string, message: string) => void): Promise<string[]> {
  return (await discoverRepository(root, contract, onUnreadable)).files;
}

/**
 * One walk of the repository: the files to scan and the files that configure module resolution.
 * @param root absolute repository root.
 * @param onUnreadable called once per path (repository-relative, outside the `ignore` zone) that could
 *   not be read, with the message for its `parse-error` finding: a directory that could not be listed
 *   (EACCES, EPERM, ENAMETOOLONG...; its files are not in the result), a `.gitignore` that was refused
 *   (src/source-text.ts; its patterns are not applied, so more is scanned, never less), a `tsconfig*.json`,
 *   `jsconfig*.json` or `pnpm-workspace.yaml` that cannot be read (the repository facts resolve modules
 *   without it).
 * @param walkCache the walk `contract-scan --cache` stored: used while it is valid (`StoredWalk`), and
 *   given this run's walk to keep (none when the walk met a problem or something changed within
 *   `RACY_MS` of it: walked again next time).
 * @throws whatever the walk throws for the root itself (an unreadable root: the caller's usage error).
 */
export async function discoverRepository(root: string, contract: Contract, onUnreadable?: (relative: string, message: string) => void, walkCache?: WalkCache): Promise<Discovered> {
  // globby loads here, not when the plugin (which only needs the globs above) is imported.
  const { globbySync } = await import("globby");
  const unreadable = new Map<string, string>();
  /** Records the first problem of a path; a refused .gitignore says what that means for the scan. */
  const record = (file: string, problem: string): void => {
    if (unreadable.has(file)) return;
    unreadable.set(file, path.basename(file) === ".gitignore" ? `${problem}; its patterns were not applied: the files it ignores are scanned` : problem);
  };
  // A directory that cannot be listed (EACCES, EPERM, a path longer than the system allows) would make
  // the walk throw and the scan crash: it is recorded and walked as empty, and the caller reports it
  // (README, Running contract-scan: never a crash, never a skip).
  // What the walk read, with the stat each had before it was read (for `walkCache`).
  const walkStartedMs = Date.now();
  let keepable = walkCache !== undefined;
  const walked: StoredWalk = { dirs: {}, ignoreFiles: {}, entries: [] };
  const stampOf = (target: Record<string, string>, file: string, kind: "file" | "directory"): void => {
    if (!keepable) return;
    const stat = statStamp(file, kind);
    if (stat === undefined || walkStartedMs - stat.changedMs <= RACY_MS) keepable = false;
    else target[file] = stat.stamp;
  };
  const readdirSync = (dir: string, options: unknown): unknown => {
    stampOf(walked.dirs, path.resolve(dir), "directory");
    try {
      return fs.readdirSync(dir, options as { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw error;
      record(dir, `cannot read the directory, so its files were not checked: ${(error as Error).message.replace(/, \w+ '[^']*'$/, "")}`);
      return [];
    }
  };
  const boundedFs = boundedGlobFs(record, { ...fs, readdirSync } as unknown as typeof fs);
  const globFs = {
    ...boundedFs,
    readFileSync: ((file: string, ...rest: unknown[]) => {
      if (statStamp(String(file), "file") !== undefined) stampOf(walked.ignoreFiles, path.resolve(String(file)), "file");
      return (boundedFs.readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.readFileSync,
  } as typeof fs;
  const options = { cwd: root, gitignore: true, dot: true, ignore: ALWAYS_IGNORED, followSymbolicLinks: false, onlyFiles: false, objectMode: true, fs: globFs } as const;
  // One walk: the sources, the configuration files, the .gitignore files, and every file without an
  // extension (a script zone's shell or Python script is found by its shebang). The contract's globs are
  // never handed to the walk: a glob list of any length is one compiled matcher (src/zones.ts), where the
  // walk would run once per glob. The walk is synchronous: globby's asynchronous walk stats every entry
  // on top and cost twice the CPU time on a 4,000-file repository.
  // Regular files are scanned. A FIFO, socket or device is listed too: the reader refuses it
  // (src/source-text.ts) and the scan reports it at its path rather than passing over it. A symbolic link
  // is not scanned (as before); one whose target the readers would refuse (dangling, looping, a device
  // such as /dev/zero) is reported here, since package.json, pnpm-workspace.yaml, tsconfig.json and
  // scripts are also read through links by the repository facts. Directories are not listed.
  const sourceGlobs = [...SOURCE_FILE_GLOBS, SQL_FILE_GLOB, PYTHON_FILE_GLOB, ...NON_JS_SOURCE_GLOBS];
  const isSource = picomatch(sourceGlobs, { dot: true });
  const isScriptCandidate = (f: string): boolean => !path.posix.basename(f).includes(".") && inScriptZoneGlobs(f, contract);
  const stored = walkCache?.storedWalk;
  let walkEntries: WalkEntry[];
  if (stored !== undefined && walkStillValid(stored)) {
    walkEntries = stored.entries;
    walkCache?.storeWalk(stored);
  } else {
    // The root and the folders above it up to the one that holds `.git`: globby reads the .gitignore files
    // from there down (a `.git` added or removed changes its folder's stat).
    for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
      stampOf(walked.dirs, dir, "directory");
      if (fs.existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) break;
    }
    const problemsBefore = unreadable.size;
    walkEntries = globbySync([...sourceGlobs, ...CONFIG_FILE_GLOBS, "**/.gitignore", EXTENSIONLESS_FILES], options)
      .filter((entry) => !entry.dirent.isDirectory())
      .map((entry): WalkEntry => [entry.path, entry.dirent.isFile() ? "regular" : entry.dirent.isSymbolicLink() ? "link" : "special"]);
    walked.entries = walkEntries;
    walkCache?.storeWalk(keepable && unreadable.size === problemsBefore ? walked : undefined);
  }
  const entries = walkEntries.map(([entryPath, kind]) => ({ path: entryPath, kind }));
  const configs: string[] = [];
  for (const { path: config } of entries.filter((e) => CONFIG_FILE.test(e.path))) {
    const problem = configFileProblem(path.join(root, config));
    if (problem !== undefined) record(path.join(root, config), problem);
    else configs.push(config);
  }
  for (const entry of entries.filter((e) => e.kind === "link" && !CONFIG_FILE.test(e.path) && (isSource(e.path) || isScriptCandidate(e.path) || path.posix.basename(e.path) === ".gitignore"))) {
    const problem = linkProblem(path.join(root, entry.path));
    if (problem !== undefined) record(path.join(root, entry.path), problem);
  }
  // globby reads the regular .gitignore files (through globFs, which reports a refused one); a FIFO,
  // socket or device, or a link, it passes over: reported here.
  for (const { path: ignoreFile } of entries.filter((e) => e.kind === "special" && path.posix.basename(e.path) === ".gitignore")) {
    const read = readFileBytes(path.join(root, ignoreFile), 0);
    if ("problem" in read) record(path.join(root, ignoreFile), read.problem);
  }
  // The hook folders' other files (`.husky/.gitignore`, `.githooks/README.md`) are not sources.
  const files = entries
    .filter((e) => e.kind !== "link" && isSource(e.path))
    .map((e) => e.path)
    .filter(
      (f) =>
        !CONFIG_FILE.test(f) &&
        path.posix.basename(f) !== ".gitignore" &&
        (!/(?:^|\/)\.(?:husky|githooks)\/[^/]+$/.test(f) || nonJsSourceKind(f, "shell") !== undefined || /\.(?:[cm]?[jt]sx?|sql)$/.test(f)),
    );
  // Extension-less files in script zones that start with a shell or Python shebang are shell or Python scripts.
  const listed = new Set(files);
  const extensionless = entries.filter((e) => e.kind === "regular" && !listed.has(e.path) && isScriptCandidate(e.path)).map((e) => e.path);
  for (const candidate of extensionless) if (startsWithScriptShebang(path.join(root, candidate))) files.push(candidate);
  for (const [where, message] of [...unreadable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const relative = path.relative(root, where).split(path.sep).join("/");
    if (classifyZone(relative, contract) !== "ignore") onUnreadable?.(relative, message);
  }
  return {
    files: files
      .filter((relative) => classifyZone(relative, contract) !== "ignore")
      .sort()
      .map((relative) => path.join(root, relative)),
    configs: configs.sort(),
  };
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

/**
 * True when the file's first bytes are a shell or Python shebang (reads at most 128 bytes of a regular
 * file, src/source-text.ts; false when it cannot be read: a FIFO or device is never opened).
 */
function startsWithScriptShebang(file: string): boolean {
  const read = readFileBytes(file, 128, { prefix: true });
  if ("problem" in read) return false;
  const head = read.bytes.toString("latin1");
  return hasShellShebang(head) || hasPythonShebang(head);
}
