/**
 * `@mrleebo/prisma-ast`, loaded so that it cannot load anything of the repository being checked.
 *
 * Why this module exists: prisma-ast 0.15 searches for its own configuration when it is loaded, not when
 * it parses. Every build it ships (`dist/prisma-ast.cjs.development.js`, `…cjs.production.min.js`,
 * `…esm.js`) runs `new PrismaParser(getConfig().parser)` at module top level, and `getConfig()` calls
 * `lilconfigSync("prisma-ast").search()`: from `process.cwd()` up to the home folder (or the file system
 * root when the working directory is outside it) it `require()`s `package.json`, `.prisma-astrc.js`,
 * `.prisma-astrc.cjs`, `.config/prisma-astrc.js`, `.config/prisma-astrc.cjs`, `prisma-ast.config.js` and
 * `prisma-ast.config.cjs` (lilconfig 2.1's default search places). Run inside a scanned repository, that
 * executed the repository's code, and a trailing comma in its `package.json` crashed the run with a raw
 * `SyntaxError` from `require`.
 *
 * What was considered (read in `node_modules/@mrleebo/prisma-ast/dist`): there is no option, environment
 * variable or entry point that skips the search. `getSchema(source, { parser, visitor })` takes a parser
 * of one's own, but the module has already run the search by the time it can be called; the published
 * TypeScript sources (`src/`) cannot be loaded by Node without a compiler. Changing the working directory
 * during the import is not safe either: the search walks up from any folder (a `prisma-ast.config.js` in
 * `/tmp` would still be found), `process.chdir` is not allowed in ESLint's worker threads, and it changes
 * the working directory of the host (an editor's ESLint server) for the time of the import.
 *
 * So: prisma-ast is loaded on first use (the first schema parse, never at import of the plugin or CLI)
 * through `require`, with its own `lilconfig` (resolved from prisma-ast's folder, the copy it would
 * load) replaced in `require.cache` by a stub whose search finds nothing, so prisma-ast takes its
 * defaults (`nodeLocationTracking: "none"`). The previous cache entry is put back right after the load,
 * so no other package that uses lilconfig sees the stub. The search is only ever called at load; a
 * later call of the stub's other methods throws. `tests/e2e/hostile-config.test.ts` runs the CLI and
 * ESLint inside a repository whose config files write a marker.
 *
 * Nothing else may load prisma-ast: `eslint.config.js` forbids its value imports outside this file.
 */
import Module, { createRequire } from "node:module";
import type * as PrismaAst from "@mrleebo/prisma-ast";

const requireHere = createRequire(import.meta.url);

let loaded: typeof PrismaAst | undefined;

/** Thrown by the stub for any lilconfig use other than a search (prisma-ast 0.15 makes none). */
function refuse(): never {
  throw new Error("@mrleebo/prisma-ast tried to load a configuration file; contract-scan does not load files of the scanned repository as code");
}

/** lilconfig's API with a search that finds nothing (`null`, as lilconfig says "no configuration found"). */
function lilconfigStub(): Record<string, unknown> {
  const sync = { search: (): null => null, load: refuse, clearLoadCache: () => undefined, clearSearchCache: () => undefined, clearCaches: () => undefined };
  const async = { search: async (): Promise<null> => null, load: refuse, clearLoadCache: () => undefined, clearSearchCache: () => undefined, clearCaches: () => undefined };
  return { lilconfigSync: () => sync, lilconfig: () => async, defaultLoaders: Object.freeze({}) };
}

/**
 * The prisma-ast module, loaded on the first call (see the module header) and the same object after.
 * @returns prisma-ast's exports (`getSchema`, …).
 * @throws Error when prisma-ast or its lilconfig cannot be resolved (a broken installation), or when
 *   prisma-ast itself throws while loading.
 */
export function prismaAst(): typeof PrismaAst {
  if (loaded) return loaded;
  const entry = requireHere.resolve("@mrleebo/prisma-ast");
  const lilconfigFile = createRequire(entry).resolve("lilconfig");
  const cache = requireHere.cache;
  const previous = cache[lilconfigFile];
  const stub = new Module(lilconfigFile);
  stub.filename = lilconfigFile;
  stub.exports = lilconfigStub();
  stub.loaded = true;
  cache[lilconfigFile] = stub;
  try {
    loaded = requireHere(entry) as typeof PrismaAst;
  } finally {
    if (previous) cache[lilconfigFile] = previous;
    else delete cache[lilconfigFile];
  }
  return loaded;
}
