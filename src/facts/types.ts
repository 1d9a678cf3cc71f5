/**
 * The repository facts layer (issue: group A), the one interface rules ask about the whole repository.
 * Rules never walk the file system themselves (STYLE: repository facts behind one interface).
 *
 * Facts never execute scanned code: modules are parsed with `@typescript-eslint/typescript-estree`,
 * resolved with TypeScript's own resolver (`ts.resolveModuleName` of the `typescript` package) and the Prisma schema
 * is read with `@mrleebo/prisma-ast`. In ESLint they are computed lazily for the contract's root and cached
 * by file content (`getRepoFacts`); `contract-scan` builds them once per run and shares them with every
 * rule (`buildRepoFacts` or `createRepoFacts` over its file list, then `registerScanFacts`). All paths here are absolute, normalized with
 * `path.resolve`.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { Contract } from "../contract.js";

/** How an import-like edge loads its module. */
export type ImportKind = "static" | "sideEffect" | "type" | "require" | "dynamic";

/** One import-like edge from a module. */
export interface ModuleImport {
  /** The specifier as written (`@prisma/client`, `./lib/prisma`, `@/lib/prisma`). */
  specifier: string;
  /**
   * The repository module it resolves to, or undefined: a package (nothing is installed when the
   * scanner runs), a file outside the repository (node_modules, build output, the `ignore` zone, a
   * `.d.ts`), or unresolvable.
   */
  resolved: string | undefined;
  /**
   * static: `import x from` / `import {x} from` / `export ... from` (hoisted, ESM);
   * sideEffect: `import "x"` (hoisted); type: `import type`, `export type`, an import whose every
   * specifier is `type` (unless the tsconfig sets `verbatimModuleSyntax`), `typeof import("x")`
   * (loads nothing); require: `require("x")`, `import x = require("x")`; dynamic: `import("x")`.
   */
  kind: ImportKind;
  /** 1-based line of the import (declaration or call) in its file. */
  line: number;
  /** 1-based column (UTF-16 code units) of the import in its file. */
  column: number;
  /**
   * True when a binding it declares is used as a Prisma client on a schema model
   * (`prisma.user.deleteMany()`, src/analysis/imports.ts `isUsedAsPrismaClient`); absent otherwise. Such
   * an import that resolves to no repository module is a database client (docs/design.md: fail closed).
   */
  clientUse?: true;
}

/** One database write found in code, as "is this a database write" (docs/design.md, One problem, one finding) sees it. */
export interface MutationFact {
  /** Prisma delegate method (`create`, `deleteMany`, ...), `executeRaw`, or a Prisma CLI write command (`prisma migrate deploy`). */
  operation: string;
  /** Prisma model name (`User`; with a schema, the model's declared name), or undefined for raw SQL, CLI and unknown delegates. */
  model: string | undefined;
  /** Raw SQL only: the tables written, when known statically (see `DatabaseWrite.tables`). */
  tables?: readonly string[] | undefined;
  /** The file the write is in (absolute). */
  file: string;
  /** 1-based line and column (UTF-16) of the call. */
  line: number;
  column: number;
}

/** A Prisma model with its table and column names (from `@@map` and `@map`). */
export interface PrismaModelFacts {
  /** Model name as declared (`ServiceCategory`). */
  name: string;
  /** Table name: the `@@map` argument, else the model name. */
  table: string;
  /**
   * Field name -> column name (`@map` argument, else the field name) for every field that is not a
   * relation: scalars, enums, composite types, `Unsupported(...)`.
   */
  columns: Map<string, string>;
  /** Relation field names (fields whose type is another model). */
  relations: Set<string>;
  /** The schema file that declares the model (absolute); absent for a schema built by hand (tests). */
  file?: string;
}

/** The Prisma schema(s) of the repository, parsed with `@mrleebo/prisma-ast`. */
export interface PrismaSchemaFacts {
  /** The schema files read (absolute, sorted), including the ones that failed to parse. */
  files: string[];
  /** Model name -> model. When two schema files declare the same model name, the first file (sorted) wins. */
  models: Map<string, PrismaModelFacts>;
  /**
   * Output directories (absolute) of the `prisma-client-js` / `prisma-client` generators that set
   * `output`: importing a module there loads a database client (it counts like a `dbClients` path).
   * Absent for a schema built by hand (tests).
   */
  clientOutputs?: string[];
  /** The model a client delegate names (`serviceCategory` -> ServiceCategory: first letter lower-cased), or undefined. */
  modelForDelegate(delegate: string): PrismaModelFacts | undefined;
  /** The model whose name (first) or table (else) is `nameOrTable` (case-sensitive), or undefined. */
  modelByNameOrTable(nameOrTable: string): PrismaModelFacts | undefined;
}

/** A file the facts could not read: a schema that does not parse, a module with a syntax error, a missing `prismaSchema`. */
export interface FactsProblem {
  /** Absolute path. */
  file: string;
  message: string;
  /** 1-based line and column of the problem (1, 1 when unknown). */
  line: number;
  column: number;
  /**
   * Set when the problem is a contract key (`prismaSchema` matching no file): the key path, so the
   * scanner can report it at that key of the contract file; `file` is then `<root>/production-contract.json`.
   */
  contractKey?: string;
}

/** A module's tree and scopes (see `RepoFacts.parsedModule`). Treat as read-only: it is shared. */
export interface ParsedModule {
  file: string;
  text: string;
  ast: TSESTree.Program;
  scopeManager: TSESLint.Scope.ScopeManager;
}

/** Facts about the repository at one root, for one contract. */
export interface RepoFacts {
  /** Absolute repository root. */
  readonly root: string;
  /** The contract the facts were built for. */
  readonly contract: Contract;
  /**
   * Uses `text` as the content of `file` (an unsaved editor buffer: ESLint's `context.sourceCode.text`)
   * instead of what is on disk, until another file's text is given this way (one file at a time: the one
   * being linted). Text equal to the file's cached content costs a hash and invalidates nothing.
   * @returns this facts object, for chaining.
   */
  withFileText(file: string, text: string): RepoFacts;
  /**
   * True for a module the facts follow: a JS/TS source (not a `.d.ts`) among the scanner's files, or,
   * without a file list (editors), under the root and not in node_modules, `.gitignore`d or the
   * `ignore` zone.
   */
  isRepoModule(file: string): boolean;
  /**
   * Import-like edges of a repository module, in source order ([] for a file that is not a repository
   * module, cannot be read, or does not parse: see `problem`).
   */
  imports(file: string): readonly ModuleImport[];
  /**
   * Resolves a specifier as TypeScript would (nearest tsconfig's `paths`/`baseUrl`/`extends`, `.js` ->
   * `.ts`, index files, workspace package names) to a repository module, or undefined (see
   * `ModuleImport.resolved`).
   * @param kind `require` resolves with CommonJS conditions; anything else with ESM conditions.
   */
  resolve(fromFile: string, specifier: string, kind?: ImportKind): string | undefined;
  /**
   * True when `specifier`, imported from `fromFile`, names a database client itself: one of the
   * contract's `dbClients` specifiers (or a subpath of one: `@prisma/client/edge`), a module at one of
   * its repository paths, or in a Prisma generator's `output` directory; or an import of it in `fromFile`
   * that resolves to no repository module (a path that no longer exists, a package) is used there as a
   * Prisma client on a schema model (`ModuleImport.clientUse`, fail closed).
   * @param kind how it is loaded (`require` resolves with CommonJS conditions); `type` loads nothing: false.
   */
  isDbClientSpecifier(fromFile: string, specifier: string, kind?: ImportKind): boolean;
  /**
   * True when loading `specifier` from `fromFile` loads a database client: the specifier names one
   * (`isDbClientSpecifier`), or it resolves to a repository module that loads one directly or
   * transitively (through non-type imports).
   * @param kind how it is loaded (`require` resolves with CommonJS conditions); `type` loads nothing: false.
   */
  loadsDbClient(fromFile: string, specifier: string, kind?: ImportKind): boolean;
  /** True when the repository module loads a database client directly or transitively (non-type imports only; cycle-safe). */
  isDbClientLoader(file: string): boolean;
  /**
   * Why a module loads a database client: the import edges from `file` to the client, first edge from
   * `file` itself, the last one naming the client; undefined when it loads none.
   */
  dbClientChain(file: string): readonly ModuleImport[] | undefined;
  /**
   * The database writes each exported function of `file` performs, directly or through functions it
   * calls or references (in its own file or imported from repository modules, transitively, cycle-safe).
   * A call on a member of a value (`db.user.findFirst()`, `service.purge()`) reaches that member only,
   * where the value's members are known (an object literal, also one a factory returns; a class; an
   * instance), else the whole value. A `super.$executeRaw()` that only forwards a client's own
   * `$executeRaw` override is not counted: the write is where `$executeRaw` is called.
   * Keyed by export name (`default` for the default export and for CommonJS `module.exports = ...`);
   * only exports with at least one write are present. A script calling an imported `wipeUsers()` counts
   * as mutating through this.
   */
  mutatingExports(file: string): ReadonlyMap<string, readonly MutationFact[]>;
  /**
   * The writes of one export of `file` (through `export ... from` and `export *` too); `*` means every
   * export (a namespace used as a whole). [] for an unknown export or a file that is not a repository module.
   */
  exportWrites(file: string, name: string): readonly MutationFact[];
  /**
   * The writes that happen when `file` is loaded: its top-level code (and the functions it calls or
   * passes as callbacks there), and the load-time writes of every module it imports (non-type),
   * transitively.
   */
  loadWrites(file: string): readonly MutationFact[];
  /**
   * The writes `identifier` reaches when it is bound to an import of a repository module (a named,
   * default or namespace import, `import x = require()`, a variable bound to `require("x")` or
   * `await import("x")`, whole or destructured): that export's writes (see `exportWrites`; a member
   * access `users.wipe` on a namespace or module object picks `wipe`; a call whose result is discarded
   * runs the function without what it returns; a use that only tests the binding, `if (!prisma)`, reaches
   * nothing). [] for anything else: local bindings are in the rule's own file, whose writes it sees directly.
   * @param fromFile the file the identifier is in (the linted file).
   * @param identifier a reference: a callee (`wipeUsers()`), the object of a member call (`users.wipe()`), a callback argument.
   * @param scope the scope the identifier is in (`context.sourceCode.getScope(identifier)`).
   */
  referenceWrites(fromFile: string, identifier: TSESTree.Identifier, scope: TSESLint.Scope.Scope): readonly MutationFact[];
  /** Repository modules `file` imports (non-type), directly or transitively, without `file` itself (cycle-safe). */
  dependencies(file: string): ReadonlySet<string>;
  /**
   * The reverse of `dependencies`: the modules of `among` whose import graph reaches one of `targets`,
   * that is, that import (non-type) a target directly or transitively (`contract-scan --changed`, docs/design.md,
   * `--changed` and the baseline: the mutation scripts a change reaches). A module of `among` that is itself a target counts only
   * when it reaches a target through its imports (a cycle). Walks forward from each module of `among`
   * (cheap when `among` is small, as script zones are), each module's imports read once, cycle-safe.
   * @param targets absolute paths (a path that is no repository module is reached by nobody).
   * @param among absolute paths of the candidate importers.
   * @returns absolute paths, a subset of `among`.
   */
  dependents(targets: Iterable<string>, among: Iterable<string>): ReadonlySet<string>;
  /**
   * A repository module parsed as ESLint would parse it (typescript-estree, parents set) with its
   * scopes (`@typescript-eslint/scope-manager`), for running a shared detector on another module (is
   * this imported module a CI guard?). The last few are cached by content. Undefined for a file that
   * is not a repository module, cannot be read or does not parse. Always present on facts from
   * `getRepoFacts` / `createRepoFacts` (optional only so that hand-made stubs need not implement it).
   */
  parsedModule?(file: string): ParsedModule | undefined;
  /** Why a repository module has no facts: it cannot be read or does not parse; undefined when it parsed. */
  problem(file: string): FactsProblem | undefined;
  /**
   * The `verbatimModuleSyntax` option of the tsconfig nearest to `file` (false without one): whether
   * TypeScript keeps imports whose bindings are used only as types (`isElidedImport`).
   */
  verbatimModuleSyntax(file: string): boolean;
  /** The Prisma schema, or undefined when the repository has none (computed on first use). */
  readonly prismaSchema: PrismaSchemaFacts | undefined;
  /** Schema files that do not parse, and a contract `prismaSchema` that matches no file. */
  readonly schemaErrors: readonly FactsProblem[];
}
