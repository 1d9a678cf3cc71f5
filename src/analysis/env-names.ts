/**
 * Bypass environment-variable names (SPEC §3 `no-bypass-env`, §6.7). One matcher for every source
 * that names an env variable: JavaScript/TypeScript today, package.json scripts, shell, Dockerfiles and
 * workflows through the same function.
 *
 * A name is matched case-insensitively against `bypass.patterns` (picomatch globs) after stripping one
 * framework prefix. A computed name (`SKIP_${x}`) matches when its static prefix already starts with a
 * pattern's literal prefix (the text before the pattern's first glob character). `bypass.allow[].name`
 * matches exactly after stripping.
 */
import picomatch from "picomatch";
import type { Contract } from "../contract.js";

/**
 * Prefixes that frameworks put on env names to expose them (Next.js, Vite, Create React App, Expo,
 * Nuxt, SvelteKit/Astro, Gatsby, Vue CLI, Storybook, Sanity, Nx). Longest first, so one is stripped.
 */
export const FRAMEWORK_PREFIXES = [
  "NEXT_PUBLIC_",
  "NUXT_PUBLIC_",
  "EXPO_PUBLIC_",
  "SANITY_STUDIO_",
  "REACT_APP_",
  "STORYBOOK_",
  "NX_PUBLIC_",
  "VUE_APP_",
  "GATSBY_",
  "PUBLIC_",
  "VITE_",
  "NUXT_",
] as const;

/** The name without one framework prefix (compared case-insensitively): `NEXT_PUBLIC_SKIP_X` -> `SKIP_X`. */
export function stripFrameworkPrefix(name: string): string {
  const upper = name.toUpperCase();
  for (const prefix of FRAMEWORK_PREFIXES) {
    if (upper.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
  }
  return name;
}

interface CompiledBypass {
  patterns: { pattern: string; test: (name: string) => boolean; literalPrefix: string }[];
  allowed: Set<string>;
}

const cache = new WeakMap<Contract, CompiledBypass>();

function compiled(contract: Contract): CompiledBypass {
  let entry = cache.get(contract);
  if (!entry) {
    entry = {
      patterns: contract.bypass.patterns.map((pattern) => {
        const firstGlob = pattern.search(/[*?[\]{}()!+@]/);
        return {
          pattern,
          test: picomatch(pattern, { nocase: true, dot: true }),
          literalPrefix: (firstGlob === -1 ? pattern : pattern.slice(0, firstGlob)).toUpperCase(),
        };
      }),
      allowed: new Set(contract.bypass.allow.map((a) => stripFrameworkPrefix(a.name))),
    };
    cache.set(contract, entry);
  }
  return entry;
}

/**
 * The bypass pattern an env name matches, or undefined when it matches none or is allowed.
 * @param name the name as written (a framework prefix is stripped here).
 * @param complete false when only `name`'s static prefix is known (a computed key with a hole).
 */
export function matchBypassName(name: string, contract: Contract, complete = true): string | undefined {
  const stripped = stripFrameworkPrefix(name);
  const { patterns, allowed } = compiled(contract);
  if (complete) {
    if (allowed.has(stripped)) return undefined;
    return patterns.find((p) => p.test(stripped))?.pattern;
  }
  const upper = stripped.toUpperCase();
  return patterns.find((p) => p.literalPrefix.length > 0 && upper.startsWith(p.literalPrefix))?.pattern;
}

/** True when `name` is the CI guard's variable (`ciGuard.env`, exact, after stripping no prefix). */
export function isCiGuardName(name: string, contract: Contract): boolean {
  return name === contract.ciGuard.env;
}
