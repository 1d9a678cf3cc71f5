/**
 * Small AST predicates and static evaluation shared by every rule (STYLE: shared analysis lives once).
 * Nodes are typescript-estree nodes (ESTree plus TypeScript); ranges are UTF-16 offsets in the source.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../ts-ast.js";

type Scope = TSESLint.Scope.Scope;

/** The name of a non-computed member property or a computed string-literal property, else undefined. */
export function getPropertyName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === AST_NODE_TYPES.Identifier) return node.property.name;
  if (node.computed && node.property.type === AST_NODE_TYPES.Literal && typeof node.property.value === "string") return node.property.value;
  return undefined;
}

/** The key name of an object property (`a`, `"a"`, `[\`a\`]`), resolving computed keys statically. */
export function getKeyName(property: TSESTree.Property, scope: Scope): string | undefined {
  if (!property.computed) {
    if (property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
    if (property.key.type === AST_NODE_TYPES.Literal) return String(property.key.value);
    return undefined;
  }
  return getStaticString(property.key, scope);
}

/** Strips TypeScript-only wrappers (`x as T`, `x!`, `<T>x`, `x satisfies T`) and parentheses (already absent in ESTree). */
export function skipTypeWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.type === AST_NODE_TYPES.TSAsExpression ||
    current.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.type === AST_NODE_TYPES.TSTypeAssertion ||
    current.type === AST_NODE_TYPES.TSSatisfiesExpression
  ) {
    current = current.expression;
  }
  return current;
}

/**
 * The initializer of a `const` binding that `identifier` refers to, when it is declared once in this file
 * with a plain identifier pattern (`const X = ...`). Used for "a `const` of the same file" (docs/design.md, Rule groups).
 */
export function getConstInitializer(identifier: TSESTree.Identifier, scope: Scope): TSESTree.Expression | undefined {
  return resolveConst(identifier, scope)?.init;
}

/** The `const` initializer of `identifier` and the scope it is declared in (where its own names resolve). */
function resolveConst(identifier: TSESTree.Identifier, scope: Scope): { init: TSESTree.Expression; scope: Scope } | undefined {
  const variable = ASTUtils.findVariable(scope, identifier);
  if (!variable || variable.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (!def || def.type !== "Variable") return undefined;
  const declarator = def.node;
  const declaration = def.parent;
  if (declaration?.kind !== "const" || declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return undefined;
  return { init: declarator.init, scope: variable.scope };
}

/** A string-valued expression split at the parts that cannot be known statically (holes). */
export interface StringPieces {
  /** Known text between holes; `parts.length - 1` holes. Always at least one part. */
  parts: string[];
  /**
   * Where the text came from: each segment says that `length` UTF-16 units starting at `partOffset` of
   * part `part` are the source text starting at `sourceStart` (a range offset), one to one. Escape
   * sequences (and a template's CR LF) have no segment; text from a `const` elsewhere has none either.
   */
  segments: { part: number; partOffset: number; length: number; sourceStart: number }[];
}

const MAX_DEPTH = 8;

/** Where a literal's value sits in the source: the text between its delimiters. */
function literalContentRange(node: TSESTree.StringLiteral | TSESTree.TemplateElement): [number, number] {
  if (node.type === AST_NODE_TYPES.TemplateElement) return [node.range[0] + 1, node.range[1] - (node.tail ? 1 : 2)];
  return [node.range[0] + 1, node.range[1] - 1];
}

/** Source length and value length (UTF-16 units) of the escape sequence at `source[i]` (a backslash). */
function escapeLengths(source: string, i: number): [number, number] {
  const next = source[i + 1];
  if (next === undefined) return [1, 0];
  if (next === "\r") return [source[i + 2] === "\n" ? 3 : 2, 0];
  if (next === "\n" || next === "\u2028" || next === "\u2029") return [2, 0];
  if (next === "x") return [4, 1];
  if (next === "u") {
    if (source[i + 2] !== "{") return [6, 1];
    const close = source.indexOf("}", i + 3);
    if (close < 0) return [source.length - i, 0];
    return [close - i + 1, Number.parseInt(source.slice(i + 3, close), 16) > 0xffff ? 2 : 1];
  }
  if (next >= "0" && next <= "7") {
    const max = next <= "3" ? 3 : 2;
    let digits = 1;
    while (digits < max && (source[i + 1 + digits] ?? "") >= "0" && (source[i + 1 + digits] ?? "") <= "7") digits += 1;
    return [1 + digits, 1];
  }
  const code = next.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdbff) return [3, 2];
  return [2, 1];
}

/**
 * The runs of a literal's value that are its source text one to one (no escape sequence, no CR LF
 * normalised to LF inside them), as segments of part 0. Verified against the value: when the walk does
 * not account for the value exactly, there are no segments (positions fall back to the expression).
 */
function identicalRuns(value: string, source: string, sourceStart: number, isTemplate: boolean): StringPieces["segments"] {
  const segments: StringPieces["segments"] = [];
  let i = 0;
  let j = 0;
  let run: { i: number; j: number } | undefined;
  const close = (): void => {
    if (run && i > run.i) segments.push({ part: 0, partOffset: run.j, length: i - run.i, sourceStart: sourceStart + run.i });
    run = undefined;
  };
  while (i < source.length) {
    const char = source[i];
    if (char === "\\") {
      close();
      const [sourceLength, valueLength] = escapeLengths(source, i);
      i += sourceLength;
      j += valueLength;
    } else if (isTemplate && char === "\r") {
      close();
      i += source[i + 1] === "\n" ? 2 : 1;
      j += 1;
    } else {
      run ??= { i, j };
      i += 1;
      j += 1;
    }
  }
  close();
  if (j !== value.length) return [];
  const exact = segments.every((s) => source.slice(s.sourceStart - sourceStart, s.sourceStart - sourceStart + s.length) === value.slice(s.partOffset, s.partOffset + s.length));
  return exact ? segments : [];
}

function literalPieces(node: TSESTree.StringLiteral | TSESTree.TemplateElement, text: string, sourceText: string): StringPieces {
  const [start, end] = literalContentRange(node);
  const source = sourceText.slice(start, end);
  return { parts: [text], segments: identicalRuns(text, source, start, node.type === AST_NODE_TYPES.TemplateElement) };
}

function concatPieces(left: StringPieces, right: StringPieces): StringPieces {
  const lastIndex = left.parts.length - 1;
  const lastText = left.parts[lastIndex] ?? "";
  const parts = [...left.parts.slice(0, -1), lastText + (right.parts[0] ?? ""), ...right.parts.slice(1)];
  const segments = [
    ...left.segments,
    ...right.segments.map((s) =>
      s.part === 0 ? { ...s, part: lastIndex, partOffset: s.partOffset + lastText.length } : { ...s, part: s.part + lastIndex },
    ),
  ];
  return { parts, segments };
}

const HOLE: StringPieces = { parts: ["", ""], segments: [] };

/**
 * Evaluates a string expression into text and holes: string literals, template literals (each `${}`
 * a hole unless it is itself static), `+` concatenations, and identifiers bound by a `const` of the same
 * file. Anything else is a hole.
 * @param sourceText the whole file's text (to check that a literal's text is its source, one to one).
 * @returns the pieces, or undefined when the expression has no static text at all.
 */
export function getStringPieces(node: TSESTree.Node, scope: Scope, sourceText: string): StringPieces | undefined {
  const pieces = piecesOf(node, scope, sourceText, 0);
  return pieces.parts.some((p) => p.length > 0) ? pieces : undefined;
}

function piecesOf(input: TSESTree.Node, scope: Scope, sourceText: string, depth: number): StringPieces {
  if (depth > MAX_DEPTH) return HOLE;
  const node = skipTypeWrappers(input);
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
      return typeof node.value === "string" ? literalPieces(node as TSESTree.StringLiteral, node.value, sourceText) : HOLE;
    case AST_NODE_TYPES.TemplateLiteral: {
      let result: StringPieces | undefined;
      node.quasis.forEach((quasi, index) => {
        const text = literalPieces(quasi, quasi.value.cooked ?? quasi.value.raw, sourceText);
        result = result ? concatPieces(result, text) : text;
        const expression = node.expressions[index];
        if (expression) result = concatPieces(result, piecesOf(expression, scope, sourceText, depth + 1));
      });
      return result ?? HOLE;
    }
    case AST_NODE_TYPES.BinaryExpression: {
      if (node.operator !== "+") return HOLE;
      // A chain `a + b + c + ...` nests to the left: walk it iteratively, so its length is not depth.
      const operands: TSESTree.Node[] = [];
      let current: TSESTree.Node = node;
      while (current.type === AST_NODE_TYPES.BinaryExpression && current.operator === "+") {
        operands.push(current.right);
        current = skipTypeWrappers(current.left);
      }
      operands.push(current);
      return operands
        .reverse()
        .map((operand) => piecesOf(operand, scope, sourceText, depth + 1))
        .reduce((left, right) => concatPieces(left, right));
    }
    case AST_NODE_TYPES.Identifier: {
      const binding = resolveConst(node, scope);
      if (!binding) return HOLE;
      // The const's text is elsewhere in the file: keep its text, map it to this use. Its own names
      // resolve in the scope it is declared in.
      const pieces = piecesOf(binding.init, binding.scope, sourceText, depth + 1);
      return { parts: pieces.parts, segments: [] };
    }
    default:
      return HOLE;
  }
}

/** The value of a fully static string expression (see getStringPieces), or undefined if it has holes. */
export function getStaticString(node: TSESTree.Node, scope: Scope): string | undefined {
  const pieces = piecesOf(node, scope, "", 0);
  return pieces.parts.length === 1 ? pieces.parts[0] : undefined;
}

/** The static text before the first hole of a string expression (`SKIP_${x}` -> "SKIP_"), or undefined. */
export function getStaticPrefix(node: TSESTree.Node, scope: Scope): { prefix: string; complete: boolean } | undefined {
  const pieces = piecesOf(node, scope, "", 0);
  const prefix = pieces.parts[0] ?? "";
  if (pieces.parts.length === 1) return { prefix, complete: true };
  return prefix.length > 0 || pieces.parts.length > 1 ? { prefix, complete: false } : undefined;
}

/**
 * Maps a position inside StringPieces (part index, UTF-16 offset in that part) back to a source range
 * offset (UTF-16, as ESLint's `range`), when that character is the source one to one; else undefined.
 */
export function sourceOffsetOf(pieces: StringPieces, part: number, offset: number): number | undefined {
  for (const s of pieces.segments) {
    if (s.part === part && offset >= s.partOffset && offset < s.partOffset + s.length) return s.sourceStart + (offset - s.partOffset);
  }
  return undefined;
}

/** The last identifier name of a callee: `f` for `f()`, `b` for `a.b()`, `c` for `a.b.c()`. */
export function getCalleeName(callee: TSESTree.Node): string | undefined {
  const node = skipTypeWrappers(callee);
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression) return getPropertyName(node);
  return undefined;
}

/**
 * The statement or expression a message is about, as the user wrote it: the node's source text with runs
 * of whitespace collapsed to one space, cut to `max` characters (UTF-16 code units) with "…" when longer.
 * In: the file's `SourceCode` and a node of it. Out: a one-line string for a message's `data`.
 */
export function describeNode(sourceCode: { getText(node: TSESTree.Node): string }, node: TSESTree.Node, max = 60): string {
  return describeStatement(sourceCode.getText(node), max);
}

/** `describeNode` for source text of any language (the Python checks): one line, at most `max` characters. */
export function describeStatement(text: string, max = 60): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
