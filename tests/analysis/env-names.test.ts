/**
 * Unit tests of the one env-name matcher (SPEC §3 `no-bypass-env`, §6.7): framework prefixes, the
 * default and custom `bypass.patterns`, `bypass.allow`, computed names with a static prefix, and the CI
 * guard's variable. Where the spec is silent, a `// Choice:` comment names the behaviour pinned down.
 */
import { describe, expect, it } from "vitest";
import { type Contract, defaultContract, validateContract } from "../../src/contract.js";
import { FRAMEWORK_PREFIXES, isCiGuardName, matchBypassName, stripFrameworkPrefix } from "../../src/analysis/env-names.js";

function contract(overrides: object): Contract {
  return validateContract({ version: 1, ...overrides }, null);
}

describe("stripFrameworkPrefix", () => {
  it.each([
    ["NEXT_PUBLIC_SKIP_X", "SKIP_X"],
    ["VITE_SKIP_X", "SKIP_X"],
    ["REACT_APP_BYPASS_X", "BYPASS_X"],
    ["EXPO_PUBLIC_ALLOW_X", "ALLOW_X"],
    ["NUXT_PUBLIC_SKIP_X", "SKIP_X"],
    ["NUXT_SKIP_X", "SKIP_X"],
    ["PUBLIC_SKIP_X", "SKIP_X"],
    ["GATSBY_SKIP_X", "SKIP_X"],
    ["VUE_APP_SKIP_X", "SKIP_X"],
    ["STORYBOOK_SKIP_X", "SKIP_X"],
    ["SANITY_STUDIO_SKIP_X", "SKIP_X"],
    ["NX_PUBLIC_SKIP_X", "SKIP_X"],
    ["NG_APP_SKIP_X", "SKIP_X"],
    ["REDWOOD_ENV_SKIP_X", "SKIP_X"],
  ])("strips the framework prefix of %s", (name, expected) => {
    expect(stripFrameworkPrefix(name)).toBe(expected);
  });

  it("compares the prefix case-insensitively and keeps the rest's case", () => {
    expect(stripFrameworkPrefix("next_public_skip_x")).toBe("skip_x");
    expect(stripFrameworkPrefix("Vite_Skip_X")).toBe("Skip_X");
  });

  it("strips exactly one prefix", () => {
    expect(stripFrameworkPrefix("VITE_NEXT_PUBLIC_SKIP_X")).toBe("NEXT_PUBLIC_SKIP_X");
    expect(stripFrameworkPrefix("NEXT_PUBLIC_VITE_X")).toBe("VITE_X");
  });

  it("prefers the longer of two prefixes that begin alike", () => {
    expect(stripFrameworkPrefix("NUXT_PUBLIC_SKIP_X")).toBe("SKIP_X");
  });

  it("leaves names without a prefix, a bare prefix, and a prefix in the middle alone", () => {
    expect(stripFrameworkPrefix("SKIP_X")).toBe("SKIP_X");
    expect(stripFrameworkPrefix("VITE_")).toBe("VITE_");
    expect(stripFrameworkPrefix("NEXT_PUBLIC_")).toBe("NEXT_PUBLIC_");
    expect(stripFrameworkPrefix("MY_VITE_SKIP_X")).toBe("MY_VITE_SKIP_X");
    expect(stripFrameworkPrefix("VITEX_SKIP")).toBe("VITEX_SKIP");
    expect(stripFrameworkPrefix("NEXT_SKIP_X")).toBe("NEXT_SKIP_X");
    expect(stripFrameworkPrefix("")).toBe("");
  });

  it("lists prefixes longest first, so no shorter prefix shadows a longer one", () => {
    for (const [i, longer] of FRAMEWORK_PREFIXES.entries()) {
      for (const shorter of FRAMEWORK_PREFIXES.slice(0, i)) expect(longer.startsWith(shorter)).toBe(false);
    }
    const lengths = FRAMEWORK_PREFIXES.map((p) => p.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
  });
});

describe("matchBypassName with the default contract", () => {
  const defaults = defaultContract();

  it.each([
    ["SKIP_X", "SKIP_*"],
    ["SKIP_FINGERPRINT_VALIDATION", "SKIP_*"],
    ["BYPASS_CHECKS", "BYPASS_*"],
    ["ALLOW_DIRTY", "ALLOW_*"],
    ["PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION", "PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION"],
    ["SAFETY_ASSURED", "SAFETY_ASSURED"],
    ["skip_x", "SKIP_*"],
    ["Safety_Assured", "SAFETY_ASSURED"],
    ["NEXT_PUBLIC_SKIP_AUTH", "SKIP_*"],
    ["VITE_BYPASS_LOGIN", "BYPASS_*"],
    ["REACT_APP_ALLOW_ANY", "ALLOW_*"],
    ["EXPO_PUBLIC_SAFETY_ASSURED", "SAFETY_ASSURED"],
    ["next_public_prisma_user_consent_for_dangerous_ai_action", "PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION"],
    // Choice: the glob's star matches an empty rest, so `SKIP_` alone is a bypass name.
    ["SKIP_", "SKIP_*"],
  ])("matches %s with %s", (name, pattern) => {
    expect(matchBypassName(name, defaults)).toBe(pattern);
  });

  it.each([
    "DATABASE_URL",
    "SKIPPER",
    "SKIP",
    "MY_SKIP_X",
    "ALLOWED_ORIGINS",
    "BYPASS",
    "SAFETY_ASSURED_X",
    "NOT_SAFETY_ASSURED",
    "PRISMA_USER_CONSENT",
    "VITE_NEXT_PUBLIC_SKIP_X",
    "VITE_",
    "CI",
    "",
  ])("does not match %s", (name) => {
    expect(matchBypassName(name, defaults)).toBeUndefined();
  });

  it("matches a computed name by its static prefix (SPEC §6.7)", () => {
    expect(matchBypassName("SKIP_", defaults, false)).toBe("SKIP_*");
    expect(matchBypassName("SKIP_FINGERPRINT_", defaults, false)).toBe("SKIP_*");
    expect(matchBypassName("bypass_", defaults, false)).toBe("BYPASS_*");
    expect(matchBypassName("NEXT_PUBLIC_ALLOW_", defaults, false)).toBe("ALLOW_*");
    expect(matchBypassName("SAFETY_ASSURED", defaults, false)).toBe("SAFETY_ASSURED");
  });

  it("does not match a computed name whose static prefix is shorter than a literal prefix", () => {
    expect(matchBypassName("S", defaults, false)).toBeUndefined();
    expect(matchBypassName("SKIP", defaults, false)).toBeUndefined();
    expect(matchBypassName("SAFETY_", defaults, false)).toBeUndefined();
    expect(matchBypassName("", defaults, false)).toBeUndefined();
    expect(matchBypassName("NEXT_PUBLIC_", defaults, false)).toBeUndefined();
    expect(matchBypassName("DATABASE_", defaults, false)).toBeUndefined();
  });
});

describe("matchBypassName with bypass.allow", () => {
  const allowing = contract({
    bypass: {
      patterns: ["SKIP_*", "BYPASS_*"],
      allow: [
        { name: "SKIP_ENV_VALIDATION", reason: "docker build only" },
        { name: "NEXT_PUBLIC_BYPASS_BANNER", reason: "marketing banner, no safety meaning" },
      ],
    },
  });

  it("allows the exact name, with or without a framework prefix on either side", () => {
    expect(matchBypassName("SKIP_ENV_VALIDATION", allowing)).toBeUndefined();
    expect(matchBypassName("NEXT_PUBLIC_SKIP_ENV_VALIDATION", allowing)).toBeUndefined();
    expect(matchBypassName("BYPASS_BANNER", allowing)).toBeUndefined();
    expect(matchBypassName("VITE_BYPASS_BANNER", allowing)).toBeUndefined();
  });

  it("reports names that only resemble an allowed one", () => {
    expect(matchBypassName("SKIP_ENV_VALIDATION_ALL", allowing)).toBe("SKIP_*");
    expect(matchBypassName("SKIP_ENV", allowing)).toBe("SKIP_*");
    // Choice: allow is exact, case included (`skip_env_validation` is another variable on Linux).
    expect(matchBypassName("skip_env_validation", allowing)).toBe("SKIP_*");
  });

  it("never allows a computed name", () => {
    expect(matchBypassName("SKIP_ENV_", allowing, false)).toBe("SKIP_*");
  });
});

describe("matchBypassName with custom bypass.patterns", () => {
  const custom = contract({ bypass: { patterns: ["DANGER_*", "FORCE_?UN", "*_UNSAFE", "{NO,DISABLE}_GUARD", "NEXT_PUBLIC_DEBUG_*"] } });

  it("replaces the defaults", () => {
    expect(matchBypassName("SKIP_X", custom)).toBeUndefined();
    expect(matchBypassName("PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION", custom)).toBeUndefined();
  });

  it("matches picomatch globs case-insensitively after stripping a prefix", () => {
    expect(matchBypassName("DANGER_ZONE", custom)).toBe("DANGER_*");
    expect(matchBypassName("VITE_DANGER_ZONE", custom)).toBe("DANGER_*");
    expect(matchBypassName("force_run", custom)).toBe("FORCE_?UN");
    expect(matchBypassName("FORCE_XRUN", custom)).toBeUndefined();
    expect(matchBypassName("PRISMA_UNSAFE", custom)).toBe("*_UNSAFE");
    expect(matchBypassName("NO_GUARD", custom)).toBe("{NO,DISABLE}_GUARD");
    expect(matchBypassName("DISABLE_GUARD", custom)).toBe("{NO,DISABLE}_GUARD");
  });

  it("matches a pattern that itself names a framework prefix (choice: the name as written is tried too)", () => {
    expect(matchBypassName("NEXT_PUBLIC_DEBUG_ALL", custom)).toBe("NEXT_PUBLIC_DEBUG_*");
    expect(matchBypassName("NEXT_PUBLIC_DEBUG_", custom, false)).toBe("NEXT_PUBLIC_DEBUG_*");
  });

  it("uses the literal prefix up to the first glob character for computed names", () => {
    expect(matchBypassName("DANGER_", custom, false)).toBe("DANGER_*");
    expect(matchBypassName("FORCE_", custom, false)).toBe("FORCE_?UN");
    expect(matchBypassName("FORCE", custom, false)).toBeUndefined();
    // A pattern that starts with a glob has no literal prefix: a computed name cannot be judged by it.
    expect(matchBypassName("X_UNSAFE", custom, false)).toBeUndefined();
    expect(matchBypassName("NO_", custom, false)).toBeUndefined();
  });

  it("reports nothing with no patterns", () => {
    const none = contract({ bypass: { patterns: [] } });
    expect(matchBypassName("SKIP_X", none)).toBeUndefined();
    expect(matchBypassName("SKIP_", none, false)).toBeUndefined();
  });
});

describe("isCiGuardName", () => {
  it("is the contract's ciGuard.env", () => {
    expect(isCiGuardName("CI", defaultContract())).toBe(true);
    expect(isCiGuardName("IS_CI", contract({ ciGuard: { env: "IS_CI" } }))).toBe(true);
    expect(isCiGuardName("CI", contract({ ciGuard: { env: "IS_CI" } }))).toBe(false);
  });

  it("compares case-insensitively (choice: Windows env names) and strips no prefix", () => {
    expect(isCiGuardName("ci", defaultContract())).toBe(true);
    expect(isCiGuardName("NEXT_PUBLIC_CI", defaultContract())).toBe(false);
    expect(isCiGuardName("CIRCLECI", defaultContract())).toBe(false);
    expect(isCiGuardName("GITHUB_ACTIONS", defaultContract())).toBe(false);
  });
});
