/**
 * deploy-pipeline-order (SPEC §3 group B, scanner only): the contract's deployPipeline against the root
 * package.json scripts, expanded through &&/; chains, npm/pnpm/yarn run, run-s/npm-run-all, nested
 * scripts and npm's pre/post hooks. Findings at the script's value in package.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseContract } from "../../src/contract.js";
import { checkDeployPipelineOrder } from "../../src/checks/deploy-pipeline-order.js";
import { scan } from "../../src/scanner.js";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

const STEPS = ["predeploy", "backup:production", "deploy:db"];
const BASE = { "backup:production": "node scripts/backup.js", "deploy:db": "node scripts/deploy-db.js" };

function contractText(steps = STEPS, script = "deploy"): string {
  return `${JSON.stringify({ version: 1, deployPipeline: { script, steps } }, null, 2)}\n`;
}

/** Runs the check on a repository with these scripts; returns "line:column message" lines. */
function check(scripts: Record<string, string> | undefined, text = contractText()): string[] {
  root = mkdtempSync(path.join(os.tmpdir(), "ps-pipeline-"));
  if (scripts) writeFileSync(path.join(root, "package.json"), `{\n  "name": "app",\n  "scripts": ${JSON.stringify(scripts, null, 4).replace(/\n}$/, "\n  }")}\n}\n`);
  const contractFile = path.join(root, "production-contract.json");
  writeFileSync(contractFile, text);
  return checkDeployPipelineOrder(root, parseContract(text, contractFile), contractFile, text).map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`);
}

describe("deploy-pipeline-order", () => {
  it("is silent for the steps chained with && in order", () => {
    expect(check({ predeploy: "node scripts/verify.js", ...BASE, deploy: "npm run predeploy && npm run backup:production && npm run deploy:db" })).toEqual([]);
  });

  it("counts npm's pre hook as the step (preX runs before X), and a step repeated right after itself is in order", () => {
    // Choice: npm runs `predeploy` as the hook of `deploy` and again from the chain; the order still holds.
    expect(check({ predeploy: "node scripts/verify.js", ...BASE, deploy: "npm run backup:production && npm run deploy:db" })).toEqual([]);
    expect(check({ predeploy: "node scripts/verify.js", ...BASE, deploy: "npm run predeploy && npm run backup:production && npm run deploy:db" })).toEqual([]);
  });

  it("follows a post hook and nested scripts", () => {
    const steps = ["backup:production", "deploy:db", "postdeploy"];
    const scripts = { ...BASE, postdeploy: "node scripts/smoke.js", release: "npm run backup:production && npm run deploy:db", deploy: "npm run release" };
    expect(check(scripts, contractText(steps))).toEqual([]);
    // The post hook of a step: npm runs it right after the step, so a step hooked in after "deploy:db" runs between.
    expect(check({ ...scripts, "postbackup:production": "node scripts/notify.js" }, contractText(steps))).toEqual([
      `package.json:8:15 "npm run postbackup:production" runs between the deploy pipeline steps "backup:production" and "deploy:db" (the contract's order is backup:production -> deploy:db -> postdeploy). Move it into a step, before the first step or after the last.`,
    ]);
  });

  it("reads run-s and npm-run-all -s as an order, and -p / run-p as no order", () => {
    expect(check({ predeploy: "node v.js", ...BASE, deploy: "run-s backup:production deploy:db" })).toEqual([]);
    expect(check({ predeploy: "node v.js", ...BASE, deploy: "npm-run-all -s predeploy backup:production deploy:db" })).toEqual([]);
    expect(check({ predeploy: "node v.js", ...BASE, deploy: "run-p backup:production deploy:db" })).toHaveLength(2);
    expect(check({ predeploy: "node v.js", ...BASE, deploy: "npm-run-all -p backup:production deploy:db" })[0]).toContain('"backup:production" in a parallel group');
  });

  it("reads pnpm and yarn runs, with and without `run`", () => {
    expect(check({ predeploy: "node v.js", ...BASE, deploy: "pnpm backup:production; yarn run deploy:db" })).toEqual([]);
    expect(check({ predeploy: "node v.js", ...BASE, deploy: "pnpm run backup:production && yarn deploy:db" })).toEqual([]);
  });

  it("reports a missing step, at the script's value", () => {
    expect(check({ predeploy: "node v.js", ...BASE, deploy: "npm run predeploy && npm run deploy:db" })).toEqual([
      `package.json:7:15 "deploy" never runs the deploy pipeline step "backup:production" (the contract's order is predeploy -> backup:production -> deploy:db). Run it with npm run backup:production in its place.`,
    ]);
    expect(check({ ...BASE, deploy: "npm run backup:production && npm run deploy:db" })[0]).toContain('step "predeploy" is not a script of package.json');
  });

  it("reports steps out of order, one finding each", () => {
    const out = check({ predeploy: "node v.js", ...BASE, deploy: "npm run deploy:db && npm run backup:production" });
    expect(out).toEqual([
      `package.json:7:15 "deploy" runs the deploy pipeline step "backup:production" after "deploy:db" (the contract's order is predeploy -> backup:production -> deploy:db). Put the steps in the contract's order.`,
    ]);
  });

  it("reports another script or command between two steps, but not echo", () => {
    const scripts = { predeploy: "node v.js", ...BASE, seed: "node scripts/seed.js", deploy: "npm run backup:production && npm run seed && node scripts/wipe.js && echo deploying && npm run deploy:db" };
    expect(check(scripts).map((l) => l.split(" runs between")[0])).toEqual(['package.json:8:15 "npm run seed"', 'package.json:8:15 "node scripts/wipe.js"']);
  });

  it("looks through a wrapper that runs steps, but a script that runs no step is another step", () => {
    const scripts = { predeploy: "node v.js", ...BASE, prepare: "npm run backup:production", deploy: "npm run prepare && npm run deploy:db" };
    expect(check(scripts)).toEqual([]);
  });

  it("reports a deployPipeline.script missing from package.json at the contract key, and a missing package.json", () => {
    expect(check({ build: "next build" })).toEqual([
      `production-contract.json:4:5 package.json has no script "deploy" (deployPipeline.script): the deploy pipeline is not enforced. Add the script that runs predeploy -> backup:production -> deploy:db, or fix the name.`,
    ]);
    expect(check(undefined)[0]).toMatch(/^production-contract\.json:4:5 deployPipeline\.script "deploy" cannot be checked: there is no package\.json/);
  });

  it("says it cannot check a package.json that is not JSON (a trailing comma), instead of a missing script", () => {
    root = mkdtempSync(path.join(os.tmpdir(), "ps-pipeline-"));
    writeFileSync(path.join(root, "package.json"), '{\n  "scripts": {\n    "deploy": "npm run deploy:db",\n  }\n}\n');
    const contractFile = path.join(root, "production-contract.json");
    const text = contractText();
    writeFileSync(contractFile, text);
    expect(checkDeployPipelineOrder(root, parseContract(text, contractFile), contractFile, text).map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([
      `production-contract.json:4:5 deployPipeline.script "deploy" cannot be checked: package.json is not valid JSON (its parse-error finding says where). Fix package.json.`,
    ]);
  });

  it("is silent without deployPipeline, and runs in contract-scan", async () => {
    const text = `${JSON.stringify({ version: 1 })}\n`;
    expect(check({ deploy: "npm run deploy:db" }, text)).toEqual([]);
    check({ predeploy: "node v.js", ...BASE, deploy: "npm run deploy:db" });
    const dir = root as string;
    const contractFile = path.join(dir, "production-contract.json");
    const result = await scan({ root: dir, contract: parseContract(contractText(), contractFile), contractFile });
    expect(result.findings.filter((f) => f.ruleId === "production-safety/deploy-pipeline-order").map((f) => f.message.split(" (")[0])).toEqual([
      '"deploy" never runs the deploy pipeline step "backup:production"',
    ]);
  });
});
