/**
 * Seeded randomness and ids for the plant simulation. Everything here is a pure function of
 * its inputs, so a simulation run is the same for the same seed: the generator's whole
 * state is one 32-bit number kept in the simulation state.
 */

/** Advances a 32-bit generator state (a Weyl step followed by an xor-shift-multiply mix). */
export function nextRandomState(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** The number in [0, 1) that a generator state gives. */
export function randomOfState(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 15), z | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
}

/** A mutable view over a generator state, for use inside one simulation step. */
export class SeededRandom {
  constructor(public state: number) {}

  /** A number in [0, 1). */
  next(): number {
    this.state = nextRandomState(this.state);
    return randomOfState(this.state);
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A range given as [min, max]. */
  within(range: readonly [number, number]): number {
    return this.between(range[0], range[1]);
  }

  /** A whole number from min to max, both included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.next() * items.length))] as T;
  }

  /** A normally distributed number (mean 0, deviation 1), from two uniform draws. */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An exponentially distributed wait with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/** Mixes a seed into a 32-bit number that fills the fixed bits of the run's ids. */
export function seedStamp(seed: number): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

/**
 * A deterministic UUIDv7: the event's millisecond, then a 42-bit counter of the run (so ids
 * of one run sort in the order they were made), then 32 bits stamped from the seed.
 */
export function simulatedEventId(ms: number, counter: number, stamp: number): string {
  const time = hex(Math.floor(ms), 12);
  const high = Math.floor(counter / 2 ** 30) & 0xfff;
  const low = counter % 2 ** 30;
  const variantGroup = 0x8000 | Math.floor(low / 0x10000);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(high, 3)}-${hex(variantGroup, 4)}-${hex(low & 0xffff, 4)}${hex(stamp >>> 0, 8)}`;
}
