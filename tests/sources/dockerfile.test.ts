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

  it("turns a RUN that is not shell into a parse-error finding", async () => {
    expect(await scanRepo({ "Dockerfile.prod": "FROM node:20\nRUN echo 'open\n" })).toEqual(["Dockerfile.prod:2:10 parse-error RUN is not valid shell"]);
  });
});
