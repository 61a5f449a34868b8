// The split both plant-stream consumers use when their store refuses part of a batch for good
// (the archiver and a station's inbound link): everything the store takes is stored exactly
// once, each refused item reaches the caller alone, and a failure that is no refusal (a
// duplicate id, a store that is away) is the caller's to handle, with the whole part it hit.
import { describe, expect, it } from 'vitest';
import { splitRefused, storeSplittingRefusals } from '../../main/plant/splitRefused';
import { PostgresRefusedError } from '../../main/store/postgres/pgConnection';

/** A store of numbers that refuses, all or nothing, any part holding a number of `refused`. */
function refusingStore(refused: ReadonlySet<number>) {
  const stored: number[] = [];
  const alone: number[] = [];
  let calls = 0;
  const store = async (part: readonly number[]): Promise<void> => {
    calls++;
    if (part.some((n) => refused.has(n))) throw new PostgresRefusedError('refused', `refused ${part.join(',')}`);
    stored.push(...part);
  };
  const settle = (items: readonly number[], error: unknown): void => {
    if (!(error instanceof PostgresRefusedError)) throw error;
    expect(items).toHaveLength(1);
    alone.push(items[0]!);
  };
  return { store, settle, stored, alone, calls: () => calls };
}

/** A small deterministic generator, so that a failing case can be found again. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

describe('splitting a refused batch', () => {
  it('stores everything but the refused items, in order, and hands each refused one over alone', async () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    const s = refusingStore(new Set([3, 8]));
    await storeSplittingRefusals(items, s.store, s.settle);
    expect(s.stored).toEqual(items.filter((n) => n !== 3 && n !== 8));
    expect(s.alone).toEqual([3, 8]);
  });

  it('stores a batch the store takes in one piece, and splits nothing', async () => {
    const s = refusingStore(new Set());
    await storeSplittingRefusals([1, 2, 3], s.store, s.settle);
    expect(s.stored).toEqual([1, 2, 3]);
    expect(s.calls()).toBe(1);
  });

  it('over 200 random batches and refusals, stores each accepted item exactly once and each refused one never', async () => {
    const next = random(15);
    for (let round = 0; round < 200; round++) {
      const items = Array.from({ length: 1 + Math.floor(next() * 300) }, (_, i) => i);
      const refused = new Set(items.filter(() => next() < 0.03));
      const s = refusingStore(refused);
      await storeSplittingRefusals(items, s.store, s.settle);
      expect(s.stored).toEqual(items.filter((n) => !refused.has(n)));
      expect(s.alone).toEqual([...refused]);
      // Each refused item costs at most one try per halving: the split does not fall back to one item at a time.
      expect(s.calls()).toBeLessThanOrEqual(1 + 2 * Math.max(1, refused.size) * Math.ceil(Math.log2(items.length) + 1));
    }
  });

  it('hands a failure that is no refusal to the caller with the whole part, and stops when the caller throws it', async () => {
    const away = new Error('the store is away');
    const seen: number[][] = [];
    let tries = 0;
    const store = async (part: readonly number[]): Promise<void> => {
      tries++;
      if (part.includes(1)) throw new PostgresRefusedError('refused', 'no 1');
      throw away;
    };
    const settle = (items: readonly number[], error: unknown): void => {
      seen.push([...items]);
      if (error === away) throw error;
    };
    await expect(splitRefused([0, 1, 2, 3], new PostgresRefusedError('refused', 'no 1'), store, settle)).rejects.toBe(away);
    // [0, 1] is refused and split: 0 alone fails as away, which the caller throws; 1 and [2, 3] are never tried.
    expect(seen).toEqual([[0]]);
    expect(tries).toBe(2);
  });

  it('lets the caller go on after a failure that is no refusal (a duplicate it sorts out itself)', async () => {
    const duplicate = new Error('duplicate id');
    const stored: number[] = [];
    const oneByOne: number[][] = [];
    const store = async (part: readonly number[]): Promise<void> => {
      if (part.includes(5)) throw new PostgresRefusedError('refused', 'no 5');
      if (part.includes(2)) throw duplicate;
      stored.push(...part);
    };
    await splitRefused([0, 1, 2, 3, 4, 5, 6, 7], new PostgresRefusedError('refused', 'no 5'), store, (items, error) => {
      expect(error === duplicate || items.length === 1).toBe(true);
      oneByOne.push([...items]);
    });
    expect(stored).toEqual([4, 6, 7]);
    expect(oneByOne).toEqual([[0, 1, 2, 3], [5]]);
  });
});
