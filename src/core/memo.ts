// A pure function's answers remembered per key, for keys asked again and again on a hot path (a
// file's path, once per file per context assembly). Bounded: past `max` keys, everything is
// forgotten at once and remembered anew, which costs one recomputation per key.

export function rememberedPerKey<K, V>(compute: (key: K) => V, max: number): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    if (known.size >= max) known.clear();
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}
