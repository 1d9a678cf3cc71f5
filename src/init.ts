/**
 * `contract-scan init [dir]` (docs/design.md, The contract "With no contract file"; issue 7 item 3): drafts a
 * `production-contract.json` from the repository as it is, so that adopting the tool starts from a
 * contract that describes today's code and every entry is visible for review.
 *
 * Nothing here decides on its own what a write is: the draft is read from the same analysis the rules
 * run. The plugin's detectors ("is this a database write", "is this a Prisma CLI write", the payload and
 * SQL column readers, the repository facts' writes through imported functions, "which environment
 * variable does this code read") run through ESLint's `Linter` over the repository, as `contract-scan`
 * runs the rules, and the draft lists exactly what `no-unlisted-mutation-script` and `mutation-scope`
 * would need to stay silent:
 *
 * - `mutationScripts`: every file in a script zone that writes, with its operations and, where
 *   `mutation-scope` can check them, its tables and columns (a table whose payload cannot be read, or
 *   that is written through an imported function, gets `"*"`; a script with a write whose table cannot be
 *   named, or with a nested relation write, gets no `tables` at all: any table); also every place in
 *   the non-JavaScript sources that runs a Prisma CLI write, with those commands (docs/design.md, Allowlisting places that are not code keys:
 *   `package.json#<script>` of any package.json, keyed with its folder as `apps/web/package.json#db:push`;
 *   the path of a workflow, Dockerfile or shell script). These are read by the scanner's own source
 *   readers (src/sources/: `readNonJsSource`, `sourceUses`), so the draft lists exactly what
 *   `no-direct-prisma-cli` reports there. A workflow is drafted like any other place: a release workflow
 *   is where `prisma migrate deploy` belongs (), and every entry is listed for review.
 * - Python files (`.py`, and Python shebangs in script zones) are read by the Python checks' detectors
 *   (src/sources/python/init.ts): a script-zone file that writes gets an entry with its operations (no
 *   `tables`), and its bypass names and `CI=true` settings are collected like those of JavaScript.
 * - `deployScript`: the one script (JavaScript/TypeScript, in a script zone) that runs
 *   `prisma migrate deploy`, if exactly one does and `deploy-script-only-migrates` (the rule itself, run
 *   on it) reports nothing there; otherwise a note gives the lines that block it.
 * - `dbClients`: the defaults plus the database driver packages the repository imports.
 * - `migrations`: the defaults plus folders named `migrations` that the defaults miss (not inside a
 *   script zone: a `scripts/migrations/` data-fix folder is not a migration folder unless a person says
 *   so, docs/design.md, The contract).
 * - `bypass.allow`: every bypass name in use, in code and in the non-JavaScript sources, with
 *   `"reason": "TODO"`, which validation rejects until a person writes a reason.
 * - `dataLayer` (docs/design.md, issue 13 item 5): where application code holds row-level DELETE statements
 *   (what `no-destructive-sql` itself reports there as `destructiveRowLevel`, in code and in `.sql`
 *   files), its folders: a folder with two or more such files as `<folder>/**`, a lone file by its path,
 *   never a glob that would also match a script zone or an allowlisted or deploy script (then the files
 *   one by one). A note asks for the review that listing them stands for.
 *
 * Never drafted, whatever runs them: the Prisma CLI writes that drop data (`dropsData`: `migrate reset`,
 * `db push --accept-data-loss` / `--force-reset`), which the contract exists to stop; the notes name each
 * place (`InitDraft.dataLossPlaces`). Also in the notes: script-zone files that are application code (a
 * framework route, a module the application imports), which a too-wide `scripts` glob matches.
 *
 * Setting `CI=true` where `no-bypass-env` reports it (code, and package.json scripts, shell scripts and
 * Dockerfiles that run a mutation, docs/design.md, Environment names) cannot be allowlisted: the notes list it for a person.
 *
 * The scan never executes scanned code and reads only; `runInit` writes the draft (and nothing else).
 */
import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { Linter } from "eslint";
import { CONTRACT_FILE_NAME, type Contract, defaultContract, lineLocator, type MutationScriptEntry, toRepoPath } from "./contract.js";
import { discoverFiles, isPythonSource, type NonJsSourceKind, nonJsSourceKind, shebangOf } from "./discover.js";
import { createRepoFacts, registerScanFacts } from "./facts/repo-facts.js";
import { importedWriteListeners, mergeListeners, repoFactsFor } from "./analysis/imported-writes.js";
import { EXECUTE_RAW, getDatabaseWrite, PRISMA_WRITE_OPERATIONS } from "./analysis/mutations.js";
import { dropsData, getPrismaCliCall, PRISMA_WRITE_COMMANDS } from "./analysis/prisma-cli.js";
import { getPayloadWrites, getSqlTableWrites, NESTED_WRITE_OPERATIONS } from "./analysis/write-payload.js";
import { envAccessListeners } from "./analysis/env-access.js";
import { isCiGuardName, matchBypassName, stripFrameworkPrefix } from "./analysis/env-names.js";
import { getFileContext } from "./settings.js";
import { classifyZone, scriptGlobOf } from "./zones.js";
import { DEFAULT_DEPLOY_SCRIPTS } from "./roles.js";
import type { RepoFacts } from "./facts/types.js";
import { readNonJsSource } from "./sources/index.js";
import { notFollowedMessage, sourceUses } from "./sources/findings.js";
import { readSourceText } from "./source-text.js";
import { scanLintConfig } from "./scanner.js";
import noBypassEnv from "../rules/no-bypass-env.js";
import noDestructiveSql, { checkSqlText } from "../rules/no-destructive-sql.js";
import picomatch from "picomatch";
import deployScriptOnlyMigrates from "../rules/deploy-script-only-migrates.js";
import type { CliIo } from "./cli.js";
import { createProgress } from "./progress.js";
import { DEFAULT_BASELINE_FILE } from "./baseline.js";

/** `$schema` of a drafted contract: the schema shipped in this package, as installed in the repository. */
export const DRAFT_SCHEMA = "./node_modules/eslint-plugin-production-safety/schema/production-contract.schema.json";

/** The placeholder reason of a drafted `bypass.allow` entry; contract validation rejects it. */
export const TODO_REASON = "TODO";

/**
 * Packages whose import opens a database connection (drivers and ORMs that create their own client),
 * proposed for `dbClients` when the repository imports them. Query-builder helpers that need one of these
 * to connect (`drizzle-orm`, `kysely`) are not listed: the driver they wrap is.
 */
export const KNOWN_DB_CLIENT_PACKAGES: readonly string[] = [
  "@libsql/client",
  "@neondatabase/serverless",
  "@planetscale/database",
  "@vercel/postgres",
  "better-sqlite3",
  "knex",
  "mongodb",
  "mongoose",
  "mysql",
  "mysql2",
  "pg",
  "pg-promise",
  "postgres",
  "sequelize",
  "slonik",
  "sqlite3",
  "typeorm",
];

/** Operation order in a drafted entry: delegate writes, raw SQL, then Prisma CLI writes (docs/design.md, The contract). */
const OPERATION_ORDER = [...PRISMA_WRITE_OPERATIONS, EXECUTE_RAW, ...PRISMA_WRITE_COMMANDS];

/** Delegate operations that write no column (as mutation-scope reads them). */
const COLUMNLESS_OPERATIONS: ReadonlySet<string> = new Set(["delete", "deleteMany"]);

/** What a script writes, as collected. */
interface ScriptWrites {
  operations: Set<string>;
  /** Table or model -> columns, or "*" (any column). */
  tables: Map<string, Set<string> | "*">;
  /** Set when mutation-scope could not check tables (a model or table not named statically, a nested relation write): no `tables`. */
  anyTable: string | undefined;
  /** Prisma commands whose words are not known statically: mutation-scope reports them whatever the entry says. */
  unknownCommands: string[];
  /** Prisma CLI writes that drop data (`dropsData`) with where they run: never allowlisted, a note each. */
  dataLoss: string[];
}

/** What the collection pass found. */
interface Collected {
  scripts: Map<string, ScriptWrites>;
  /** Bypass name (framework prefix stripped) -> first place it is used (`file:line`). */
  bypassNames: Map<string, string>;
  /** Computed bypass names (`SKIP_${x}`) at `file:line`: no allow entry covers them. */
  computedBypass: string[];
  /** Files that do not parse (`file:line`): their writes and bypass names are not listed. */
  unparsed: string[];
  /** Files that cannot be read or decoded: `file:1: problem`. */
  unreadable: string[];
  /** Places in code that set the CI guard's variable to its value (`file:line`): no-bypass-env reports them, no entry allows them. */
  ciSets: string[];
  /** Row-level DELETEs in application code, as no-destructive-sql reports them (`destructiveRowLevel`): repository path -> lines. */
  rowDeletes: Map<string, number[]>;
}

/** What the non-JavaScript sources do, as the scanner reads them (src/sources/). */
interface SourcesCollected {
  /** `mutationScripts` key (`apps/web/package.json#db:push`, a workflow, Dockerfile or shell script path) -> what runs there. */
  places: Map<string, { kind: NonJsSourceKind; operations: Set<string>; unknownCommands: string[]; dataLoss: string[] }>;
  /** Places that set the CI guard's variable to its value for a mutation (`file:line`, docs/design.md, Environment names). */
  ciSets: string[];
  /** Problems that make (part of) a file unreadable: `file:line: message`. */
  unreadable: string[];
}

/** A drafted contract and what the person reviewing it should know. */
export interface InitDraft {
  /** The contract, keys in the order they are written. */
  contract: Record<string, unknown>;
  /** What was found, one line each. */
  found: string[];
  /** What a person must decide before the contract is committed, one line each. */
  decide: string[];
  /**
   * Allowlist keys (script paths, `package.json#<script>`, workflows, Dockerfiles) that run a Prisma CLI
   * write that drops data (`dropsData`): that command is never drafted, so the scan reports it there.
   */
  dataLossPlaces: string[];
}

type Context = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

function scriptWrites(collected: Collected, repoPath: string): ScriptWrites {
  let entry = collected.scripts.get(repoPath);
  if (!entry) {
    entry = { operations: new Set(), tables: new Map(), anyTable: undefined, unknownCommands: [], dataLoss: [] };
    collected.scripts.set(repoPath, entry);
  }
  return entry;
}

function addColumns(entry: ScriptWrites, table: string, columns: Iterable<string> | "*"): void {
  const current = entry.tables.get(table);
  if (current === "*") return;
  if (columns === "*") {
    entry.tables.set(table, "*");
    return;
  }
  const set = current ?? new Set<string>();
  for (const column of columns) set.add(column);
  entry.tables.set(table, set);
}

/** The collector: the writes of script-zone files, as mutation-scope reads them. */
function writesRule(collected: Collected): TSESLint.RuleModule<string, readonly unknown[]> {
  return {
    defaultOptions: [],
    meta: { type: "problem", schema: [], messages: {} },
    create(context: Context) {
      const file = getFileContext(context);
      if (file.zone !== "scripts") return {};
      const facts = repoFactsFor(context, file);
      const schema = facts.prismaSchema;
      const line = (node: TSESTree.Node): string => `${file.repoPath}:${node.loc.start.line}`;

      function check(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
        const scope = context.sourceCode.getScope(node);
        const write = getDatabaseWrite(node, scope, schema);
        if (write) {
          const entry = scriptWrites(collected, file.repoPath);
          entry.operations.add(write.operation);
          if (write.operation === EXECUTE_RAW) {
            if (write.tables === undefined) {
              entry.anyTable ??= `raw SQL whose tables cannot be read statically at ${line(node)}`;
              return;
            }
            const tableWrites = getSqlTableWrites(write, scope);
            for (const table of write.tables) {
              // Keyed by the model whose table it is (one key per table for delegate and raw writes alike),
              // columns by their field names; mutation-scope matches a model key and field names for raw SQL too.
              const model = [...(schema?.models.values() ?? [])].find((m) => m.table === table);
              const fieldOf = (column: string): string => [...(model?.columns ?? [])].find(([, mapped]) => mapped === column)?.[0] ?? column;
              const written = tableWrites?.filter((t) => t.table === table);
              if (written === undefined || written.some((t) => t.columns === undefined)) addColumns(entry, model?.name ?? table, "*");
              else addColumns(entry, model?.name ?? table, written.flatMap((t) => (t.columns ?? []).map(fieldOf)));
            }
            return;
          }
          const model = write.model !== undefined ? schema?.models.get(write.model) : undefined;
          const payload = getPayloadWrites(write, scope, model);
          for (const nested of payload.nested) {
            entry.operations.add(NESTED_WRITE_OPERATIONS[nested.operation] ?? nested.operation);
            entry.anyTable ??= `a nested ${nested.operation} through "${nested.field}" at ${line(nested.node)}`;
          }
          if (write.model === undefined) {
            entry.anyTable ??= `a ${write.operation} on a model that cannot be named statically at ${line(node)}`;
            return;
          }
          addColumns(entry, write.model, payload.unresolved.length > 0 ? "*" : payload.fields.map((f) => f.name));
          return;
        }
        for (const { command, write: writes, args } of getPrismaCliCall(node, scope)?.commands ?? []) {
          if (!writes) continue;
          const entry = scriptWrites(collected, file.repoPath);
          if (command.includes("<unknown>")) entry.unknownCommands.push(`"${command}" at ${line(node)}`);
          else if (dropsData(command, args)) entry.dataLoss.push(`${[command, ...args].join(" ")} at ${line(node)}`);
          else entry.operations.add(command);
        }
      }

      const imported = importedWriteListeners(context, facts, (use) => {
        const entry = scriptWrites(collected, file.repoPath);
        for (const fact of use.writes) {
          if (dropsData(fact.operation, [])) {
            entry.dataLoss.push(`${fact.operation} through an imported function at ${line(use.node)}`);
            continue;
          }
          entry.operations.add(fact.operation);
          if (fact.operation.startsWith("prisma ")) continue;
          if (fact.operation === EXECUTE_RAW && fact.tables !== undefined) {
            for (const table of fact.tables) addColumns(entry, table, "*");
          } else if (fact.model === undefined) {
            entry.anyTable ??= `${fact.operation} through an imported function at ${line(use.node)}, on a table that cannot be named`;
          } else {
            // Columns written through an import cannot be seen; a delete writes none.
            addColumns(entry, fact.model, COLUMNLESS_OPERATIONS.has(fact.operation) ? [] : "*");
          }
        }
      });
      return mergeListeners(imported, { CallExpression: check, TaggedTemplateExpression: check });
    },
  };
}

/** The collector: bypass env names in use, as no-bypass-env reads them. */
function bypassRule(collected: Collected): TSESLint.RuleModule<string, readonly unknown[]> {
  return {
    defaultOptions: [],
    meta: { type: "problem", schema: [], messages: {} },
    create(context: Context) {
      const file = getFileContext(context);
      if (file.zone === "tests" || file.zone === "ignore") return {};
      return envAccessListeners(context, (access) => {
        if (access.complete && isCiGuardName(access.name, file.contract)) return;
        if (matchBypassName(access.name, file.contract, access.complete) === undefined) return;
        const where = `${file.repoPath}:${access.node.loc.start.line}`;
        if (!access.complete) collected.computedBypass.push(`${access.name}… at ${where}`);
        else {
          const name = stripFrameworkPrefix(access.name);
          if (!collected.bypassNames.has(name)) collected.bypassNames.set(name, where);
        }
      });
    },
  };
}

/**
 * Runs the collectors over the repository's JS/TS files through `Linter`, with the repository facts;
 * `no-bypass-env` itself runs too, for the places that set `CI=true` (its `ciSet` reports).
 * @returns what was collected, and the facts (for the non-JavaScript sources' "does this script load a client").
 */
function collect(root: string, contract: Contract, files: readonly string[], onProgress?: DraftOptions["onProgress"]): { collected: Collected; facts: RepoFacts } {
  const collected: Collected = { scripts: new Map(), bypassNames: new Map(), computedBypass: [], unparsed: [], unreadable: [], ciSets: [], rowDeletes: new Map() };
  const facts = createRepoFacts(root, contract, { files: [...files] });
  const unregister = registerScanFacts(facts);
  try {
    const linter = new Linter({ configType: "flat", cwd: root });
    const config = scanLintConfig(
      contract,
      root,
      { init: { rules: { writes: writesRule(collected), bypass: bypassRule(collected), "no-bypass-env": noBypassEnv, "no-destructive-sql": noDestructiveSql } } },
      { "init/writes": "error", "init/bypass": "error", "init/no-bypass-env": "error", "init/no-destructive-sql": "error" },
    );
    for (const [index, file] of files.entries()) {
      onProgress?.("running the detectors", index, files.length);
      const read = readSourceText(file);
      // Unreadable: a parse-error finding of the scan; the draft cannot list its writes.
      if ("problem" in read) {
        collected.unreadable.push(`${toRepoPath(root, file)}:1: ${read.problem}`);
        continue;
      }
      const messages = linter.verify(read.text, config, { filename: file });
      // A file that does not parse is a parse-error finding of the scan; the draft cannot list its writes.
      const fatal = messages.find((m) => m.fatal === true);
      if (fatal) collected.unparsed.push(`${toRepoPath(root, file)}:${fatal.line}`);
      for (const m of messages) {
        if (m.ruleId === "init/no-bypass-env" && m.messageId === "ciSet") collected.ciSets.push(`${toRepoPath(root, file)}:${m.line}`);
        if (m.ruleId === "init/no-destructive-sql" && m.messageId === "destructiveRowLevel") addRowDelete(collected.rowDeletes, toRepoPath(root, file), m.line);
      }
    }
  } finally {
    unregister();
  }
  return { collected, facts };
}

/**
 * Reads the non-JavaScript sources (package.json scripts, workflows, shell scripts, Dockerfiles) with the
 * scanner's readers and `sourceUses`: the Prisma CLI writes per allowlist key, the bypass names (into
 * `bypassNames`, first place kept), the `CI=true` settings and the unreadable parts.
 * @param contract the draft so far (its mutation scripts and deploy script count for the `CI=true` check).
 * @param files absolute paths of the sources, sorted.
 */
function collectSources(
  root: string,
  contract: Contract,
  facts: RepoFacts,
  files: readonly string[],
  bypassNames: Map<string, string>,
  onProgress?: DraftOptions["onProgress"],
): SourcesCollected {
  const collected: SourcesCollected = { places: new Map(), ciSets: [], unreadable: [] };
  for (const [index, file] of files.entries()) {
    onProgress?.("reading package.json scripts, workflows, Dockerfiles, shell scripts and Git hooks", index, files.length);
    const repoPath = toRepoPath(root, file);
    const read = readSourceText(file);
    if ("problem" in read) {
      collected.unreadable.push(`${repoPath}:1: ${read.problem}`);
      continue;
    }
    const { text } = read;
    const kind = nonJsSourceKind(repoPath, shebangOf(text));
    if (kind === undefined) continue;
    const source = readNonJsSource(kind, text, repoPath, { root, contract, facts });
    const locate = lineLocator(text);
    for (const error of source.errors) collected.unreadable.push(`${repoPath}:${locate(error.offset).line}: ${error.message}`);
    for (const use of sourceUses(source.blocks, source.context)) {
      const where = `${repoPath}:${locate(use.start).line}`;
      if (use.kind === "bypassName") {
        const name = stripFrameworkPrefix(use.name);
        if (!bypassNames.has(name)) bypassNames.set(name, where);
      } else if (use.kind === "ciSet") {
        collected.ciSets.push(where);
      } else if (use.kind === "notFollowed") {
        collected.unreadable.push(`${where}: ${notFollowedMessage(use)}`);
      } else {
        let place = collected.places.get(use.allowKey);
        if (!place) {
          place = { kind, operations: new Set(), unknownCommands: [], dataLoss: [] };
          collected.places.set(use.allowKey, place);
        }
        if (use.command.includes("<unknown>")) place.unknownCommands.push(`"${use.command}" at ${where}`);
        else if (dropsData(use.command, use.args)) place.dataLoss.push(`${[use.command, ...use.args].join(" ")} at ${where}`);
        else place.operations.add(use.command);
      }
    }
  }
  return collected;
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`, `pg/lib` -> `pg`), or undefined for a relative path. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Folders named `migrations` (repository-relative, no trailing slash) that hold scanned files, sorted. */
function migrationFolders(repoPaths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const repoPath of repoPaths) {
    const segments = repoPath.split("/");
    const index = segments.slice(0, -1).indexOf("migrations");
    if (index >= 0) folders.add(segments.slice(0, index + 1).join("/"));
  }
  return [...folders].sort();
}

/** How a non-JavaScript source is named in the notes. */
const SOURCE_LABEL: Record<NonJsSourceKind, string> = {
  "package-json": "package.json script",
  workflow: "workflow",
  shell: "shell script",
  dockerfile: "Dockerfile",
  "git-hook": "Git hook",
  lefthook: "lefthook hook",
  "pre-commit": "pre-commit hook",
};

const HOOK_ADVICE = "a Git hook runs on every developer's machine at every commit, merge or checkout, against whatever database that machine points at; a hook should not write to a database: remove the command, or keep the entry knowingly";

/** What a person should weigh before keeping a drafted entry of each kind of non-JavaScript source. */
const SOURCE_ADVICE: Record<NonJsSourceKind, string> = {
  workflow: "a release workflow is the place for prisma migrate deploy (docs/design.md#allowlisting-non-code-places); keep only the commands its release job needs",
  dockerfile: "an image that migrates when it is built or started does so on every deploy and every replica; move migrations to the release job, or keep the entry knowingly",
  "package-json": "anyone can run this script with a production DATABASE_URL; keep the entry only if it is meant to run against production",
  shell: "anyone can run this script with a production DATABASE_URL; keep the entry only if it is meant to run against production",
  "git-hook": HOOK_ADVICE,
  lefthook: HOOK_ADVICE,
  "pre-commit": HOOK_ADVICE,
};

/**
 * The note for a Prisma CLI write that drops data (`dropsData`), which a draft never allowlists.
 * @param place the allowlist key (a script path, `package.json#<script>`, a workflow, a Dockerfile).
 * @param command the command with its arguments and where it runs (`prisma migrate reset at x:3`).
 */
function dataLossNote(place: string, command: string): string {
  return `${place} runs ${command}, which drops data: not allowlisted, so the scan reports it. Keep it a development command (accept the finding in the baseline), or remove it; never allowlist it for production.`;
}

function sortOperations(operations: Iterable<string>): string[] {
  const rank = (op: string): number => {
    const index = OPERATION_ORDER.indexOf(op);
    return index === -1 ? OPERATION_ORDER.length : index;
  };
  return [...operations].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** A Next.js route handler, page or layout (App Router), or a file under a Pages Router `pages/` folder. */
const FRAMEWORK_ENTRY = /(^|\/)app\/(.+\/)?(route|page|layout)\.[cm]?[jt]sx?$|(^|\/)pages\/.+\.[cm]?[jt]sx?$/;

function addRowDelete(rowDeletes: Map<string, number[]>, repoPath: string, line: number): void {
  const lines = rowDeletes.get(repoPath) ?? [];
  lines.push(line);
  rowDeletes.set(repoPath, lines);
}

/**
 * The drafted `dataLayer` (see the module comment): per folder with row deletes, `<folder>/**` when two or
 * more of its files hold them, else the file; a glob that would match a file outside application code
 * (`isApplication` false: a script zone, an allowlisted or deploy script) is replaced by its files; a file
 * a shallower glob already matches is not listed again. Sorted.
 * @param rowDeletes repository path -> lines of its row deletes.
 * @param repoPaths every discovered file.
 */
function draftDataLayer(rowDeletes: ReadonlyMap<string, readonly number[]>, repoPaths: readonly string[], isApplication: (repoPath: string) => boolean): string[] {
  const byFolder = new Map<string, string[]>();
  for (const file of [...rowDeletes.keys()].sort()) {
    const folder = path.posix.dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  const globs: string[] = [];
  const covered = (file: string): boolean => globs.some((glob) => picomatch.isMatch(file, glob, { dot: true }));
  const depth = (folder: string): number => (folder === "." ? 0 : folder.split("/").length);
  for (const [folder, files] of [...byFolder].sort(([a], [b]) => depth(a) - depth(b) || (a < b ? -1 : 1))) {
    const remaining = files.filter((file) => !covered(file));
    if (remaining.length === 0) continue;
    const glob = folder === "." ? "**" : `${folder}/**`;
    const safe = files.length >= 2 && repoPaths.every((p) => !picomatch.isMatch(p, glob, { dot: true }) || isApplication(p));
    if (safe) globs.push(glob);
    else globs.push(...remaining);
  }
  return globs.sort();
}

/**
 * Notes for script-zone files that are application code: a framework entry point (a Next.js route
 * handler or page: umami's `src/app/api/scripts/telemetry/route.ts` matches `**\/scripts/**`), or a module
 * that application code imports. One note per folder, naming the glob and the narrower globs to use.
 * @param importedBy script-zone file -> an application file that imports it (repository paths).
 */
function applicationCodeNotes(scriptFiles: readonly string[], importedBy: ReadonlyMap<string, string>, contract: Contract): string[] {
  const why = (file: string): string | undefined =>
    FRAMEWORK_ENTRY.test(file) ? "a framework route or page" : importedBy.has(file) ? `${importedBy.get(file)} imports it` : undefined;
  const appFiles = new Set(scriptFiles.filter((file) => why(file) !== undefined));
  const notes: string[] = [];
  for (const folder of [...new Set([...appFiles].map((file) => path.posix.dirname(file)))].sort()) {
    const inFolder = [...appFiles].filter((file) => path.posix.dirname(file) === folder);
    const glob = scriptGlobOf(inFolder[0]!, contract);
    // For a `**/<name>/**` glob: the folders of that name that hold the real scripts, anchored (`scripts/**`).
    const name = /^\*\*\/([^*/]+)\/\*\*$/.exec(glob ?? "")?.[1];
    const anchored = (file: string): string => {
      const segments = file.split("/");
      return `${segments.slice(0, segments.indexOf(name!) + 1).join("/")}/**`;
    };
    const realScripts = scriptFiles.filter((file) => !appFiles.has(file) && scriptGlobOf(file, contract) === glob);
    const scriptRoots = name === undefined ? [] : [...new Set(realScripts.map(anchored))].sort();
    const instead = scriptRoots.length > 0 ? ` (e.g. ${scriptRoots.map((g) => `"${g}"`).join(", ")} instead of "${glob}")` : "";
    notes.push(
      `${folder}/ is application code (${inFolder.map((file) => `${path.posix.basename(file)}: ${why(file)}`).join("; ")}), but the script zone "${glob}" matches it, so it is checked as mutation scripts. Narrow "scripts" to the folders that hold scripts${instead}.`,
    );
  }
  return notes;
}

/**
 * What `deploy-script-only-migrates` reports in `candidate` if it is the deploy script: the rule itself,
 * run through `Linter` on that file with `deployScript` set to it.
 * @returns per finding its line and that line's code, trimmed (a file that cannot be read: its problem at
 *   line 1); empty when the file passes.
 */
function deployScriptBlockers(root: string, contract: Contract, files: readonly string[], candidate: string): { line: number; code: string }[] {
  const asDeploy: Contract = { ...contract, deployScript: candidate };
  const unregister = registerScanFacts(createRepoFacts(root, asDeploy, { files: [...files] }));
  try {
    const read = readSourceText(path.join(root, candidate));
    if ("problem" in read) return [{ line: 1, code: read.problem }];
    const lines = read.text.split(/\r?\n/);
    const linter = new Linter({ configType: "flat", cwd: root });
    const config = scanLintConfig(asDeploy, root, { init: { rules: { deploy: deployScriptOnlyMigrates } } }, { "init/deploy": "error" });
    return linter
      .verify(read.text, config, { filename: path.join(root, candidate) })
      // The rule's findings only (not ESLint's notes on ignored inline configuration comments).
      .filter((m) => m.ruleId === "init/deploy")
      .map((m) => ({ line: m.line, code: (lines[m.line - 1] ?? "").trim() }));
  } finally {
    unregister();
  }
}

/** True when a discovered file is Python (`.py`, or a Python shebang on a file without an extension). */
function isPythonFile(root: string, file: string): boolean {
  const repoPath = toRepoPath(root, file);
  if (repoPath.endsWith(".py")) return true;
  if (path.posix.basename(repoPath).includes(".")) return false;
  const read = readSourceText(file);
  return "text" in read && isPythonSource(repoPath, read.text);
}

/** Options of `draftContract`. */
export interface DraftOptions {
  /** Progress: `done` of `total` files in `stage` (for the terminal line of src/progress.ts). */
  onProgress?: (stage: string, done: number, total: number) => void;
}

/**
 * Drafts a contract for the repository at `root` (see the module comment for what goes in).
 * @param root absolute path of an existing directory.
 * @param options `onProgress`, called before each file of each stage.
 * @returns the draft (a plain object, keys in the order they are written) and the lines to print. Reads
 *   only; never throws for a file that cannot be read or parsed (its writes are not listed).
 */
export async function draftContract(root: string, options: DraftOptions = {}): Promise<InitDraft> {
  const defaults = defaultContract();
  const found: string[] = [];
  const decide: string[] = [];

  // Zones: the defaults, plus migration folders they miss.
  const discovered = await discoverFiles(root, defaults);
  const repoPaths = discovered.map((file) => toRepoPath(root, file));
  const migrations = [...defaults.migrations];
  for (const folder of migrationFolders(repoPaths)) {
    const inFolder = repoPaths.filter((p) => p.startsWith(`${folder}/`));
    const zones = new Set(inFolder.map((p) => classifyZone(p, defaults)));
    if (zones.has("migrations") || zones.has("tests") || zones.has("ignore")) continue;
    if (zones.has("scripts")) {
      decide.push(`${folder}/ is inside a script zone: its files are mutation scripts, not migrations. If it holds schema migrations, add "${folder}/**" to "migrations".`);
      continue;
    }
    migrations.push(`${folder}/**`);
    found.push(`migration folder ${folder}/ (added to "migrations": destructive SQL is allowed there)`);
  }
  const draftZones: Contract = { ...defaults, migrations };
  const scriptFiles = repoPaths.filter((p) => classifyZone(p, draftZones) === "scripts");
  const scriptFolders = [...new Set(scriptFiles.map((p) => path.posix.dirname(p)))].sort();
  found.push(
    scriptFiles.length === 0
      ? `no files in the script zones (${defaults.scripts.join(", ")})`
      : `${plural(scriptFiles.length, "file")} in the script zones: ${scriptFolders.map((f) => `${f}/`).join(", ")}`,
  );

  // Database clients imported. The non-JavaScript sources are read by their own readers below, as the scanner does.
  const pythonFiles = discovered.filter((f) => isPythonFile(root, f));
  const pythonSet = new Set(pythonFiles);
  const sourceFiles = discovered.filter((f) => !pythonSet.has(f) && nonJsSourceKind(toRepoPath(root, f), "shell") !== undefined);
  const sourceSet = new Set(sourceFiles);
  const codeFiles = discovered.filter((f) => !f.endsWith(".sql") && !sourceSet.has(f) && !pythonSet.has(f));
  const importFacts = createRepoFacts(root, draftZones, { files: codeFiles });
  const imported = new Set<string>();
  // Script-zone files that application code imports (they are modules, not scripts).
  const importedBy = new Map<string, string>();
  for (const [index, file] of codeFiles.entries()) {
    options.onProgress?.("reading imports", index, codeFiles.length);
    const from = toRepoPath(root, file);
    const fromApp = classifyZone(from, draftZones) === "app";
    for (const edge of importFacts.imports(file)) {
      if (edge.kind === "type") continue;
      if (edge.resolved !== undefined) {
        const to = toRepoPath(root, edge.resolved);
        if (fromApp && classifyZone(to, draftZones) === "scripts" && !importedBy.has(to)) importedBy.set(to, from);
        continue;
      }
      const name = packageOf(edge.specifier);
      if (name !== undefined && KNOWN_DB_CLIENT_PACKAGES.includes(name)) imported.add(name);
      if (name !== undefined && defaults.dbClients.includes(name)) imported.add(name);
    }
  }
  const dbClients = [...defaults.dbClients, ...[...imported].filter((n) => !defaults.dbClients.includes(n)).sort()];
  found.push(imported.size === 0 ? "no database client imported (dbClients keeps the Prisma defaults)" : `database clients imported: ${[...imported].sort().join(", ")}`);

  // Writes and bypass names, through the rules' own detectors.
  const draft: Contract = { ...draftZones, dbClients };
  const { collected, facts } = collect(root, draft, codeFiles, options.onProgress);
  decide.push(...applicationCodeNotes(scriptFiles, importedBy, draftZones));
  if (pythonFiles.length > 0) {
    // Python files, read by the Python checks' own detectors (loaded only when there are some).
    options.onProgress?.("reading Python files", 0, pythonFiles.length);
    const { readPythonForInit } = await import("./sources/python/init.js");
    const python = await readPythonForInit(root, draft, pythonFiles);
    for (const [repoPath, writes] of python.scripts) {
      collected.scripts.set(repoPath, { operations: writes.operations, tables: new Map(), anyTable: undefined, unknownCommands: [], dataLoss: writes.dataLoss });
    }
    for (const [name, where] of python.bypassNames) if (!collected.bypassNames.has(name)) collected.bypassNames.set(name, where);
    collected.computedBypass.push(...python.computedBypass);
    collected.ciSets.push(...python.ciSets);
    collected.unparsed.push(...python.unparsed);
  }

  const mutationScripts: Record<string, MutationScriptEntry> = {};
  const deployCandidates: string[] = [];
  const dataLossPlaces: string[] = [];
  for (const [repoPath, writes] of [...collected.scripts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (writes.operations.size > 0) {
      const entry: (typeof mutationScripts)[string] = { operations: sortOperations(writes.operations) };
      if (writes.anyTable === undefined && writes.tables.size > 0) {
        entry.tables = Object.fromEntries(
          [...writes.tables].sort(([a], [b]) => (a < b ? -1 : 1)).map(([table, columns]) => [table, columns === "*" ? "*" : [...columns].sort()]),
        );
      }
      mutationScripts[repoPath] = entry;
      found.push(`mutation script ${repoPath}: ${entry.operations.join(", ")}${entry.tables ? ` on ${Object.keys(entry.tables).join(", ")}` : ""}`);
      if (writes.anyTable !== undefined) decide.push(`${repoPath} may write any table (no "tables" drafted: ${writes.anyTable}). Name the tables it needs, or keep it unrestricted.`);
      if (writes.operations.has("prisma migrate deploy")) deployCandidates.push(repoPath);
    }
    for (const command of writes.unknownCommands) {
      decide.push(`${repoPath} runs a Prisma command that cannot be read statically (${command}): mutation-scope reports it until the command is written literally.`);
    }
    for (const command of writes.dataLoss) decide.push(dataLossNote(repoPath, command));
    if (writes.dataLoss.length > 0) dataLossPlaces.push(repoPath);
  }

  let deployScript: string | undefined;
  if (deployCandidates.length === 1) {
    const candidate = deployCandidates[0]!;
    const blockers = deployScriptBlockers(root, draft, codeFiles, candidate);
    if (blockers.length === 0) {
      deployScript = candidate;
      found.push(`deploy script ${deployScript} (runs prisma migrate deploy)`);
    } else {
      const lines = [...new Set(blockers.map((b) => b.line))];
      const where = `${plural(blockers.length, "finding")} (line${lines.length === 1 ? "" : "s"} ${lines.slice(0, 10).join(", ")}${lines.length > 10 ? ", …" : ""}; the first: ${blockers[0]!.code})`;
      decide.push(
        DEFAULT_DEPLOY_SCRIPTS.includes(candidate)
          ? `${candidate} is the deploy script by its name, and deploy-script-only-migrates reports ${where} in it: move that work into its own step of the deploy pipeline.`
          : `${candidate} runs prisma migrate deploy but is not drafted as "deployScript": deploy-script-only-migrates would report ${where} in it. Move that work into its own step of the deploy pipeline, then set "deployScript": "${candidate}".`,
      );
    }
  } else if (deployCandidates.length > 1) {
    decide.push(`${deployCandidates.length} scripts run prisma migrate deploy (${deployCandidates.join(", ")}): set "deployScript" to the one that should.`);
  } else {
    const existing = DEFAULT_DEPLOY_SCRIPTS.find((p) => existsSync(path.join(root, p)));
    if (existing !== undefined) found.push(`${existing} is the deploy script by default, but does not run prisma migrate deploy`);
  }

  // The non-JavaScript sources, read as the scanner reads them, against the draft so far (its mutation
  // scripts and deploy script are what a `CI=true` command may run, docs/design.md, Environment names).
  const sourceContract: Contract = { ...draft, mutationScripts: { ...mutationScripts }, ...(deployScript === undefined ? {} : { deployScript }) };
  const fromSources = collectSources(root, sourceContract, facts, sourceFiles, collected.bypassNames, options.onProgress);
  for (const [key, place] of [...fromSources.places].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (place.operations.size > 0) {
      const operations = sortOperations(place.operations);
      mutationScripts[key] = { operations };
      found.push(`${SOURCE_LABEL[place.kind]} ${key}: ${operations.join(", ")}`);
      decide.push(
        `${key} (${SOURCE_LABEL[place.kind]}) runs ${operations.join(", ")}, allowlisted as it is today: ${SOURCE_ADVICE[place.kind]}.` +
          (operations.includes("prisma db push") ? " prisma db push changes the schema without a migration: remove the entry unless production is meant to be changed that way." : ""),
      );
    }
    for (const command of place.unknownCommands) {
      decide.push(`${key} runs a Prisma command that cannot be read statically (${command}): no-direct-prisma-cli reports it until the command is written literally.`);
    }
    for (const command of place.dataLoss) decide.push(dataLossNote(key, command));
    if (place.dataLoss.length > 0) dataLossPlaces.push(key);
  }

  const tablesWithAllColumns = Object.entries(mutationScripts).filter(([, e]) => Object.values(e.tables ?? {}).includes("*")).map(([p]) => p);
  if (tablesWithAllColumns.length > 0) {
    decide.push(`"*" (any column) was drafted where the columns cannot be read (a payload built at run time, a write through an imported function) in ${tablesWithAllColumns.join(", ")}: narrow it to the columns each script needs.`);
  }
  if (Object.keys(mutationScripts).length > 0) {
    decide.push(`Review every mutationScripts entry: each script is allowed exactly what it does today. Remove what should not write to production, and list retired scripts in "deprecatedScripts" instead.`);
  }

  const allow = [...collected.bypassNames].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name]) => ({ name, reason: TODO_REASON }));
  for (const [name, where] of [...collected.bypassNames].sort(([a], [b]) => (a < b ? -1 : 1))) found.push(`bypass name ${name} (first at ${where})`);
  if (allow.length > 0) {
    decide.push(`bypass.allow lists ${plural(allow.length, "bypass name")} with "reason": "TODO": the contract does not validate until each has a real reason, or is removed (and the bypass taken out of the code).`);
  }
  for (const computed of collected.computedBypass) decide.push(`a computed bypass name ${computed}: no allow entry covers it; no-bypass-env keeps reporting it.`);
  for (const file of collected.unparsed) decide.push(`${file}: the file does not parse, so its writes and bypass names are not in the draft (parse-error reports it). Fix it and run init again.`);
  for (const problem of [...collected.unreadable, ...fromSources.unreadable]) {
    decide.push(`${problem}: what it runs there is not in the draft (parse-error reports it). Fix it and run init again.`);
  }
  const { env: ciEnv, equals: ciValue } = draft.ciGuard;
  for (const where of [...collected.ciSets, ...fromSources.ciSets].sort()) {
    decide.push(`${where} sets ${ciEnv}=${ciValue} (no-bypass-env reports it): CI-only guards then pass outside CI, and no contract entry can allow that. Take it out and let the CI system set ${ciEnv}.`);
  }
  // Row deletes in application code: the folders of the data layer, for review.
  for (const file of discovered.filter((f) => f.endsWith(".sql"))) {
    const repoPath = toRepoPath(root, file);
    if (classifyZone(repoPath, draftZones) !== "app") continue;
    const read = readSourceText(file);
    if (!("text" in read)) continue;
    const locate = lineLocator(read.text);
    for (const finding of checkSqlText(read.text, { zone: "app", dataLayer: false })) {
      if (finding.messageId === "destructiveRowLevel") addRowDelete(collected.rowDeletes, repoPath, locate(finding.offset).line);
    }
  }
  const application = (repoPath: string): boolean =>
    classifyZone(repoPath, draftZones) !== "scripts" && !Object.hasOwn(mutationScripts, repoPath) && repoPath !== deployScript && !DEFAULT_DEPLOY_SCRIPTS.includes(repoPath);
  const dataLayer = draftDataLayer(collected.rowDeletes, repoPaths, application);
  if (dataLayer.length > 0) {
    const statements = [...collected.rowDeletes.values()].reduce((sum, lines) => sum + lines.length, 0);
    const [firstFile, firstLines] = [...collected.rowDeletes].sort(([a], [b]) => (a < b ? -1 : 1))[0]!;
    found.push(`row-level DELETE ... WHERE in application code: ${plural(statements, "statement")} in ${plural(collected.rowDeletes.size, "file")} (drafted in "dataLayer")`);
    decide.push(
      `dataLayer lists ${dataLayer.map((g) => `"${g}"`).join(", ")}: application code with ${plural(statements, "row-level DELETE ... WHERE statement")} (the first at ${firstFile}:${firstLines[0]}). ` +
        "Review them once: in a dataLayer file a DELETE or UPDATE whose WHERE names a column is no longer reported (DROP, TRUNCATE and deletes of every row still are). Remove an entry to keep its deletes reported, or move them into migrations.",
    );
  }
  decide.push(
    `No "safety" section is drafted, so the destructive-operation layers (group D: require-production-check, dry-run-by-default, require-backup, env-fail-closed) are off. To turn them on, name your functions, e.g. "safety": { "productionCheck": ["isProduction"], "safetyCheck": ["passesSafetyCheck"], "confirm": ["requireConfirmation"], "backup": ["createBackup"], "environment": { "variables": ["ENVIRONMENT"] } }.`,
  );
  decide.push(`No CI guard is drafted: set "ciGuard.functions" / "ciGuard.modules" if your scripts guard through a helper, or require-ci-guard reports every mutation script that loads a client outside CI.`);

  const contract: Record<string, unknown> = {
    $schema: DRAFT_SCHEMA,
    version: 1,
    scripts: defaults.scripts,
    migrations,
    ...(dataLayer.length > 0 ? { dataLayer } : {}),
    dbClients,
    mutationScripts: Object.fromEntries(Object.entries(mutationScripts).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  if (deployScript !== undefined) contract.deployScript = deployScript;
  if (allow.length > 0) contract.bypass = { allow };
  return { contract, found, decide, dataLossPlaces: dataLossPlaces.sort() };
}

/** Flags of `contract-scan init`. */
export interface InitFlags {
  force?: boolean;
  stdout?: boolean;
}

/**
 * Runs `contract-scan init [dir]`: drafts the contract and writes it to `<dir>/production-contract.json`,
 * or prints it to stdout with `--stdout` (the notes then go to stderr). An existing contract is never
 * replaced without `--force`.
 * @returns the exit code: 0 written or printed; 2 when `dir` is not a directory, a contract exists
 *   (without `--force`), or the file cannot be written.
 */
export async function runInit(dir: string, flags: InitFlags, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    io.stderr(`contract-scan init: not a directory: ${dir}\n`);
    return 2;
  }
  const target = path.join(root, CONTRACT_FILE_NAME);
  if (flags.stdout !== true && flags.force !== true && existsSync(target)) {
    io.stderr(`contract-scan init: ${target} already exists; not replacing it. Use --force to replace it, or --stdout to print the draft.\n`);
    return 2;
  }
  // On a terminal, the same progress line as the scan's (stderr), erased when the draft is done.
  const progress = io.stderrIsTTY === true ? createProgress(io.stderr, io.now, { label: "contract-scan init" }) : undefined;
  let draft: InitDraft;
  try {
    draft = await draftContract(root, progress === undefined ? {} : { onProgress: (stage, done, total) => progress.update(done, total, stage) });
  } finally {
    progress?.finish();
  }
  const json = `${JSON.stringify(draft.contract, null, 2)}\n`;
  const notes = (flags.stdout === true ? io.stderr : io.stdout).bind(undefined);
  if (flags.stdout === true) io.stdout(json);
  else {
    try {
      await writeFile(target, json);
    } catch (error) {
      io.stderr(`contract-scan init: cannot write ${target}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  notes(
    [
      flags.stdout === true ? `contract-scan init: drafted a contract for ${root}` : `contract-scan init: wrote ${target}`,
      "",
      "Found:",
      ...draft.found.map((line) => `  - ${line}`),
      "",
      "A person must decide:",
      ...draft.decide.map((line) => `  - ${line}`),
      "",
      "Next steps:",
      ...nextSteps(dir, draft, flags.stdout === true).map((line, index) => `  ${index + 1}. ${line}`),
      "",
    ].join("\n"),
  );
  return 0;
}

/**
 * The adoption path after `init`, one command per step: the contract completed, the scan previewed, today's
 * findings accepted in the default baseline, the hook and CI job of the README installed.
 * @param dir the directory as the user gave it (commands name it unless it is ".").
 */
function nextSteps(dir: string, draft: InitDraft, printed: boolean): string[] {
  const target = dir === "." ? "" : ` ${dir}`;
  const file = dir === "." ? CONTRACT_FILE_NAME : path.join(dir, CONTRACT_FILE_NAME);
  const todos = ((draft.contract.bypass as { allow?: unknown[] } | undefined)?.allow ?? []).length;
  return [
    ...(printed ? [`Save the draft as ${file}.`] : []),
    todos > 0
      ? `Replace the ${todos} "reason": "TODO" placeholder${todos === 1 ? "" : "s"} in ${file} with real reasons (the contract does not load until then), and settle the notes above.`
      : `Settle the notes above in ${file}.`,
    `Preview the findings: npx contract-scan${target}`,
    `Accept today's findings: npx contract-scan${target} --update-baseline (writes ${DEFAULT_BASELINE_FILE}, which later runs read; commit it with the contract).`,
    `Install the pre-commit hook and the CI job: "Running it in pre-commit and CI" in the eslint-plugin-production-safety README. From then on, only new findings fail.`,
  ];
}
