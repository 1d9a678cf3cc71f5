/**
 * Parsing Python (issue 15 item 1): tree-sitter's Python grammar (`tree-sitter-python`, its WebAssembly
 * build as shipped in the npm package) run by `web-tree-sitter`, so no native build step is needed.
 *
 * Both load lazily, on the first Python file a scan meets (`loadPythonParser`): nothing here runs at import
 * time and there is no top-level `await`, so the ESLint plugin's import graph never pays for it (the
 * scanner imports this folder with `import()` only when the repository has `.py` files).
 *
 * The tree is copied into plain objects (`PyNode`) once per file, with parent links and field names, and
 * the WebAssembly tree is freed at once. Offsets are UTF-16 code units of the parsed text (web-tree-sitter
 * parses JavaScript strings as UTF-16), so `lineColumnAt` of src/contract.ts gives the 1-based line and
 * UTF-16 column the other sources report.
 */
import { createRequire } from "node:module";
import path from "node:path";
import type { Language, Node as TsNode, Parser } from "web-tree-sitter";

/** One node of a parsed Python file (a plain copy of tree-sitter's node). */
export interface PyNode {
  /** tree-sitter-python's node type (`call`, `identifier`, `string`, `if_statement`, or the token text of an anonymous node: `not`, `==`). */
  type: string;
  /** The field this node fills in its parent (`function`, `arguments`, `condition`, ...), if any. */
  field: string | undefined;
  /** False for anonymous tokens (keywords, operators, punctuation). */
  named: boolean;
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset just past the last character. */
  end: number;
  children: PyNode[];
  parent: PyNode | undefined;
}

/** A parsed Python file. */
export interface PyFile {
  text: string;
  root: PyNode;
}

/** Python files above this many nodes are not analysed (all input-driven work is bounded, docs/design.md). */
export const MAX_PYTHON_NODES = 2_000_000;

let loading: Promise<Parser> | undefined;

/** The grammar's WebAssembly file inside the installed `tree-sitter-python` package. */
function grammarWasm(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("tree-sitter-python/package.json")), "tree-sitter-python.wasm");
}

/**
 * The Python parser, loaded on first use (web-tree-sitter's runtime and the grammar's WebAssembly) and
 * shared by every later call.
 * @throws Error when the packages cannot be loaded or the grammar's ABI does not match the runtime.
 */
export function loadPythonParser(): Promise<Parser> {
  loading ??= (async () => {
    const { Parser: ParserClass, Language: LanguageClass } = await import("web-tree-sitter");
    await ParserClass.init();
    const language: Language = await LanguageClass.load(grammarWasm());
    const parser = new ParserClass();
    parser.setLanguage(language);
    return parser;
  })();
  // A failed load is not cached: the next file tries again and reports the same error.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** Copies tree-sitter's tree into PyNodes (iteratively: deep nesting must not overflow the stack). */
function copyTree(rootNode: TsNode): PyNode {
  const cursor = rootNode.walk();
  const make = (parent: PyNode | undefined): PyNode => ({
    type: cursor.nodeType,
    field: cursor.currentFieldName ?? undefined,
    named: cursor.nodeIsNamed,
    start: cursor.startIndex,
    end: cursor.endIndex,
    children: [],
    parent,
  });
  const root = make(undefined);
  let current = root;
  let count = 0;
  try {
    for (;;) {
      if (cursor.gotoFirstChild()) {
        const child = make(current);
        current.children.push(child);
        current = child;
      } else {
        for (;;) {
          if (cursor.gotoNextSibling()) {
            const sibling = make(current.parent);
            current.parent?.children.push(sibling);
            current = sibling;
            break;
          }
          if (!cursor.gotoParent()) return root;
          current = current.parent ?? root;
        }
      }
      if (++count > MAX_PYTHON_NODES) throw new Error(`file is too large to analyse (more than ${MAX_PYTHON_NODES} syntax nodes)`);
    }
  } finally {
    cursor.delete();
  }
}

/** The first syntax error of a tree (an ERROR node or a MISSING token), as a message and UTF-16 offset. */
function firstSyntaxError(node: TsNode, text: string): { message: string; offset: number } | undefined {
  if (!node.hasError) return undefined;
  if (node.isMissing) return { message: `Python syntax error: missing "${node.type}"`, offset: node.startIndex };
  if (node.isError) {
    // The first line of what does not parse, without a trailing comment, at most 40 characters.
    const snippet = (text.slice(node.startIndex, node.endIndex).split("\n")[0] ?? "").replace(/\s*#.*$/, "").slice(0, 40);
    // The error's own children may say more precisely where it is (a MISSING token inside).
    for (const child of node.children) {
      if (child?.isMissing) return { message: `Python syntax error: missing "${child.type}"`, offset: child.startIndex };
    }
    return { message: `Python syntax error: cannot parse ${snippet === "" ? "this" : JSON.stringify(snippet)}`, offset: node.startIndex };
  }
  for (const child of node.children) {
    const found = child ? firstSyntaxError(child, text) : undefined;
    if (found) return found;
  }
  return { message: "Python syntax error", offset: node.startIndex };
}

/**
 * Parses a Python file with a loaded parser (`loadPythonParser`).
 * @param text the file's decoded text.
 * @returns the copied tree, or the first syntax error (message and UTF-16 offset) for a `parse-error`
 *   finding. Never throws.
 */
export function parsePythonWith(parser: Parser, text: string): { file: PyFile } | { error: { message: string; offset: number } } {
  let tree: ReturnType<Parser["parse"]>;
  try {
    tree = parser.parse(text);
  } catch (error) {
    return { error: { message: `Python parser failed: ${(error as Error).message}`, offset: 0 } };
  }
  if (!tree) return { error: { message: "Python parser gave no tree for this file", offset: 0 } };
  try {
    const error = firstSyntaxError(tree.rootNode, text);
    if (error) return { error };
    return { file: { text, root: copyTree(tree.rootNode) } };
  } catch (error) {
    return { error: { message: (error as Error).message, offset: 0 } };
  } finally {
    tree.delete();
  }
}

/**
 * Parses a Python file, loading the parser first if needed.
 * @throws Error only when the parser itself cannot be loaded.
 */
export async function parsePython(text: string): Promise<{ file: PyFile } | { error: { message: string; offset: number } }> {
  return parsePythonWith(await loadPythonParser(), text);
}
