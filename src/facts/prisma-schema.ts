/**
 * The repository's Prisma schema (SPEC §2 `prismaSchema`), located and read with a real Prisma schema
 * parser (`@mrleebo/prisma-ast`, loaded on the first parse by `prisma-ast.ts` so that it cannot load the
 * repository's files as code), never with regular expressions.
 *
 * Location, first that applies:
 * 1. the contract's `prismaSchema`: a file, a folder (every `.prisma` file under it), or a glob;
 * 2. the root `package.json#prisma.schema` (a file or a folder, relative to the root);
 * 3. `prisma/schema.prisma`, then `schema.prisma` (Prisma's own default lookup);
 * 4. `prisma/schema/**\/*.prisma` (a multi-file schema folder, subfolders included as Prisma reads them);
 * 5. in a monorepo (and in any repository where 2–4 found nothing): every workspace package's
 *    `package.json#prisma.schema`, and every match of `**\/prisma/schema.prisma` and
 *    `**\/prisma/schema/**\/*.prisma` (node_modules and `.gitignore`d folders skipped).
 * A `prisma/schema.prisma` found by 3 or 5 that has other `.prisma` files beside it or below it is the
 * main file of a multi-file schema in Prisma's documented layout (`prisma/schema.prisma` with
 * `prisma/models/*.prisma`, Prisma >= 6.7, "Schema location" in the Prisma docs): the folder is named
 * by `prisma.config.ts#schema`, which is code and not read, so every `.prisma` file under that folder is
 * taken, as Prisma would read them.
 * All the files found form one schema: models of every file, in sorted file order.
 */
import { statSync } from "node:fs";
import path from "node:path";
import type { Attribute, AttributeArgument, Field, KeyValue, Model, Schema } from "@mrleebo/prisma-ast";
import type * as Globby from "globby";
import { lazyRequire } from "../lazy-require.js";
import { readJsonFile } from "../source-text.js";
import { prismaAst } from "./prisma-ast.js";
import type { Contract } from "../contract.js";
import type { FactsProblem, PrismaModelFacts, PrismaSchemaFacts } from "./types.js";

// The glob library loads when the first schema is looked for (the schema parser: ./prisma-ast.ts).
const globby = lazyRequire<typeof Globby>("globby");

/** Generator providers whose `output` folder holds a database client. */
const CLIENT_GENERATORS = new Set(["prisma-client-js", "prisma-client"]);

const GLOB_OPTIONS = { ignore: ["**/node_modules/**"], gitignore: true, followSymbolicLinks: false, onlyFiles: true, absolute: true, dot: false };

/** Where the schema files are, and why none are when a configured location matches nothing. */
export interface SchemaLocation {
  /** Absolute schema files, sorted. */
  files: string[];
  /** A configured location (contract or package.json) that matches no file. */
  problems: FactsProblem[];
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function safeGlob(patterns: string[], cwd: string): string[] {
  const { globbySync } = globby();
  try {
    return globbySync(patterns, { ...GLOB_OPTIONS, cwd });
  } catch {
    return [];
  }
}

/** The files a configured location names: a file, a folder's `.prisma` files, or a glob's matches. */
function filesAt(location: string, base: string): string[] {
  if (globby().isDynamicPattern(location)) return safeGlob([location], base);
  const target = path.resolve(base, location);
  if (isDirectory(target)) return safeGlob(["**/*.prisma"], target);
  if (isFile(target)) return [target];
  return [];
}

/**
 * The files of the schema whose main file is `file`: for a `prisma/schema.prisma`, every `.prisma` file
 * under its `prisma` folder (a multi-file schema, see the module header); otherwise `file` alone.
 */
function withSchemaFolder(file: string): string[] {
  if (path.basename(file) !== "schema.prisma" || path.basename(path.dirname(file)) !== "prisma") return [file];
  return [file, ...safeGlob(["**/*.prisma"], path.dirname(file))];
}

/**
 * `package.json#prisma.schema` of the package in `dir`, or undefined (also when that package.json cannot
 * be read or is not JSON: its own `parse-error` finding reports it, and the default locations apply).
 */
function packageSchemaSetting(dir: string): string | undefined {
  const read = readJsonFile(path.join(dir, "package.json"));
  if (!("value" in read) || read.value === null || typeof read.value !== "object") return undefined;
  const prisma = (read.value as { prisma?: unknown }).prisma;
  const schema = prisma !== null && typeof prisma === "object" ? (prisma as { schema?: unknown }).schema : undefined;
  return typeof schema === "string" && schema !== "" ? schema : undefined;
}

/**
 * Locates the schema files (see the module header). Never throws.
 * @param root absolute repository root.
 * @param contract the contract (its `prismaSchema`).
 * @param workspaceDirs absolute folders of the workspace packages.
 * @param monorepo true when the root declares workspaces.
 */
export function locatePrismaSchema(root: string, contract: Contract, workspaceDirs: readonly string[], monorepo: boolean): SchemaLocation {
  const problems: FactsProblem[] = [];
  const sorted = (files: Iterable<string>): string[] => [...new Set([...files].map((f) => path.resolve(f)))].sort();
  if (contract.prismaSchema !== undefined) {
    const files = filesAt(contract.prismaSchema, root);
    if (files.length === 0) {
      problems.push({
        file: path.join(root, "production-contract.json"),
        message: `prismaSchema "${contract.prismaSchema}" matches no Prisma schema file`,
        line: 1,
        column: 1,
        contractKey: "prismaSchema",
      });
    }
    return { files: sorted(files), problems };
  }
  const rootSetting = packageSchemaSetting(root);
  let files: string[] = [];
  if (rootSetting !== undefined) {
    files = filesAt(rootSetting, root);
    if (files.length === 0) {
      problems.push({ file: path.join(root, "package.json"), message: `package.json prisma.schema "${rootSetting}" matches no Prisma schema file`, line: 1, column: 1 });
    }
  }
  if (files.length === 0) {
    for (const candidate of ["prisma/schema.prisma", "schema.prisma"]) {
      const file = path.join(root, candidate);
      if (isFile(file)) {
        files = withSchemaFolder(file);
        break;
      }
    }
  }
  if (files.length === 0 && isDirectory(path.join(root, "prisma", "schema"))) files = safeGlob(["prisma/schema/**/*.prisma"], root);
  if (monorepo || files.length === 0) {
    const found = [...files];
    for (const dir of workspaceDirs) {
      const setting = packageSchemaSetting(dir);
      if (setting !== undefined) found.push(...filesAt(setting, dir));
    }
    found.push(...safeGlob(["**/prisma/schema.prisma"], root).flatMap(withSchemaFolder));
    found.push(...safeGlob(["**/prisma/schema/**/*.prisma"], root));
    files = found;
  }
  return { files: sorted(files), problems };
}

/** A string argument's value without its quotes (`"users"` -> users), or undefined. */
function unquote(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^"((?:[^"\\]|\\.)*)"$/.exec(value.trim());
  return match ? (JSON.parse(`"${match[1] ?? ""}"`) as string) : undefined;
}

/** The name a `@map` / `@@map` attribute gives: its first positional argument or its `name:` argument. */
function mapName(attribute: Pick<Attribute, "args"> | undefined): string | undefined {
  for (const arg of (attribute?.args ?? []) as AttributeArgument[]) {
    const value = arg.value as unknown;
    if (value !== null && typeof value === "object" && (value as KeyValue).type === "keyValue") {
      if ((value as KeyValue).key === "name") return unquote((value as KeyValue).value);
      continue;
    }
    return unquote(value);
  }
  return undefined;
}

/** Lower-cases the first letter: the Prisma client's delegate name for a model. */
export function delegateNameOf(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** A problem at the token where the Prisma parser stopped: "unexpected <token>; expected <what>". */
function parseProblem(file: string, error: unknown): FactsProblem {
  const token = (error as { token?: { image?: string; startLine?: number; startColumn?: number } } | null)?.token;
  const line = typeof token?.startLine === "number" && Number.isFinite(token.startLine) ? token.startLine : 1;
  const column = typeof token?.startColumn === "number" && Number.isFinite(token.startColumn) ? token.startColumn : 1;
  const message = error instanceof Error ? error.message : String(error);
  const image = token?.image;
  let text: string;
  if (image === undefined) {
    text = message.split("\n")[0] ?? message;
  } else {
    const found = image === "" ? "the end of the file" : /^\r?\n$/.test(image) ? "a line break" : JSON.stringify(image);
    const expected = /^Expecting --> (.*?) <--/s.exec(message)?.[1];
    text = expected === undefined ? `unexpected ${found}` : `unexpected ${found}; expected ${expected}`;
  }
  return { file, message: `Prisma schema does not parse: ${text}`, line, column };
}

/** One schema file's text, to parse. */
export interface SchemaSource {
  file: string;
  /** The file's text, or undefined when it could not be read. */
  text: string | undefined;
}

/** The parsed schema and the files that did not parse. */
export interface ParsedPrismaSchema {
  schema: PrismaSchemaFacts;
  errors: FactsProblem[];
}

/**
 * Parses schema files into one schema (models from every file; the first declaration of a model name
 * wins). Never throws: a file that cannot be read or does not parse is an error and contributes no model.
 * @param sources the files and their texts, in the order to read them.
 */
export function parsePrismaSchema(sources: readonly SchemaSource[]): ParsedPrismaSchema {
  const errors: FactsProblem[] = [];
  const parsed: { file: string; schema: Schema }[] = [];
  for (const { file, text } of sources) {
    if (text === undefined) {
      errors.push({ file, message: "cannot read the Prisma schema file", line: 1, column: 1 });
      continue;
    }
    try {
      parsed.push({ file, schema: prismaAst().getSchema(text) });
    } catch (error) {
      errors.push(parseProblem(file, error));
    }
  }
  // Relation fields name other models, maybe declared in another file of a multi-file schema.
  const modelNames = new Set<string>();
  for (const { schema } of parsed) for (const block of schema.list) if (block.type === "model") modelNames.add(block.name);
  const models = new Map<string, PrismaModelFacts>();
  const clientOutputs: string[] = [];
  for (const { file, schema } of parsed) {
    for (const block of schema.list) {
      if (block.type === "generator") {
        let provider: string | undefined;
        let output: string | undefined;
        for (const assignment of block.assignments) {
          if (assignment.type !== "assignment") continue;
          if (assignment.key === "provider") provider = unquote(assignment.value);
          if (assignment.key === "output") output = unquote(assignment.value);
        }
        if (provider !== undefined && output !== undefined && CLIENT_GENERATORS.has(provider)) clientOutputs.push(path.resolve(path.dirname(file), output));
        continue;
      }
      if (block.type !== "model" || models.has(block.name)) continue;
      models.set(block.name, modelFacts(block, file, modelNames));
    }
  }
  const byDelegate = new Map<string, PrismaModelFacts>();
  const byTable = new Map<string, PrismaModelFacts>();
  for (const model of models.values()) {
    if (!byDelegate.has(delegateNameOf(model.name))) byDelegate.set(delegateNameOf(model.name), model);
    if (!byTable.has(model.table)) byTable.set(model.table, model);
  }
  const schema: PrismaSchemaFacts = {
    files: sources.map((s) => s.file),
    models,
    clientOutputs: [...new Set(clientOutputs)].sort(),
    modelForDelegate: (delegate) => byDelegate.get(delegate),
    modelByNameOrTable: (nameOrTable) => models.get(nameOrTable) ?? byTable.get(nameOrTable),
  };
  return { schema, errors };
}

function modelFacts(block: Model, file: string, modelNames: ReadonlySet<string>): PrismaModelFacts {
  const columns = new Map<string, string>();
  const relations = new Set<string>();
  let table = block.name;
  for (const property of block.properties) {
    if (property.type === "attribute") {
      if (property.kind === "object" && property.name === "map") table = mapName(property) ?? table;
      continue;
    }
    if (property.type !== "field") continue;
    const field = property as Field;
    if (typeof field.fieldType === "string" && modelNames.has(field.fieldType)) {
      relations.add(field.name);
      continue;
    }
    const map = field.attributes?.find((a) => a.kind === "field" && a.name === "map");
    columns.set(field.name, mapName(map) ?? field.name);
  }
  return { name: block.name, table, columns, relations, file };
}
