/**
 * Git for the CLI (`--changed`, docs/design.md, `--changed` and the baseline; `--base` reads the base contract through `tryGit`): runs the `git` executable (never a shell) in a directory and
 * turns every failure (git missing, not a work tree, unknown ref, no merge base) into a `GitError` whose
 * message says what to do; the CLI reports it as a usage error (exit 2, nothing scanned). Read-only:
 * nothing here writes to the repository or touches the network.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** A git command failed; `message` is meant for the user (the CLI prints it and exits with 2). */
export class GitError extends Error {}

/** Up to 256 MiB of output (a `git diff --name-only` of a huge change). */
const MAX_BUFFER = 256 * 1024 * 1024;

/** The outcome of one git command: its stdout (UTF-8), or the failure (`code`: git's exit status, or "ENOENT" when git is missing; `stderr` trimmed). */
export type GitResult = { ok: true; stdout: string } | { ok: false; code: number | string; stderr: string };

/**
 * Runs `git <args>` with `cwd` as its working directory, never through a shell. GIT_NO_LAZY_FETCH keeps a
 * partial clone from fetching a missing blob (the scanner never touches the network); no prompts; C locale.
 * @returns the outcome; a non-zero exit is a result, not an error (`git cat-file -e` answers with it).
 */
export function tryGit(args: readonly string[], cwd: string): Promise<GitResult> {
  const env = { ...process.env, GIT_NO_LAZY_FETCH: "1", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  return new Promise((resolve) => {
    execFile("git", [...args], { cwd, env, encoding: "utf8", maxBuffer: MAX_BUFFER, windowsHide: true }, (error, stdout, stderr) => {
      if (error === null) resolve({ ok: true, stdout });
      else resolve({ ok: false, code: (error as NodeJS.ErrnoException).code ?? 1, stderr: stderr.trim() });
    });
  });
}

/**
 * Runs `git <args>` with `cwd` as its working directory (`tryGit`).
 * @returns git's stdout (UTF-8), untouched.
 * @throws GitError when git is not installed or exits non-zero (its stderr's first line is in the message).
 */
export async function runGit(args: readonly string[], cwd: string): Promise<string> {
  const result = await tryGit(args, cwd);
  if (result.ok) return result.stdout;
  if (result.code === "ENOENT") throw new GitError("git is not installed (or not on PATH); --changed needs it");
  const detail = result.stderr.split("\n")[0] ?? "";
  throw new GitError(`git ${args.join(" ")} failed${detail === "" ? "" : `: ${detail}`}`);
}

/** `-z` output of git (NUL-separated paths) as a list, without the empty tail. */
function splitNul(output: string): string[] {
  return output.split("\0").filter((entry) => entry !== "");
}

/** What `--changed` found, as absolute paths. */
export interface ChangedPaths {
  /** The git work tree's top-level directory (absolute, spelled from `dir`: symbolic links in `dir` are kept). */
  toplevel: string;
  /** Changed paths that exist on disk now (added, copied, modified, renamed-to, untracked with a ref), sorted. */
  existing: string[];
  /** Changed paths that no longer exist (deleted, renamed-from), sorted. */
  deleted: string[];
}

/**
 * The files changed in the git work tree that contains `dir` (docs/design.md, `--changed` and the baseline), anywhere in the work tree
 * (the caller keeps those under its root). Renames count as a deletion and an addition (`--no-renames`).
 *
 * - `ref` undefined: the staged files (`git diff --cached`), what a pre-commit hook checks. A file
 *   staged for deletion is deleted.
 * - `ref` given: everything that differs between the merge base of `ref` and `HEAD` and the work tree
 *   (commits on this branch, staged and unstaged changes), plus untracked files that are not ignored
 *   (`git ls-files --others --exclude-standard`): a new file not yet added is part of the change.
 *
 * @param dir an absolute directory inside the work tree.
 * @throws GitError when `dir` is not in a git work tree, `ref` is not a commit, `ref` and `HEAD` have
 *   no merge base (or `HEAD` has no commit yet), or git is missing.
 */
export async function changedPaths(dir: string, ref: string | undefined): Promise<ChangedPaths> {
  // Paths are mapped through the prefix of `dir` in the work tree, not through `--show-toplevel`, so
  // a `dir` reached through a symbolic link (/tmp on macOS) keeps its spelling.
  let prefix: string;
  try {
    prefix = (await runGit(["rev-parse", "--show-prefix"], dir)).replace(/\n$/, "").replace(/\/$/, "");
  } catch (error) {
    if (error instanceof GitError && !error.message.startsWith("git is not installed")) {
      throw new GitError(`--changed needs a git repository, and ${dir} is not inside one (${error.message})`);
    }
    throw error;
  }
  let names: string[];
  if (ref === undefined) {
    names = splitNul(await runGit(["diff", "--cached", "--name-only", "-z", "--no-renames", "--no-relative"], dir));
  } else {
    if (ref === "" || ref.startsWith("-")) throw new GitError(`--changed=<git-ref>: "${ref}" is not a git ref`);
    try {
      await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], dir);
    } catch {
      const hint = existsSync(path.resolve(dir, ref)) ? ` (it is a path: to scan a directory with the staged files, write the directory before --changed)` : "";
      throw new GitError(`--changed=${ref}: unknown git ref "${ref}"${hint}. In CI, fetch the history (actions/checkout with fetch-depth: 0).`);
    }
    let base: string;
    try {
      base = (await runGit(["merge-base", "--end-of-options", ref, "HEAD"], dir)).trim();
    } catch {
      throw new GitError(`--changed=${ref}: "${ref}" and HEAD have no merge base (unrelated histories, a shallow clone, or no commit yet). In CI, fetch the history (fetch-depth: 0).`);
    }
    const diff = splitNul(await runGit(["diff", "--name-only", "-z", "--no-renames", "--no-relative", base, "--"], dir));
    const untracked = splitNul(await runGit(["ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--", ":/"], dir));
    names = [...diff, ...untracked];
  }
  const existing = new Set<string>();
  const deleted = new Set<string>();
  for (const name of names) {
    const absolute = path.resolve(dir, path.posix.relative(prefix === "" ? "." : prefix, name));
    (existsSync(absolute) ? existing : deleted).add(absolute);
  }
  const toplevel = path.resolve(dir, path.posix.relative(prefix === "" ? "." : prefix, "."));
  return { toplevel, existing: [...existing].sort(), deleted: [...deleted].sort() };
}
