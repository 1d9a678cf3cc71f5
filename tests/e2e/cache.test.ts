/**
 * End to end: the persistent cache of `contract-scan --cache` (src/scan-cache.ts) on copies of both example
 * repositories. A warm run gives the cold run's report byte for byte; editing one module checks exactly
 * that module and the files whose recorded closure holds it (the list is asserted); a change of the
 * contract, the Prisma schema or the tool's version checks everything again; a corrupt or foreign cache file
 * is ignored and rewritten; nothing is written outside the cache location; `--changed` uses the cache by
 * default and reports what it reports without it. Scans run in this process (`run` of src/cli.ts, and
 * `scan` of src/scanner.ts for the list of checked files) to keep the test fast.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { CliIo } from "../../src/cli.js";
import { loadContractFile } from "../../src/contract.js";
import { packageVersion } from "../../src/package-info.js";
import { RACY_MS } from "../../src/source-text.js";
import { scan, type ScanResult } from "../../src/scanner.js";
import { PACKAGE_ROOT, type Run, withoutDuration } from "./helpers.js";
import { makeGitRepo } from "./git-repo.js";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of a fixture repository in a temporary folder. */
function copyOf(name: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), `contract-scan-cache-${name}-`));
  made.push(root);
  cpSync(path.join(PACKAGE_ROOT, "fixtures", name), root, { recursive: true });
  return root;
}

/** `run(argv, io)` of src/cli.ts in this process, with a clean environment. */
async function cliHere(cwd: string, ...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false, cwd, env: {} };
  // Imported per call: a test below resets the module registry (vi.resetModules), and the CLI must be
  // the same instance as the scan code it imports, or its errors are not recognised as usage errors.
  const { run } = await import("../../src/cli.js");
  const status = await run(args, io);
  return { status, stdout, stderr };
}

/** `scan` with the cache (default location), as the CLI runs it at a root with its contract. */
async function cachedScan(root: string, location?: string): Promise<ScanResult> {
  const contractFile = path.join(root, "production-contract.json");
  return scan({ root, contract: loadContractFile(contractFile), contractFile, cache: location === undefined ? {} : { location } });
}

/** `cachedScan` as if it ran `seconds` later (the files then look older than RACY_MS: stamps and the walk are stored). */
async function scanLater(root: string, seconds: number): Promise<ScanResult> {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + seconds * 1000 });
  try {
    return await cachedScan(root);
  } finally {
    vi.useRealTimers();
  }
}

/** Every file under `dir` (relative, sorted) with its size and modification time, but the folder `except`. */
function tree(dir: string, except: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => !path.join(dir, f).startsWith(except))
    .sort()
    .map((f) => {
      const s = statSync(path.join(dir, f));
      return `${f} ${s.isDirectory() ? "dir" : `${s.size} ${s.mtimeMs}`}`;
    });
}

describe.each(["example-app", "safety-app"])("fixtures/%s", (name) => {
  it("a warm run gives the cold run's report byte for byte, and checks nothing", async () => {
    const root = copyOf(name);
    const cold = await cliHere(root, "--format", "json");
    const writing = await cliHere(root, "--format", "json", "--cache");
    const warm = await cliHere(root, "--format", "json", "--cache");
    expect(writing.stderr).toBe("");
    expect(withoutDuration(writing.stdout)).toBe(withoutDuration(cold.stdout));
    expect(withoutDuration(warm.stdout)).toBe(withoutDuration(cold.stdout));
    expect(warm.status).toBe(cold.status);
    const stats = (await cachedScan(root)).cache!;
    expect(stats.checked).toEqual([]);
    expect(stats.reused).toBe((JSON.parse(cold.stdout) as { summary: { files: number } }).summary.files);
  });
});

describe("fixtures/example-app: what an edit checks again", () => {
  const root = copyOf("example-app");

  /** Appends `text` to a file, scans with the cache, and compares the findings with a scan without it. */
  async function afterEdit(file: string, text: string): Promise<string[]> {
    writeFileSync(path.join(root, file), readFileSync(path.join(root, file), "utf8") + text);
    const result = await cachedScan(root);
    const cold = await cliHere(root, "--format", "json", "--no-cache");
    expect(result.findings).toEqual((JSON.parse(cold.stdout) as { findings: unknown[] }).findings);
    return result.cache!.checked;
  }

  it("first run: every file is checked", async () => {
    const result = await cachedScan(root);
    expect(result.cache!.reused).toBe(0);
    expect(result.cache!.checked).toHaveLength(result.files);
  });

  it("a module two scripts import: the module and those scripts", async () => {
    expect(await afterEdit("lib/prisma.ts", "\n// edited\n")).toEqual(["lib/prisma.ts", "scripts/count-bookings.ts", "scripts/reset-demo-bookings.ts"]);
  });

  it("a module that writes: its importers' findings follow the edit", async () => {
    // lib/bookings.ts gains a second exported write; reset-demo-bookings.ts keeps its finding through it.
    expect(await afterEdit("lib/bookings.ts", "\nexport async function wipeAll() {\n  await prisma.booking.deleteMany({});\n}\n")).toEqual([
      "lib/bookings.ts",
      "scripts/count-bookings.ts",
      "scripts/reset-demo-bookings.ts",
    ]);
  });

  it("a module imported only by a script's guard import: that script", async () => {
    expect(await afterEdit("lib/ci-guard-side-effect.ts", "\n// edited\n")).toEqual([
      "lib/ci-guard-side-effect.ts",
      "scripts/count-bookings.ts",
      "scripts/sync-reference-data-dev-to-prod.ts",
    ]);
  });

  it("near-miss: a module no script imports, a script nothing imports: only that file", async () => {
    expect(await afterEdit("app/api/admin/route.ts", "\n// edited\n")).toEqual(["app/api/admin/route.ts"]);
    expect(await afterEdit("scripts/cleanup-demo-data.ts", "\n// edited\n")).toEqual(["scripts/cleanup-demo-data.ts"]);
    expect(await afterEdit("scripts/reset-views.sql", "\n-- edited\n")).toEqual(["scripts/reset-views.sql"]);
  });

  it("a new module changes module resolution: the files that asked the repository facts", async () => {
    const before = await cachedScan(root);
    expect(before.cache!.checked).toEqual([]);
    writeFileSync(path.join(root, "lib/format-date.ts"), "export const formatDate = (d: Date): string => d.toISOString();\n");
    const after = await cachedScan(root);
    expect(after.cache!.checked).toContain("lib/format-date.ts");
    expect(after.cache!.checked).toContain("scripts/reset-demo-bookings.ts");
    // Files that never asked the facts depend on their own bytes only.
    expect(after.cache!.checked).not.toContain("app/api/admin/route.ts");
    expect(after.cache!.checked).not.toContain("lib/prisma.ts");
  });
});

describe("fixtures/example-app: a file whose stat is unchanged is not read again", () => {
  /** The `stamps` of the cache file the default location holds. */
  function stamps(root: string): Record<string, string> {
    const folder = path.join(root, "node_modules/.cache/contract-scan");
    const [file] = readdirSync(folder);
    return (JSON.parse(readFileSync(path.join(folder, file!), "utf8")) as { stamps: Record<string, string> }).stamps;
  }

  it(`Choice: a file changed less than ${RACY_MS} ms before it was read gets no stamp, so it is read again next time`, async () => {
    const root = copyOf("example-app");
    const first = await cachedScan(root);
    expect(stamps(root)).toEqual({});
    await scanLater(root, 10);
    expect(Object.keys(stamps(root))).toHaveLength(first.files);
  });

  it("an edit that keeps the size and puts the modification time back is seen (the change time and inode are in the stamp)", async () => {
    const root = copyOf("example-app");
    const file = path.join(root, "lib/prisma.ts");
    // Whole seconds, so that putting the time back is exact.
    const wholeSeconds = Math.floor(Date.now() / 1000) - 60;
    utimesSync(file, wholeSeconds, wholeSeconds);
    await scanLater(root, 10);
    const before = statSync(file);
    const stamp = stamps(root)["lib/prisma.ts"];
    expect(stamp).toBeDefined();
    writeFileSync(file, readFileSync(file, "utf8").replace(/[a-z]/, "q"));
    utimesSync(file, wholeSeconds, wholeSeconds);
    expect(statSync(file).size).toBe(before.size);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    const after = await scanLater(root, 20);
    expect(after.cache!.checked).toEqual(["lib/prisma.ts", "scripts/count-bookings.ts", "scripts/reset-demo-bookings.ts"]);
    expect(stamps(root)["lib/prisma.ts"]).not.toBe(stamp);
  });
});

describe("fixtures/example-app: the walk of the repository is reused while no folder changed", () => {
  /** The cache file of the default location, parsed. */
  function cacheFile(root: string): { file: string; content: { walk?: { walk: { dirs: object; entries: [string, string][] } } } } {
    const folder = path.join(root, "node_modules/.cache/contract-scan");
    const file = path.join(folder, readdirSync(folder)[0]!);
    return { file, content: JSON.parse(readFileSync(file, "utf8")) as never };
  }

  /** Files and findings of a scan without the cache, for comparison. */
  async function coldScan(root: string): Promise<ScanResult> {
    const contractFile = path.join(root, "production-contract.json");
    return scan({ root, contract: loadContractFile(contractFile), contractFile });
  }

  it("the walk is stored only when nothing changed within RACY_MS of it, and is what the scan uses then", async () => {
    const root = copyOf("example-app");
    await cachedScan(root);
    expect(cacheFile(root).content.walk).toBeUndefined(); // the copy was just made
    const first = await scanLater(root, 10);
    const { file, content } = cacheFile(root);
    expect(content.walk!.walk.entries.map(([p]) => p)).toContain("scripts/cleanup-demo-data.ts");
    // Proof that a valid stored walk is used: a doctored one (an entry removed) hides that file.
    content.walk!.walk.entries = content.walk!.walk.entries.filter(([p]) => p !== "scripts/cleanup-demo-data.ts");
    writeFileSync(file, JSON.stringify(content));
    const doctored = await scanLater(root, 20);
    expect(doctored.files).toBe(first.files - 1);
  });

  it.each([
    ["a file added", (root: string) => writeFileSync(path.join(root, "scripts/wipe-all.ts"), 'await prisma.user.deleteMany({});\n')],
    ["a file deleted", (root: string) => rmSync(path.join(root, "scripts/cleanup-demo-data.ts"))],
    ["a file renamed", (root: string) => renameSync(path.join(root, "scripts/cleanup-demo-data.ts"), path.join(root, "scripts/cleanup-demo-data-2.ts"))],
    ["a folder added with a file", (root: string) => (mkdirSync(path.join(root, "scripts/ops")), writeFileSync(path.join(root, "scripts/ops/wipe.ts"), 'await prisma.user.deleteMany({});\n'))],
    ["a .gitignore edited in place", (root: string) => writeFileSync(path.join(root, ".gitignore"), `${readFileSync(path.join(root, ".gitignore"), "utf8")}\nscripts/cleanup-demo-data.ts\n`)],
  ])("%s: the scan sees it, as a scan without the cache does", async (_what, change) => {
    const root = copyOf("example-app");
    if (!readdirSync(root).includes(".gitignore")) writeFileSync(path.join(root, ".gitignore"), "node_modules\n");
    await scanLater(root, 10);
    expect(cacheFile(root).content.walk).toBeDefined();
    change(root);
    const after = await scanLater(root, 20);
    const cold = await coldScan(root);
    expect(after.files).toBe(cold.files);
    expect(after.findings).toEqual(cold.findings);
  });
});

describe("fixtures/example-app: non-JavaScript sources read other sources", () => {
  it("a shell script a package.json script runs: editing it checks the package.json again", async () => {
    const root = copyOf("example-app");
    const manifest = path.join(root, "package.json");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace('"scripts": {', '"scripts": {\n    "wipe": "CI=true sh scripts/wipe.sh",'));
    writeFileSync(path.join(root, "scripts/wipe.sh"), "#!/bin/sh\necho nothing to wipe\n");
    const before = await cachedScan(root);
    expect(before.findings.filter((f) => f.file === "package.json" && f.line === 5)).toEqual([]);
    // The script now runs a Prisma CLI write: CI=true in front of it is a bypass.
    writeFileSync(path.join(root, "scripts/wipe.sh"), "#!/bin/sh\nnpx prisma db push\n");
    const after = await cachedScan(root);
    expect(after.cache!.checked).toContain("package.json");
    expect(after.findings.filter((f) => f.file === "package.json" && f.line === 5).map((f) => f.ruleId)).toEqual(["production-safety/no-bypass-env"]);
    const cold = await cliHere(root, "--format", "json", "--no-cache");
    expect(after.findings).toEqual((JSON.parse(cold.stdout) as { findings: unknown[] }).findings);
  });
});

describe("fixtures/example-app: what invalidates everything", () => {
  it.each([
    ["the contract", "production-contract.json", (text: string) => text.replace('"version": 1,', '"version": 1,\n  "dbClients": ["@prisma/client", "pg"],')],
    ["the Prisma schema", "prisma/schema.prisma", (text: string) => `${text}\nmodel Audit {\n  id Int @id\n}\n`],
  ])("a change of %s", async (_what, file, change) => {
    const root = copyOf("example-app");
    const first = await cachedScan(root);
    writeFileSync(path.join(root, file), change(readFileSync(path.join(root, file), "utf8")));
    const after = await cachedScan(root);
    expect(after.cache!.reused).toBe(0);
    expect(after.cache!.checked).toEqual(first.cache!.checked);
  });

  it("another version of contract-scan", async () => {
    const root = copyOf("example-app");
    const first = await cachedScan(root);
    expect((await cachedScan(root)).cache!.reused).toBe(first.files);
    vi.resetModules();
    vi.doMock("../../src/package-info.js", async (original) => ({ ...(await original<typeof import("../../src/package-info.js")>()), packageVersion: "99.0.0" }));
    try {
      const { scan: scanOfAnotherVersion } = await import("../../src/scanner.js");
      const contractFile = path.join(root, "production-contract.json");
      const after = await scanOfAnotherVersion({ root, contract: loadContractFile(contractFile), contractFile, cache: {} });
      expect(after.cache!.reused).toBe(0);
      expect(after.cache!.checked).toEqual(first.cache!.checked);
    } finally {
      vi.doUnmock("../../src/package-info.js");
      vi.resetModules();
    }
  });
});

describe("fixtures/safety-app: the cache file itself", () => {
  it("a corrupt or foreign cache file is ignored and rewritten, the report unchanged", async () => {
    const root = copyOf("safety-app");
    const cold = await cliHere(root, "--format", "json");
    const { file } = (await cachedScan(root)).cache!;
    const contents = [
      "{\"format\": \"contract-scan-cache/1\", \"files\": {", // cut short: not JSON
      JSON.stringify({ format: "eslintcache", files: { "scripts/safe/delete-sources.ts": { findings: [] } } }), // another tool's
      JSON.stringify({ format: "contract-scan-cache/1", key: "", resolution: "", hashes: {}, files: { a: { facts: "yes" } }, modules: {} }), // a broken entry
    ];
    for (const content of contents) {
      writeFileSync(file, content);
      const after = await cliHere(root, "--format", "json", "--cache", "--debug");
      expect(after.stderr).toMatch(/: 0 files reused, \d+ checked\n/);
      expect(withoutDuration(after.stdout)).toBe(withoutDuration(cold.stdout));
      expect((JSON.parse(readFileSync(file, "utf8")) as { format: string }).format).toBe("contract-scan-cache/1");
    }
    expect((await cachedScan(root)).cache!.checked).toEqual([]);
  });

  it("a stored schema-file read or walk of the wrong shape is not used: the schema is parsed again, the tree walked, the report unchanged", async () => {
    const root = copyOf("safety-app");
    const cold = await cliHere(root, "--format", "json");
    const { file } = (await cachedScan(root)).cache!;
    const stored = JSON.parse(readFileSync(file, "utf8")) as { files: object; schemaFiles: Record<string, { read: unknown }>; walk?: unknown };
    expect(Object.keys(stored.schemaFiles)).toEqual(["prisma/schema.prisma"]);
    for (const entry of Object.values(stored.schemaFiles)) entry.read = { blocks: { generators: [], models: [{ name: "Source" }] } };
    // No folder stamps: this walk would be valid, but an entry's kind is not one the walk gives.
    stored.walk = { tool: packageVersion, walk: { dirs: {}, ignoreFiles: {}, entries: [["scripts/x.ts", "fifo"]] } };
    stored.files = {}; // every file is checked again, against the schema
    writeFileSync(file, JSON.stringify(stored));
    const after = await cliHere(root, "--format", "json", "--cache");
    expect(withoutDuration(after.stdout)).toBe(withoutDuration(cold.stdout));
  });

  it("Choice: a full scan writes no cache unless --cache is given (--changed uses it by default)", async () => {
    // Why: as ESLint's --cache, a full scan in CI or once by hand should leave nothing behind; --changed is
    // the daily loop (a pre-commit hook), where the cache is the point.
    const root = copyOf("safety-app");
    await cliHere(root, "--format", "json");
    expect(readdirSync(root)).not.toContain("node_modules");
  });

  it("writes only in the cache location: the default under node_modules/.cache, or the folder given", async () => {
    const root = copyOf("safety-app");
    const cacheDir = path.join(root, "node_modules/.cache/contract-scan");
    const before = tree(root, cacheDir);
    await cliHere(root, "--format", "json", "--cache");
    expect(readdirSync(cacheDir)).toHaveLength(1);
    // node_modules/ and node_modules/.cache/ are new folders on the way to it; nothing else changed.
    expect(tree(root, path.join(root, "node_modules"))).toEqual(before);

    const elsewhere = mkdtempSync(path.join(os.tmpdir(), "contract-scan-cache-location-"));
    made.push(elsewhere);
    const again = tree(root, path.join(root, "node_modules"));
    await cliHere(root, "--format", "json", "--cache", "--cache-location", elsewhere);
    expect(tree(root, path.join(root, "node_modules"))).toEqual(again);
    expect(readdirSync(elsewhere).filter((f) => f.endsWith(".json"))).toHaveLength(1);
  });

  it("Choice: --cache-location naming a file is a usage error (exit 2), not a file to overwrite", async () => {
    // Why: ESLint accepts a file there; this cache keeps one file per root and contract, so the location is a folder.
    const root = copyOf("safety-app");
    const file = path.join(root, "README.md");
    const result = await cliHere(root, "--cache", "--cache-location", file);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--cache-location .*README\.md is a file; give a folder/);
  });
});

describe("--changed with the cache (on by default)", () => {
  it("reports what --changed --no-cache reports, and checks only the changed files and the scripts they reach", async () => {
    const repo = makeGitRepo(path.join(PACKAGE_ROOT, "fixtures/example-app"));
    made.push(repo.top);
    mkdirSync(repo.at("node_modules"));
    repo.write(".git/info/exclude", "node_modules/\n");
    const full = await cliHere(repo.top, "--format", "json", "--cache");
    expect(full.stderr).toBe("");
    repo.append("lib/bookings.ts", "\n// edited\n");
    repo.git("add", "lib/bookings.ts");
    const withCache = await cliHere(repo.top, "--changed", "--format", "json", "--debug");
    const without = await cliHere(repo.top, "--changed", "--format", "json", "--no-cache");
    expect(withoutDuration(withCache.stdout)).toBe(withoutDuration(without.stdout));
    expect(withCache.stderr).toMatch(/: 0 files reused, 3 checked\n/);
    expect((JSON.parse(without.stdout) as { summary: { files: number } }).summary.files).toBe(3);
  });
});
