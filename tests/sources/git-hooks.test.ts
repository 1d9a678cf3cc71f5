/**
 * Git hooks in contract-scan (issue 16 item 3, issue 13 item 6): husky hooks (`.husky/*`, with or without
 * a shebang, not husky's generated `.husky/_/`), `.githooks/*` (core.hooksPath), lefthook's `run:` and
 * pre-commit's `entry:` are read as shell sources (src/sources/shell-script.ts, src/sources/hook-config.ts)
 * outside script zones. A Prisma CLI write there is a `no-direct-prisma-cli` finding unless the file is
 * allowlisted for it; `prisma generate` and the other read-only commands are not writes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { discoverFiles, nonJsSourceKind } from "../../src/discover.js";
import { draftContract } from "../../src/init.js";
import { validateContract } from "../../src/contract.js";
import { cleanRepos, scanRepo } from "./helpers.js";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

afterEach(cleanRepos);

const WRITE = (command: string): string => `no-direct-prisma-cli "${command}" writes to the database, and this file may not run it`;

describe("Git hook scripts", () => {
  it("reads husky hooks with and without a shebang, and .githooks/*", async () => {
    const files = {
      // husky 9: no shebang.
      ".husky/post-merge": "npx prisma db push\n",
      // husky 4-8: a shebang and husky.sh sourced.
      ".husky/post-checkout": '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nnpx prisma migrate reset --force\n',
      ".githooks/pre-push": "#!/bin/bash\nset -e\npnpm exec prisma migrate deploy\n",
    };
    expect(await scanRepo(files)).toEqual([
      `.githooks/pre-push:3:1 ${WRITE("prisma migrate deploy")}`,
      `.husky/post-checkout:4:1 ${WRITE("prisma migrate reset")}`,
      `.husky/post-merge:1:1 ${WRITE("prisma db push")}`,
    ]);
  });

  it("is silent for hooks that only read, print or generate", async () => {
    const files = {
      ".husky/pre-commit": "npx lint-staged\nnpx prisma generate\nnpx prisma validate\n",
      ".husky/post-merge": 'echo "run npx prisma migrate deploy yourself"\n',
      ".githooks/post-checkout": "prisma migrate status\n",
    };
    expect(await scanRepo(files)).toEqual([]);
  });

  it("Choice: husky's generated .husky/_/ wrappers, other files of the hook folders and hooks run by another program are not read as hooks", async () => {
    // .husky/_/ is written by husky at install (and gitignored by it): what runs is the hook in .husky/.
    // A hook with a node shebang is not shell; README-like files with an extension are not hooks.
    const files = {
      ".husky/_/post-merge": "npx prisma db push\n",
      ".husky/README.md": "npx prisma db push\n",
      ".githooks/notes.txt": "npx prisma migrate deploy\n",
      ".githooks/pre-push": '#!/usr/bin/env node\nconsole.log("npx prisma db push");\n',
    };
    expect(await scanRepo(files)).toEqual([]);
    expect(nonJsSourceKind(".husky/_/post-merge", "none")).toBeUndefined();
    expect(nonJsSourceKind(".husky/post-merge", "none")).toBe("git-hook");
    expect(nonJsSourceKind(".husky/post-merge", "other")).toBeUndefined();
    expect(nonJsSourceKind("apps/web/.husky/pre-commit", "none")).toBe("git-hook");
  });

  it("allowlists a hook by its path with the command in its operations", async () => {
    const contract = { version: 1, mutationScripts: { ".husky/post-merge": { operations: ["prisma migrate deploy"] } } };
    expect(await scanRepo({ ".husky/post-merge": "npx prisma migrate deploy\nnpx prisma db push\n" }, contract)).toEqual([`.husky/post-merge:2:1 ${WRITE("prisma db push")}`]);
  });

  it("reports a hook that is not shell as a parse-error", async () => {
    expect(await scanRepo({ ".husky/pre-commit": "if then fi (\n" })).toEqual([expect.stringMatching(/^\.husky\/pre-commit:1:\d+ parse-error /)]);
  });
});

describe("lefthook", () => {
  it("reads every run: (commands, jobs, groups) as shell, at its place in the file", async () => {
    const text = [
      "post-merge:",
      "  commands:",
      "    db:",
      "      run: npx prisma db push",
      "pre-push:",
      "  jobs:",
      "    - name: deploy",
      "      run: |",
      "        npm test",
      "        npx prisma migrate deploy",
      "    - group:",
      "        jobs:",
      "          - run: pnpm prisma migrate reset --force",
      "",
    ].join("\n");
    expect(await scanRepo({ "lefthook.yml": text })).toEqual([
      `lefthook.yml:4:12 ${WRITE("prisma db push")}`,
      `lefthook.yml:10:9 ${WRITE("prisma migrate deploy")}`,
      `lefthook.yml:13:18 ${WRITE("prisma migrate reset")}`,
    ]);
  });

  it("is silent for prisma generate, a printed command and the other keys; a template where a command word belongs fails closed", async () => {
    const quiet = [
      "pre-commit:",
      "  parallel: true",
      "  commands:",
      "    gen:",
      "      glob: 'prisma/*.prisma'",
      "      run: npx prisma generate && npx prisma format {staged_files}",
      "    say:",
      "      run: echo prisma migrate deploy",
      "",
    ].join("\n");
    expect(await scanRepo({ ".lefthook.yml": quiet })).toEqual([]);
    expect(await scanRepo({ "lefthook.yaml": "post-checkout:\n  commands:\n    db:\n      run: npx prisma migrate {0}\n" })).toEqual([
      expect.stringMatching(/^lefthook\.yaml:4:12 no-direct-prisma-cli "prisma migrate <unknown>" cannot be read statically/),
    ]);
  });

  it("reports invalid YAML and a run: that is not shell as parse-errors", async () => {
    expect(await scanRepo({ "lefthook.yml": "pre-commit: [\n" })).toEqual([expect.stringMatching(/^lefthook\.yml:\d+:\d+ parse-error invalid YAML/)]);
    expect(await scanRepo({ "lefthook.yml": "pre-commit:\n  commands:\n    x:\n      run: echo 'open\n" })).toEqual([expect.stringMatching(/^lefthook\.yml:4:\d+ parse-error run is not valid shell/)]);
  });
});

describe("pre-commit", () => {
  it("reads each hook's entry with its args as a command", async () => {
    const text = [
      "repos:",
      "  - repo: local",
      "    hooks:",
      "      - id: db",
      "        name: push the schema",
      "        entry: npx prisma db push",
      "        language: system",
      "        pass_filenames: false",
      "      - id: reset",
      "        name: reset",
      "        entry: npx prisma",
      "        args: [migrate, reset, --force]",
      "        language: system",
      "",
    ].join("\n");
    expect(await scanRepo({ ".pre-commit-config.yaml": text })).toEqual([
      `.pre-commit-config.yaml:6:16 ${WRITE("prisma db push")}`,
      `.pre-commit-config.yaml:11:16 ${WRITE("prisma migrate reset")}`,
    ]);
  });

  it("is silent for a pygrep or fail hook (the entry is a pattern or a message), prisma generate, and remote hooks", async () => {
    const text = [
      "repos:",
      "  - repo: https://github.com/pre-commit/pre-commit-hooks",
      "    rev: v4.6.0",
      "    hooks:",
      "      - id: trailing-whitespace",
      "  - repo: local",
      "    hooks:",
      "      - id: no-deploy",
      "        name: no deploy in code",
      "        entry: 'prisma migrate deploy'",
      "        language: pygrep",
      "      - id: never",
      "        name: never",
      "        entry: npx prisma db push is not allowed here",
      "        language: fail",
      "      - id: gen",
      "        name: generate",
      "        entry: npx prisma generate",
      "        language: system",
      "",
    ].join("\n");
    expect(await scanRepo({ ".pre-commit-config.yaml": text })).toEqual([]);
  });
});

describe("discovery of the hook sources", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it("finds the hook files as it finds the other sources: .gitignore and the contract's ignore respected", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "ps-hooks-"));
    roots.push(root);
    const files: Record<string, string> = {
      ".husky/pre-commit": "npx lint-staged\n",
      ".husky/_/pre-commit": '. "$(dirname "$0")/h"\n',
      ".husky/.gitignore": "_\n",
      ".githooks/post-merge": "npx prisma generate\n",
      "lefthook.yml": "pre-commit: {}\n",
      ".pre-commit-config.yaml": "repos: []\n",
      "vendor/.githooks/pre-push": "npx prisma db push\n",
      "old/.husky/pre-commit": "npx prisma db push\n",
      ".gitignore": "old/\n",
    };
    for (const [relative, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), text);
    }
    const found = await discoverFiles(root, validateContract({ version: 1, ignore: ["vendor/**"] }, null));
    expect(found.map((f) => path.relative(root, f).split(path.sep).join("/"))).toEqual([".githooks/post-merge", ".husky/pre-commit", ".pre-commit-config.yaml", "lefthook.yml"]);
  });

  it("init drafts a hook's Prisma write with the hook advice, and names a hook that drops data", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "ps-hooks-init-"));
    roots.push(root);
    mkdirSync(path.join(root, ".husky"));
    writeFileSync(path.join(root, ".husky/post-merge"), "npx prisma migrate deploy\n");
    writeFileSync(path.join(root, "lefthook.yml"), "post-checkout:\n  commands:\n    db:\n      run: npx prisma migrate reset --force\n");
    const draft = await draftContract(root);
    expect(draft.contract.mutationScripts).toEqual({ ".husky/post-merge": { operations: ["prisma migrate deploy"] } });
    expect(draft.decide.some((line) => line.startsWith(".husky/post-merge (Git hook) runs prisma migrate deploy") && line.includes("a hook should not write to a database"))).toBe(true);
    expect(draft.dataLossPlaces).toEqual(["lefthook.yml"]);
  });
});
