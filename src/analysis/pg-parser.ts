/**
 * The PostgreSQL parser (`libpg-query`, PostgreSQL 18 grammar), loaded synchronously on first use.
 *
 * Why not `import { parseSync } from "libpg-query"`: libpg-query is WebAssembly behind an Emscripten
 * factory that only loads asynchronously, so its sync functions work only after `await loadModule()`. A
 * top-level `await` there makes every importer an async module, which `require()` refuses
 * (`ERR_REQUIRE_ASYNC_MODULE` from an `eslint.config.cjs`), and it made every importer pay for the
 * parser even when no SQL is ever read. ESLint rules are synchronous, so "load it on first use" has to be
 * synchronous too.
 *
 * How: the package's own CommonJS entry (`wasm/index.cjs`, which the package's `main` names) and its
 * Emscripten glue are evaluated in a `node:vm` context whose microtasks run when the evaluation returns
 * (`microtaskMode: "afterEvaluate"`), and the glue's `instantiateWasm` hook (an Emscripten option) is given
 * an instance compiled synchronously (`new WebAssembly.Module`). The factory's `await`s then all settle
 * before `pgParser()` returns; the package's code is run unchanged, nothing is patched. Thrown
 * `SqlError`s extend this realm's `Error`, so `instanceof Error` holds for callers.
 *
 * Cost (2-core machine): about 30 ms to compile the WebAssembly and 40 ms for the rest, once per process
 * (each ESLint worker thread loads its own).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import type * as PgQuery from "libpg-query";

/** The synchronous functions of libpg-query this package uses (same signatures as the package's). */
export type PgParser = Pick<typeof PgQuery, "parseSync" | "parsePlPgSQLSync" | "scanSync">;

/** The part of the WebAssembly JS API used here (@types/node 20 declares none of it; it is in "DOM"). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: unknown) => object;
};

let loaded: PgParser | undefined;

/**
 * The PostgreSQL parser, loaded on the first call (synchronously; later calls return the same object).
 * @throws Error naming the file when libpg-query cannot be found, read or instantiated (a broken install).
 */
export function pgParser(): PgParser {
  loaded ??= loadPgParser();
  return loaded;
}

function loadPgParser(): PgParser {
  const require = createRequire(import.meta.url);
  let entry = "libpg-query";
  try {
    entry = require.resolve("libpg-query");
    const dir = path.dirname(entry);
    const wasm = new WebAssembly.Module(readFileSync(path.join(dir, "libpg-query.wasm")));
    const requireFromPackage = createRequire(entry);
    const context = vm.createContext(
      { process, console, Error, TextDecoder, TextEncoder, URL, performance, setTimeout, clearTimeout },
      { name: "libpg-query", microtaskMode: "afterEvaluate" },
    );
    // A CommonJS module of the package, compiled in the context (so its promises are the context's).
    const loadCommonJs = (file: string, requireModule: (id: string) => unknown): unknown => {
      const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`, context, { filename: file }) as (
        ...args: unknown[]
      ) => void;
      const module = { exports: {} as unknown };
      wrapper(module.exports, requireModule, module, file, path.dirname(file));
      return module.exports;
    };
    const glue = loadCommonJs(path.join(dir, "libpg-query.js"), requireFromPackage) as (options: object) => Promise<unknown>;
    const syncGlue = (options: object = {}): Promise<unknown> =>
      glue({
        ...options,
        instantiateWasm(imports: unknown, done: (instance: object) => void) {
          done(new WebAssembly.Instance(wasm, imports));
          return {};
        },
      });
    context.load = () => loadCommonJs(entry, (id) => (id === "./libpg-query.js" ? syncGlue : requireFromPackage(id)));
    // The evaluation returns only after the context's microtasks ran: the factory has resolved.
    const api = vm.runInContext("load()", context) as PgParser;
    // Proves the module is initialised (it throws "WASM module not initialized" otherwise).
    api.scanSync("SELECT 1");
    return api;
  } catch (error) {
    throw new Error(`cannot load the PostgreSQL parser (libpg-query) from ${entry}: ${(error as Error).message}. Reinstall the package's dependencies.`, { cause: error });
  }
}
