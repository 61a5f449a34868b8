/**
 * A seeded pseudo-random source for generated test cases (mulberry32), so that a failing
 * case can be replayed from its seed.
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** An integer in [0, n). */
  const below = (n: number) => Math.floor(next() * n);
  /** An integer in [lo, hi]. */
  const between = (lo: number, hi: number) => lo + below(hi - lo + 1);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
  /** Up to `most` items drawn from `items` (repeats allowed). */
  const some = <T>(items: readonly T[], most = items.length): T[] => Array.from({ length: between(0, most) }, () => pick(items));
  return { next, below, between, pick, some, chance: (p: number) => next() < p };
}

export type SeededRandom = ReturnType<typeof seededRandom>;
