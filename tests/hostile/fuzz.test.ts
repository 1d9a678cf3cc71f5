// Property-based hostile input (issue 14 item 5): fast-check mutates contracts (at random key paths of
// real contracts: replace, delete, duplicate, retype, rename, insert; a few text-level edits) and sources
// of every kind the scanner reads (token-level: delete, duplicate, swap, insert), and every run must keep
// the invariants of tests/hostile/invariants.ts; an invalid contract must exit 2 with every problem naming
// a key path (or a line and column).
//
// `npm test`: a fixed seed and a few runs per property. `npm run fuzz`: FUZZ_RUNS inputs in all (split
// evenly between the properties), FUZZ_SEED to explore another seed, and FUZZ_REPORT=<file> to record every
// failing input there (one JSON line each) and go on instead of stopping and shrinking at the first.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { fullContract } from "../full-contract.js";
import { fixturePath, HostileCli, type HostileRun, invariantViolations, snapshotTree, WALL_TIME_BOUND_MS } from "./invariants.js";

/** Properties below: the contracts and one per source kind. */
const PROPERTY_COUNT = 11;
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 0);
/** Runs per property: FUZZ_RUNS split evenly, else the few of `npm test`. */
function runsFor(defaultRuns: number): number {
  return TOTAL_RUNS > 0 ? Math.ceil(TOTAL_RUNS / PROPERTY_COUNT) : defaultRuns;
}
const SEED = Number(process.env.FUZZ_SEED ?? 14);
/** A property's test timeout (ms): FUZZ_RUNS runs take as long as they take. */
const PROPERTY_TIMEOUT_MS = TOTAL_RUNS > 0 ? 24 * 3600_000 : 120_000;
const REPORT = process.env.FUZZ_REPORT;
/** Per-run wall-time bound of the fuzz (ms): the cases' bound. */
const FUZZ_TIMEOUT_MS = WALL_TIME_BOUND_MS;

const tmp = mkdtempSync(path.join(os.tmpdir(), "hostile-fuzz-"));
mkdirSync(path.join(tmp, "empty"));
const cli = new HostileCli(path.join(tmp, "empty"));
afterAll(async () => {
  await cli.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fake modification time per write, strictly increasing: a cache keyed by mtime and size sees each rewrite. */
let clock = 1_700_000_000;

/** Empties `root` and writes `files` (repository-relative path -> text). */
function rewriteRepo(root: string, files: ReadonlyMap<string, string>): void {
  mkdirSync(root, { recursive: true });
  for (const entry of readdirSync(root)) rmSync(path.join(root, entry), { recursive: true, force: true });
  for (const [file, text] of files) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    clock++;
    utimesSync(target, clock, clock);
  }
}

/**
 * Scans `root` after `files` were written, and returns every invariant that failed (empty when all held),
 * plus `extra(run)`'s own problems. With FUZZ_REPORT set, a failing input is recorded there and the
 * property goes on (returns no problems).
 */
async function scanAndCheck(root: string, files: ReadonlyMap<string, string>, label: string, extra: (run: HostileRun) => string[] = () => []): Promise<void> {
  rewriteRepo(root, files);
  const before = snapshotTree(root);
  const run = await cli.run(root, ["--format", "json"], { timeoutMs: FUZZ_TIMEOUT_MS });
  const problems = [...invariantViolations(run, before, snapshotTree(root)), ...(run.outcome === "exited" ? extra(run) : [])];
  if (problems.length === 0) return;
  if (REPORT !== undefined) {
    appendFileSync(REPORT, `${JSON.stringify({ label, problems, files: Object.fromEntries(files), stderr: run.stderr.slice(-4000) })}\n`);
    return;
  }
  const shown = [...files].map(([file, text]) => `--- ${file} (${text.length} chars)\n${text.length > 3000 ? `${text.slice(0, 3000)}…` : text}`).join("\n");
  throw new Error(`${label}:\n${problems.join("\n")}\n${shown}`);
}

// ---------------------------------------------------------------------------------------------------------
// Contracts.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPath = (string | number)[];

/** Real contracts to mutate: the fixtures' and one with every key. */
const CONTRACT_SEEDS: Json[] = [
  ...["example-app", "sources", "python-app", "safety-app"].map((name) => JSON.parse(readFileSync(path.join(fixturePath(name), "production-contract.json"), "utf8")) as Json),
  fullContract(),
];

/** The files a mutated contract is scanned with: example-app's package.json, Prisma schema and a few scripts. */
const CONTRACT_REPO_FILES = ["package.json", "prisma/schema.prisma", "scripts/deploy-db.js", "scripts/sync-reference-data-dev-to-prod.ts", ".github/workflows/release.yml"];

/** Values that have broken validators and globbers before. */
const HOSTILE_VALUES: Json[] = [
  "", " ", 0, -1, 1.5, 1e308, -0, false, true, null, {}, [], [null], [""], ["*"], "*", "**", "**/*", "{1..100000}", "{a,{b,{c,d}}}",
  "\u0000", "a\u0000b", "x".repeat(5_000), "../../etc/passwd", "/abs/path", "__proto__", "constructor", "TODO", "prisma migrate reset",
  ["**", "**"], [1, 2, 3], { "*": "*" }, { operations: [] }, { operations: ["delete"], tables: { users: [null] } },
];

/** Strings that are valid where a glob, a path or a name is expected, and hard for whatever reads them. */
const HOSTILE_STRINGS = [
  "*", "**", "**/*", "{1..100000}", `${"{a,".repeat(50)}b${"}".repeat(50)}`, "\u0000", "x".repeat(5_000), "a/**/b/**/c/**/d/**/e/**",
  "[", "!(a", "+(a|b)", "\\", "../../etc/passwd", "/abs/path", "__proto__", "TODO", "prisma migrate reset", "$(rm -rf /)",
  "scripts/deploy-db.js", "package.json#deploy", ".github/workflows/release.yml", "SKIP_*", "*_*_*_*_*_*_*_*_*_*_*_*_*_*_*_*",
];

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);
const hostileKey = fc.constantFrom("__proto__", "constructor", "", " ", "version", "mutationScripts", "tables", "operations", "x".repeat(300), "a/b#c", "\u0000");

const contractOp = fc.record({
  kind: fc.constantFrom("replace", "restring", "restring", "restring", "restring", "delete", "duplicate", "retype", "rename", "insert"),
  at: fc.nat(),
  value: jsonValue,
  text: fc.constantFrom(...HOSTILE_STRINGS),
  key: hostileKey,
});
type ContractOp = typeof contractOp extends fc.Arbitrary<infer T> ? T : never;

const textOp = fc.record({ kind: fc.constantFrom("truncate", "bom", "trailing-comma", "duplicate-key", "comment"), at: fc.nat() });

/** Every key path in a JSON value (not the root itself), parents before children. */
function keyPaths(value: Json, prefix: JsonPath = []): JsonPath[] {
  if (value === null || typeof value !== "object") return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...keyPaths(child, [...prefix, key])]);
}

function parentOf(root: Json, keyPath: JsonPath): Json | undefined {
  let value: Json | undefined = root;
  for (const key of keyPath.slice(0, -1)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, Json>)[key as string];
  }
  return value;
}

/** A value of another JSON type holding the same data. */
function retype(value: Json): Json {
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  if (value !== null && typeof value === "object") return Object.values(value);
  if (typeof value === "string") return [value];
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : 0;
  return 0;
}

/** Applies one mutation at the op's key path (chosen among the current paths). */
function applyContractOp(root: Json, op: ContractOp): Json {
  const paths = keyPaths(root);
  if (paths.length === 0) return op.kind === "replace" ? op.value : root;
  const keyPath = paths[op.at % paths.length]!;
  const parent = parentOf(root, keyPath);
  if (parent === null || typeof parent !== "object" || parent === undefined) return root;
  const key = keyPath.at(-1)!;
  // A string stays a string and a list gets one more (the contract often stays valid: the string is scanned with).
  if (op.kind === "restring") {
    const current = (parent as Record<string, Json>)[key as string];
    const value = typeof current === "string" ? op.text : Array.isArray(current) ? [...current, op.text] : op.value;
    op = { ...op, kind: "replace", value };
  }
  if (Array.isArray(parent)) {
    const index = key as number;
    if (op.kind === "replace") parent[index] = op.value;
    else if (op.kind === "delete") parent.splice(index, 1);
    else if (op.kind === "duplicate") parent.splice(index, 0, structuredClone(parent[index]!));
    else if (op.kind === "retype") parent[index] = retype(parent[index]!);
    else if (op.kind === "insert") parent.splice(index, 0, op.value);
    else parent[index] = { [op.key]: parent[index]! };
    return root;
  }
  const object = parent as Record<string, Json>;
  const name = key as string;
  if (op.kind === "replace") object[name] = op.value;
  else if (op.kind === "delete") delete object[name];
  else if (op.kind === "duplicate") Object.defineProperty(object, `${name}${op.key}`, { value: structuredClone(object[name]!), enumerable: true, writable: true, configurable: true });
  else if (op.kind === "retype") object[name] = retype(object[name]!);
  else if (op.kind === "insert") Object.defineProperty(object, op.key, { value: op.value, enumerable: true, writable: true, configurable: true });
  else {
    const moved = object[name]!;
    delete object[name];
    Object.defineProperty(object, op.key === name ? `${name}_` : op.key, { value: moved, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** Text-level edits JSON values cannot express: a cut, a byte order mark, a trailing comma, a repeated key, a comment. */
function applyTextOp(text: string, op: { kind: string; at: number }): string {
  const at = op.at % (text.length + 1);
  switch (op.kind) {
    case "truncate":
      return text.slice(0, at);
    case "bom":
      return `\uFEFF${text}`;
    case "trailing-comma":
      return text.replace(/(\n\s*[}\]])/, ",$1");
    case "duplicate-key":
      return text.replace("{", '{\n  "version": 1,');
    default:
      return `${text.slice(0, at)}/* c */${text.slice(at)}`;
  }
}

/** `  <key path or line/column>: ...`: what every problem line of an invalid contract starts with. */
const PROBLEM_LINE =
  /^ {2}(\(root\)( at line \d+, column \d+)?|line \d+, column \d+|([A-Za-z_$][\w$]*|\["(?:[^"\\]|\\.)*"\])(\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): /;

/** The problems of an exit-2 run that are not a contract error naming key paths. */
function contractMessageProblems(run: HostileRun): string[] {
  if (run.status !== 2) return [];
  const match = /Invalid production contract \([^\n]*\):\n((?: {2}[^\n]*\n?)+)/.exec(run.stderr);
  if (!match) return [`exit 2 without a contract error: ${run.stderr.slice(-600)}`];
  const lines = match[1]!.split("\n").filter((line) => line !== "");
  return lines.filter((line) => !PROBLEM_LINE.test(line)).map((line) => `a problem that names no key path: ${line.slice(0, 300)}`);
}

describe("fuzz: contracts (schema-aware mutations)", () => {
  const root = path.join(tmp, "contract");
  const example = fixturePath("example-app");
  const context = new Map(CONTRACT_REPO_FILES.map((file) => [file, readFileSync(path.join(example, file), "utf8")] as const));

  it(`keeps the invariants and names key paths (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(contractOp, { minLength: 1, maxLength: 3 }), fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: textOp }), async (seedIndex, ops, text) => {
        let contract: Json = structuredClone(CONTRACT_SEEDS[seedIndex % CONTRACT_SEEDS.length] ?? null);
        for (const op of ops) contract = applyContractOp(contract, op);
        let contractText = JSON.stringify(contract, null, 2) ?? "null";
        if (text !== null) contractText = applyTextOp(contractText, text);
        await scanAndCheck(root, new Map([...context, ["production-contract.json", contractText]]), "contract", contractMessageProblems);
      }),
      { seed: SEED, numRuns: runsFor(10), endOnFailure: REPORT !== undefined },
    );
  }, PROPERTY_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------------------
// Sources.

/** A fixture file to mutate: `fixture/file`. */
type Seed = readonly [fixture: string, file: string];

/** The sources of every kind the scanner reads, each from a fixture repository. */
const SOURCE_KINDS: Record<string, Seed[]> = {
  "TypeScript and JavaScript": [
    ["example-app", "scripts/cleanup-demo-data.ts"],
    ["example-app", "scripts/sync-reference-data-dev-to-prod.ts"],
    ["example-app", "scripts/deploy-db.js"],
    ["example-app", "lib/ci-enforcement.ts"],
    ["safety-app", "scripts/safe/delete-sources.ts"],
  ],
  SQL: [
    ["example-app", "prisma/migrations/20250114000000_init/migration.sql"],
    ["example-app", "scripts/reset-views.sql"],
    ["example-app", "scripts/verify-permissions.sql"],
  ],
  "package.json": [
    ["example-app", "package.json"],
    ["sources", "package.json"],
  ],
  "GitHub workflows": [
    ["example-app", ".github/workflows/release.yml"],
    ["sources", ".github/workflows/ci.yml"],
    ["corpus-regressions/workflow-expressions", ".github/workflows/release.yml"],
  ],
  "shell scripts": [
    ["example-app", "scripts/reset-local-db.sh"],
    ["sources", "scripts/reset.sh"],
    ["init/sources", "scripts/db-reset.sh"],
  ],
  Dockerfiles: [
    ["example-app", "Dockerfile"],
    ["sources", "infra/Dockerfile"],
  ],
  "Prisma schemas": [
    ["example-app", "prisma/schema.prisma"],
    ["safety-app", "prisma/schema.prisma"],
  ],
  Python: [
    ["python-app", "scripts/purge_orphans.py"],
    ["python-app", "scripts/reset_channels.py"],
    ["python-app", "src/retrovue/catalog/migrations/0002_remove_legacy_column.py"],
  ],
  "pnpm-workspace.yaml": [["facts/pnpm", "pnpm-workspace.yaml"]],
  ".gitignore": [["", ".gitignore"]],
};

/** `.gitignore` has no fixture (the fixtures are checked in): this one is its seed. */
const GITIGNORE_SEED = "node_modules/\ndist\n*.log\n!keep.log\n/build/**\n# comment\nsrc/**/generated/*.ts\n\\#literal\n[Bb]in/\n";

/** What each seed is scanned with: its fixture's contract, package.json and Prisma schema. */
const CONTEXT_FILES = ["production-contract.json", "package.json", "prisma/schema.prisma"];

function seedFiles([fixture, file]: Seed): { files: Map<string, string>; text: string } {
  const files = new Map<string, string>();
  if (fixture === "") return { files, text: GITIGNORE_SEED };
  const dir = fixturePath(fixture);
  for (const name of CONTEXT_FILES) if (existsSync(path.join(dir, name))) files.set(name, readFileSync(path.join(dir, name), "utf8"));
  return { files, text: readFileSync(path.join(dir, file), "utf8") };
}

/** Tokens: whitespace runs, words, numbers, quoted strings on one line, and single other characters. */
const TOKEN = /\s+|[A-Za-z_$][\w$-]*|\d+(?:\.\d+)?|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|./gsu;

/** Tokens that open, close or escape something in one of the languages, and known-dangerous text. */
const HOSTILE_TOKENS = [
  "{", "}", "(", ")", "[", "]", '"', "'", "`", "\\", "\n", ";", "&&", "||", "|", "$(", "${", "#", "--", "/*", "*/", "<<EOF\n", "\\\n",
  ":", "- ", "  ", "\t", "\u0000", "\uFEFF", "\uD800", "DELETE FROM users", "DROP TABLE users;", "TRUNCATE", "prisma migrate reset",
  "npm run deploy", "process.env.SKIP_CHECKS", "$executeRawUnsafe(", "os.environ['SKIP_CHECKS']", "import ", "require(", "async ",
  "x".repeat(1_000), "{1..100000}", "**", "&", "*", "!", "@", "%", "'''", '"""', "model", "@@map(", "RUN ", "FROM ", "uses: ", "run: |\n",
];

const tokenOp = fc.record({
  kind: fc.constantFrom("delete", "duplicate", "swap", "insert", "copy"),
  at: fc.nat(),
  other: fc.nat(),
  token: fc.constantFrom(...HOSTILE_TOKENS),
});
type TokenOp = typeof tokenOp extends fc.Arbitrary<infer T> ? T : never;

/** Applies token edits to the non-whitespace tokens of a text (indices modulo their count). */
function mutateTokens(text: string, ops: readonly TokenOp[]): string {
  const tokens: string[] = text.match(TOKEN) ?? [];
  for (const op of ops) {
    const solid = tokens.map((t, i) => (/^\s+$/.test(t) ? -1 : i)).filter((i) => i >= 0);
    if (solid.length === 0) {
      tokens.push(op.token);
      continue;
    }
    const i = solid[op.at % solid.length]!;
    const j = solid[op.other % solid.length]!;
    if (op.kind === "delete") tokens.splice(i, 1);
    else if (op.kind === "duplicate") tokens.splice(i, 0, tokens[i]!);
    else if (op.kind === "swap") [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
    else if (op.kind === "insert") tokens.splice(i, 0, op.token);
    else tokens.splice(i, 0, tokens[j]!);
  }
  return tokens.join("");
}

describe("fuzz: sources of every kind (token-level mutations)", () => {
  it.each(Object.entries(SOURCE_KINDS))(`%s keep the invariants (seed ${SEED})`, async (kind, seeds) => {
    const root = path.join(tmp, kind.replace(/\W+/g, "-"));
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(tokenOp, { minLength: 1, maxLength: 4 }), async (seedIndex, ops) => {
        const seed = seeds[seedIndex % seeds.length]!;
        const { files, text } = seedFiles(seed);
        files.set(seed[1], mutateTokens(text, ops));
        await scanAndCheck(root, files, `${kind}: ${seed.join("/")}`);
      }),
      { seed: SEED, numRuns: runsFor(3), endOnFailure: REPORT !== undefined },
    );
  }, PROPERTY_TIMEOUT_MS);
});
