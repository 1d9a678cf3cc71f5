/**
 * Small predicates over a parsed Python file (src/sources/python/parser.ts), shared by every Python
 * detector: node navigation, dotted names resolved through the file's imports, call arguments, and the
 * static text of string expressions split at their holes (as src/analysis/ast.ts `getStringPieces` does for
 * JavaScript), with the source offset of each character where the text is the source one to one.
 */
import type { PyFile, PyNode } from "./parser.js";

/** The node's source text. */
export function textOf(file: PyFile, node: PyNode): string {
  return file.text.slice(node.start, node.end);
}

/** The first child filling `name`. */
export function field(node: PyNode | undefined, name: string): PyNode | undefined {
  return node?.children.find((c) => c.field === name);
}

/** Every child filling `name`. */
export function fields(node: PyNode, name: string): PyNode[] {
  return node.children.filter((c) => c.field === name);
}

/** Named children (no keywords, operators or punctuation; comments left out). */
export function namedChildren(node: PyNode): PyNode[] {
  return node.children.filter((c) => c.named && c.type !== "comment");
}

/** Preorder walk of a subtree (iterative); `visit` returning false skips the node's children. */
export function walk(node: PyNode, visit: (n: PyNode) => boolean | void): void {
  const stack: PyNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as PyNode;
    if (visit(n) === false) continue;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as PyNode);
  }
}

/** True when `inner` lies within `outer` (or is it). */
export function contains(outer: PyNode, inner: PyNode): boolean {
  return outer.start <= inner.start && inner.end <= outer.end && (outer === inner || isAncestor(outer, inner));
}

function isAncestor(outer: PyNode, inner: PyNode): boolean {
  for (let p = inner.parent; p; p = p.parent) if (p === outer) return true;
  return false;
}

/** Function-like nodes: a new scope and a body that runs only when called. */
export const FUNCTION_TYPES: ReadonlySet<string> = new Set(["function_definition", "lambda"]);

/** The innermost function definition holding the node (the module when none). */
export function enclosingFunction(node: PyNode): PyNode {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type) || p.type === "module") return p;
  return node;
}

/** Strips parentheses and `await` around an expression. */
export function unwrap(node: PyNode | undefined): PyNode | undefined {
  let n = node;
  while (n && (n.type === "parenthesized_expression" || n.type === "await")) n = namedChildren(n)[0];
  return n;
}

/** `a.b.c` for identifiers and attributes, else undefined. */
export function dottedName(file: PyFile, node: PyNode | undefined): string | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === "identifier") return textOf(file, n);
  if (n.type === "attribute") {
    const object = dottedName(file, field(n, "object"));
    const attribute = field(n, "attribute");
    return object !== undefined && attribute ? `${object}.${textOf(file, attribute)}` : undefined;
  }
  return undefined;
}

/** The last name of a callee: `execute` for `cur.execute`, `text` for `text`. */
export function lastName(file: PyFile, node: PyNode | undefined): string | undefined {
  const n = unwrap(node);
  if (n?.type === "identifier") return textOf(file, n);
  if (n?.type === "attribute") {
    const attribute = field(n, "attribute");
    return attribute ? textOf(file, attribute) : undefined;
  }
  return undefined;
}

/** The positional arguments of a call (a lone generator argument is one positional argument). */
export function positionalArgs(call: PyNode): PyNode[] {
  const args = field(call, "arguments");
  if (!args) return [];
  if (args.type === "generator_expression") return [args];
  return namedChildren(args).filter((a) => a.type !== "keyword_argument" && a.type !== "dictionary_splat" && a.type !== "list_splat");
}

/** The value of a keyword argument (`env=` of `subprocess.run(..., env={...})`). */
export function keywordArg(file: PyFile, call: PyNode, name: string): PyNode | undefined {
  const args = field(call, "arguments");
  if (!args || args.type !== "argument_list") return undefined;
  for (const a of namedChildren(args)) {
    if (a.type === "keyword_argument" && textOf(file, field(a, "name") as PyNode) === name) return field(a, "value");
  }
  return undefined;
}

const callCache = new WeakMap<PyNode, PyNode[]>();

/** Every call in a subtree, in source order (calls inside nested functions included); cached for a file's root. */
export function callsIn(node: PyNode): PyNode[] {
  if (node.type === "module") {
    const hit = callCache.get(node);
    if (hit) return hit;
    const calls = collectCalls(node);
    callCache.set(node, calls);
    return calls;
  }
  return collectCalls(node);
}

function collectCalls(node: PyNode): PyNode[] {
  const out: PyNode[] = [];
  walk(node, (n) => {
    if (n.type === "call") out.push(n);
  });
  return out.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------------
// Imports

/** What a local name is bound to by an import: a module (`import os`) or a name from one (`from os import environ`). */
export interface ImportBinding {
  /** The qualified name the local name stands for: `os`, `os.environ`, `sqlalchemy.text`, `.db.session` for a relative import. */
  qualified: string;
  /** The imported module (`os`, `sqlalchemy`, `.db`), as written. */
  module: string;
  /** The import statement. */
  node: PyNode;
}

/** One imported module (for client loads): the statement, the module as written, and what it binds. */
export interface ImportedModule {
  node: PyNode;
  /** The module as written (`psycopg2`, `django.db`, `.db`, `..lib.ci_guard`). */
  module: string;
  /** For `from m import a, b`: the names (a submodule may be one of them: `from django import db`). */
  names: string[];
}

/** The imports of a file, wherever they are (module level, functions, `if __name__ == "__main__":`). */
export interface Imports {
  bindings: Map<string, ImportBinding>;
  modules: ImportedModule[];
}

const importCache = new WeakMap<PyFile, Imports>();

/** The file's imports (see `Imports`), cached per file. Later bindings of a name win. */
export function importsOf(file: PyFile): Imports {
  const hit = importCache.get(file);
  if (hit) return hit;
  const bindings = new Map<string, ImportBinding>();
  const modules: ImportedModule[] = [];
  walk(file.root, (n) => {
    if (n.type === "import_statement") {
      for (const item of fields(n, "name")) {
        const dotted = item.type === "aliased_import" ? field(item, "name") : item;
        const alias = item.type === "aliased_import" ? field(item, "alias") : undefined;
        if (!dotted) continue;
        const module = textOf(file, dotted);
        modules.push({ node: n, module, names: [] });
        // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
        if (alias) bindings.set(textOf(file, alias), { qualified: module, module, node: n });
        else {
          const first = module.split(".")[0] ?? module;
          bindings.set(first, { qualified: first, module, node: n });
        }
      }
      return false;
    }
    if (n.type === "import_from_statement") {
      const moduleNode = field(n, "module_name");
      const module = moduleNode ? textOf(file, moduleNode).replace(/\s+/g, "") : "";
      const names: string[] = [];
      for (const item of fields(n, "name")) {
        const dotted = item.type === "aliased_import" ? field(item, "name") : item;
        const alias = item.type === "aliased_import" ? field(item, "alias") : undefined;
        if (!dotted) continue;
        const name = textOf(file, dotted);
        names.push(name);
        const qualified = module.endsWith(".") ? `${module}${name}` : `${module}.${name}`;
        bindings.set(alias ? textOf(file, alias) : name, { qualified, module, node: n });
      }
      modules.push({ node: n, module, names });
      return false;
    }
    return undefined;
  });
  const result = { bindings, modules };
  importCache.set(file, result);
  return result;
}

/**
 * The qualified name of an identifier or attribute chain, its first name replaced by what an import binds
 * it to: `environ.get` after `from os import environ` is `os.environ.get`; `sa.text` after `import
 * sqlalchemy as sa` is `sqlalchemy.text`. A name no import binds stays as written.
 */
export function qualifiedName(file: PyFile, node: PyNode | undefined): string | undefined {
  const dotted = dottedName(file, node);
  if (dotted === undefined) return undefined;
  const [first, ...rest] = dotted.split(".");
  const binding = importsOf(file).bindings.get(first ?? "");
  if (!binding) return dotted;
  return [binding.qualified, ...rest].join(".");
}

// ---------------------------------------------------------------------------------------------------
// Names bound in a scope

const assignmentCache = new WeakMap<PyNode, Map<string, PyNode[]>>();

/** The assignments `name = value` to a plain name in a function body or the module (not nested functions); indexed once per scope. */
export function assignmentsTo(file: PyFile, scope: PyNode, name: string): PyNode[] {
  let byName = assignmentCache.get(scope);
  if (!byName) {
    const index = new Map<string, PyNode[]>();
    walk(scope, (n) => {
      if (n !== scope && FUNCTION_TYPES.has(n.type)) return false;
      if (n.type === "class_definition") return false;
      if (n.type === "assignment" || n.type === "augmented_assignment") {
        const left = field(n, "left");
        if (left?.type === "identifier") {
          const key = textOf(file, left);
          index.set(key, [...(index.get(key) ?? []), n]);
        }
      }
      return undefined;
    });
    assignmentCache.set(scope, index);
    byName = index;
  }
  return byName.get(name) ?? [];
}

/** The parameters node of a function definition, and the parameter named `name` in it. */
export function parameterOf(file: PyFile, fn: PyNode, name: string): { node: PyNode; index: number; defaultValue: PyNode | undefined } | undefined {
  const params = field(fn, "parameters");
  if (!params) return undefined;
  let index = 0;
  for (const p of namedChildren(params)) {
    const id = p.type === "identifier" ? p : p.type === "typed_parameter" ? namedChildren(p)[0] : field(p, "name");
    if (id && id.type === "identifier" && textOf(file, id) === name) {
      return { node: p, index, defaultValue: p.type === "default_parameter" || p.type === "typed_default_parameter" ? field(p, "value") : undefined };
    }
    index++;
  }
  return undefined;
}

/**
 * What a name read at `at` refers to: its single assignment in the enclosing function or (failing that)
 * the module, a parameter of the enclosing function, or unknown. Several assignments are unknown.
 */
export function resolveName(file: PyFile, at: PyNode, name: string): { kind: "value"; value: PyNode; scope: PyNode } | { kind: "parameter"; fn: PyNode } | undefined {
  for (let scope: PyNode | undefined = enclosingFunction(at); scope; scope = scope.type === "module" ? undefined : enclosingFunction(scope)) {
    if (scope.type === "function_definition" && parameterOf(file, scope, name)) return { kind: "parameter", fn: scope };
    const assignments = assignmentsTo(file, scope, name);
    if (assignments.length === 1 && assignments[0]?.type === "assignment") {
      const value = field(assignments[0], "right");
      return value ? { kind: "value", value, scope } : undefined;
    }
    if (assignments.length > 1) return undefined;
  }
  return undefined;
}

const functionCache = new WeakMap<PyFile, Map<string, PyNode>>();

/** Same-file functions by name (module level and nested; the last definition of a name wins); cached per file. */
export function localFunctions(file: PyFile): Map<string, PyNode> {
  const hit = functionCache.get(file);
  if (hit) return hit;
  const out = new Map<string, PyNode>();
  functionCache.set(file, out);
  walk(file.root, (n) => {
    if (n.type === "function_definition") {
      const name = field(n, "name");
      if (name) out.set(textOf(file, name), n);
    }
  });
  return out;
}

/** The same-file function a call calls by its plain name (`helper()`), or undefined. */
export function calledLocalFunction(file: PyFile, call: PyNode, functions: Map<string, PyNode>): PyNode | undefined {
  const callee = unwrap(field(call, "function"));
  if (callee?.type === "identifier") return functions.get(textOf(file, callee));
  // self.helper() of a method in the same class.
  if (callee?.type === "attribute" && textOf(file, field(callee, "object") as PyNode) === "self") {
    const attribute = field(callee, "attribute");
    return attribute ? functions.get(textOf(file, attribute)) : undefined;
  }
  return undefined;
}

const siteCache = new WeakMap<PyFile, Map<PyNode, PyNode[]>>();

/** The calls of a same-file function in the file (by plain name, or `self.name`); indexed once per file. */
export function callSitesOf(file: PyFile, fn: PyNode, functions: Map<string, PyNode>): PyNode[] {
  let sites = siteCache.get(file);
  if (!sites) {
    const index = new Map<PyNode, PyNode[]>();
    for (const call of callsIn(file.root)) {
      const target = calledLocalFunction(file, call, functions);
      if (target) index.set(target, [...(index.get(target) ?? []), call]);
    }
    siteCache.set(file, index);
    sites = index;
  }
  return sites.get(fn) ?? [];
}

// ---------------------------------------------------------------------------------------------------
// Static strings

/** A string expression's static text between its holes, and where each character came from. */
export interface PyStringPieces {
  /** Text between holes (`parts.length - 1` holes). */
  parts: string[];
  /** For each part, the source offset of each of its characters (-1 where the text is not the source one to one). */
  offsets: number[][];
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v", "\n": "" };

function decodeEscape(raw: string): string {
  const c = raw[1] ?? "";
  if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c] as string;
  if (c === "x" || c === "u" || c === "U") return String.fromCodePoint(Number.parseInt(raw.slice(2), 16) || 0);
  if (/[0-7]/.test(c)) return String.fromCodePoint(Number.parseInt(raw.slice(1), 8));
  return raw;
}

class PiecesBuilder {
  parts: string[] = [""];
  offsets: number[][] = [[]];
  text(s: string, sourceStart: number | undefined): void {
    this.parts[this.parts.length - 1] += s;
    const last = this.offsets[this.offsets.length - 1] as number[];
    for (let i = 0; i < s.length; i++) last.push(sourceStart === undefined ? -1 : sourceStart + i);
  }
  hole(): void {
    this.parts.push("");
    this.offsets.push([]);
  }
  append(other: PyStringPieces): void {
    other.parts.forEach((part, i) => {
      if (i > 0) this.hole();
      this.parts[this.parts.length - 1] += part;
      (this.offsets[this.offsets.length - 1] as number[]).push(...(other.offsets[i] ?? []));
    });
  }
  result(): PyStringPieces {
    return { parts: this.parts, offsets: this.offsets };
  }
}

/** The pieces of one `string` node: f-string interpolations are holes, escapes decoded (not in raw strings). */
function stringNodePieces(file: PyFile, node: PyNode): PyStringPieces | undefined {
  const startToken = node.children.find((c) => c.type === "string_start");
  const prefix = startToken ? textOf(file, startToken).replace(/['"]/g, "").toLowerCase() : "";
  if (prefix.includes("b")) return undefined;
  const raw = prefix.includes("r");
  const builder = new PiecesBuilder();
  for (const child of node.children) {
    if (child.type === "string_content") {
      // string_content holds escape_sequence children; the text between them is literal.
      let at = child.start;
      for (const escape of child.children) {
        if (escape.start > at) builder.text(file.text.slice(at, escape.start), at);
        const rawEscape = textOf(file, escape);
        if (escape.type === "escape_interpolation") builder.text(rawEscape.slice(0, 1), undefined);
        else if (raw) builder.text(rawEscape, escape.start);
        else builder.text(decodeEscape(rawEscape), undefined);
        at = escape.end;
      }
      if (child.end > at) builder.text(file.text.slice(at, child.end), at);
    } else if (child.type === "interpolation") {
      builder.hole();
    } else if (child.type === "escape_sequence" || child.type === "escape_interpolation") {
      const rawEscape = textOf(file, child);
      builder.text(child.type === "escape_interpolation" ? rawEscape.slice(0, 1) : raw ? rawEscape : decodeEscape(rawEscape), raw ? child.start : undefined);
    }
  }
  return builder.result();
}

/** `"...{}...{name}...".format(...)`: the replacement fields become holes (`{{`/`}}` are braces). */
function formatFieldPieces(pieces: PyStringPieces): PyStringPieces {
  const builder = new PiecesBuilder();
  pieces.parts.forEach((part, p) => {
    if (p > 0) builder.hole();
    const offsets = pieces.offsets[p] ?? [];
    for (let i = 0; i < part.length; i++) {
      const c = part[i] as string;
      if ((c === "{" || c === "}") && part[i + 1] === c) {
        builder.text(c, undefined);
        i++;
      } else if (c === "{") {
        const close = part.indexOf("}", i);
        builder.hole();
        i = close === -1 ? part.length : close;
      } else builder.text(c, offsets[i] === -1 ? undefined : offsets[i]);
    }
  });
  return builder.result();
}

/**
 * The static text of a string expression, split at what is not known statically: a literal (any quotes,
 * raw, implicit concatenation), an f-string (interpolations are holes), `+` of such expressions (an
 * unknown operand is a hole), `"...".format(...)` (fields are holes), `"..." % args` (the text as written;
 * its `%s` placeholders are read by the SQL reader), a name assigned once to one of these in its function
 * or the module, and SQLAlchemy's `text("...")` around one. Undefined when none of these.
 */
export function stringPieces(file: PyFile, node: PyNode | undefined, depth = 0): PyStringPieces | undefined {
  const n = unwrap(node);
  if (!n || depth > 8) return undefined;
  switch (n.type) {
    case "string":
      return stringNodePieces(file, n);
    case "concatenated_string": {
      const builder = new PiecesBuilder();
      for (const part of namedChildren(n)) {
        const pieces = stringNodePieces(file, part);
        if (!pieces) return undefined;
        builder.append(pieces);
      }
      return builder.result();
    }
    case "binary_operator": {
      const operator = field(n, "operator");
      const op = operator ? textOf(file, operator) : "";
      if (op === "%") return stringPieces(file, field(n, "left"), depth + 1);
      if (op !== "+") return undefined;
      const left = stringPieces(file, field(n, "left"), depth + 1);
      const right = stringPieces(file, field(n, "right"), depth + 1);
      if (!left && !right) return undefined;
      const builder = new PiecesBuilder();
      if (left) builder.append(left);
      else builder.hole();
      if (right) builder.append(right);
      else builder.hole();
      return builder.result();
    }
    case "call": {
      const callee = unwrap(field(n, "function"));
      if (callee?.type === "attribute" && lastName(file, callee) === "format") {
        const base = stringPieces(file, field(callee, "object"), depth + 1);
        return base ? formatFieldPieces(base) : undefined;
      }
      const name = qualifiedName(file, callee);
      if (name === "sqlalchemy.text" || name === "sqlalchemy.sql.text" || name === "sqlalchemy.sql.expression.text" || name === "text") {
        return stringPieces(file, positionalArgs(n)[0], depth + 1);
      }
      return undefined;
    }
    case "identifier": {
      const resolved = resolveName(file, n, textOf(file, n));
      return resolved?.kind === "value" ? stringPieces(file, resolved.value, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The complete static string of an expression (no holes), or undefined. */
export function staticString(file: PyFile, node: PyNode | undefined): string | undefined {
  const pieces = stringPieces(file, node);
  return pieces && pieces.parts.length === 1 ? pieces.parts[0] : undefined;
}

/** The source offset of a character of the pieces, when that text is the source one to one. */
export function sourceOffset(pieces: PyStringPieces, part: number, offset: number): number | undefined {
  const value = pieces.offsets[part]?.[offset];
  return value === undefined || value < 0 ? undefined : value;
}
