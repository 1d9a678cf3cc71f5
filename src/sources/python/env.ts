/**
 * "Which environment variable does this Python code read or set" (issue 15 item 2; the Python side of
 * src/analysis/env-access.ts). Names are matched by the one matcher of src/analysis/env-names.ts.
 *
 * Reads: `os.environ["X"]`, `os.environ.get("X", d)`, `os.getenv("X", d)`, `os.environ.pop("X")`, and the
 * same through `from os import environ, getenv` (any alias). Writes: `os.environ["X"] = v` (also `+=`,
 * `del`), `os.environ.setdefault("X", v)`, `os.environ.update({"X": v})` / `update(X=v)`, `os.putenv("X",
 * v)`, `os.unsetenv("X")`, and the env of a child process: a dict literal (or a name assigned one, or
 * `dict(os.environ, X=v)`, or `{**os.environ, "X": v}`) passed as `env=` to a call, and `env["X"] = v` on a
 * name assigned `os.environ.copy()` / `dict(os.environ)` / `{**os.environ}`. A name built from a static
 * prefix (`f"SKIP_{x}"`, `"SKIP_" + x`) is a computed name (`complete` false).
 */
import { field, keywordArg, namedChildren, positionalArgs, qualifiedName, resolveName, stringPieces, textOf, unwrap, walk } from "./ast.js";
import type { PyFile, PyNode } from "./parser.js";

/** One read or write of an environment variable. */
export interface PyEnvAccess {
  /** Where it is reported: the subscript, the call, or the dict key. */
  node: PyNode;
  /** The complete name, or the static prefix of a computed one. */
  name: string;
  complete: boolean;
  kind: "read" | "write";
  /** Static values a write sets (undefined when not known statically). */
  values?: string[] | undefined;
  /** For `get`/`getenv`: the fallback argument, or null when there is none. Undefined for other forms. */
  fallback?: PyNode | null;
}

const ENVIRON = "os.environ";

/** True for an expression that is the environment mapping (`os.environ`, `environ` from os). */
export function isEnviron(file: PyFile, node: PyNode | undefined): boolean {
  return qualifiedName(file, node) === ENVIRON;
}

/** True for a name assigned a copy of the environment (`env = os.environ.copy()`, `dict(os.environ)`, `{**os.environ}`). */
function isEnvCopy(file: PyFile, node: PyNode | undefined): boolean {
  const n = unwrap(node);
  if (!n) return false;
  if (n.type === "identifier") {
    const resolved = resolveName(file, n, textOf(file, n));
    return resolved?.kind === "value" && isEnvCopyValue(file, resolved.value);
  }
  return false;
}

function isEnvCopyValue(file: PyFile, value: PyNode): boolean {
  const v = unwrap(value);
  if (!v) return false;
  if (v.type === "call") {
    const callee = qualifiedName(file, field(v, "function"));
    if (callee === `${ENVIRON}.copy`) return true;
    if (callee === "dict" && isEnviron(file, positionalArgs(v)[0])) return true;
  }
  if (v.type === "dictionary") return namedChildren(v).some((c) => c.type === "dictionary_splat" && isEnviron(file, namedChildren(c)[0]));
  return false;
}

/** The name of an access from its key expression: complete, or a static prefix, or undefined. */
function nameOf(file: PyFile, key: PyNode | undefined): { name: string; complete: boolean } | undefined {
  const pieces = stringPieces(file, key);
  if (!pieces) return undefined;
  if (pieces.parts.length === 1) return { name: pieces.parts[0] as string, complete: true };
  const prefix = pieces.parts[0] ?? "";
  return prefix === "" ? undefined : { name: prefix, complete: false };
}

function valueOf(file: PyFile, value: PyNode | undefined): string[] | undefined {
  const pieces = stringPieces(file, value);
  if (pieces && pieces.parts.length === 1) return [pieces.parts[0] as string];
  const v = unwrap(value);
  if (v?.type === "true") return ["True"];
  if (v?.type === "integer") return [textOf(file, v)];
  return undefined;
}

/** The writes of an env mapping given as a dict literal, `dict(..., X=v)`, or a name assigned one. */
function envMappingWrites(file: PyFile, node: PyNode | undefined, out: PyEnvAccess[], depth = 0): void {
  const n = unwrap(node);
  if (!n || depth > 3) return;
  if (n.type === "identifier") {
    const resolved = resolveName(file, n, textOf(file, n));
    if (resolved?.kind === "value") envMappingWrites(file, resolved.value, out, depth + 1);
    return;
  }
  if (n.type === "dictionary") {
    for (const pair of namedChildren(n)) {
      if (pair.type !== "pair") continue;
      const key = field(pair, "key");
      const name = nameOf(file, key);
      if (name && key) out.push({ node: key, ...name, kind: "write", values: valueOf(file, field(pair, "value")) });
    }
    return;
  }
  if (n.type === "call" && qualifiedName(file, field(n, "function")) === "dict") {
    const args = field(n, "arguments");
    for (const a of args ? namedChildren(args) : []) {
      if (a.type === "keyword_argument") {
        const key = field(a, "name") as PyNode;
        out.push({ node: key, name: textOf(file, key), complete: true, kind: "write", values: valueOf(file, field(a, "value")) });
      } else envMappingWrites(file, a, out, depth + 1);
    }
  }
}

const accessCache = new WeakMap<PyFile, PyEnvAccess[]>();

/** Every environment access of a file, in source order (cached per file). */
export function envAccesses(file: PyFile): PyEnvAccess[] {
  const hit = accessCache.get(file);
  if (hit) return hit;
  const out: PyEnvAccess[] = [];
  walk(file.root, (n) => {
    if (n.type === "subscript") {
      const value = field(n, "value");
      const copy = !isEnviron(file, value) && isEnvCopy(file, value);
      if (!isEnviron(file, value) && !copy) return undefined;
      const name = nameOf(file, field(n, "subscript"));
      if (!name) return undefined;
      const parent = n.parent;
      const assigned = (parent?.type === "assignment" || parent?.type === "augmented_assignment") && field(parent, "left") === n;
      const deleted = parent?.type === "delete_statement";
      if (assigned) out.push({ node: n, ...name, kind: "write", values: parent?.type === "assignment" ? valueOf(file, field(parent, "right")) : undefined });
      else if (deleted) out.push({ node: n, ...name, kind: "write", values: [] });
      else if (!copy) out.push({ node: n, ...name, kind: "read" });
      return undefined;
    }
    if (n.type !== "call") return undefined;
    const callee = qualifiedName(file, field(n, "function"));
    const args = positionalArgs(n);
    const first = args[0];
    switch (callee) {
      case `${ENVIRON}.get`:
      case "os.getenv":
      case `${ENVIRON}.pop`: {
        const name = nameOf(file, first ?? keywordArg(file, n, "key"));
        if (name) out.push({ node: n, ...name, kind: "read", fallback: args[1] ?? keywordArg(file, n, "default") ?? null });
        break;
      }
      case `${ENVIRON}.setdefault`:
      case "os.putenv": {
        const name = nameOf(file, first);
        if (name) out.push({ node: n, ...name, kind: "write", values: valueOf(file, args[1]) });
        break;
      }
      case "os.unsetenv": {
        const name = nameOf(file, first);
        if (name) out.push({ node: n, ...name, kind: "write", values: [] });
        break;
      }
      case `${ENVIRON}.update`:
        if (first) envMappingWrites(file, first, out);
        for (const a of namedChildren(field(n, "arguments") ?? n)) {
          if (a.type !== "keyword_argument") continue;
          const key = field(a, "name") as PyNode;
          out.push({ node: key, name: textOf(file, key), complete: true, kind: "write", values: valueOf(file, field(a, "value")) });
        }
        break;
      default: {
        // A child process's environment: env={...} on any call (subprocess, asyncio, os.exec*e take it by keyword).
        const env = keywordArg(file, n, "env");
        if (env) envMappingWrites(file, env, out);
      }
    }
    return undefined;
  });
  out.sort((a, b) => a.node.start - b.node.start);
  accessCache.set(file, out);
  return out;
}
