/**
 * RuleTester cases for `no-bypass-env` (SPEC §3 group A row `no-bypass-env`, §6.2 zones, §6.6 setting
 * CI=true, §6.7 env names). Every form of the row has invalid cases and near-miss valid cases; every case
 * has a filename under the virtual repository root, so the zone classifier sees a repository path.
 * Where the spec is silent, a one-line `// Choice:` comment names the behaviour the case pins down.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/no-bypass-env.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const ruleTester = createTester();

const SCRIPT = repoFile("scripts/x.ts");
const SCRIPT_JS = repoFile("scripts/x.mjs");
const APP = repoFile("src/lib/config.ts");
const PAGE = repoFile("app/page.tsx");

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

interface Expected {
  messageId: MessageId;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  data?: Record<string, string>;
}

/** A bypass finding on a full name. */
function bypass(name: string, pattern: string, line: number, column: number, end?: { endLine?: number; endColumn: number }): Expected {
  return { messageId: "bypassName", data: { name, pattern }, line, column, ...(end ? { endLine: end.endLine ?? line, endColumn: end.endColumn } : {}) };
}

/** A bypass finding on a computed name whose static prefix is `prefix`. */
function bypassPrefix(prefix: string, pattern: string, line: number, column: number): Expected {
  return { messageId: "bypassPrefix", data: { name: prefix, pattern }, line, column };
}

/** A finding that sets the CI guard's variable to its guard value. */
function ciSet(name: string, value: string, line: number, column: number): Expected {
  return { messageId: "ciSet", data: { name, value }, line, column };
}

function valid(code: string, filename = SCRIPT, extra: Partial<Valid> = {}): Valid {
  return { code, filename, ...extra };
}

function invalid(code: string, errors: Expected[], filename = SCRIPT, extra: Partial<Invalid> = {}): Invalid {
  return { code, filename, errors, ...extra };
}

ruleTester.run("no-bypass-env: process.env member access", rule, {
  valid: [
    valid(""),
    valid("const url = process.env.DATABASE_URL;"),
    valid('const url = process.env["DATABASE_URL"];'),
    // Patterns are anchored globs: SKIP_* does not match SKIPPER or MY_SKIP_X.
    valid("const a = process.env.SKIPPER;\nconst b = process.env.MY_SKIP_X;\nconst c = process.env.ALLOWED_ORIGINS;"),
    valid("const ok = process.env.SAFETY_ASSURED_NOT;\nconst ok2 = process.env.PRISMA_USER_CONSENT;"),
    valid('console.log("SKIP_CACHE is set");'),
    valid('console.log(`BYPASS_CHECKS=${process.env.DATABASE_URL}`);'),
    valid("const o = { SKIP_CACHE: true };\nconst v = o.SKIP_CACHE;"),
    valid("const SKIP_X = true;\nif (SKIP_X) run();"),
    valid("const env = { SKIP_X: '1' };\nconst v = env.SKIP_X;"),
    valid("const env = loadConfig();\nconst v = env.SKIP_X;"),
    valid("function f(env: Record<string, string>) {\n  return env.SKIP_X;\n}"),
    valid("const settings = { env: { SKIP_X: '1' } };\nconst v = settings.env.SKIP_X;"),
    valid("const s = process.env.hasOwnProperty('DATABASE_URL');"),
    valid("const ok = typeof process !== 'undefined' && process.env.NODE_ENV === 'production';"),
    // Choice: a type query reads no value at runtime, so `typeof process.env.SKIP_X` in a type is silent.
    valid("type Skip = typeof process.env.SKIP_X;"),
    valid("const meta = import.meta.url;\nconst dev = import.meta.env.DEV;"),
    valid("const v = globalThis.SKIP_X;"),
  ],
  invalid: [
    invalid("const s = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11, { endColumn: 29 })]),
    invalid('const s = process.env["SKIP_X"];', [bypass("SKIP_X", "SKIP_*", 1, 11, { endColumn: 32 })]),
    invalid("const s = process.env['BYPASS_CHECKS'];", [bypass("BYPASS_CHECKS", "BYPASS_*", 1, 11)]),
    invalid("const s = process.env[`ALLOW_DIRTY`];", [bypass("ALLOW_DIRTY", "ALLOW_*", 1, 11)]),
    invalid("if (process.env.SKIP_FINGERPRINT_VALIDATION === 'true') {\n  skip();\n}", [
      bypass("SKIP_FINGERPRINT_VALIDATION", "SKIP_*", 1, 5),
    ]),
    invalid("const consent = process.env.PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION;", [
      bypass("PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION", "PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION", 1, 17),
    ]),
    invalid("const assured = process.env.SAFETY_ASSURED;", [bypass("SAFETY_ASSURED", "SAFETY_ASSURED", 1, 17)]),
    // Names are matched case-insensitively (SPEC §6.7).
    invalid("const s = process.env.skip_x;", [bypass("skip_x", "SKIP_*", 1, 11)]),
    invalid("const s = process.env.Safety_Assured;", [bypass("Safety_Assured", "SAFETY_ASSURED", 1, 11)]),
    // Choice: `SKIP_` alone matches `SKIP_*` (the glob's star matches the empty rest).
    invalid("const s = process.env.SKIP_;", [bypass("SKIP_", "SKIP_*", 1, 11)]),
    // TypeScript wrappers do not hide the access.
    invalid("const s = process.env.SKIP_X!;", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const s = (process.env as any).SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const s = (process.env as Record<string, string>)['BYPASS_X'];", [bypass("BYPASS_X", "BYPASS_*", 1, 11)]),
    invalid("const s = (<any>process.env).SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const s = (process.env satisfies NodeJS.ProcessEnv).SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const s = (process!.env!).SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const s = process.env?.SKIP_X;\nconst t = process?.env?.BYPASS_X;", [
      bypass("SKIP_X", "SKIP_*", 1, 11),
      bypass("BYPASS_X", "BYPASS_*", 2, 11),
    ]),
    invalid('const s = process["env"].SKIP_X;', [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const s = globalThis.process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    // Declared globals (`languageOptions.globals`, as with the `globals` package) are still the global process.
    invalid(
      "const s = process.env.SKIP_X;\nconst t = globalThis.process.env.BYPASS_X;",
      [bypass("SKIP_X", "SKIP_*", 1, 11), bypass("BYPASS_X", "BYPASS_*", 2, 11)],
      SCRIPT,
      { languageOptions: { globals: { process: "readonly", globalThis: "readonly" } } },
    ),
    invalid("const s = globalThis.process?.env['SKIP_X'];", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    // Choice: Node's `global` is the same object as `globalThis`.
    invalid("const s = global.process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const a = process.env.SKIP_A;\nconst b = process.env.DATABASE_URL;\nconst c = process.env.BYPASS_C;", [
      bypass("SKIP_A", "SKIP_*", 1, 11),
      bypass("BYPASS_C", "BYPASS_*", 3, 11),
    ]),
    invalid("const s = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)], APP),
    invalid("export function f() {\n  return () => process.env.SKIP_X ?? 'no';\n}", [bypass("SKIP_X", "SKIP_*", 2, 16)]),
  ],
});

ruleTester.run("no-bypass-env: framework prefixes", rule, {
  valid: [
    valid("const url = process.env.NEXT_PUBLIC_API_URL;", APP),
    // Only a prefix is stripped: a framework prefix alone is no bypass name.
    valid("const v = process.env.VITE_;\nconst w = process.env.NEXT_PUBLIC_;", APP),
    // One prefix is stripped, not two.
    valid("const v = process.env.VITE_NEXT_PUBLIC_SKIP_X;", APP),
    // A framework prefix in the middle of a name is not stripped.
    valid("const v = process.env.MY_VITE_SKIP_X;", APP),
  ],
  invalid: [
    invalid("const v = process.env.NEXT_PUBLIC_SKIP_AUTH;", [bypass("NEXT_PUBLIC_SKIP_AUTH", "SKIP_*", 1, 11)], APP),
    invalid("const v = process.env.VITE_BYPASS_LOGIN;", [bypass("VITE_BYPASS_LOGIN", "BYPASS_*", 1, 11)], APP),
    invalid("const v = process.env.REACT_APP_ALLOW_ANY;", [bypass("REACT_APP_ALLOW_ANY", "ALLOW_*", 1, 11)], APP),
    invalid("const v = process.env.EXPO_PUBLIC_SKIP_X;", [bypass("EXPO_PUBLIC_SKIP_X", "SKIP_*", 1, 11)], APP),
    invalid("const v = process.env.NUXT_PUBLIC_SKIP_X;", [bypass("NUXT_PUBLIC_SKIP_X", "SKIP_*", 1, 11)], APP),
    invalid("const v = process.env.NUXT_SKIP_X;", [bypass("NUXT_SKIP_X", "SKIP_*", 1, 11)], APP),
    invalid("const v = process.env.PUBLIC_SAFETY_ASSURED;", [bypass("PUBLIC_SAFETY_ASSURED", "SAFETY_ASSURED", 1, 11)], APP),
    invalid("const v = process.env.GATSBY_SKIP_X;", [bypass("GATSBY_SKIP_X", "SKIP_*", 1, 11)], APP),
    invalid("const v = process.env.next_public_skip_x;", [bypass("next_public_skip_x", "SKIP_*", 1, 11)], APP),
    invalid("const v = import.meta.env.VITE_SKIP_X;", [bypass("VITE_SKIP_X", "SKIP_*", 1, 11)], APP),
    invalid("const { VITE_SKIP_AUTH } = import.meta.env;", [bypass("VITE_SKIP_AUTH", "SKIP_*", 1, 9)], APP),
    invalid("const v = import.meta.env['VITE_BYPASS_X'];", [bypass("VITE_BYPASS_X", "BYPASS_*", 1, 11)], APP),
    // Choice: a pattern that itself names a framework prefix matches the name as written too.
    invalid(
      "const v = process.env.NEXT_PUBLIC_DEBUG_ALL;",
      [bypass("NEXT_PUBLIC_DEBUG_ALL", "NEXT_PUBLIC_DEBUG_*", 1, 11)],
      APP,
      { settings: contractSettings({ version: 1, bypass: { patterns: ["NEXT_PUBLIC_DEBUG_*"] } }) },
    ),
  ],
});

ruleTester.run("no-bypass-env: computed names", rule, {
  valid: [
    // SPEC §6.7: an unknown key, or a static prefix shorter than a pattern's literal prefix, is silent.
    valid("const v = process.env[name];"),
    valid("const v = process.env[`S${x}`];"),
    valid("const v = process.env['S' + x];"),
    valid("const v = process.env[`SKIP${x}`];"),
    valid("const v = process.env[x + '_SKIP'];"),
    valid("const v = process.env[`${prefix}SKIP_X`];"),
    valid("const v = process.env[0];"),
    valid("const K = 'DATABASE_URL';\nconst v = process.env[K];"),
    // Choice: only `const` bindings are constants; a `let` may hold anything by the time it is read.
    valid("let K = 'SKIP_X';\nK = other();\nconst v = process.env[K];"),
    valid("function f(K: string) {\n  return process.env[K];\n}"),
    // A pattern without a glob has no room for a hole: `SAFETY_${x}` is not `SAFETY_ASSURED`.
    valid("const v = process.env[`SAFETY_${x}`];"),
    valid("const v = process.env[`NEXT_PUBLIC_${x}`];", APP),
  ],
  invalid: [
    invalid("const v = process.env[`SKIP_${x}`];", [bypassPrefix("SKIP_", "SKIP_*", 1, 11)]),
    invalid("const v = process.env['SKIP_' + x];", [bypassPrefix("SKIP_", "SKIP_*", 1, 11)]),
    invalid("const v = process.env['BYPASS_' + kind + '_CHECK'];", [bypassPrefix("BYPASS_", "BYPASS_*", 1, 11)]),
    invalid("const v = process.env[`skip_${x}`];", [bypassPrefix("skip_", "SKIP_*", 1, 11)]),
    invalid("const v = process.env[`SKIP_FINGERPRINT_${x}`];", [bypassPrefix("SKIP_FINGERPRINT_", "SKIP_*", 1, 11)]),
    invalid("const v = process.env[`NEXT_PUBLIC_SKIP_${x}`];", [bypassPrefix("NEXT_PUBLIC_SKIP_", "SKIP_*", 1, 11)], APP),
    invalid("const K = 'SKIP_X';\nconst v = process.env[K];", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("const K = `BYPASS_${'CHECKS'}`;\nconst v = process.env[K];", [bypass("BYPASS_CHECKS", "BYPASS_*", 2, 11)]),
    invalid("const K = 'SKIP_X' as const;\nconst v = process.env[K];", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("const P = 'SKIP_';\nconst v = process.env[P + x];", [bypassPrefix("SKIP_", "SKIP_*", 2, 11)]),
    invalid("const P = 'SKIP';\nconst v = process.env[`${P}_${x}`];", [bypassPrefix("SKIP_", "SKIP_*", 2, 11)]),
    invalid("const v = process.env[`SKIP_X`];", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
    invalid("const v = process.env['SKIP_' + 'X'];", [bypass("SKIP_X", "SKIP_*", 1, 11)]),
  ],
});

ruleTester.run("no-bypass-env: destructuring", rule, {
  valid: [
    valid("const { DATABASE_URL, NODE_ENV } = process.env;"),
    valid("const { SKIP_X } = config;"),
    valid("const { SKIP_X } = getEnv();"),
    valid("const { SKIP_X } = { SKIP_X: true };"),
    valid("function f({ SKIP_X } = defaults) {\n  return SKIP_X;\n}"),
    valid("function f({ SKIP_X }: { SKIP_X: string }) {\n  return SKIP_X;\n}"),
    valid("const { ...rest } = process.env;"),
    valid("const { env: { DATABASE_URL } } = process;"),
    valid("const { SKIP_X } = process;"),
    valid("const { argv: { SKIP_X } } = process;"),
    valid("function f(process: any) {\n  const { env: { SKIP_X } } = process;\n  return SKIP_X;\n}"),
  ],
  invalid: [
    invalid("const { SKIP_X } = process.env;", [bypass("SKIP_X", "SKIP_*", 1, 9, { endColumn: 15 })]),
    invalid("const { SKIP_X: skip } = process.env;", [bypass("SKIP_X", "SKIP_*", 1, 9)]),
    invalid("const { SKIP_X = '0' } = process.env;", [bypass("SKIP_X", "SKIP_*", 1, 9)]),
    invalid("const { BYPASS_SAFETY: bypass = '0' } = process.env;", [bypass("BYPASS_SAFETY", "BYPASS_*", 1, 9)]),
    invalid("const { 'SKIP_X': skip } = process.env;", [bypass("SKIP_X", "SKIP_*", 1, 9)]),
    invalid("const { ['SKIP_X']: skip } = process.env;", [bypass("SKIP_X", "SKIP_*", 1, 10)]),
    invalid("const { [`SKIP_${k}`]: skip } = process.env;", [bypassPrefix("SKIP_", "SKIP_*", 1, 10)]),
    invalid("const { DATABASE_URL, SKIP_A, BYPASS_B: b, ...rest } = process.env;", [
      bypass("SKIP_A", "SKIP_*", 1, 23),
      bypass("BYPASS_B", "BYPASS_*", 1, 31),
    ]),
    invalid("let skip;\n({ SKIP_X: skip } = process.env);", [bypass("SKIP_X", "SKIP_*", 2, 4)]),
    invalid("let SKIP_X;\n({ SKIP_X = 'no' } = process.env);", [bypass("SKIP_X", "SKIP_*", 2, 4)]),
    invalid("function f({ SKIP_X } = process.env) {\n  return SKIP_X;\n}", [bypass("SKIP_X", "SKIP_*", 1, 14)]),
    invalid("const f = ({ BYPASS_X = '' } = process.env) => BYPASS_X;", [bypass("BYPASS_X", "BYPASS_*", 1, 14)]),
    invalid("function f({ SKIP_X }: NodeJS.ProcessEnv = process.env) {\n  return SKIP_X;\n}", [bypass("SKIP_X", "SKIP_*", 1, 14)]),
    invalid("const { SKIP_X } = process.env as Record<string, string>;", [bypass("SKIP_X", "SKIP_*", 1, 9)]),
    invalid("const { env: { SKIP_X } } = process;", [bypass("SKIP_X", "SKIP_*", 1, 16)]),
    invalid("const { env: { SKIP_X } = {} } = process;", [bypass("SKIP_X", "SKIP_*", 1, 16)]),
    invalid("import process from 'node:process';\nconst { env: { BYPASS_X: b } } = process;", [bypass("BYPASS_X", "BYPASS_*", 2, 16)]),
    invalid("const { SKIP_X } = globalThis.process.env;", [bypass("SKIP_X", "SKIP_*", 1, 9)]),
    // Choice: `process.env ?? {}` and `process.env || {}` are still the environment.
    invalid("const { SKIP_X } = process.env ?? {};", [bypass("SKIP_X", "SKIP_*", 1, 9)]),
  ],
});

ruleTester.run("no-bypass-env: aliases and imports", rule, {
  valid: [
    valid("const e = process.env;\nconst v = e.DATABASE_URL;"),
    valid("const { env } = process;\nconst v = env.NODE_ENV;"),
    valid("import { env } from 'node:process';\nconst v = env.PORT;"),
    // A parameter named `env` shadows the imported one.
    valid("import { env } from 'node:process';\nexport function f(env: Record<string, string>) {\n  return env.SKIP_X;\n}"),
    valid("const { env } = process;\nfunction f(env: Record<string, string>) {\n  return env.SKIP_X;\n}"),
    // Imports of other modules named `env` or `process` are not the environment.
    valid("import { env } from './env';\nconst v = env.SKIP_X;"),
    valid("import process from './fake-process';\nconst v = process.env.SKIP_X;"),
    valid("import * as p from 'node:path';\nconst v = p.env.SKIP_X;"),
    valid("import { argv } from 'node:process';\nconst v = argv.SKIP_X;"),
    valid("import type { SKIP_X } from '$env/static/private';\nlet v: SKIP_X;", APP),
    valid("import { PUBLIC_API_URL } from '$env/static/public';", APP),
    // A local `process` shadows the global.
    valid("const process = { env: { SKIP_X: '1' } };\nconst v = process.env.SKIP_X;"),
    valid("function f(process: { env: Record<string, string> }) {\n  return process.env.SKIP_X;\n}"),
    valid("function f(process: any) {\n  const { SKIP_X } = process.env;\n  return SKIP_X;\n}"),
    valid("function f(process: any) {\n  const e = process.env;\n  return e.BYPASS_X;\n}"),
    valid("const globalThis = { process: { env: {} as Record<string, string> } };\nconst v = globalThis.process.env.SKIP_X;"),
    valid("const e = getEnv();\nconst v = e.SKIP_X;"),
    valid("const env = process.env.NODE_ENV;\nconst v = env.SKIP_X;"),
  ],
  invalid: [
    invalid("const e = process.env;\nconst v = e.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("let e = process.env;\nconst v = e['BYPASS_X'];", [bypass("BYPASS_X", "BYPASS_*", 2, 11)]),
    invalid("const a = process.env;\nconst b = a;\nconst v = b.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 3, 11)]),
    invalid("const e = process.env as Record<string, string | undefined>;\nconst v = e.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("const e = process.env;\nconst { SKIP_X } = e;", [bypass("SKIP_X", "SKIP_*", 2, 9)]),
    invalid("const { env } = process;\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("const { env: e } = process;\nconst v = e.BYPASS_X;", [bypass("BYPASS_X", "BYPASS_*", 2, 11)]),
    invalid("const { env = {} } = process;\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("const { env, argv } = process;\nconst { SKIP_X } = env;", [bypass("SKIP_X", "SKIP_*", 2, 9)]),
    invalid("function main() {\n  const e = process.env;\n  return e.SKIP_X;\n}", [bypass("SKIP_X", "SKIP_*", 3, 10)]),
    // An alias is resolved where it is declared, not where it is used (the parameter `process` shadows nothing there).
    invalid("const e = process.env;\nfunction g(process: unknown) {\n  return e.SKIP_X;\n}", [bypass("SKIP_X", "SKIP_*", 3, 10)]),
    // Choice: an ambient `declare const process` describes the global, it does not shadow it.
    invalid("declare const process: { env: Record<string, string> };\nconst v = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    // Choice: a parameter whose default is the environment is an alias of it.
    invalid("function f(env = process.env) {\n  return env.SKIP_X;\n}", [bypass("SKIP_X", "SKIP_*", 2, 10)]),
    invalid("import { env } from 'node:process';\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("import { env } from 'process';\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("import { env as e } from 'node:process';\nconst v = e.BYPASS_X;", [bypass("BYPASS_X", "BYPASS_*", 2, 11)]),
    invalid("import { env } from 'node:process';\nconst { SKIP_X } = env;", [bypass("SKIP_X", "SKIP_*", 2, 9)]),
    invalid("import { env } from 'node:process';\nenv.SKIP_X = '1';", [bypass("SKIP_X", "SKIP_*", 2, 1)]),
    invalid("import process from 'node:process';\nconst v = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("import proc from 'process';\nconst v = proc.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("import * as p from 'node:process';\nconst v = p.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("import * as p from 'node:process';\nconst { SKIP_X } = p.env;", [bypass("SKIP_X", "SKIP_*", 2, 9)]),
    invalid("import { default as proc } from 'node:process';\nconst v = proc.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
    invalid("import process from 'node:process';\nconst { env } = process;\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 3, 11)]),
    // Choice: SvelteKit's `$env/*` modules are the environment (`env` object and one import per name).
    invalid("import { env } from '$env/dynamic/private';\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)], APP),
    invalid("import { DATABASE_URL, SKIP_X as skip } from '$env/static/private';", [bypass("SKIP_X", "SKIP_*", 1, 24)], APP),
    invalid("import { PUBLIC_BYPASS_X } from '$env/static/public';", [bypass("PUBLIC_BYPASS_X", "BYPASS_*", 1, 10)], APP),
    // CommonJS: `require("node:process")` is the same object.
    invalid("const proc = require('node:process');\nconst v = proc.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)], SCRIPT_JS),
    invalid("const { env } = require('process');\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)], SCRIPT_JS),
    invalid("const v = require('node:process').env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)], SCRIPT_JS),
    // Choice: a shallow copy of the environment (`{ ...process.env }`) is read like the environment.
    invalid("const env = { ...process.env };\nconst v = env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 2, 11)]),
  ],
});

ruleTester.run("no-bypass-env: writes and presence checks", rule, {
  valid: [
    valid("process.env.NODE_ENV = 'production';"),
    valid("delete process.env.DATABASE_URL;"),
    valid("const has = 'DATABASE_URL' in process.env;"),
    valid("const has = 'SKIP_X' in config;"),
    valid("const has = key in process.env;"),
    valid("Object.assign(process.env, { NODE_ENV: 'test' });"),
    valid("Object.assign(config, { SKIP_X: '1' });"),
    valid("const merged = Object.assign({}, { SKIP_CACHE: true });"),
    valid("config.SKIP_X = '1';"),
    valid("process.env = { ...process.env, PORT: '3000' };"),
    valid("const has = Object.hasOwn(config, 'SKIP_X');\nconst v = Reflect.get(config, 'SKIP_X');"),
    valid("const has = config.hasOwnProperty('SKIP_X');"),
    valid("const Reflect = { get: (o: object, k: string) => k };\nconst v = Reflect.get(process.env, 'DATABASE_URL');"),
    valid("const v = toString.call(process.env, 'SKIP_X');\nconst w = constructor.call(process.env, 'SKIP_X');"),
  ],
  invalid: [
    invalid("process.env.SKIP_X = '1';", [bypass("SKIP_X", "SKIP_*", 1, 1, { endColumn: 19 })]),
    invalid("process.env['BYPASS_X'] = 'true';", [bypass("BYPASS_X", "BYPASS_*", 1, 1)]),
    invalid("process.env.SKIP_X ??= '1';", [bypass("SKIP_X", "SKIP_*", 1, 1)]),
    invalid("(process.env as any).SKIP_X = '1';", [bypass("SKIP_X", "SKIP_*", 1, 1)]),
    invalid("delete process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 8)]),
    invalid("delete process.env['ALLOW_X'];", [bypass("ALLOW_X", "ALLOW_*", 1, 8)]),
    invalid("const has = 'SKIP_X' in process.env;", [bypass("SKIP_X", "SKIP_*", 1, 13, { endColumn: 21 })]),
    invalid("if (`BYPASS_${k}` in process.env) go();", [bypassPrefix("BYPASS_", "BYPASS_*", 1, 5)]),
    invalid("import { env } from 'node:process';\nconst has = 'SKIP_X' in env;", [bypass("SKIP_X", "SKIP_*", 2, 13)]),
    invalid("Object.assign(process.env, { SKIP_X: '1' });", [bypass("SKIP_X", "SKIP_*", 1, 30)]),
    invalid("Object.assign(process.env, { DATABASE_URL: url }, { 'BYPASS_X': '1' });", [bypass("BYPASS_X", "BYPASS_*", 1, 53)]),
    invalid("const extra = { SKIP_X: '1' };\nObject.assign(process.env, extra);", [bypass("SKIP_X", "SKIP_*", 1, 17)]),
    invalid("Object.assign(process.env, { [`SKIP_${x}`]: '1' });", [bypassPrefix("SKIP_", "SKIP_*", 1, 31)]),
    // Choice: replacing the whole environment with an object literal writes each of its keys.
    invalid("process.env = { ...process.env, SKIP_X: '1' };", [bypass("SKIP_X", "SKIP_*", 1, 33)]),
    // Choice: `Object.hasOwn(process.env, k)` and `process.env.hasOwnProperty(k)` are presence checks like `in`.
    invalid("const has = Object.hasOwn(process.env, 'SKIP_X');", [bypass("SKIP_X", "SKIP_*", 1, 40)]),
    invalid("const has = process.env.hasOwnProperty('SKIP_X');", [bypass("SKIP_X", "SKIP_*", 1, 40)]),
    invalid("const has = Object.prototype.hasOwnProperty.call(process.env, 'SKIP_X');", [bypass("SKIP_X", "SKIP_*", 1, 63)]),
    invalid("const v = Reflect.get(process.env, 'SKIP_X');", [bypass("SKIP_X", "SKIP_*", 1, 36)]),
    invalid("Reflect.set(process.env, `BYPASS_${k}`, '1');", [bypassPrefix("BYPASS_", "BYPASS_*", 1, 26)]),
    invalid("Reflect.deleteProperty(process.env, 'SKIP_X');", [bypass("SKIP_X", "SKIP_*", 1, 37)]),
    invalid("Object.defineProperty(process.env, 'SKIP_X', { value: '1' });", [bypass("SKIP_X", "SKIP_*", 1, 36)]),
    invalid("process.env.SKIP_X! = '1';", [bypass("SKIP_X", "SKIP_*", 1, 1)]),
  ],
});

ruleTester.run("no-bypass-env: child processes", rule, {
  valid: [
    valid("import { spawn } from 'node:child_process';\nspawn('npm', ['test'], { env: { ...process.env, NODE_ENV: 'test' } });"),
    valid("import { spawn } from 'node:child_process';\nspawn('npm', ['test'], { env: process.env });"),
    valid("import { spawn } from 'node:child_process';\nspawn('npm', ['test'], { stdio: 'inherit', SKIP_X: '1' });"),
    // An object with an `env` key that reaches no child process is just an object.
    valid("const options = { env: { SKIP_X: '1' } };\nconsole.log(options);"),
    valid("run('x', { env: { SKIP_X: '1' } });"),
    valid("const m = /x/.exec('SKIP_X');"),
    valid("import { spawn } from 'node:child_process';\nspawn('npm', [], { env: { ...process.env, SKIPPED: '1', MY_SKIP_X: '1' } });"),
    valid("import { spawn } from 'node:child_process';\nconst env = { SKIP_X: '1' };\nspawn('npm', [], { env: process.env });"),
  ],
  invalid: [
    invalid("import { spawn } from 'node:child_process';\nspawn('npm', ['test'], { env: { ...process.env, SKIP_X: '1' } });", [
      bypass("SKIP_X", "SKIP_*", 2, 49),
    ]),
    invalid("import { spawnSync } from 'node:child_process';\nspawnSync('npm', ['run', 'seed'], { env: { BYPASS_CHECKS: '1' } });", [
      bypass("BYPASS_CHECKS", "BYPASS_*", 2, 44),
    ]),
    invalid("import { exec } from 'node:child_process';\nexec('npm test', { env: { SKIP_X: '1' } }, cb);", [bypass("SKIP_X", "SKIP_*", 2, 27)]),
    invalid("import { execSync } from 'child_process';\nexecSync('npm test', { env: { ALLOW_X: '1' } });", [bypass("ALLOW_X", "ALLOW_*", 2, 31)]),
    invalid("import { execFile } from 'node:child_process';\nexecFile('node', ['x.js'], { env: { SKIP_X: '1' } }, cb);", [
      bypass("SKIP_X", "SKIP_*", 2, 37),
    ]),
    invalid("import { execFileSync } from 'node:child_process';\nexecFileSync('node', ['x.js'], { env: { SKIP_X: '1' } });", [
      bypass("SKIP_X", "SKIP_*", 2, 41),
    ]),
    invalid("import { fork } from 'node:child_process';\nfork('worker.js', [], { env: { SKIP_X: '1' } });", [bypass("SKIP_X", "SKIP_*", 2, 32)]),
    invalid("import cp from 'node:child_process';\ncp.spawn('npm', [], { env: { SKIP_X: '1' } });", [bypass("SKIP_X", "SKIP_*", 2, 30)]),
    invalid("const cp = require('child_process');\ncp.execSync('npm test', { env: { SKIP_X: '1' } });", [bypass("SKIP_X", "SKIP_*", 2, 34)], SCRIPT_JS),
    invalid("import { execa } from 'execa';\nawait execa('npm', ['test'], { env: { ...process.env, BYPASS_CHECKS: '1' } });", [
      bypass("BYPASS_CHECKS", "BYPASS_*", 2, 55),
    ]),
    invalid("import { execa } from 'execa';\nawait execa({ env: { SKIP_X: '1' } })`npm test`;", [bypass("SKIP_X", "SKIP_*", 2, 22)]),
    invalid("import { execaSync } from 'execa';\nexecaSync('npm', [], { env: { SKIP_X: '1' } });", [bypass("SKIP_X", "SKIP_*", 2, 31)]),
    // Through a const: the options object, the env object, or a spread const.
    invalid(
      "import { execa } from 'execa';\nconst options = { env: { ...process.env, BYPASS_CHECKS: '1' } };\nawait execa('npm', ['test'], options);",
      [bypass("BYPASS_CHECKS", "BYPASS_*", 2, 42)],
    ),
    invalid("import { spawn } from 'node:child_process';\nconst env = { ...process.env, SKIP_X: '1' };\nspawn('npm', [], { env });", [
      bypass("SKIP_X", "SKIP_*", 2, 31),
    ]),
    invalid(
      "import { spawn } from 'node:child_process';\nconst extra = { SKIP_X: '1' };\nspawn('npm', [], { env: { ...process.env, ...extra } });",
      [bypass("SKIP_X", "SKIP_*", 2, 17)],
    ),
    invalid(
      "import { spawn } from 'node:child_process';\nspawn('npm', [], { env: Object.assign({}, process.env, { SKIP_X: '1' }) });",
      [bypass("SKIP_X", "SKIP_*", 2, 58)],
    ),
    invalid("import { spawn } from 'node:child_process';\nspawn('npm', [], { env: { [`SKIP_${k}`]: '1' } });", [bypassPrefix("SKIP_", "SKIP_*", 2, 28)]),
    invalid(
      "import { spawn } from 'node:child_process';\nconst base = { env: { SKIP_X: '1' } };\nspawn('npm', [], { ...base, stdio: 'inherit' });",
      [bypass("SKIP_X", "SKIP_*", 2, 23)],
    ),
    invalid("import { execaNode } from 'execa';\nexecaNode('x.js', [], { env: { SKIP_X: '1' } });", [bypass("SKIP_X", "SKIP_*", 2, 32)]),
    // Choice: zx's and execa's `$` take the same options object.
    invalid("import { $ } from 'zx';\nawait $({ env: { SKIP_X: '1' } })`npm test`;", [bypass("SKIP_X", "SKIP_*", 2, 18)]),
    invalid("import { spawn } from 'node:child_process';\nspawn('npm', [], { env: { NEXT_PUBLIC_SKIP_AUTH: '1' } });", [
      bypass("NEXT_PUBLIC_SKIP_AUTH", "SKIP_*", 2, 27),
    ]),
    // Choice: `promisify(exec)` is still exec.
    invalid(
      "import { exec } from 'node:child_process';\nimport { promisify } from 'node:util';\nconst run = promisify(exec);\n" +
        "await run('npm test', { env: { SKIP_X: '1' } });",
      [bypass("SKIP_X", "SKIP_*", 4, 32)],
    ),
    invalid(
      "import util from 'node:util';\nimport cp from 'node:child_process';\nawait util.promisify(cp.execFile)('node', ['x.js'], { env: { SKIP_X: '1' } });",
      [bypass("SKIP_X", "SKIP_*", 3, 62)],
    ),
  ],
});

ruleTester.run("no-bypass-env: setting the CI guard's variable", rule, {
  valid: [
    // Reading CI is what a guard does.
    valid("if (process.env.CI !== 'true') {\n  process.exit(1);\n}"),
    valid("const isCi = process.env.CI === 'true';\nconst ci2 = process.env['CI'] === 'true';"),
    valid("const { CI } = process.env;\nif (CI !== 'true') throw new Error('CI only');"),
    valid("const ci = 'CI' in process.env;"),
    // Choice: only the guard value counts; setting CI to anything else cannot make a guard pass.
    valid("process.env.CI = 'false';\nprocess.env.CI = '';"),
    // Choice: a value that is not known statically is not reported.
    valid("process.env.CI = value;"),
    // Removing CI cannot make a guard pass.
    valid("delete process.env.CI;"),
    valid("import { spawn } from 'node:child_process';\nspawn('npx', ['jest'], { env: { ...process.env, CI: undefined } });"),
    // An object with a CI key that reaches no child process is not a setting.
    valid("const flags = { CI: 'true' };"),
    // The guard's variable is `ciGuard.env`: with another one, CI is an ordinary name.
    valid("process.env.CI = 'true';", SCRIPT, { settings: contractSettings({ version: 1, ciGuard: { env: "IS_CI", equals: "1" } }) }),
    valid("process.env.IS_CI = 'true';", SCRIPT, { settings: contractSettings({ version: 1, ciGuard: { env: "IS_CI", equals: "1" } }) }),
    // Choice: a prefixed name is another variable (`NEXT_PUBLIC_CI` is not `CI`).
    valid("process.env.NEXT_PUBLIC_CI = 'true';", APP),
    // Reading the CI value into a child's env passes it on; it does not set it.
    valid("import { spawn } from 'node:child_process';\nspawn('npm', [], { env: { CI: process.env.CI } });"),
  ],
  invalid: [
    invalid("process.env.CI = 'true';", [ciSet("CI", "true", 1, 1)]),
    invalid("process.env['CI'] = 'true';", [ciSet("CI", "true", 1, 1)]),
    invalid('process.env["CI"] = "true";', [ciSet("CI", "true", 1, 1)]),
    invalid("process.env.CI = `true`;", [ciSet("CI", "true", 1, 1)]),
    invalid("process.env.CI = true;", [ciSet("CI", "true", 1, 1)]),
    invalid("const T = 'true';\nprocess.env.CI = T;", [ciSet("CI", "true", 2, 1)]),
    invalid("process.env.CI ||= 'true';", [ciSet("CI", "true", 1, 1)]),
    invalid("process.env.CI = process.env.CI ?? 'true';", [ciSet("CI", "true", 1, 1)]),
    // Choice: a value that may be the guard value on some path is reported.
    invalid("process.env.CI = local ? 'true' : 'false';", [ciSet("CI", "true", 1, 1)]),
    invalid("Reflect.set(process.env, 'CI', 'true');", [ciSet("CI", "true", 1, 26)]),
    // TypeScript wrappers on the assignment target do not hide the write.
    invalid("process.env.CI! = 'true';", [ciSet("CI", "true", 1, 1)]),
    invalid("(process.env.CI as string) = 'true';", [ciSet("CI", "true", 1, 2)]),
    invalid("(process.env as Record<string, string>).CI = 'true';", [ciSet("CI", "true", 1, 1)]),
    invalid("process.env = { ...process.env, CI: 'true' };", [ciSet("CI", "true", 1, 33)]),
    invalid("Object.defineProperty(process.env, 'CI', { value: 'true' });", [ciSet("CI", "true", 1, 36)]),
    invalid("const e = process.env;\ne.CI = 'true';", [ciSet("CI", "true", 2, 1)]),
    invalid("import { env } from 'node:process';\nenv.CI = 'true';", [ciSet("CI", "true", 2, 1)]),
    invalid("Object.assign(process.env, { CI: 'true' });", [ciSet("CI", "true", 1, 30)]),
    invalid("import { spawnSync } from 'node:child_process';\nspawnSync('npx', ['playwright', 'test'], { env: { ...process.env, CI: 'true' } });", [
      ciSet("CI", "true", 2, 67),
    ]),
    invalid("import { execa } from 'execa';\nawait execa('node', ['scripts/migrate.js'], { env: { CI: 'true' } });", [ciSet("CI", "true", 2, 54)]),
    invalid("import { execSync } from 'node:child_process';\nexecSync('node scripts/x.js', { env: { 'CI': true } });", [ciSet("CI", "true", 2, 40)]),
    invalid("process.env.CI = 'true';", [ciSet("CI", "true", 1, 1)], APP),
    // Choice: env names are case-insensitive (SPEC §6.7; Windows), so `ci` is the guard's variable too.
    invalid("process.env.ci = 'true';", [ciSet("ci", "true", 1, 1)]),
    invalid("process.env.IS_CI = '1';", [ciSet("IS_CI", "1", 1, 1)], SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { env: "IS_CI", equals: "1" } }),
    }),
    invalid("import { spawn } from 'node:child_process';\nspawn('x', [], { env: { IS_CI: '1' } });", [ciSet("IS_CI", "1", 2, 25)], SCRIPT, {
      settings: contractSettings({ version: 1, ciGuard: { env: "IS_CI", equals: "1" } }),
    }),
    // The guard's variable and a bypass name in one statement: two problems, two findings.
    invalid("Object.assign(process.env, { CI: 'true', SKIP_X: '1' });", [ciSet("CI", "true", 1, 30), bypass("SKIP_X", "SKIP_*", 1, 42)]),
  ],
});

const allowSettings = contractSettings({
  version: 1,
  bypass: {
    patterns: ["SKIP_*", "BYPASS_*", "ALLOW_*", "PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION", "SAFETY_ASSURED"],
    allow: [
      { name: "SKIP_ENV_VALIDATION", reason: "build only: t3-env skips validation in docker build" },
      { name: "NEXT_PUBLIC_ALLOW_INDEXING", reason: "robots.txt toggle, no safety meaning" },
    ],
  },
});

const customSettings = contractSettings({ version: 1, bypass: { patterns: ["DANGER_*", "FORCE_?UN", "*_UNSAFE"] } });

ruleTester.run("no-bypass-env: contract bypass.allow and bypass.patterns", rule, {
  valid: [
    valid("const s = process.env.SKIP_ENV_VALIDATION;", APP, { settings: allowSettings }),
    valid("const { SKIP_ENV_VALIDATION } = process.env;", APP, { settings: allowSettings }),
    // An allowed name matches after stripping a framework prefix, on either side.
    valid("const s = process.env.NEXT_PUBLIC_SKIP_ENV_VALIDATION;", APP, { settings: allowSettings }),
    valid("const s = process.env.ALLOW_INDEXING;\nconst t = process.env.VITE_ALLOW_INDEXING;", APP, { settings: allowSettings }),
    // Custom patterns replace the defaults.
    valid("const s = process.env.SKIP_X;\nconst t = process.env.BYPASS_Y;", APP, { settings: customSettings }),
    valid("const s = process.env.FORCE_RERUN;\nconst t = process.env.NOT_UNSAFE_;", APP, { settings: customSettings }),
    valid("const s = process.env[`${x}_UNSAFE`];", APP, { settings: customSettings }),
    valid("const s = process.env.SKIP_X;", APP, { settings: contractSettings({ version: 1, bypass: { patterns: [] } }) }),
  ],
  invalid: [
    // SPEC §6.7: allow is exact after stripping; a longer or otherwise different name is still reported.
    invalid("const s = process.env.SKIP_ENV_VALIDATION_ALL;", [bypass("SKIP_ENV_VALIDATION_ALL", "SKIP_*", 1, 11)], APP, {
      settings: allowSettings,
    }),
    // Choice: allow is exact, so case matters there (`skip_env_validation` is another variable on Linux).
    invalid("const s = process.env.skip_env_validation;", [bypass("skip_env_validation", "SKIP_*", 1, 11)], APP, { settings: allowSettings }),
    // Choice: an allowed name does not allow a computed name that might be it.
    invalid("const s = process.env[`SKIP_ENV_${x}`];", [bypassPrefix("SKIP_ENV_", "SKIP_*", 1, 11)], APP, { settings: allowSettings }),
    invalid("const s = process.env.DANGER_ZONE;", [bypass("DANGER_ZONE", "DANGER_*", 1, 11)], APP, { settings: customSettings }),
    invalid("const s = process.env.force_run;", [bypass("force_run", "FORCE_?UN", 1, 11)], APP, { settings: customSettings }),
    invalid("const s = process.env.PRISMA_UNSAFE;", [bypass("PRISMA_UNSAFE", "*_UNSAFE", 1, 11)], APP, { settings: customSettings }),
    invalid("const s = process.env[`DANGER_${x}`];", [bypassPrefix("DANGER_", "DANGER_*", 1, 11)], APP, { settings: customSettings }),
    // A literal prefix ends at the first glob character: `FORCE_${x}` already starts `FORCE_`.
    invalid("const s = process.env[`FORCE_${x}`];", [bypassPrefix("FORCE_", "FORCE_?UN", 1, 11)], APP, { settings: customSettings }),
    invalid("const s = process.env.VITE_DANGER_MODE;", [bypass("VITE_DANGER_MODE", "DANGER_*", 1, 11)], APP, { settings: customSettings }),
  ],
});

ruleTester.run("no-bypass-env: zones", rule, {
  valid: [
    // SPEC §2 `tests` and §6.2: test code is not scanned by the bypass rule.
    valid("process.env.SKIP_X = '1';\nprocess.env.CI = 'true';", repoFile("scripts/x.test.ts")),
    valid("process.env.SKIP_X = '1';", repoFile("src/__tests__/a.ts")),
    valid("process.env.SKIP_X = '1';", repoFile("__tests__/a.ts")),
    valid("process.env.SKIP_X = '1';", repoFile("tests/setup.ts")),
    valid("process.env.SKIP_X = '1';", repoFile("src/lib/a.spec.ts")),
    valid("process.env.SKIP_X = '1';", repoFile("e2e/login.ts")),
    valid("const s = process.env.SKIP_X;", repoFile("legacy/old.ts"), { settings: contractSettings({ version: 1, ignore: ["legacy/**"] }) }),
    // `ignore` wins over every other zone.
    valid("const s = process.env.SKIP_X;", repoFile("scripts/vendored/x.ts"), {
      settings: contractSettings({ version: 1, ignore: ["scripts/vendored/**"] }),
    }),
    // Custom `tests` globs replace the defaults.
    valid("const s = process.env.SKIP_X;", repoFile("checks/a.ts"), { settings: contractSettings({ version: 1, tests: ["checks/**"] }) }),
  ],
  invalid: [
    invalid("const s = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)], repoFile("prisma/migrations/20240101_x/fix.ts")),
    invalid("const s = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)], repoFile("packages/api/src/index.ts")),
    invalid("const s = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)], repoFile("packages/db/bin/seed.js")),
    // A file that only looks like a test by folder name outside the test globs is production code.
    invalid("const s = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)], repoFile("src/testing/helpers.ts")),
    // With custom `tests` globs, the default ones no longer apply.
    invalid("const s = process.env.SKIP_X;", [bypass("SKIP_X", "SKIP_*", 1, 11)], repoFile("scripts/x.test.ts"), {
      settings: contractSettings({ version: 1, tests: ["checks/**"] }),
    }),
  ],
});

ruleTester.run("no-bypass-env: TSX and JSX", rule, {
  valid: [
    valid("export const Page = () => <div>{process.env.NEXT_PUBLIC_API_URL}</div>;", PAGE),
    valid('export const Page = () => <Flag SKIP_X="1">SKIP_X is off</Flag>;', PAGE),
    valid("export const Page = ({ env }: { env: Record<string, string> }) => <div>{env.SKIP_X}</div>;", PAGE),
  ],
  invalid: [
    invalid("export const Page = () => <div>{process.env.NEXT_PUBLIC_SKIP_AUTH}</div>;", [bypass("NEXT_PUBLIC_SKIP_AUTH", "SKIP_*", 1, 33)], PAGE),
    invalid(
      "export function Page() {\n  const { NEXT_PUBLIC_BYPASS_PAYWALL: open } = process.env;\n  return open ? <Paid /> : <Wall />;\n}",
      [bypass("NEXT_PUBLIC_BYPASS_PAYWALL", "BYPASS_*", 2, 11)],
      PAGE,
    ),
    invalid("export const A = () => <a hidden={!!import.meta.env.VITE_SKIP_X} />;", [bypass("VITE_SKIP_X", "SKIP_*", 1, 37)], repoFile("src/A.jsx"), {
      languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    }),
  ],
});
