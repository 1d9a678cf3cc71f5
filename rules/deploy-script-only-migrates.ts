/**
 * deploy-script-only-migrates (docs/design.md, Rule groups group A): in the deploy script (role "deploy":
 * `contract.deployScript`, else the first of `scripts/deploy-db.{js,mjs,cjs,ts}` that exists), anything
 * beyond exactly these:
 * - `import`/`require` of `node:child_process` / `child_process` (a variable declaration that binds or
 *   destructures `require("child_process")` counts as that require), of a `ciGuard.modules` module (or one
 *   that begins with the guard), and imports that bring in only `ciGuard.functions` /
 *   `fingerprint.functions` names; `import type` of anything;
 * - the CI guard (src/analysis/guard.ts: its `if` statement and the `const` aliases it reads), calls of
 *   `ciGuard.functions` and `fingerprint.functions`;
 * - ONE `prisma migrate deploy` (any runner, string or argv form, also its result bound to a `const`);
 * - `console.*`, `process.exit(...)`, `throw` of an error;
 * - `try`/`catch`/`finally`, blocks and `if` statements whose bodies hold only these (an `if` test must be
 *   side-effect free).
 * Choices where is silent (listed in the docs): `const`/`let` declarations whose initializer is side-effect
 * free (reads of `process.env`, literals, string methods: the values the checks compare) are allowed; so
 * are functions of the file whose bodies hold only these (their bodies are checked statement by statement,
 * and their calls, `main().catch(...)` included, are allowed).
 *
 * Everything else is a finding at its node: one per offending top-level statement, or per offending
 * statement inside an allowed block or function. The rule owns every database write and Prisma CLI call in
 * the deploy script (): a write is reported at its call, a Prisma command other than `migrate deploy`
 * (read-only ones included) at its call, and a second `migrate deploy` at its call, even inside a statement
 * that is itself reported.
 */
import path from "node:path";
import { AST_NODE_TYPES, ASTUtils, type TSESTree } from "../src/ts-ast.js";
import { createRule } from "../src/create-rule.js";
import { describeNode, getCalleeName, getPropertyName, getStaticString, skipTypeWrappers } from "../src/analysis/ast.js";
import { analyzeGuards, guardModuleTester } from "../src/analysis/guard.js";
import { repoFactsFor } from "../src/analysis/imported-writes.js";
import { type DatabaseWrite, getDatabaseWrite } from "../src/analysis/mutations.js";
import { getPrismaCliCall, type PrismaCliCall } from "../src/analysis/prisma-cli.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "notAllowed" | "moduleNotAllowed" | "secondDeploy" | "otherPrismaCommand" | "databaseWrite";

const DEPLOY_COMMAND = "prisma migrate deploy";
const CHILD_PROCESS = new Set(["child_process", "node:child_process"]);

/** Methods that only compute a value from their receiver and arguments. */
const PURE_METHODS = new Set([
  "toLowerCase",
  "toUpperCase",
  "toLocaleLowerCase",
  "toLocaleUpperCase",
  "trim",
  "trimStart",
  "trimEnd",
  "includes",
  "startsWith",
  "endsWith",
  "indexOf",
  "split",
  "join",
  "slice",
  "substring",
  "replace",
  "replaceAll",
  "repeat",
  "padStart",
  "padEnd",
  "toString",
  "toFixed",
  "toISOString",
  "at",
  "concat",
]);

/** Global functions that only compute a value. */
const PURE_GLOBAL_CALLS = new Set(["String", "Number", "Boolean", "JSON.stringify", "Array.isArray", "Object.keys", "Date.now", "Number.parseInt", "parseInt"]);

type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

function isFunction(node: TSESTree.Node): node is FunctionNode {
  return node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.ArrowFunctionExpression;
}

/** Strips TypeScript wrappers, `await` and `void`: the expression a statement is about. */
function core(node: TSESTree.Node): TSESTree.Node {
  let current = skipTypeWrappers(node);
  for (;;) {
    if (current.type === AST_NODE_TYPES.AwaitExpression) current = skipTypeWrappers(current.argument);
    else if (current.type === AST_NODE_TYPES.UnaryExpression && current.operator === "void") current = skipTypeWrappers(current.argument);
    else if (current.type === AST_NODE_TYPES.ChainExpression) current = skipTypeWrappers(current.expression);
    else return current;
  }
}

/** `a.b.c` as text for plain member chains of identifiers (`JSON.stringify`), else undefined. */
function dottedName(node: TSESTree.Node): string | undefined {
  const n = skipTypeWrappers(node);
  if (n.type === AST_NODE_TYPES.Identifier) return n.name;
  if (n.type === AST_NODE_TYPES.MemberExpression && !n.computed) {
    const object = dottedName(n.object);
    const name = getPropertyName(n);
    return object === undefined || name === undefined ? undefined : `${object}.${name}`;
  }
  return undefined;
}

/** The object name of a member callee: `console` for `console.log(...)`. */
function calleeObject(call: TSESTree.CallExpression): string | undefined {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const object = skipTypeWrappers(callee.object);
  return object.type === AST_NODE_TYPES.Identifier ? object.name : undefined;
}

/** The module of `require("x")`, when static. */
function requiredModule(node: TSESTree.Node): string | undefined {
  const n = core(node);
  if (n.type !== AST_NODE_TYPES.CallExpression || n.callee.type !== AST_NODE_TYPES.Identifier || n.callee.name !== "require") return undefined;
  const argument = n.arguments[0];
  if (!argument || argument.type === AST_NODE_TYPES.SpreadElement) return undefined;
  return argument.type === AST_NODE_TYPES.Literal && typeof argument.value === "string" ? argument.value : undefined;
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  notAllowed:
    "`{{statement}}` is not allowed in the deploy script, which may only run the CI guard, the guard and fingerprint functions, one prisma migrate deploy, logging and exit/error handling. Move that statement into its own step of the deploy pipeline, or remove it.",
  moduleNotAllowed:
    'The deploy script may load only node:child_process and the guard and fingerprint modules, not "{{module}}". Move what it is used for into its own step of the deploy pipeline.',
  secondDeploy:
    'A second "prisma migrate deploy" in the deploy script (the first is on line {{line}}): migrations are deployed exactly once. Remove this second one.',
  otherPrismaCommand:
    '"{{command}}" in the deploy script, which runs only "prisma migrate deploy". Move "{{command}}" into its own reviewed step of the deploy pipeline, or remove it.',
  databaseWrite:
    'Database write ({{what}}) in the deploy script: only "prisma migrate deploy" may change the database here. Put schema and data changes in a reviewed migration.',
};

/** The Python wording of the messages that name JavaScript modules (src/sources/python/). */
export const PYTHON_MESSAGES: Partial<Record<MessageId, string>> = {
  moduleNotAllowed:
    'The deploy script may import only subprocess, sys, os, shlex, logging and the guard and fingerprint modules, not "{{module}}". Move what it is used for into its own step of the deploy pipeline.',
};

export default createRule<[], MessageId>({
  name: "deploy-script-only-migrates",
  meta: {
    type: "problem",
    docs: {
      description: "Allow the deploy script only the CI guard, fingerprint checks, one prisma migrate deploy, logging and exit handling",
      recommended: true,
      group: "A",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    if (file.role !== "deploy" || file.zone === "ignore") return {};
    const { contract } = file;
    const filename = path.resolve(context.cwd, context.physicalFilename);
    const facts = repoFactsFor(context, file);
    const isGuardModule = guardModuleTester(contract.ciGuard, filename, file.root, facts);
    const allowedFunctions = new Set([...contract.ciGuard.functions, ...(contract.fingerprint?.functions ?? [])]);
    const cliCalls = new Map<TSESTree.Node, PrismaCliCall>();
    /** The statements of the CI guard (set at Program:exit, before the statements are checked). */
    let guardStatements = new Set<TSESTree.Node>();
    const writes = new Map<TSESTree.Node, DatabaseWrite>();

    function collect(node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      const scope = context.sourceCode.getScope(node);
      const cli = getPrismaCliCall(node, scope);
      if (cli) {
        cliCalls.set(node, cli);
        return;
      }
      const write = getDatabaseWrite(node, scope, facts.prismaSchema);
      if (write) writes.set(node, write);
    }

    /** True when a module may be loaded here (child_process, a guard module). */
    function isAllowedModule(specifier: string): boolean {
      return CHILD_PROCESS.has(specifier) || isGuardModule(specifier);
    }

    /** True when an identifier names a function declared in this file. */
    function isLocalFunction(callee: TSESTree.Node): boolean {
      const node = skipTypeWrappers(callee);
      if (node.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = ASTUtils.findVariable(context.sourceCode.getScope(node), node);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (def?.type === "FunctionName") return true;
      return def?.type === "Variable" && def.node.init !== null && isFunction(skipTypeWrappers(def.node.init));
    }

    /** A side-effect free expression: reads, literals, operators, string methods (see PURE_METHODS). */
    function isPure(input: TSESTree.Node, depth = 0): boolean {
      if (depth > 20) return false;
      const node = skipTypeWrappers(input);
      const pure = (child: TSESTree.Node | null | undefined): boolean => !child || isPure(child, depth + 1);
      switch (node.type) {
        case AST_NODE_TYPES.Literal:
        case AST_NODE_TYPES.Identifier:
        case AST_NODE_TYPES.ThisExpression:
        case AST_NODE_TYPES.MetaProperty:
          return true;
        case AST_NODE_TYPES.TemplateLiteral:
          return node.expressions.every(pure);
        case AST_NODE_TYPES.MemberExpression:
          return pure(node.object) && (!node.computed || pure(node.property));
        case AST_NODE_TYPES.ChainExpression:
          return pure(node.expression);
        case AST_NODE_TYPES.UnaryExpression:
          return node.operator !== "delete" && pure(node.argument);
        case AST_NODE_TYPES.BinaryExpression:
          return (node.left.type === AST_NODE_TYPES.PrivateIdentifier || pure(node.left)) && pure(node.right);
        case AST_NODE_TYPES.LogicalExpression:
          return pure(node.left) && pure(node.right);
        case AST_NODE_TYPES.ConditionalExpression:
          return pure(node.test) && pure(node.consequent) && pure(node.alternate);
        case AST_NODE_TYPES.ArrayExpression:
          return node.elements.every((e) => !e || (e.type === AST_NODE_TYPES.SpreadElement ? pure(e.argument) : pure(e)));
        case AST_NODE_TYPES.ObjectExpression:
          return node.properties.every((p) =>
            p.type === AST_NODE_TYPES.SpreadElement ? pure(p.argument) : (!p.computed || pure(p.key)) && !isFunction(p.value) && pure(p.value as TSESTree.Node),
          );
        case AST_NODE_TYPES.NewExpression: {
          const name = getCalleeName(node.callee);
          return (name === "Date" || (name !== undefined && /Error$/.test(name))) && node.arguments.every(pure);
        }
        case AST_NODE_TYPES.CallExpression: {
          if (!node.arguments.every((a) => (a.type === AST_NODE_TYPES.SpreadElement ? pure(a.argument) : pure(a)))) return false;
          const name = dottedName(node.callee);
          if (name !== undefined && (PURE_GLOBAL_CALLS.has(name) || allowedFunctions.has(name))) return true;
          const callee = skipTypeWrappers(node.callee);
          if (callee.type === AST_NODE_TYPES.MemberExpression) {
            const method = getPropertyName(callee);
            return method !== undefined && PURE_METHODS.has(method) && pure(callee.object);
          }
          return false;
        }
        default:
          return false;
      }
    }

    /** True when the arguments of an allowed call are side-effect free. */
    function pureArguments(call: TSESTree.CallExpression): boolean {
      return call.arguments.every((a) => isPure(a.type === AST_NODE_TYPES.SpreadElement ? a.argument : a));
    }

    /**
     * Checks an expression in statement position (an expression statement, an arrow's body, a variable's
     * initializer). Reports what is not allowed at `reportAt`.
     * @returns true when it reported `reportAt`.
     */
    function checkExpression(expression: TSESTree.Node, reportAt: TSESTree.Node, initializer: boolean): boolean {
      const node = core(expression);
      // The rule's own findings (writes, Prisma commands) are reported at their calls.
      if (cliCalls.has(node) || writes.has(node)) return false;
      if (node.type === AST_NODE_TYPES.CallExpression) {
        const module = requiredModule(node);
        if (module !== undefined) {
          if (isAllowedModule(module)) return false;
          context.report({ node: reportAt, messageId: "moduleNotAllowed", data: { module } });
          return true;
        }
        if (allowedCall(node) || (initializer && isPure(node))) return false;
      } else if (isFunction(node)) {
        checkFunction(node);
        return false;
      } else if (initializer && isPure(node)) {
        return false;
      }
      context.report({ node: reportAt, messageId: "notAllowed", data: { statement: describeNode(context.sourceCode, reportAt) } });
      return true;
    }

    /**
     * An allowed call: `console.*`, `process.exit`, a guard or fingerprint function, a function of this
     * file, each with side-effect free arguments; `<allowed call>.catch(handler)` / `.then` / `.finally`
     * with handlers that are allowed functions or `console.*`.
     */
    function allowedCall(call: TSESTree.CallExpression): boolean {
      const callee = skipTypeWrappers(call.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression) {
        const method = getPropertyName(callee);
        const receiver = core(callee.object);
        if ((method === "catch" || method === "then" || method === "finally") && receiver.type === AST_NODE_TYPES.CallExpression && (allowedCall(receiver) || cliCalls.has(receiver))) {
          return call.arguments.every((argument) => {
            if (argument.type === AST_NODE_TYPES.SpreadElement) return false;
            if (isFunction(argument)) {
              checkFunction(argument);
              return true;
            }
            const name = dottedName(argument);
            return name !== undefined && name.startsWith("console.");
          });
        }
      }
      const object = calleeObject(call);
      if (object === "console" || (object === "process" && getPropertyName(skipTypeWrappers(call.callee) as TSESTree.MemberExpression) === "exit")) {
        return pureArguments(call);
      }
      const name = getCalleeName(call.callee);
      if (name !== undefined && allowedFunctions.has(name)) return pureArguments(call);
      return isLocalFunction(call.callee) && pureArguments(call);
    }

    const checkedFunctions = new WeakSet<FunctionNode>();

    /** Checks a function of the file (once): its body holds only allowed statements. */
    function checkFunction(fn: FunctionNode): void {
      if (checkedFunctions.has(fn)) return;
      checkedFunctions.add(fn);
      if (fn.body.type === AST_NODE_TYPES.BlockStatement) checkStatements(fn.body.body);
      else checkExpression(fn.body, fn.body, false);
    }

    function checkStatements(statements: readonly TSESTree.Node[]): void {
      for (const statement of statements) checkStatement(statement);
    }

    function checkImport(node: TSESTree.ImportDeclaration): void {
      if (node.importKind === "type" || isAllowedModule(node.source.value)) return;
      // Only guard and fingerprint functions imported from it.
      const onlyAllowed =
        node.specifiers.length > 0 &&
        node.specifiers.every(
          (s) =>
            s.type === AST_NODE_TYPES.ImportSpecifier &&
            (s.importKind === "type" || allowedFunctions.has(s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value)),
        );
      if (!onlyAllowed) context.report({ node, messageId: "moduleNotAllowed", data: { module: node.source.value } });
    }

    function checkDeclaration(node: TSESTree.VariableDeclaration): void {
      for (const declarator of node.declarations) {
        if (!declarator.init) continue;
        const module = requiredModule(declarator.init);
        if (module !== undefined) {
          if (isAllowedModule(module)) continue;
          // const { validateFingerprint } = require("../lib/fingerprint")
          const names =
            declarator.id.type === AST_NODE_TYPES.ObjectPattern
              ? declarator.id.properties.map((p) => (p.type === AST_NODE_TYPES.Property ? getStaticString(p.key, context.sourceCode.getScope(p)) ?? (p.key.type === AST_NODE_TYPES.Identifier ? p.key.name : undefined) : undefined))
              : [];
          if (names.length > 0 && names.every((n) => n !== undefined && allowedFunctions.has(n))) continue;
          context.report({ node, messageId: "moduleNotAllowed", data: { module } });
          return;
        }
        // One finding per declaration statement.
        if (checkExpression(declarator.init, node, true)) return;
      }
    }

    function checkStatement(statement: TSESTree.Node): void {
      switch (statement.type) {
        case AST_NODE_TYPES.ImportDeclaration:
          checkImport(statement);
          return;
        case AST_NODE_TYPES.EmptyStatement:
        case AST_NODE_TYPES.TSTypeAliasDeclaration:
        case AST_NODE_TYPES.TSInterfaceDeclaration:
        case AST_NODE_TYPES.TSDeclareFunction:
          return;
        case AST_NODE_TYPES.ExpressionStatement:
          if (statement.directive !== undefined) return;
          checkExpression(statement.expression, statement, false);
          return;
        case AST_NODE_TYPES.VariableDeclaration:
          if (guardStatements.has(statement) || statement.declare) return;
          checkDeclaration(statement);
          return;
        case AST_NODE_TYPES.FunctionDeclaration:
          checkFunction(statement);
          return;
        case AST_NODE_TYPES.ExportAllDeclaration:
          if (statement.exportKind !== "type") context.report({ node: statement, messageId: "moduleNotAllowed", data: { module: statement.source.value } });
          return;
        case AST_NODE_TYPES.ExportNamedDeclaration:
          if (statement.source) {
            if (statement.exportKind !== "type") context.report({ node: statement, messageId: "moduleNotAllowed", data: { module: statement.source.value } });
            return;
          }
          if (statement.declaration) checkStatement(statement.declaration);
          else if (statement.specifiers.length > 0 && statement.exportKind !== "type") context.report({ node: statement, messageId: "notAllowed", data: { statement: describeNode(context.sourceCode, statement) } });
          return;
        case AST_NODE_TYPES.IfStatement:
          if (!guardStatements.has(statement) && !isPure(statement.test)) {
            context.report({ node: statement, messageId: "notAllowed", data: { statement: describeNode(context.sourceCode, statement) } });
            return;
          }
          checkStatement(statement.consequent);
          if (statement.alternate) checkStatement(statement.alternate);
          return;
        case AST_NODE_TYPES.BlockStatement:
          checkStatements(statement.body);
          return;
        case AST_NODE_TYPES.TryStatement:
          checkStatements(statement.block.body);
          if (statement.handler) checkStatements(statement.handler.body.body);
          if (statement.finalizer) checkStatements(statement.finalizer.body);
          return;
        case AST_NODE_TYPES.ThrowStatement:
          if (!isPure(statement.argument)) context.report({ node: statement, messageId: "notAllowed", data: { statement: describeNode(context.sourceCode, statement) } });
          return;
        case AST_NODE_TYPES.ReturnStatement:
          if (statement.argument) checkExpression(statement.argument, statement, true);
          return;
        default:
          context.report({ node: statement, messageId: "notAllowed", data: { statement: describeNode(context.sourceCode, statement) } });
      }
    }

    return {
      CallExpression: collect,
      TaggedTemplateExpression: collect,
      "Program:exit"(program: TSESTree.Program) {
        const analysis = analyzeGuards(program, {
          ciGuard: contract.ciGuard,
          scopeOf: (node) => context.sourceCode.getScope(node),
          scopeManager: context.sourceCode.scopeManager as NonNullable<typeof context.sourceCode.scopeManager>,
          sourceText: context.sourceCode.text,
          isGuardModule,
        });
        guardStatements = analysis.guardStatements;

        // The rule's own findings at their calls: writes, Prisma commands other than one migrate deploy.
        let firstDeploy: TSESTree.Node | undefined;
        const own = [...cliCalls.entries()].sort(([a], [b]) => a.range[0] - b.range[0]);
        for (const [node, call] of own) {
          const deploys = call.commands.filter((c) => c.command === DEPLOY_COMMAND).length;
          const others = call.commands.filter((c) => c.command !== DEPLOY_COMMAND);
          if (deploys > 0 && firstDeploy !== undefined) {
            context.report({ node, messageId: "secondDeploy", data: { line: firstDeploy.loc.start.line } });
            continue;
          }
          if (deploys > 1) {
            context.report({ node, messageId: "secondDeploy", data: { line: node.loc.start.line } });
            continue;
          }
          if (deploys === 1) firstDeploy = node;
          if (others.length > 0) context.report({ node, messageId: "otherPrismaCommand", data: { command: others.map((c) => c.command).join(", ") } });
        }
        for (const [node, write] of writes) {
          context.report({ node, messageId: "databaseWrite", data: { what: write.model === undefined ? write.operation : `${write.model}.${write.operation}` } });
        }

        // Statement by statement, from the top level down into allowed blocks and functions.
        checkStatements(program.body);
      },
    };
  },
});
