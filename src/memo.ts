/**
 * Two-level caches: per object (a contract, a parsed `scripts` object), then per key (a root, a script
 * name), as several modules keep them. A leaf module: it imports nothing.
 */

/**
 * The value `cache` holds for (`owner`, `key`), computed by `compute` and stored on the first call (an
 * `undefined` value is stored too, so it is computed once). The `WeakMap` lets an owner's values go with it.
 */
export function cachedPer<O extends object, K, V>(cache: WeakMap<O, Map<K, V>>, owner: O, key: K, compute: () => V): V {
  let byKey = cache.get(owner);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(owner, byKey);
  }
  if (byKey.has(key)) return byKey.get(key) as V;
  const value = compute();
  byKey.set(key, value);
  return value;
}
