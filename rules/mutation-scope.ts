/**
 * mutation-scope (docs/design.md, Rule groups group A): in an allowlisted script (`mutationScripts`), a mutation outside
 * the entry's `operations`, on a model or table outside its `tables`, or writing a column outside the
 * table's columns. A payload that cannot be read statically fails closed, with its own message.
 *
 * - Operations: a delegate write's method (`create`, `deleteMany`, ...; `createManyAndReturn` and
 *   `updateManyAndReturn` are their own operations, as in the contract schema), `executeRaw` for
 *   `$executeRaw*` and writing SQL at a sink, the Prisma CLI write command (`prisma migrate resolve`). Read-only
 *   Prisma commands are not mutations.
 * - Tables (only when the entry has `tables`): a `tables` key matches a model by its name or its `@@map`
 *   table (with the repository's Prisma schema; without one, by model name only). Raw SQL tables are the
 *   relation names the SQL writes, matched against a key or the table of the model a key names. A
 *   delegate whose model is not static (`prisma[name]`) or SQL whose tables are not static is unverifiable.
 * - Columns (only for a table whose list is not `"*"`): the fields of `data` / `create` / `update`
 *   (src/analysis/write-payload.ts), each allowed when the list has the field name or its `@map`
 *   column; raw SQL columns from INSERT column lists and UPDATE SET targets. Unreadable parts of a payload
 *   are reported where they are. `where`, `select`, `include` are not writes; `delete`/`deleteMany`/
 *   DELETE/TRUNCATE write no column.
 * - Nested relation writes (`category: { create: {...} }`) write another table that the payload does not
 *   name: reported when the entry has `tables`, or when their operation is not in `operations`.
 *   `connect`/`disconnect`/`set` only change the link and are checked as the relation field's name.
 * - CLI commands are checked against `operations` only (`tables` names no CLI scope).
 * - Functions imported from repository modules that the repository facts list as mutating: their
 *   operations and models are checked the same way; their columns cannot be seen, so a table with a
 *   column list is unverifiable through them.
 *
 * For each write the first problem is reported: operation, then table, then columns (every offending
 * column at its key).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/create-rule.js";
import type { MutationScriptEntry } from "../src/contract.js";
import { factModule, type ImportedWrite, importedWriteListeners, mergeListeners, repoFactsFor, viaOf } from "../src/analysis/imported-writes.js";
import { type DatabaseWrite, EXECUTE_RAW, getDatabaseWrite } from "../src/analysis/mutations.js";
import { getPrismaCliCall } from "../src/analysis/prisma-cli.js";
import { getPayloadWrites, getSqlTableWrites, NESTED_WRITE_OPERATIONS, type UnresolvedPart } from "../src/analysis/write-payload.js";
import type { MutationFact, PrismaModelFacts, PrismaSchemaFacts } from "../src/facts/types.js";
import { MUTATION_OWNER } from "../src/roles.js";
import { getFileContext } from "../src/settings.js";

/** Delegate operations that write no column (`where` is not a write). */
const COLUMNLESS_OPERATIONS: ReadonlySet<string> = new Set(["delete", "deleteMany"]);

export type MessageId =
  | "operationNotAllowed"
  | "tableNotAllowed"
  | "columnNotAllowed"
  | "unverifiablePayload"
  | "unverifiableTable"
  | "unverifiableSqlColumns"
  | "nestedWrite"
  | "unverifiableCommand"
  | "importedOperationNotAllowed"
  | "importedTableNotAllowed"
  | "importedUnverifiable";

/** The command word a template hole leaves in `PrismaCommand.command`. */
const UNKNOWN_WORD = "<unknown>";

/** How an unresolved payload part is named in messages. */
const PART_NAMES: Record<UnresolvedPart["what"], string> = {
  payload: "arguments object",
  data: "data value",
  spread: "spread",
  key: "computed key",
  relation: "relation value",
};

/** Columns a write may write to one table: a list, or "*" for any. */
type Columns = readonly string[] | "*";

/** `a, b, c`, or `none`. */
function list(items: Iterable<string>): string {
  const all = [...items];
  return all.length > 0 ? all.join(", ") : "none";
}

/** The union of the column lists of `keys` ("*" wins), or undefined when no key matched. */
function unionOf(entry: MutationScriptEntry, keys: readonly string[]): Columns | undefined {
  if (keys.length === 0 || !entry.tables) return undefined;
  const columns: string[] = [];
  for (const key of keys) {
    const value = entry.tables[key];
    if (value === "*") return "*";
    if (value) columns.push(...value);
  }
  return columns;
}

/** The `tables` keys that name a model: its name, or (with the schema) its `@@map` table. */
function keysForModel(entry: MutationScriptEntry, model: string, modelFacts: PrismaModelFacts | undefined): string[] {
  return Object.keys(entry.tables ?? {}).filter((key) => key === model || (modelFacts !== undefined && key === modelFacts.table));
}

/** The `tables` keys that name a SQL table: the table itself, or a model whose table it is. */
function keysForTable(entry: MutationScriptEntry, table: string, schema: PrismaSchemaFacts | undefined): string[] {
  return Object.keys(entry.tables ?? {}).filter((key) => key === table || schema?.modelByNameOrTable(key)?.table === table);
}

/** True when a field (or its `@map` column) is in a column list. */
function fieldAllowed(columns: Columns, field: string, model: PrismaModelFacts | undefined): boolean {
  if (columns === "*" || columns.includes(field)) return true;
  const column = model?.columns.get(field);
  return column !== undefined && columns.includes(column);
}

/** True when a SQL column (or the field `@map`ped to it) is in a column list. */
function columnAllowed(columns: Columns, column: string, model: PrismaModelFacts | undefined): boolean {
  if (columns === "*" || columns.includes(column)) return true;
  if (!model) return false;
  for (const [field, mapped] of model.columns) if (mapped === column && columns.includes(field)) return true;
  return false;
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  operationNotAllowed:
    "{{operation}} is not in the operations this script's mutationScripts entry allows ({{allowed}}). Remove the write, or have a reviewer add the operation to the entry.",
  tableNotAllowed:
    "{{operation}} writes {{table}}, which is not in the tables this script's mutationScripts entry allows ({{allowed}}). Remove the write, or have a reviewer add the table to the entry.",
  columnNotAllowed:
    'This write to {{table}} sets "{{column}}", which is not in the columns this script\'s mutationScripts entry allows for it ({{allowed}}). Stop writing the column, or have a reviewer add it to the entry.',
  unverifiablePayload:
    "The {{part}} of this {{operation}} on {{table}} cannot be read statically, so its columns cannot be checked against this script's mutationScripts entry. Write the payload as an object literal (or a const object of this file).",
  unverifiableTable:
    "{{operation}} writes a model or table that cannot be named statically, so it cannot be checked against this script's mutationScripts tables. Name the model (or write the SQL) literally.",
  unverifiableSqlColumns:
    "The columns this SQL writes to {{table}} cannot be read (INSERT without a column list, MERGE, COPY, DDL), so they cannot be checked against this script's mutationScripts entry. List the columns in the SQL, or use a Prisma delegate.",
  nestedWrite:
    'Nested {{operation}} through the relation "{{field}}" writes another table, which cannot be checked against this script\'s mutationScripts entry. Write the related model with its own call.',
  unverifiableCommand:
    '"{{command}}" cannot be read statically, so it cannot be checked against this script\'s mutationScripts operations. Write the Prisma command literally.',
  importedOperationNotAllowed:
    "{{via}} runs {{operation}} (in {{module}}), which is not in the operations this script's mutationScripts entry allows ({{allowed}}). Do not use it here, or have a reviewer add the operation to the entry.",
  importedTableNotAllowed:
    "{{via}} writes {{table}} (in {{module}}), which is not in the tables this script's mutationScripts entry allows ({{allowed}}). Do not use it here, or have a reviewer add the table to the entry.",
  importedUnverifiable:
    "{{via}} runs {{operation}} (in {{module}}), whose table or columns cannot be checked through an import against this script's mutationScripts tables. Write the mutation in this script, or allow the table with \"*\".",
};

export default createRule<[], MessageId>({
  name: "mutation-scope",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow writes in an allowlisted script outside the operations, tables and columns its mutationScripts entry allows",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (MUTATION_OWNER[file.role] !== "mutation-scope") return {};
    const entry = file.contract.mutationScripts[file.repoPath];
    if (!entry) return {};
    const operations = new Set(entry.operations);
    const allowedOperations = list(entry.operations);
    const allowedTables = list(Object.keys(entry.tables ?? {}));
    const facts = repoFactsFor(context, file);
    const schema = facts.prismaSchema;

    // A key of a `const` object spread into two writes is one finding, not two at the same place.
    const reported = new Set<string>();

    function report(node: TSESTree.Node, messageId: MessageId, data: Record<string, string>): void {
      const key = `${node.range[0]}:${node.range[1]}:${messageId}:${JSON.stringify(data)}`;
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ node, messageId, data });
    }

    /** Nested relation writes: another table (with `tables`), or an operation outside `operations`. */
    function checkNested(nested: ReturnType<typeof getPayloadWrites>["nested"]): void {
      for (const n of nested) {
        const operation = NESTED_WRITE_OPERATIONS[n.operation] ?? n.operation;
        if (entry?.tables || !operations.has(operation)) report(n.node, "nestedWrite", { operation: n.operation, field: n.field });
      }
    }

    function checkDelegateWrite(write: DatabaseWrite, scope: TSESLint.Scope.Scope): void {
      const modelFacts = write.model !== undefined ? schema?.models.get(write.model) : undefined;
      if (!entry?.tables) {
        checkNested(getPayloadWrites(write, scope, modelFacts).nested);
        return;
      }
      if (write.model === undefined) {
        report(write.node, "unverifiableTable", { operation: write.operation });
        return;
      }
      const columns = unionOf(entry, keysForModel(entry, write.model, modelFacts));
      if (columns === undefined) {
        report(write.node, "tableNotAllowed", { operation: write.operation, table: write.model, allowed: allowedTables });
        return;
      }
      const payload = getPayloadWrites(write, scope, modelFacts);
      if (columns !== "*") {
        for (const field of payload.fields) {
          if (!fieldAllowed(columns, field.name, modelFacts)) report(field.node, "columnNotAllowed", { table: write.model, column: field.name, allowed: list(columns) });
        }
        for (const part of payload.unresolved) {
          report(part.node, "unverifiablePayload", { part: PART_NAMES[part.what], operation: write.operation, table: write.model });
        }
      }
      checkNested(payload.nested);
    }

    function checkRawWrite(write: DatabaseWrite, scope: TSESLint.Scope.Scope): void {
      if (!entry?.tables) return;
      if (write.tables === undefined) {
        report(write.node, "unverifiableTable", { operation: write.operation });
        return;
      }
      const allowed = new Map<string, Columns>();
      for (const table of write.tables) {
        const columns = unionOf(entry, keysForTable(entry, table, schema));
        if (columns === undefined) {
          report(write.node, "tableNotAllowed", { operation: write.operation, table, allowed: allowedTables });
          return;
        }
        allowed.set(table, columns);
      }
      if ([...allowed.values()].every((c) => c === "*")) return;
      // Findings repeat at the same node (a table written twice): `report` keeps one of each.
      const tableWrites = getSqlTableWrites(write, scope);
      for (const tableWrite of tableWrites ?? []) {
        const columns = allowed.get(tableWrite.table);
        if (columns === undefined || columns === "*") continue;
        const model = schema?.modelByNameOrTable(tableWrite.table);
        if (tableWrite.columns === undefined) {
          report(write.node, "unverifiableSqlColumns", { table: tableWrite.table });
          continue;
        }
        for (const column of tableWrite.columns) {
          if (!columnAllowed(columns, column, model)) report(write.node, "columnNotAllowed", { table: tableWrite.table, column, allowed: list(columns) });
        }
      }
      if (tableWrites === undefined) {
        // DatabaseWrite named the tables, but the text did not parse again here: fail closed.
        for (const [table, columns] of allowed) if (columns !== "*") report(write.node, "unverifiableSqlColumns", { table });
      }
    }

    function check(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      const scope = context.sourceCode.getScope(node);
      const write = getDatabaseWrite(node, scope, schema);
      if (write) {
        if (!operations.has(write.operation)) {
          report(node, "operationNotAllowed", { operation: write.operation, allowed: allowedOperations });
          return;
        }
        if (write.operation === EXECUTE_RAW) checkRawWrite(write, scope);
        else checkDelegateWrite(write, scope);
        return;
      }
      const call = getPrismaCliCall(node, scope);
      const seen = new Set<string>();
      for (const { command, write: writes } of call?.commands ?? []) {
        if (!writes || seen.has(command)) continue;
        seen.add(command);
        if (command.includes(UNKNOWN_WORD)) report(node, "unverifiableCommand", { command });
        else if (!operations.has(command)) report(node, "operationNotAllowed", { operation: command, allowed: allowedOperations });
      }
    }

    /** A write through an imported function: its operations and models (columns cannot be seen). */
    function checkImported(use: ImportedWrite, fact: MutationFact, seen: Set<string>): void {
      const via = viaOf(use);
      const module = factModule(fact, file.root);
      // One problem, one finding (): a call that reaches several writes is reported once, for the
      // first write that is out of scope (regression: fixtures/corpus-regressions/imported-delete-scope).
      const once = (messageId: MessageId, data: Record<string, string>): void => {
        if (seen.size > 0) return;
        seen.add(`${messageId}:${JSON.stringify(data)}`);
        report(use.node, messageId, data);
      };
      if (!operations.has(fact.operation)) {
        once("importedOperationNotAllowed", { via, module, operation: fact.operation, allowed: allowedOperations });
        return;
      }
      // CLI commands name no table.
      if (!entry?.tables || fact.operation.startsWith("prisma ")) return;
      if (fact.operation === EXECUTE_RAW && fact.tables !== undefined) {
        // Raw SQL whose tables the facts could name: each must be allowed; its columns cannot be seen.
        for (const table of fact.tables) {
          const columns = unionOf(entry, keysForTable(entry, table, schema));
          if (columns === undefined) once("importedTableNotAllowed", { via, module, table, allowed: allowedTables });
          else if (columns !== "*") once("importedUnverifiable", { via, module, operation: `${fact.operation} on ${table}` });
        }
        return;
      }
      if (fact.model === undefined) {
        once("importedUnverifiable", { via, module, operation: fact.operation });
        return;
      }
      const columns = unionOf(entry, keysForModel(entry, fact.model, schema?.models.get(fact.model)));
      if (columns === undefined) once("importedTableNotAllowed", { via, module, table: fact.model, allowed: allowedTables });
      // A delete writes no column, so an allowed table is all there is to check.
      else if (columns !== "*" && !COLUMNLESS_OPERATIONS.has(fact.operation)) once("importedUnverifiable", { via, module, operation: `${fact.model}.${fact.operation}` });
    }

    const imported = importedWriteListeners(context, facts, (use) => {
      const seen = new Set<string>();
      for (const fact of use.writes) checkImported(use, fact, seen);
    });

    return mergeListeners(imported, { CallExpression: check, TaggedTemplateExpression: check });
  },
});
