/**
 * The one reader of every file the tool reads (docs/design.md, Files that cannot be read, issue 14): sources of every kind, `package.json`,
 * `pnpm-workspace.yaml`, `tsconfig.json`, workflows, shell scripts, Dockerfiles, `.gitignore` files, the
 * contract, the baseline, the Prisma schema, the scan cache. Whatever a pull request puts in the tree is
 * input here, so a file is read only when it is a regular file (followed through symbolic links) of at
 * most its kind's size limit: a FIFO, socket, device or directory is refused without being opened for
 * reading (a FIFO would block forever, `/dev/zero` would never end), the size is checked before reading,
 * and the read itself stops one byte past the limit (the file may grow meanwhile). Then bytes become text
 * (binary files, a NUL byte in the first 8000 bytes, and invalid UTF-8 are problems), and JSON and YAML
 * text is checked for nesting deeper than the parsers can take before it reaches them. Every refusal is a
 * problem message for a `parse-error` finding (or exit 2 for the contract and the baseline); nothing here
 * throws. A leaf module: it imports nothing from the plugin.
 */
import fs, { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { promisify } from "node:util";
import type * as JsoncParser from "jsonc-parser";
import type { ParseError } from "jsonc-parser";
import type * as Yaml from "yaml";
import { lazyRequire } from "./lazy-require.js";

/** The YAML library (its CST parser measures nesting), loaded when the first YAML text is checked. */
const yaml = lazyRequire<typeof Yaml>("yaml");
/** The strict JSON check of readJsonFile, loaded when the first JSON file is read as data. */
const jsonc = lazyRequire<typeof JsoncParser>("jsonc-parser");

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * JavaScript, TypeScript, SQL, Python and Prisma schema files over this many bytes are not parsed
 * ("too large", docs/design.md, Files that cannot be read). Generated bundles and dumps are larger; hand-written code is not.
 */
export const MAX_SOURCE_BYTES = 2 * MiB;

/**
 * The limit for files whose text is read as shell or YAML, and for manifests: `package.json` (its
 * scripts are shell), `tsconfig*.json` / `jsconfig*.json`, `pnpm-workspace.yaml`, workflows, Lefthook and
 * pre-commit configurations, shell scripts, Git hooks and Dockerfiles. Why 256 KiB: the shell parser
 * (mvdan-sh, GopherJS) costs about 0.1 ms and 12 KB a word at worst: 256 KiB of one-letter words in a
 * workflow `run:` line or a package.json script took 15 s of CPU and 1.8 GB at peak (measured), a 1 MB
 * line minutes. Real files are far cheaper per byte (a 141 KB autoconf `configure`: 3 s, 190 MB) and the
 * largest hand-written ones of these kinds (nvm.sh, 150 KB; big monorepo manifests and generated
 * workflows, under 100 KB) fit.
 */
export const MAX_CONFIG_BYTES = 256 * KiB;

/**
 * The limit for `.gitignore` files. Why 64 KiB (about 5,000 patterns): every globby call compiles every
 * pattern and tests every path against them; a 64 KiB `.gitignore` added 9 s of CPU to a scan of 500
 * files, a 256 KiB one (19,500 patterns) took 130 s and 800 MB (measured). Real ones hold tens to a few
 * hundred patterns (GitHub's templates: under 10 KiB).
 */
export const MAX_GITIGNORE_BYTES = 64 * KiB;

/**
 * The limit for the contract and the baseline, read whole as JSON. Why 16 MiB: it only stops a runaway
 * file (a symbolic link to `/dev/zero`, a file that grows while read); parsing 16 MiB of JSON takes well
 * under a second, and a real contract is kilobytes, a baseline of 50,000 files a few megabytes.
 */
export const MAX_DATA_BYTES = 16 * MiB;

/**
 * The limit for files this tool wrote itself and reads back: the scan cache, shard reports for
 * `contract-scan merge`. They grow with the repository (a cache holds every file's findings and module
 * facts), so only a runaway file is stopped: 256 MiB, half of V8's longest string.
 */
export const MAX_TOOL_DATA_BYTES = 256 * MiB;

/**
 * How deeply JSON and YAML may nest (arrays and objects, sequences and mappings). Why 200: the parsers
 * the tool hands such text to recurse once per level and overflow the stack with a raw RangeError
 * (TypeScript's JSON parser, which reads `tsconfig.json`, at about 500 to 700 levels; `yaml` at about 700
 * flow levels; jsonc-parser between 5,000 and 10,000), and every level of the tool's own call stack
 * lowers that; real manifests, workflows and contracts nest fewer than 20 levels.
 */
export const MAX_NESTING_DEPTH = 200;

/** Names whose files get MAX_CONFIG_BYTES (see there). */
const CONFIG_FILE = /(?:^|[/\\])(?:package\.json|[tj]sconfig[^/\\]*\.json|Dockerfile(?:\.[^/\\]*)?|[^/\\]*\.(?:ya?ml|sh|bash|dockerfile|Dockerfile))$/;

/**
 * The size limit of a repository file by its name: `.gitignore` MAX_GITIGNORE_BYTES, the manifests and
 * the shell and YAML kinds MAX_CONFIG_BYTES, everything else (JavaScript, TypeScript, SQL, Python,
 * Prisma, extension-less scripts until their shebang is known) MAX_SOURCE_BYTES.
 * @param file a path (absolute or repository-relative; only its name counts).
 * @returns bytes.
 */
export function byteLimitFor(file: string): number {
  if (/(?:^|[/\\])\.gitignore$/.test(file)) return MAX_GITIGNORE_BYTES;
  return CONFIG_FILE.test(file) ? MAX_CONFIG_BYTES : MAX_SOURCE_BYTES;
}

/** What reading a file gave: its bytes, or why there are none (`missing`: nothing at that path at all). */
export type ReadBytes = { bytes: Buffer } | { problem: string; missing?: true };

/** The message of a file larger than the limit. */
function tooLarge(size: number | undefined, limitBytes: number): string {
  const found = size === undefined ? `more than ${limitBytes} bytes` : `${size} bytes`;
  return `file is too large to read (${found}; the limit for this kind of file is ${limitBytes} bytes): make it smaller, or keep it out of the scan (.gitignore, or the contract's \`ignore\`)`;
}

/** What a non-regular file is, for the message. */
function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/** The refusal of a file that is not regular, or undefined for a regular one. */
function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  const kind = describeKind(stats);
  return `cannot read the file: it is ${kind === "not a regular file" ? "" : `${kind}, `}not a regular file (only regular files are read: put a regular file here, or remove it)`;
}

/**
 * A file-system error as a problem, without the absolute path Node appends ("EACCES: permission denied,
 * open '/home/x/repo/a.ts'" -> "EACCES: permission denied"): the finding is already at the file, and the
 * report must not depend on where the repository is checked out.
 * @param linkStats the `lstat` of the path when `stat` failed with ENOENT (a dangling symbolic link), if any.
 */
function errnoProblem(error: unknown, linkStats?: Stats): ReadBytes {
  const e = error as NodeJS.ErrnoException;
  const code = e.code ?? "";
  if ((code === "ENOENT" || code === "ENOTDIR") && linkStats?.isSymbolicLink()) {
    return { problem: "cannot read the file: it is a symbolic link whose target does not exist (point it at a file, or remove it)" };
  }
  if (code === "ELOOP") return { problem: "cannot read the file: ELOOP: it is a symbolic link that loops (its target leads back to itself)" };
  if (code === "ENAMETOOLONG") return { problem: "cannot read the file: ENAMETOOLONG: its path is longer than the file system allows" };
  const message = String(e.message ?? error).replace(/, \w+ '[^']*'$/, "");
  return code === "ENOENT" || code === "ENOTDIR" ? { problem: `cannot read the file: ${message}`, missing: true } : { problem: `cannot read the file: ${message}` };
}

/**
 * True when something is at the path itself (`lstat`): a symbolic link counts wherever it points, so a
 * dangling or looping link named like the contract or the baseline is read (and refused, naming it)
 * rather than taken for no file at all. Never throws.
 */
export function pathEntryExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Open flags that never wait: a FIFO swapped in after the check must not block the open. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Whether an open file is still the regular file that was checked (not swapped meanwhile). */
function sameFile(a: Stats, b: Stats): boolean {
  return b.isFile() && a.dev === b.dev && a.ino === b.ino;
}

/**
 * The bytes of one open file as its reads come in (readFileBytes and readFileBytesAsync differ only in
 * how they read): the first request is the size the file had when checked, at most limit + 1 bytes, so a
 * file that grew since shows by filling it; the buffer doubles up to limit + 1 bytes.
 */
class Collected {
  private buffer: Buffer<ArrayBuffer>;
  private length = 0;
  private ended = false;

  constructor(
    size: number,
    private readonly limitBytes: number,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 0), limitBytes) + 1);
  }

  /** Where the next read goes (buffer, offset, length), or undefined once the file ended or passed the limit. */
  next(): [Buffer<ArrayBuffer>, number, number] | undefined {
    if (this.ended || this.length > this.limitBytes) return undefined;
    if (this.length === this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.buffer.length * 2, this.limitBytes + 1));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    return [this.buffer, this.length, this.buffer.length - this.length];
  }

  /** Takes the count of bytes the last read put at `next()`'s place (0: the file ended). */
  took(bytesRead: number): void {
    if (bytesRead === 0) this.ended = true;
    this.length += bytesRead;
  }

  /** The bytes, or the refusal of a file over the limit (with `prefix`, its first `limitBytes` bytes). */
  result(prefix: boolean): ReadBytes {
    if (this.length <= this.limitBytes) return { bytes: this.buffer.subarray(0, this.length) };
    return prefix ? { bytes: this.buffer.subarray(0, this.limitBytes) } : { problem: tooLarge(undefined, this.limitBytes) };
  }
}

/** Why a file that was stat'ed cannot be read (not regular, too large), or undefined when it can be. */
function refusalOf(before: Stats, limitBytes: number, prefix: boolean): ReadBytes | undefined {
  const refusal = notRegular(before);
  if (refusal !== undefined) return { problem: refusal };
  if (before.size > limitBytes && !prefix) return { problem: tooLarge(before.size, limitBytes) };
  return undefined;
}

/** The refusal of an open file that is not the regular file stat'ed before (swapped meanwhile), or undefined. */
function swappedProblem(before: Stats, opened: Stats): ReadBytes | undefined {
  return sameFile(before, opened) ? undefined : { problem: notRegular(opened) ?? "cannot read the file: it was replaced while being read" };
}

/**
 * Reads a file's bytes when it is a regular file (symbolic links followed) of at most `limitBytes`.
 * Stats first, so a FIFO, socket, device or directory (also behind a symbolic link) is refused without
 * being opened; opens without blocking and checks the open file is the one stat'ed; reads at most
 * `limitBytes + 1` bytes through the descriptor, so a file that grows after the check is still refused.
 * @param file absolute path.
 * @param limitBytes the largest size accepted, in bytes (see `byteLimitFor` and the MAX_* limits).
 * @param options `prefix`: return the first `limitBytes` bytes of a larger file instead of refusing it
 *   (for sniffing a shebang).
 * @returns `{ bytes }`, or `{ problem }` with a message for a `parse-error` finding (`missing` when nothing
 *   is at the path: ENOENT, ENOTDIR; a dangling or looping symbolic link is a problem, not missing).
 *   Never throws.
 */
export function readFileBytes(file: string, limitBytes: number, options: { prefix?: boolean } = {}): ReadBytes {
  let before: Stats;
  try {
    before = statSync(file);
  } catch (error) {
    let link: Stats | undefined;
    try {
      link = lstatSync(file);
    } catch {
      link = undefined;
    }
    return errnoProblem(error, link);
  }
  const prefix = options.prefix === true;
  const refused = refusalOf(before, limitBytes, prefix);
  if (refused !== undefined) return refused;
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    return errnoProblem(error);
  }
  try {
    const opened = fstatSync(fd);
    const swapped = swappedProblem(before, opened);
    if (swapped !== undefined) return swapped;
    const collected = new Collected(opened.size, limitBytes);
    for (let at = collected.next(); at !== undefined; at = collected.next()) collected.took(readSync(fd, ...at, null));
    return collected.result(prefix);
  } catch (error) {
    return errnoProblem(error);
  } finally {
    closeSync(fd);
  }
}

/** The callback forms of the calls readFileBytesAsync makes (cheaper than fs/promises' FileHandle). */
const statAsync = promisify(fs.stat);
const lstatAsync = promisify(fs.lstat);
const openAsync = promisify(fs.open);
const fstatAsync = promisify(fs.fstat);
const readAsync = promisify(fs.read);
const closeAsync = promisify(fs.close);

/**
 * `readFileBytes` without blocking the event loop (the scanner reads the next file while it lints one).
 * Same checks, same results. Never rejects.
 * @param file absolute path.
 * @param limitBytes the largest size accepted, in bytes.
 */
export async function readFileBytesAsync(file: string, limitBytes: number): Promise<ReadBytes> {
  let before: Stats;
  try {
    before = await statAsync(file);
  } catch (error) {
    return errnoProblem(error, await lstatAsync(file).catch(() => undefined));
  }
  const refused = refusalOf(before, limitBytes, false);
  if (refused !== undefined) return refused;
  let fd: number;
  try {
    fd = await openAsync(file, OPEN_FLAGS);
  } catch (error) {
    return errnoProblem(error);
  }
  try {
    const opened = await fstatAsync(fd);
    const swapped = swappedProblem(before, opened);
    if (swapped !== undefined) return swapped;
    const collected = new Collected(opened.size, limitBytes);
    for (let at = collected.next(); at !== undefined; at = collected.next()) collected.took((await readAsync(fd, ...at, null)).bytesRead);
    return collected.result(false);
  } catch (error) {
    return errnoProblem(error);
  } finally {
    await closeAsync(fd).catch(() => undefined);
  }
}

/**
 * The text of a source file's bytes (a leading byte-order mark removed), or why there is none.
 * @param limitBytes the kind's size limit (default MAX_SOURCE_BYTES).
 * @returns `{ text }`, or `{ problem }` with a message for a `parse-error` finding.
 */
export function decodeSourceBytes(bytes: Buffer, limitBytes: number = MAX_SOURCE_BYTES): { text: string } | { problem: string } {
  if (bytes.length > limitBytes) return { problem: tooLarge(bytes.length, limitBytes) };
  if (bytes.subarray(0, 8000).includes(0)) return { problem: "file is binary (it contains NUL bytes), not source text" };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.startsWith("\uFEFF") ? text.slice(1) : text };
  } catch {
    return { problem: "file is not valid UTF-8" };
  }
}

/**
 * Reads and decodes a file of the repository (readFileBytes, then decodeSourceBytes).
 * @param file absolute path.
 * @param limitBytes its size limit (default: `byteLimitFor(file)`).
 * @returns `{ text }`, or `{ problem }` (`missing` when nothing is at the path). Never throws.
 */
export function readSourceText(file: string, limitBytes: number = byteLimitFor(file)): { text: string } | { problem: string; missing?: true } {
  const read = readFileBytes(file, limitBytes);
  if ("problem" in read) return read;
  return decodeSourceBytes(read.bytes, limitBytes);
}

/** Too deep: where, and the message. */
export interface NestingProblem {
  message: string;
  /** UTF-16 offset of the bracket (JSON) or node (YAML) one level past the limit. */
  offset: number;
}

function nestingMessage(kind: string): string {
  return `${kind} nests too deeply (more than ${MAX_NESTING_DEPTH} levels of ${kind === "YAML" ? "sequences and mappings" : "arrays and objects"}), so it was not parsed: flatten it`;
}

/**
 * Whether JSON text nests deeper than MAX_NESTING_DEPTH, by one linear pass over its brackets outside
 * strings (and outside `//` and `/* *\/` comments, for the JSONC of `tsconfig.json`). Checked before the
 * text reaches a recursive parser. Malformed text is not judged (the parser reports it).
 * @returns the problem at the first bracket past the limit, or undefined.
 */
export function jsonNestingProblem(text: string): NestingProblem | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i += 1; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 1;
        else if (d === 0x22) break;
      }
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth += 1;
      if (depth > MAX_NESTING_DEPTH) return { message: nestingMessage("JSON"), offset: i };
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** A node of yaml's concrete syntax tree, as far as nesting goes. */
interface CstToken {
  type: string;
  offset: number;
  value?: unknown;
  items?: { key?: unknown; value?: unknown }[];
}

/**
 * Whether YAML text nests deeper than MAX_NESTING_DEPTH (block and flow collections), measured on the
 * concrete syntax tree of yaml's `Parser`, which keeps its own stack and does not recurse, walked with
 * an explicit stack. Checked before the text reaches `parse`/`parseDocument`, whose composer recurses.
 * @returns the problem at the first collection past the limit, or undefined.
 */
export function yamlNestingProblem(text: string): NestingProblem | undefined {
  const isToken = (value: unknown): value is CstToken => value !== null && typeof value === "object" && typeof (value as CstToken).type === "string";
  for (const document of new (yaml().Parser)().parse(text) as Iterable<CstToken>) {
    const stack: [CstToken, number][] = [[document, 0]];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const [token, outer] = next;
      const depth = token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection" ? outer + 1 : outer;
      if (depth > MAX_NESTING_DEPTH) return { message: nestingMessage("YAML"), offset: token.offset };
      if (isToken(token.value)) stack.push([token.value, depth]);
      for (const item of token.items ?? []) {
        if (isToken(item.key)) stack.push([item.key, depth]);
        if (isToken(item.value)) stack.push([item.value, depth]);
      }
    }
  }
  return undefined;
}

/**
 * Reads a JSON file of the scanned repository (a `package.json`, a workspace manifest) as data: its
 * bytes read and decoded as readSourceText does (regular files of at most `byteLimitFor(file)`), its
 * nesting checked (jsonNestingProblem), then checked with jsonc-parser's strict mode (no comments, no
 * trailing commas: what `readPackageJson`, whose problems become the file's `parse-error` finding,
 * accepts), then `JSON.parse` (which keeps a `"__proto__"` key as an own key). Never `require()`: that
 * would go through Node's module loader and throw a raw `SyntaxError` at the first trailing comma.
 * @param file absolute path.
 * @returns `{ value }`, or `{ problem }` (unreadable, not a regular file, too large, binary, not UTF-8,
 *   nested too deeply, invalid JSON with its first error and offset; `missing` when nothing is at the
 *   path). Never throws.
 */
export function readJsonFile(file: string): { value: unknown } | { problem: string; missing?: true } {
  const read = readSourceText(file);
  if ("problem" in read) return read;
  const deep = jsonNestingProblem(read.text);
  if (deep !== undefined) return { problem: deep.message };
  const errors: ParseError[] = [];
  jsonc().parseTree(read.text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first) return { problem: `invalid JSON: ${jsonc().printParseErrorCode(first.error)} at offset ${first.offset}` };
  try {
    return { value: JSON.parse(read.text) as unknown };
  } catch (error) {
    return { problem: `invalid JSON: ${(error as Error).message}` };
  }
}

/**
 * An `fs` for globby whose `.gitignore` reads go through readFileBytes (regular files of at most
 * MAX_GITIGNORE_BYTES): globby reads them with `fs.promises.readFile` (async) or `fs.readFileSync`
 * (sync) and crashes on any error but ENOENT. A refused file reads as empty (it ignores nothing: more is
 * scanned, never less) and is passed to `onProblem`, so the caller can report it at that path.
 * @param onProblem called with the absolute path and the problem message of each refused file.
 * @param base the `fs` to extend (discovery passes one whose `readdir` records unreadable folders).
 * @returns an object to pass as globby's `fs` option.
 */
export function boundedGlobFs(onProblem?: (file: string, problem: string) => void, base: typeof fs = fs): typeof fs {
  const read = (file: unknown): string => {
    const name = String(file);
    const bytes = readFileBytes(name, MAX_GITIGNORE_BYTES);
    if (!("bytes" in bytes) && bytes.missing === true) throw Object.assign(new Error(bytes.problem), { code: "ENOENT" });
    // A NUL byte anywhere would reach the file system as part of a pattern (`!**/\0x`), where Node throws
    // ERR_INVALID_ARG_VALUE out of globby: a .gitignore with one is binary, refused as a whole.
    const decoded = "bytes" in bytes ? decodeSourceBytes(bytes.bytes, MAX_GITIGNORE_BYTES) : bytes;
    if ("text" in decoded && !decoded.text.includes("\0")) return decoded.text;
    onProblem?.(name, "text" in decoded ? "file is binary (it contains NUL bytes), not text" : decoded.problem);
    return "";
  };
  const readFileSync = ((file: unknown) => read(file)) as unknown as typeof fs.readFileSync;
  const readFile = (async (file: unknown) => read(file)) as unknown as typeof fs.promises.readFile;
  return { ...base, readFileSync, promises: { ...base.promises, readFile } } as typeof fs;
}

/**
 * A path changed less than this many ms before it was read gets no stamp from `contract-scan --cache`
 * (src/cache-file.ts): a second change in the same clock tick would leave the same `stat`.
 */
export const RACY_MS = 2000;

/**
 * The `stat` of a regular file or a directory (followed through links) as a stamp,
 * `size:mtimeNs:ctimeNs:ino`, with the later of its modification and change times (ms since the epoch),
 * as git's index trusts a file whose stat is unchanged. Undefined when it cannot be stat'ed or is not of
 * the `kind` asked for. Never throws.
 */
export function statStamp(file: string, kind: "file" | "directory"): { stamp: string; changedMs: number } | undefined {
  try {
    const stats = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (stats === undefined || (kind === "file" ? !stats.isFile() : !stats.isDirectory())) return undefined;
    const changedNs = stats.mtimeNs > stats.ctimeNs ? stats.mtimeNs : stats.ctimeNs;
    return { stamp: `${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}:${stats.ino}`, changedMs: Number(changedNs / 1_000_000n) };
  } catch {
    return undefined;
  }
}
