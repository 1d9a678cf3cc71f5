/**
 * env-fail-closed (docs/design.md, Rule groups group D `safety.environment.variables`; seed 004 "environment
 * defaults to production"): in mutation scripts, reading one of `safety.environment.variables` so that an
 * unset variable means "not production", which switches the production safety layers off.
 *
 * Reported, at the env access (src/analysis/env-access.ts sees every access form) unless said otherwise:
 * - a fallback other than `"production"`: `?? "development"`, `|| "dev"`, a ternary on the read
 *   (`process.env.X ? process.env.X : "development"`), a destructuring default (`const { X = "dev" } =
 *   process.env`, also in a parameter), the default of a parameter of a local function the read is
 *   passed to (`isProd(process.env.X)` with `function isProd(env = "dev")`), and a `zod` schema field
 *   `.default(...)` / `.catch(...)` for that name in a schema parsed from the environment
 *   (`z.object({ X: z.string().default("dev") }).parse(process.env)`, also t3-env's `createEnv`): at the
 *   schema's key. A fallback this rule cannot read statically (another variable, a call) may not be
 *   `"production"` and is reported too (fail closed);
 * - no fallback, and the value compared with `"production"` (`===`, `==`, `!==`, `!=`, `["production"]
 *   .includes(x)`), directly, after `.toLowerCase()`-style normalising, or through a variable bound to the
 *   read (`const env = process.env.X`, `const { X } = process.env`): at the comparison. Unset is then "not
 *   production". Comparing with a non-production value instead (`!== "development"`) fails closed and is
 *   silent.
 *
 * Not reported: a comparison reached, on every path (src/analysis/code-path.ts, through the callers of a
 * same-file function), only after an `if` that stops when the variable is unset (`if (!process.env.X)
 * process.exit(1)`, `=== undefined`, `== null`): unset never gets as far as being "not production".
 *
 * Names are matched as docs/design.md, Environment names matches env names: case-insensitively, after stripping one framework
 * prefix. Only complete names are read (a computed `process.env[name]` is silent). Not read: a `switch`
 * on the value, values passed through other modules, and fields of a parsed schema object compared later.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from "../src/ts-ast.js";
import { createRule } from "../src/create-rule.js";
import { getCalleeName, getKeyName, getPropertyName, getStaticString, skipTypeWrappers } from "../src/analysis/ast.js";
import { createCodePathView, isProcessExit } from "../src/analysis/code-path.js";
import { envAccessListeners, isEnvObject } from "../src/analysis/env-access.js";
import { stripFrameworkPrefix } from "../src/analysis/env-names.js";
import { mergeListeners } from "../src/analysis/imported-writes.js";
import { mutationScriptCheck } from "../src/analysis/mutation-script.js";
import { getFileContext } from "../src/settings.js";

export type MessageId = "fallback" | "unknownFallback" | "unsetNotProduction";

type Scope = TSESLint.Scope.Scope;

/** The only fallback that fails closed (seed 004: "environment defaults to production"). */
const PRODUCTION = "production";

/** Methods that normalise a string without changing whether it is set. */
const NORMALIZING_METHODS = new Set(["toLowerCase", "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase", "trim", "trimStart", "trimEnd", "normalize", "toString"]);

/** zod's parse methods, whose argument is the object the schema reads. */
const PARSE_METHODS = new Set(["parse", "safeParse", "parseAsync", "safeParseAsync", "spa"]);

/** zod object constructors and the methods that keep an object schema's fields. */
const OBJECT_METHODS = new Set(["object", "strictObject", "looseObject"]);
const KEEPING_METHODS = new Set(["strict", "passthrough", "strip", "partial", "required", "readonly", "describe"]);

/** A finding, decided at `Program:exit` once the file is known to be a mutation script. */
interface Finding {
  node: TSESTree.Node;
  messageId: MessageId;
  data: Record<string, string>;
}

/** Steps from a read up through TypeScript wrappers, optional chains and normalising calls (`x?.toLowerCase()`). */
function climb(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return current;
    switch (parent.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.ChainExpression:
        current = parent;
        continue;
      case AST_NODE_TYPES.MemberExpression: {
        const call = parent.parent;
        const method = getPropertyName(parent);
        if (parent.object === current && method !== undefined && NORMALIZING_METHODS.has(method) && call?.type === AST_NODE_TYPES.CallExpression && call.callee === parent) {
          current = call;
          continue;
        }
        return current;
      }
      default:
        return current;
    }
  }
}

/** The source text of a node, shortened for a message. */
function textOf(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): string {
  const text = sourceCode.getText(node).replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The rule's messages (ESLint `{{placeholder}}` syntax); `contract-scan` reports Python files with the same texts (src/sources/python/). */
export const MESSAGES: Record<MessageId, string> = {
  fallback:
    '{{name}} falls back to "{{value}}" when it is not set, so a script started without it runs as not production and its safety layers switch off. Fall back to "production" ({{name}} ?? "production"), or stop when it is not set.',
  unknownFallback:
    '{{name}} falls back to {{value}} when it is not set, which may not be "production": a script started without it may run with its safety layers off. Fall back to the literal "production", or stop when it is not set.',
  unsetNotProduction:
    'This compares {{name}} with "production" without a fallback: when {{name}} is not set the script runs as not production and its safety layers switch off. Read it as {{name}} ?? "production", or compare with the non-production value instead (!== "development").',
};

/** The Python wording of the messages that show JavaScript code (src/sources/python/). */
export const PYTHON_MESSAGES: Partial<Record<MessageId, string>> = {
  fallback:
    '{{name}} falls back to "{{value}}" when it is not set, so a script started without it runs as not production and its safety layers switch off. Fall back to "production" (os.environ.get("{{name}}", "production")), or stop when it is not set.',
  unsetNotProduction:
    'This compares {{name}} with "production" without a fallback: when {{name}} is not set the script runs as not production and its safety layers switch off. Read it as os.environ.get("{{name}}", "production"), or compare with the non-production value instead (!= "development").',
};

export default createRule<[], MessageId>({
  name: "env-fail-closed",
  meta: {
    type: "problem",
    docs: {
      description: "Require mutation scripts to treat an unset environment variable (safety.environment.variables) as production",
      recommended: true,
      group: "D",
    },
    schema: [],
    messages: MESSAGES,
  },
  defaultOptions: [],
  create(context) {
    const file = getFileContext(context);
    const variables = file.contract.safety?.environment?.variables ?? [];
    if (variables.length === 0 || file.zone === "ignore" || file.zone === "tests") return {};
    const wanted = new Map(variables.map((v) => [stripFrameworkPrefix(v).toUpperCase(), v]));
    const scripts = mutationScriptCheck(context, file);
    if (scripts === undefined) return {};
    const findings: Finding[] = [];
    const seen = new Set<TSESTree.Node>();
    const view = createCodePathView(context);
    /** Tests of `if`s that stop when a listed variable is unset (`if (!process.env.X) process.exit(1)`), with its name. */
    const unsetStops = new Map<TSESTree.Node, string>();
    const scopeOf = (node: TSESTree.Node): Scope => context.sourceCode.getScope(node);

    /** The contract's spelling of a variable name, or undefined when the name is not one of them. */
    function variableOf(name: string): string | undefined {
      return wanted.get(stripFrameworkPrefix(name).toUpperCase());
    }

    function add(node: TSESTree.Node, messageId: MessageId, data: Record<string, string>): void {
      if (seen.has(node)) return;
      seen.add(node);
      findings.push({ node, messageId, data });
    }

    /** Reports a fallback expression unless it is exactly "production". */
    function fallback(at: TSESTree.Node, name: string, value: TSESTree.Node): void {
      const text = getStaticString(value, scopeOf(value));
      if (text === PRODUCTION) return;
      if (text !== undefined) add(at, "fallback", { name, value: text });
      else add(at, "unknownFallback", { name, value: textOf(value, context.sourceCode) });
    }

    /** True when `node` is the string "production" (statically). */
    function isProduction(node: TSESTree.Node): boolean {
      return getStaticString(node, scopeOf(node)) === PRODUCTION;
    }

    /** The function a callee names in this file (a declaration, or a `const` bound to a function). */
    function localFunction(callee: TSESTree.Node): TSESTree.FunctionLike | undefined {
      const node = skipTypeWrappers(callee);
      if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
      const def = ASTUtils.findVariable(scopeOf(node), node)?.defs[0];
      if (def?.type === "FunctionName") return def.node as TSESTree.FunctionLike;
      if (def?.type === "Variable" && def.node.init) {
        const init = skipTypeWrappers(def.node.init);
        if (init.type === AST_NODE_TYPES.ArrowFunctionExpression || init.type === AST_NODE_TYPES.FunctionExpression) return init;
      }
      return undefined;
    }

    /**
     * What happens to a value read without a fallback (the read itself, or a reference to a variable bound
     * to it): a fallback added there, a comparison with "production", or a variable bound to it.
     * @param atRead the env access (where a fallback is reported).
     */
    function inspect(value: TSESTree.Node, atRead: TSESTree.Node, name: string, depth: number): void {
      const node = climb(value);
      const parent = node.parent;
      if (!parent || depth > 4) return;
      switch (parent.type) {
        case AST_NODE_TYPES.LogicalExpression:
          if (parent.left === node && (parent.operator === "??" || parent.operator === "||")) fallback(atRead, name, parent.right);
          return;
        case AST_NODE_TYPES.ConditionalExpression:
          // process.env.X ? process.env.X : "development"
          if (parent.test === node) fallback(atRead, name, parent.alternate);
          return;
        case AST_NODE_TYPES.BinaryExpression: {
          if (!["===", "==", "!==", "!="].includes(parent.operator)) return;
          const other = parent.left === node ? parent.right : parent.left;
          if (isProduction(other)) add(parent, "unsetNotProduction", { name });
          return;
        }
        case AST_NODE_TYPES.CallExpression: {
          const callee = skipTypeWrappers(parent.callee);
          // ["production", "prod"].includes(env)
          if (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === "includes" && parent.arguments[0] === node) {
            const list = skipTypeWrappers(callee.object);
            if (list.type === AST_NODE_TYPES.ArrayExpression && list.elements.some((e) => e !== null && e.type !== AST_NODE_TYPES.SpreadElement && isProduction(e))) {
              add(parent, "unsetNotProduction", { name });
            }
            return;
          }
          // isProd(process.env.X) with function isProd(env = "development")
          const index = parent.arguments.indexOf(node as TSESTree.CallExpressionArgument);
          const param = index >= 0 ? localFunction(parent.callee)?.params[index] : undefined;
          if (param?.type === AST_NODE_TYPES.AssignmentPattern) fallback(atRead, name, param.right);
          return;
        }
        case AST_NODE_TYPES.VariableDeclarator: {
          if (parent.init !== node || parent.id.type !== AST_NODE_TYPES.Identifier) return;
          for (const variable of context.sourceCode.getDeclaredVariables(parent)) aliasUses(variable, atRead, name, depth + 1);
          return;
        }
        default:
          return;
      }
    }

    /** Inspects every read of a variable bound to the value (not its initialization). */
    function aliasUses(variable: TSESLint.Scope.Variable, atRead: TSESTree.Node, name: string, depth: number): void {
      for (const reference of variable.references) {
        if (reference.init || !reference.isRead()) continue;
        inspect(reference.identifier, atRead, name, depth);
      }
    }

    /** `const { X } = process.env` / `{ X = "dev" }`: the default, or the uses of the bound name. */
    function destructured(key: TSESTree.Node, name: string): void {
      const property = key.parent;
      if (property?.type !== AST_NODE_TYPES.Property || property.key !== key) return;
      const value = property.value;
      if (value.type === AST_NODE_TYPES.AssignmentPattern) {
        fallback(key, name, value.right);
        return;
      }
      if (value.type !== AST_NODE_TYPES.Identifier) return;
      const variable = ASTUtils.findVariable(scopeOf(value), value);
      if (variable) aliasUses(variable, key, name, 1);
    }

    /** The fields of a zod object schema expression (through `const` bindings and field-keeping methods). */
    function schemaFields(input: TSESTree.Node, depth = 0): TSESTree.Property[] {
      if (depth > 6) return [];
      const node = skipTypeWrappers(input);
      if (node.type === AST_NODE_TYPES.Identifier) {
        const def = ASTUtils.findVariable(scopeOf(node), node)?.defs[0];
        return def?.type === "Variable" && def.node.init && def.node.id.type === AST_NODE_TYPES.Identifier ? schemaFields(def.node.init, depth + 1) : [];
      }
      if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression) return [];
      const method = getPropertyName(node.callee);
      const argument = node.arguments[0];
      const own = argument?.type === AST_NODE_TYPES.ObjectExpression ? argument.properties.filter((p): p is TSESTree.Property => p.type === AST_NODE_TYPES.Property) : [];
      if (method !== undefined && OBJECT_METHODS.has(method)) return own;
      if (method === "extend" || method === "merge") return [...own, ...schemaFields(node.callee.object, depth + 1)];
      if (method !== undefined && KEEPING_METHODS.has(method)) return schemaFields(node.callee.object, depth + 1);
      return [];
    }

    /** Reports a schema field for a listed name whose chain has `.default(v)` / `.catch(v)` with v not "production". */
    function schemaField(property: TSESTree.Property): void {
      const key = getKeyName(property, scopeOf(property));
      const name = key === undefined ? undefined : variableOf(key);
      if (name === undefined) return;
      for (let node = skipTypeWrappers(property.value); node.type === AST_NODE_TYPES.CallExpression; ) {
        const callee = skipTypeWrappers(node.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
        const method = getPropertyName(callee);
        const argument = node.arguments[0];
        if ((method === "default" || method === "catch") && argument && argument.type !== AST_NODE_TYPES.SpreadElement) {
          fallback(property.key, name, argument);
          return;
        }
        node = skipTypeWrappers(callee.object);
      }
    }

    /** t3-env's `createEnv({ server: {...}, client: {...}, shared: {...}, runtimeEnv: process.env })`. */
    function createEnvFields(call: TSESTree.CallExpression): TSESTree.Property[] {
      const options = call.arguments[0];
      if (getCalleeName(call.callee) !== "createEnv" || options?.type !== AST_NODE_TYPES.ObjectExpression) return [];
      const scope = scopeOf(call);
      const fields: TSESTree.Property[] = [];
      for (const group of options.properties) {
        if (group.type !== AST_NODE_TYPES.Property || !["server", "client", "shared"].includes(getKeyName(group, scope) ?? "")) continue;
        if (group.value.type === AST_NODE_TYPES.ObjectExpression) fields.push(...group.value.properties.filter((p): p is TSESTree.Property => p.type === AST_NODE_TYPES.Property));
      }
      return fields;
    }

    /** The listed name a node reads directly from the environment (`process.env.X`, `process.env["X"]`), if any. */
    function envReadName(input: TSESTree.Node): string | undefined {
      const node = skipTypeWrappers(input);
      if (node.type !== AST_NODE_TYPES.MemberExpression || !isEnvObject(node.object, scopeOf(node))) return undefined;
      const key = getPropertyName(node);
      return key === undefined ? undefined : variableOf(key);
    }

    /** The listed name a test is true for when the variable is unset: `!env.X`, `env.X === undefined`, `env.X == null`, `... || ...`. */
    function unsetTestName(test: TSESTree.Node): string | undefined {
      if (test.type === AST_NODE_TYPES.UnaryExpression && test.operator === "!") return envReadName(test.argument);
      if (test.type === AST_NODE_TYPES.LogicalExpression && test.operator === "||") return unsetTestName(test.left) ?? unsetTestName(test.right);
      if (test.type === AST_NODE_TYPES.BinaryExpression && (test.operator === "===" || test.operator === "==")) {
        const unset = (n: TSESTree.Node): boolean => (n.type === AST_NODE_TYPES.Identifier && n.name === "undefined") || (n.type === AST_NODE_TYPES.Literal && (n.value === null || n.value === ""));
        if (unset(test.right)) return envReadName(test.left);
        if (unset(test.left)) return envReadName(test.right);
      }
      return undefined;
    }

    /** True when a statement ends its path: return, throw, process.exit (in a block: any of its statements). */
    function stops(statement: TSESTree.Statement): boolean {
      if (statement.type === AST_NODE_TYPES.BlockStatement) return statement.body.some(stops);
      if (statement.type === AST_NODE_TYPES.ReturnStatement || statement.type === AST_NODE_TYPES.ThrowStatement) return true;
      return statement.type === AST_NODE_TYPES.ExpressionStatement && isProcessExit(statement.expression);
    }

    const envListeners = envAccessListeners(context, (access) => {
      if (access.kind !== "read" || !access.complete) return;
      const name = variableOf(access.name);
      if (name === undefined) return;
      if (access.node.parent?.type === AST_NODE_TYPES.Property && access.node.parent.key === access.node) destructured(access.node, name);
      else inspect(access.node, access.node, name, 0);
    });

    const own: TSESLint.RuleListener = {
      CallExpression(node) {
        const callee = skipTypeWrappers(node.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression) {
          const method = getPropertyName(callee);
          const argument = node.arguments[0];
          if (method !== undefined && PARSE_METHODS.has(method) && argument && argument.type !== AST_NODE_TYPES.SpreadElement && isEnvObject(argument, scopeOf(node))) {
            for (const field of schemaFields(callee.object)) schemaField(field);
          }
        }
        for (const field of createEnvFields(node)) schemaField(field);
      },
      IfStatement(node) {
        const name = stops(node.consequent) ? unsetTestName(node.test) : undefined;
        if (name === undefined) return;
        unsetStops.set(node.test, name);
        view.mark(node.test);
      },
      BinaryExpression(node) {
        // Recorded where it runs, so a comparison reported through an alias can be asked about its paths.
        if (["===", "==", "!==", "!="].includes(node.operator)) view.mark(node);
      },
    };
    view.onComplete(() => {
      if (!scripts.isMutationScript()) return;
      findings.sort((a, b) => a.node.range[0] - b.node.range[0]);
      for (const finding of findings) {
        // Unset stops the script before this comparison on every path: unset is never "not production" here.
        const name = finding.data.name;
        if (finding.messageId === "unsetNotProduction" && view.isReachedOnlyAfter(finding.node, (n) => unsetStops.get(n) === name, { throughCallers: true })) continue;
        context.report({ node: finding.node, messageId: finding.messageId, data: finding.data });
      }
    });
    return mergeListeners(mergeListeners(mergeListeners(view.listeners, scripts.listeners), envListeners), own);
  },
});
