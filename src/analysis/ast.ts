/**
 * Small AST predicates and static evaluation shared by every rule (STYLE: shared analysis lives once).
 * Nodes are typescript-estree nodes (ESTree plus TypeScript); ranges are UTF-16 offsets in the source.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "@typescript-eslint/utils";

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
 * with a plain identifier pattern (`const X = ...`). Used for "a `const` of the same file" (SPEC §3).
 */
export function getConstInitializer(identifier: TSESTree.Identifier, scope: Scope): TSESTree.Expression | undefined {
  const variable = ASTUtils.findVariable(scope, identifier);
  if (!variable || variable.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (!def || def.type !== "Variable") return undefined;
  const declarator = def.node;
  const declaration = def.parent;
  if (declaration?.kind !== "const" || declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return undefined;
  return declarator.init;
}

/** A string-valued expression split at the parts that cannot be known statically (holes). */
export interface StringPieces {
  /** Known text between holes; `parts.length - 1` holes. Always at least one part. */
  parts: string[];
  /**
   * Where the text came from: each segment says that `length` UTF-16 units starting at `partOffset` of
   * part `part` are the source text starting at `sourceStart` (a range offset), one to one. Text with
   * escapes has no segment and maps to the expression's start.
   */
  segments: { part: number; partOffset: number; length: number; sourceStart: number }[];
}

const MAX_DEPTH = 8;

function literalPieces(node: TSESTree.StringLiteral | TSESTree.TemplateElement, text: string, sourceText: string): StringPieces {
  const start = node.range[0] + 1;
  const exact = sourceText.slice(start, start + text.length) === text;
  return { parts: [text], segments: exact && text.length > 0 ? [{ part: 0, partOffset: 0, length: text.length, sourceStart: start }] : [] };
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
    case AST_NODE_TYPES.BinaryExpression:
      if (node.operator !== "+") return HOLE;
      return concatPieces(piecesOf(node.left, scope, sourceText, depth + 1), piecesOf(node.right, scope, sourceText, depth + 1));
    case AST_NODE_TYPES.Identifier: {
      const init = getConstInitializer(node, scope);
      if (!init) return HOLE;
      // The const's text is elsewhere in the file: keep its text, map it to this use.
      const pieces = piecesOf(init, scope, sourceText, depth + 1);
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

/** Maps a (part, offset) position inside StringPieces back to a source range offset, if one-to-one. */
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
