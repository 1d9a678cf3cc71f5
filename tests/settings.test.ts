// How a rule finds its contract and root (SPEC §1): settings path, inline object, nearest file above,
// defaults; settings.root; a linted file outside the root.
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Linter } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import { type Contract, CONTRACT_FILE_NAME, ContractError, defaultContract } from "../src/contract.js";
import plugin from "../src/index.js";
import { type FileContext, getFileContext } from "../src/settings.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "settings-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh directory under the test's temp folder. */
function repo(name: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function write(file: string, content: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** The part of a rule context that `getFileContext` reads (a fresh SourceCode stand-in: one lint of one file). */
function contextOf(physicalFilename: string, cwd: string, productionSafety?: unknown, report: (descriptor: unknown) => void = () => {}): FileContext {
  const settings = productionSafety === undefined ? {} : { "production-safety": productionSafety };
  return getFileContext({ settings, physicalFilename, cwd, sourceCode: {}, report } as unknown as Parameters<typeof getFileContext>[0]);
}

function contractErrorOf(fn: () => unknown): ContractError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return error as ContractError;
  }
  throw new Error("expected a ContractError, but nothing was thrown");
}

describe("inline contract in settings", () => {
  it("is validated and completed with defaults; root is ESLint's cwd", () => {
    const cwd = repo("inline");
    const ctx = contextOf(path.join(cwd, "tools/seed.ts"), cwd, { contract: { version: 1, scripts: ["tools/**"] } });
    expect(ctx.root).toBe(cwd);
    expect(ctx.repoPath).toBe("tools/seed.ts");
    expect(ctx.zone).toBe("scripts");
    expect(ctx.contract.ciGuard).toEqual({ env: "CI", equals: "true", functions: [], modules: [] });
  });

  it("uses settings.root when given, relative to cwd", () => {
    const cwd = repo("inline-root");
    const ctx = contextOf(path.join(cwd, "packages/api/scripts/a.ts"), cwd, { contract: { version: 1 }, root: "packages/api" });
    expect(ctx.root).toBe(path.join(cwd, "packages/api"));
    expect(ctx.repoPath).toBe("scripts/a.ts");
  });

  it("throws a ContractError naming the key path when invalid", () => {
    const cwd = repo("inline-bad");
    const error = contractErrorOf(() => contextOf(path.join(cwd, "a.ts"), cwd, { contract: { version: 1, ciGuard: { equal: "1" } } }));
    expect(error.file).toBeNull();
    expect(error.problems).toEqual(['ciGuard.equal: unknown key; expected one of env, equals, functions, modules; found "equal"']);
  });

  it("throws every time for the same invalid object (no half-read contract is cached)", () => {
    const cwd = repo("inline-bad-twice");
    const contract = { version: 2 };
    expect(() => contextOf(path.join(cwd, "a.ts"), cwd, { contract })).toThrow(ContractError);
    expect(() => contextOf(path.join(cwd, "b.ts"), cwd, { contract })).toThrow(ContractError);
  });

  it("does not modify the settings object", () => {
    const cwd = repo("inline-frozen");
    const contract = Object.freeze({ version: 1, bypass: Object.freeze({ patterns: Object.freeze(["NO_*"]) }) });
    const ctx = contextOf(path.join(cwd, "a.ts"), cwd, { contract });
    expect(ctx.contract.bypass).toEqual({ patterns: ["NO_*"], allow: [] });
    expect(contract).toEqual({ version: 1, bypass: { patterns: ["NO_*"] } });
  });

  it("validates the same object once (cached by identity)", () => {
    const cwd = repo("inline-cache");
    const contract = { version: 1 };
    const a = contextOf(path.join(cwd, "a.ts"), cwd, { contract });
    const b = contextOf(path.join(cwd, "b.ts"), cwd, { contract });
    expect(b.contract).toBe(a.contract);
  });

  it("with validated: true (set by contract-scan), is used as given", () => {
    const cwd = repo("inline-validated");
    const contract: Contract = { ...defaultContract(), scripts: ["jobs/**"] };
    const ctx = contextOf(path.join(cwd, "jobs/a.ts"), cwd, { contract, root: cwd, validated: true });
    expect(ctx.contract).toBe(contract);
    expect(ctx.zone).toBe("scripts");
  });

  it.each([[42], [true], [null]])("rejects a contract setting that is neither a path nor an object: %j", (value) => {
    const cwd = repo("inline-type");
    const error = contractErrorOf(() => contextOf(path.join(cwd, "a.ts"), cwd, { contract: value }));
    expect(error.problems).toEqual([`settings["production-safety"].contract: expected a path or an inline contract object; found ${JSON.stringify(value)}`]);
  });

  it("rejects an array as the inline contract", () => {
    const cwd = repo("inline-array");
    expect(contractErrorOf(() => contextOf(path.join(cwd, "a.ts"), cwd, { contract: [] })).problems).toEqual(["(root): expected object; found an array []"]);
  });
});

describe("contract path in settings", () => {
  it("Choice: resolves against ESLint's cwd, and the root is ESLint's cwd, not the contract's folder", () => {
    // The README's own example: contract: "./config/production-contract.json". Its globs describe the
    // repository (scripts/**), as they do for contract-scan --contract config/production-contract.json.
    const cwd = repo("path");
    write(path.join(cwd, "config/contract.json"), { version: 1, scripts: ["jobs/**"] });
    const ctx = contextOf(path.join(cwd, "jobs/a.ts"), cwd, { contract: "config/contract.json" });
    expect(ctx.root).toBe(cwd);
    expect(ctx.repoPath).toBe("jobs/a.ts");
    expect(ctx.zone).toBe("scripts");
    // Near miss: a file under the contract's folder is not matched relative to that folder.
    expect(contextOf(path.join(cwd, "config/jobs/a.ts"), cwd, { contract: "config/contract.json" }).zone).toBe("app");
  });

  it("with settings.root, the root is that folder (relative to cwd)", () => {
    const cwd = repo("path-root");
    write(path.join(cwd, "config/contract.json"), { version: 1, scripts: ["jobs/**"] });
    const ctx = contextOf(path.join(cwd, "packages/api/jobs/a.ts"), cwd, { contract: "config/contract.json", root: "packages/api" });
    expect(ctx.root).toBe(path.join(cwd, "packages/api"));
    expect(ctx.repoPath).toBe("jobs/a.ts");
    expect(ctx.zone).toBe("scripts");
  });

  it("takes precedence over a production-contract.json above the file", () => {
    const cwd = repo("path-precedence");
    write(path.join(cwd, CONTRACT_FILE_NAME), { version: 1, scripts: ["nearest/**"] });
    write(path.join(cwd, "explicit.json"), { version: 1, scripts: ["explicit/**"] });
    const ctx = contextOf(path.join(cwd, "explicit/a.ts"), cwd, { contract: "explicit.json" });
    expect(ctx.contract.scripts).toEqual(["explicit/**"]);
    expect(ctx.zone).toBe("scripts");
  });

  it("accepts an absolute path", () => {
    const cwd = repo("path-absolute");
    const file = write(path.join(tmp, "elsewhere", "contract.json"), { version: 1, tests: ["spec/**"] });
    expect(contextOf(path.join(cwd, "a.ts"), cwd, { contract: file }).contract.tests).toEqual(["spec/**"]);
  });

  it("throws a ContractError (not ENOENT) when the file does not exist", () => {
    const cwd = repo("path-missing");
    const error = contractErrorOf(() => contextOf(path.join(cwd, "a.ts"), cwd, { contract: "nope/contract.json" }));
    expect(error.file).toBe(path.join(cwd, "nope/contract.json"));
    expect(error.problems[0]).toMatch(/^cannot read the file: ENOENT/);
  });

  it("throws a ContractError with line and column when the file is malformed", () => {
    const cwd = repo("path-malformed");
    write(path.join(cwd, "c.json"), '{\n  "version": 1,\n}');
    expect(contractErrorOf(() => contextOf(path.join(cwd, "a.ts"), cwd, { contract: "c.json" })).problems).toEqual([
      'line 2, column 15: malformed JSON; expected another property after this comma; found "}" (trailing commas are not allowed)',
    ]);
  });
});

describe("settings.root", () => {
  it("wins over the folder of the contract found above the file", () => {
    const outer = repo("root-over-found");
    write(path.join(outer, CONTRACT_FILE_NAME), { version: 1, scripts: ["ops/**"] });
    const ctx = contextOf(path.join(outer, "app/ops/a.ts"), outer, { root: "app" });
    expect(ctx.contract.scripts).toEqual(["ops/**"]);
    expect(ctx.root).toBe(path.join(outer, "app"));
    expect(ctx.repoPath).toBe("ops/a.ts");
    expect(ctx.zone).toBe("scripts");
  });

  it.each([[42], [null], [["a"]]])("rejects a root setting that is not a path: %j", (value) => {
    const cwd = repo("root-type");
    const error = contractErrorOf(() => contextOf(path.join(cwd, "a.ts"), cwd, { root: value }));
    expect(error.problems).toEqual([`settings["production-safety"].root: expected a path; found ${JSON.stringify(value)}`]);
  });
});

describe("nearest production-contract.json above the linted file", () => {
  it("is found from a nested file; root is its directory", () => {
    const root = repo("nearest");
    write(path.join(root, CONTRACT_FILE_NAME), { version: 1, scripts: ["ops/**"] });
    const cwd = repo("nearest-elsewhere");
    const ctx = contextOf(path.join(root, "ops/deep/fix.ts"), cwd);
    expect(ctx.root).toBe(root);
    expect(ctx.repoPath).toBe("ops/deep/fix.ts");
    expect(ctx.zone).toBe("scripts");
  });

  it("the closest one wins (a workspace package with its own contract)", () => {
    const root = repo("nearest-monorepo");
    write(path.join(root, CONTRACT_FILE_NAME), { version: 1, scripts: ["outer/**"] });
    const pkg = path.join(root, "packages/api");
    write(path.join(pkg, CONTRACT_FILE_NAME), { version: 1, scripts: ["inner/**"] });
    const inner = contextOf(path.join(pkg, "inner/a.ts"), root);
    expect(inner.root).toBe(pkg);
    expect(inner.zone).toBe("scripts");
    const outer = contextOf(path.join(root, "outer/a.ts"), root);
    expect(outer.root).toBe(root);
    expect(outer.zone).toBe("scripts");
  });

  it("throws a ContractError naming the file when the found contract is invalid", () => {
    const root = repo("nearest-invalid");
    const file = write(path.join(root, CONTRACT_FILE_NAME), { version: 1, mutationScript: {} });
    const error = contractErrorOf(() => contextOf(path.join(root, "src/a.ts"), root));
    expect(error.file).toBe(file);
    expect(error.problems[0]).toMatch(/^mutationScript: unknown key; /);
  });

  it("sees an edit of the file (cached by modification time)", () => {
    const root = repo("nearest-edit");
    const file = write(path.join(root, CONTRACT_FILE_NAME), { version: 1, scripts: ["first/**"] });
    const filename = path.join(root, "second/a.ts");
    const before = contextOf(filename, root);
    expect(before.zone).toBe("app");
    expect(contextOf(filename, root).contract).toBe(before.contract);

    write(file, { version: 1, scripts: ["second/**"] });
    // An editor saves later than the first read; make that explicit, whatever the file system's clock granularity.
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    const after = contextOf(filename, root);
    expect(after.zone).toBe("scripts");
    expect(after.contract).not.toBe(before.contract);

    write(file, { version: 1, scripts: ["second/**"], ciGuard: { equal: "x" } });
    const evenLater = new Date(Date.now() + 10_000);
    utimesSync(file, evenLater, evenLater);
    expect(() => contextOf(filename, root)).toThrow(ContractError);
  });

  it("sees an edit that changes the size even with the same modification time", () => {
    const root = repo("nearest-edit-size");
    const file = write(path.join(root, CONTRACT_FILE_NAME), { version: 1, scripts: ["a/**"] });
    const fixed = new Date(2_000_000_000_000);
    utimesSync(file, fixed, fixed);
    expect(contextOf(path.join(root, "b/x.ts"), root).zone).toBe("app");
    write(file, { version: 1, scripts: ["a/**", "b/**"] });
    utimesSync(file, fixed, fixed);
    expect(contextOf(path.join(root, "b/x.ts"), root).zone).toBe("scripts");
  });
});

describe("no contract anywhere", () => {
  it("uses the defaults with root = ESLint's cwd", () => {
    // Guard: the temp folder itself must not sit under a production-contract.json.
    for (let dir = tmp; ; dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, CONTRACT_FILE_NAME)), dir).toBe(false);
      if (path.dirname(dir) === dir) break;
    }
    const cwd = repo("none");
    const ctx = contextOf(path.join(cwd, "scripts/a.ts"), cwd);
    expect(ctx.root).toBe(cwd);
    expect(ctx.repoPath).toBe("scripts/a.ts");
    expect(ctx.zone).toBe("scripts");
    expect(ctx.contract).toEqual(defaultContract());
  });

  it("a file outside cwd is outside the root: reported once, and zone ignore (no rule checks it)", () => {
    const cwd = repo("none-cwd");
    const other = repo("none-other");
    const reports: unknown[] = [];
    const ctx = contextOf(path.join(other, "scripts/a.ts"), cwd, undefined, (d) => reports.push(d));
    expect(ctx.repoPath).toBe("../none-other/scripts/a.ts");
    expect(ctx.zone).toBe("ignore");
    expect(ctx.role).toBe("other");
    expect(reports).toHaveLength(1);
  });

  it("resolves a relative or virtual file name against cwd (stdin: <text>)", () => {
    const cwd = repo("none-stdin");
    expect(contextOf("<text>", cwd).repoPath).toBe("<text>");
    expect(contextOf("scripts/a.ts", cwd).zone).toBe("scripts");
  });
});

describe("a linted file outside the root", () => {
  const BYPASS = "const skip = process.env.SKIP_CHECKS;\n";

  /** Lints `file` (absolute) with recommended and `settings` through ESLint's Linter: `line:column ruleId`, and the texts. */
  function lint(cwd: string, file: string, settings: unknown): { found: string[]; messages: string[] } {
    const linter = new Linter({ cwd });
    const config = [plugin.configs.recommended as Linter.Config, { settings: { "production-safety": settings } }];
    const messages = linter.verify(BYPASS, config, { filename: file });
    return { found: messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`), messages: messages.map((m) => m.message) };
  }

  it("Choice: one finding that says so, at 1:1, under the first rule that runs; no other rule checks the file", () => {
    // A monorepo config whose settings give packages/api as the root also lints packages/web.
    const cwd = repo("outside-root");
    write(path.join(cwd, "config/contract.json"), { version: 1 });
    const { found, messages } = lint(cwd, path.join(cwd, "packages/web/scripts/a.ts"), { contract: "config/contract.json", root: "packages/api" });
    // The first rule of recommended; no-bypass-env (which checks every zone but tests) stays silent.
    expect(found).toEqual(["1:1 production-safety/deploy-script-only-migrates"]);
    expect(messages[0]).toContain(`outside the repository root of the production contract (${path.join(cwd, "packages/api")}, settings["production-safety"].root)`);
  });

  it("near miss: a file under the root is checked as usual", () => {
    const cwd = repo("inside-root");
    write(path.join(cwd, "config/contract.json"), { version: 1 });
    expect(lint(cwd, path.join(cwd, "packages/api/scripts/a.ts"), { contract: "config/contract.json", root: "packages/api" }).found).toEqual(["1:14 production-safety/no-bypass-env"]);
  });

  it("says why the root is there: a contract in settings without root (ESLint's cwd), or no contract at all", () => {
    // ESLint lints a file outside its cwd when the config file is above the cwd (`cd packages/api && eslint ../web/a.ts`).
    const cwd = repo("outside-cwd");
    write(path.join(cwd, "contract.json"), { version: 1 });
    const sibling = path.join(tmp, "outside-cwd-sibling/scripts/a.ts");
    const told = (settings: unknown): string[] => {
      const reports: { message: string }[] = [];
      contextOf(sibling, cwd, settings, (d) => reports.push(d as { message: string }));
      return reports.map((r) => r.message);
    };
    expect(told({ contract: "contract.json" })).toEqual([expect.stringContaining(`(${cwd}, ESLint's working directory, the root when settings["production-safety"].contract is set)`)]);
    expect(told({ contract: { version: 1 } })).toEqual([expect.stringContaining(`(${cwd}, ESLint's working directory, the root when settings["production-safety"].contract is set)`)]);
    expect(told(undefined)).toEqual([expect.stringContaining(`(${cwd}, ESLint's working directory: no production-contract.json was found above this file)`)]);
  });
});

// Issue 13 item 5 (SPEC §6.18): a dataLayer glob lists application code only.
describe("dataLayer in the file context", () => {
  const contract = { version: 1, dataLayer: ["app/**"], mutationScripts: { "tools/purge.ts": { operations: ["deleteMany"] } }, scripts: ["app/scripts/**"] };

  it("is true for application code a glob lists, false elsewhere", () => {
    const cwd = repo("data-layer");
    expect(contextOf(path.join(cwd, "app/db/users.js"), cwd, { contract }).dataLayer).toBe(true);
    expect(contextOf(path.join(cwd, "lib/db/users.js"), cwd, { contract }).dataLayer).toBe(false);
    expect(contextOf(path.join(cwd, "app/db/users.test.js"), cwd, { contract }).dataLayer).toBe(false);
  });

  it("a script a glob lists is a contract error naming the glob (what contract-scan says before it scans)", () => {
    const cwd = repo("data-layer-script");
    const error = contractErrorOf(() => contextOf(path.join(cwd, "app/scripts/purge.js"), cwd, { contract }));
    expect(error.problems).toEqual([
      'dataLayer[0]: "app/**" matches app/scripts/purge.js, in the script zone "app/scripts/**"; expected application code only: a script is never a data layer, so narrow the glob to the application folder that holds the data layer',
    ]);
    expect(error.file).toBeNull();
  });
});

describe("the contract file and the cache location (the stored module facts of contract-scan --cache)", () => {
  it("contractFile: the settings' path or the one found above the file; undefined inline and for the defaults", () => {
    const cwd = repo("contract-file");
    const configured = write(path.join(cwd, "config/contract.json"), { version: 1 });
    expect(contextOf(path.join(cwd, "a.ts"), cwd, { contract: "config/contract.json" }).contractFile).toBe(configured);
    const found = write(path.join(cwd, "pkg", CONTRACT_FILE_NAME), { version: 1 });
    expect(contextOf(path.join(cwd, "pkg/a.ts"), cwd).contractFile).toBe(found);
    expect(contextOf(path.join(cwd, "a.ts"), cwd, { contract: { version: 1 } }).contractFile).toBeUndefined();
    const bare = repo("contract-file-none");
    expect(contextOf(path.join(bare, "a.ts"), bare).contractFile).toBeUndefined();
  });

  it("cacheLocation is resolved against ESLint's cwd; undefined (the default) when not set", () => {
    const cwd = repo("cache-location");
    write(path.join(cwd, CONTRACT_FILE_NAME), { version: 1 });
    expect(contextOf(path.join(cwd, "a.ts"), cwd, { cacheLocation: ".cache/scan" }).cacheLocation).toBe(path.join(cwd, ".cache/scan"));
    expect(contextOf(path.join(cwd, "a.ts"), cwd).cacheLocation).toBeUndefined();
  });

  it.each([[42], [null], [["a"]]])("rejects a cacheLocation setting that is not a path: %j", (value) => {
    const cwd = repo("cache-location-type");
    const error = contractErrorOf(() => contextOf(path.join(cwd, "a.ts"), cwd, { cacheLocation: value }));
    expect(error.problems).toEqual([`settings["production-safety"].cacheLocation: expected a path (the folder of contract-scan --cache-location); found ${JSON.stringify(value)}`]);
  });
});
