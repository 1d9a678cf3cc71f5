/**
 * The scanner-only checks (docs/design.md, Rule groups group B): they need the whole repository or git, so they exist
 * only in `contract-scan` and are not ESLint rules (`src/rules.ts` lists those; `recommended` sets only
 * those). This list is what the README's "Scanner-only checks" table must show (tests/docs.test.ts), so
 * a check added here without a README row, or a row without a check, fails the docs test.
 *
 * Each check's implementation is `src/checks/<name>.ts`, except `parse-error`, which the scanner itself
 * reports (src/scanner.ts `PARSE_ERROR_RULE`).
 */

/** One scanner-only check, as the README table shows it. */
export interface ScannerOnlyCheck {
  /** The check name; findings carry `production-safety/<name>`. */
  name: string;
  /** What it reports (the README's "what it reports" cell, Markdown). */
  description: string;
  /** Its severity (the README's "severity" cell). */
  severity: string;
  /** One plain-text sentence for reports (SARIF `shortDescription`, the Markdown summary), as `meta.docs.description` is for ESLint rules. */
  summary: string;
}

/** Every scanner-only check, sorted by name. */
export const SCANNER_ONLY_CHECKS: readonly ScannerOnlyCheck[] = [
  {
    name: "deploy-pipeline-order",
    description:
      "the contract's `deployPipeline.script` in the root `package.json` missing a step, running steps out of order or in parallel, or running another script or command between two steps (followed through `&&`/`;`, `npm run`/`pnpm`/`yarn`, `run-s`/`npm-run-all`, nested scripts and `pre`/`post` hooks), reported at the script's value",
    severity: "error",
    summary: "The deploy pipeline script missing a step, running steps out of order, or running another step between them.",
  },
  {
    name: "no-contract-expansion",
    description:
      "with `--base`: every widening of the contract since a git ref, at its key in the contract; warnings with `--allow-expansion`",
    severity: "error (warning with `--allow-expansion`)",
    summary: "A way the contract grew since the base git ref (new allowlisted script, operation, table, column, bypass allowance, widened zone).",
  },
  {
    name: "no-stale-allowlist",
    description:
      "a `mutationScripts` entry (also `package.json#<script>`) or explicit `deployScript` whose target is gone, reported at its key in the contract",
    severity: "error",
    summary: "A mutationScripts entry or deployScript in the contract whose target no longer exists.",
  },
  {
    name: "parse-error",
    description: "a file `contract-scan` cannot read or parse, or a Prisma schema that does not parse",
    severity: "error in script zones and contract files, warning elsewhere",
    summary: "A file contract-scan cannot read or parse; an unreadable mutation script is a violation, never a skip.",
  },
];
