/**
 * "Is this a database write", "is this destructive" and "does this run the Prisma CLI" for Python
 * (issue 15 item 2; the Python side of src/analysis/mutations.ts, safety.ts and prisma-cli.ts).
 *
 * Writes:
 * - writing SQL reaching a sink (./sql.ts + `getSqlWrite`): operation `executeRaw`, as in JavaScript;
 * - a Prisma CLI write run through `subprocess.run/call/check_call/check_output/Popen`, `os.system`,
 *   `os.popen`, `asyncio.create_subprocess_exec/shell` (a list of words, or a command line read by the
 *   same Prisma command reader as package.json scripts);
 * - ORM writes: Django `Model.objects....create/bulk_create/update/delete/get_or_create/update_or_create/
 *   bulk_update()`, SQLAlchemy `session.add/add_all/delete/merge/bulk_*()` on a receiver named like a
 *   session (`session`, `db`, `db_session`, `self.session`, ...), `query(...)....delete()/update()`.
 *   (JavaScript's query-builder writes are out of scope for version 1; these ORM calls are the usual way
 *   Python scripts write, so they count here.) Not writes: `dict.pop`, `set.discard`, `list.remove`,
 *   `requests.delete`, a `.delete()` on any other receiver.
 *
 * Destructive (group D, the default of `safety.destructive`): destructive SQL at a sink, the ORM deletes
 * above, and a call of a `safety.destructive` name (added to the default, as in JavaScript).
 */
import { parsePrismaCommands, type PrismaCommand, prismaCommandsOfWords } from "../../analysis/prisma-cli.js";
import { COMMAND_HOLE } from "../../analysis/shell.js";
import { field, lastName, namedChildren, positionalArgs, qualifiedName, stringPieces, textOf, unwrap } from "./ast.js";
import type { PyFile, PyNode } from "./parser.js";
import { getPySink, sinkDestructive, sinkWrite } from "./sql.js";

/** One database write found in Python code. */
export interface PyWrite {
  call: PyNode;
  /** The contract operation: `executeRaw`, a Prisma command (`prisma db push`), or the ORM method's (`deleteMany` for a queryset's `delete()`). */
  operation: string;
  /** For a Django write: the model (`Source` of `Source.objects.filter(...).delete()`). */
  model?: string | undefined;
  /** For messages: `executeRaw`, `prisma db push`, `Source.objects.filter().delete`, `session.delete`. */
  what: string;
  /** True for a Prisma CLI write. */
  cli?: boolean;
  /** The tables written (SQL only; undefined when not known). */
  tables?: readonly string[] | undefined;
}

/**
 * ORM methods and the contract operation (docs/design.md, The contract `operations`) each is, so an allowlisted Python script's
 * entry names them in the same words as a JavaScript one: a Django queryset's `update`/`delete` act on
 * every matching row (`updateMany`/`deleteMany`), a session's `delete(obj)` on one row, `add` inserts
 * (or updates a loaded object), `merge`/`get_or_create`/`update_or_create` upsert.
 */
const DJANGO_WRITES: ReadonlyMap<string, string> = new Map([
  ["create", "create"],
  ["bulk_create", "createMany"],
  ["update", "updateMany"],
  ["delete", "deleteMany"],
  ["get_or_create", "upsert"],
  ["update_or_create", "upsert"],
  ["bulk_update", "updateMany"],
]);
const SESSION_WRITES: ReadonlyMap<string, string> = new Map([
  ["add", "create"],
  ["add_all", "createMany"],
  ["delete", "delete"],
  ["merge", "upsert"],
  ["bulk_save_objects", "createMany"],
  ["bulk_insert_mappings", "createMany"],
  ["bulk_update_mappings", "updateMany"],
]);
const QUERY_WRITES: ReadonlyMap<string, string> = new Map([
  ["delete", "deleteMany"],
  ["update", "updateMany"],
]);
const SESSION_NAME = /^(?:db|sess|s)$|session$/i;

/** Process launchers whose first argument (or every positional argument) is a command. */
const LAUNCHERS = new Set([
  "subprocess.run",
  "subprocess.call",
  "subprocess.check_call",
  "subprocess.check_output",
  "subprocess.Popen",
  "subprocess.getoutput",
  "subprocess.getstatusoutput",
  "os.system",
  "os.popen",
  "asyncio.create_subprocess_shell",
]);
const ARGV_LAUNCHERS = new Set(["asyncio.create_subprocess_exec", "os.execlp", "os.execl", "os.spawnlp"]);

/**
 * The receiver chain of a method call as names (`["Source", "objects", "filter"]` for
 * `Source.objects.filter(...)`), and as shown in messages (`Source.objects.filter(...)`).
 */
function chainNames(file: PyFile, node: PyNode | undefined): string[] {
  return chainOf(file, node).names;
}

function chainOf(file: PyFile, node: PyNode | undefined): { names: string[]; shown: string } {
  const names: string[] = [];
  let shown = "";
  let n = unwrap(node);
  while (n) {
    if (n.type === "attribute") {
      names.unshift(lastName(file, n) ?? "");
      shown = `.${lastName(file, n) ?? ""}${shown}`;
      n = unwrap(field(n, "object"));
    } else if (n.type === "call") {
      shown = `(…)${shown}`;
      n = unwrap(field(n, "function"));
    } else {
      if (n.type === "identifier") shown = `${textOf(file, n)}${shown}`;
      if (n.type === "identifier") names.unshift(textOf(file, n));
      break;
    }
  }
  return { names, shown: shown.replace(/^\./, "") };
}

/** An ORM write (see the module header), or undefined. */
function ormWrite(file: PyFile, call: PyNode): PyWrite | undefined {
  const callee = unwrap(field(call, "function"));
  if (callee?.type !== "attribute") return undefined;
  const method = lastName(file, callee) ?? "";
  const receiver = unwrap(field(callee, "object"));
  const chain = chainNames(file, receiver);
  const shown = `${chainOf(file, receiver).shown}.${method}`;
  const django = DJANGO_WRITES.get(method);
  const objects = chain.indexOf("objects");
  if (django !== undefined && objects >= 0) return { call, operation: django, what: shown, model: objects > 0 ? chain[objects - 1] : undefined };
  const query = QUERY_WRITES.get(method);
  if (query !== undefined && receiver?.type === "call" && chain.includes("query")) return { call, operation: query, what: shown };
  const last = chain.at(-1);
  const session = SESSION_WRITES.get(method);
  if (session !== undefined && receiver && receiver.type !== "call" && last !== undefined && SESSION_NAME.test(last) && positionalArgs(call).length > 0) {
    return { call, operation: session, what: shown };
  }
  return undefined;
}

/** The command words of a launcher call: from a list/tuple, or from a command line. */
function launcherCommands(file: PyFile, call: PyNode): PrismaCommand[] {
  const name = qualifiedName(file, field(call, "function"));
  if (name === undefined) return [];
  const args = positionalArgs(call);
  const word = (node: PyNode): { text: string; hole: boolean } => {
    const pieces = stringPieces(file, node);
    if (!pieces) return { text: COMMAND_HOLE, hole: true };
    return { text: pieces.parts.join(COMMAND_HOLE), hole: pieces.parts.length > 1 };
  };
  if (ARGV_LAUNCHERS.has(name)) return prismaCommandsOfWords(args.map(word));
  if (!LAUNCHERS.has(name)) return [];
  const first = unwrap(args[0]);
  if (!first) return [];
  if (first.type === "list" || first.type === "tuple") return prismaCommandsOfWords(namedChildren(first).map(word));
  const pieces = stringPieces(file, first);
  return pieces ? parsePrismaCommands(pieces.parts.join(COMMAND_HOLE)) : [];
}

/** Every Prisma CLI command (writes and read-only ones) a launcher call runs. */
export function launcherPrismaCommands(file: PyFile, call: PyNode): PrismaCommand[] {
  return launcherCommands(file, call);
}

/** True when a call starts a process (subprocess, os.system, asyncio's create_subprocess_*). */
export function isLauncher(file: PyFile, call: PyNode): boolean {
  const name = qualifiedName(file, field(call, "function"));
  return name !== undefined && (LAUNCHERS.has(name) || ARGV_LAUNCHERS.has(name));
}

/** The Prisma CLI writes a call runs (each command once), or []. */
export function prismaWrites(file: PyFile, call: PyNode): PrismaCommand[] {
  const seen = new Set<string>();
  return launcherCommands(file, call).filter((c) => c.write && !seen.has(c.command) && seen.add(c.command));
}

/** The database write a call is (see the module header), or undefined. */
export function getPyWrite(file: PyFile, call: PyNode): PyWrite | undefined {
  const sink = getPySink(file, call);
  if (sink) {
    const write = sinkWrite(file, sink);
    if (write) return { call, operation: "executeRaw", what: "executeRaw", tables: write.tables };
    const construct = sqlalchemyConstruct(file, sink.sql);
    if (construct) return { call, operation: CONSTRUCT_OPERATIONS[construct] ?? "executeRaw", what: `${construct}() at ${sink.name}` };
    return undefined;
  }
  const cli = prismaWrites(file, call)[0];
  if (cli) return { call, operation: cli.command, what: cli.command, cli: true };
  return ormWrite(file, call);
}

/** SQLAlchemy's statement constructs as contract operations: they act on every row their `where` selects. */
const CONSTRUCT_OPERATIONS: Readonly<Record<string, string>> = { insert: "createMany", update: "updateMany", delete: "deleteMany" };

/** `insert`/`update`/`delete` of SQLAlchemy (`sqlalchemy.delete(User).where(...)`) at the root of an expression. */
function sqlalchemyConstruct(file: PyFile, node: PyNode | undefined): string | undefined {
  let n = unwrap(node);
  while (n && n.type === "call") {
    const callee = unwrap(field(n, "function"));
    const name = qualifiedName(file, callee);
    if (name === "sqlalchemy.delete" || name === "sqlalchemy.insert" || name === "sqlalchemy.update" || name === "sqlalchemy.sql.delete") return name.split(".").at(-1);
    n = callee?.type === "attribute" ? unwrap(field(callee, "object")) : undefined;
  }
  return undefined;
}

/** A destructive call (group D), with its description for messages. */
export interface PyDestructive {
  call: PyNode;
  what: string;
}

/**
 * True when a call's callee matches a contract name: a plain name matches the callee's last name
 * (`is_production` matches `env.is_production()`), a dotted name matches that member path or its end.
 */
export function pyCallMatches(file: PyFile, call: PyNode, names: readonly string[] | undefined): boolean {
  if (!names || names.length === 0 || call.type !== "call") return false;
  const callee = field(call, "function");
  const last = lastName(file, callee);
  const full = callee ? textOf(file, callee).replace(/\s+/g, "") : undefined;
  return names.some((name) => (name.includes(".") ? full === name || (full !== undefined && full.endsWith(`.${name}`)) : last === name));
}

/** The destructive call this is (see the module header), or undefined. */
export function getPyDestructive(file: PyFile, call: PyNode, names: readonly string[] | undefined): PyDestructive | undefined {
  if (pyCallMatches(file, call, names)) return { call, what: `${textOf(file, field(call, "function") as PyNode).replace(/\s+/g, "")}()` };
  const sink = getPySink(file, call);
  if (sink) {
    const found = sinkDestructive(file, sink);
    if (found?.statements[0]) return { call, what: `${found.statements[0].kind} reaching ${sink.name}` };
    const construct = sqlalchemyConstruct(file, sink.sql);
    if (construct === "delete") return { call, what: `delete() reaching ${sink.name}` };
    return undefined;
  }
  const orm = ormWrite(file, call);
  if (orm && (orm.operation === "delete" || orm.operation === "deleteMany")) return { call, what: `${orm.what}()` };
  return undefined;
}
