/**
 * Heavy packages loaded on first use, so that importing the plugin (what ESLint does for every config
 * load, in the editor and in each worker) and starting `contract-scan` do not pay for them: TypeScript
 * (through typescript-estree and the module resolver), the TypeScript ESLint parser, the Prisma schema parser, the
 * glob library. ESLint rules are synchronous, so the load has to be: `require` (CommonJS packages, and
 * ESM-only ones such as globby through Node's `require(esm)`, on by default from Node 20.19 and 22.12:
 * package.json's `engines`).
 *
 * Only packages go through here, never this package's own modules: those are cheap once the packages
 * are not loaded, and the test runner (vitest) transforms them, which `require` would bypass.
 * tests/e2e/startup.test.ts checks which packages each entry point loads.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A function that loads package `id` on its first call (later calls return the same module).
 * @param id a package specifier resolved from this package, e.g. `"typescript"`.
 * @returns the module's exports (`module.exports` of a CommonJS package, the namespace of an ESM one),
 *   typed by the caller: `lazyRequire<typeof Yaml>("yaml")` with `import type * as Yaml from "yaml"`.
 * @throws (on the call) Node's error when the package is missing or fails to load.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
