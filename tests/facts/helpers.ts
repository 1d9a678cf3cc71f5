/**
 * Shared helpers of the repository-facts tests: fixture paths and facts over a fixture repository
 * (`fixtures/facts/<name>`), built fresh for each call so no test sees another's cache.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Contract, validateContract } from "../../src/contract.js";
import { createRepoFacts, type RepoFactsOptions } from "../../src/facts/repo-facts.js";
import type { RepoFacts } from "../../src/facts/types.js";

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
