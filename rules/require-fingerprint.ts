/**
 * require-fingerprint (docs/design.md, Rule groups group C `fingerprint`; seeds 001 "DATABASE_URL misuse fails before
 * Prisma initializes" and 003 "environment fingerprinting"): with `fingerprint.functions` set, every
 * creation of a Prisma client must come after a call of one of them.
 *
 * Creations: `new PrismaClient(...)` (the `PrismaClient` export of a `dbClients` module or of a Prisma
 * generator's output, imported, required or through a namespace; also re-exported by a repository module),
 * `new` of a subclass (of this file, or exported by a repository module, resolved through the repository
 * facts), and a call of a `fingerprint.factories` name. A `new` inside a fingerprint function (the check's
 * own connection) or inside a factory (its calls are the creations) is not one.
 *
 * Preceded: on every path, a call of a fingerprint function has run before the creation:
 * - in an earlier statement of the same statement list (or an enclosing one), or in the test of an
 *   enclosing `if`, up to the enclosing function; a statement "calls" it when it does so on every path
 *   on which it completes: not inside a loop body, a branch (unless both branches call it or leave), a
 *   `catch` that goes on, the right side of `&&`/`||`/`??`, or a nested function;
 * - an async function's call counts only when awaited (an async fingerprint function, local or in a
 *   repository module; one the rule cannot find, such as a package's, counts either way);
 * - a call of a wrapper counts: a function of this file, or one exported by a repository module (facts),
 *   whose body calls a fingerprint function on every path before it can return;
 * - inside a function, the creation is preceded when every use of the function is (its calls, or where it
 *   is handed on; an inline callback where it is written); an exported function nothing here calls runs
 *   after the module loaded, so a fingerprint call at module top level precedes it; a function that is
 *   never used never runs. A method runs on an instance: preceded when every `new` of its class is;
 * - a subclass whose `connect` or `$connect` override calls a fingerprint function before each
 *   `super.$connect()` in it (inherited from a repository superclass too): its creations need nothing else.
 * - a static import of a repository module whose top level calls a fingerprint function on every path
 *   (`import "./check-fingerprint"`) precedes everything in the file (imports are hoisted).
 * A fingerprint function matches a call by the callee's last name (`validate()`, `await validate()`,
 * `fp.validate()`), as `ciGuard.functions` do. Test and ignored files are not checked.
 *
 * This "is X preceded on every path by a call of Y" walk is local to this rule and deliberately minimal
 * (statement order with the structural rules above, no code path analysis); the group D rules have a
 * shared control-flow module that it should move onto.
 */
import path from "node:path";
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../src/ts-ast.js";
import { createRule } from "../src/create-rule.js";
import { getCalleeName, getPropertyName, getStaticString, skipTypeWrappers } from "../src/analysis/ast.js";
import { repoFactsFor } from "../src/analysis/imported-writes.js";
import type { RepoFacts } from "../src/facts/types.js";
import { scopeAt } from "../src/facts/module-analysis.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "noFingerprint";

type Scope = TSESLint.Scope.Scope;
type ScopeManager = TSESLint.Scope.ScopeManager;
type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;
type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

/** One module as the analysis reads it: the linted file, or a repository module from the facts. */
interface ModuleView {
  file: string;
  program: TSESTree.Program;
  scopeManager: ScopeManager;
  scopeOf(node: TSESTree.Node): Scope;
}

/** Something exported by a module: a declaration there, or the Prisma client class itself (a re-export). */
type Exported = { kind: "node"; node: TSESTree.Node; view: ModuleView } | { kind: "client" };

const MAX_DEPTH = 8;

/** The Prisma client class's export name. */
const CLIENT_CLASS = "PrismaClient";

function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.ArrowFunctionExpression;
}

function isClassNode(node: TSESTree.Node): node is ClassNode {
  return node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression;
}

/** The name a function or class is known by where it is written (declaration, `const x =`, method, property). */
function declaredName(node: TSESTree.Node): string | undefined {
  if ((node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.FunctionExpression) && node.id) return node.id.name;
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
  if ((parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.Property || parent?.type === AST_NODE_TYPES.PropertyDefinition) && parent.value === node && !parent.computed) {
    return parent.key.type === AST_NODE_TYPES.Identifier ? parent.key.name : parent.key.type === AST_NODE_TYPES.Literal ? String(parent.key.value) : undefined;
  }
  return undefined;
}

/** True for a `process.exit(...)` call statement, a `throw` or a `return`: a statement after which nothing in the list runs. */
function leaves(statement: TSESTree.Node): boolean {
  if (statement.type === AST_NODE_TYPES.ThrowStatement || statement.type === AST_NODE_TYPES.ReturnStatement) return true;
  if (statement.type === AST_NODE_TYPES.BlockStatement) return statement.body.some(leaves);
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const expression = skipTypeWrappers(statement.expression);
  if (expression.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = skipTypeWrappers(expression.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === "exit" && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === "process";
}

/** True when a statement may return from its function (a `return` not inside a nested function). */
function mayReturn(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.ReturnStatement) return true;
  if (isFunctionNode(node) || isClassNode(node)) return false;
  let found = false;
  forEachChild(node, (child) => {
    if (!found && mayReturn(child)) found = true;
  });
  return found;
}

/** Calls `visit` on each child node (every node-valued key but `parent`). */
function forEachChild(node: TSESTree.Node, visit: (child: TSESTree.Node) => void): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === "parent" || !value || typeof value !== "object") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof (child as TSESTree.Node).type === "string") visit(child as TSESTree.Node);
    }
  }
}

/** `x()` directly under `await` (through type wrappers and parentheses). */
function isAwaited(call: TSESTree.CallExpression): boolean {
  let current: TSESTree.Node = call;
  while (current.parent && (current.parent.type === AST_NODE_TYPES.TSAsExpression || current.parent.type === AST_NODE_TYPES.TSNonNullExpression || current.parent.type === AST_NODE_TYPES.ChainExpression)) current = current.parent;
  return current.parent?.type === AST_NODE_TYPES.AwaitExpression;
}

/** A description of a creation for messages: `new PrismaClient()`, `createClient()`. */
function describe(node: TSESTree.NewExpression | TSESTree.CallExpression): string {
  const name = getCalleeName(node.callee) ?? "a client class";
  return node.type === AST_NODE_TYPES.NewExpression ? `new ${name}()` : `${name}()`;
}

/** The analysis for one linted file (and the repository modules it reaches). */
class FingerprintAnalysis {
  private readonly functions: Set<string>;
  private readonly factories: Set<string>;
  private readonly bodyCache = new Map<TSESTree.Node, boolean>();
  private readonly views = new Map<string, ModuleView | null>();
  private readonly visiting = new Set<TSESTree.Node>();
  private readonly bodyVisiting = new Set<TSESTree.Node>();

  constructor(
    private readonly facts: RepoFacts,
    fingerprint: NonNullable<ReturnType<typeof getFileContext>["contract"]["fingerprint"]>,
  ) {
    this.functions = new Set(fingerprint.functions);
    this.factories = new Set(fingerprint.factories ?? []);
  }

  // -----------------------------------------------------------------------------------------------
  // Modules and exports

  /** A repository module's view (parsed by the facts), or undefined. */
  private viewOf(file: string): ModuleView | undefined {
    if (!this.views.has(file)) {
      const parsed = this.facts.parsedModule?.(file);
      this.views.set(file, parsed ? { file, program: parsed.ast, scopeManager: parsed.scopeManager, scopeOf: (node) => scopeAt(parsed.scopeManager, node) } : null);
    }
    return this.views.get(file) ?? undefined;
  }

  /** Registers the linted file's own view. */
  addView(view: ModuleView): void {
    this.views.set(view.file, view);
  }

  /** What `specifier` (imported from `view`) exports as `name`, following re-exports; undefined when unknown. */
  private importedExport(view: ModuleView, specifier: string, name: string, depth: number): Exported | undefined {
    if (this.facts.isDbClientSpecifier(view.file, specifier)) return name === CLIENT_CLASS ? { kind: "client" } : undefined;
    const resolved = this.facts.resolve(view.file, specifier);
    const target = resolved === undefined ? undefined : this.viewOf(resolved);
    return target ? this.exportOf(target, name, depth + 1) : undefined;
  }

  /** What a module exports as `name` (`default` for the default export). */
  private exportOf(view: ModuleView, name: string, depth: number): Exported | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const local = (identifier: string): Exported | undefined => {
      const variable = view.scopeManager.globalScope?.childScopes[0]?.set.get(identifier) ?? view.scopeManager.globalScope?.set.get(identifier);
      const def = variable?.defs[0];
      return def ? this.definitionTarget(def, view, depth) : undefined;
    };
    for (const statement of view.program.body) {
      if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration && name === "default") {
        const declaration = statement.declaration;
        if (declaration.type === AST_NODE_TYPES.Identifier) return local(declaration.name);
        return { kind: "node", node: declaration, view };
      }
      if (statement.type === AST_NODE_TYPES.ExportNamedDeclaration) {
        const declaration = statement.declaration;
        if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration || declaration?.type === AST_NODE_TYPES.ClassDeclaration) {
          if (declaration.id?.name === name) return { kind: "node", node: declaration, view };
        }
        if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
          for (const declarator of declaration.declarations) {
            if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === name && declarator.init) return { kind: "node", node: skipTypeWrappers(declarator.init), view };
          }
        }
        for (const specifier of statement.specifiers) {
          const exported = specifier.exported.type === AST_NODE_TYPES.Identifier ? specifier.exported.name : specifier.exported.value;
          if (exported !== name) continue;
          const localName = specifier.local.type === AST_NODE_TYPES.Identifier ? specifier.local.name : specifier.local.value;
          return statement.source ? this.importedExport(view, statement.source.value, localName, depth) : local(localName);
        }
      }
      if (statement.type === AST_NODE_TYPES.ExportAllDeclaration && statement.exported === null && name !== "default") {
        const found = this.importedExport(view, statement.source.value, name, depth);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** What a binding's definition names: a local function or class, or an import followed to its module. */
  private definitionTarget(def: TSESLint.Scope.Definition, view: ModuleView, depth: number): Exported | undefined {
    if (def.type === "FunctionName" || def.type === "ClassName") return { kind: "node", node: def.node, view };
    if (def.type === "Variable") {
      const init = def.node.init ? skipTypeWrappers(def.node.init) : undefined;
      if (!init) return undefined;
      // const { PrismaClient } = require("@prisma/client"); const PrismaClient = require("@prisma/client").PrismaClient
      if (def.node.id.type === AST_NODE_TYPES.ObjectPattern) {
        const specifier = this.requiredSpecifier(init, view);
        const property = def.node.id.properties.find((p) => p.type === AST_NODE_TYPES.Property && (p.value === def.name || (p.value.type === AST_NODE_TYPES.AssignmentPattern && p.value.left === def.name)));
        const key = property?.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : undefined;
        return specifier !== undefined && key !== undefined ? this.importedExport(view, specifier, key, depth) : undefined;
      }
      if (init.type === AST_NODE_TYPES.MemberExpression) {
        const specifier = this.requiredSpecifier(skipTypeWrappers(init.object), view);
        const key = getPropertyName(init);
        if (specifier !== undefined && key !== undefined) return this.importedExport(view, specifier, key, depth);
      }
      return { kind: "node", node: init, view };
    }
    if (def.type === "ImportBinding") {
      const declaration = def.parent;
      if (declaration?.type !== AST_NODE_TYPES.ImportDeclaration || declaration.importKind === "type") return undefined;
      const spec = def.node;
      if (spec.type === AST_NODE_TYPES.ImportSpecifier) {
        const imported = spec.imported.type === AST_NODE_TYPES.Identifier ? spec.imported.name : spec.imported.value;
        const found = this.importedExport(view, declaration.source.value, imported, depth);
        // A package the facts cannot read (nothing is installed): its `PrismaClient` is the client class.
        if (!found && imported === CLIENT_CLASS && this.facts.resolve(view.file, declaration.source.value) === undefined) return { kind: "client" };
        return found;
      }
      if (spec.type === AST_NODE_TYPES.ImportDefaultSpecifier) return this.importedExport(view, declaration.source.value, "default", depth);
    }
    return undefined;
  }

  /** The specifier of `require("x")` (or `await import("x")`), when static. */
  private requiredSpecifier(node: TSESTree.Node, view: ModuleView): string | undefined {
    let n = skipTypeWrappers(node);
    if (n.type === AST_NODE_TYPES.AwaitExpression) n = skipTypeWrappers(n.argument);
    if (n.type === AST_NODE_TYPES.ImportExpression) return getStaticString(n.source, view.scopeOf(n));
    if (n.type === AST_NODE_TYPES.CallExpression && n.callee.type === AST_NODE_TYPES.Identifier && n.callee.name === "require" && n.arguments[0] && n.arguments[0].type !== AST_NODE_TYPES.SpreadElement) {
      return getStaticString(n.arguments[0], view.scopeOf(n));
    }
    return undefined;
  }

  /** What an expression used as a callee or class names: a declaration (here or in a repository module), or the client class. */
  private targetOf(expression: TSESTree.Node, view: ModuleView, depth: number): Exported | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipTypeWrappers(expression);
    if (node.type === AST_NODE_TYPES.Identifier) {
      const def = ASTUtils.findVariable(view.scopeOf(node), node)?.defs[0];
      return def ? this.definitionTarget(def, view, depth + 1) : undefined;
    }
    if (isClassNode(node) || isFunctionNode(node)) return { kind: "node", node, view };
    if (node.type === AST_NODE_TYPES.MemberExpression) {
      // prismaModule.PrismaClient, ns.createClient with `import * as ns` / `const ns = require("x")`
      const key = getPropertyName(node);
      const object = skipTypeWrappers(node.object);
      if (key === undefined) return undefined;
      if (object.type === AST_NODE_TYPES.Identifier) {
        const def = ASTUtils.findVariable(view.scopeOf(object), object)?.defs[0];
        if (def?.type === "ImportBinding" && def.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier && def.parent?.type === AST_NODE_TYPES.ImportDeclaration) {
          return this.importedExport(view, def.parent.source.value, key, depth);
        }
        if (def?.type === "Variable" && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
          const specifier = this.requiredSpecifier(def.node.init, view);
          if (specifier !== undefined) return this.importedExport(view, specifier, key, depth);
        }
      }
      const specifier = this.requiredSpecifier(object, view);
      if (specifier !== undefined) return this.importedExport(view, specifier, key, depth);
    }
    return undefined;
  }

  // -----------------------------------------------------------------------------------------------
  // Clients

  /** The class a client class expression names, with its module: "client" for PrismaClient itself, a subclass node, or undefined. */
  clientClass(expression: TSESTree.Node, view: ModuleView, depth = 0): { kind: "client" } | { kind: "subclass"; node: ClassNode; view: ModuleView } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const target = this.targetOf(expression, view, depth);
    if (!target) return undefined;
    if (target.kind === "client") return target;
    if (!isClassNode(target.node) || !target.node.superClass) return undefined;
    return this.clientClass(target.node.superClass, target.view, depth + 1) ? { kind: "subclass", node: target.node, view: target.view } : undefined;
  }

  /** True when a client subclass (or a repository superclass below PrismaClient) validates in its `connect`/`$connect`. */
  subclassValidates(node: ClassNode, view: ModuleView, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    for (const member of node.body.body) {
      if (member.type !== AST_NODE_TYPES.MethodDefinition || member.static || member.kind !== "method" || member.value.type !== AST_NODE_TYPES.FunctionExpression) continue;
      const name = declaredName(member.value);
      if (name !== "connect" && name !== "$connect") continue;
      // Every path that connects must check first: each super.$connect() of the override, not only the
      // first one written (a replica branch that connects unchecked; fixtures/safety-app).
      const superConnects = this.superConnectCalls(member.value);
      if (superConnects.length > 0 && superConnects.every((call) => this.precededBy(call, view, 0, member.value as FunctionNode))) return true;
    }
    const parent = node.superClass ? this.clientClass(node.superClass, view) : undefined;
    return parent?.kind === "subclass" ? this.subclassValidates(parent.node, parent.view, depth + 1) : false;
  }

  /** Every `super.$connect()` call in a method (not in nested functions other than arrows), in source order. */
  private superConnectCalls(fn: FunctionNode): TSESTree.CallExpression[] {
    const found: TSESTree.CallExpression[] = [];
    const visit = (n: TSESTree.Node): void => {
      if (n !== fn && isFunctionNode(n) && n.type !== AST_NODE_TYPES.ArrowFunctionExpression) return;
      if (n.type === AST_NODE_TYPES.CallExpression) {
        const callee = skipTypeWrappers(n.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Super && getPropertyName(callee) === "$connect") {
          found.push(n);
          return;
        }
      }
      forEachChild(n, visit);
    };
    visit(fn.body);
    return found;
  }

  // -----------------------------------------------------------------------------------------------
  // Calls of fingerprint functions

  /** True when the call runs a fingerprint function (or a wrapper of one) before it returns. */
  private isFingerprintCall(call: TSESTree.CallExpression, view: ModuleView, depth: number): boolean {
    const name = getCalleeName(call.callee);
    const target = depth <= MAX_DEPTH ? this.targetOf(call.callee, view, depth) : undefined;
    const fn = target?.kind === "node" && isFunctionNode(target.node) ? target.node : undefined;
    // An async function returns at its first await: only an awaited call has run it.
    if (fn?.async && !isAwaited(call)) return false;
    if (name !== undefined && this.functions.has(name)) return true;
    return fn !== undefined && target?.kind === "node" && this.bodyCalls(fn, target.view, depth + 1);
  }

  /** True when a function's body calls a fingerprint function on every path before it can return. */
  private bodyCalls(fn: FunctionNode, view: ModuleView, depth: number): boolean {
    const cached = this.bodyCache.get(fn);
    if (cached !== undefined) return cached;
    if (this.bodyVisiting.has(fn) || depth > MAX_DEPTH) return false;
    this.bodyVisiting.add(fn);
    let result = false;
    try {
      if (fn.body.type !== AST_NODE_TYPES.BlockStatement) result = this.expressionCalls(fn.body, view, depth);
      else {
        for (const statement of fn.body.body) {
          if (this.statementCalls(statement, view, depth)) {
            result = true;
            break;
          }
          if (mayReturn(statement)) break;
        }
      }
    } finally {
      this.bodyVisiting.delete(fn);
    }
    this.bodyCache.set(fn, result);
    return result;
  }

  /** True when an expression calls a fingerprint function whenever it is evaluated (not in branches or nested functions). */
  private expressionCalls(expression: TSESTree.Node, view: ModuleView, depth: number): boolean {
    let found = false;
    const visit = (n: TSESTree.Node): void => {
      if (found || isFunctionNode(n) || isClassNode(n)) return;
      switch (n.type) {
        case AST_NODE_TYPES.CallExpression:
          if (this.isFingerprintCall(n, view, depth)) {
            found = true;
            return;
          }
          break;
        case AST_NODE_TYPES.LogicalExpression:
          visit(n.left);
          return;
        case AST_NODE_TYPES.ConditionalExpression:
          visit(n.test);
          return;
        case AST_NODE_TYPES.ChainExpression:
          // a?.b(): the call may be skipped
          return;
        default:
          break;
      }
      forEachChild(n, visit);
    };
    visit(expression);
    return found;
  }

  /** True when a statement, whenever it completes normally, has called a fingerprint function. */
  private statementCalls(statement: TSESTree.Node, view: ModuleView, depth: number): boolean {
    switch (statement.type) {
      case AST_NODE_TYPES.ExpressionStatement:
        return this.expressionCalls(statement.expression, view, depth);
      case AST_NODE_TYPES.VariableDeclaration:
        return statement.declarations.some((d) => d.init !== null && this.expressionCalls(d.init, view, depth));
      case AST_NODE_TYPES.ExportNamedDeclaration:
        return statement.declaration?.type === AST_NODE_TYPES.VariableDeclaration && this.statementCalls(statement.declaration, view, depth);
      case AST_NODE_TYPES.BlockStatement:
        return this.sequenceCalls(statement.body, view, depth);
      case AST_NODE_TYPES.LabeledStatement:
        return this.statementCalls(statement.body, view, depth);
      case AST_NODE_TYPES.IfStatement: {
        if (this.expressionCalls(statement.test, view, depth)) return true;
        const branch = (b: TSESTree.Statement | null): boolean => b !== null && (leaves(b) || this.statementCalls(b, view, depth));
        return branch(statement.consequent) && branch(statement.alternate);
      }
      case AST_NODE_TYPES.TryStatement: {
        if (statement.finalizer && this.sequenceCalls(statement.finalizer.body, view, depth)) return true;
        if (!this.sequenceCalls(statement.block.body, view, depth)) return false;
        // A catch that goes on lets the code after it run without the check (seed 003: no fallback).
        return !statement.handler || statement.handler.body.body.some(leaves);
      }
      case AST_NODE_TYPES.DoWhileStatement:
        return this.statementCalls(statement.body, view, depth);
      default:
        return false;
    }
  }

  private sequenceCalls(statements: readonly TSESTree.Node[], view: ModuleView, depth: number): boolean {
    for (const statement of statements) {
      if (this.statementCalls(statement, view, depth)) return true;
      if (leaves(statement)) return true;
    }
    return false;
  }

  // -----------------------------------------------------------------------------------------------
  // Precedence

  /**
   * True when a fingerprint function has run, on every path, before `node` runs.
   * @param stopAt a function whose boundary ends the search (a subclass's connect method): false there.
   */
  precededBy(node: TSESTree.Node, view: ModuleView, depth: number, stopAt?: FunctionNode): boolean {
    if (depth > MAX_DEPTH) return false;
    let current: TSESTree.Node = node;
    for (let parent = node.parent; parent; current = parent, parent = parent.parent) {
      switch (parent.type) {
        case AST_NODE_TYPES.Program:
        case AST_NODE_TYPES.BlockStatement:
        case AST_NODE_TYPES.StaticBlock: {
          const list = parent.body as readonly TSESTree.Node[];
          const index = list.indexOf(current);
          if (this.sequenceCalls(list.slice(0, Math.max(index, 0)), view, depth)) return true;
          if (parent.type === AST_NODE_TYPES.Program) return this.importsCheckingModule(parent, view, depth);
          break;
        }
        case AST_NODE_TYPES.SwitchCase: {
          const index = parent.consequent.indexOf(current as TSESTree.Statement);
          if (index > 0 && this.sequenceCalls(parent.consequent.slice(0, index), view, depth)) return true;
          break;
        }
        case AST_NODE_TYPES.IfStatement:
          if (current !== parent.test && this.expressionCalls(parent.test, view, depth)) return true;
          break;
        case AST_NODE_TYPES.ConditionalExpression:
          if (current !== parent.test && this.expressionCalls(parent.test, view, depth)) return true;
          break;
        case AST_NODE_TYPES.LogicalExpression:
          if (current === parent.right && this.expressionCalls(parent.left, view, depth)) return true;
          break;
        case AST_NODE_TYPES.SequenceExpression: {
          const index = parent.expressions.indexOf(current as TSESTree.Expression);
          if (parent.expressions.slice(0, Math.max(index, 0)).some((e) => this.expressionCalls(e, view, depth))) return true;
          break;
        }
        case AST_NODE_TYPES.VariableDeclaration: {
          const index = (parent.declarations as readonly TSESTree.Node[]).indexOf(current);
          if (parent.declarations.slice(0, Math.max(index, 0)).some((d) => d.init !== null && this.expressionCalls(d.init, view, depth))) return true;
          break;
        }
        case AST_NODE_TYPES.FunctionDeclaration:
        case AST_NODE_TYPES.FunctionExpression:
        case AST_NODE_TYPES.ArrowFunctionExpression:
          if (parent === stopAt) return false;
          return this.functionPreceded(parent, view, depth + 1);
        case AST_NODE_TYPES.PropertyDefinition:
          // A class field's initializer runs when an instance is created.
          if (current === parent.value && isClassNode(parent.parent.parent)) {
            return parent.static ? this.precededBy(parent.parent.parent, view, depth + 1) : this.classPreceded(parent.parent.parent, view, depth + 1);
          }
          break;
        default:
          break;
      }
    }
    return false;
  }

  /**
   * True when a static import (hoisted: it runs before every statement of the file) loads a repository
   * module whose top level calls a fingerprint function on every path (`import "./check-fingerprint"`).
   */
  private importsCheckingModule(program: TSESTree.Program, view: ModuleView, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    for (const statement of program.body) {
      if (statement.type !== AST_NODE_TYPES.ImportDeclaration || statement.importKind === "type") continue;
      const resolved = this.facts.resolve(view.file, statement.source.value);
      const target = resolved === undefined || this.visiting.has(program) ? undefined : this.viewOf(resolved);
      if (!target) continue;
      this.visiting.add(program);
      try {
        if (this.sequenceCalls(target.program.body, target, depth + 1) || this.importsCheckingModule(target.program, target, depth + 1)) return true;
      } finally {
        this.visiting.delete(program);
      }
    }
    return false;
  }

  /** True when every use of a function runs after a fingerprint call (see the module header). */
  private functionPreceded(fn: FunctionNode, view: ModuleView, depth: number): boolean {
    if (this.visiting.has(fn)) return true;
    this.visiting.add(fn);
    try {
      const parent = fn.parent;
      // A class method runs on an instance: after its class's `new`.
      if (parent?.type === AST_NODE_TYPES.MethodDefinition && isClassNode(parent.parent.parent)) {
        return parent.static ? this.precededBy(parent.parent.parent, view, depth) : this.classPreceded(parent.parent.parent, view, depth);
      }
      if (parent?.type === AST_NODE_TYPES.PropertyDefinition && isClassNode(parent.parent.parent)) {
        return this.classPreceded(parent.parent.parent, view, depth);
      }
      const variable = this.boundVariable(fn, view);
      if (!variable) return this.precededBy(fn, view, depth);
      return this.usesPreceded(variable, fn, view, depth);
    } finally {
      this.visiting.delete(fn);
    }
  }

  /** True when every instance of a class is created after a fingerprint call. */
  private classPreceded(node: ClassNode, view: ModuleView, depth: number): boolean {
    if (this.visiting.has(node)) return true;
    this.visiting.add(node);
    try {
      const variable = this.boundVariable(node, view);
      if (!variable) return this.precededBy(node, view, depth);
      return this.usesPreceded(variable, node, view, depth);
    } finally {
      this.visiting.delete(node);
    }
  }

  /** The variable a function or class is bound to: its declaration's name, or `const f = ...`. */
  private boundVariable(node: FunctionNode | ClassNode, view: ModuleView): TSESLint.Scope.Variable | undefined {
    if ((node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.ClassDeclaration) && node.id) {
      const name = node.id.name;
      return view.scopeManager.getDeclaredVariables(node).find((v) => v.name === name);
    }
    const parent = node.parent;
    if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
      const name = parent.id.name;
      return view.scopeManager.getDeclaredVariables(parent).find((v) => v.name === name);
    }
    return undefined;
  }

  /** True when every use of a bound function or class runs after a fingerprint call. */
  private usesPreceded(variable: TSESLint.Scope.Variable, node: FunctionNode | ClassNode, view: ModuleView, depth: number): boolean {
    const uses = variable.references.filter((r) => !r.init && r.identifier !== (node as { id?: TSESTree.Node | null }).id);
    if (uses.length === 0) {
      // Exported and not used here: another module uses it once this module has loaded.
      return this.isExported(node, variable) ? view.program.body.some((s) => this.statementCalls(s, view, depth)) : true;
    }
    return uses.every((r) => this.precededBy(r.identifier, view, depth));
  }

  /** True when a declaration is exported (`export function`, `export const`, `export { f }`, `export default f`). */
  private isExported(node: TSESTree.Node, variable: TSESLint.Scope.Variable): boolean {
    let n: TSESTree.Node | undefined = node.parent;
    if (n?.type === AST_NODE_TYPES.VariableDeclarator) n = n.parent?.parent;
    if (n?.type === AST_NODE_TYPES.ExportNamedDeclaration || n?.type === AST_NODE_TYPES.ExportDefaultDeclaration) return true;
    return variable.references.some((r) => r.identifier.parent?.type === AST_NODE_TYPES.ExportSpecifier || r.identifier.parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration);
  }

  // -----------------------------------------------------------------------------------------------
  // Creations

  /** True when `node` is inside a function named as a fingerprint function or a factory (the check's own client, a factory's body). */
  isExempt(node: TSESTree.Node): boolean {
    for (let n = node.parent; n; n = n.parent) {
      if (!isFunctionNode(n)) continue;
      const name = declaredName(n);
      if (name !== undefined && (this.functions.has(name) || this.factories.has(name))) return true;
    }
    return false;
  }

  /** True when `call` calls a `fingerprint.factories` name. */
  isFactoryCall(call: TSESTree.CallExpression): boolean {
    const name = getCalleeName(call.callee);
    return name !== undefined && this.factories.has(name);
  }

  /** True when a factory the call names (here or in a repository module) calls a fingerprint function before it returns. */
  factoryValidates(call: TSESTree.CallExpression, view: ModuleView): boolean {
    const target = this.targetOf(call.callee, view, 0);
    return target?.kind === "node" && isFunctionNode(target.node) && (!target.node.async || isAwaited(call)) && this.bodyCalls(target.node, target.view, 1);
  }
}

export default createRule<[], MessageId>({
  name: "require-fingerprint",
  meta: {
    type: "problem",
    docs: {
      description: "Require a fingerprint function (fingerprint.functions) to run before a Prisma client is created",
      recommended: true,
      group: "C",
    },
    schema: [],
    messages: {
      noFingerprint:
        "{{what}} creates a Prisma client, but no fingerprint function ({{functions}}) has run before it on every path. Call one first: at module top level before this line (awaited if it is async), or in the client subclass's $connect() before super.$connect().",
    },
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    const fingerprint = file.contract.fingerprint;
    if (!fingerprint || fingerprint.functions.length === 0 || file.zone === "tests" || file.zone === "ignore") return {};
    const facts = repoFactsFor(context, file);
    const analysis = new FingerprintAnalysis(facts, fingerprint);
    const functions = fingerprint.functions.join(", ");
    let view: ModuleView | undefined;
    const viewOf = (program: TSESTree.Program): ModuleView => {
      if (!view) {
        const scopeManager = context.sourceCode.scopeManager as ScopeManager;
        view = { file: path.resolve(context.cwd, context.physicalFilename), program, scopeManager, scopeOf: (node) => context.sourceCode.getScope(node) };
        analysis.addView(view);
      }
      return view;
    };
    const programOf = (): TSESTree.Program => context.sourceCode.ast;

    function check(node: TSESTree.NewExpression | TSESTree.CallExpression, validated: boolean, moduleView: ModuleView): void {
      if (validated || analysis.isExempt(node) || analysis.precededBy(node, moduleView, 0)) return;
      context.report({ node, messageId: "noFingerprint", data: { what: describe(node), functions } });
    }

    return {
      NewExpression(node) {
        const moduleView = viewOf(programOf());
        const client = analysis.clientClass(node.callee, moduleView);
        if (!client) return;
        check(node, client.kind === "subclass" && analysis.subclassValidates(client.node, client.view), moduleView);
      },
      CallExpression(node) {
        if (!analysis.isFactoryCall(node)) return;
        const moduleView = viewOf(programOf());
        check(node, analysis.factoryValidates(node, moduleView), moduleView);
      },
    };
  },
});
