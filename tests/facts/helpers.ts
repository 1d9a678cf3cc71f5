/**
 * Shared helpers of the repository-facts tests: fixture paths and facts over a fixture repository
 * (`fixtures/facts/<name>`), built fresh for each call so no test sees another's cache.
 */
import path from "node:path";
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { analyze } from "@typescript-eslint/scope-manager";
import { fileURLToPath } from "node:url";
import { type Contract, validateContract } from "../../src/contract.js";
import { createRepoFacts, type RepoFactsOptions } from "../../src/facts/repo-facts.js";
import type { RepoFacts } from "../../src/facts/types.js";
import { parseModule, scopeAt } from "../../src/facts/module-analysis.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Absolute path of a fixture repository under `fixtures/facts/`. */
export function fixtureRoot(name: string): string {
  return path.resolve(here, "../../fixtures/facts", name);
}

/** A validated contract: `{ version: 1, ...keys }` with the SPEC §2 defaults. */
export function contractWith(keys: Record<string, unknown> = {}): Contract {
  return validateContract({ version: 1, ...keys }, null);
}

/** Facts over a fixture repository, and a function that makes its repository paths absolute. */
export function factsFor(name: string, keys: Record<string, unknown> = {}, options: RepoFactsOptions = { snapshot: true }): { facts: RepoFacts; root: string; at: (repoPath: string) => string } {
  const root = fixtureRoot(name);
  return { facts: createRepoFacts(root, contractWith(keys), options), root, at: (repoPath: string) => path.join(root, repoPath) };
}

/** The `skip`-th identifier named `name` in a parsed file (not in an import), with its scope, as ESLint would give them. */
export function identifierIn(file: string, text: string, name: string, skip = 0): { identifier: TSESTree.Identifier; scope: TSESLint.Scope.Scope } {
  const ast = parseModule(text, file);
  const scopeManager = analyze(ast, { sourceType: "module" });
  const found: TSESTree.Identifier[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const n = node as TSESTree.Node;
    if (n.type === AST_NODE_TYPES.Identifier && n.name === name && n.parent?.type !== AST_NODE_TYPES.ImportSpecifier && n.parent?.type !== AST_NODE_TYPES.ImportNamespaceSpecifier && n.parent?.type !== AST_NODE_TYPES.ImportDefaultSpecifier) found.push(n);
    for (const [key, value] of Object.entries(n)) if (key !== "parent") visit(value);
  };
  visit(ast);
  const identifier = found[skip];
  if (!identifier) throw new Error(`no identifier ${name}`);
  return { identifier, scope: scopeAt(scopeManager, identifier) };
}
