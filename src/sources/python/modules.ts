/**
 * Repository facts for Python (issue 15 item 2): "does importing this module load a database client",
 * directly (a `dbClients` module: `psycopg`, `sqlalchemy`, `django.db`, ...) or through the repository's
 * own Python modules, transitively; and "does this module begin with the CI guard".
 *
 * Module resolution follows Python's rules as far as a static reader can: a relative import (`from .db
 * import x`, `from ..lib import y`) from the importing file's package; an absolute import (`import
 * app.db`, `from app import db`) from the importing file's folder or any folder above it up to the root,
 * and from a `src/` folder beside each (the usual layouts; `sys.path` changes at run time are not read).
 * `a.b` is `a/b.py` or `a/b/__init__.py`; `from a import b` may also name the submodule `a/b.py`.
 * Modules outside the repository (installed packages) are never read; only their names are matched.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { cachedPer } from "../../memo.js";
import type { Parser } from "web-tree-sitter";
import { type Contract, toRepoPath } from "../../contract.js";
import { readSourceText } from "../../source-text.js";
import { classifyZone, isOutsideRoot } from "../../zones.js";
import type { ImportedModule } from "./ast.js";
import { importsOf } from "./ast.js";
import { type PyFile, parsePythonWith } from "./parser.js";

/** True when a module name is one of the contract's database clients, or a submodule of one. */
export function isPyDbClientModule(module: string, contract: Contract): boolean {
  return contract.dbClients.some((client) => module === client || module.startsWith(`${client}.`));
}

/** True when an import loads a database client module by name (`import psycopg2`, `from django import db`). */
export function importsDbClientByName(imported: ImportedModule, contract: Contract): boolean {
  if (isPyDbClientModule(imported.module, contract)) return true;
  return imported.names.some((name) => !imported.module.startsWith(".") && isPyDbClientModule(`${imported.module}.${name}`, contract));
}

/** The per-scan Python facts (one instance per root and contract). */
export class PythonFacts {
  private readonly files = new Map<string, PyFile | undefined>();
  private readonly loads = new Map<string, boolean>();

  constructor(
    readonly root: string,
    readonly contract: Contract,
    private readonly parser: Parser,
  ) {}

  /** The parsed file at an absolute path (undefined when unreadable or not parsable), read once. */
  fileAt(absolute: string): PyFile | undefined {
    if (this.files.has(absolute)) return this.files.get(absolute);
    const read = readSourceText(absolute);
    const parsed = "text" in read ? parsePythonWith(this.parser, read.text) : undefined;
    const file = parsed && "file" in parsed ? parsed.file : undefined;
    this.files.set(absolute, file);
    return file;
  }

  /** Registers the file being checked (so its own parse is reused). */
  remember(absolute: string, file: PyFile): void {
    this.files.set(absolute, file);
  }

  private isRepoFile(candidate: string): boolean {
    const repoPath = toRepoPath(this.root, candidate);
    if (isOutsideRoot(repoPath) || classifyZone(repoPath, this.contract) === "ignore") return false;
    try {
      return existsSync(candidate) && statSync(candidate).isFile();
    } catch {
      return false;
    }
  }

  /** The repository files an import of `fromFile` may refer to (see the module header). */
  resolve(fromFile: string, imported: ImportedModule): string[] {
    const module = imported.module;
    const candidatesFor = (base: string, dotted: string): string[] => {
      const rel = dotted === "" ? "" : dotted.split(".").join(path.sep);
      const out = rel === "" ? [path.join(base, "__init__.py")] : [path.join(base, `${rel}.py`), path.join(base, rel, "__init__.py")];
      for (const name of imported.names) out.push(path.join(base, rel, `${name}.py`), path.join(base, rel, name, "__init__.py"));
      return out;
    };
    let candidates: string[] = [];
    if (module.startsWith(".")) {
      const dots = /^\.+/.exec(module)?.[0].length ?? 1;
      let base = path.dirname(fromFile);
      for (let i = 1; i < dots; i++) base = path.dirname(base);
      candidates = candidatesFor(base, module.slice(dots));
    } else {
      for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
        candidates.push(...candidatesFor(dir, module), ...candidatesFor(path.join(dir, "src"), module));
        if (dir === this.root || !dir.startsWith(this.root) || path.dirname(dir) === dir) break;
      }
    }
    return [...new Set(candidates)].filter((c) => c !== fromFile && this.isRepoFile(c));
  }

  /** True when importing `imported` from `fromFile` loads a database client, directly or transitively. */
  importLoadsClient(fromFile: string, imported: ImportedModule, depth = 0): boolean {
    if (importsDbClientByName(imported, this.contract)) return true;
    if (depth > 8) return false;
    return this.resolve(fromFile, imported).some((target) => this.moduleLoadsClient(target, depth + 1));
  }

  /** True when a repository Python module imports a database client, directly or transitively (memoised; cycles are false). */
  moduleLoadsClient(absolute: string, depth = 0): boolean {
    const known = this.loads.get(absolute);
    if (known !== undefined) return known;
    this.loads.set(absolute, false);
    const file = this.fileAt(absolute);
    const result = file !== undefined && importsOf(file).modules.some((m) => this.importLoadsClient(absolute, m, depth));
    this.loads.set(absolute, result);
    return result;
  }
}

const factsByContract = new WeakMap<Contract, Map<string, PythonFacts>>();

/** The Python facts of a scan (one per contract object and root). */
export function pythonFactsFor(root: string, contract: Contract, parser: Parser): PythonFacts {
  return cachedPer(factsByContract, contract, root, () => new PythonFacts(root, contract, parser));
}
