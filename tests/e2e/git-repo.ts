/**
 * Git for the tests (`--changed`, `--base`, the recipes): temporary repositories made from a copy of a
 * fixture repository under `os.tmpdir()`, committed on `main`, which a test then changes (commits,
 * staged, unstaged and untracked files). Git runs with a fixed identity, no user or system configuration,
 * `main` as the initial branch and no commit signing.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The environment git runs with: a fixed author and committer, no global or system config. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "contract-scan tests",
  GIT_AUTHOR_EMAIL: "tests@example.invalid",
  GIT_COMMITTER_NAME: "contract-scan tests",
  GIT_COMMITTER_EMAIL: "tests@example.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: os.devNull,
};

/** Runs `git <args>` in `cwd` (initial branch `main`, no signing) and returns its stdout; throws when git fails. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], { cwd, env: GIT_ENV, encoding: "utf8" });
}

/** A temporary git repository. */
export interface GitRepo {
  /** The work tree's top-level directory. */
  top: string;
  /** Absolute path of a path relative to `top`. */
  at(relative: string): string;
  /** Writes a file (creating its folders). */
  write(relative: string, text: string): void;
  /** Appends to a file. */
  append(relative: string, text: string): void;
  git(...args: string[]): string;
}

/**
 * Copies `fixture` to `<tmp>/<subfolder>` (the repository root, or a folder of it when `subfolder` is
 * given), runs `git init` on `main` at the top and commits everything.
 * @param fixture absolute path of the fixture repository.
 */
export function makeGitRepo(fixture: string, subfolder = ""): GitRepo {
  const top = mkdtempSync(path.join(os.tmpdir(), "contract-scan-changed-"));
  const target = path.join(top, subfolder);
  mkdirSync(target, { recursive: true });
  cpSync(fixture, target, { recursive: true });
  const repo = gitRepoAt(top);
  repo.git("init", "-q");
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "base");
  return repo;
}

/** A copy of a repository (work tree, index and history; symbolic links copied as they are) in a new temporary folder. */
export function copyGitRepo(repo: GitRepo): GitRepo {
  const top = mkdtempSync(path.join(os.tmpdir(), "contract-scan-changed-"));
  cpSync(repo.top, top, { recursive: true, verbatimSymlinks: true });
  return gitRepoAt(top);
}

function gitRepoAt(top: string): GitRepo {
  return {
    top,
    at: (relative) => path.join(top, relative),
    write: (relative, text) => {
      mkdirSync(path.dirname(path.join(top, relative)), { recursive: true });
      writeFileSync(path.join(top, relative), text);
    },
    append: (relative, text) => writeFileSync(path.join(top, relative), readFileSync(path.join(top, relative), "utf8") + text),
    git: (...args) => git(top, ...args),
  };
}
