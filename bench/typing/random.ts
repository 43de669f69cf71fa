// Seeded randomness for the typing simulation. Every draw is a hash of (seed, purpose, position) rather
// than the next number of one stream: which keystrokes happen depends on real-time races (did the ghost
// text arrive before the next key?), and a stream would shift every later draw after one such race.
// Keyed draws keep the user's rhythm and the fake model's answers identical at the same place of the
// file from run to run, so two runs with one seed differ only where timing really decided something.

/** A uniform number in [0, 1) from the seed and any integer or string keys. */
export function draw(seed: number, ...keys: Array<number | string>): number {
  let h = mix(0x9e3779b9 ^ (seed >>> 0));
  for (const k of keys) {
    if (typeof k === 'number') h = mix(h ^ mix((k | 0) + 0x7f4a7c15));
    else for (let i = 0; i < k.length; i++) h = mix(h ^ k.charCodeAt(i));
  }
  return (mix(h) >>> 0) / 4294967296;
}

/** A uniform number in [lo, hi) from a draw. */
export function between(u: number, lo: number, hi: number): number {
  return lo + u * (hi - lo);
}

/** One round of a 32-bit finalizer (murmur3's fmix32). */
function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
