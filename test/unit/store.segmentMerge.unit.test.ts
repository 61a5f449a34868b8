// The merge plan for small segments (renderer/store-host/segmentMerge.ts): which parts merge,
// when a run waits, and the merged segment's texts and text filter.
import { describe, expect, it } from 'vitest';
import { SEGMENT_MAX_CHARS, SEGMENT_MAX_EVENTS, textFilterOf } from '../../renderer/store-host/segmentFormat';
import type { OpenSegment } from '../../renderer/store-host/segmentFormat';
import { charsOf, mergedSegment, mergedTextFilter, nextMergeStep, planMerges } from '../../renderer/store-host/segmentMerge';

/** Consecutive parts from `first`, of these event counts, each text `chars` long. */
function partsOf(counts: readonly number[], chars = 10, first = 1): OpenSegment[] {
  return counts.map((count) => {
    const events = Array.from({ length: count }, (_, k) => `e${first + k}`.padEnd(chars, '.'));
    const part = { first, events, chars: charsOf(events) };
    first += count;
    return part;
  });
}

describe('nextMergeStep', () => {
  it('waits while the leading run reaches the last part and is not full', () => {
    expect(nextMergeStep([])).toBeUndefined();
    expect(nextMergeStep(partsOf([5]))).toBeUndefined();
    expect(nextMergeStep(partsOf([5, 10, 20]))).toBeUndefined();
  });

  it('merges a run once the next part does not fit beside it, or once it is full', () => {
    expect(nextMergeStep(partsOf([60, 60, 20]))).toEqual({ merge: 2 });
    expect(nextMergeStep(partsOf([100, 28]))).toEqual({ merge: 2 });
    expect(nextMergeStep(partsOf([5, 10, 20], SEGMENT_MAX_CHARS / 30))).toEqual({ merge: 2 });
  });

  it('lets a part go unmerged when the next one does not fit beside it', () => {
    expect(nextMergeStep(partsOf([SEGMENT_MAX_EVENTS, 1]))).toEqual({ keep: true });
    expect(nextMergeStep(partsOf([SEGMENT_MAX_EVENTS]))).toEqual({ keep: true });
    expect(nextMergeStep(partsOf([100, 50, 50]))).toEqual({ keep: true });
  });

  it('never plans a segment past either limit, over many random runs', () => {
    for (let round = 0; round < 500; round++) {
      const counts = Array.from({ length: 1 + (round % 9) }, (_, k) => 1 + ((round * 31 + k * 17) % 90));
      const parts = partsOf(counts, 20 + (round % 400));
      const step = nextMergeStep(parts);
      if (!step || 'keep' in step) continue;
      const merged = mergedSegment(parts.slice(0, step.merge));
      expect(step.merge).toBeGreaterThanOrEqual(2);
      expect(merged.events.length).toBeLessThanOrEqual(SEGMENT_MAX_EVENTS);
      expect(merged.chars).toBeLessThanOrEqual(SEGMENT_MAX_CHARS);
    }
  });
});

describe('planMerges', () => {
  it('takes every due step in turn and leaves the parts that may still merge', () => {
    const parts = partsOf([60, 60, 20, 100, 10]);
    const filterOf = (first: number) => textFilterOf(undefined, [`part at ${first}`]);
    const { merges, left } = planMerges(parts, filterOf);
    // 60 + 60 closes at 20; 120 then goes unmerged; 20 + 100 closes at 10; 10 may still grow.
    expect(merges.map((merge) => merge.firsts)).toEqual([[1, 61], [121, 141]]);
    expect(merges[0]!.segment).toEqual(mergedSegment(parts.slice(0, 2)));
    expect(merges[1]!.filter).toEqual(mergedTextFilter([filterOf(121), filterOf(141)]));
    expect(left).toEqual([parts[4]]);
  });

  it('plans nothing while the only run may still grow, and lets full parts go', () => {
    expect(planMerges(partsOf([5, 10]), () => undefined)).toEqual({ merges: [], left: partsOf([5, 10]) });
    const full = partsOf([SEGMENT_MAX_EVENTS, 1]);
    expect(planMerges(full, () => undefined)).toEqual({ merges: [], left: [full[1]] });
  });
});

describe('mergedSegment', () => {
  it('joins consecutive parts in seq order with their characters', () => {
    const parts = partsOf([2, 3], 4, 7);
    expect(mergedSegment(parts)).toEqual({ first: 7, events: [...parts[0]!.events, ...parts[1]!.events], chars: 20 });
  });

  it('refuses parts that do not follow each other', () => {
    const [a, b] = partsOf([2, 3]);
    expect(() => mergedSegment([a!, { ...b!, first: b!.first + 1 }])).toThrow(/part at seq 4 does not follow seq 2/);
    expect(() => mergedSegment([])).toThrow(/no parts/);
  });
});

describe('mergedTextFilter', () => {
  it('equals the filter of all the parts\' texts together', () => {
    const texts = [['{"a":"pump-7 tripped"}', '{"b":1}'], ['{"c":"valve stuck open"}'], ['{"d":"Ünïcode ✓"}']];
    const merged = mergedTextFilter(texts.map((some) => textFilterOf(undefined, some)));
    expect(merged).toEqual(textFilterOf(undefined, texts.flat()));
  });

  it('has no filter when a part has none (nothing can be ruled out)', () => {
    expect(mergedTextFilter([textFilterOf(undefined, ['x-y-z']), undefined])).toBeUndefined();
  });
});
