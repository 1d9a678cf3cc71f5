/**
 * Python files (issue 15): each check of src/sources/python/ on small repositories, scanned as
 * `contract-scan` scans them. Valid and invalid cases for every bullet of the issue, near-misses included.
 * Results are `file:line rule` (the message only where the case is about it).
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanRepos, scanRepoFindings } from "./helpers.js";

afterEach(cleanRepos);

/** Scans `files` with the contract (defaults filled in); `file:line rule` per finding, in report order. */
async function findings(files: Record<string, string>, contract: object = {}): Promise<string[]> {
  return (await scanRepoFindings(files, { version: 1, ...contract })).map((f) => `${f.file}:${f.line} ${f.ruleId.replace("production-safety/", "")}`);
}

/** The messages of the findings. */
async function messages(files: Record<string, string>, contract: object = {}): Promise<string[]> {
  return (await scanRepoFindings(files, { version: 1, ...contract })).map((f) => f.message);
}

const GUARD = 'import os\nimport sys\nif os.environ.get("CI") != "true":\n    sys.exit(1)\n';

describe("parsing", () => {
  it("reports a file that does not parse as parse-error (error in a script zone, warning elsewhere), at the syntax error", async () => {
    const found = await scanRepoFindings({ "scripts/a.py": "x = 1\ndef f(:\n    pass\n", "app/b.py": "print((1)\n" }, { version: 1 });
    expect(found.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.severity}`)).toEqual(["app/b.py:1 production-safety/parse-error warning", "scripts/a.py:2 production-safety/parse-error error"]);
    expect(found[1]?.message).toMatch(/^Python syntax error/);
  });

  it("has nothing to say about an empty file", async () => {
    expect(await findings({ "scripts/empty.py": "" })).toEqual([]);
  });

  it("places findings at 1-based lines and UTF-16 columns after non-ASCII text", async () => {
    const found = await scanRepoFindings({ "app/a.py": 'note = "é😀"; cur.execute("DROP TABLE t")\n' }, { version: 1 });
    // "note = \"é😀\"; cur.execute(\"" is 27 UTF-16 code units: the statement starts at column 28.
    expect(found.map((f) => `${f.line}:${f.column}-${f.endColumn}`)).toEqual(["1:28-40"]);
  });

  it("reads an extension-less script with a Python shebang in a script zone, and not outside one", async () => {
    const code = "#!/usr/bin/env python3\nimport os\nos.environ.get('SKIP_CHECKS')\n";
    expect(await findings({ "scripts/nightly": code, "docs/nightly": code })).toEqual(["scripts/nightly:3 no-bypass-env"]);
  });
});

describe("no-bypass-env in Python", () => {
  it("reports every read and write form of a bypass name", async () => {
    const code = [
      "import os",
      "import subprocess",
      "from os import environ as env, getenv",
      'os.environ["SKIP_A"]',
      'os.environ.get("BYPASS_B", "0")',
      'os.getenv("ALLOW_C")',
      'env["SKIP_D"]',
      'getenv("SKIP_E")',
      'os.environ["SKIP_F"] = "1"',
      'os.environ.setdefault("SKIP_G", "1")',
      'os.environ.update({"SKIP_H": "1"})',
      'os.putenv("SKIP_I", "1")',
      'subprocess.run(["x"], env={"SKIP_J": "1"})',
      "copy = os.environ.copy()",
      'copy["SKIP_K"] = "1"',
      'os.environ.get(f"SKIP_{name}")',
      'os.environ.get("NEXT_PUBLIC_SKIP_L")',
      "",
    ].join("\n");
    expect(await findings({ "app/a.py": code })).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17].map((line) => `app/a.py:${line} no-bypass-env`));
  });

  it("reports setting CI to the guard value in code and in a child process's env, not reading it or other values", async () => {
    const code = 'import os, subprocess\nos.environ["CI"] = "true"\nsubprocess.run(["x"], env={**os.environ, "CI": "true"})\nos.environ.get("CI")\nos.environ["CI"] = "false"\n';
    expect(await findings({ "app/a.py": code })).toEqual(["app/a.py:2 no-bypass-env", "app/a.py:3 no-bypass-env"]);
  });

  it("near-misses: a dict that is not the environment, an unknown name, an allowed name, test files", async () => {
    const code = 'import os\nconfig = {}\nconfig["SKIP_A"]\nos.environ.get(name)\nos.environ.get("SKIP_OK")\n';
    const contract = { bypass: { allow: [{ name: "SKIP_OK", reason: "a privacy switch, not a safety check" }] } };
    expect(await findings({ "app/a.py": code, "tests/b.py": 'import os\nos.environ["SKIP_A"] = "1"\n', "app/test_c.py": 'import os\nos.getenv("SKIP_A")\n' }, contract)).toEqual([]);
  });
});

describe("no-destructive-sql in Python", () => {
  it("reports destructive SQL reaching a sink as a literal, f-string, %s placeholders, concatenation, constant, text() and raw()", async () => {
    const code = [
      "from sqlalchemy import text",
      'cur.execute("DELETE FROM users")',
      'cur.execute(f"DROP TABLE {table}")',
      'cur.execute("DELETE FROM users WHERE id = %s", (user_id,))',
      'cur.execute("TRUNCATE " + "sessions")',
      'SQL = "ALTER TABLE users DROP COLUMN legacy"',
      "cur.execute(SQL)",
      'session.execute(text("UPDATE users SET plan = :plan"), {"plan": "free"})',
      'User.objects.raw("DELETE FROM auth_user")',
      'cur.executemany("DELETE FROM t WHERE id = %(id)s", rows)',
      'cur.execute("DELETE FROM {} WHERE 1 = 1".format(table))',
      "",
    ].join("\n");
    // The constant's SQL is reported at its literal (line 6), where the statement is written.
    expect(await findings({ "app/a.py": code })).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11].map((line) => `app/a.py:${line} no-destructive-sql`));
  });

  it("near-misses: English in a print or a log, reads and row updates, unknown SQL, migration folders and tests", async () => {
    const code = 'print("delete from the list")\nlogger.info("DROP TABLE later")\ncur.execute("SELECT * FROM users")\ncur.execute("UPDATE users SET plan = %s WHERE id = %s", (p, i))\ncur.execute(sql)\n';
    const destructive = 'op.execute("DROP TABLE legacy")\n';
    expect(
      await findings({
        "app/a.py": code,
        "alembic/versions/0001_drop.py": destructive,
        "app/db/migrations/versions/0002_drop.py": destructive,
        "catalog/migrations/0003_drop.py": destructive,
        "tests/test_reset.py": destructive,
        "app/reset_test.py": destructive,
        "app/conftest.py": destructive,
      }),
    ).toEqual([]);
  });

  it("keeps a LIKE '%smith%' literal as it is when no parameters are passed (psycopg then sends it unchanged)", async () => {
    expect(await findings({ "app/a.py": "cur.execute(\"DELETE FROM users WHERE name LIKE '%smith%'\")\n" })).toEqual(["app/a.py:1 no-destructive-sql"]);
  });
});

describe("writes: no-unlisted-mutation-script, mutation-scope, no-direct-prisma-cli", () => {
  it("reports a script that writes, once, at its first write; a script that only reads is silent", async () => {
    const writes = `${GUARD}import psycopg2\ncur.execute("SELECT 1")\ncur.execute("INSERT INTO t VALUES (1)")\ncur.execute("INSERT INTO t VALUES (2)")\n`;
    const reads = `${GUARD}import psycopg2\ncur.execute("SELECT 1")\n`;
    expect(await findings({ "scripts/w.py": writes, "scripts/r.py": reads })).toEqual(["scripts/w.py:7 no-unlisted-mutation-script"]);
  });

  it("Choice: Django and SQLAlchemy ORM writes are writes (Python scripts write through them), named by the contract's operations", async () => {
    // Python's data scripts write through the ORM far more often than through SQL, so the ORM calls count;
    // their operations use the contract's words so an entry can name them (a queryset update is updateMany).
    const code = `${GUARD}from app.models import User\nUser.objects.filter(active=False).update(plan="free")\nsession.add(user)\n`;
    expect(await findings({ "scripts/a.py": code }, { mutationScripts: { "scripts/a.py": { operations: ["create"] } } })).toEqual(["scripts/a.py:6 mutation-scope"]);
    expect(await messages({ "scripts/a.py": code }, { mutationScripts: { "scripts/a.py": { operations: ["create"] } } })).toEqual([expect.stringMatching(/^updateMany is not in the operations/)]);
    expect(await findings({ "scripts/a.py": code }, { mutationScripts: { "scripts/a.py": { operations: ["create", "updateMany"] } } })).toEqual([]);
  });

  it("near-misses: dict.pop, set.discard, list.remove, requests.delete and a delete() on another receiver are not writes", async () => {
    const code = `${GUARD}import requests\ncache.pop("k", None)\nseen.discard(x)\nitems.remove(x)\nrequests.delete(url)\nclient.delete("/x")\n`;
    expect(await findings({ "scripts/a.py": code })).toEqual([]);
  });

  it("checks an allowlisted script's SQL tables against its entry", async () => {
    const code = `${GUARD}import psycopg\ncur.execute("UPDATE assets SET duration_ms = 1 WHERE id = 2")\ncur.execute("UPDATE users SET plan = 'x' WHERE id = 2")\n`;
    expect(await findings({ "scripts/a.py": code }, { mutationScripts: { "scripts/a.py": { operations: ["executeRaw"], tables: { assets: "*" } } } })).toEqual(["scripts/a.py:7 mutation-scope"]);
  });

  it("reports a Prisma CLI write run from subprocess or os.system outside scripts; read-only commands are silent", async () => {
    const code = [
      "import asyncio, os, subprocess",
      'subprocess.run(["npx", "prisma", "db", "push"])',
      'os.system("npx prisma migrate deploy && echo done")',
      'subprocess.check_call("prisma migrate reset --force", shell=True)',
      'asyncio.create_subprocess_exec("npx", "prisma", "db", "seed")',
      'subprocess.run(["npx", "prisma", "generate"])',
      'subprocess.run(["npx", "prisma", "migrate", "status"])',
      "",
    ].join("\n");
    expect(await findings({ "tools/a.py": code })).toEqual([2, 3, 4, 5].map((line) => `tools/a.py:${line} no-direct-prisma-cli`));
  });

  it("one problem, one finding: a Prisma CLI write in a script zone is the unlisted script's; allowlisted with the command it is silent", async () => {
    const code = `${GUARD}import subprocess\nsubprocess.run(["npx", "prisma", "migrate", "deploy"])\n`;
    expect(await findings({ "scripts/a.py": code })).toEqual(["scripts/a.py:6 no-unlisted-mutation-script"]);
    expect(await findings({ "scripts/a.py": code }, { mutationScripts: { "scripts/a.py": { operations: ["prisma migrate deploy"] } } })).toEqual([]);
  });
});

describe("deploy-script-only-migrates in Python", () => {
  const contract = { deployScript: "scripts/deploy_db.py", fingerprint: { functions: ["validate_fingerprint"] } };

  it("accepts a deploy script that guards, checks the fingerprint, runs prisma migrate deploy once, logs and exits", async () => {
    const code = [
      '"""Deploys the migrations."""',
      "import subprocess",
      "import sys",
      "from app.env import validate_fingerprint",
      GUARD,
      "def main() -> int:",
      "    validate_fingerprint()",
      '    print("deploying migrations")',
      "    try:",
      '        result = subprocess.run(["npx", "prisma", "migrate", "deploy"], check=False)',
      "    except OSError as error:",
      '        print(error, file=sys.stderr)',
      "        return 1",
      "    return result.returncode",
      'if __name__ == "__main__":',
      "    sys.exit(main())",
      "",
    ].join("\n");
    expect(await findings({ "scripts/deploy_db.py": code }, contract)).toEqual([]);
  });

  it("reports other modules, other work, a second deploy, another Prisma command and a database write", async () => {
    const code = [
      GUARD,
      "import subprocess",
      "import requests",
      'subprocess.run(["npx", "prisma", "migrate", "deploy"])',
      'subprocess.run(["npx", "prisma", "migrate", "deploy"])',
      'subprocess.run(["npx", "prisma", "db", "seed"])',
      'subprocess.run(["./backup.sh"])',
      "for i in range(3):",
      "    pass",
      'cur.execute("INSERT INTO deploys VALUES (1)")',
      "",
    ].join("\n");
    const found = await scanRepoFindings({ "scripts/deploy_db.py": code }, { version: 1, ...contract });
    expect(found.map((f) => `${f.line} ${f.ruleId.replace("production-safety/", "")} ${f.message.split(/[:.(]/)[0]}`)).toEqual([
      '7 deploy-script-only-migrates The deploy script may import only subprocess, sys, os, shlex, logging and the guard and fingerprint modules, not "requests"',
      '9 deploy-script-only-migrates A second "prisma migrate deploy" in the deploy script ',
      '10 deploy-script-only-migrates "prisma db seed" in the deploy script, which runs only "prisma migrate deploy"',
      "11 deploy-script-only-migrates `subprocess",
      "12 deploy-script-only-migrates `for i in range",
      "14 deploy-script-only-migrates Database write ",
    ]);
  });
});

describe("deprecated-script-exits in Python", () => {
  const contract = (...files: string[]): object => ({ deprecatedScripts: files });

  it("accepts a deprecated script that begins with its reason and a non-zero exit, in each Python form", async () => {
    const files = {
      "scripts/a.py": '"""Retired."""\nimport sys\nsys.exit("retired: run scripts/new.py instead")\nimport psycopg2\n',
      "scripts/b.py": 'import sys\nprint("retired: run scripts/new.py", file=sys.stderr)\nsys.exit(1)\n',
      "scripts/c.py": 'raise SystemExit("retired: run scripts/new.py")\n',
      "scripts/d.py": 'raise RuntimeError("retired: run scripts/new.py")\n',
    };
    expect(await findings(files, contract(...Object.keys(files)))).toEqual([]);
  });

  it("reports work before the exit, a client import above it, a silent or zero exit, a message with no exit, and any write", async () => {
    const files = {
      "scripts/a.py": 'import sys\nrows = load()\nsys.exit("retired")\n',
      "scripts/b.py": 'import psycopg2\nimport sys\nsys.exit("retired")\n',
      "scripts/c.py": "import sys\nsys.exit(1)\n",
      "scripts/d.py": 'import sys\nprint("retired", file=sys.stderr)\nsys.exit(0)\n',
      "scripts/e.py": 'print("retired")\ncur.execute("DELETE FROM users WHERE id = 1")\n',
    };
    expect(await findings(files, contract(...Object.keys(files)))).toEqual([
      "scripts/a.py:2 deprecated-script-exits",
      "scripts/b.py:1 deprecated-script-exits",
      "scripts/c.py:2 deprecated-script-exits",
      "scripts/d.py:3 deprecated-script-exits",
      "scripts/e.py:2 deprecated-script-exits",
      "scripts/e.py:2 deprecated-script-exits",
      "scripts/e.py:2 no-destructive-sql",
    ]);
  });
});

describe("require-ci-guard in Python", () => {
  const insert = 'cur.execute("SELECT 1")\n';

  it("reports a client imported with no guard, and one imported above the guard (Python does not hoist: a guard above protects)", async () => {
    expect(await findings({ "scripts/none.py": `import psycopg2\n${insert}`, "scripts/above.py": `import psycopg2\n${GUARD}${insert}`, "scripts/ok.py": `${GUARD}import psycopg2\n${insert}` })).toEqual([
      "scripts/above.py:1 require-ci-guard",
      "scripts/none.py:1 require-ci-guard",
    ]);
  });

  it('a guard inside if __name__ == "__main__": protects only what comes after it there', async () => {
    const late = `import os, sys\nimport sqlalchemy\nif __name__ == "__main__":\n    if os.environ.get("CI") != "true":\n        sys.exit(1)\n    main()\n`;
    const inMain = `import os, sys\nif __name__ == "__main__":\n    if os.environ.get("CI") != "true":\n        sys.exit(1)\n    import sqlalchemy\n`;
    const function_ = `import os, sys\ndef main():\n    import asyncpg\nif __name__ == "__main__":\n    if os.environ.get("CI") != "true":\n        sys.exit(1)\n    main()\n`;
    expect(await findings({ "scripts/late.py": late, "scripts/in_main.py": inMain, "scripts/function.py": function_ })).toEqual(["scripts/late.py:2 require-ci-guard"]);
  });

  it("accepts a ciGuard.functions call, a guard module of ciGuard.modules, a module that begins with the guard, and a same-file guard function", async () => {
    const files = {
      "scripts/guard_mod.py": GUARD,
      "scripts/listed_guard.py": 'print("guarded elsewhere")\n',
      "scripts/a.py": `from ci import require_ci\nrequire_ci()\nimport psycopg\n`,
      "scripts/b.py": `import listed_guard\nimport psycopg\n`,
      "scripts/c.py": `import guard_mod  # noqa\nimport psycopg\n`,
      "scripts/d.py": `import os, sys\ndef check():\n    if os.getenv("CI") != "true":\n        raise SystemExit("CI only")\ncheck()\nimport psycopg\n`,
    };
    expect(await findings(files, { ciGuard: { functions: ["require_ci"], modules: ["scripts/listed_guard.py"] } })).toEqual([]);
  });

  it("follows the client through the repository's own modules (relative and absolute imports)", async () => {
    const files = {
      "app/db.py": "from sqlalchemy import create_engine\nengine = create_engine('')\n",
      "src/pkg/session.py": "from .engine import engine\n",
      "src/pkg/engine.py": "import psycopg\n",
      "scripts/a.py": "from app.db import engine\n",
      "scripts/b.py": "from pkg.session import engine\n",
      "scripts/c.py": "from app import helpers\n",
      "app/helpers.py": "import json\n",
    };
    expect(await findings(files)).toEqual(["scripts/a.py:1 require-ci-guard", "scripts/b.py:1 require-ci-guard"]);
  });

  it("reports a weakened guard with its reason: an extra condition, exit code 0, no exit", async () => {
    const extra = 'import os, sys\nif os.environ.get("CI") != "true" and not DRY:\n    sys.exit(1)\nimport psycopg\n';
    const zero = 'import os, sys\nif os.environ.get("CI") != "true":\n    sys.exit(0)\nimport psycopg\n';
    const logs = 'import os, sys\nif os.environ.get("CI") != "true":\n    print("not in CI")\nimport psycopg\n';
    const caught = 'import os, sys\ntry:\n    if os.environ.get("CI") != "true":\n        raise SystemExit(1)\nexcept BaseException:\n    pass\nimport psycopg\n';
    const texts = await messages({ "scripts/a.py": extra, "scripts/b.py": zero, "scripts/c.py": logs, "scripts/d.py": caught });
    expect(texts[0]).toMatch(/the CI guard on line 2 has an extra condition \(not DRY\)/);
    expect(texts[1]).toMatch(/ends with sys\.exit\(0\), which exits with code 0/);
    expect(texts[2]).toMatch(/does not end the process: it only logs/);
    // The guard raises inside a try whose except goes on: the client still loads.
    expect(texts[3]).toMatch(/^Importing "psycopg" runs before the CI guard on line 3/);
  });

  it("Choice: the messages show the Python fix (sys.exit), not JavaScript's process.exit", async () => {
    // The rule's own message shows JavaScript code; a Python file gets the same message in Python.
    const [text] = await messages({ "scripts/a.py": "import psycopg\n" });
    expect(text).toContain('if os.environ.get("CI") != "true": sys.exit(1)');
    expect(text).not.toContain("process.exit");
  });

  it("an allowlisted script needs a guard even when no client load is visible (line 1)", async () => {
    expect(await findings({ "scripts/a.py": "run()\n" }, { mutationScripts: { "scripts/a.py": { operations: ["executeRaw"] } } })).toEqual(["scripts/a.py:1 require-ci-guard"]);
  });
});

const SAFETY = {
  safety: {
    productionCheck: ["is_production"],
    safetyCheck: ["passes_safety_check"],
    confirm: ["require_confirmation"],
    backup: ["create_backup"],
    environment: { variables: ["ENVIRONMENT"] },
  },
};

describe("require-production-check in Python", () => {
  const only = async (files: Record<string, string>): Promise<string[]> => (await findings(files, SAFETY)).filter((f) => f.endsWith("require-production-check"));

  it("accepts the contract's implementation pattern (seed 000), and RetroVue's own branch on a protection check", async () => {
    const pattern = [
      "def delete_sources(db, sources, force=False):",
      "    if env.is_production():",
      "        safe = []",
      "        for s in sources:",
      "            if passes_safety_check(s):",
      "                safe.append(s)",
      "        sources = safe",
      "    if not force:",
      "        if not require_confirmation(sources):",
      "            return",
      "    for s in sources:",
      "        db.delete(s)",
      "",
    ].join("\n");
    const retrovue = [
      "def perform(db, sources):",
      "    prod = is_production()",
      "    for source in sources:",
      "        if prod and passes_safety_check(db, str(source.id)) is False:",
      "            continue",
      "        delete_one(db, str(source.id))",
      "def delete_one(db, source_id):",
      "    source = db.query(Source).filter(Source.id == source_id).first()",
      "    db.delete(source)",
      "",
    ].join("\n");
    const stop = "def f(db, ts):\n    if is_production():\n        ts = [t for t in ts if passes_safety_check(t)]\n    for t in ts:\n        db.delete(t)\n";
    expect(await only({ "app/a.py": pattern, "app/b.py": retrovue, "app/c.py": stop })).toEqual([]);
  });

  it("reports a destructive call with no production check on some path, and a check whose result is not used", async () => {
    const none = "def f(db, t):\n    db.delete(t)\n";
    const branch = "def f(db, t, quick):\n    if not quick:\n        if is_production() and not passes_safety_check(t):\n            return\n    db.delete(t)\n";
    const unused = "def f(db, t):\n    is_production()\n    db.delete(t)\n";
    expect(await only({ "app/a.py": none, "app/b.py": branch, "app/c.py": unused })).toEqual(["app/a.py:2 require-production-check", "app/b.py:5 require-production-check", "app/c.py:3 require-production-check"]);
  });

  it("reports a target no safety check decided, force in the gate, confirmation first, and a partial batch check", async () => {
    const noCheck = "def f(db, t):\n    if is_production():\n        print('prod')\n    db.delete(t)\n";
    const force = "def f(db, t, args):\n    if is_production() and not args.force:\n        if not passes_safety_check(t):\n            return\n    db.delete(t)\n";
    const confirm = "def f(db, ts):\n    if not require_confirmation(ts):\n        return\n    if is_production():\n        ts = [t for t in ts if passes_safety_check(t)]\n    for t in ts:\n        db.delete(t)\n";
    const first = "def f(db, ts):\n    if is_production() and not passes_safety_check(ts[0]):\n        return\n    for t in ts:\n        db.delete(t)\n";
    const some = "def f(db, ts):\n    if is_production() and not any(passes_safety_check(t) for t in ts):\n        return\n    for t in ts:\n        db.delete(t)\n";
    expect(await only({ "app/a.py": noCheck, "app/b.py": force, "app/c.py": confirm, "app/d.py": first, "app/e.py": some })).toEqual([
      "app/a.py:4 require-production-check",
      "app/b.py:2 require-production-check",
      "app/c.py:2 require-production-check",
      "app/d.py:2 require-production-check",
      "app/e.py:2 require-production-check",
    ]);
  });

  it("follows a destructive helper to its callers, and a target to the argument each caller passes", async () => {
    const checked = "def purge(db, t):\n    db.delete(t)\ndef run(db, ts):\n    if is_production():\n        ts = list(filter(passes_safety_check, ts))\n    for t in ts:\n        purge(db, t)\n";
    const unchecked = "def purge(db, t):\n    db.delete(t)\ndef run(db, ts):\n    is_prod = is_production()\n    for t in ts:\n        purge(db, t)\n";
    expect(await only({ "app/a.py": checked, "app/b.py": unchecked })).toEqual(["app/b.py:2 require-production-check"]);
  });

  it("runs outside scripts too (SPEC §6.18), but not in tests; Choice: not in migrations either", async () => {
    // Migrations are where destructive SQL belongs (an Alembic op.execute("DROP ...")): no production check there.
    const code = 'def f(cur):\n    cur.execute("DELETE FROM t")\n';
    expect(await only({ "lib/a.py": code, "tests/test_a.py": code, "alembic/versions/1_a.py": code })).toEqual(["lib/a.py:2 require-production-check"]);
  });
});

describe("dry-run-by-default in Python", () => {
  const head = `${GUARD}import argparse\nimport psycopg\nfrom app.models import User\n`;
  const del = "User.objects.filter(is_demo=True).delete()";
  const only = async (files: Record<string, string>): Promise<string[]> => (await findings(files, SAFETY)).filter((f) => f.endsWith("dry-run-by-default"));
  const gated = (body: string): string => `${head}def main():\n    if is_production():\n        pass\n${body}`;

  it("reports argparse --dry-run with store_true at the option, when the deletion runs without it", async () => {
    const code = `${head}p = argparse.ArgumentParser()\np.add_argument("--dry-run", action="store_true")\nargs = p.parse_args()\nif not args.dry_run:\n    ${del}\n`;
    expect(await only({ "scripts/a.py": code })).toEqual(["scripts/a.py:9 dry-run-by-default"]);
  });

  it('reports seed 004\'s own mistake: dry_run = "--dry-run" in sys.argv, and dry_run=False passed unless it is given', async () => {
    const code = `${head}def clean(dry_run=True):\n    if dry_run:\n        return\n    ${del}\ndef main():\n    dry_run = "--dry-run" in sys.argv\n    if dry_run:\n        clean(dry_run=True)\n        return\n    clean(dry_run=False)\nmain()\n`;
    expect(await only({ "scripts/a.py": code })).toEqual(["scripts/a.py:13 dry-run-by-default"]);
  });

  it("accepts execution as the opt-in: --apply, a dry_run that defaults to True, a typed confirmation, the contract's confirm", async () => {
    const apply = `${head}p = argparse.ArgumentParser()\np.add_argument("--apply", action="store_true")\nif not p.parse_args().apply:\n    raise SystemExit(0)\n${del}\n`;
    const applyAttr = `${head}p = argparse.ArgumentParser()\np.add_argument("--execute", action="store_true")\nargs = p.parse_args()\nif args.execute:\n    ${del}\n`;
    const typed = `${head}if input("Type DELETE to go on: ") != "DELETE":\n    sys.exit(0)\n${del}\n`;
    const confirm = gated(`    if not require_confirmation():\n        return\n    ${del}\n`);
    const noDry = `${head}p = argparse.ArgumentParser()\np.add_argument("--no-dry-run", action="store_true")\nargs = p.parse_args()\ndry_run = not args.no_dry_run\nif dry_run:\n    sys.exit(0)\n${del}\n`;
    expect(await only({ "scripts/a.py": apply, "scripts/b.py": applyAttr, "scripts/c.py": typed, "scripts/d.py": confirm, "scripts/e.py": noDry })).toEqual([]);
  });

  it("reports a deletion with no dry run at all, once, at the deletion; and a DRY_RUN read from the environment", async () => {
    const none = `${head}${del}\n${del}\n`;
    const env = `${head}if not os.environ.get("DRY_RUN"):\n    ${del}\n`;
    expect(await only({ "scripts/a.py": none, "scripts/b.py": env })).toEqual(["scripts/a.py:8 dry-run-by-default", "scripts/b.py:8 dry-run-by-default"]);
  });

  it("Choice: --force is not an opt-in to execution (it skips a prompt), so a deletion behind `not force and not confirm()` is not gated", async () => {
    // As the JavaScript rule reads it: only --apply-like flags and confirmations make execution the opt-in.
    const code = `${head}force = "--force" in sys.argv\nif not force and not require_confirmation():\n    sys.exit(0)\n${del}\n`;
    expect(await only({ "scripts/a.py": code })).toEqual(["scripts/a.py:11 dry-run-by-default"]);
  });

  it("is silent outside mutation scripts", async () => {
    expect(await only({ "app/a.py": `from app.models import User\n${del}\n` })).toEqual([]);
  });
});

describe("require-backup in Python", () => {
  const head = `${GUARD}import psycopg\nfrom app.models import User\nif "--apply" not in sys.argv:\n    sys.exit(0)\n`;
  const del = "User.objects.all().delete()";
  const only = async (files: Record<string, string>): Promise<string[]> => (await findings(files, SAFETY)).filter((f) => f.endsWith("require-backup"));

  it("accepts a backup before the deletion on every path; reports one after it, or on one branch only", async () => {
    const before = `${head}create_backup("users")\n${del}\n`;
    const after = `${head}${del}\ncreate_backup("users")\n`;
    const branch = `${head}if quick:\n    pass\nelse:\n    create_backup("users")\n${del}\n`;
    expect(await only({ "scripts/a.py": before, "scripts/b.py": after, "scripts/c.py": branch })).toEqual(["scripts/b.py:9 require-backup", "scripts/c.py:13 require-backup"]);
  });

  it("reports an async backup of the same file that is not awaited, and accepts an awaited one", async () => {
    const asyncDef = "async def create_backup(label):\n    pass\n";
    const unawaited = `${head}${asyncDef}async def main():\n    create_backup("users")\n    ${del}\n`;
    const awaited = `${head}${asyncDef}async def main():\n    await create_backup("users")\n    ${del}\n`;
    const found = await scanRepoFindings({ "scripts/a.py": unawaited, "scripts/b.py": awaited }, { version: 1, ...SAFETY });
    expect(found.filter((f) => f.ruleId.endsWith("require-backup")).map((f) => `${f.file}:${f.line} ${f.message.split(":")[0]}`)).toEqual([
      "scripts/a.py:13 User.objects.all(…).delete() deletes data while the backup started on line 12 may still be running",
    ]);
  });
});

describe("env-fail-closed in Python", () => {
  const head = `${GUARD}import psycopg\n`;
  const only = async (files: Record<string, string>): Promise<string[]> => (await findings(files, SAFETY)).filter((f) => f.endsWith("env-fail-closed"));

  it('reports a fallback other than "production", an unknown fallback, `or "dev"`, and a comparison with no fallback', async () => {
    const code = `${head}a = os.getenv("ENVIRONMENT", "development")\nb = os.environ.get("ENVIRONMENT", default_env)\nc = os.environ.get("ENVIRONMENT") or "dev"\nif os.environ.get("ENVIRONMENT") == "production":\n    pass\nenv = os.getenv("ENVIRONMENT")\nif env.lower() in ("production", "prod"):\n    pass\n`;
    expect(await only({ "scripts/a.py": code })).toEqual([6, 7, 8, 9, 12].map((line) => `scripts/a.py:${line} env-fail-closed`));
  });

  it('accepts "production" as the fallback, os.environ["ENVIRONMENT"] (KeyError when unset), a stop when unset, and non-mutation scripts', async () => {
    const ok = `${head}a = os.getenv("ENVIRONMENT", "production").lower()\nb = os.environ["ENVIRONMENT"] == "production"\nif not os.environ.get("ENVIRONMENT"):\n    sys.exit("ENVIRONMENT is not set")\nif os.environ.get("ENVIRONMENT") == "production":\n    pass\n`;
    expect(await only({ "scripts/a.py": ok, "scripts/b.py": 'import os\nos.getenv("ENVIRONMENT", "development")\n', "app/c.py": `${head}os.getenv("ENVIRONMENT", "dev")\n` })).toEqual([]);
  });
});
