// The zone classifier (SPEC §6.2): one zone per file, ignore > tests > migrations > scripts > app.
import { describe, expect, it } from "vitest";
import { defaultContract, validateContract } from "../src/contract.js";
import { classifyZone, type Zone } from "../src/zones.js";

const defaults = defaultContract();

describe("default globs", () => {
  it.each<[string, Zone]>([
    ["scripts/a.ts", "scripts"],
    ["scripts/nested/deep/a.mjs", "scripts"],
    ["apps/web/scripts/a.ts", "scripts"],
    ["bin/x.js", "scripts"],
    ["packages/cli/bin/run.cjs", "scripts"],
    ["packages/db/prisma/migrations/2024/migration.sql", "migrations"],
    ["prisma/migrations/20240101_init/migration.sql", "migrations"],
    ["migrations/001.sql", "migrations"],
    ["db/migrations/x.js", "migrations"],
    ["src/a.test.ts", "tests"],
    ["src/a.spec.tsx", "tests"],
    ["__tests__/a.ts", "tests"],
    ["src/__tests__/deep/a.ts", "tests"],
    ["test/a.ts", "tests"],
    ["tests/a.ts", "tests"],
    ["e2e/x.spec.ts", "tests"],
    ["e2e/helpers.ts", "tests"],
    ["src/index.ts", "app"],
    ["apps/web/src/page.tsx", "app"],
    ["index.js", "app"],
    ["src/.hidden/a.ts", "app"],
    [".scripts/a.ts", "app"],
    ["scriptsx/a.ts", "app"],
    ["src/binary.ts", "app"],
    ["src/testing/a.ts", "app"],
  ])("%s is %s", (file, zone) => {
    expect(classifyZone(file, defaults)).toBe(zone);
  });

  it("a scripts/migrations/ data-fix folder is a script zone, not a migration (SPEC §2)", () => {
    expect(classifyZone("apps/web/scripts/migrations/fix.ts", defaults)).toBe("scripts");
    expect(classifyZone("scripts/migrations/2024-backfill.ts", defaults)).toBe("scripts");
  });

  it("migrations/ and db/migrations/ count only at the root by default", () => {
    expect(classifyZone("packages/api/migrations/001.sql", defaults)).toBe("app");
    expect(classifyZone("packages/api/db/migrations/001.sql", defaults)).toBe("app");
  });

  it("matches dot folders inside zones", () => {
    expect(classifyZone("scripts/.internal/a.ts", defaults)).toBe("scripts");
    expect(classifyZone("prisma/migrations/.keep/x.sql", defaults)).toBe("migrations");
  });
});

describe("order ignore > tests > migrations > scripts > app", () => {
  it("tests win over scripts and migrations", () => {
    expect(classifyZone("scripts/a.test.ts", defaults)).toBe("tests");
    expect(classifyZone("scripts/__tests__/a.ts", defaults)).toBe("tests");
    expect(classifyZone("prisma/migrations/a.spec.ts", defaults)).toBe("tests");
  });

  it("migrations win over scripts", () => {
    expect(classifyZone("scripts/prisma/migrations/1/migration.sql", defaults)).toBe("migrations");
    const contract = validateContract({ version: 1, migrations: ["scripts/migrations/**"] }, null);
    expect(classifyZone("scripts/migrations/fix.ts", contract)).toBe("migrations");
  });

  it("ignore wins over everything", () => {
    const contract = validateContract({ version: 1, ignore: ["**/generated/**", "scripts/legacy/**", "tests/fixtures/**"] }, null);
    expect(classifyZone("scripts/legacy/a.ts", contract)).toBe("ignore");
    expect(classifyZone("tests/fixtures/a.test.ts", contract)).toBe("ignore");
    expect(classifyZone("prisma/migrations/generated/x.sql", contract)).toBe("ignore");
    expect(classifyZone("scripts/a.ts", contract)).toBe("scripts");
  });
});

describe("paths outside the root", () => {
  it.each(["../x", "../x.ts", "../scripts/a.ts", "../../repo/tests/a.test.ts", ".."])("%s is app code", (file) => {
    expect(classifyZone(file, defaults)).toBe("app");
  });

  it("is app code even when a glob would match it", () => {
    const contract = validateContract({ version: 1, scripts: ["**"] }, null);
    expect(classifyZone("../x.ts", contract)).toBe("app");
    expect(classifyZone("/abs/scripts/a.ts", contract)).toBe("app");
    expect(classifyZone("C:/repo/scripts/a.ts", contract)).toBe("app");
  });

  it("a file whose name holds a colon is inside the root", () => {
    expect(classifyZone("c:x.ts", validateContract({ version: 1, scripts: ["**"] }, null))).toBe("scripts");
  });

  it("a folder whose name starts with two dots is inside the root", () => {
    expect(classifyZone("..scripts/a.ts", validateContract({ version: 1, scripts: ["..scripts/**"] }, null))).toBe("scripts");
  });
});

describe("custom globs from a contract", () => {
  const contract = validateContract(
    {
      version: 1,
      scripts: ["tools/**", "ops/*.ts"],
      migrations: ["database/changes/**"],
      tests: ["spec/**"],
      ignore: ["vendor/**"],
    },
    null,
  );

  it.each<[string, Zone]>([
    ["tools/seed.ts", "scripts"],
    ["ops/fix.ts", "scripts"],
    ["ops/deep/fix.ts", "app"],
    ["scripts/a.ts", "app"],
    ["bin/x.js", "app"],
    ["database/changes/001.sql", "migrations"],
    ["prisma/migrations/1/migration.sql", "app"],
    ["spec/a.ts", "tests"],
    ["src/a.test.ts", "app"],
    ["vendor/lib.js", "ignore"],
  ])("%s is %s", (file, zone) => {
    expect(classifyZone(file, contract)).toBe(zone);
  });

  it("an empty list matches nothing", () => {
    const none = validateContract({ version: 1, scripts: [], tests: [], migrations: [] }, null);
    expect(classifyZone("scripts/a.ts", none)).toBe("app");
    expect(classifyZone("src/a.test.ts", none)).toBe("app");
    expect(classifyZone("migrations/1.sql", none)).toBe("app");
  });

  it("supports picomatch syntax (braces)", () => {
    const braces = validateContract({ version: 1, scripts: ["{jobs,tasks}/**/*.{ts,js}"] }, null);
    expect(classifyZone("jobs/a.ts", braces)).toBe("scripts");
    expect(classifyZone("tasks/x/b.js", braces)).toBe("scripts");
    expect(classifyZone("tasks/x/b.json", braces)).toBe("app");
  });

  it("answers each contract with its own globs (no cross-contract cache)", () => {
    const a = validateContract({ version: 1, scripts: ["a/**"] }, null);
    const b = validateContract({ version: 1, scripts: ["b/**"] }, null);
    expect(classifyZone("a/x.ts", a)).toBe("scripts");
    expect(classifyZone("a/x.ts", b)).toBe("app");
    expect(classifyZone("b/x.ts", b)).toBe("scripts");
  });
});
