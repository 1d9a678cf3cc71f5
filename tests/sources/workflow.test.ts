/**
 * GitHub Actions workflows in contract-scan (src/sources/workflow.ts): env blocks at workflow, job and
 * step level, run steps (literal, plain and quoted scalars), CI configuration exempt from the CI=true
 * check (SPEC §6.6), allowlisting by the workflow's path (§6.4), non-POSIX shells, parse errors.
 */
import { afterEach, describe, expect, it } from "vitest";
import { withoutExpressions } from "../../src/sources/workflow.js";
import { cleanRepos, scanRepo } from "./helpers.js";

afterEach(cleanRepos);

const WORKFLOW = `name: release
env:
  SKIP_ENV_VALIDATION: true
  CI: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      BYPASS_CHECKS: "1"
    steps:
      - run: npm ci
      - env:
          ALLOW_SEED: yes
        run: |
          npx prisma generate
          CI=true npx prisma migrate deploy
          echo "$SKIP_TESTS"
      - run: "npx prisma db push --accept-data-loss"
      - shell: pwsh
        run: npx prisma migrate reset --force
`;

describe("workflows", () => {
  it("is silent for an empty workflow and one without findings", async () => {
    expect(await scanRepo({ ".github/workflows/empty.yml": "" })).toEqual([]);
    expect(await scanRepo({ ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: npx prisma migrate dev && npm test\n" })).toEqual([]);
  });

  it("reports env keys at every level, run steps with positions in the file, and never CI=true there", async () => {
    expect(await scanRepo({ ".github/workflows/release.yml": WORKFLOW })).toEqual([
      '.github/workflows/release.yml:3:3 no-bypass-env Environment variable "SKIP_ENV_VALIDATION" matches the bypass pattern "SKIP_*"',
      '.github/workflows/release.yml:9:7 no-bypass-env Environment variable "BYPASS_CHECKS" matches the bypass pattern "BYPASS_*"',
      '.github/workflows/release.yml:13:11 no-bypass-env Environment variable "ALLOW_SEED" matches the bypass pattern "ALLOW_*"',
      '.github/workflows/release.yml:16:11 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it',
      '.github/workflows/release.yml:17:17 no-bypass-env Environment variable "SKIP_TESTS" matches the bypass pattern "SKIP_*"',
      '.github/workflows/release.yml:18:15 no-direct-prisma-cli "prisma db push" writes to the database, and this file may not run it',
    ]);
  });

  it("allowlists the workflow path for the commands in its operations (§6.4), .yaml too", async () => {
    const contract = { version: 1, mutationScripts: { ".github/workflows/release.yaml": { operations: ["prisma migrate deploy"] } } };
    const run = "on: push\njobs:\n  d:\n    steps:\n      - run: npx prisma migrate deploy\n      - run: npx prisma migrate resolve --applied x\n";
    expect(await scanRepo({ ".github/workflows/release.yaml": run }, contract)).toEqual([
      '.github/workflows/release.yaml:6:14 no-direct-prisma-cli "prisma migrate resolve" writes to the database, and this file may not run it',
    ]);
  });

  it("reads GitHub expressions as unknown words, not shell syntax", async () => {
    expect(withoutExpressions('echo "${{ github.ref }}" x')).toBe(`echo "${"\uE000".repeat(17)}" x`);
    const run = 'on: push\njobs:\n  d:\n    steps:\n      - run: |\n          if [ "${{ github.event_name }}" = push ]; then npx prisma db seed; fi\n';
    expect(await scanRepo({ ".github/workflows/seed.yml": run })).toEqual(['.github/workflows/seed.yml:6:58 no-direct-prisma-cli "prisma db seed" writes to the database, and this file may not run it']);
  });

  it("turns invalid YAML and a run step that is not shell into parse-error findings", async () => {
    expect(await scanRepo({ ".github/workflows/bad.yml": "jobs: [\n" })).toEqual([".github/workflows/bad.yml:2:1 parse-error invalid YAML"]);
    expect(await scanRepo({ ".github/workflows/bad.yml": "jobs:\n  a:\n    steps:\n      - run: echo 'open\n" })).toEqual([".github/workflows/bad.yml:4:19 parse-error run step is not valid shell"]);
  });
});
