/**
 * The shell reader of the non-JavaScript sources (src/analysis/shell.ts, mvdan/sh): simple commands with
 * their words and per-command env, variables set for the rest of the text, and expansions read, with
 * UTF-16 offsets into the parsed text.
 */
import { describe, expect, it } from "vitest";
import { COMMAND_HOLE, MAX_SHELL_NESTING, nestingEstimate, parseShell, type ShellItem } from "../../src/analysis/shell.js";

function items(text: string): ShellItem[] {
  const parsed = parseShell(text);
  if ("error" in parsed) throw new Error(parsed.error.message);
  return parsed.items;
}

/** A compact view: `command@offset words [env]`, `set@offset NAME=value scope`, `read@offset NAME`. */
function view(text: string): string[] {
  return items(text).map((i) => {
    if (i.kind === "command") return `command@${i.offset} ${i.words.map((w) => (w.hole ? "?" : w.text)).join(" ")}${i.env.length ? ` [${i.env.map((e) => `${e.name}=${e.value}@${e.offset}`).join(" ")}]` : ""}`;
    if (i.kind === "set") return `set@${i.offset} ${i.name}=${i.value ?? "(naked)"} ${i.scope}`;
    return `read@${i.offset} ${i.name}`;
  });
}

describe("parseShell", () => {
  // Issue 14: mvdan/sh parses and walks recursively; a chain of several hundred && overflowed the stack in
  // the walk and the RangeError escaped (a 10,000-step deploy script ended contract-scan with a stack
  // trace). Text deeper than MAX_SHELL_NESTING (nestingEstimate) is now a reading problem of that text.
  it.each([
    ["a chain of 20,000 &&", `${"echo a && ".repeat(20_000)}echo`],
    ["a pipeline of 20,000 commands", `${"echo a | ".repeat(20_000)}cat`],
    ["a chain of 20,000 || and && inside a subshell", `(${"echo a || echo b && ".repeat(10_000)}echo)`],
    ["20,000 nested subshells", `${"(".repeat(20_000)}echo${")".repeat(20_000)}`],
    ["5,000 nested command substitutions", `echo ${"$(echo ".repeat(5_000)}x${")".repeat(5_000)}`],
    ["20,000 nested braces", `${"{ ".repeat(20_000)}echo; ${"}; ".repeat(20_000)}`],
    ["a chain of 1,000 && with a quoted ; in every command", `${'echo ";" && '.repeat(1_000)}echo`],
    ["a chain of 1,000 && with redirections (2>&1)", `${"echo a 2>&1 && ".repeat(1_000)}echo`],
    ["a chain of 1,000 && over continued lines", `${"echo a && \\\n".repeat(1_000)}echo`],
  ])("reports %s as too deeply nested, never throws", (_label, text) => {
    const parsed = parseShell(text);
    expect("error" in parsed && parsed.error).toEqual({ message: expect.stringMatching(/^shell code nests too deeply to read/), offset: 0 });
  });

  it(`reads a chain of ${MAX_SHELL_NESTING} &&, ${MAX_SHELL_NESTING / 2} nested subshells and ${MAX_SHELL_NESTING} nested ifs, not one more`, () => {
    const chain = (n: number): string => `${"echo a && ".repeat(n)}echo $X`;
    const subshells = (n: number): string => `${"( ".repeat(n)}echo $X${" )".repeat(n)}`;
    const ifs = (n: number): string => `${"if true; then ".repeat(n)}echo $X${"; fi".repeat(n)}`;
    expect(items(chain(MAX_SHELL_NESTING))).toHaveLength(MAX_SHELL_NESTING + 2);
    expect(items(subshells(MAX_SHELL_NESTING / 2))).toHaveLength(2);
    expect(items(ifs(MAX_SHELL_NESTING)).at(-1)).toMatchObject({ kind: "read", name: "X" });
    for (const text of [chain(MAX_SHELL_NESTING + 1), subshells(MAX_SHELL_NESTING / 2 + 1), ifs(MAX_SHELL_NESTING + 1)]) expect("error" in parseShell(text)).toBe(true);
  });

  it("reads a long script of short chains (each statement is its own tree)", () => {
    const script = "npm ci && npm run build\n".repeat(1_000) + "echo a; echo b && echo c & echo d\n".repeat(500);
    expect(items(script)).toHaveLength(4_000);
  });

  // A stack overflow inside mvdan/sh's Go runtime left it broken: later texts, even "", failed or walked
  // stale trees (seen once in two runs of this file beside tests/sources). Deep text never reaches it now.
  it("reads ordinary text correctly after deep text, across ticks", async () => {
    const deep = [`${"echo a && ".repeat(20_000)}echo`, `${"(".repeat(20_000)}echo${")".repeat(20_000)}`, `echo ${"$(echo ".repeat(5_000)}x${")".repeat(5_000)}`];
    for (let round = 0; round < 5; round++) {
      for (const text of deep) {
        parseShell(text);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      expect(view("")).toEqual([]);
      expect(view("A=1 npx prisma db push && echo $B")).toEqual(["command@0 npx prisma db push [A=1@0]", "command@26 echo ?", "read@31 B"]);
    }
  });
});

describe("nestingEstimate", () => {
  it.each([
    ["", 0],
    ["echo a", 0],
    ["a && b && c", 2],
    ["a && b; c && d", 1],
    ["a && b & c && d", 1],
    ["a &&\n  b &&\n  c", 2],
    ["a \\\n && b", 1],
    ["a 2>&1 && b &> log && c", 2],
    ["a | b |& c || d", 3],
    ["a && b\nc && d", 1],
    ["echo ';' && echo \";\" && c", 2],
    ["a && # ; x\n b && c", 2],
    ["echo \"$(a $(b))\" `c`", 4],
    ["echo '((((' \"x\"", 0],
    ["(a && (b | c))", 6],
    ["if a; then while b; do c; done; fi", 2],
    ["echo if for while; echo done", 0],
    ['echo "wait for it; if"', 0],
    ["for x in a; do case $x in a) b ;; esac; done", 2],
  ])("%j -> %i", (text, estimate) => {
    expect(nestingEstimate(text)).toBe(estimate);
  });

  it("returns nothing for empty text and comments", () => {
    expect(view("")).toEqual([]);
    expect(view("# SKIP_X=1 npx prisma db push\n")).toEqual([]);
  });

  it("splits &&, ||, ;, pipes and newlines into simple commands, with offsets", () => {
    const line = "npm ci && npx prisma db push || echo failed; prisma generate | tee log\nprisma migrate dev";
    expect(view(line)).toEqual([
      "command@0 npm ci",
      `command@${line.indexOf("npx")} npx prisma db push`,
      `command@${line.indexOf("echo")} echo failed`,
      `command@${line.indexOf("prisma generate")} prisma generate`,
      `command@${line.indexOf("tee")} tee log`,
      `command@${line.indexOf("prisma migrate dev")} prisma migrate dev`,
    ]);
  });

  it("reads VAR=1 cmd and env / cross-env NAME=value as env of that command only", () => {
    expect(view("SKIP_DB_CHECK=1 npm run build")).toEqual(["command@0 npm run build [SKIP_DB_CHECK=1@0]"]);
    expect(view("env -i CI=true node x.js")).toEqual(["command@0 env -i CI=true node x.js [CI=true@7]"]);
    expect(view("npx cross-env BYPASS_X=yes tsx s.ts")).toEqual(["command@0 npx cross-env BYPASS_X=yes tsx s.ts [BYPASS_X=yes@14]"]);
  });

  it("reads docker/podman run -e NAME=value, --env NAME, --env=NAME=value as env of that command", () => {
    const line = 'docker run --rm -e SKIP_MIGRATION="true" --env BYPASS_X --env=ALLOW_Y=1 -p 80:80 img';
    const at = (s: string): number => line.indexOf(s);
    expect(view(line)).toEqual([
      `command@0 docker run --rm -e SKIP_MIGRATION=true --env BYPASS_X --env=ALLOW_Y=1 -p 80:80 img [SKIP_MIGRATION=true@${at("SKIP")} BYPASS_X=undefined@${at("BYPASS")} ALLOW_Y=1@${at("ALLOW")}]`,
    ]);
    expect(view("docker build -e SKIP_X=1 .")).toEqual(["command@0 docker build -e SKIP_X=1 ."]);
  });

  it("reads export, declare -x and a lone assignment as set for the rest of the text", () => {
    expect(view("export CI=true SKIP_A\ndeclare -x B=2\nC=3")).toEqual([
      "set@7 CI=true rest",
      "set@15 SKIP_A=(naked) rest",
      "set@33 B=2 rest",
      "set@37 C=3 rest",
    ]);
  });

  it("reads $X, ${X} and ${X:-d} as reads, also inside double quotes, but not inside single quotes", () => {
    expect(view(`echo $SKIP_A "\${SKIP_B:-0}" '$SKIP_C'`)).toEqual(["command@0 echo ? ? $SKIP_C", "read@5 SKIP_A", "read@14 SKIP_B"]);
  });

  it("does not read a name that is only mentioned in a string", () => {
    // Choice: `echo "SKIP_X is not set"` neither sets nor reads SKIP_X; a bypass name in prose is silent.
    expect(view('echo "SKIP_X is not set"')).toEqual(["command@0 echo SKIP_X is not set"]);
  });

  it("reads commands inside functions, if/for/case bodies and $(...), and bash-only syntax", () => {
    const text = "function main {\n  arr=(1 2)\n  if [[ -n $x ]]; then npx prisma migrate reset --force; fi\n}\nv=$(prisma db seed)\n";
    expect(view(text)).toEqual([
      `set@${text.indexOf("arr")} arr=\uE000 rest`,
      `read@${text.indexOf("$x")} x`,
      `command@${text.indexOf("npx")} npx prisma migrate reset --force`,
      `set@${text.indexOf("v=")} v=\uE000 rest`,
      `command@${text.indexOf("prisma db seed")} prisma db seed`,
    ]);
  });

  it("gives UTF-16 offsets after non-ASCII text (mvdan/sh counts bytes)", () => {
    const text = 'echo "é 😀" && npx prisma db push';
    expect(view(text)[1]).toBe(`command@${text.indexOf("npx")} npx prisma db push`);
  });

  it("returns the first syntax error with its offset", () => {
    const parsed = parseShell("echo ok\necho 'unterminated");
    expect(parsed).toEqual({ error: { message: expect.stringContaining("without closing quote") as unknown, offset: 13 } });
  });
});

describe("parseShell: deep texts (issue 14)", () => {
  it("reads a chain of 199 commands joined by && (a tree deeper than one Walk goes), in source order", () => {
    // mvdan/sh's Walk recursed once per && and overflowed the stack at about 700 ("Maximum call stack size
    // exceeded"); each Walk now goes WALK_DEPTH (64) levels down and the rest is walked on its own.
    const text = `CI=true npx prisma db push${" && echo ok".repeat(197)} && echo $LAST`;
    const read = items(text);
    expect(read).toHaveLength(200);
    expect(read[0]).toMatchObject({ kind: "command", offset: 0, words: [{ text: "npx" }, { text: "prisma" }, { text: "db" }, { text: "push" }] });
    expect(read.at(-2)).toMatchObject({ kind: "command", words: [{ text: "echo" }, { text: COMMAND_HOLE, hole: true }] });
    expect(read.at(-1)).toMatchObject({ kind: "read", name: "LAST", offset: text.length - 5 });
    const offsets = read.map((i) => i.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it("reads pipes and || chains as deep, and says when nesting is too deep for the parser itself", () => {
    expect(items(`cat a${" | grep x".repeat(150)}`)).toHaveLength(151);
    expect(items(`false${" || echo x".repeat(150)}`)).toHaveLength(151);
    const nested = parseShell(`${"(".repeat(2_000)}echo x${")".repeat(2_000)}`);
    expect(nested).toEqual({ error: { message: expect.stringContaining("nests too deeply"), offset: 0 } });
  });
});
