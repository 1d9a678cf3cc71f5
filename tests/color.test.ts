// colorEnabled (src/color.ts) is picocolors' own detection, evaluated for one run: for every
// combination of flags, environment, terminal and platform, it must agree with `isColorSupported` of a
// fresh picocolors loaded in this process with those globals.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { colorEnabled } from "../src/color.js";

const require = createRequire(import.meta.url);

/** `isColorSupported` of picocolors freshly loaded with these argv, env, stdout.isTTY and platform. */
function picocolorsDecides(argv: string[], env: NodeJS.ProcessEnv, isTTY: boolean, platform: NodeJS.Platform): boolean {
  const saved = { argv: process.argv, env: process.env, tty: Object.getOwnPropertyDescriptor(process.stdout, "isTTY"), platform: Object.getOwnPropertyDescriptor(process, "platform")! };
  const id = require.resolve("picocolors");
  try {
    process.argv = ["node", "contract-scan", ...argv];
    process.env = env;
    Object.defineProperty(process.stdout, "isTTY", { value: isTTY, configurable: true });
    Object.defineProperty(process, "platform", { value: platform, configurable: true });
    delete require.cache[id];
    return (require(id) as { isColorSupported: boolean }).isColorSupported;
  } finally {
    process.argv = saved.argv;
    process.env = saved.env;
    if (saved.tty) Object.defineProperty(process.stdout, "isTTY", saved.tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
    Object.defineProperty(process, "platform", saved.platform);
    delete require.cache[id];
  }
}

describe("colorEnabled", () => {
  const flags: [string[], boolean | undefined][] = [[[], undefined], [["--color"], true], [["--no-color"], false]];
  const envs: NodeJS.ProcessEnv[] = [
    {},
    { NO_COLOR: "1" },
    { NO_COLOR: "" },
    { FORCE_COLOR: "1" },
    { FORCE_COLOR: "0" },
    { FORCE_COLOR: "" },
    { FORCE_COLOR: "1", NO_COLOR: "1" },
    { CI: "true" },
    { TERM: "dumb" },
    { TERM: "xterm-256color" },
  ];
  it("agrees with picocolors' isColorSupported for every combination", () => {
    let checked = 0;
    for (const [argv, flag] of flags) {
      for (const env of envs) {
        for (const isTTY of [false, true]) {
          for (const platform of ["linux", "win32"] as NodeJS.Platform[]) {
            const expected = picocolorsDecides(argv, env, isTTY, platform);
            expect(colorEnabled({ flag, env, isTTY, platform }), JSON.stringify({ argv, env, isTTY, platform })).toBe(expected);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(120);
  });

  it("near-misses: NO_COLOR beats --color and FORCE_COLOR; a dumb terminal is no terminal", () => {
    expect(colorEnabled({ flag: true, env: { NO_COLOR: "1" }, isTTY: true, platform: "linux" })).toBe(false);
    expect(colorEnabled({ flag: undefined, env: { TERM: "dumb" }, isTTY: true, platform: "linux" })).toBe(false);
    expect(colorEnabled({ flag: undefined, env: {}, isTTY: true, platform: "linux" })).toBe(true);
    expect(colorEnabled({ flag: undefined, env: {}, isTTY: false, platform: "linux" })).toBe(false);
  });
});
