/**
 * "Which environment variable does this code read or write" (docs/design.md, Rule groups `no-bypass-env`), written once for
 * every rule that needs it. Sees `process.env.X`, `process.env["X"]`, computed keys with a static prefix,
 * destructuring (renamed, with defaults, nested `{ env: { X } } = process`, in assignments and parameter
 * defaults), aliases (`const e = process.env`, `const { env } = process`, `function f(env = process.env)`,
 * `{ ...process.env }`), `import { env } from "node:process"`, `import process from "node:process"`,
 * `import * as p from "node:process"`, `require("node:process")`, `globalThis.process.env`,
 * `import.meta.env`, SvelteKit's `$env/*` modules, `"X" in process.env`, `Object.hasOwn`/`hasOwnProperty`/
 * `Reflect.*` on the environment, `Object.assign(process.env, { X })`, `process.env = { ... }`, and env
 * objects passed to child processes (`spawn(cmd, args, { env: { ...process.env, X: "1" } })`, `exec*`,
 * `fork`, execa, `promisify(exec)`).
 *
 * Identifiers are resolved through scopes: a local `process`, `env` or `globalThis` that shadows the
 * global one is not the environment.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../ts-ast.js";
import { launcherKind } from "./child-process.js";
import { getConstInitializer, getKeyName, getPropertyName, getStaticPrefix, getStaticString, skipTypeWrappers } from "./ast.js";

type Scope = TSESLint.Scope.Scope;
type Variable = TSESLint.Scope.Variable;

/** One access of an environment variable. */
export interface EnvAccess {
  /** The name as written (case kept, framework prefix kept), or its static prefix when `complete` is false. */
  name: string;
  /** False when only the static prefix of a computed name is known (`SKIP_${x}` -> "SKIP_"). */
  complete: boolean;
  /**
   * "read" (member read, destructuring, `in`, `hasOwn`, a `$env/static/*` import), "write" (assignment,
   * `delete`, `Object.assign(process.env, ...)`, `process.env = {...}`, `Reflect.set`), or "child" (a key of
   * an env object given to a child process).
   */
  kind: "read" | "write" | "child";
  /** The node a finding goes on: the member expression, the destructured key, the object key, the `in` key. */
  node: TSESTree.Node;
  /**
   * For writes and child env entries: every static value the variable may be set to
   * (`process.env.CI = "true"` -> ["true"]; `x ?? "true"` -> ["true"]; `true` -> ["true"]). Absent or empty
   * when no value is known (a `delete`, a value computed at run time).
   */
  values?: string[];
}

const PROCESS_MODULES = new Set(["process", "node:process"]);

/** SvelteKit modules whose `env` export is the environment. */
const SVELTEKIT_DYNAMIC_ENV = new Set(["$env/dynamic/private", "$env/dynamic/public"]);
/** SvelteKit modules whose named exports are environment variables. */
const SVELTEKIT_STATIC_ENV = new Set(["$env/static/private", "$env/static/public"]);


const MAX_DEPTH = 6;

/** The declaration a variable has, when it has exactly one. */
function singleDef(variable: Variable | null): TSESLint.Scope.Definition | undefined {
  return variable?.defs.length === 1 ? variable.defs[0] : undefined;
}

function importSource(def: TSESLint.Scope.Definition): string | undefined {
  const parent = def.parent;
  return parent?.type === AST_NODE_TYPES.ImportDeclaration ? parent.source.value : undefined;
}

function importedName(specifier: TSESTree.ImportSpecifier): string {
  return specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
}

/** True when `name` resolves to the global object of that name (not declared in the file, or only `declare`d). */
function isGlobal(identifier: TSESTree.Identifier, scope: Scope): boolean {
  const variable = ASTUtils.findVariable(scope, identifier);
  if (!variable || variable.defs.length === 0) return true;
  return variable.defs.every((def) => def.type === "Variable" && def.parent?.type === AST_NODE_TYPES.VariableDeclaration && def.parent.declare);
}

/** True when `node` is `require("<module>")` with one of `modules`, and `require` is not a local binding. */
function isRequireOf(node: TSESTree.Node, modules: ReadonlySet<string>, scope: Scope): boolean {
  const call = skipTypeWrappers(node);
  if (call.type !== AST_NODE_TYPES.CallExpression || call.callee.type !== AST_NODE_TYPES.Identifier || call.callee.name !== "require") return false;
  const argument = call.arguments[0];
  return (
    argument?.type === AST_NODE_TYPES.Literal &&
    typeof argument.value === "string" &&
    modules.has(argument.value) &&
    isGlobal(call.callee, scope)
  );
}

/**
 * True when `node` is the `process` object: the global `process`, `globalThis.process` / `global.process`,
 * `require("node:process")`, or an import of node:process as a whole (default, `default as`, namespace),
 * or a variable initialized to one of these.
 */
function isProcessObject(input: TSESTree.Node, scope: Scope, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = skipTypeWrappers(input);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const object = skipTypeWrappers(node.object);
    return (
      getPropertyName(node) === "process" &&
      object.type === AST_NODE_TYPES.Identifier &&
      (object.name === "globalThis" || object.name === "global") &&
      isGlobal(object, scope)
    );
  }
  if (node.type === AST_NODE_TYPES.CallExpression) return isRequireOf(node, PROCESS_MODULES, scope);
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  if (node.name === "process" && isGlobal(node, scope)) return true;
  const variable = ASTUtils.findVariable(scope, node);
  const def = singleDef(variable);
  if (!def || !variable) return false;
  if (def.type === "ImportBinding") {
    const source = importSource(def);
    if (source === undefined || !PROCESS_MODULES.has(source)) return false;
    return (
      def.node.type === AST_NODE_TYPES.ImportDefaultSpecifier ||
      def.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier ||
      (def.node.type === AST_NODE_TYPES.ImportSpecifier && importedName(def.node) === "default")
    );
  }
  if (def.type === "Variable" && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
    return isProcessObject(def.node.init, variable.scope, depth + 1);
  }
  return false;
}

/**
 * The chain of property keys from a destructuring pattern's root down to `name`
 * (`const { env: { X } } = process` gives ["env", "X"] for X), or undefined when `name` sits under
 * something else than plain object-pattern properties (arrays, rest elements, computed unknown keys).
 */
function keyPathInPattern(name: TSESTree.Node, root: TSESTree.Node, scope: Scope): string[] | undefined {
  const path: string[] = [];
  let current: TSESTree.Node = name;
  while (current !== root) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (!parent) return undefined;
    if (parent.type === AST_NODE_TYPES.AssignmentPattern && parent.left === current) {
      current = parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.Property && parent.value === current && parent.parent.type === AST_NODE_TYPES.ObjectPattern) {
      const key = getKeyName(parent, scope);
      if (key === undefined) return undefined;
      path.unshift(key);
      current = parent.parent;
      continue;
    }
    return undefined;
  }
  return path;
}

/**
 * True when `node` evaluates to the environment object: `process.env`, `import.meta.env`, an imported
 * `env` from node:process (or SvelteKit's `$env/dynamic/*`), `require("process").env`, `process.env ?? {}`,
 * a shallow copy `{ ...process.env }`, or a variable initialized to one of these (directly, by
 * `const { env } = process`, or as a parameter default `env = process.env`).
 * @param input the expression.
 * @param scope the scope the expression is evaluated in (used to resolve identifiers).
 */
export function isEnvObject(input: TSESTree.Node, scope: Scope, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = skipTypeWrappers(input);
  switch (node.type) {
    case AST_NODE_TYPES.MemberExpression: {
      if (getPropertyName(node) !== "env") return false;
      const object = skipTypeWrappers(node.object);
      if (object.type === AST_NODE_TYPES.MetaProperty) return object.meta.name === "import" && object.property.name === "meta";
      return isProcessObject(object, scope);
    }
    case AST_NODE_TYPES.ChainExpression:
      return isEnvObject(node.expression, scope, depth + 1);
    case AST_NODE_TYPES.LogicalExpression:
      // process.env ?? {}, process.env || {}
      return node.operator !== "&&" && isEnvObject(node.left, scope, depth + 1);
    case AST_NODE_TYPES.ObjectExpression:
      // { ...process.env }: a copy reads the same names.
      return node.properties.some((p) => p.type === AST_NODE_TYPES.SpreadElement && isEnvObject(p.argument, scope, depth + 1));
    case AST_NODE_TYPES.Identifier:
      break;
    default:
      return false;
  }
  const variable = ASTUtils.findVariable(scope, node);
  const def = singleDef(variable);
  if (!def || !variable) return false;
  if (def.type === "ImportBinding") {
    const source = importSource(def);
    if (source === undefined || def.node.type !== AST_NODE_TYPES.ImportSpecifier || importedName(def.node) !== "env") return false;
    return PROCESS_MODULES.has(source) || SVELTEKIT_DYNAMIC_ENV.has(source);
  }
  if (def.type === "Parameter") {
    // function f(env = process.env)
    const parent = def.name.parent;
    return parent?.type === AST_NODE_TYPES.AssignmentPattern && parent.left === def.name && isEnvObject(parent.right, variable.scope, depth + 1);
  }
  if (def.type !== "Variable" || !def.node.init) return false;
  const declarator = def.node;
  const init = declarator.init;
  if (!init) return false;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return isEnvObject(init, variable.scope, depth + 1);
  // const { env } = process;  const { env: e = {} } = process;
  const path = keyPathInPattern(def.name, declarator.id, variable.scope);
  if (path?.length === 1 && path[0] === "env") return isProcessObject(init, variable.scope);
  return false;
}

/** Where a destructuring pattern takes its values from: the environment, the process object, or else. */
function patternSource(pattern: TSESTree.ObjectPattern, scope: Scope): "env" | "process" | undefined {
  const parent = pattern.parent;
  let source: TSESTree.Node | undefined;
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id === pattern) source = parent.init ?? undefined;
  else if ((parent.type === AST_NODE_TYPES.AssignmentExpression || parent.type === AST_NODE_TYPES.AssignmentPattern) && parent.left === pattern) {
    source = parent.right;
  }
  if (source !== undefined) {
    if (isEnvObject(source, scope)) return "env";
    if (isProcessObject(source, scope)) return "process";
  }
  // const { env: { X } } = process;  const { env: { X } = {} } = process;
  const holder = parent.type === AST_NODE_TYPES.AssignmentPattern && parent.left === pattern ? parent.parent : parent;
  if (holder?.type === AST_NODE_TYPES.Property && holder.parent.type === AST_NODE_TYPES.ObjectPattern && getKeyName(holder, scope) === "env") {
    if (patternSource(holder.parent, scope) === "process") return "env";
  }
  return undefined;
}

function keyAccess(key: TSESTree.Node, scope: Scope): { name: string; complete: boolean } | undefined {
  const prefix = getStaticPrefix(key, scope);
  if (!prefix || (prefix.prefix === "" && !prefix.complete)) return undefined;
  return { name: prefix.prefix, complete: prefix.complete };
}

function propertyAccess(property: TSESTree.Property, scope: Scope): { name: string; complete: boolean } | undefined {
  if (property.computed) return keyAccess(property.key, scope);
  const name = getKeyName(property, scope);
  return name === undefined || name === "" ? undefined : { name, complete: true };
}

/**
 * Every static string a value expression may evaluate to: a string, template or `const`, a boolean or
 * number literal (as the environment would store it), both sides of `??`/`||` and both branches of `?:`.
 */
function possibleValues(input: TSESTree.Node, scope: Scope, depth = 0): string[] {
  if (depth > MAX_DEPTH) return [];
  const node = skipTypeWrappers(input);
  const text = getStaticString(node, scope);
  if (text !== undefined) return [text];
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
      return typeof node.value === "boolean" || typeof node.value === "number" || typeof node.value === "bigint" ? [String(node.value)] : [];
    case AST_NODE_TYPES.LogicalExpression:
      return node.operator === "&&"
        ? possibleValues(node.right, scope, depth + 1)
        : [...possibleValues(node.left, scope, depth + 1), ...possibleValues(node.right, scope, depth + 1)];
    case AST_NODE_TYPES.ConditionalExpression:
      return [...possibleValues(node.consequent, scope, depth + 1), ...possibleValues(node.alternate, scope, depth + 1)];
    default:
      return [];
  }
}

function isObjectAssign(callee: TSESTree.Node, scope: Scope): boolean {
  const node = skipTypeWrappers(callee);
  return (
    node.type === AST_NODE_TYPES.MemberExpression &&
    getPropertyName(node) === "assign" &&
    node.object.type === AST_NODE_TYPES.Identifier &&
    node.object.name === "Object" &&
    isGlobal(node.object, scope)
  );
}

/**
 * The properties an object-valued expression is statically known to have, spreads and
 * `Object.assign(...)` followed: `{ a, ...B }` with `const B = { b }` gives a and b. A spread of the
 * environment itself contributes nothing (those are not names written in code).
 */
function objectProperties(input: TSESTree.Node, scope: Scope, depth = 0): TSESTree.Property[] {
  if (depth > MAX_DEPTH) return [];
  const node = skipTypeWrappers(input);
  if (node.type === AST_NODE_TYPES.ObjectExpression) {
    return node.properties.flatMap((p) => (p.type === AST_NODE_TYPES.Property ? [p] : objectProperties(p.argument, scope, depth + 1)));
  }
  if (node.type === AST_NODE_TYPES.Identifier) {
    const init = getConstInitializer(node, scope);
    return init ? objectProperties(init, scope, depth + 1) : [];
  }
  if (node.type === AST_NODE_TYPES.CallExpression && isObjectAssign(node.callee, scope)) {
    return node.arguments.flatMap((a) => objectProperties(a, scope, depth + 1));
  }
  return [];
}

function propertiesAsAccesses(properties: TSESTree.Property[], scope: Scope, kind: EnvAccess["kind"], report: (a: EnvAccess) => void): void {
  for (const property of properties) {
    const name = propertyAccess(property, scope);
    if (!name) continue;
    report({ ...name, kind, node: property.key, values: possibleValues(property.value, scope) });
  }
}

function patternAccesses(pattern: TSESTree.ObjectPattern, scope: Scope, report: (a: EnvAccess) => void): void {
  for (const property of pattern.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const name = propertyAccess(property, scope);
    if (name) report({ ...name, kind: "read", node: property.key });
  }
}


/** The assignment or `delete` that `node` (a member expression, possibly wrapped in `!`/`as`) is the target of. */
function writeContext(node: TSESTree.MemberExpression): TSESTree.AssignmentExpression | TSESTree.UnaryExpression | undefined {
  let current: TSESTree.Node = node;
  while (
    current.parent &&
    (current.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      current.parent.type === AST_NODE_TYPES.TSAsExpression ||
      current.parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
      current.parent.type === AST_NODE_TYPES.TSTypeAssertion)
  ) {
    current = current.parent;
  }
  const parent = current.parent;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === current) return parent;
  if (parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === "delete") return parent;
  return undefined;
}

/** Operators of an assignment whose right side is the value stored (not `+=` and friends). */
const STORING_OPERATORS = new Set(["=", "??=", "||=", "&&="]);

/** `Object.hasOwn(env, k)`, `Reflect.has/get/set/deleteProperty(env, k)`, `Object.defineProperty(env, k, d)`. */
const KEYED_ENV_CALLS = new Map<string, EnvAccess["kind"]>([
  ["Object.hasOwn", "read"],
  ["Object.getOwnPropertyDescriptor", "read"],
  ["Object.defineProperty", "write"],
  ["Reflect.has", "read"],
  ["Reflect.get", "read"],
  ["Reflect.getOwnPropertyDescriptor", "read"],
  ["Reflect.set", "write"],
  ["Reflect.deleteProperty", "write"],
  ["Reflect.defineProperty", "write"],
]);

/** The value a `Reflect.set` argument or an `Object.defineProperty` descriptor (`{ value }`) stores. */
function storedValues(value: TSESTree.Node | undefined, descriptor: boolean, scope: Scope): string[] {
  if (!value || value.type === AST_NODE_TYPES.SpreadElement) return [];
  if (!descriptor) return possibleValues(value, scope);
  const property = objectProperties(value, scope).find((p) => getKeyName(p, scope) === "value");
  return property ? possibleValues(property.value, scope) : [];
}

/**
 * ESLint listeners that call `report` once for every environment-variable access in the file.
 * @param context the rule context (for scopes).
 * @param report called with each access, in traversal order.
 * @returns the listeners to return from a rule's `create` (or merge into its own).
 */
export function envAccessListeners(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  report: (access: EnvAccess) => void,
): TSESLint.RuleListener {
  const scopeOf = (node: TSESTree.Node): Scope => context.sourceCode.getScope(node);

  /** `f(target, key)` where `target` is the environment: a read of `key`, or a write of `values`. */
  function keyedCall(
    scope: Scope,
    target: TSESTree.Node | undefined,
    key: TSESTree.Node | undefined,
    kind: EnvAccess["kind"],
    values: () => string[] = () => [],
  ): void {
    if (!target || !key || target.type === AST_NODE_TYPES.SpreadElement || key.type === AST_NODE_TYPES.SpreadElement) return;
    if (!isEnvObject(target, scope)) return;
    const name = keyAccess(key, scope);
    if (!name) return;
    report({ ...name, kind, node: key, ...(kind === "write" ? { values: values() } : {}) });
  }

  return {
    MemberExpression(node) {
      const scope = scopeOf(node);
      if (!isEnvObject(node.object, scope)) return;
      const key = node.computed
        ? keyAccess(node.property, scope)
        : node.property.type === AST_NODE_TYPES.Identifier
          ? { name: node.property.name, complete: true }
          : undefined;
      if (!key) return;
      const write = writeContext(node);
      if (write?.type === AST_NODE_TYPES.AssignmentExpression) {
        report({ ...key, kind: "write", node, values: STORING_OPERATORS.has(write.operator) ? possibleValues(write.right, scope) : [] });
      } else if (write) {
        report({ ...key, kind: "write", node, values: [] });
      } else {
        report({ ...key, kind: "read", node });
      }
    },
    ObjectPattern(node) {
      const scope = scopeOf(node);
      if (patternSource(node, scope) === "env") patternAccesses(node, scope, report);
    },
    ImportDeclaration(node) {
      // import { SKIP_X } from "$env/static/private"
      if (!SVELTEKIT_STATIC_ENV.has(node.source.value) || node.importKind === "type") return;
      for (const specifier of node.specifiers) {
        if (specifier.type !== AST_NODE_TYPES.ImportSpecifier || specifier.importKind === "type") continue;
        report({ name: importedName(specifier), complete: true, kind: "read", node: specifier.imported });
      }
    },
    AssignmentExpression(node) {
      // process.env = { ...process.env, X: "1" }
      if (node.operator !== "=") return;
      const left = skipTypeWrappers(node.left);
      const scope = scopeOf(node);
      if (left.type !== AST_NODE_TYPES.MemberExpression || !isEnvObject(left, scope)) return;
      propertiesAsAccesses(objectProperties(node.right, scope), scope, "write", report);
    },
    BinaryExpression(node) {
      if (node.operator !== "in" || node.left.type === AST_NODE_TYPES.PrivateIdentifier) return;
      const scope = scopeOf(node);
      if (!isEnvObject(node.right, scope)) return;
      const key = keyAccess(node.left, scope);
      if (key) report({ ...key, kind: "read", node: node.left });
    },
    CallExpression(node) {
      const scope = scopeOf(node);
      const callee = skipTypeWrappers(node.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression) {
        const method = getPropertyName(callee);
        const object = skipTypeWrappers(callee.object);
        // Object.assign(process.env, { X: "1" })
        if (isObjectAssign(callee, scope)) {
          const [target, ...sources] = node.arguments;
          if (target && target.type !== AST_NODE_TYPES.SpreadElement && isEnvObject(target, scope)) {
            propertiesAsAccesses(sources.flatMap((s) => objectProperties(s, scope)), scope, "write", report);
          }
          return;
        }
        // Object.hasOwn(process.env, "X"), Reflect.set(process.env, "X", "1"), ...
        if (object.type === AST_NODE_TYPES.Identifier && method !== undefined && isGlobal(object, scope)) {
          const kind = KEYED_ENV_CALLS.get(`${object.name}.${method}`);
          if (kind) {
            const [target, key, value] = node.arguments;
            keyedCall(scope, target, key, kind, () => storedValues(value, method === "defineProperty", scope));
            return;
          }
        }
        // process.env.hasOwnProperty("X"), Object.prototype.hasOwnProperty.call(process.env, "X")
        if (method === "hasOwnProperty" || method === "propertyIsEnumerable") {
          keyedCall(scope, callee.object, node.arguments[0], "read");
          return;
        }
        if (method === "call" && object.type === AST_NODE_TYPES.MemberExpression && getPropertyName(object) === "hasOwnProperty") {
          keyedCall(scope, node.arguments[0], node.arguments[1], "read");
          return;
        }
      }
      if (launcherKind(callee, scope) === undefined) return;
      for (const argument of node.arguments) {
        for (const property of objectProperties(argument, scope)) {
          if (getKeyName(property, scope) !== "env") continue;
          propertiesAsAccesses(objectProperties(property.value, scope), scope, "child", report);
        }
      }
    },
  };
}
