// Hand-made hostile repositories (issue 14): each a tiny temporary repository built by a function, scanned
// once; each asserts the invariants of tests/hostile/invariants.ts (exit 0/1/2, no stack trace, no internal
// error, the wall-time and memory bounds, the tree unchanged) and its expected exit code, plus where the
// issue says so the finding or message that names the path.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Expectation, expectHostileOk, fixturePath, HostileCli, type HostileRun, runChild, snapshotTree } from "./invariants.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "hostile-cases-"));
// Readable by the unprivileged user of the permission cases.
chmodSync(tmp, 0o755);
mkdirSync(path.join(tmp, "empty"));
const cli = new HostileCli(path.join(tmp, "empty"));
afterAll(async () => {
  await cli.close();
  // chmod and rm, not rmSync: a permission case leaves a folder without permissions, and a path past
  // PATH_MAX cannot be removed by its absolute name (chmod -R and rm -r walk with openat).
  execFileSync("chmod", ["-R", "u+rwx", tmp]);
  execFileSync("rm", ["-rf", tmp]);
});

type Files = Record<string, string>;

let repoCount = 0;
/** A new repository under tmp with these files (parents created). */
function repo(files: Files): string {
  const root = path.join(tmp, `repo-${++repoCount}`);
  mkdirSync(root, { recursive: true });
  for (const [file, content] of Object.entries(files)) write(root, file, content);
  return root;
}

function write(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

function fifo(root: string, file: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  execFileSync("mkfifo", [path.join(root, file)]);
}

function link(root: string, file: string, target: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  symlinkSync(target, path.join(root, file));
}

const PACKAGE = JSON.stringify({ name: "hostile", private: true });
/** A harmless application file, so that a scan has something to lint. */
const APP = "export const answer = 42;\n";
/** An application file that imports ./x (so that module resolution reads x.ts). */
const IMPORTER = 'import { answer } from "./x";\nexport const twice = answer * 2;\n';

/** `{"version": 1, ...extra}`. */
function contract(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 1, ...extra }, null, 2);
}

/** `package.json` with these scripts. */
function packageJson(scripts: Record<string, string>): string {
  return JSON.stringify({ name: "hostile", private: true, scripts }, null, 2);
}

/** A GitHub Actions workflow with one job whose one step runs `run`. */
function workflow(run: string): string {
  return `name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
}

/** Nested `depth` levels: `[[[...]]]`. */
function nested(depth: number, open = "[", close = "]"): string {
  return `${open.repeat(depth)}${close.repeat(depth)}`;
}

/** One hand-made case. */
interface HostileCase {
  name: string;
  /** Builds the repository; returns its root. */
  build: () => string;
  expected: Expectation;
  /** Extra arguments (the report is always `--format json`). */
  args?: string[];
  /** Run the binary in a child process as this user instead of in the shared process (permission cases). */
  uid?: number;
  /** Run in the repository's parent folder with the repository as the argument (default: in the repository). */
  fromParent?: boolean;
  /** Further assertions on the run. */
  check?: (run: HostileRun, root: string) => void;
}

/** The findings of a run at a repository path. */
function findingsAt(run: HostileRun, file: string): { ruleId: string; message: string; severity: string }[] {
  const report = JSON.parse(run.stdout) as { findings: { file: string; ruleId: string; message: string; severity: string }[] };
  return report.findings.filter((f) => f.file === file);
}

/** A `parse-error` finding at `file` (issue 14 item 1: every refusal is one). */
function parseErrorAt(file: string): (run: HostileRun) => void {
  return (run) => expect(findingsAt(run, file).map((f) => f.ruleId), `findings at ${file}`).toContain("production-safety/parse-error");
}

/** stderr names `text` (a path, a key path). */
function stderrNames(text: string): (run: HostileRun) => void {
  return (run) => expect(run.stderr).toContain(text);
}

/** When the contract is rejected (exit 2), its message names `keyPath`. */
function rejectedNaming(keyPath: string): (run: HostileRun) => void {
  return (run) => {
    if (run.status === 2) expect(run.stderr).toContain(keyPath);
  };
}

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/**
 * A chain of `count` npm scripts, each running the next: s0 -> s1 -> ... -> "echo done", and `ci` that
 * runs s0 with CI=true (which the scan expands, to see whether it reaches a database write).
 */
function chain(count: number, step: (next: string) => string): Record<string, string> {
  const scripts: Record<string, string> = { ci: "CI=true npm run s0" };
  for (let i = 0; i < count; i++) scripts[`s${i}`] = step(`s${i + 1}`);
  scripts[`s${count}`] = "echo done";
  return scripts;
}

/** The example application's contract with `mutate` applied to a copy. */
function exampleContract(mutate: (contract: Record<string, unknown>) => void): string {
  const value = JSON.parse(readFileSync(path.join(fixturePath("example-app"), "production-contract.json"), "utf8")) as Record<string, unknown>;
  mutate(value);
  return JSON.stringify(value, null, 2);
}

const SYNC_SCRIPT = "scripts/sync-reference-data-dev-to-prod.ts";

const BAD_GLOBS: [string, string][] = [
  ["a brace range bomb {1..100000}", "src/{1..100000}/*.ts"],
  ["nested braces", `${"{a,".repeat(200)}b${"}".repeat(200)}/**`],
  ["a NUL byte", "src/\u0000/**"],
  ["a 100,000-character glob", `src/${"a*".repeat(50_000)}`],
];

const cases: HostileCase[] = [
  // Item 1: one bounded reader (regular files only, size checked before reading).
  {
    name: "a FIFO named x.ts that app.ts imports",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": IMPORTER });
      fifo(root, "x.ts");
      return root;
    },
    expected: { status: 0 },
    check: parseErrorAt("x.ts"),
  },
  {
    name: "a FIFO named package.json",
    build: () => {
      const root = repo({ "app.ts": APP });
      fifo(root, "package.json");
      return root;
    },
    expected: { status: 0 },
    check: parseErrorAt("package.json"),
  },
  {
    name: "a FIFO named scripts/x.ts in a script zone (a parse-error there is an error)",
    build: () => {
      const root = repo({ "package.json": PACKAGE });
      fifo(root, "scripts/x.ts");
      return root;
    },
    expected: { status: 1 },
    check: parseErrorAt("scripts/x.ts"),
  },
  {
    name: "x.ts symlinked to /dev/zero, imported by app.ts",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": IMPORTER });
      link(root, "x.ts", "/dev/zero");
      return root;
    },
    expected: { status: 0 },
    check: parseErrorAt("x.ts"),
  },
  {
    name: "package.json symlinked to /dev/zero",
    build: () => {
      const root = repo({ "app.ts": APP });
      link(root, "package.json", "/dev/zero");
      return root;
    },
    expected: { status: 0 },
    check: parseErrorAt("package.json"),
  },
  {
    name: "pnpm-workspace.yaml symlinked to /dev/zero",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      link(root, "pnpm-workspace.yaml", "/dev/zero");
      return root;
    },
    expected: { status: 0 },
    check: parseErrorAt("pnpm-workspace.yaml"),
  },
  {
    name: "the contract symlinked to /dev/zero (exit 2 naming it)",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      link(root, "production-contract.json", "/dev/zero");
      return root;
    },
    expected: { status: 2 },
    check: stderrNames("production-contract.json"),
  },
  {
    name: "a shell script that package.json runs, symlinked to /dev/zero",
    build: () => {
      const root = repo({ "package.json": packageJson({ deploy: "sh scripts/deploy.sh" }) });
      link(root, "scripts/deploy.sh", "/dev/zero");
      return root;
    },
    expected: { status: 1 },
    check: parseErrorAt("scripts/deploy.sh"),
  },
  {
    name: "a 3 MiB package.json that the deploy pipeline check reads",
    build: () => {
      const scripts: Record<string, string> = { deploy: "npm run migrate" };
      for (let i = 0; i < 30_000; i++) scripts[`s${i}`] = `echo ${"x".repeat(100)}`;
      return repo({ "package.json": packageJson(scripts), "app.ts": APP, "production-contract.json": contract({ deployPipeline: { script: "deploy", steps: ["migrate"] } }) });
    },
    // The pipeline cannot be checked in a file that is not read: 0, or 1 if the check reports that as an error.
    expected: { status: [0, 1] },
    check: parseErrorAt("package.json"),
  },
  {
    name: "a workflow with a 1 MB run: line (125,000 commands)",
    build: () => repo({ "package.json": PACKAGE, ".github/workflows/ci.yml": workflow("echo a; ".repeat(125_000)) }),
    expected: { status: 0 },
  },
  {
    name: "a workflow with a run: line of 100,000 && (a 100,000-deep shell syntax tree)",
    build: () => repo({ "package.json": PACKAGE, ".github/workflows/ci.yml": workflow(`${"echo a && ".repeat(100_000)}echo done`) }),
    expected: { status: 0 },
  },

  // Item 2: bounded work.
  {
    name: "a 25-level npm-run diamond (npm run b && npm run b)",
    build: () => repo({ "package.json": packageJson(chain(25, (next) => `npm run ${next} && npm run ${next}`)) }),
    // A depth or size limit reports what it did not read: 0, or 1 if that report is an error.
    expected: { status: [0, 1] },
  },
  {
    name: "a 10,000-script npm-run chain",
    build: () => repo({ "package.json": packageJson(chain(10_000, (next) => `npm run ${next}`)) }),
    expected: { status: [0, 1] },
  },
  {
    // The 20,000 took 7 s here (under the bound); twice as many take four times as long.
    name: "40,000 DELETE ... WHERE statements in one SQL string",
    build: () =>
      repo({
        "package.json": PACKAGE,
        "lib/purge.ts": `import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();\nexport async function purge() {\n  await prisma.$executeRawUnsafe(${JSON.stringify("DELETE FROM users WHERE id = 1; ".repeat(40_000))});\n}\n`,
      }),
    // The DELETEs before the cap are reported (no-destructive-sql is an error).
    expected: { status: 1 },
    check: (run) => expect(findingsAt(run, "lib/purge.ts").map((f) => f.ruleId)).toContain("production-safety/no-destructive-sql"),
  },
  {
    name: "100,000 DELETEs in a .sql file",
    build: () => repo({ "package.json": PACKAGE, "db/purge.sql": "DELETE FROM a;\n".repeat(100_000) }),
    expected: { status: 1 },
    check: (run) => expect(findingsAt(run, "db/purge.sql").map((f) => f.ruleId)).toContain("production-safety/no-destructive-sql"),
  },
  {
    name: "10,000 Dockerfile line continuations",
    build: () => repo({ "package.json": PACKAGE, Dockerfile: `FROM node:20\nRUN echo a \\\n${"  && echo a \\\n".repeat(10_000)}  && echo done\n` }),
    expected: { status: [0, 1] },
  },
  {
    name: "a contract nested 10,000 deep (exit 2 naming it)",
    build: () => repo({ "package.json": PACKAGE, "production-contract.json": `{"version": 1, "ignore": ${nested(10_000)}}` }),
    expected: { status: 2 },
    check: stderrNames("production-contract.json"),
  },
  {
    name: "a package.json nested 10,000 deep",
    build: () => repo({ "package.json": `{"name": "hostile", "config": ${nested(10_000, '{"a":', "}").replace(/\{"a":\}/, '{"a": 1}')}}`, "app.ts": APP }),
    expected: { status: 0 },
  },
  ...(["scripts", "ignore"] as const).flatMap((key) =>
    BAD_GLOBS.map(
      ([label, glob]): HostileCase => ({
        name: `${label} in the contract's ${key} (accepted, or exit 2 naming ${key}[0])`,
        build: () => repo({ "package.json": PACKAGE, "app.ts": APP, "production-contract.json": contract({ [key]: [glob] }) }),
        expected: { status: [0, 2] },
        check: rejectedNaming(`${key}[0]`),
      }),
    ),
  ),
  {
    name: 'scripts: ["**"] in the contract',
    build: () => repo({ "package.json": PACKAGE, "app.ts": APP, "lib/util.ts": APP, "production-contract.json": contract({ scripts: ["**"] }) }),
    expected: { status: 0 },
  },
  {
    name: "2,000 allowlist entries (each a script that is gone: no-stale-allowlist errors)",
    build: () => repo({ "package.json": PACKAGE, "production-contract.json": contract({ mutationScripts: allowlist(2_000) }) }),
    expected: { status: 1 },
  },
  {
    name: "100,000 allowlist entries (accepted with errors, or exit 2 naming mutationScripts)",
    build: () => repo({ "package.json": PACKAGE, "production-contract.json": contract({ mutationScripts: allowlist(100_000) }) }),
    expected: { status: [1, 2] },
    check: rejectedNaming("mutationScripts"),
  },
  {
    name: "10,000 deploy pipeline steps",
    build: () => {
      const steps = Array.from({ length: 10_000 }, (_, i) => `step${i}`);
      const scripts: Record<string, string> = { deploy: steps.map((s) => `npm run ${s}`).join(" && ") };
      for (const step of steps) scripts[step] = `echo ${step}`;
      return repo({ "package.json": packageJson(scripts), "production-contract.json": contract({ deployPipeline: { script: "deploy", steps } }) });
    },
    expected: { status: [0, 1] },
  },

  // Item 3: file-system faults are findings. Tests run as root, for whom chmod 000 does not make a file
  // unreadable: a .gitignore that is a directory or a FIFO cannot be read either; chmod 000 is tried as
  // the unprivileged user `nobody` in a child process.
  {
    name: "a .gitignore that is a directory",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      mkdirSync(path.join(root, ".gitignore"));
      return root;
    },
    expected: { status: 0 },
  },
  {
    name: "a .gitignore that is a FIFO",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      fifo(root, ".gitignore");
      return root;
    },
    expected: { status: 0 },
    check: parseErrorAt(".gitignore"),
  },
  {
    name: "a nested .gitignore that is a FIFO",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "sub/app.ts": APP });
      fifo(root, "sub/.gitignore");
      return root;
    },
    expected: { status: 0 },
    check: parseErrorAt("sub/.gitignore"),
  },
  {
    name: "a .gitignore without read permission (as nobody)",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP, ".gitignore": "dist\n" });
      chmodSync(path.join(root, ".gitignore"), 0o000);
      return root;
    },
    uid: NOBODY,
    expected: { status: 0 },
    check: parseErrorAt(".gitignore"),
  },
  {
    name: "a scan root that cannot be listed (mode 311, as nobody)",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      chmodSync(root, 0o311);
      return root;
    },
    uid: NOBODY,
    // A root the scan cannot list is a usage error naming it (tests/hostile/readers.test.ts).
    expected: { status: 2 },
    check: (run) => expect(run.stderr).toContain("cannot read the directory ."),
  },
  {
    name: "a scan root without any permission (mode 000, as nobody), scanned from its parent",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      chmodSync(root, 0o000);
      return root;
    },
    uid: NOBODY,
    fromParent: true,
    // A parse-error at the root (as for mode 311), or a usage error naming it.
    expected: { status: [0, 1, 2] },
    check: (run, root) => {
      if (run.status === 2) expect(run.stderr).toContain(path.basename(root));
      else parseErrorAt("")(run);
    },
  },
  {
    name: "a 4,200-character path (past PATH_MAX once the repository's own path is added)",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      // Created one folder at a time (mkdir of the whole path fails with ENAMETOOLONG).
      execFileSync("bash", ["-c", `for i in $(seq 1 21); do mkdir ${"d".repeat(199)} && cd ${"d".repeat(199)} || exit 1; done; echo "export const a = 1;" > app.ts`], { cwd: root });
      return root;
    },
    expected: { status: 0 },
    check: (run) => expect(JSON.stringify(run.stdout)).toContain("production-safety/parse-error"),
  },
  {
    name: "a dangling symlinked contract (exit 2 naming it)",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      link(root, "production-contract.json", "missing-contract.json");
      return root;
    },
    expected: { status: 2 },
    check: stderrNames("production-contract.json"),
  },
  {
    name: "a looping symlinked contract (exit 2 naming it)",
    build: () => {
      const root = repo({ "package.json": PACKAGE, "app.ts": APP });
      link(root, "production-contract.json", "loop.json");
      link(root, "loop.json", "production-contract.json");
      return root;
    },
    expected: { status: 2 },
    check: stderrNames("production-contract.json"),
  },

  // Item 4: contract messages name the key path.
  ...(["", 0, false, {}, [null], 1e308] as const).map(
    (value): HostileCase => ({
      name: `a tables column replaced with ${JSON.stringify(value)} (exit 2 naming the element)`,
      build: () =>
        repo({
          "package.json": PACKAGE,
          "production-contract.json": exampleContract((c) => {
            ((c.mutationScripts as Record<string, { tables: Record<string, unknown[]> }>)[SYNC_SCRIPT]!.tables.services!)[1] = value;
          }),
        }),
      expected: { status: 2 },
      check: stderrNames(`mutationScripts["${SYNC_SCRIPT}"].tables.services[1]: `),
    }),
  ),
  ...["[]", '"x"', "1", "null"].map(
    (text): HostileCase => ({
      name: `a contract whose root is ${text} (exit 2 with (root) and a line and column)`,
      build: () => repo({ "package.json": PACKAGE, "production-contract.json": `\n  ${text}\n` }),
      expected: { status: 2 },
      check: stderrNames("(root) at line 2, column 3: expected object"),
    }),
  ),
];

/** `count` allowlist entries for scripts that do not exist. */
function allowlist(count: number): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) entries[`scripts/s${i}.ts`] = { operations: ["update"] };
  return entries;
}

describe("hand-made hostile repositories (issue 14)", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, hostile) => {
    const root = hostile.build();
    const cwd = hostile.fromParent === true ? path.dirname(root) : root;
    const args = [...(hostile.fromParent === true ? [root] : []), "--format", "json", ...(hostile.args ?? [])];
    const before = snapshotTree(root);
    const run = hostile.uid !== undefined && asRoot ? await runChild(cwd, args, { uid: hostile.uid }) : await cli.run(cwd, args);
    const after = snapshotTree(root);
    expectHostileOk(run, before, after, hostile.expected);
    hostile.check?.(run, root);
  });

  it("--output /dev/stdout when stdout is a socket writes the report there", async () => {
    const root = repo({ "package.json": PACKAGE, "app.ts": APP });
    const before = snapshotTree(root);
    // Node's child_process gives the child a UNIX socket as stdout, as many CI runners do.
    const run = await runChild(root, ["--format", "json", "--output", "/dev/stdout"]);
    const report = expectHostileOk(run, before, snapshotTree(root), { status: 0 });
    expect(report?.summary.files).toBeGreaterThan(0);
  });
});
