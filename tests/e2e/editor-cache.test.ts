/**
 * The ESLint rules start their repository facts from the module facts that `contract-scan --cache` stored
 * (`EditorModuleCache`, src/scan-cache.ts), read-only. On copies of fixtures/example-app: a scan with the
 * cache, then the cache file doctored so that lib/bookings.ts's stored facts differ from its parse
 * (`countBookings` stored as the function that deletes bookings), then ESLint (the `ESLint` class with
 * `configs.recommended`, in this process) on scripts/count-bookings.ts, a read-only script that calls
 * `countBookings()`. A `no-unlisted-mutation-script` finding there can only come from the stored facts.
 * It goes away when the module's bytes, the contract or the Prisma schema change; a missing, corrupt,
 * foreign, oversized or wrong-key cache file gives the normal findings; the lint writes nothing.
 *
 * Every test lints its own copy: the live facts of a root and contract are kept for the process and read
 * the cache file once.
 */
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint, type Linter } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import { loadContractFile } from "../../src/contract.js";
import plugin from "../../src/index.js";
import { scan } from "../../src/scanner.js";
import { DEFAULT_CACHE_LOCATION } from "../../src/cache-file.js";
import { MAX_TOOL_DATA_BYTES } from "../../src/source-text.js";
import { PACKAGE_ROOT } from "./helpers.js";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = "scripts/count-bookings.ts";
/** What the doctored facts make ESLint report in SCRIPT: the call of `countBookings()` as an unlisted write. */
const FROM_STORED_FACTS = `${SCRIPT}:6:6 production-safety/no-unlisted-mutation-script`;

/** A fresh copy of fixtures/example-app in a temporary folder. */
function copy(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "ps-editor-cache-"));
  made.push(root);
  cpSync(path.join(PACKAGE_ROOT, "fixtures/example-app"), root, { recursive: true });
  return root;
}

/** `contract-scan --cache` (in this process) on a copy; returns the cache file it wrote. */
async function scanWithCache(root: string, location?: string): Promise<string> {
  const contractFile = path.join(root, "production-contract.json");
  await scan({ root, contract: loadContractFile(contractFile), contractFile, cache: location === undefined ? {} : { location } });
  const folder = location ?? path.join(root, DEFAULT_CACHE_LOCATION);
  const files = readdirSync(folder).filter((f) => f.startsWith("cache-"));
  expect(files).toHaveLength(1);
  return path.join(folder, files[0]!);
}

type CacheJson = { key: string; factsKey: string; format: string; modules: Record<string, { facts: { summary: { exports: { $map: [string, unknown][] } } } }> };

/** Rewrites the cache file's content. */
function editCache(file: string, edit: (cache: CacheJson) => void): void {
  const cache = JSON.parse(readFileSync(file, "utf8")) as CacheJson;
  edit(cache);
  writeFileSync(file, JSON.stringify(cache));
}

/** Appends spaces to a (JSON) file until it is larger than `bytes`: still valid, only too large to read. */
function padPast(file: string, bytes: number): void {
  const chunk = Buffer.alloc(16 * 1024 * 1024, " ");
  while (statSync(file).size <= bytes) appendFileSync(file, chunk);
}

/** Stores lib/bookings.ts's `countBookings` export as what `wipeDemoBookings` is (a `deleteMany`). */
function doctor(file: string): void {
  editCache(file, (cache) => {
    const exports = cache.modules["lib/bookings.ts"]!.facts.summary.exports.$map;
    const wipe = exports.find(([name]) => name === "wipeDemoBookings")!;
    const count = exports.find(([name]) => name === "countBookings")!;
    count[1] = wipe[1];
  });
}

/** ESLint with `configs.recommended` (and settings) on `files` of the copy: `file:line:column rule` of every message. */
async function lint(root: string, files: string[] = [SCRIPT], settings: Record<string, unknown> = {}): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [plugin.configs.recommended as Linter.Config, { settings: { "production-safety": settings } }],
  });
  const results = await eslint.lintFiles(files);
  return results.flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath).split(path.sep).join("/")}:${m.line}:${m.column} ${m.ruleId ?? m.message}`)).sort();
}

/** Every file under `dir` (relative, sorted) with its size and modification time. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .sort()
    .map((f) => {
      const s = statSync(path.join(dir, f));
      return `${f} ${s.isDirectory() ? "dir" : `${s.size} ${s.mtimeMs}`}`;
    });
}

/** The findings ESLint gives on a copy that never had a cache (the parse), computed once. */
let normalFindings: Promise<string[]> | undefined;
function normal(): Promise<string[]> {
  normalFindings ??= lint(copy(), [SCRIPT, "scripts/reset-demo-bookings.ts"]);
  return normalFindings;
}

describe("ESLint reuses the module facts contract-scan --cache stored", () => {
  it("control: the parse gives no write in count-bookings.ts, and the stored facts of an untouched cache are the parse's", async () => {
    expect(await normal()).not.toContain(FROM_STORED_FACTS);
    const root = copy();
    await scanWithCache(root);
    expect(await lint(root, [SCRIPT, "scripts/reset-demo-bookings.ts"])).toEqual(await normal());
  });

  /** Appends `text` to a file of the copy. */
  const append = (root: string, file: string, text: string): void => writeFileSync(path.join(root, file), `${readFileSync(path.join(root, file), "utf8")}${text}`);

  // The same live facts (same root) are asked again after each change: the module is hashed again, the
  // cache's key computed again for the new contract or schema.
  it.each([
    ["an edit of the module's bytes: it is parsed", (root: string) => append(root, "lib/bookings.ts", "\n// edited\n")],
    [
      "a change of the contract: the cache's key no longer matches",
      (root: string) => {
        const contract = path.join(root, "production-contract.json");
        writeFileSync(contract, readFileSync(contract, "utf8").replace('"version": 1,', '"version": 1,\n  "ignore": ["tmp/**"],'));
      },
    ],
    ["a change of the Prisma schema while the live facts are kept: the key is checked again", (root: string) => append(root, "prisma/schema.prisma", "\n// edited\n")],
  ])("the finding follows the stored facts until %s, then the parse", async (_change, change) => {
    const root = copy();
    doctor(await scanWithCache(root));
    expect(await lint(root)).toContain(FROM_STORED_FACTS);
    change(root);
    expect(await lint(root)).not.toContain(FROM_STORED_FACTS);
  });

  it("decision: another Node.js version (an editor's ESLint on VS Code's Electron) changes the findings' key, not the module facts' key", async () => {
    const root = copy();
    const file = await scanWithCache(root);
    doctor(file);
    editCache(file, (cache) => (cache.key = "0".repeat(64)));
    expect(await lint(root)).toContain(FROM_STORED_FACTS);
  });

  it("decision: module resolution (a new tsconfig.json) does not invalidate stored module facts (they hold specifiers, resolved at each question)", async () => {
    const root = copy();
    doctor(await scanWithCache(root));
    writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { baseUrl: "." } }));
    expect(await lint(root)).toContain(FROM_STORED_FACTS);
  });

  it("the Prisma schema's stored read is reused too: a doctored table name is what mutation-scope sees", async () => {
    const sync = "scripts/sync-reference-data-dev-to-prod.ts";
    const outsideTables = `${sync}:28:11 production-safety/mutation-scope`;
    const root = copy();
    const file = await scanWithCache(root);
    expect(await lint(root, [sync])).not.toContain(outsideTables);
    const other = copy();
    const otherFile = await scanWithCache(other);
    editCache(otherFile, (cache) => {
      const models = (cache as unknown as { schemaFiles: Record<string, { read: { blocks: { models: { name: string; table: string }[] } } }> }).schemaFiles["prisma/schema.prisma"]!.read.blocks.models;
      models.find((m) => m.name === "Service")!.table = "doctored_services";
    });
    expect(await lint(other, [sync])).toContain(outsideTables);
    expect(file).not.toBe(otherFile);
  });

  it("settings cacheLocation (relative to ESLint's cwd) names the folder of contract-scan --cache-location", async () => {
    const root = copy();
    const location = mkdtempSync(path.join(os.tmpdir(), "ps-editor-cache-location-"));
    made.push(location);
    doctor(await scanWithCache(root, location));
    // Without the setting the default folder is read: there is nothing there.
    expect(await lint(root)).not.toContain(FROM_STORED_FACTS);
    expect(await lint(root, [SCRIPT], { cacheLocation: path.relative(root, location) })).toContain(FROM_STORED_FACTS);
  });

  it("decision: an inline contract object has no cache file (the same contract inline does not read it)", async () => {
    const root = copy();
    doctor(await scanWithCache(root));
    const inline = JSON.parse(readFileSync(path.join(root, "production-contract.json"), "utf8")) as object;
    expect(await lint(root, [SCRIPT], { contract: inline })).not.toContain(FROM_STORED_FACTS);
  });
});

describe("a cache file that cannot be used gives the normal findings, no error", () => {
  const cases: [string, (file: string) => void][] = [
    ["missing", (file) => rmSync(file)],
    ["not JSON (cut short)", (file) => writeFileSync(file, readFileSync(file, "utf8").slice(0, 200))],
    ["foreign (another format)", (file) => editCache(file, (cache) => (cache.format = "other-tool/1"))],
    ["another key (another version, contract or schema)", (file) => editCache(file, (cache) => (cache.factsKey = "0".repeat(64)))],
    ["oversized (valid JSON padded with spaces past 256 MiB)", (file) => padPast(file, MAX_TOOL_DATA_BYTES)],
    [
      "a damaged module entry (a summary without its tables)",
      (file) => editCache(file, (cache) => {
        for (const module of Object.values(cache.modules)) (module.facts as { summary: unknown }).summary = { units: 3 };
      }),
    ],
  ];

  it.each(cases)("%s", async (_name, damage) => {
    const root = copy();
    const file = await scanWithCache(root);
    doctor(file);
    damage(file);
    expect(await lint(root, [SCRIPT, "scripts/reset-demo-bookings.ts"])).toEqual(await normal());
  });
});

describe("the lint writes nothing", () => {
  it("no file under the cache folder (or anywhere in the copy) is created or changed, with or without a cache", async () => {
    const root = copy();
    await scanWithCache(root);
    const before = tree(root);
    await lint(root, ["."]);
    expect(tree(root)).toEqual(before);
    const bare = copy();
    const bareBefore = tree(bare);
    await lint(bare, ["."]);
    expect(tree(bare)).toEqual(bareBefore);
  });
});
