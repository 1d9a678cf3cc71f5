/**
 * The scanner's entry to the non-JavaScript sources (docs/design.md, Rule groups group A rows of `no-bypass-env` and
 * `no-direct-prisma-cli`): reads a `package.json`, workflow, shell script or
 * Dockerfile with its extractor and turns what it extracted into findings (src/sources/findings.ts).
 * `contract-scan init` reads the same way (`readNonJsSource`, then `sourceUses`) to draft the allowlist.
 * A file that does not parse gives its problems back for `parse-error` findings; nothing throws.
 */
import path from "node:path";
import type { Contract } from "../contract.js";
import type { NonJsSourceKind } from "../discover.js";
import { getRepoFacts } from "../facts/repo-facts.js";
import type { RepoFacts } from "../facts/types.js";
import type { Finding } from "../finding.js";
import { readSourceText } from "../source-text.js";
import { readDockerfile } from "./dockerfile.js";
import { type SourceBlock, type SourceContext, sourceFindings } from "./findings.js";
import { readLefthookConfig, readPreCommitConfig } from "./hook-config.js";
import { readPackageJson, readPackageScripts } from "./package-json.js";
import { readShellScript } from "./shell-script.js";
import { readWorkflow } from "./workflow.js";

/** CI configuration (docs/design.md, Environment names): setting `CI=true` there is exempt. */
export function isCiConfiguration(repoPath: string): boolean {
  return repoPath.startsWith(".github/workflows/") || repoPath === ".gitlab-ci.yml" || repoPath.startsWith(".circleci/");
}

/** The scripts of the package.json in `dir` (repository-relative), for `npm run` chains of other sources; undefined when it cannot be read. */
function packageScripts(root: string, dir: string): Record<string, string> | undefined {
  const read = readSourceText(path.join(root, dir, "package.json"));
  return "text" in read ? readPackageScripts(read.text).scripts : undefined;
}

/** A non-JavaScript source as read: its blocks, the context they are checked in, and its problems. */
export interface NonJsSourceRead {
  blocks: SourceBlock[];
  context: SourceContext;
  /** Problems that make (part of) the file unreadable: message and UTF-16 offset. */
  errors: { message: string; offset: number }[];
}

/**
 * Reads one non-JavaScript source with its extractor (the one reading `checkNonJsSource` and
 * `contract-scan init` share).
 * @param kind what the file is (`nonJsSourceKind`).
 * @param text the file's decoded text.
 * @param repoPath its repository-relative path.
 * @param options `facts`: the repository facts to ask "does this script load a database client"
 *   (default: `getRepoFacts(root, contract)`).
 * @returns the blocks, the context for `sourceUses` / `sourceFindings`, and the problems. Never throws.
 */
export function readNonJsSource(
  kind: NonJsSourceKind,
  text: string,
  repoPath: string,
  options: { root: string; contract: Contract; facts?: RepoFacts | undefined },
): NonJsSourceRead {
  const dir = path.posix.dirname(repoPath);
  let blocks: SourceBlock[] = [];
  let errors: { message: string; offset: number }[] = [];
  let scripts: Record<string, string> | undefined;
  let cwd = dir === "." ? "" : dir;
  if (kind === "package-json") {
    const read = readPackageJson(text, repoPath);
    ({ blocks, errors, scripts } = read);
  } else if (kind === "workflow") {
    ({ blocks, errors } = readWorkflow(text, repoPath));
    cwd = "";
    scripts = packageScripts(options.root, "");
  } else if (kind === "dockerfile") {
    ({ blocks, errors } = readDockerfile(text, repoPath));
    scripts = packageScripts(options.root, cwd);
  } else if (kind === "lefthook" || kind === "pre-commit") {
    ({ blocks, errors } = kind === "lefthook" ? readLefthookConfig(text, repoPath) : readPreCommitConfig(text, repoPath));
    // Hook managers run their commands from the repository root.
    cwd = "";
    scripts = packageScripts(options.root, "");
  } else {
    // "shell" and "git-hook": a hook is a shell script that Git runs from the repository root.
    const read = readShellScript(text, repoPath);
    if ("error" in read) errors = [read.error];
    else blocks = read.blocks;
    // Shell scripts usually run from the repository root (`./scripts/deploy.sh`).
    cwd = "";
    scripts = packageScripts(options.root, "");
  }
  const context: SourceContext = {
    root: options.root,
    contract: options.contract,
    file: repoPath,
    text,
    ciConfig: isCiConfiguration(repoPath),
    cwd,
    scripts,
    facts: options.facts ?? getRepoFacts(options.root, options.contract),
  };
  return { blocks, context, errors };
}

/**
 * Checks one non-JavaScript source (`readNonJsSource`, then `sourceFindings`).
 * @param kind what the file is (`nonJsSourceKind`).
 * @param text the file's decoded text.
 * @param repoPath its repository-relative path.
 * @returns the findings, and the problems that make (part of) the file unreadable (a chain of scripts
 *   not followed to the end included): message and UTF-16 offset.
 */
export function checkNonJsSource(
  kind: NonJsSourceKind,
  text: string,
  repoPath: string,
  options: { root: string; contract: Contract },
): { findings: Finding[]; errors: { message: string; offset: number }[] } {
  const { blocks, context, errors } = readNonJsSource(kind, text, repoPath, options);
  const { findings, notFollowed } = sourceFindings(blocks, context);
  return { findings, errors: [...errors, ...notFollowed] };
}
