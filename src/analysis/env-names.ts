/**
 * Bypass environment-variable names (docs/design.md, Rule groups `no-bypass-env`). One matcher for every source
 * that names an env variable: JavaScript/TypeScript today, package.json scripts, shell, Dockerfiles and
 * workflows through the same function.
 *
 * A name is matched case-insensitively against `bypass.patterns` (picomatch globs) after stripping one
 * framework prefix (the name as written is tried too, so a pattern may itself name a prefix). A computed name (`SKIP_${x}`) matches when its static prefix already starts with a
 * pattern's literal prefix (the text before the pattern's first glob character). `bypass.allow[].name`
 * matches exactly after stripping.
 */
import picomatch from "picomatch";
import type { Contract } from "../contract.js";

/**
 * Prefixes that frameworks put on env names to expose them (Next.js, Vite, Create React App, Expo,
 * Nuxt, SvelteKit/Astro, Gatsby, Vue CLI, Storybook, Sanity, Nx, Angular (@ngx-env), RedwoodJS).
 * Sorted longest first, so a prefix that begins with a shorter one (`NUXT_PUBLIC_`, `NUXT_`) wins.
 */
export const FRAMEWORK_PREFIXES: readonly string[] = [
  "NEXT_PUBLIC_",
  "NUXT_PUBLIC_",
  "EXPO_PUBLIC_",
  "SANITY_STUDIO_",
  "REDWOOD_ENV_",
  "REACT_APP_",
  "STORYBOOK_",
  "NX_PUBLIC_",
  "VUE_APP_",
  "NG_APP_",
  "GATSBY_",
  "PUBLIC_",
  "VITE_",
  "NUXT_",
].sort((a, b) => b.length - a.length || a.localeCompare(b));

/**
 * The name without its framework prefix, when it has one and something follows it: `NEXT_PUBLIC_SKIP_X`
 * -> `SKIP_X`, `next_public_skip_x` -> `skip_x` (the prefix is compared case-insensitively; the rest keeps
 * its case). Exactly one prefix is stripped (`VITE_NEXT_PUBLIC_X` -> `NEXT_PUBLIC_X`); a name that is only a
 * prefix (`VITE_`) or has none is returned unchanged.
 */
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
        const firstGlob = pattern.search(/[*?[\]{}()!+@\\]/);
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
 *
 * A complete name matches a pattern (case-insensitively) when the name without its framework prefix
 * does, or the name as written does (so a pattern may itself name a prefix: `NEXT_PUBLIC_DEBUG_*`); it is
 * allowed when the name without its framework prefix equals an allow entry's name without its framework
 * prefix (exactly, case included). A computed name (`complete` false) matches when its static prefix,
 * with or without a framework prefix, starts with a pattern's literal prefix (the text before the first
 * glob character, non-empty); allow entries never apply to it.
 * @param name the name as written, or the static prefix of a computed name.
 * @param contract the contract whose `bypass.patterns` and `bypass.allow` apply.
 * @param complete false when only `name`'s static prefix is known (a computed key with a hole).
 * @returns the first matching pattern, as written in the contract.
 */
export function matchBypassName(name: string, contract: Contract, complete = true): string | undefined {
  const stripped = stripFrameworkPrefix(name);
  const { patterns, allowed } = compiled(contract);
  if (complete) {
    if (allowed.has(stripped)) return undefined;
    return patterns.find((p) => p.test(stripped) || p.test(name))?.pattern;
  }
  const upperStripped = stripped.toUpperCase();
  const upper = name.toUpperCase();
  return patterns.find((p) => p.literalPrefix.length > 0 && (upperStripped.startsWith(p.literalPrefix) || upper.startsWith(p.literalPrefix)))?.pattern;
}

/**
 * True when `name` is the CI guard's variable: `ciGuard.env` compared case-insensitively (env names are
 * case-insensitive on Windows, docs/design.md, Environment names), with no framework prefix stripped (`NEXT_PUBLIC_CI` is another
 * variable).
 */
export function isCiGuardName(name: string, contract: Contract): boolean {
  return name.toUpperCase() === contract.ciGuard.env.toUpperCase();
}
