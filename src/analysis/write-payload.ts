/**
 * What a database write writes, for `mutation-scope` (docs/design.md, Rule groups group A): the fields of a Prisma delegate
 * write's payload, and the tables and columns of a raw SQL write. `getDatabaseWrite` (mutations.ts)
 * decides whether a node writes at all; this module only reads what it writes.
 *
 * Delegate payloads. The fields written are the keys of `data` (`create`, `createMany`,
 * `createManyAndReturn`, `update`, `updateMany`, `updateManyAndReturn`; a `createMany` `data` array:
 * every element) and of `create` and `update` (`upsert`). `where`, `select`, `include`, `omit`,
 * `orderBy`, `skipDuplicates`, `limit` are not writes; `delete` and `deleteMany` write no field.
 * Objects are read statically: object literals, `const` bindings of the same file holding one (and never
 * modified: no `x.k = ...`, `delete x.k`, `Object.assign(x, ...)`), spreads of those, both branches of
 * `c ? {...} : {...}`, the right side of `c && {...}`, both sides of `??` / `||`, `null` and `undefined`
 * (spreading them adds nothing), and the object returned by a `.map(...)` callback
 * (`rows.map((r) => ({ name: r.name }))`). Anything else (a parameter, a call, a `let`, a computed key
 * that is not static, a spread of an unknown object) is an unresolved part: the caller fails closed.
 *
 * Relation fields. A key that is a relation field (with a schema: `PrismaModelFacts.relations`; without:
 * an object value whose keys are all Prisma relation operations) is a nested relation write. `connect`,
 * `disconnect` and `set` only change the link: the relation field is then checked like a column, by its
 * field name. `create`, `createMany`, `connectOrCreate`, `update`, `updateMany`, `upsert`, `delete`,
 * `deleteMany` write another table, which the payload does not name: they are returned as nested writes.
 *
 * Raw SQL. The tables come from `DatabaseWrite.tables`; the columns from the same text parsed again with
 * libpg-query: INSERT column lists (and `ON CONFLICT ... DO UPDATE SET` targets), UPDATE `SET` targets;
 * DELETE and TRUNCATE write no column. Every other writing statement (INSERT without a column list,
 * MERGE, COPY, SELECT INTO, DDL, ...) writes columns that are not known: `columns` undefined.
 */
import { pgParser } from "./pg-parser.js";
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../ts-ast.js";
import type { PrismaModelFacts } from "../facts/types.js";
import { getCalleeName, getConstInitializer, getKeyName, getPropertyName, getStringPieces, skipTypeWrappers } from "./ast.js";
import { type DatabaseWrite, EXECUTE_RAW, PRISMA_RAW_WRITE_METHODS, sqlFragmentText } from "./mutations.js";
import { getCallSink, getTaggedTemplateSink } from "./sinks.js";

type Scope = TSESLint.Scope.Scope;

/** One field a delegate write writes, at the key that writes it. */
export interface WrittenField {
  /** The field name as written in the payload (`isActive`; may be a `@map`ped field or a relation field). */
  name: string;
  /** The key (or shorthand property) that writes it: where a finding is reported. */
  node: TSESTree.Node;
}

/** A nested relation write (`category: { create: {...} }`): it writes another table. */
export interface NestedWrite {
  /** The relation field (`category`). */
  field: string;
  /** The nested operation as written (`create`, `connectOrCreate`, `deleteMany`, ...). */
  operation: string;
  /** The operation's key inside the relation object. */
  node: TSESTree.Node;
}

/** A part of a payload that cannot be read statically. */
export interface UnresolvedPart {
  /** What could not be read: the whole arguments object, a `data`/`create`/`update` value, a spread, a computed key, a relation field's value. */
  what: "payload" | "data" | "spread" | "key" | "relation";
  node: TSESTree.Node;
}

/** What a delegate write's payload writes. */
export interface PayloadWrites {
  fields: WrittenField[];
  nested: NestedWrite[];
  unresolved: UnresolvedPart[];
}

/** The payload keys that hold written data, per operation. */
const DATA_KEYS: Readonly<Record<string, readonly string[]>> = {
  create: ["data"],
  createMany: ["data"],
  createManyAndReturn: ["data"],
  update: ["data"],
  updateMany: ["data"],
  updateManyAndReturn: ["data"],
  upsert: ["create", "update"],
};

/** Nested relation operations that write the related table (their docs/design.md, The contract operation, for the operations check). */
export const NESTED_WRITE_OPERATIONS: Readonly<Record<string, string>> = {
  create: "create",
  createMany: "createMany",
  connectOrCreate: "create",
  update: "update",
  updateMany: "updateMany",
  upsert: "upsert",
  delete: "delete",
  deleteMany: "deleteMany",
};

/** Nested relation operations that only change the link. */
const LINK_OPERATIONS = new Set(["connect", "disconnect", "set"]);

const MAX_DEPTH = 8;

// ---------------------------------------------------------------------------------------------------
// Static objects

/** Removes TypeScript wrappers and `await`. */
function unwrap(input: TSESTree.Node): TSESTree.Node {
  let node = skipTypeWrappers(input);
  while (node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.ChainExpression) {
    node = skipTypeWrappers(node.type === AST_NODE_TYPES.AwaitExpression ? node.argument : node.expression);
  }
  return node;
}

/** The outermost member expression of a chain that starts at `identifier` (`x.a.b` for `x`), or the identifier itself. */
function memberChainTop(identifier: TSESTree.Identifier): TSESTree.Node {
  let current: TSESTree.Node = identifier;
  while (current.parent?.type === AST_NODE_TYPES.MemberExpression && current.parent.object === current) current = current.parent;
  while (current.parent && (current.parent.type === AST_NODE_TYPES.TSNonNullExpression || current.parent.type === AST_NODE_TYPES.TSAsExpression)) {
    current = current.parent;
  }
  return current;
}

const MUTATING_CALLS = new Set(["assign", "defineProperty", "defineProperties", "set", "deleteProperty", "setPrototypeOf"]);

/**
 * True when a `const` object is modified after its declaration: a member of it assigned, updated or
 * deleted (`x.k = 1`, `x.a.b++`, `delete x.k`), or passed first to `Object.assign` / `Object.defineProperty`
 * / `Reflect.set` and the like. Other calls are assumed not to modify it.
 */
function isModified(identifier: TSESTree.Identifier, scope: Scope): boolean {
  const variable = ASTUtils.findVariable(scope, identifier);
  if (!variable) return true;
  for (const reference of variable.references) {
    if (reference.init === true) continue;
    const id = reference.identifier;
    const top = memberChainTop(id as TSESTree.Identifier);
    const parent = top.parent;
    if (top !== id) {
      if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === top) return true;
      if (parent?.type === AST_NODE_TYPES.UpdateExpression) return true;
      if (parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === "delete") return true;
      if (parent?.type === AST_NODE_TYPES.ForInStatement || parent?.type === AST_NODE_TYPES.ForOfStatement) {
        if (parent.left === top) return true;
      }
      continue;
    }
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments[0] === id) {
      const callee = skipTypeWrappers(parent.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression) {
        const object = skipTypeWrappers(callee.object);
        const method = getPropertyName(callee);
        if (object.type === AST_NODE_TYPES.Identifier && (object.name === "Object" || object.name === "Reflect") && method !== undefined && MUTATING_CALLS.has(method)) {
          return true;
        }
      }
    }
  }
  return false;
}

/** The objects an expression may be, statically; `ok` false when one of its values cannot be read. */
interface Objects {
  objects: TSESTree.ObjectExpression[];
  ok: boolean;
}

/** The returned expressions of a function's body (nested functions excluded), or undefined if one returns nothing known. */
function returnedExpressions(fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression): TSESTree.Node[] | undefined {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return [fn.body];
  const found: TSESTree.Node[] = [];
  let bare = false;
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const n = node as TSESTree.Node;
    if (
      n.type === AST_NODE_TYPES.FunctionDeclaration ||
      n.type === AST_NODE_TYPES.FunctionExpression ||
      n.type === AST_NODE_TYPES.ArrowFunctionExpression ||
      n.type === AST_NODE_TYPES.ClassDeclaration ||
      n.type === AST_NODE_TYPES.ClassExpression
    ) {
      return;
    }
    if (n.type === AST_NODE_TYPES.ReturnStatement) {
      if (n.argument) found.push(n.argument);
      else bare = true;
      return;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== "parent" && key !== "range" && key !== "loc" && value && typeof value === "object") visit(value);
    }
  };
  visit(fn.body.body);
  return bare || found.length === 0 ? undefined : found;
}

/**
 * The object literals an expression may evaluate to (see the module header for the forms read).
 * @param allowArray read an array's elements as the objects (a `createMany` `data` array, `.map(...)`).
 */
function objectsOf(input: TSESTree.Node, scope: Scope, allowArray: boolean, depth = 0): Objects {
  if (depth > MAX_DEPTH) return { objects: [], ok: false };
  const node = unwrap(input);
  switch (node.type) {
    case AST_NODE_TYPES.ObjectExpression:
      return { objects: [node], ok: true };
    case AST_NODE_TYPES.ArrayExpression: {
      if (!allowArray) return { objects: [], ok: false };
      const result: Objects = { objects: [], ok: true };
      for (const element of node.elements) {
        if (!element) continue;
        const inner = element.type === AST_NODE_TYPES.SpreadElement ? objectsOf(element.argument, scope, true, depth + 1) : objectsOf(element, scope, false, depth + 1);
        result.objects.push(...inner.objects);
        result.ok &&= inner.ok;
      }
      return result;
    }
    case AST_NODE_TYPES.Identifier: {
      if (node.name === "undefined") return { objects: [], ok: true };
      const init = getConstInitializer(node, scope);
      if (!init || isModified(node, scope)) return { objects: [], ok: false };
      const variable = ASTUtils.findVariable(scope, node);
      return objectsOf(init, variable?.scope ?? scope, allowArray, depth + 1);
    }
    case AST_NODE_TYPES.Literal:
      return { objects: [], ok: node.value === null };
    case AST_NODE_TYPES.ConditionalExpression:
      return merge(objectsOf(node.consequent, scope, allowArray, depth + 1), objectsOf(node.alternate, scope, allowArray, depth + 1));
    case AST_NODE_TYPES.LogicalExpression:
      // `c && {...}`: the left side is the condition (a falsy one spreads nothing).
      if (node.operator === "&&") return objectsOf(node.right, scope, allowArray, depth + 1);
      return merge(objectsOf(node.left, scope, allowArray, depth + 1), objectsOf(node.right, scope, allowArray, depth + 1));
    case AST_NODE_TYPES.CallExpression: {
      // `rows.map((row) => ({ ... }))`: the objects the callback returns.
      const callee = unwrap(node.callee);
      const callback = node.arguments[0];
      if (!allowArray || callee.type !== AST_NODE_TYPES.MemberExpression || getPropertyName(callee) !== "map" || !callback) return { objects: [], ok: false };
      const fn = unwrap(callback);
      if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.type !== AST_NODE_TYPES.FunctionExpression) return { objects: [], ok: false };
      const returned = returnedExpressions(fn);
      if (!returned) return { objects: [], ok: false };
      // Names inside the callback resolve in its own scope, which the caller's scope does not reach: a
      // `const` declared in the callback is read through the scope manager of the file (ESLint sets it).
      return returned.map((r) => objectsOf(r, scopeOfFunction(fn, scope), false, depth + 1)).reduce(merge, { objects: [], ok: true });
    }
    default:
      return { objects: [], ok: false };
  }
}

/** The scope of a function node, found from an enclosing scope (child scopes by their block). */
function scopeOfFunction(fn: TSESTree.Node, scope: Scope): Scope {
  const queue: Scope[] = [scope];
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    const current = queue[i] as Scope;
    if (current.block === fn) return current;
    queue.push(...current.childScopes);
  }
  return scope;
}

function merge(a: Objects, b: Objects): Objects {
  return { objects: [...a.objects, ...b.objects], ok: a.ok && b.ok };
}

/** One property of an object with its static key (spreads flattened). */
interface KeyedProperty {
  key: string;
  property: TSESTree.Property;
  /** The scope its value's names resolve in. */
  scope: Scope;
}

/** The static properties of objects, spreads of readable objects flattened; unreadable parts recorded. */
function propertiesOf(objects: readonly TSESTree.ObjectExpression[], scope: Scope, unresolved: UnresolvedPart[], depth = 0): KeyedProperty[] {
  const result: KeyedProperty[] = [];
  for (const object of objects) {
    for (const property of object.properties) {
      if (property.type === AST_NODE_TYPES.SpreadElement) {
        const spread = objectsOf(property.argument, scope, false, depth + 1);
        if (!spread.ok || depth > MAX_DEPTH) unresolved.push({ what: "spread", node: property });
        if (depth <= MAX_DEPTH) result.push(...propertiesOf(spread.objects, spreadScope(property.argument, scope), unresolved, depth + 1));
        continue;
      }
      const key = getKeyName(property, scope);
      if (key === undefined) {
        unresolved.push({ what: "key", node: property.key });
        continue;
      }
      result.push({ key, property, scope });
    }
  }
  return result;
}

/** Where the names of a spread `const` object resolve: the scope of its declaration. */
function spreadScope(argument: TSESTree.Node, scope: Scope): Scope {
  const node = unwrap(argument);
  if (node.type !== AST_NODE_TYPES.Identifier) return scope;
  return ASTUtils.findVariable(scope, node)?.scope ?? scope;
}

// ---------------------------------------------------------------------------------------------------
// Delegate payloads

/** True when an object's keys are all Prisma relation operations and one of them writes the related table. */
function looksLikeRelationWrite(objects: readonly TSESTree.ObjectExpression[], scope: Scope): boolean {
  let writes = false;
  for (const object of objects) {
    for (const property of object.properties) {
      if (property.type !== AST_NODE_TYPES.Property) return false;
      const key = getKeyName(property, scope);
      if (key === undefined) return false;
      if (Object.hasOwn(NESTED_WRITE_OPERATIONS, key)) writes = true;
      else if (!LINK_OPERATIONS.has(key)) return false;
    }
  }
  return writes;
}

/** Reads one written field: a column, or a relation field with its nested writes. */
function readField(entry: KeyedProperty, model: PrismaModelFacts | undefined, result: PayloadWrites): void {
  const { key, property, scope } = entry;
  const value = property.value;
  const isRelation = model ? model.relations.has(key) : undefined;
  if (isRelation === false) {
    result.fields.push({ name: key, node: property.key });
    return;
  }
  const objects = objectsOf(value, scope, false);
  if (isRelation === undefined && !(objects.ok && looksLikeRelationWrite(objects.objects, scope))) {
    // Without a schema, anything but an object of relation operations is a scalar value.
    result.fields.push({ name: key, node: property.key });
    return;
  }
  if (!objects.ok) {
    result.unresolved.push({ what: "relation", node: property.value });
    return;
  }
  const relationUnresolved: UnresolvedPart[] = [];
  const operations = propertiesOf(objects.objects, scope, relationUnresolved);
  const nested = operations.filter((o) => Object.hasOwn(NESTED_WRITE_OPERATIONS, o.key));
  result.unresolved.push(...relationUnresolved.map((u) => ({ what: "relation" as const, node: u.node })));
  if (nested.length === 0) {
    // `connect` / `disconnect` / `set`: the link changes, checked as the relation field.
    result.fields.push({ name: key, node: property.key });
    return;
  }
  for (const operation of nested) result.nested.push({ field: key, operation: operation.key, node: operation.property.key });
}

/**
 * The fields a Prisma delegate write writes (see the module header).
 * @param write a delegate write from `getDatabaseWrite` (raw SQL writes have no payload: empty result).
 * @param scope the scope of the write's node.
 * @param model the written model from the schema, when there is one (relation fields, `@map`).
 * @returns the written fields in source order, nested relation writes, and the parts that could not be read.
 */
export function getPayloadWrites(write: DatabaseWrite, scope: Scope, model: PrismaModelFacts | undefined): PayloadWrites {
  const result: PayloadWrites = { fields: [], nested: [], unresolved: [] };
  const dataKeys = DATA_KEYS[write.operation];
  if (!dataKeys || write.operation === EXECUTE_RAW) return result;
  if (!write.payload) return result;
  if (write.payload.type === AST_NODE_TYPES.SpreadElement) {
    result.unresolved.push({ what: "payload", node: write.payload });
    return result;
  }
  const args = objectsOf(write.payload, scope, false);
  if (!args.ok) result.unresolved.push({ what: "payload", node: write.payload });
  for (const entry of propertiesOf(args.objects, scope, result.unresolved)) {
    if (!dataKeys.includes(entry.key)) continue;
    const data = objectsOf(entry.property.value, entry.scope, true);
    if (!data.ok) result.unresolved.push({ what: "data", node: entry.property.value });
    for (const field of propertiesOf(data.objects, entry.scope, result.unresolved)) readField(field, model, result);
  }
  // A `key` unresolved at the top level may be `data`: it stays unresolved (fail closed).
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Raw SQL columns

/** One table a raw SQL write writes, with the columns it writes (undefined: not known). */
export interface SqlTableWrite {
  table: string;
  /** Columns written; [] for DELETE and TRUNCATE; undefined when the statement's columns are not known. */
  columns: string[] | undefined;
}

type JsonNode = Record<string, unknown>;

const HOLE_IDENTIFIER = "__ps_hole_";

function relationName(relation: unknown): string | undefined {
  const rangeVar = ((relation as JsonNode | undefined)?.RangeVar ?? relation) as JsonNode | undefined;
  const name = rangeVar?.relname;
  return typeof name === "string" && !name.startsWith(HOLE_IDENTIFIER) ? name : undefined;
}

function targetNames(list: unknown): string[] {
  return ((list as JsonNode[] | undefined) ?? []).flatMap((item) => {
    const name = (item.ResTarget as JsonNode | undefined)?.name;
    return typeof name === "string" ? [name] : [];
  });
}

/** Statement kinds whose writes are read here; other writing statements have unknown columns. */
function collectTableWrites(value: unknown, found: SqlTableWrite[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectTableWrites(item, found);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as JsonNode)) {
    if (child === null || typeof child !== "object" || Array.isArray(child) || !/^[A-Z]/.test(key)) {
      collectTableWrites(child, found);
      continue;
    }
    const node = child as JsonNode;
    if (key === "InsertStmt") {
      const table = relationName(node.relation);
      const cols = node.cols as unknown[] | undefined;
      const conflict = node.onConflictClause as JsonNode | undefined;
      if (table !== undefined) {
        found.push({ table, columns: cols && cols.length > 0 ? [...targetNames(cols), ...targetNames(conflict?.targetList)] : undefined });
      }
    } else if (key === "UpdateStmt") {
      const table = relationName(node.relation);
      if (table !== undefined) found.push({ table, columns: targetNames(node.targetList) });
    } else if (key === "DeleteStmt") {
      const table = relationName(node.relation);
      if (table !== undefined) found.push({ table, columns: [] });
    } else if (key === "TruncateStmt") {
      for (const relation of (node.relations as unknown[] | undefined) ?? []) {
        const table = relationName(relation);
        if (table !== undefined) found.push({ table, columns: [] });
      }
    } else if (key === "MergeStmt" || (key === "CopyStmt" && node.is_from === true)) {
      const table = relationName(node.relation);
      if (table !== undefined) found.push({ table, columns: undefined });
    } else if (key === "SelectStmt" && node.intoClause) {
      const table = relationName((node.intoClause as JsonNode).rel);
      if (table !== undefined) found.push({ table, columns: undefined });
    }
    collectTableWrites(child, found);
  }
}

/** The SQL text expression of a raw write (the `$executeRaw*` argument or template, or the sink's SQL argument). */
function rawSqlExpression(write: DatabaseWrite): TSESTree.Node | undefined {
  const node = write.node;
  if (node.type === AST_NODE_TYPES.TaggedTemplateExpression) {
    const tag = getCalleeName(node.tag);
    if (tag !== undefined && PRISMA_RAW_WRITE_METHODS.has(tag)) return node.quasi;
    return getTaggedTemplateSink(node)?.sql;
  }
  if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const method = getCalleeName(node.callee);
  if (method !== undefined && PRISMA_RAW_WRITE_METHODS.has(method)) return node.arguments[0];
  return getCallSink(node)?.sql;
}

function tryParse(text: string): unknown[] | undefined {
  const { parseSync } = pgParser();
  try {
    return (parseSync(text) as { stmts?: unknown[] }).stmts ?? [];
  } catch {
    return undefined;
  }
}

/**
 * The tables a raw SQL write writes, each with its columns (see the module header).
 * @returns the table writes in statement order (a table may repeat), or undefined when the SQL text is
 *   not known statically or does not parse.
 */
export function getSqlTableWrites(write: DatabaseWrite, scope: Scope): SqlTableWrite[] | undefined {
  if (write.operation !== EXECUTE_RAW) return undefined;
  const expression = rawSqlExpression(write);
  if (!expression) return undefined;
  const pieces = getStringPieces(sqlFragmentText(expression, scope), scope, "");
  if (!pieces) return undefined;
  const { parts } = pieces;
  const join = (fill: (i: number) => string): string => parts.map((p, i) => (i < parts.length - 1 ? p + fill(i) : p)).join("");
  let stmts = tryParse(join((i) => `$${i + 1}`));
  if (!stmts && parts.length > 1) stmts = tryParse(join((i) => `${HOLE_IDENTIFIER}${i + 1}`));
  if (!stmts) return undefined;
  const found: SqlTableWrite[] = [];
  collectTableWrites(stmts, found);
  return found;
}
