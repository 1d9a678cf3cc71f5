/**
 * Dockerfiles in contract-scan (src/sources/dockerfile.ts): ENV and ARG names, RUN in shell form (with
 * continuations and comment lines) and exec form, CI=true set by ENV before a RUN that writes (SPEC §6.6),
 * allowlisting by the Dockerfile's path (§6.4).
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanRepos, scanRepo } from "./helpers.js";

afterEach(cleanRepos);

describe("Dockerfiles", () => {
  it("is silent for an empty Dockerfile and one that only builds", async () => {
    expect(await scanRepo({ Dockerfile: "" })).toEqual([]);
    expect(await scanRepo({ Dockerfile: "FROM node:20\nENV NODE_ENV=production\nRUN npm ci && npx prisma generate\nCMD [\"node\", \"server.js\"]\n" })).toEqual([]);
  });

  it("reports ENV/ARG bypass names, RUN writes in shell and exec form, and ENV CI=true before a writing RUN", async () => {
    const text = [
      "FROM node:20",
      "ARG SKIP_ENV_VALIDATION=1",
      "ENV CI=true",
      "RUN npm ci && \\",
      "  # migrate while building",
      "  npx prisma migrate deploy",
      'RUN ["npx", "prisma", "db", "push"]',
      "",
    ].join("\n");
    expect(await scanRepo({ "docker/app.Dockerfile": text })).toEqual([
      'docker/app.Dockerfile:2:5 no-bypass-env Environment variable "SKIP_ENV_VALIDATION" matches the bypass pattern "SKIP_*"',
      'docker/app.Dockerfile:3:5 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI',
      'docker/app.Dockerfile:6:3 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it',
      'docker/app.Dockerfile:7:6 no-direct-prisma-cli "prisma db push" writes to the database, and this file may not run it',
    ]);
  });

  it("is silent for ENV CI=true when nothing after it writes, and allowlists the Dockerfile path", async () => {
    expect(await scanRepo({ Dockerfile: "FROM node:20\nENV CI=true\nRUN npm ci && npm test\n" })).toEqual([]);
    const contract = { version: 1, mutationScripts: { Dockerfile: { operations: ["prisma migrate deploy"] } } };
    expect(await scanRepo({ Dockerfile: "FROM node:20\nCMD npx prisma migrate deploy && node server.js\n" }, contract)).toEqual([]);
  });

  it("reads the command line of an exec form that runs a shell with -c (CMD, ENTRYPOINT, RUN; sh, bash, /bin/sh, options before -c)", async () => {
    const text = [
      "FROM node:20",
      'CMD ["sh", "-c", "npx prisma migrate deploy && node server.js"]',
      'ENTRYPOINT ["/bin/sh", "-c", "npx prisma db push --accept-data-loss; exec node server.js"]',
      'RUN ["bash", "-e", "-o", "pipefail", "-c", "SKIP_ENV_VALIDATION=1 npx prisma db seed"]',
      'CMD [ "/usr/bin/env", "bash", "-lc", "npx prisma migrate deploy" ]',
      "",
    ].join("\n");
    expect(await scanRepo({ Dockerfile: text })).toEqual([
      'Dockerfile:2:19 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it',
      'Dockerfile:3:31 no-direct-prisma-cli "prisma db push" writes to the database, and this file may not run it',
      'Dockerfile:4:45 no-bypass-env Environment variable "SKIP_ENV_VALIDATION" matches the bypass pattern "SKIP_*"',
      'Dockerfile:4:45 no-direct-prisma-cli "prisma db seed" writes to the database, and this file may not run it',
      'Dockerfile:5:7 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it',
    ]);
  });

  it("reads an exec form's strings as JSON (spaces, escapes, line continuations), and the $ of a shell line as the shell's", async () => {
    const text = [
      "FROM node:20",
      'CMD ["sh", "-c", "echo \\"start\\" && \\',
      '  npx prisma migrate deploy && node server.js --port $PORT"]',
      "",
    ].join("\n");
    expect(await scanRepo({ Dockerfile: text })).toEqual(['Dockerfile:3:3 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it']);
  });

  it("reads CMD's first string as the line when the stage's ENTRYPOINT is a shell with -c and no line", async () => {
    const text = ["FROM node:20", 'ENTRYPOINT ["/bin/sh", "-c"]', 'CMD ["npx prisma migrate deploy && node server.js"]', ""].join("\n");
    expect(await scanRepo({ Dockerfile: text })).toEqual(['Dockerfile:3:7 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it']);
    // Another stage's ENTRYPOINT is not this CMD's.
    const staged = ["FROM node:20 AS build", 'ENTRYPOINT ["/bin/sh", "-c"]', "FROM node:20", 'CMD ["npx prisma migrate deploy"]', ""].join("\n");
    expect(await scanRepo({ Dockerfile: staged })).toEqual([]);
  });

  it("is silent for near-misses: the words printed by a shell, prisma generate through sh -c, a shell running a file, the shell form of an allowlisted Dockerfile", async () => {
    const text = [
      "FROM node:20",
      'RUN ["sh", "-c", "echo prisma migrate deploy"]',
      'RUN ["/bin/sh", "-c", "npx prisma generate && npm run build"]',
      'CMD ["sh", "scripts/start.sh"]',
      'CMD ["node", "-e", "console.log(\\"prisma migrate deploy\\")"]',
      "",
    ].join("\n");
    expect(await scanRepo({ Dockerfile: text })).toEqual([]);
    const contract = { version: 1, mutationScripts: { Dockerfile: { operations: ["prisma migrate deploy"] } } };
    expect(await scanRepo({ Dockerfile: 'FROM node:20\nCMD ["sh", "-c", "npx prisma migrate deploy && node server.js"]\n' }, contract)).toEqual([]);
  });

  it("reads an exec form that is not JSON as the shell form, as Docker does, and reports a -c line that is not shell", async () => {
    // Single quotes are not JSON: Docker runs `['npx', ...]` through /bin/sh as a shell command line.
    expect(await scanRepo({ Dockerfile: "FROM node:20\nCMD ['npx', 'prisma', 'migrate', 'deploy']\n" })).toEqual([]);
    expect(await scanRepo({ Dockerfile: 'FROM node:20\nCMD ["sh", "-c", "npx prisma migrate deploy && (node server.js"]\n' })).toEqual([
      "Dockerfile:2:48 parse-error CMD runs a shell command line that is not valid shell",
    ]);
  });

  it("turns a RUN that is not shell into a parse-error finding", async () => {
    expect(await scanRepo({ "Dockerfile.prod": "FROM node:20\nRUN echo 'open\n" })).toEqual(["Dockerfile.prod:2:10 parse-error RUN is not valid shell"]);
  });
});

describe("Dockerfiles: long instructions (issue 14)", () => {
  it("reports a RUN of 10,000 commands joined by && as not read, and reads one of 10,000 continued lines", async () => {
    // Before: "internal error while checking this file: Maximum call stack size exceeded" (the shell tree's
    // walk). A chain longer than MAX_SHELL_NESTING is a reading problem of that RUN (src/analysis/shell.ts).
    const chained = `FROM node:20\nRUN echo a${" \\\n  && echo b".repeat(10_000)} \\\n  && SKIP_CHECKS=1 npx prisma db push\n`;
    expect(await scanRepo({ Dockerfile: chained })).toEqual(["Dockerfile:2:5 parse-error RUN is not valid shell"]);
    const words = `FROM node:20\nENV ${Array.from({ length: 10_000 }, (_, i) => `A${i}=1`).join(" \\\n  ")} \\\n  SKIP_X=1\n`;
    expect(await scanRepo({ Dockerfile: words })).toEqual(['Dockerfile:10002:3 no-bypass-env Environment variable "SKIP_X" matches the bypass pattern "SKIP_*"']);
  });
});
