/**
 * End to end: `contract-scan` (in this process) on fixtures/sources, a small repository of non-JavaScript
 * sources (package.json scripts in two packages, a workflow, a shell script, a Dockerfile) and a deploy
 * pipeline with an extra step. The JSON report is compared with tests/e2e/sources.expected.json, reviewed by hand:
 * - findings: a Prisma write in a script and in a nested package that are not allowlisted, a bypass name
 *   set (VAR=1, workflow job env, Dockerfile ARG) and read (`${ALLOW_RESET:-}`), CI=true in front of a
 *   script that runs a Prisma write, `npm run seed` between two pipeline steps;
 * - silent: allowlisted `package.json#db:deploy`, `apps/web/package.json#db:push` and the Dockerfile's
 *   exec-form `migrate deploy`, `SKIP_ENV_VALIDATION` (bypass.allow), `CI: true` in the workflow
 *   (CI configuration), `CI=true vitest run`, a pwsh step, `prisma generate`, a bypass name in an echo.
 * Regenerate with `UPDATE_EXPECTED=1 npx vitest run tests/e2e/sources.test.ts` and review the diff.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectGolden, PACKAGE_ROOT, type Run, runHere, withoutDuration } from "./helpers.js";

const FIXTURE = path.join(PACKAGE_ROOT, "fixtures/sources");
const EXPECTED = path.join(import.meta.dirname, "sources.expected.json");

describe("contract-scan fixtures/sources", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runHere([FIXTURE, "--format", "json"]);
  });

  it("exits 1 and reports exactly the reviewed findings", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    const actual = withoutDuration(run.stdout);
    expectGolden(actual, EXPECTED);
  });

  it("counts the non-JavaScript sources as scanned files", () => {
    const report = JSON.parse(run.stdout) as { summary: { files: number } };
    // package.json x2, ci.yml, reset.sh, infra/Dockerfile, verify.js, backup.js.
    expect(report.summary.files).toBe(7);
  });
});
