/**
 * A contract that sets every key of the schema, for the tests that need all of them at once (validation of
 * a full contract in tests/contract.test.ts; a seed of the contract fuzz in tests/hostile/fuzz.test.ts).
 * Its paths are example-app's (`scripts/deploy-db.js`, `.github/workflows/release.yml`). A function, so
 * that each caller gets its own copy to change.
 */
export function fullContract() {
  return {
    version: 1,
    scripts: ["scripts/**"],
    migrations: ["prisma/migrations/**"],
    tests: ["**/*.test.ts"],
    ignore: ["vendor/**"],
    dataLayer: ["src/repositories/**"],
    dbClients: ["@prisma/client", "src/db.ts"],
    prismaSchema: "prisma/schema.prisma",
    ciGuard: { env: "CI", equals: "true", functions: ["assertCi"], modules: ["./scripts/ci-guard.js"] },
    bypass: { patterns: ["SKIP_*"], allow: [{ name: "SKIP_E2E", reason: "E2E is optional on forks" }] },
    mutationScripts: {
      "scripts/backfill.ts": { operations: ["updateMany"], tables: { User: ["email"], Post: "*" } },
      "package.json#db:deploy": { operations: ["prisma migrate deploy"] },
      ".github/workflows/release.yml": { operations: ["prisma migrate deploy"] },
    },
    deprecatedScripts: ["scripts/old.ts"],
    deployScript: "scripts/deploy-db.js",
    deployPipeline: { script: "deploy", steps: ["predeploy", "backup:production", "deploy:db"] },
    fingerprint: { functions: ["assertFingerprint"], factories: ["createClient"] },
    safety: {
      productionCheck: ["isProduction"],
      safetyCheck: ["passesSafetyCheck"],
      confirm: ["requireConfirmation"],
      destructive: ["wipe"],
      backup: ["createBackup"],
      environment: { variables: ["ENVIRONMENT"] },
    },
  };
}
