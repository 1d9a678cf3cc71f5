/**
 * The one bounded reader (src/source-text.ts, issue 14 items 1 and 2): regular files only, a FIFO,
 * socket, device or directory refused without being read (directly or through a symbolic link), the size
 * checked before and during the read, dangling and looping links named; and the nesting checks that keep
 * deep JSON and YAML away from the recursive parsers.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  boundedGlobFs,
  byteLimitFor,
  jsonNestingProblem,
  MAX_CONFIG_BYTES,
  MAX_GITIGNORE_BYTES,
  MAX_NESTING_DEPTH,
  MAX_SOURCE_BYTES,
  readFileBytes,
  readFileBytesAsync,
  readJsonFile,
  type ReadBytes,
  readSourceText,
  yamlNestingProblem,
} from "../src/source-text.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "ps-source-text-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let count = 0;
/** A fresh path in the temporary folder. */
function at(name: string): string {
  count += 1;
  const dir = path.join(tmp, String(count));
  mkdirSync(dir);
  return path.join(dir, name);
}

function write(name: string, content: string | Buffer): string {
  const file = at(name);
  writeFileSync(file, content);
  return file;
}

const isWindows = process.platform === "win32";
const hasDevZero = !isWindows && existsSync("/dev/zero");

/** Both readers, which must agree on every case. */
const READERS: [string, (file: string, limit: number) => Promise<ReadBytes>][] = [
  ["readFileBytes", async (file, limit) => readFileBytes(file, limit)],
  ["readFileBytesAsync", readFileBytesAsync],
];

describe.each(READERS)("%s", (_name, read) => {
  it("reads a regular file's bytes", async () => {
    expect(await read(write("a.ts", "export {};\n"), 100)).toEqual({ bytes: Buffer.from("export {};\n") });
  });

  it("reads a regular file through a symbolic link", async () => {
    const target = write("target.json", "{}");
    const link = path.join(path.dirname(target), "package.json");
    symlinkSync(target, link);
    expect(await read(link, 100)).toEqual({ bytes: Buffer.from("{}") });
  });

  it.skipIf(isWindows)("refuses a FIFO without waiting for a writer", async () => {
    const fifo = at("x.ts");
    execFileSync("mkfifo", [fifo]);
    const result = await read(fifo, MAX_SOURCE_BYTES);
    expect(result).toEqual({ problem: expect.stringMatching(/^cannot read the file: it is a FIFO \(named pipe\), not a regular file/) });
  });

  it.skipIf(isWindows)("refuses a FIFO behind a symbolic link", async () => {
    const fifo = at("pipe");
    execFileSync("mkfifo", [fifo]);
    const link = path.join(path.dirname(fifo), "package.json");
    symlinkSync(fifo, link);
    expect(await read(link, MAX_CONFIG_BYTES)).toEqual({ problem: expect.stringMatching(/it is a FIFO \(named pipe\), not a regular file/) });
  });

  it.skipIf(!hasDevZero)("refuses a symbolic link to /dev/zero (a device never ends)", async () => {
    const link = at("package.json");
    symlinkSync("/dev/zero", link);
    expect(await read(link, MAX_CONFIG_BYTES)).toEqual({ problem: expect.stringMatching(/^cannot read the file: it is a character device, not a regular file/) });
  });

  it("refuses a directory", async () => {
    const dir = at("src.ts");
    mkdirSync(dir);
    expect(await read(dir, 100)).toEqual({ problem: expect.stringMatching(/^cannot read the file: it is a directory, not a regular file/) });
  });

  it("refuses a file over the limit, naming its size and the limit; near miss: exactly the limit is read", async () => {
    const file = write("big.ts", "x".repeat(101));
    expect(await read(file, 100)).toEqual({ problem: expect.stringContaining("file is too large to read (101 bytes; the limit for this kind of file is 100 bytes)") });
    expect(await read(write("fits.ts", "x".repeat(100)), 100)).toEqual({ bytes: Buffer.from("x".repeat(100)) });
  });

  // /proc files are regular files that stat as 0 bytes and yet hold text: like a file that grows after
  // the check, only the read itself can stop them.
  it.skipIf(process.platform !== "linux")("stops reading one byte past the limit when the file holds more than it said", async () => {
    expect(await read("/proc/self/status", 16)).toEqual({ problem: expect.stringContaining("(more than 16 bytes; the limit for this kind of file is 16 bytes)") });
    const whole = await read("/proc/self/status", 1024 * 1024);
    expect("bytes" in whole && whole.bytes.toString("utf8")).toMatch(/^Name:/);
  });

  it.skipIf(isWindows)("names a dangling symbolic link (a problem, not a missing file)", async () => {
    const link = at("production-contract.json");
    symlinkSync(path.join(path.dirname(link), "nowhere.json"), link);
    expect(await read(link, 100)).toEqual({ problem: "cannot read the file: it is a symbolic link whose target does not exist (point it at a file, or remove it)" });
  });

  it.skipIf(isWindows)("names a looping symbolic link", async () => {
    const link = at("production-contract.json");
    symlinkSync(link, link);
    expect(await read(link, 100)).toEqual({ problem: expect.stringMatching(/^cannot read the file: ELOOP: it is a symbolic link that loops/) });
  });

  it("says a file that does not exist is missing, without its absolute path", async () => {
    const file = path.join(tmp, "nothing-here.json");
    const result = await read(file, 100);
    expect(result).toEqual({ problem: "cannot read the file: ENOENT: no such file or directory", missing: true });
  });

  it("refuses a path longer than the file system allows", async () => {
    const long = path.join(tmp, `${"d".repeat(250)}/`.repeat(20), "a.ts");
    expect(await read(long, 100)).toEqual({ problem: expect.stringMatching(/^cannot read the file: ENAMETOOLONG/) });
  });
});

describe("readFileBytes with prefix", () => {
  it("gives the first bytes of a larger file (for a shebang) and all of a smaller one", () => {
    expect(readFileBytes(write("script", `#!/bin/sh\n${"x".repeat(1000)}`), 9, { prefix: true })).toEqual({ bytes: Buffer.from("#!/bin/sh") });
    expect(readFileBytes(write("short", "#!/bin/sh\n"), 128, { prefix: true })).toEqual({ bytes: Buffer.from("#!/bin/sh\n") });
  });

  it.skipIf(isWindows)("still refuses a FIFO", () => {
    const fifo = at("hook");
    execFileSync("mkfifo", [fifo]);
    expect(readFileBytes(fifo, 128, { prefix: true })).toEqual({ problem: expect.stringContaining("FIFO") });
  });
});

describe("size limits by kind", () => {
  it.each([
    ["src/a.ts", MAX_SOURCE_BYTES],
    ["db/schema.sql", MAX_SOURCE_BYTES],
    ["tools/job.py", MAX_SOURCE_BYTES],
    ["prisma/schema.prisma", MAX_SOURCE_BYTES],
    ["scripts/deploy", MAX_SOURCE_BYTES],
    ["package.json", MAX_CONFIG_BYTES],
    ["packages/a/tsconfig.build.json", MAX_CONFIG_BYTES],
    ["pnpm-workspace.yaml", MAX_CONFIG_BYTES],
    [".github/workflows/ci.yml", MAX_CONFIG_BYTES],
    ["scripts/run.sh", MAX_CONFIG_BYTES],
    ["Dockerfile", MAX_CONFIG_BYTES],
    ["docker/api.Dockerfile", MAX_CONFIG_BYTES],
    [".gitignore", MAX_GITIGNORE_BYTES],
    ["src/.gitignore", MAX_GITIGNORE_BYTES],
  ])("%s: %i bytes", (file, limit) => {
    expect(byteLimitFor(file)).toBe(limit);
  });

  it("readSourceText applies the limit of the file's kind: a 300 KiB package.json is refused, a 300 KiB module is read", () => {
    const size = 300 * 1024;
    expect(readSourceText(write("package.json", `{"a":"${"x".repeat(size)}"}`))).toEqual({ problem: expect.stringContaining(`the limit for this kind of file is ${MAX_CONFIG_BYTES} bytes`) });
    expect(readSourceText(write("big.ts", `// ${"x".repeat(size)}\n`))).toEqual({ text: expect.stringMatching(/^\/\/ x/) });
  });
});

describe("JSON nesting", () => {
  const nested = (depth: number): string => `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;

  it("finds nesting past the limit at the first bracket too deep, in linear time (10,000 levels)", () => {
    expect(jsonNestingProblem(nested(10_000))).toEqual({
      message: `JSON nests too deeply (more than ${MAX_NESTING_DEPTH} levels of arrays and objects), so it was not parsed: flatten it`,
      offset: 5 + MAX_NESTING_DEPTH - 1,
    });
  });

  it("near miss: exactly the limit is accepted", () => {
    expect(jsonNestingProblem(nested(MAX_NESTING_DEPTH))).toBeUndefined();
    expect(jsonNestingProblem(nested(MAX_NESTING_DEPTH + 1))).toBeDefined();
  });

  it("does not count brackets inside strings (escaped quotes included) or comments", () => {
    const brackets = "[".repeat(MAX_NESTING_DEPTH + 5);
    expect(jsonNestingProblem(`{"a": "${brackets}", "b": "\\"${brackets}"}`)).toBeUndefined();
    expect(jsonNestingProblem(`{// ${brackets}\n"a": 1 /* ${brackets} */}`)).toBeUndefined();
  });

  it("readJsonFile reports a package.json nested 10,000 deep as a problem instead of overflowing jsonc-parser's stack", () => {
    expect(readJsonFile(write("package.json", nested(10_000)))).toEqual({ problem: expect.stringContaining("JSON nests too deeply") });
  });
});

describe("YAML nesting", () => {
  it.each([
    ["flow sequences", (n: number) => `${"[".repeat(n)}${"]".repeat(n)}\n`],
    ["compact block sequences", (n: number) => `${"- ".repeat(n)}x\n`],
    ["block mappings", (n: number) => `${Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} x\n`],
  ])("finds %s nested past the limit (1,000 levels), and accepts the limit itself", (_kind, nested) => {
    expect(yamlNestingProblem(nested(1000))).toEqual({ message: `YAML nests too deeply (more than ${MAX_NESTING_DEPTH} levels of sequences and mappings), so it was not parsed: flatten it`, offset: expect.any(Number) });
    expect(yamlNestingProblem(nested(MAX_NESTING_DEPTH))).toBeUndefined();
  });

  it("measures 10,000 levels without overflowing (yaml's own parse overflows at about 700)", () => {
    expect(yamlNestingProblem(`${"[".repeat(10_000)}${"]".repeat(10_000)}`)).toBeDefined();
  });

  it("does not count brackets inside a block scalar or a quoted string", () => {
    const brackets = "[".repeat(MAX_NESTING_DEPTH + 5);
    expect(yamlNestingProblem(`jobs:\n  a:\n    steps:\n      - run: |\n          echo ${brackets}\n      - run: "${brackets}"\n`)).toBeUndefined();
  });
});

describe("boundedGlobFs (globby's .gitignore reader)", () => {
  it("reads a .gitignore through the bounded reader", async () => {
    const fs = boundedGlobFs();
    const file = write(".gitignore", "dist/\n");
    expect(fs.readFileSync(file, "utf8")).toBe("dist/\n");
    expect(await fs.promises.readFile(file, "utf8")).toBe("dist/\n");
  });

  it("reads a refused .gitignore as empty and passes its problem on", async () => {
    const problems: string[] = [];
    const fs = boundedGlobFs((file, problem) => problems.push(`${path.basename(file)}: ${problem}`));
    const big = write(".gitignore", "x\n".repeat(MAX_GITIGNORE_BYTES));
    expect(fs.readFileSync(big, "utf8")).toBe("");
    expect(await fs.promises.readFile(big, "utf8")).toBe("");
    expect(problems).toEqual([expect.stringMatching(/^\.gitignore: file is too large to read/), expect.stringMatching(/^\.gitignore: file is too large to read/)]);
  });

  it("throws ENOENT for a missing file, which globby skips", () => {
    expect(() => boundedGlobFs().readFileSync(path.join(tmp, "none", ".gitignore"), "utf8")).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});
