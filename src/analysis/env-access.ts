/**
 * "Which environment variable does this code read or write" (SPEC §3 `no-bypass-env`), written once for
 * every rule that needs it. Sees `process.env.X`, `process.env["X"]`, computed keys with a static prefix,
 * destructuring (renamed and with defaults), aliases (`const e = process.env`, `const { env } = process`),
 * `import { env } from "node:process"`, `import process from "node:process"`, `globalThis.process.env`,
 * `import.meta.env`, `"X" in process.env`, `Object.assign(process.env, { X })`, and env objects passed
 * to child processes (`spawn(cmd, args, { env: { ...process.env, X: "1" } })`, `exec*`, `fork`, execa).
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { getCalleeName, getConstInitializer, getKeyName, getPropertyName, getStaticPrefix, getStaticString, skipTypeWrappers } from "./ast.js";

type Scope = TSESLint.Scope.Scope;

/** One access of an environment variable. */
export interface EnvAccess {
  /** The name, or its static prefix when `complete` is false. */
  name: string;
  complete: boolean;
  /** "read", "write" (assignment, delete, Object.assign), or "child" (set in a child process's env). */
  kind: "read" | "write" | "child";
  /** The node a finding goes on: the member expression, the destructured key, the object key. */
  node: TSESTree.Node;
  /** The static value written, when known (`process.env.CI = "true"` -> "true"). */
  value?: string;
}

const PROCESS_MODULES = new Set(["process", "node:process"]);

/** Child-process launchers whose options object may carry `env` (node:child_process, execa). */
const CHILD_PROCESS_FUNCTIONS = new Set([
  "exec",
  "execSync",
  "execFile",
  "execFileSync",
  "spawn",
  "spawnSync",
  "fork",
  "execa",
  "execaSync",
  "execaCommand",
  "execaCommandSync",
  "execaNode",
]);

function importSource(def: { node: TSESTree.Node; parent?: TSESTree.Node | null }): string | undefined {
  const parent = def.parent;
  return parent?.type === AST_NODE_TYPES.ImportDeclaration ? parent.source.value : undefined;
}

/** True when `node` is the global `process` (or an import of node:process as a whole). */
function isProcessObject(input: TSESTree.Node, scope: Scope): boolean {
  const node = skipTypeWrappers(input);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    return getPropertyName(node) === "process" && node.object.type === AST_NODE_TYPES.Identifier && node.object.name === "globalThis";
  }
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(scope, node);
  if (!variable || variable.defs.length === 0) return node.name === "process";
  const def = variable.defs[0];
  if (def?.type === "ImportBinding") {
    const source = importSource(def);
    return (
      source !== undefined &&
      PROCESS_MODULES.has(source) &&
      (def.node.type === AST_NODE_TYPES.ImportDefaultSpecifier || def.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier)
    );
  }
  return false;
}

/**
 * True when `node` evaluates to the environment object: `process.env`, `import.meta.env`, an imported
 * `env` from node:process, or a variable initialized to one of these.
 */
export function isEnvObject(input: TSESTree.Node, scope: Scope, depth = 0): boolean {
  if (depth > 4) return false;
  const node = skipTypeWrappers(input);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    if (getPropertyName(node) !== "env") return false;
    if (node.object.type === AST_NODE_TYPES.MetaProperty) return node.object.meta.name === "import" && node.object.property.name === "meta";
    return isProcessObject(node.object, scope);
  }
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(scope, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!def) return false;
  if (def.type === "ImportBinding") {
    const source = importSource(def);
    return (
      source !== undefined &&
      PROCESS_MODULES.has(source) &&
      def.node.type === AST_NODE_TYPES.ImportSpecifier &&
      def.node.imported.type === AST_NODE_TYPES.Identifier &&
      def.node.imported.name === "env"
    );
  }
  if (def.type !== "Variable" || !def.node.init) return false;
  const declarator = def.node;
  const init = declarator.init;
  if (!init) return false;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return isEnvObject(init, scope, depth + 1);
  // const { env } = process;  const { env: e } = process;
  if (declarator.id.type === AST_NODE_TYPES.ObjectPattern && isProcessObject(init, scope)) {
    return declarator.id.properties.some(
      (p) =>
        p.type === AST_NODE_TYPES.Property &&
        getKeyName(p, scope) === "env" &&
        skipTypeWrappers(p.value.type === AST_NODE_TYPES.AssignmentPattern ? p.value.left : p.value) === def.name,
    );
  }
  return false;
}

function keyAccess(key: TSESTree.Node, scope: Scope): { name: string; complete: boolean } | undefined {
  const prefix = getStaticPrefix(key, scope);
  if (!prefix) return undefined;
  return { name: prefix.prefix, complete: prefix.complete };
}

function objectLiteralOf(input: TSESTree.Node, scope: Scope): TSESTree.ObjectExpression | undefined {
  const node = skipTypeWrappers(input);
  if (node.type === AST_NODE_TYPES.ObjectExpression) return node;
  if (node.type === AST_NODE_TYPES.Identifier) {
    const init = getConstInitializer(node, scope);
    return init ? objectLiteralOf(init, scope) : undefined;
  }
  return undefined;
}

function propertiesAsAccesses(object: TSESTree.ObjectExpression, scope: Scope, kind: EnvAccess["kind"], report: (a: EnvAccess) => void): void {
  for (const property of object.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const name = property.computed ? keyAccess(property.key, scope) : { name: getKeyName(property, scope) ?? "", complete: true };
    if (!name || name.name === "") continue;
    const value = getStaticString(property.value, scope) ?? (property.value.type === AST_NODE_TYPES.Literal ? String(property.value.value) : undefined);
    report({ ...name, kind, node: property.key, ...(value === undefined ? {} : { value }) });
  }
}

function patternAccesses(pattern: TSESTree.ObjectPattern, scope: Scope, report: (a: EnvAccess) => void): void {
  for (const property of pattern.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const name = property.computed ? keyAccess(property.key, scope) : { name: getKeyName(property, scope) ?? "", complete: true };
    if (name && name.name !== "") report({ ...name, kind: "read", node: property.key });
  }
}

/**
 * ESLint listeners that call `report` once for every environment-variable access in the file.
 * @param context the rule context (for scopes).
 */
export function envAccessListeners(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  report: (access: EnvAccess) => void,
): TSESLint.RuleListener {
  const scopeOf = (node: TSESTree.Node): Scope => context.sourceCode.getScope(node);
  return {
    MemberExpression(node) {
      const scope = scopeOf(node);
      if (!isEnvObject(node.object, scope)) return;
      const key = node.computed ? keyAccess(node.property, scope) : node.property.type === AST_NODE_TYPES.Identifier ? { name: node.property.name, complete: true } : undefined;
      if (!key) return;
      const parent = node.parent;
      if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.left === node) {
        const value = getStaticString(parent.right, scope) ?? (parent.right.type === AST_NODE_TYPES.Literal ? String(parent.right.value) : undefined);
        report({ ...key, kind: "write", node, ...(value === undefined ? {} : { value }) });
      } else if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === "delete") {
        report({ ...key, kind: "write", node });
      } else {
        report({ ...key, kind: "read", node });
      }
    },
    ObjectPattern(node) {
      const parent = node.parent;
      const scope = scopeOf(node);
      const source =
        parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id === node
          ? parent.init
          : (parent.type === AST_NODE_TYPES.AssignmentExpression || parent.type === AST_NODE_TYPES.AssignmentPattern) && parent.left === node
            ? parent.right
            : null;
      if (source && isEnvObject(source, scope)) patternAccesses(node, scope, report);
    },
    BinaryExpression(node) {
      if (node.operator !== "in" || node.left.type === AST_NODE_TYPES.PrivateIdentifier) return;
      const scope = scopeOf(node);
      if (!isEnvObject(node.right, scope)) return;
      const key = keyAccess(node.left, scope);
      if (key && key.name !== "") report({ ...key, kind: "read", node: node.left });
    },
    CallExpression(node) {
      const scope = scopeOf(node);
      const callee = skipTypeWrappers(node.callee);
      // Object.assign(process.env, { X: "1" })
      if (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        getPropertyName(callee) === "assign" &&
        callee.object.type === AST_NODE_TYPES.Identifier &&
        callee.object.name === "Object" &&
        node.arguments[0] &&
        isEnvObject(node.arguments[0], scope)
      ) {
        for (const argument of node.arguments.slice(1)) {
          const object = objectLiteralOf(argument, scope);
          if (object) propertiesAsAccesses(object, scope, "write", report);
        }
        return;
      }
      const name = getCalleeName(callee);
      if (name === undefined || !CHILD_PROCESS_FUNCTIONS.has(name)) return;
      for (const argument of node.arguments) {
        const options = objectLiteralOf(argument, scope);
        if (!options) continue;
        for (const property of options.properties) {
          if (property.type !== AST_NODE_TYPES.Property || getKeyName(property, scope) !== "env") continue;
          const env = objectLiteralOf(property.value, scope);
          if (env) propertiesAsAccesses(env, scope, "child", report);
        }
      }
    },
  };
}
