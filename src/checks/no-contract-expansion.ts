/**
 * no-contract-expansion (docs/design.md, Rule groups group B, scanner only): with `contract-scan --base <ref>`,
 * every way the contract grew since that git ref, one finding per widening, on the current contract file
 * at the offending key (), or at the nearest key that still exists for a removal (line 1, column 1
 * when none does).
 *
 * The contract at the ref is read with `git show <commit>:<path>`, never by checking the ref out, and is
 * parsed and validated by the same loader as the current one (defaults filled in), so the diff is
 * semantic: a key spelled out with its default value is no change. A contract absent at the ref is
 * compared as the defaults (docs/design.md, The contract: a repository without a contract file runs on them), so every
 * allowlisted script, bypass allowance, ... of a new contract is reported. Globs, table, column and
 * function names are compared as text ().
 *
 * Widening (what the rules check less, or allow more):
 * - an entry added to `migrations`, `tests`, `ignore`, `dataLayer`, `ciGuard.functions`, `ciGuard.modules`,
 *   `bypass.allow` (by name), `fingerprint.functions`, and to the accepted-function lists of `safety`
 *   (`productionCheck`, `safetyCheck`, `backup`);
 * - a new `mutationScripts` entry; in an existing entry a new operation, a new table (when it has
 *   `tables`), a new column, a column list widened to `"*"`, or `tables` removed (any table);
 * - an entry removed from `scripts`, `dbClients`, `bypass.patterns`, `fingerprint.factories`,
 *   `safety.destructive`, `safety.confirm`, `safety.environment.variables`, and from
 *   `deprecatedScripts` while the file still exists (docs/design.md, The contract: a deleted one is fine);
 * - a changed `ciGuard.env`, `ciGuard.equals`, or effective deploy script; `deployPipeline` removed or
 *   its `script` or `steps` changed; `fingerprint` or `safety` removed, or one `safety` layer key removed.
 * Narrowing (the reverse of each) is silent.
 */
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { findNodeAtLocation, parseTree } from "jsonc-parser";
import { type Contract, ContractError, contractKeyLocation, defaultContract, parseContract, toRepoPath } from "../contract.js";
import { PLUGIN_NAMESPACE } from "../package-info.js";
import { resolveDeployScript } from "../roles.js";
import type { Finding } from "../finding.js";
import { tryGit } from "../git.js";

/** The rule id of this check. */
export const NO_CONTRACT_EXPANSION_RULE = `${PLUGIN_NAMESPACE}/no-contract-expansion`;

/**
 * Thrown by readBaseContract when the base cannot be read at all: git is missing, the contract is not in
 * a git repository, or the ref names no commit. The CLI turns it into a usage error (exit 2).
 */
export class BaseRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaseRefError";
  }
}

/** The contract as it was at a git ref. */
export interface BaseContract {
  /** The ref as the user gave it (for messages). */
  ref: string;
  /** Its text at the ref, or null when the file did not exist there. */
  text: string | null;
  /** `<ref>:<path>`: where it came from, for messages. */
  source: string;
}

/**
 * Reads the contract file as it was at `ref`, with git, in the repository that holds the contract file
 * (normally the scanned root). Nothing is checked out and nothing is written.
 * @param contractFile absolute path of the contract file in the working tree (it need not exist now).
 * @param ref a git revision (`main`, `origin/main`, `HEAD~1`, a commit id).
 * @returns its text at the ref, or `text: null` when the file did not exist there.
 * @throws BaseRefError when git is not installed, the contract's folder is not inside a git repository,
 *   the ref starts with "-", or the ref names no commit (e.g. a shallow clone without that history).
 */
export async function readBaseContract(contractFile: string, ref: string): Promise<BaseContract> {
  if (ref === "" || ref.startsWith("-")) throw new BaseRefError(`--base expects a git ref such as main or HEAD~1; found ${JSON.stringify(ref)}`);
  const dir = realpathSync(path.dirname(contractFile));
  const top = await tryGit(["rev-parse", "--show-toplevel"], dir);
  if (!top.ok) {
    if (top.code === "ENOENT") throw new BaseRefError("--base needs git, and no git executable was found on PATH");
    throw new BaseRefError(`--base needs a git repository, and ${dir} is not inside one (${top.stderr || `git exited with ${String(top.code)}`})`);
  }
  const toplevel = realpathSync(top.stdout.trim());
  const commit = await tryGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], dir);
  if (!commit.ok) {
    throw new BaseRefError(
      `--base ${ref}: no such commit in the repository at ${toplevel}. Check the name; in a shallow clone fetch the history first (actions/checkout with fetch-depth: 0).`,
    );
  }
  const sha = commit.stdout.trim();
  const repoPath = toRepoPath(toplevel, path.join(dir, path.basename(contractFile)));
  const source = `${ref}:${repoPath}`;
  const exists = await tryGit(["cat-file", "-e", `${sha}:${repoPath}`], dir);
  if (!exists.ok) return { ref, text: null, source };
  const shown = await tryGit(["show", "--no-textconv", `${sha}:${repoPath}`], dir);
  if (!shown.ok) throw new BaseRefError(`cannot read ${source} with git show: ${shown.stderr}`);
  return { ref, text: shown.stdout, source };
}

/** One widening: where in the current contract, and what grew. */
export interface ContractWidening {
  /** Key path in the current contract file (for a removal: the key that held the removed value). */
  keyPath: (string | number)[];
  /** What widened, as a sentence fragment (`migrations has the new glob "x"`). */
  what: string;
}

type KeyPath = (string | number)[];

const quote = (value: string): string => JSON.stringify(value);
const list = (values: readonly string[]): string => (values.length === 0 ? "none" : values.map(quote).join(", "));

/** `mutationScripts["scripts/x.ts"].tables["users"]` for messages. */
function keyName(keyPath: KeyPath): string {
  let out = "";
  for (const segment of keyPath) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${quote(segment)}]`;
  }
  return out;
}

/**
 * The widenings from `base` to `current` (both validated, defaults filled in).
 * @param options.root absolute repository root: the deploy script default and whether a script that left
 *   `deprecatedScripts` still exists are decided in the current working tree.
 */
export function diffContracts(base: Contract, current: Contract, options: { root: string }): ContractWidening[] {
  const out: ContractWidening[] = [];
  const add = (keyPath: KeyPath, what: string): void => {
    out.push({ keyPath, what });
  };

  /** Entries of `now` that `before` lacks, each at its index in the current array. */
  function added(before: readonly string[] | undefined, now: readonly string[] | undefined, keyPath: KeyPath, explain: (entry: string) => string): void {
    const old = new Set(before ?? []);
    (now ?? []).forEach((entry, index) => {
      if (!old.has(entry)) add([...keyPath, index], `${keyName(keyPath)} has the new entry ${quote(entry)}: ${explain(entry)}`);
    });
  }

  /** Entries of `before` that `now` lacks, each at the key that held them. */
  function removed(before: readonly string[] | undefined, now: readonly string[] | undefined, keyPath: KeyPath, explain: (entry: string) => string): void {
    const kept = new Set(now ?? []);
    for (const entry of before ?? []) {
      if (!kept.has(entry)) add(keyPath, `${keyName(keyPath)} no longer has ${quote(entry)}: ${explain(entry)}`);
    }
  }

  // Zones (): fewer script zones, more migrations, tests and ignored files all check less.
  removed(base.scripts, current.scripts, ["scripts"], () => "files it matched are no longer script zones, where unlisted mutation scripts are reported");
  added(base.migrations, current.migrations, ["migrations"], () => "destructive SQL is allowed in files it matches");
  added(base.tests, current.tests, ["tests"], () => "files it matches are test code, exempt from the SQL and bypass rules");
  added(base.ignore, current.ignore, ["ignore"], () => "files it matches are no longer scanned");
  // The data layer (docs/design.md): a new glob accepts the row deletes of the files it matches.
  added(base.dataLayer, current.dataLayer, ["dataLayer"], () => "row-level DELETE and UPDATE ... WHERE statements in files it matches are no longer reported");
  removed(base.dbClients, current.dbClients, ["dbClients"], () => "importing it no longer counts as database access");

  // The CI guard ().
  if (base.ciGuard.env !== current.ciGuard.env) add(["ciGuard", "env"], `ciGuard.env changed from ${quote(base.ciGuard.env)} to ${quote(current.ciGuard.env)}: the CI guard now tests another variable`);
  if (base.ciGuard.equals !== current.ciGuard.equals) {
    add(["ciGuard", "equals"], `ciGuard.equals changed from ${quote(base.ciGuard.equals)} to ${quote(current.ciGuard.equals)}: the CI guard now accepts another value`);
  }
  added(base.ciGuard.functions, current.ciGuard.functions, ["ciGuard", "functions"], () => "a call of it now counts as the CI guard");
  added(base.ciGuard.modules, current.ciGuard.modules, ["ciGuard", "modules"], () => "importing it now counts as the CI guard");

  // Bypass names ().
  removed(base.bypass.patterns, current.bypass.patterns, ["bypass", "patterns"], () => "env names matching it are no longer bypasses");
  const allowedBefore = new Set(base.bypass.allow.map((a) => a.name));
  current.bypass.allow.forEach((allowance, index) => {
    if (!allowedBefore.has(allowance.name)) add(["bypass", "allow", index], `bypass.allow allows the new bypass name ${quote(allowance.name)} (reason: ${quote(allowance.reason)})`);
  });

  // The allowlist.
  for (const [script, entry] of Object.entries(current.mutationScripts)) {
    const keyPath: KeyPath = ["mutationScripts", script];
    const before = Object.hasOwn(base.mutationScripts, script) ? base.mutationScripts[script] : undefined;
    if (before === undefined) {
      const scope = entry.tables === undefined ? "any table" : `tables ${list(Object.keys(entry.tables))}`;
      add(keyPath, `${keyName(keyPath)} is a new allowlisted mutation script (operations ${list(entry.operations)}, ${scope})`);
      continue;
    }
    added(before.operations, entry.operations, [...keyPath, "operations"], () => "the script may now run this operation");
    if (before.tables === undefined) continue;
    if (entry.tables === undefined) {
      add(keyPath, `${keyName(keyPath)} no longer has "tables": the script may now write any table (it was limited to ${list(Object.keys(before.tables))})`);
      continue;
    }
    for (const [table, columns] of Object.entries(entry.tables)) {
      const tablePath: KeyPath = [...keyPath, "tables", table];
      const old = Object.hasOwn(before.tables, table) ? before.tables[table] : undefined;
      if (old === undefined) {
        add(tablePath, `${keyName([...keyPath, "tables"])} allows the new table ${quote(table)} (columns ${columns === "*" ? '"*"' : list(columns)})`);
      } else if (columns === "*") {
        if (old !== "*") add(tablePath, `${keyName(tablePath)} allows every column ("*"); it allowed ${list(old)}`);
      } else if (old !== "*") {
        added(old, columns, tablePath, () => "the script may now write this column");
      }
    }
  }

  // Retired scripts may run again.
  removed(
    base.deprecatedScripts.filter((script) => existsSync(path.join(options.root, script))),
    current.deprecatedScripts,
    ["deprecatedScripts"],
    () => "the script still exists and is no longer required to exit before doing anything",
  );

  // The deploy script and its pipeline.
  const deployBefore = resolveDeployScript(base, options.root);
  const deployNow = resolveDeployScript(current, options.root);
  if (deployBefore !== deployNow) {
    add(["deployScript"], `the deploy script changed from ${deployBefore === undefined ? "none" : quote(deployBefore)} to ${deployNow === undefined ? "none" : quote(deployNow)}: another file may run prisma migrate deploy`);
  }
  if (base.deployPipeline !== undefined) {
    if (current.deployPipeline === undefined) {
      add([], `deployPipeline was removed: the order of the deploy steps (${list(base.deployPipeline.steps)}) is no longer checked`);
    } else {
      if (base.deployPipeline.script !== current.deployPipeline.script) {
        add(["deployPipeline", "script"], `deployPipeline.script changed from ${quote(base.deployPipeline.script)} to ${quote(current.deployPipeline.script)}`);
      }
      if (JSON.stringify(base.deployPipeline.steps) !== JSON.stringify(current.deployPipeline.steps)) {
        add(["deployPipeline", "steps"], `deployPipeline.steps changed from ${list(base.deployPipeline.steps)} to ${list(current.deployPipeline.steps)}: the locked order of the deploy steps is different`);
      }
    }
  }

  // Group C: the environment fingerprint.
  if (base.fingerprint !== undefined) {
    if (current.fingerprint === undefined) add([], "fingerprint was removed: database clients are no longer required to follow a fingerprint check (require-fingerprint is off)");
    else {
      added(base.fingerprint.functions, current.fingerprint.functions, ["fingerprint", "functions"], () => "a call of it now counts as the fingerprint check");
      removed(base.fingerprint.factories, current.fingerprint.factories, ["fingerprint", "factories"], () => "clients it creates are no longer checked");
    }
  }

  // Group D: the safety layers (: each layer is on only where its key is set).
  if (base.safety !== undefined) {
    const before = base.safety;
    const now = current.safety;
    if (now === undefined) add([], "safety was removed: the destructive-operation safety layers (group D) are off");
    else {
      for (const layer of ["productionCheck", "safetyCheck", "backup"] as const) {
        if (before[layer] === undefined) continue;
        if (now[layer] === undefined) add(["safety"], `safety.${layer} was removed: that safety layer is off`);
        else added(before[layer], now[layer], ["safety", layer], () => "a call of it now counts as that safety layer");
      }
      for (const layer of ["confirm", "destructive"] as const) {
        if (before[layer] === undefined) continue;
        if (now[layer] === undefined) add(["safety"], `safety.${layer} was removed: what it listed is no longer checked`);
        else removed(before[layer], now[layer], ["safety", layer], () => "calls of it are no longer checked");
      }
      const variables = before.environment?.variables;
      if (variables !== undefined) {
        if (now.environment?.variables === undefined) add(["safety"], "safety.environment.variables was removed: env-fail-closed is off");
        else removed(variables, now.environment.variables, ["safety", "environment", "variables"], () => "reads of it are no longer required to fail closed");
      }
    }
  }
  return out;
}

/** The nearest key of `keyPath` (itself or an ancestor) that exists in the contract text; [] for none. */
function existingKey(text: string, keyPath: KeyPath): KeyPath {
  const tree = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  for (let length = keyPath.length; length > 0; length--) {
    const prefix = keyPath.slice(0, length);
    if (tree !== undefined && findNodeAtLocation(tree, prefix) !== undefined) return prefix;
  }
  return [];
}

/**
 * The no-contract-expansion findings of a scan.
 * @param root absolute repository root.
 * @param current the contract in force now (validated).
 * @param contractFile absolute path of the current contract file (findings go there, even when it does
 *   not exist and the defaults are in force).
 * @param contractText its text ("" when it does not exist).
 * @param base the contract at the base ref (readBaseContract).
 * @param allowExpansion `--allow-expansion`: each widening is a warning (shown for review) instead of an error.
 * @returns one finding per widening; one finding at 1:1 when the base contract is invalid and nothing can
 *   be compared.
 */
export function checkContractExpansion(root: string, current: Contract, contractFile: string, contractText: string, base: BaseContract, allowExpansion: boolean): Finding[] {
  const file = toRepoPath(root, contractFile);
  const severity: Finding["severity"] = allowExpansion ? "warning" : "error";
  const next = allowExpansion ? "Accepted with --allow-expansion; shown for review." : "Have a reviewer approve it, then accept it with --allow-expansion.";
  const finding = (keyPath: KeyPath, message: string): Finding => {
    const existing = keyPath.length === 0 ? [] : existingKey(contractText, keyPath);
    const { line, column } = existing.length === 0 ? { line: 1, column: 1 } : contractKeyLocation(contractText, existing);
    return { ruleId: NO_CONTRACT_EXPANSION_RULE, severity, file, line, column, endLine: line, endColumn: column, message };
  };
  let before: Contract;
  try {
    before = base.text === null ? defaultContract() : parseContract(base.text, base.source);
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    // Choice: fail closed with one finding, not a usage error, so the change that repairs an invalid
    // contract can still be reviewed and accepted with --allow-expansion.
    return [
      finding(
        [],
        `The contract at ${base.ref} is invalid (${error.problems.join("; ")}), so what changed since then cannot be compared. Review the whole contract. ${next}`,
      ),
    ];
  }
  return diffContracts(before, current, { root }).map((w) => finding(w.keyPath, `The contract widened since ${base.ref}: ${w.what}. ${next}`));
}
