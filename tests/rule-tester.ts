/**
 * A RuleTester for this plugin's rules. Each case's `filename` is a repository-relative path under a
 * virtual root (`/repo`), so the zone classifier sees `scripts/x.ts`, `prisma/migrations/...`, tests.
 * The contract comes from settings, inline, exactly as a user may give it.
 */
import path from "node:path";
import { RuleTester } from "@typescript-eslint/rule-tester";

/** The virtual repository root of rule tests. */
export const TEST_ROOT = path.resolve("/repo");

/** Settings that give the rules an inline contract (validated like a file) rooted at TEST_ROOT. */
export function contractSettings(contract: object = { version: 1 }): { "production-safety": { contract: object; root: string } } {
  return { "production-safety": { contract, root: TEST_ROOT } };
}

/** A RuleTester with the default contract; pass `settings` per case for another one. */
export function createTester(contract: object = { version: 1 }): RuleTester {
  return new RuleTester({
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: false } } },
    settings: contractSettings(contract),
  });
}

/** `/repo/<relative>`: the filename of a test case at a repository-relative path. */
export function repoFile(relative: string): string {
  return path.join(TEST_ROOT, relative);
}
