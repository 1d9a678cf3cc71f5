/**
 * The repository's Prisma schema (docs/design.md, The contract `prismaSchema`), located and read with a real Prisma schema
 * parser (`@mrleebo/prisma-ast`, loaded on the first parse by `prisma-ast.ts` so that it cannot load the
 * repository's files as code), never with regular expressions.
 *
 * Location, first that applies (Prisma's own order: the CLI's `--schema`, then `prisma.config.ts`, then
 * `package.json#prisma.schema`, then the default places; "Schema location" in the Prisma docs):
 * 1. the contract's `prismaSchema`: a file, a folder (every `.prisma` file under it), or a glob;
 * 2. the root's Prisma config file (`prisma.config.{ts,mts,cts,js,mjs,cjs}`, or `.config/prisma.*`) when
 *    its `schema` is written statically (`prismaConfigSchema`), relative to the config file;
 * 3. the root `package.json#prisma.schema` (a file or a folder, relative to the root);
 * 4. `prisma/schema.prisma`, then `schema.prisma` (Prisma's own default lookup);
 * 5. `prisma/schema/**\/*.prisma` (a multi-file schema folder, subfolders included as Prisma reads them);
 * 6. in a monorepo (and in any repository where 2–5 found nothing): every Prisma config file in the
 *    repository with a static `schema` (a workspace package's, as formbricks keeps
 *    `packages/database/prisma.config.ts` with `schema: "./schema"`), every workspace package's
 *    `package.json#prisma.schema`, and every match of `**\/prisma/schema.prisma` and
 *    `**\/prisma/schema/**\/*.prisma` (node_modules and `.gitignore`d folders skipped).
 * A `prisma/schema.prisma` found by 4 or 6 that has other `.prisma` files beside it or below it is the
 * main file of a multi-file schema in Prisma's documented layout (`prisma/schema.prisma` with
 * `prisma/models/*.prisma`, Prisma >= 6.7, "Schema location" in the Prisma docs), whose folder a config
 * file names when it is not read statically: every `.prisma` file under that folder is taken, as Prisma
 * would read them.
 * All the files found form one schema: models of every file, in sorted file order. A config file or
 * `package.json` setting that names no schema file is a problem (reported as a `parse-error` finding).
 */
import { globProblem } from "../globs.js";
import { statSync } from "node:fs";
import path from "node:path";
import type { Attribute, AttributeArgument, Field, KeyValue, Model, Schema } from "@mrleebo/prisma-ast";
import type * as Globby from "globby";
import { lazyRequire } from "../lazy-require.js";
import { boundedGlobFs, readJsonFile } from "../source-text.js";
import { prismaAst } from "./prisma-ast.js";
import { AST_NODE_TYPES, type TSESTree } from "../ts-ast.js";
import type { Contract } from "../contract.js";
import { readSourceText } from "../source-text.js";
import { parseModule } from "./module-analysis.js";
import type { FactsProblem, PrismaModelFacts, PrismaSchemaFacts } from "./types.js";

// The glob library loads when the first schema is looked for (the schema parser: ./prisma-ast.ts).
const globby = lazyRequire<typeof Globby>("globby");

/** Generator providers whose `output` folder holds a database client. */
const CLIENT_GENERATORS = new Set(["prisma-client-js", "prisma-client"]);

/** globby's options; `.gitignore` files are read through the bounded reader (src/source-text.ts). */
const GLOB_OPTIONS = { ignore: ["**/node_modules/**"], gitignore: true, followSymbolicLinks: false, onlyFiles: true, absolute: true, dot: false, fs: boundedGlobFs() };

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
  // A glob that would expand without bound (`{a,b}` 30 times) or cannot be compiled names no file.
  if (globby().isDynamicPattern(location)) return globProblem(location) === undefined ? safeGlob([location], base) : [];
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

/** Prisma config file names, in Prisma's lookup order (Prisma docs, "Prisma Config reference"). */
const PRISMA_CONFIG_NAMES = ["prisma.config.ts", "prisma.config.mts", "prisma.config.cts", "prisma.config.js", "prisma.config.mjs", "prisma.config.cjs"].flatMap((name) => [
  name,
  `.config/${name.replace("prisma.config", "prisma")}`,
]);

function withoutWrappers(node: TSESTree.Node): TSESTree.Node {
  let n = node;
  while (n.type === AST_NODE_TYPES.TSSatisfiesExpression || n.type === AST_NODE_TYPES.TSAsExpression || n.type === AST_NODE_TYPES.AwaitExpression) {
    n = n.type === AST_NODE_TYPES.AwaitExpression ? n.argument : n.expression;
  }
  return n;
}

/** A static string: a literal or a template without holes. */
function staticText(node: TSESTree.Node): string | undefined {
  const n = withoutWrappers(node);
  if (n.type === AST_NODE_TYPES.Literal && typeof n.value === "string") return n.value;
  if (n.type === AST_NODE_TYPES.TemplateLiteral && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** True for the config file's own folder: `__dirname`, `import.meta.dirname`, `process.cwd()` (Prisma runs there). */
function isConfigFolder(node: TSESTree.Node): boolean {
  const n = withoutWrappers(node);
  if (n.type === AST_NODE_TYPES.Identifier) return n.name === "__dirname";
  if (n.type === AST_NODE_TYPES.MemberExpression && !n.computed && n.property.type === AST_NODE_TYPES.Identifier) {
    if (n.object.type === AST_NODE_TYPES.MetaProperty) return n.property.name === "dirname";
  }
  return n.type === AST_NODE_TYPES.CallExpression && n.callee.type === AST_NODE_TYPES.MemberExpression && n.callee.object.type === AST_NODE_TYPES.Identifier && n.callee.object.name === "process" && !n.callee.computed && n.callee.property.type === AST_NODE_TYPES.Identifier && n.callee.property.name === "cwd";
}

/**
 * A static path value, relative to the config file's folder: a string, or `path.join` / `path.resolve`
 * (also `join` / `resolve` alone) of the config's folder and strings (`path.join(__dirname, "prisma",
 * "schema")`). Undefined for anything computed.
 */
function staticPath(node: TSESTree.Node): string | undefined {
  const text = staticText(node);
  if (text !== undefined) return text;
  const n = withoutWrappers(node);
  if (n.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = n.callee;
  const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier ? callee.property.name : undefined;
  if (name !== "join" && name !== "resolve") return undefined;
  const args = [...n.arguments];
  if (args[0] && isConfigFolder(args[0])) args.shift();
  const parts = args.map((a) => (a.type === AST_NODE_TYPES.SpreadElement ? undefined : staticText(a)));
  return parts.length > 0 && parts.every((p) => p !== undefined) ? path.join(...(parts as string[])) : undefined;
}

/** The object a config file exports: `export default defineConfig({...})`, `export default {...} satisfies PrismaConfig`, `module.exports = ...`, through a top-level `const`. */
function exportedConfig(program: TSESTree.Program): TSESTree.ObjectExpression | undefined {
  let value: TSESTree.Node | undefined;
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration) value = statement.declaration;
    else if (statement.type === AST_NODE_TYPES.ExpressionStatement && statement.expression.type === AST_NODE_TYPES.AssignmentExpression) {
      const left = statement.expression.left;
      if (left.type === AST_NODE_TYPES.MemberExpression && left.object.type === AST_NODE_TYPES.Identifier && left.object.name === "module" && !left.computed && left.property.type === AST_NODE_TYPES.Identifier && left.property.name === "exports") {
        value = statement.expression.right;
      }
    }
  }
  for (let depth = 0; value && depth < 4; depth++) {
    const n = withoutWrappers(value);
    if (n.type === AST_NODE_TYPES.ObjectExpression) return n;
    if (n.type === AST_NODE_TYPES.CallExpression) value = n.arguments[0];
    else if (n.type === AST_NODE_TYPES.Identifier) {
      value = undefined;
      for (const statement of program.body) {
        const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
        if (declaration?.type !== AST_NODE_TYPES.VariableDeclaration) continue;
        for (const declarator of declaration.declarations) if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === n.name && declarator.init) value = declarator.init;
      }
    } else value = undefined;
  }
  return undefined;
}

/** What a Prisma config file says about the schema. */
export interface PrismaConfigSchema {
  /** The config file (absolute). */
  file: string;
  /**
   * The `schema` value resolved against the config file's folder (absolute), or undefined when the
   * config has no `schema` key (Prisma's default places apply) or its value is computed (not read).
   */
  schema: string | undefined;
}

/**
 * The Prisma config file in `dir` (the first of `prisma.config.{ts,mts,cts,js,mjs,cjs}`,
 * `.config/prisma.*`) and its `schema` value when it is written statically: a string, or `path.join` /
 * `path.resolve` of `__dirname` (`import.meta.dirname`, `process.cwd()`) and strings, in
 * `export default defineConfig({ schema })`, `export default { schema } satisfies PrismaConfig`, or
 * `module.exports = ...`. The config is parsed, never run. Undefined when there is no config file, or it
 * cannot be read or parsed (it is then reported as a source file of its own). Never throws.
 * @param dir absolute folder.
 */
export function prismaConfigSchema(dir: string): PrismaConfigSchema | undefined {
  for (const name of PRISMA_CONFIG_NAMES) {
    const file = path.join(dir, name);
    if (!isFile(file)) continue;
    return configSchemaOf(file);
  }
  return undefined;
}

function configSchemaOf(file: string): PrismaConfigSchema | undefined {
  const read = readSourceText(file);
  if (!("text" in read)) return undefined;
  let program: TSESTree.Program;
  try {
    program = parseModule(read.text, file);
  } catch {
    return undefined;
  }
  const config = exportedConfig(program);
  for (const property of config?.properties ?? []) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : property.key.type === AST_NODE_TYPES.Literal ? String(property.key.value) : undefined;
    if (key !== "schema") continue;
    const value = staticPath(property.value);
    return { file, schema: value === undefined ? undefined : path.resolve(path.dirname(file), value) };
  }
  return { file, schema: undefined };
}

/** The schema files a Prisma config names; a named location without any is a problem. */
function configFiles(config: PrismaConfigSchema | undefined, root: string, problems: FactsProblem[]): string[] {
  if (config?.schema === undefined) return [];
  const files = filesAt(config.schema, path.dirname(config.file));
  if (files.length === 0) {
    const shown = path.relative(path.dirname(config.file), config.schema).split(path.sep).join("/") || ".";
    problems.push({ file: config.file, message: `${path.relative(root, config.file).split(path.sep).join("/")} names the schema "${shown}", which matches no Prisma schema file`, line: 1, column: 1 });
  }
  return files;
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
  const rootConfig = prismaConfigSchema(root);
  let files: string[] = configFiles(rootConfig, root, problems);
  const rootSetting = files.length === 0 ? packageSchemaSetting(root) : undefined;
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
    const configs = safeGlob(["**/prisma.config.{ts,mts,cts,js,mjs,cjs}"], root).filter((file) => file !== rootConfig?.file);
    for (const file of configs.sort()) found.push(...configFiles(configSchemaOf(file), root, problems));
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

/**
 * What one schema file declares, as far as the facts use it: plain JSON, so that `contract-scan --cache`
 * keeps it by the file's content (src/scan-cache.ts) and a warm run does not load the Prisma parser.
 */
export interface SchemaFileBlocks {
  /** Every `generator` block: its `provider` and `output` strings when written as string literals. */
  generators: { provider: string | undefined; output: string | undefined }[];
  /**
   * Every `model` block in file order: its name, table (`@@map`, else the name) and fields: name,
   * type name (null for a type that is not a plain name) and column (`@map`, else the name).
   */
  models: { name: string; table: string; fields: { name: string; type: string | null; column: string }[] }[];
}

/** One schema file read (`readSchemaFile`): its blocks, or why it did not parse (1-based line and column). */
export type SchemaFileRead = { blocks: SchemaFileBlocks } | { problem: { message: string; line: number; column: number } };

/**
 * Parses one schema file with `@mrleebo/prisma-ast` (loaded on the first call). Never throws: a file that
 * could not be read (`text` undefined) or does not parse is a `problem`.
 */
export function readSchemaFile(source: SchemaSource): SchemaFileRead {
  if (source.text === undefined) return { problem: { message: "cannot read the Prisma schema file", line: 1, column: 1 } };
  let schema: Schema;
  try {
    schema = prismaAst().getSchema(source.text);
  } catch (error) {
    const { message, line, column } = parseProblem(source.file, error);
    return { problem: { message, line, column } };
  }
  const blocks: SchemaFileBlocks = { generators: [], models: [] };
  for (const block of schema.list) {
    if (block.type === "generator") {
      let provider: string | undefined;
      let output: string | undefined;
      for (const assignment of block.assignments) {
        if (assignment.type !== "assignment") continue;
        if (assignment.key === "provider") provider = unquote(assignment.value);
        if (assignment.key === "output") output = unquote(assignment.value);
      }
      blocks.generators.push({ provider, output });
    } else if (block.type === "model") blocks.models.push(modelBlock(block));
  }
  return { blocks };
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
  return assemblePrismaSchema(sources.map((source) => ({ file: source.file, read: readSchemaFile(source) })));
}

/**
 * One schema from the files read (`readSchemaFile`, or a cached read of the same content), in the order
 * to read them: the first declaration of a model name wins; a file with a problem is an error and
 * contributes no model.
 */
export function assemblePrismaSchema(reads: readonly { file: string; read: SchemaFileRead }[]): ParsedPrismaSchema {
  const errors: FactsProblem[] = [];
  const parsed: { file: string; blocks: SchemaFileBlocks }[] = [];
  for (const { file, read } of reads) {
    if ("problem" in read) errors.push({ file, ...read.problem });
    else parsed.push({ file, blocks: read.blocks });
  }
  // Relation fields name other models, maybe declared in another file of a multi-file schema.
  const modelNames = new Set<string>();
  for (const { blocks } of parsed) for (const model of blocks.models) modelNames.add(model.name);
  const models = new Map<string, PrismaModelFacts>();
  const clientOutputs: string[] = [];
  for (const { file, blocks } of parsed) {
    for (const { provider, output } of blocks.generators) {
      if (provider !== undefined && output !== undefined && CLIENT_GENERATORS.has(provider)) clientOutputs.push(path.resolve(path.dirname(file), output));
    }
    for (const model of blocks.models) {
      if (models.has(model.name)) continue;
      const columns = new Map<string, string>();
      const relations = new Set<string>();
      for (const field of model.fields) {
        if (field.type !== null && modelNames.has(field.type)) relations.add(field.name);
        else columns.set(field.name, field.column);
      }
      models.set(model.name, { name: model.name, table: model.table, columns, relations, file });
    }
  }
  const byDelegate = new Map<string, PrismaModelFacts>();
  const byTable = new Map<string, PrismaModelFacts>();
  for (const model of models.values()) {
    if (!byDelegate.has(delegateNameOf(model.name))) byDelegate.set(delegateNameOf(model.name), model);
    if (!byTable.has(model.table)) byTable.set(model.table, model);
  }
  const schema: PrismaSchemaFacts = {
    files: reads.map((r) => r.file),
    models,
    clientOutputs: [...new Set(clientOutputs)].sort(),
    modelForDelegate: (delegate) => byDelegate.get(delegate),
    modelByNameOrTable: (nameOrTable) => models.get(nameOrTable) ?? byTable.get(nameOrTable),
  };
  return { schema, errors };
}

/** A model block as `SchemaFileBlocks` keeps it. */
function modelBlock(block: Model): SchemaFileBlocks["models"][number] {
  const fields: SchemaFileBlocks["models"][number]["fields"] = [];
  let table = block.name;
  for (const property of block.properties) {
    if (property.type === "attribute") {
      if (property.kind === "object" && property.name === "map") table = mapName(property) ?? table;
      continue;
    }
    if (property.type !== "field") continue;
    const field = property as Field;
    const map = field.attributes?.find((a) => a.kind === "field" && a.name === "map");
    fields.push({ name: field.name, type: typeof field.fieldType === "string" ? field.fieldType : null, column: mapName(map) ?? field.name });
  }
  return { name: block.name, table, fields };
}
