/**
 * no-destructive-sql (docs/design.md, Rule groups group A): outside `migrations`, SQL that drops or truncates,
 * DELETE, `ALTER ... DROP`, and UPDATE without WHERE (or whose WHERE names no column), reaching a SQL sink
 * as a literal, a template (holes become parameters), a concatenation or a `const` of the same file.
 * `.sql` files outside migrations are checked by `contract-scan` through `checkSqlText` below, the same
 * check on the same parser.
 *
 * The data layer (docs/design.md, issue 13 item 5): in application code that the contract's `dataLayer`
 * lists, a row-level statement (a DELETE whose WHERE names a column, src/analysis/sql.ts) is accepted;
 * everything else is still reported, a DELETE there named by how it selects its rows (`DELETE without
 * WHERE`, `DELETE whose WHERE names no column`). In other application code a row-level DELETE is
 * reported with `destructiveRowLevel`, which names the `dataLayer` key as the way to accept the data
 * layer's row deletes after review. Script zones keep the plain message: a script's delete belongs in a
 * migration or a reviewed, allowlisted script.
 */
import { createRule } from "../src/create-rule.js";
import { getStringPieces, sourceOffsetOf, type StringPieces } from "../src/analysis/ast.js";
import { getCallSink, getTaggedTemplateSink, type SqlSink } from "../src/analysis/sinks.js";
import { analyzeSql, blankPsqlMetaCommands, type DestructiveStatement, type UncheckedStatements } from "../src/analysis/sql.js";
import { MAX_SQL_STATEMENTS_PER_FILE, MAX_SQL_STATEMENTS_PER_TEXT } from "../src/limits.js";
import { getFileContext } from "../src/settings.js";
import type { Zone } from "../src/zones.js";

export type MessageId = "destructive" | "destructiveUnparsed" | "destructiveRowLevel" | "tooManyStatements";

/** The rule's messages; `.sql` files and Python files (src/sources/python/) are reported with the same texts. */
export const MESSAGES: Record<MessageId, string> = {
  destructive:
    "{{kind}} {{where}} outside migrations: destructive SQL belongs in a reviewed migration. Move it to a migration, or soft-delete instead.",
  destructiveUnparsed:
    "SQL {{where}} could not be parsed, and it starts with {{kind}}: destructive SQL belongs in a reviewed migration. Move it to a migration.",
  destructiveRowLevel:
    "{{kind}} {{where}} in application code deletes rows outside migrations. If this file is the application's data layer and its row deletes have been reviewed, list its folder in the contract's dataLayer (row-level DELETE ... WHERE is then accepted there); otherwise move it to a migration, or soft-delete instead.",
  tooManyStatements:
    "SQL {{where}} holds {{count}} statements, more than the {{limit}} that are checked: the statements from here on were not checked for destructive SQL. Split it into parts of at most {{limit}} statements, or move it to a migration.",
};

/** Where a statement is checked: the file's zone, and whether the contract's `dataLayer` lists it. */
export interface SqlPlace {
  zone: Zone;
  /** True in application code that a `dataLayer` glob lists (`FileContext.dataLayer`). */
  dataLayer: boolean;
}

/**
 * How one destructive statement is reported in a place (see the module header), or undefined when it is
 * accepted there (a row-level statement in the data layer).
 */
export function classifyStatement(statement: DestructiveStatement, place: SqlPlace): { messageId: MessageId; kind: string } | undefined {
  if (statement.unparsed) return { messageId: "destructiveUnparsed", kind: statement.kind };
  if (place.zone === "app" && place.dataLayer) {
    if (statement.rowLevel) return undefined;
    const kind = statement.deleteWhere === "none" ? "DELETE without WHERE" : statement.deleteWhere === "no column" ? "DELETE whose WHERE names no column" : statement.kind;
    return { messageId: "destructive", kind };
  }
  if (place.zone === "app" && statement.rowLevel) return { messageId: "destructiveRowLevel", kind: `${statement.kind} ... WHERE` };
  return { messageId: "destructive", kind: statement.kind };
}

/** True when the no-destructive-sql check applies to files of this zone (not migrations, tests, ignored). */
export function checksSqlIn(zone: Zone): boolean {
  return zone === "scripts" || zone === "app";
}

/** A finding of this rule on plain SQL text (a `.sql` file). */
export interface SqlTextFinding {
  messageId: MessageId;
  /** The statement kind ("DROP TABLE", "DELETE", ...; the first keyword for an unparsed statement; "" for `tooManyStatements`). */
  kind: string;
  message: string;
  /** UTF-16 offset in the text of the statement's first token. */
  offset: number;
  /** UTF-16 offset in the text just past the statement's last character (exclusive). */
  endOffset: number;
}

function format(messageId: MessageId, data: Record<string, string>): string {
  return MESSAGES[messageId].replace(/\{\{(\w+)\}\}/g, (_, key: string) => data[key] ?? "");
}

/**
 * The destructive statements of a `.sql` file, with the same kinds and messages the ESLint rule reports.
 * psql meta-commands and variable interpolations are blanked first (`blankPsqlMetaCommands`), so a
 * psql script is read statement by statement instead of failing to parse as a whole.
 * @param text the whole file's text.
 * @param place the file's zone and whether `dataLayer` lists it (default: a script zone, where every
 *   destructive statement gets the plain message).
 * Only the first `MAX_SQL_STATEMENTS_PER_FILE` statements are checked; past them, one
 * `tooManyStatements` finding at the first statement not checked says how many there were.
 * @returns one finding per reported statement, in order, at UTF-16 offsets of `text` (then the
 *   `tooManyStatements` one, if any).
 */
export function checkSqlText(text: string, place: SqlPlace = { zone: "scripts", dataLayer: false }): SqlTextFinding[] {
  const { statements, unchecked } = analyzeSql([blankPsqlMetaCommands(text)], MAX_SQL_STATEMENTS_PER_FILE);
  const findings = statements.flatMap((s): SqlTextFinding[] => {
    const reported = classifyStatement(s, place);
    if (!reported) return [];
    const { messageId, kind } = reported;
    return [{ messageId, kind, message: format(messageId, { kind, where: "in a .sql file" }), offset: s.offset, endOffset: s.endOffset }];
  });
  if (unchecked) {
    const data = tooManyData(unchecked, "in this .sql file");
    findings.push({ messageId: "tooManyStatements", kind: "", message: format("tooManyStatements", data), offset: unchecked.offset, endOffset: unchecked.offset });
  }
  return findings;
}

/** The data of a `tooManyStatements` message (counts written with thousands separators). */
function tooManyData(unchecked: UncheckedStatements, where: string): Record<string, string> {
  return { where, count: unchecked.total.toLocaleString("en-US"), limit: unchecked.checked.toLocaleString("en-US") };
}

/** The source offset of a statement's start, when its text is the source one to one there. */
function sourceStartOf(pieces: StringPieces, statement: DestructiveStatement): number | undefined {
  return sourceOffsetOf(pieces, statement.part, statement.offset);
}

/** The source offset just past a statement's end (exclusive), when its text is the source there. */
function sourceEndOf(pieces: StringPieces, statement: DestructiveStatement): number | undefined {
  if (statement.endOffset > 0) {
    const last = sourceOffsetOf(pieces, statement.endPart, statement.endOffset - 1);
    return last === undefined ? undefined : last + 1;
  }
  // The statement ends with a hole: its end is where the next part's text starts.
  return sourceOffsetOf(pieces, statement.endPart, 0);
}

export default createRule<[], MessageId>({
  name: "no-destructive-sql",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow DROP, TRUNCATE, DELETE, ALTER ... DROP and UPDATE without WHERE reaching a SQL sink outside migrations (row-level deletes accepted in a reviewed dataLayer)",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (!checksSqlIn(file.zone)) return {};
    const sourceText = context.sourceCode.text;

    function reportStatement(sink: SqlSink, pieces: StringPieces, statement: DestructiveStatement): void {
      const reported = classifyStatement(statement, file);
      if (!reported) return;
      const { messageId } = reported;
      const data = { kind: reported.kind, where: `reaching ${sink.name}` };
      const start = sourceStartOf(pieces, statement);
      if (start === undefined) {
        // Escapes, a `const` declared elsewhere, or a statement that starts with a hole: the argument.
        context.report({ node: sink.sql, messageId, data });
        return;
      }
      const end = sourceEndOf(pieces, statement);
      context.report({
        loc: {
          start: context.sourceCode.getLocFromIndex(start),
          end: end !== undefined && end > start ? context.sourceCode.getLocFromIndex(end) : sink.sql.loc.end,
        },
        messageId,
        data,
      });
    }

    function check(sink: SqlSink | undefined): void {
      if (!sink) return;
      const pieces = getStringPieces(sink.sql, context.sourceCode.getScope(sink.node), sourceText);
      if (!pieces) return;
      const { statements, unchecked } = analyzeSql(pieces.parts, MAX_SQL_STATEMENTS_PER_TEXT);
      for (const statement of statements) reportStatement(sink, pieces, statement);
      if (unchecked) {
        const start = sourceOffsetOf(pieces, unchecked.part, unchecked.offset);
        const data = tooManyData(unchecked, `reaching ${sink.name}`);
        if (start === undefined) context.report({ node: sink.sql, messageId: "tooManyStatements", data });
        else context.report({ loc: context.sourceCode.getLocFromIndex(start), messageId: "tooManyStatements", data });
      }
    }

    return {
      CallExpression: (node) => check(getCallSink(node)),
      TaggedTemplateExpression: (node) => check(getTaggedTemplateSink(node)),
    };
  },
});
