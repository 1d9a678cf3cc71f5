/**
 * The production mutation contract (docs/design.md, The contract): its typed model, its defaults, and the one loader that
 * ESLint (through rule settings) and `contract-scan` both use.
 *
 * Validation is the JSON Schema shipped in `schema/production-contract.schema.json`, checked by Ajv;
 * this module only turns Ajv's errors into messages that name the key path, what was expected and what
 * was found. Before that, the text is parsed as strict JSON: a syntax error or a key repeated in one
 * object (which JSON.parse would drop silently) is reported with its line and column. Loading a
 * contract never executes anything from the scanned repository.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as AjvModule from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import type * as JsoncParser from "jsonc-parser";
import type { JSONPath, ParseError } from "jsonc-parser";
import picomatch from "picomatch";
import { globProblem } from "./globs.js";
import { packageFile } from "./package-info.js";
import { lazyRequire } from "./lazy-require.js";
import { jsonNestingProblem, MAX_DATA_BYTES, pathEntryExists, readFileBytes } from "./source-text.js";

/** Ajv, loaded when the first contract is validated (not when the plugin or the CLI starts). */
const ajvModule = lazyRequire<typeof AjvModule>("ajv");
/** The JSON parser that locates keys and syntax errors, loaded when the first contract is read. */
const jsonc = lazyRequire<typeof JsoncParser>("jsonc-parser");

/** File name looked up at a repository root (docs/design.md, The contract). */
export const CONTRACT_FILE_NAME = "production-contract.json";

/** One `bypass.allow` entry: a bypass name a reviewer accepted, with the reason. */
export interface BypassAllowance {
  name: string;
  reason: string;
}

/** One allowlisted mutation script (`mutationScripts[path]`). */
export interface MutationScriptEntry {
  operations: string[];
  /** Table or model -> columns it may write, or "*"; omitted means any table. */
  tables?: Record<string, string[] | "*">;
}

/** A validated contract with every default of docs/design.md, The contract filled in. */
export interface Contract {
  $schema?: string;
  version: 1;
  scripts: string[];
  migrations: string[];
  tests: string[];
  ignore: string[];
  /** Application code where row-level DELETE/UPDATE ... WHERE statements are accepted (docs/design.md, issue 13 item 5). */
  dataLayer: string[];
  dbClients: string[];
  prismaSchema?: string;
  ciGuard: { env: string; equals: string; functions: string[]; modules: string[] };
  bypass: { patterns: string[]; allow: BypassAllowance[] };
  mutationScripts: Record<string, MutationScriptEntry>;
  deprecatedScripts: string[];
  deployScript?: string;
  deployPipeline?: { script: string; steps: string[] };
  fingerprint?: { functions: string[]; factories?: string[] };
  safety?: {
    productionCheck?: string[];
    safetyCheck?: string[];
    confirm?: string[];
    destructive?: string[];
    backup?: string[];
    environment?: { variables?: string[] };
  };
}

/**
 * Thrown when a contract cannot be read, is not JSON, or fails validation.
 * `problems` holds one line per problem, each naming the key path, what was expected and what was found
 * (or the line and column of a JSON syntax error). The CLI turns it into exit code 2.
 */
export class ContractError extends Error {
  readonly file: string | null;
  readonly problems: string[];

  constructor(file: string | null, problems: string[]) {
    const where = file ?? "inline contract";
    super(`Invalid production contract (${where}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ContractError";
    this.file = file;
    this.problems = problems;
  }
}

/** The contract's JSON Schema, shipped with the package. */
export const CONTRACT_SCHEMA_FILE = "schema/production-contract.schema.json";

/**
 * Ajv's options for the contract's schema. verbose: errors carry their parentSchema, so an unknown key's
 * message can list the known ones.
 */
export const AJV_OPTIONS = { allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/**
 * Where `npm run build` writes the validator Ajv generates ahead of time for the schema ("standalone
 * validation code", Ajv docs), so that a run does not load Ajv's compiler and compile the schema (about
 * 0.1 s of each `contract-scan` run and of an editor's first lint): src/contract-validator.ts.
 */
export const PREBUILT_VALIDATOR_FILE = "dist/contract-validator.cjs";

/** SHA-256 (hex) of the schema's text: the prebuilt validator is used only for the schema it was built from. */
export function schemaDigest(schemaText: string): string {
  return createHash("sha256").update(schemaText).digest("hex");
}

let validator: ValidateFunction | undefined;

/**
 * The schema's validator: the prebuilt one (`PREBUILT_VALIDATOR_FILE`) when it was built from this
 * schema text, else the one Ajv compiles now (a checkout that was not built, a schema edited since).
 */
function getValidator(): ValidateFunction {
  if (!validator) {
    const schemaText = readFileSync(packageFile(CONTRACT_SCHEMA_FILE), "utf8");
    validator = prebuiltValidator(schemaDigest(schemaText)) ?? compileValidator(schemaText);
  }
  return validator;
}

/** Ajv's validator for a schema text, compiled now. @throws Ajv's error when the schema does not compile. */
export function compileValidator(schemaText: string): ValidateFunction {
  return new (ajvModule().Ajv)(AJV_OPTIONS).compile(JSON.parse(schemaText) as object);
}

/** The prebuilt validator when it exists and was built from the schema with this digest, else undefined. Never throws. */
export function prebuiltValidator(digest: string): ValidateFunction | undefined {
  try {
    const built = createRequire(import.meta.url)(packageFile(PREBUILT_VALIDATOR_FILE)) as ValidateFunction & { schemaDigest?: unknown };
    return typeof built === "function" && built.schemaDigest === digest ? built : undefined;
  } catch {
    return undefined;
  }
}

/** `/mutationScripts/scripts~1x.ts/operations/1` -> `mutationScripts["scripts/x.ts"].operations[1]`. */
function formatKeyPath(instancePath: string, extraKey?: string): string {
  const segments = instancePath === "" ? [] : instancePath.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (extraKey !== undefined) segments.push(extraKey);
  let out = "";
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(root)" : out;
}

function valueAt(data: unknown, instancePath: string): unknown {
  if (instancePath === "") return data;
  let value: unknown = data;
  for (const raw of instancePath.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Longest found value a message quotes (characters); a longer one ends in "…". */
const FOUND_MAX_CHARS = 120;

function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "object" && !Array.isArray(value)) return "an object";
  const text = JSON.stringify(value);
  const shown = text.length > FOUND_MAX_CHARS ? `${text.slice(0, FOUND_MAX_CHARS)}…` : text;
  return Array.isArray(value) ? `an array ${shown}` : shown;
}

/** Formats the key path of an Ajv error's `instancePath` (plus a child key), as in `formatKeyPath`. */
type KeyPathFormatter = (instancePath: string, extraKey?: string) => string;

function describeError(error: ErrorObject, data: unknown, keyPath: KeyPathFormatter): string | undefined {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parent?.properties ?? {}).join(", ");
      return `${keyPath(error.instancePath, key)}: unknown key; expected one of ${known}; found ${JSON.stringify(key)}`;
    }
    case "required":
      return `${keyPath(error.instancePath, String(params.missingProperty))}: required key is missing; expected it to be set; found nothing`;
    case "enum":
      return `${keyPath(error.instancePath)}: expected one of ${(params.allowedValues as unknown[]).map(String).join(", ")}; found ${describeFound(valueAt(data, error.instancePath))}`;
    case "const":
      return `${keyPath(error.instancePath)}: expected ${JSON.stringify(params.allowedValue)}; found ${describeFound(valueAt(data, error.instancePath))}`;
    case "type":
      return `${keyPath(error.instancePath)}: expected ${String(params.type)}; found ${describeFound(valueAt(data, error.instancePath))}`;
    case "minLength":
      return `${keyPath(error.instancePath)}: expected a non-empty string; found ${describeFound(valueAt(data, error.instancePath))}`;
    case "pattern": {
      const expected = params.pattern === "\\S" ? "a string that is not blank" : `a string matching /${String(params.pattern)}/`;
      return `${keyPath(error.instancePath)}: expected ${expected}; found ${describeFound(valueAt(data, error.instancePath))}`;
    }
    case "minItems":
      return `${keyPath(error.instancePath)}: expected at least ${String(params.limit)} item(s); found ${describeFound(valueAt(data, error.instancePath))}`;
    case "uniqueItems":
      return `${keyPath(error.instancePath)}: expected unique items; found a duplicate at positions ${Math.min(Number(params.i), Number(params.j))} and ${Math.max(Number(params.i), Number(params.j))}`;
    case "not":
      return `${keyPath(error.instancePath)}: expected a real reason, not a placeholder; found ${describeFound(valueAt(data, error.instancePath))}`;
    case "oneOf":
      return `${keyPath(error.instancePath)}: expected "*" or an array of column names; found ${describeFound(valueAt(data, error.instancePath))}`;
    case "if":
    case "anyOf":
      return undefined;
    default:
      return `${keyPath(error.instancePath)}: ${error.message ?? "is invalid"}; found ${describeFound(valueAt(data, error.instancePath))}`;
  }
}

/**
 * Validates a contract value and fills in the defaults of docs/design.md, The contract
 * @param input the parsed JSON (or an inline object from ESLint settings); not modified.
 * @param file the file it came from, for messages, or null for an inline contract.
 * @returns the contract with defaults.
 * @throws ContractError naming every invalid key path, expected and found.
 */
export function validateContract(input: unknown, file: string | null): Contract {
  return validateLocated(input, file, undefined);
}

/**
 * `validateContract`, with the line and column where the contract's root value starts in its file (when
 * it was read from one), which a problem about the root itself names: `(root)` alone points nowhere.
 */
function validateLocated(input: unknown, file: string | null, root: { line: number; column: number } | undefined): Contract {
  const keyPathOf: KeyPathFormatter = (instancePath, extraKey) => {
    const keyPath = formatKeyPath(instancePath, extraKey);
    return keyPath === "(root)" && root !== undefined ? `(root) at line ${root.line}, column ${root.column}` : keyPath;
  };
  let data: unknown;
  try {
    data = structuredClone(input);
  } catch {
    // A function or symbol in an inline contract from ESLint settings: not JSON data.
    throw new ContractError(file, ["(root): expected JSON data (objects, arrays, strings, numbers, booleans, null); found a value that is not JSON (a function or a symbol)"]);
  }
  const validate = getValidator();
  if (validate(data)) {
    const contract = data as unknown as Contract;
    // A glob that cannot be compiled or walked safely is refused before anything compiles it.
    const globs = globProblems(contract);
    if (globs.length > 0) throw new ContractError(file, globs);
    const problems = dataLayerProblems(contract);
    if (problems.length > 0) throw new ContractError(file, problems);
    return contract;
  }
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const error of reportedErrors(validate.errors ?? [])) {
    const line = describeError(error, data, keyPathOf);
    if (line !== undefined && !seen.has(line)) {
      seen.add(line);
      problems.push(line);
    }
  }
  throw new ContractError(file, problems.length > 0 ? problems : ["the contract is invalid"]);
}

/** The contract's keys that hold globs (compiled by picomatch; `scripts` and `prismaSchema` also walked by globby). */
const GLOB_KEYS = ["scripts", "migrations", "tests", "ignore", "dataLayer"] as const;

/** A value for a message: JSON, cut to 60 characters. */
function shown(value: string): string {
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}..." (${value.length.toLocaleString("en-US")} characters)` : json;
}

/**
 * The globs of a contract that are refused (src/globs.ts `globProblem`: too long, a control character,
 * a brace expansion past `MAX_GLOB_EXPANSIONS`, or not compilable): one problem per glob, naming its key
 * path, what was expected, what was found, and why.
 */
export function globProblems(contract: Contract): string[] {
  const problems: string[] = [];
  const check = (keyPath: string, glob: string): void => {
    const problem = globProblem(glob);
    if (problem !== undefined) problems.push(`${keyPath}: expected a glob that can be compiled and walked; found ${shown(glob)}: ${problem}`);
  };
  for (const key of GLOB_KEYS) contract[key].forEach((glob, index) => check(`${key}[${index}]`, glob));
  contract.bypass.patterns.forEach((glob, index) => check(`bypass.patterns[${index}]`, glob));
  if (contract.prismaSchema !== undefined) check("prismaSchema", contract.prismaSchema);
  return problems;
}

/**
 * The Ajv errors worth a message, each at the deepest key path that explains it. A `oneOf` or `anyOf`
 * failure comes with the errors of each branch: when exactly one branch is the value's kind (its errors
 * are none of `type`, `const` or `enum` at the value itself, as an array is the kind of
 * `{"type": "array", "items": ...}` but not of `{"const": "*"}`), that branch's errors are reported (so
 * `tables.users: ["id", 0]` names `tables.users[1]`); otherwise the `oneOf`/`anyOf` error alone, which
 * lists the choices.
 * @param errors Ajv's errors (allErrors mode), in its order.
 * @returns the subset to describe, in the same order.
 */
function reportedErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const skipped = new Set<ErrorObject>();
  for (const choice of errors) {
    if (choice.keyword !== "oneOf" && choice.keyword !== "anyOf") continue;
    const prefix = `${choice.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      // The same schema applies at every key of `tables`: a branch error belongs to this value or below it.
      const here = error.instancePath === choice.instancePath || error.instancePath.startsWith(`${choice.instancePath}/`);
      if (!here || !error.schemaPath.startsWith(prefix)) continue;
      const branch = error.schemaPath.slice(prefix.length).split("/")[0] ?? "";
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
      skipped.add(error);
    }
    const wrongKind = (error: ErrorObject): boolean => error.instancePath === choice.instancePath && ["type", "const", "enum"].includes(error.keyword);
    const ofItsKind = [...branches.values()].filter((branchErrors) => !branchErrors.some(wrongKind));
    if (ofItsKind.length === 1) {
      skipped.add(choice);
      for (const error of ofItsKind[0] ?? []) skipped.delete(error);
    }
  }
  return errors.filter((error) => !skipped.has(error));
}

/**
 * What a `dataLayer` glob may never list (docs/design.md): script zones, allowlisted, deploy and deprecated
 * scripts. Checked here on what the contract itself names: a glob that matches a `mutationScripts` path,
 * a `deprecatedScripts` entry or the `deployScript`, or whose folder lies in a script zone (its static
 * base, `app/db` of `app/db/**`, matched by a `scripts` glob); the files of the repository are checked
 * when a run sees them (`dataLayerConflict` of src/roles.ts).
 * @returns one problem per glob, naming it and what it lists.
 */
export function dataLayerProblems(contract: Contract): string[] {
  const problems: string[] = [];
  const named: { path: string; what: string }[] = [
    ...Object.keys(contract.mutationScripts).map((key) => ({ path: key.split("#")[0] ?? key, what: "a mutationScripts entry (an allowlisted script)" })),
    ...contract.deprecatedScripts.map((entry) => ({ path: entry, what: "a deprecated script" })),
    ...(contract.deployScript === undefined ? [] : [{ path: contract.deployScript, what: "the deploy script" }]),
  ];
  contract.dataLayer.forEach((glob, index) => {
    const key = `dataLayer[${index}]`;
    const matches = picomatch(glob, { dot: true });
    const listed = named.find((entry) => matches(entry.path));
    if (listed) {
      problems.push(`${key}: ${JSON.stringify(glob)} lists ${listed.path}, ${listed.what}; expected application code only: a script is never a data layer, so remove it from the glob (narrow the glob)`);
      return;
    }
    const base = picomatch.scan(glob).base;
    const sample = base === "" ? undefined : `${base}/data-layer.ts`;
    const zone = sample === undefined ? undefined : contract.scripts.find((scripts) => picomatch.isMatch(sample, scripts, { dot: true }));
    if (zone !== undefined || contract.scripts.includes(glob)) {
      problems.push(`${key}: ${JSON.stringify(glob)} lists files in the script zone ${JSON.stringify(zone ?? glob)}; expected application code only: a script zone is never a data layer, so list the application folder that holds the data layer`);
    }
  });
  return problems;
}

/** 1-based line and column of a UTF-16 offset in text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * `lineColumnAt` for many offsets of one text: the line starts are found once (O(length)), then each
 * offset is placed by binary search (O(log lines)), so placing n findings is not O(n * length).
 * @returns a function from a UTF-16 offset to its 1-based line and column (offsets past the end are
 *   placed as `lineColumnAt` places them).
 */
export function lineLocator(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    const at = Math.min(Math.max(offset, 0), text.length);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) + 1 };
  };
}

const SYNTAX_EXPECTED: Partial<Record<ReturnType<typeof JsoncParser.printParseErrorCode>, string>> = {
  PropertyNameExpected: "a property name in double quotes",
  ValueExpected: "a value",
  ColonExpected: '":"',
  CommaExpected: '","',
  CloseBraceExpected: '"}"',
  CloseBracketExpected: '"]"',
  EndOfFileExpected: "the end of the file",
  InvalidCommentToken: "JSON (comments are not allowed)",
  UnexpectedEndOfComment: "JSON (comments are not allowed)",
  UnexpectedEndOfString: 'a closing "',
  InvalidSymbol: "a JSON token (keys and strings in double quotes; true, false, null, a number, an object or an array)",
  InvalidNumberFormat: "a number",
  UnexpectedEndOfNumber: "a complete number",
  InvalidEscapeCharacter: "a valid escape sequence",
  InvalidUnicode: "a valid \\u escape",
  InvalidCharacter: "a string without control characters (write \\n for a line break)",
};

/** The one line that describes a JSON syntax error: line, column, what was expected, what was found. */
function describeSyntaxError(text: string, error: ParseError): string {
  let offset = error.offset;
  const code = jsonc().printParseErrorCode(error.error);
  let expected = SYNTAX_EXPECTED[code] ?? `valid JSON (${code})`;
  let found = offset >= text.length ? "the end of the file" : JSON.stringify(text.slice(offset, offset + Math.min(Math.max(error.length, 1), 20)));
  // `{"a": 1,}`: the parser stops at the closing bracket; the mistake is the comma before it.
  const closer = text[offset];
  if ((closer === "}" || closer === "]") && (code === "PropertyNameExpected" || code === "ValueExpected")) {
    const comma = text.slice(0, offset).trimEnd();
    if (comma.endsWith(",")) {
      offset = comma.length - 1;
      expected = closer === "}" ? "another property after this comma" : "another item after this comma";
      found = `${JSON.stringify(closer)} (trailing commas are not allowed)`;
    }
  }
  const { line, column } = lineColumnAt(text, offset);
  return `line ${line}, column ${column}: malformed JSON; expected ${expected}; found ${found}`;
}

/**
 * Keys that appear twice in one object. JSON.parse keeps the last silently, so a second
 * `mutationScripts` block or a repeated script path would replace the first without a word.
 */
function duplicateKeys(text: string): string[] {
  const problems: string[] = [];
  const locate = lineLocator(text);
  // Per open object: each key's first offset (placed only when the key repeats).
  const stack: Map<string, number>[] = [];
  jsonc().visit(text, {
    onObjectBegin: () => {
      stack.push(new Map());
    },
    onObjectEnd: () => {
      stack.pop();
    },
    onObjectProperty: (property: string, offset: number, _length: number, _line: number, _column: number, pathSupplier: () => JSONPath) => {
      const keys = stack.at(-1);
      if (keys === undefined) return;
      const firstOffset = keys.get(property);
      if (firstOffset === undefined) {
        keys.set(property, offset);
        return;
      }
      const here = locate(offset);
      const first = locate(firstOffset);
      const pointer = [...pathSupplier(), property].map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
      problems.push(
        `${formatKeyPath(pointer)}: duplicate key; expected each key once; found it again at line ${here.line}, column ${here.column} (first at line ${first.line}, column ${first.column})`,
      );
    },
  });
  return problems;
}

/**
 * Parses contract text (strict JSON: no comments, no trailing commas; a leading byte order mark is
 * ignored) and validates it.
 * @throws ContractError with `line:column` of the first JSON syntax error (later ones are usually
 * consequences of it), or every key that appears twice in one object, or every validation problem.
 */
export function parseContract(text: string, file: string | null): Contract {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (source.trim() === "") {
    throw new ContractError(file, ['line 1, column 1: malformed JSON; expected a JSON object such as {"version": 1}; found an empty file']);
  }
  // jsonc-parser recurses once per level: nesting past the limit would overflow the stack (and the
  // contract be taken as valid). Measured first, by one pass over the brackets.
  const deep = jsonNestingProblem(source);
  if (deep !== undefined) {
    const { line, column } = lineColumnAt(source, deep.offset);
    throw new ContractError(file, [`line ${line}, column ${column}: ${deep.message} (a contract nests at most 5 levels)`]);
  }
  const errors: ParseError[] = [];
  jsonc().parse(source, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first !== undefined) throw new ContractError(file, [describeSyntaxError(source, first)]);
  const duplicates = duplicateKeys(source);
  if (duplicates.length > 0) throw new ContractError(file, duplicates);
  // jsonc-parser only finds the syntax errors: its value assigns a "__proto__" key as the prototype, so
  // the key would vanish instead of being reported as unknown. JSON.parse keeps it as an own key.
  return validateLocated(JSON.parse(source) as unknown, file, lineColumnAt(source, source.length - source.trimStart().length));
}

/**
 * Reads and validates a contract file, through the bounded reader (src/source-text.ts: a regular file,
 * followed through symbolic links, of at most MAX_DATA_BYTES; a FIFO, device or directory is refused
 * without being read).
 * @param file absolute path.
 * @throws ContractError when the file cannot be read (missing, a dangling or looping symbolic link, not a
 *   regular file, too large), is not JSON, nests too deeply, or is invalid.
 */
export function loadContractFile(file: string): Contract {
  const read = readFileBytes(file, MAX_DATA_BYTES);
  if ("problem" in read) throw new ContractError(file, [read.problem]);
  return parseContract(read.bytes.toString("utf8"), file);
}

/**
 * The nearest contract file in `dir` or a folder above it, as ESLint finds its configuration file: the
 * ESLint rules look up from the linted file's folder, `contract-scan [dir]` from `dir`.
 * @param dir absolute folder to start from.
 * @returns the absolute path of the first `production-contract.json` found, or undefined when there is
 *   none up to the file-system root.
 */
export function findContractAbove(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, CONTRACT_FILE_NAME);
    // Anything by that name is the contract, a dangling or looping symbolic link too: loading it then
    // fails naming the path (exit 2), where skipping it would scan with the defaults.
    if (pathEntryExists(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

/** The contract every key of which is its docs/design.md, The contract default (used when a repository has no contract). */
export function defaultContract(): Contract {
  return validateContract({ version: 1 }, null);
}

/** Repository-relative POSIX path of an absolute file under root ("" when it is the root itself). */
export function toRepoPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

/**
 * 1-based line and column of a key in contract text (the key's name, or the document start when the
 * key is absent), for findings about the contract itself (docs/design.md, One problem, one finding: "at the offending key").
 * @param keyPath the key's path, e.g. `["mutationScripts", "scripts/x.ts"]`.
 */
export function contractKeyLocation(text: string, keyPath: readonly (string | number)[]): { line: number; column: number } {
  // The checks place one finding per entry: the text is parsed and its lines found once, not per key.
  if (lastLocated?.text !== text) {
    const tree = jsonc().parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
    lastLocated = { text, tree, locate: lineLocator(text), keys: new WeakMap() };
  }
  const { tree, locate } = lastLocated;
  const node = tree ? nodeAt(tree, keyPath, lastLocated.keys) : undefined;
  // A property value's parent is the property; its first child is the key string.
  const target = node?.parent?.type === "property" ? (node.parent.children?.[0] ?? node) : node;
  return locate(target?.offset ?? 0);
}

/** The last text `contractKeyLocation` parsed, its tree, line starts and the keys of the objects looked into. */
let lastLocated:
  | { text: string; tree: JsoncParser.Node | undefined; locate: (offset: number) => { line: number; column: number }; keys: WeakMap<JsoncParser.Node, Map<string, JsoncParser.Node>> }
  | undefined;

/**
 * jsonc-parser's `findNodeAtLocation` (the first property of a repeated key wins, as there), with each
 * object's keys put in a map the first time it is looked into: finding every entry of an object with n
 * keys is O(n), not O(n^2).
 */
function nodeAt(tree: JsoncParser.Node, keyPath: readonly (string | number)[], keys: WeakMap<JsoncParser.Node, Map<string, JsoncParser.Node>>): JsoncParser.Node | undefined {
  let node: JsoncParser.Node | undefined = tree;
  for (const segment of keyPath) {
    if (node === undefined) return undefined;
    if (typeof segment === "string" && node.type === "object") {
      let byKey = keys.get(node);
      if (!byKey) {
        byKey = new Map();
        for (const property of node.children ?? []) {
          const [key, value] = property.children ?? [];
          if (key !== undefined && value !== undefined && property.children?.length === 2 && typeof key.value === "string" && !byKey.has(key.value)) byKey.set(key.value, value);
        }
        keys.set(node, byKey);
      }
      node = byKey.get(segment);
    } else if (typeof segment === "number" && node.type === "array") {
      node = segment >= 0 ? node.children?.[segment] : undefined;
    } else return undefined;
  }
  return node;
}
