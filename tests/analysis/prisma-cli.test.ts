// "Is this a Prisma CLI command, and does it write" (SPEC §3 no-direct-prisma-cli, §6.9, §6.16).
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import { callsWithScopes, type VisitedCall } from "../estree.js";
import { dropsData, getPrismaCliCall, parsePrismaCommands, prismaCommandsOfWords, type PrismaCommand } from "../../src/analysis/prisma-cli.js";
import { COMMAND_HOLE } from "../../src/analysis/shell.js";

type Visited = VisitedCall;

/** Parses code, sets parent pointers (as ESLint does) and lists every call and tagged template with its scope. */
function callsIn(code: string): Visited[] {
  const calls = callsWithScopes(code);
  return calls;
}

/** Every Prisma CLI call in the code: the call's source text and its commands. */
function cliCalls(code: string): { at: string; commands: PrismaCommand[] }[] {
  return callsIn(code).flatMap(({ node, scope }) => {
    const call = getPrismaCliCall(node, scope);
    return call ? [{ at: code.slice(call.node.range[0], call.node.range[1]), commands: call.commands }] : [];
  });
}

/** "command (write)" for each command of each call in the code. */
function summary(code: string): string[] {
  return cliCalls(code).flatMap((c) => c.commands.map((command) => `${command.command}${command.write ? " (write)" : ""}`));
}

/** "command (write)" for each command of a command line. */
function lineSummary(line: string): string[] {
  return parsePrismaCommands(line).map((c) => `${c.command}${c.write ? " (write)" : ""}`);
}

describe("parsePrismaCommands: commands", () => {
  it.each(["migrate deploy", "migrate reset", "migrate resolve", "db push", "db execute", "db seed"])("prisma %s writes", (command) => {
    expect(parsePrismaCommands(`prisma ${command}`)).toEqual([{ command: `prisma ${command}`, write: true, args: [], offset: 0 }]);
  });

  it.each(["migrate dev", "migrate status", "migrate diff", "db pull", "generate", "studio", "validate", "format", "init", "version", "debug"])(
    "prisma %s does not write",
    (command) => {
      expect(parsePrismaCommands(`prisma ${command}`)).toEqual([{ command: `prisma ${command}`, write: false, args: [], offset: 0 }]);
    },
  );

  it("prisma alone, with --version or with only flags, is `prisma` and does not write", () => {
    expect(lineSummary("prisma")).toEqual(["prisma"]);
    expect(lineSummary("prisma --version")).toEqual(["prisma"]);
    expect(lineSummary("prisma -v")).toEqual(["prisma"]);
    expect(lineSummary("prisma migrate")).toEqual(["prisma migrate"]);
  });

  it("flags before, between and after the command words; option values are not command words", () => {
    expect(parsePrismaCommands("prisma --schema ./db/schema.prisma migrate deploy")).toEqual([
      { command: "prisma migrate deploy", write: true, args: ["--schema", "./db/schema.prisma"], offset: 0 },
    ]);
    expect(parsePrismaCommands("prisma migrate --schema=db/schema.prisma deploy")[0]).toMatchObject({ command: "prisma migrate deploy", write: true });
    expect(parsePrismaCommands("prisma migrate resolve --applied 20240101_init")).toEqual([
      { command: "prisma migrate resolve", write: true, args: ["--applied", "20240101_init"], offset: 0 },
    ]);
    expect(parsePrismaCommands("prisma db push --accept-data-loss --skip-generate")[0]).toMatchObject({ command: "prisma db push", args: ["--accept-data-loss", "--skip-generate"] });
    expect(parsePrismaCommands("prisma --config prisma.config.ts db seed -- --env prod")[0]).toMatchObject({ command: "prisma db seed", write: true, args: ["--config", "prisma.config.ts", "--env", "prod"] });
    expect(lineSummary('prisma migrate dev --name "add users"')).toEqual(["prisma migrate dev"]);
  });

  it("--help only prints help: not a write", () => {
    expect(lineSummary("prisma migrate deploy --help")).toEqual(["prisma migrate deploy"]);
    expect(lineSummary("npx prisma db push -h")).toEqual(["prisma db push"]);
  });
});

describe("parsePrismaCommands: runners", () => {
  it.each([
    ["npx prisma migrate deploy"],
    ["npx --yes prisma migrate deploy"],
    ["npx -y prisma@5.22.0 migrate deploy"],
    ["npx --package=prisma prisma migrate deploy"],
    ["npx -p prisma prisma migrate deploy"],
    ["npx -- prisma migrate deploy"],
    ["npx @prisma/cli migrate deploy"],
    ["pnpm exec prisma migrate deploy"],
    ["pnpm dlx prisma migrate deploy"],
    ["pnpm prisma migrate deploy"],
    ["pnpm --filter @app/db exec prisma migrate deploy"],
    ["pnpm -F db prisma migrate deploy"],
    ["pnpm -C packages/db exec prisma migrate deploy"],
    ["pnpx prisma migrate deploy"],
    ["yarn prisma migrate deploy"],
    ["yarn dlx prisma migrate deploy"],
    ["yarn exec prisma migrate deploy"],
    ["yarn run prisma migrate deploy"],
    ["yarn workspace @app/db prisma migrate deploy"],
    ["yarn --cwd packages/db prisma migrate deploy"],
    ["bunx prisma migrate deploy"],
    ["bun x prisma migrate deploy"],
    ["bun run prisma migrate deploy"],
    ["node_modules/.bin/prisma migrate deploy"],
    ["./node_modules/.bin/prisma migrate deploy"],
    ["../../node_modules/.bin/prisma migrate deploy"],
    ["prisma migrate deploy"],
    ["npm exec prisma -- migrate deploy"],
    ["npm exec -- prisma migrate deploy"],
    ["npm exec --yes --package=prisma -- prisma migrate deploy"],
    ["npm x prisma -- migrate deploy"],
    ["npm --prefix packages/db exec prisma -- migrate deploy"],
    ["node node_modules/prisma/build/index.js migrate deploy"],
    ["node ./node_modules/.bin/prisma migrate deploy"],
  ])("%s", (line) => {
    expect(parsePrismaCommands(line)).toEqual([{ command: "prisma migrate deploy", write: true, args: [], offset: 0 }]);
  });

  it.each([
    ["env DATABASE_URL=postgres://x prisma migrate deploy"],
    ["env -i PATH=/bin DATABASE_URL=x npx prisma migrate deploy"],
    ["env -u NODE_OPTIONS npx prisma migrate deploy"],
    ["DATABASE_URL=$PROD_URL npx prisma migrate deploy"],
    ["DATABASE_URL='postgres://a b' NODE_ENV=production npx prisma migrate deploy"],
    ["cross-env NODE_ENV=production prisma migrate deploy"],
    ["dotenv -e .env.production -- npx prisma migrate deploy"],
    ["dotenv -e .env.production prisma migrate deploy"],
    ["exec npx prisma migrate deploy"],
    ["time npx prisma migrate deploy"],
    ["npx dotenv -e .env.production -- prisma migrate deploy"],
    ["pnpm exec cross-env NODE_ENV=production prisma migrate deploy"],
    ["yarn dotenv -e .env -- yarn prisma migrate deploy"],
  ])("environment and wrappers: %s", (line) => {
    expect(lineSummary(line)).toEqual(["prisma migrate deploy (write)"]);
  });

  it("sh -c / bash -lc and npx -c carry a nested command line", () => {
    expect(lineSummary("sh -c 'npx prisma migrate deploy'")).toEqual(["prisma migrate deploy (write)"]);
    expect(lineSummary('bash -lc "cd db && pnpm prisma db push"')).toEqual(["prisma db push (write)"]);
    expect(lineSummary("npx -c 'prisma db seed'")).toEqual(["prisma db seed (write)"]);
    expect(lineSummary("bash -o pipefail -c 'npx prisma migrate deploy | tee log'")).toEqual(["prisma migrate deploy (write)"]);
    expect(lineSummary("bash scripts/deploy.sh")).toEqual([]);
    expect(parsePrismaCommands("cd db && sh -c 'prisma db seed'")[0]?.offset).toBe(9);
  });

  it("command substitution with $( ) is read as its own command", () => {
    expect(lineSummary("echo $(npx prisma migrate status)")).toEqual(["prisma migrate status"]);
  });
});

describe("parsePrismaCommands: shell structure", () => {
  it("&&, ||, ;, pipes, background and subshells separate commands, with offsets", () => {
    const line = "prisma generate && npx prisma migrate deploy || echo failed; prisma db seed | tee log & (cd db && prisma db push)";
    expect(parsePrismaCommands(line)).toEqual([
      { command: "prisma generate", write: false, args: [], offset: 0 },
      { command: "prisma migrate deploy", write: true, args: [], offset: line.indexOf("npx prisma migrate") },
      { command: "prisma db seed", write: true, args: [], offset: line.indexOf("prisma db seed") },
      { command: "prisma db push", write: true, args: [], offset: line.indexOf("prisma db push") },
    ]);
    for (const c of parsePrismaCommands(line)) expect(line.slice(c.offset)).toMatch(/^(prisma|npx)/);
  });

  it("the offset is the simple command's first word, assignments and runners included", () => {
    const line = `echo "a b" && DATABASE_URL="x y" npx prisma migrate deploy`;
    expect(parsePrismaCommands(line)[0]?.offset).toBe(line.indexOf("DATABASE_URL"));
  });

  it("redirections take their target, and a descriptor before them is not an argument", () => {
    expect(parsePrismaCommands("npx prisma migrate deploy > deploy.log 2>&1")).toEqual([{ command: "prisma migrate deploy", write: true, args: [], offset: 0 }]);
    expect(parsePrismaCommands("prisma db execute --stdin < fix.sql")[0]).toMatchObject({ command: "prisma db execute", args: ["--stdin"] });
  });

  it("multi-line scripts: newlines end commands, comments are skipped, backslash-newline continues", () => {
    const script = [
      "#!/bin/sh",
      "set -e",
      "# prisma migrate reset would wipe everything",
      "npx prisma generate # prisma db push is not used",
      "npx prisma migrate \\",
      "  deploy --schema ./prisma/schema.prisma",
      'echo "done; prisma db seed"',
    ].join("\n");
    const commands = parsePrismaCommands(script);
    expect(commands.map((c) => c.command)).toEqual(["prisma generate", "prisma migrate deploy"]);
    expect(commands[1]).toMatchObject({ write: true, args: ["--schema", "./prisma/schema.prisma"], offset: script.indexOf("npx prisma migrate") });
    expect(lineSummary("prisma generate\r\nprisma migrate deploy\r\n")).toEqual(["prisma generate", "prisma migrate deploy (write)"]);
  });

  it("a quoted newline does not end the command", () => {
    expect(lineSummary(`echo "line one\nprisma migrate deploy"`)).toEqual([]);
  });

  it("near-misses: no Prisma invocation", () => {
    for (const line of [
      "git status",
      'echo "run prisma migrate deploy"',
      "echo prisma migrate deploy",
      "npx prisma-fmt",
      "prisma-fmt format",
      "npm run prisma:deploy",
      "npm run prisma -- migrate deploy",
      "grep -r prisma src",
      "# prisma migrate deploy",
      "node scripts/prisma.js migrate deploy",
      "npx prismax migrate deploy",
      "pnpm build && pnpm test",
      "npx tsx scripts/prisma-migrate-deploy.ts",
      "yarn workspace @app/db db:migrate",
      "cat prisma/schema.prisma",
      "",
      "'unterminated",
    ]) {
      expect(parsePrismaCommands(line), line).toEqual([]);
    }
  });
});

describe("getPrismaCliCall: code", () => {
  it("exec / execSync with a command line, also through child_process members", () => {
    const code = `import { execSync, exec } from "node:child_process";
import * as cp from "node:child_process";
execSync("npx prisma migrate deploy", { stdio: "inherit" });
exec("npx prisma generate");
cp.execSync("pnpm prisma db push");
child_process.exec("prisma migrate reset --force");`;
    expect(summary(code)).toEqual(["prisma migrate deploy (write)", "prisma generate", "prisma db push (write)", "prisma migrate reset (write)"]);
    expect(cliCalls(code)[0]).toEqual({
      at: 'execSync("npx prisma migrate deploy", { stdio: "inherit" })',
      commands: [{ command: "prisma migrate deploy", write: true, args: [] }],
    });
  });

  it("a const of the same file, a concatenation and a template with holes", () => {
    const code = `const CMD = "npx prisma migrate deploy";
execSync(CMD);
const RUNNER = "pnpm exec";
execSync(RUNNER + " prisma db push --accept-data-loss");
execSync(\`npx prisma migrate deploy --schema \${schemaPath}\`);`;
    expect(cliCalls(code).map((c) => c.commands)).toEqual([
      [{ command: "prisma migrate deploy", write: true, args: [] }],
      [{ command: "prisma db push", write: true, args: ["--accept-data-loss"] }],
      [{ command: "prisma migrate deploy", write: true, args: ["--schema", "${…}"] }],
    ]);
  });

  it("spawn / spawnSync / execFile / execFileSync with a program and an argv array", () => {
    const code = `spawn("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit" });
spawnSync("pnpm", ["exec", "prisma", "migrate", "reset", "--force"]);
execFile("node_modules/.bin/prisma", ["db", "seed"], () => {});
execFileSync("npx", ["prisma", "generate"]);
const ARGS = ["prisma", "db", "push"];
spawn("npx", ARGS);
child_process.spawnSync("npx", ["prisma", "migrate", "status"], { encoding: "utf8" });`;
    expect(summary(code)).toEqual([
      "prisma migrate deploy (write)",
      "prisma migrate reset (write)",
      "prisma db seed (write)",
      "prisma generate",
      "prisma db push (write)",
      "prisma migrate status",
    ]);
    expect(cliCalls(code)[1]?.commands).toEqual([{ command: "prisma migrate reset", write: true, args: ["--force"] }]);
  });

  it("spawn with a whole command line (shell: true), and argv appended to it", () => {
    expect(summary(`spawn("npx prisma migrate deploy", { shell: true });\nspawn("npx prisma", ["db", "push"], { shell: true });`)).toEqual([
      "prisma migrate deploy (write)",
      "prisma db push (write)",
    ]);
  });

  it("unknown words fail closed: a hole where a command word belongs may be a write", () => {
    const code = `function run(step: string, args: string[]) {
  spawn("npx", ["prisma", "migrate", step]);
  spawn("prisma", args);
  spawnSync("npx", ["prisma", ...process.argv.slice(2)]);
  $\`npx prisma \${args}\`;
  spawn("npx", ["prisma", "generate", ...args]);
}`;
    expect(cliCalls(code).map((c) => c.commands)).toEqual([
      [{ command: "prisma migrate <unknown>", write: true, args: [] }],
      [{ command: "prisma <unknown>", write: true, args: [] }],
      [{ command: "prisma <unknown>", write: true, args: [] }],
      [{ command: "prisma <unknown>", write: true, args: [] }],
      [{ command: "prisma generate", write: false, args: ["${…}"] }],
    ]);
  });

  it("execa with argv, execaCommand with a line, and execa / zx / Bun template tags", () => {
    const code = `await execa("npx", ["prisma", "migrate", "deploy"]);
await execaSync("bunx", ["prisma", "db", "push"]);
await execaCommand("npx prisma db seed");
await execa\`npx prisma migrate deploy\`;
await $\`npx prisma migrate deploy\`;
$.sync\`yarn prisma migrate reset --force\`;
await $({ stdio: "inherit" })\`pnpm dlx prisma db execute --file fix.sql\`;
await $\`npx prisma migrate deploy --schema \${schema}\`;
await Bun.spawn(["bunx", "prisma", "migrate", "deploy"]);
Bun.spawnSync({ cmd: ["bunx", "prisma", "db", "push"] });`;
    expect(summary(code)).toEqual([
      "prisma migrate deploy (write)",
      "prisma db push (write)",
      "prisma db seed (write)",
      "prisma migrate deploy (write)",
      "prisma migrate deploy (write)",
      "prisma migrate reset (write)",
      "prisma db execute (write)",
      "prisma migrate deploy (write)",
      "prisma migrate deploy (write)",
      "prisma db push (write)",
    ]);
  });

  it("promisify(exec) and util.promisify(execFile) bindings", () => {
    const code = `import { promisify } from "node:util";
const execAsync = promisify(exec);
const execFileAsync = util.promisify(cp.execFile);
await execAsync("npx prisma migrate deploy");
await execFileAsync("npx", ["prisma", "db", "seed"]);
const notARunner = promisify(readFile);
await notARunner("npx prisma migrate deploy");`;
    expect(summary(code)).toEqual(["prisma migrate deploy (write)", "prisma db seed (write)"]);
  });

  it("a local wrapper function that hands its parameter to a runner (one level deep)", () => {
    const code = `function run(cmd: string) {
  console.log(\`> \${cmd}\`);
  execSync(cmd, { stdio: "inherit" });
}
const sh = (bin: string, args: string[] = []) => spawnSync(bin, args, { stdio: "inherit" });
const log = (message: string) => console.log(message);
run("npx prisma migrate deploy");
run("npx prisma generate");
sh("npx", ["prisma", "db", "push"]);
log("npx prisma migrate deploy");
function twice(cmd: string) { run(cmd); run(cmd); }
twice("npx prisma migrate reset");`;
    expect(cliCalls(code).map((c) => [c.at, c.commands.map((x) => x.command)])).toEqual([
      ['run("npx prisma migrate deploy")', ["prisma migrate deploy"]],
      ['run("npx prisma generate")', ["prisma generate"]],
      ['sh("npx", ["prisma", "db", "push"])', ["prisma db push"]],
    ]);
  });

  it("Windows-aware programs: both branches of a conditional, and .cmd / .exe names", () => {
    const code = `const npx = process.platform === "win32" ? "npx.cmd" : "npx";
spawnSync(npx, ["prisma", "migrate", "deploy"]);
spawnSync(process.platform === "win32" ? "pnpm.cmd" : "pnpm", ["prisma", "db", "push"]);
execSync(isWindows ? "npx.cmd prisma db seed" : "npx prisma db seed");`;
    expect(summary(code)).toEqual(["prisma migrate deploy (write)", "prisma db push (write)", "prisma db seed (write)"]);
    expect(lineSummary("npx.cmd prisma migrate deploy")).toEqual(["prisma migrate deploy (write)"]);
    expect(lineSummary("node_modules/.bin/prisma.cmd migrate deploy")).toEqual(["prisma migrate deploy (write)"]);
  });

  it("several commands in one call are all returned, in order, at the call", () => {
    const [call] = cliCalls(`execSync("npx prisma generate && npx prisma migrate deploy && npx prisma db seed");`);
    expect(call?.at).toBe(`execSync("npx prisma generate && npx prisma migrate deploy && npx prisma db seed")`);
    expect(call?.commands.map((c) => [c.command, c.write])).toEqual([
      ["prisma generate", false],
      ["prisma migrate deploy", true],
      ["prisma db seed", true],
    ]);
    // Offsets are for command lines only: in code the finding is at the call.
    expect(call?.commands.every((c) => !("offset" in c))).toBe(true);
  });

  it("near-misses: other programs, log strings, regular expressions, unknown commands", () => {
    const code = `exec("git status");
spawn("prisma-fmt");
spawn("prisma-fmt", ["format"]);
console.log("run prisma migrate deploy");
console.error(\`npx prisma migrate deploy failed\`);
/npx prisma migrate deploy/.exec(text);
execSync(command);
spawn(bin, ["prisma", "migrate", "deploy"]);
fetch("npx prisma migrate deploy");
$\`echo npx prisma migrate deploy\`;
execSync("npm run prisma:deploy");
db.exec("DELETE FROM users");`;
    expect(cliCalls(code)).toEqual([]);
  });
});

// Issue 13 item 4: the Prisma CLI run through a resolved binary. Modelled on formbricks/formbricks
// `packages/database/src/scripts/migration-runner.ts`, whose `resolvePrismaBin()` returns
// `path.join(REPO_ROOT_DIR, "node_modules", ".bin", "prisma")` or "prisma" and whose
// `execFileAsync(prismaBin, ["migrate", "deploy", ...])` was not seen before.
describe("getPrismaCliCall: a program resolved in the same file (issue 13 item 4)", () => {
  it("a same-file function whose value ends in the Prisma binary (formbricks migration-runner)", () => {
    const code = `import path from "node:path";
const REPO_ROOT_DIR = path.resolve(__dirname, "../../..");
const LOCAL_PRISMA_BIN = path.join(REPO_ROOT_DIR, "node_modules", ".bin", "prisma");
const resolvePrismaBin = async (): Promise<string> => {
  try {
    await fs.access(LOCAL_PRISMA_BIN);
    return LOCAL_PRISMA_BIN;
  } catch {
    return "prisma";
  }
};
async function deploy() {
  const prismaBin = await resolvePrismaBin();
  await execFileAsync(prismaBin, ["migrate", "deploy", "--config", PRISMA_CONFIG_PATH]);
}`;
    expect(cliCalls(`const execFileAsync = promisify(execFile);\n${code}`).map((c) => c.commands)).toEqual([
      [{ command: "prisma migrate deploy", write: true, args: ["--config", "${…}"] }],
    ]);
  });

  it("require.resolve of the entry script, a constant, a let, and node with the entry as its script", () => {
    const code = `const PRISMA = require.resolve("prisma/build/index.js");
execFileSync(PRISMA, ["db", "push"]);
let bin = "echo";
bin = path.join(root, "node_modules/.bin/prisma");
spawnSync(bin, ["migrate", "reset", "--force"]);
execFile(process.execPath, [require.resolve("prisma"), "migrate", "deploy"]);
function binary() { return join(process.cwd(), "node_modules", ".bin", "prisma"); }
spawn(binary(), ["generate"]);`;
    expect(summary(`import { join } from "node:path";\n${code}`)).toEqual(["prisma db push (write)", "prisma migrate reset (write)", "prisma migrate deploy (write)", "prisma generate"]);
  });

  it("a command line whose binary path starts with an unknown folder", () => {
    expect(summary("execSync(`${root}/node_modules/.bin/prisma migrate deploy`);\nexecSync(`node ${dir}/node_modules/prisma/build/index.js db seed`);")).toEqual([
      "prisma migrate deploy (write)",
      "prisma db seed (write)",
    ]);
  });

  it("near-misses: other binaries resolved the same way, a parameter, a function returning something else", () => {
    const code = `const resolveBin = () => path.join(root, "node_modules", ".bin", "tsx");
execFile(resolveBin(), ["migrate", "deploy"]);
const ESLINT = require.resolve("eslint/bin/eslint.js");
execFileSync(ESLINT, ["migrate", "deploy"]);
function run(bin: string) { spawn(bin, ["migrate", "deploy"]); }
const pick = () => (flag ? "git" : "npm");
spawnSync(pick(), ["migrate", "deploy"]);
spawn(path.join(root, "prisma"), ["migrate", "deploy"]);
execSync(\`\${root}prisma migrate deploy\`);`;
    expect(cliCalls(code)).toEqual([]);
  });
});

describe("getPrismaCliCall inside a real ESLint run", () => {
  it("works with ESLint's own scopes", async () => {
    const { Linter } = await import("eslint");
    const parser = await import("@typescript-eslint/parser");
    const found: string[] = [];
    const rule: TSESLint.RuleModule<"cli"> = {
      defaultOptions: [],
      meta: { type: "problem", messages: { cli: "cli" }, schema: [] },
      create(context) {
        const check = (node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void => {
          const call = getPrismaCliCall(node, context.sourceCode.getScope(node));
          for (const c of call?.commands ?? []) found.push(`${c.command}${c.write ? " (write)" : ""}@${node.loc.start.line}`);
        };
        return { CallExpression: check, TaggedTemplateExpression: check };
      },
    };
    const code = `import { execSync } from "node:child_process";
const CMD = "npx prisma migrate deploy";
function main() { execSync(CMD, { stdio: "inherit" }); }
main();
console.log("run prisma migrate deploy");`;
    // typescript-eslint's rule and parser types are not ESLint's own: the config is typed loosely.
    const config = {
      languageOptions: { parser, sourceType: "module" },
      plugins: { test: { rules: { cli: rule } } },
      rules: { "test/cli": "error" },
    } as unknown as import("eslint").Linter.Config;
    const messages = new Linter({ configType: "flat" }).verify(code, config);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    expect(found).toEqual(["prisma migrate deploy (write)@3"]);
  });
});

describe("prismaCommandsOfWords (words already split by a shell parser)", () => {
  it("reads the same runners and commands as parsePrismaCommands, with the first word's offset", () => {
    const words = (line: string): { text: string; hole: boolean; offset: number }[] => {
      let at = 0;
      return line.split(" ").map((text) => {
        const offset = line.indexOf(text, at);
        at = offset + text.length;
        return { text, hole: false, offset };
      });
    };
    expect(prismaCommandsOfWords(words("npx prisma db push --accept-data-loss"))).toEqual([{ command: "prisma db push", write: true, args: ["--accept-data-loss"], offset: 0 }]);
    expect(prismaCommandsOfWords(words("env A=1 pnpm exec prisma migrate dev"))).toEqual([{ command: "prisma migrate dev", write: false, args: [], offset: 0 }]);
    expect(prismaCommandsOfWords(words("npm run db:push"))).toEqual([]);
    expect(prismaCommandsOfWords([])).toEqual([]);
  });

  it("fails closed on an unknown command word", () => {
    expect(prismaCommandsOfWords([{ text: "prisma", hole: false }, { text: "migrate", hole: false }, { text: COMMAND_HOLE, hole: true }])[0]).toMatchObject({ command: "prisma migrate <unknown>", write: true });
  });
});

describe("parsePrismaCommands: dotenv-flow (seen in dubinc/dub apps/web/package.json)", () => {
  it("unwraps dotenv-flow -e .env -- like dotenv", () => {
    expect(parsePrismaCommands("dotenv-flow -e .env -- prisma db push --schema=./prisma/schema")[0]).toMatchObject({ command: "prisma db push", write: true });
  });
});

describe("dropsData: the Prisma CLI writes contract-scan init never allowlists", () => {
  const drops = (line: string): boolean[] => parsePrismaCommands(line).map((c) => dropsData(c.command, c.args));
  it("migrate reset (any flags), db push with --accept-data-loss or --force-reset", () => {
    expect(drops("prisma migrate reset")).toEqual([true]);
    expect(drops("npx prisma migrate reset --force --skip-seed")).toEqual([true]);
    expect(drops("prisma db push --accept-data-loss")).toEqual([true]);
    expect(drops("pnpm --filter db exec prisma db push --skip-generate --force-reset")).toEqual([true]);
    expect(drops("prisma --schema x.prisma db push --accept-data-loss")).toEqual([true]);
  });

  it("near-misses: plain db push, other flags, other commands", () => {
    expect(drops("prisma db push")).toEqual([false]);
    expect(drops("prisma db push --skip-generate")).toEqual([false]);
    expect(drops("prisma migrate deploy")).toEqual([false]);
    expect(drops("prisma migrate dev --force-reset")).toEqual([false]);
    expect(drops("prisma db seed -- --accept-data-loss")).toEqual([false]);
  });
});
