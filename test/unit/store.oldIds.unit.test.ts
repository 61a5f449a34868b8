// The store finds an id stored before its index window by the spans of the ids' times per
// block of 4,096 seqs (oldIds.ts): the blocks a look-up reads, and the rows that let a
// reopened store skip reading every id.
import { describe, expect, it } from 'vitest';
import { IdTimes } from '../../renderer/store-host/oldIds';
import { OldTypes, RARE_SEGMENTS } from '../../renderer/store-host/oldTypes';
import { newEventId } from '../../shared/events/uuidv7';

const T0 = Date.UTC(2024, 0, 1);
/** Ids made at T0 + seq ms for seqs 1..count. */
const ids = (count: number) => Array.from({ length: count }, (_, k) => ({ id: newEventId(T0 + k + 1) }));

describe('IdTimes', () => {
  it('names the blocks whose ids are as old as the one looked up, and none for a later id', () => {
    const times = new IdTimes();
    times.appending(1, ids(5000));
    expect(times.rangesOf(newEventId(T0 + 6000), 5000)).toEqual([]);
    expect(times.rangesOf(newEventId(T0 + 3000), 5000)).toEqual([[1, 4096]]);
    expect(times.rangesOf(newEventId(T0 + 4500), 5000)).toEqual([[4097, 5000]]);
    // Only the seqs before the window (base) are looked up.
    expect(times.rangesOf(newEventId(T0 + 4500), 4096)).toEqual([]);
    expect(times.rangesOf('not-a-uuid', 5000)).toEqual([]);
    times.noteTime(4500, Number.NaN);
    expect(times.rangesOf('not-a-uuid', 5000)).toEqual([[4097, 5000]]);
  });

  it('hands over a row to store once a block fills, which a reopened store takes instead of the ids', () => {
    const times = new IdTimes();
    expect(times.appending(1, ids(4095))).toEqual([]);
    const rows = times.appending(4096, ids(2).map(({ id }) => ({ id })));
    expect(rows.map((row) => [row.key, row.value.upTo])).toEqual([['idTimes:000000000', 4096]]);
    const reopened = new IdTimes();
    expect(reopened.load(rows, 4097)).toBe(4096);
    expect(reopened.rangesOf(newEventId(T0 + 3000), 4097)).toEqual([[1, 4096]]);
    // A damaged row, or one beyond the stored events, is not taken: those ids are read again.
    expect(new IdTimes().load([{ ...rows[0]!, value: { ...rows[0]!.value, min: new Float64Array(3) } }], 4097)).toBe(0);
    expect(new IdTimes().load(rows, 4000)).toBe(0);
  });
});

describe('OldTypes', () => {
  it('lists the old segments of each rare type once, and gives up a type found in more than RARE_SEGMENTS', () => {
    const types = new OldTypes();
    const pass = (...codes: number[]) => Uint8Array.from({ length: 4 }, (_, code) => (codes.includes(code) ? 1 : 0));
    types.note(1, [0, 1]);
    types.note(1, [1]);
    types.note(129, [0, 2]);
    expect(types.listsOf(pass(1))).toEqual([[1]]);
    expect(types.listsOf(pass(1, 2))).toEqual([[1], [129]]);
    // A type no old segment holds has no list: no summary to read for it.
    expect(types.listsOf(pass(3))).toEqual([]);
    for (let k = 2; k < RARE_SEGMENTS; k++) types.note(k * 128 + 1, [0]);
    expect(types.listsOf(pass(0))?.[0]).toHaveLength(RARE_SEGMENTS);
    types.note((RARE_SEGMENTS + 1) * 128 + 1, [0, 1]);
    // Common now, and for good: its queries read every summary of their range.
    expect(types.listsOf(pass(0))).toBeUndefined();
    expect(types.listsOf(pass(0, 1))).toBeUndefined();
    types.note((RARE_SEGMENTS + 2) * 128 + 1, [0]);
    expect(types.listsOf(pass(0))).toBeUndefined();
    expect(types.listsOf(pass(1))).toEqual([[1, (RARE_SEGMENTS + 1) * 128 + 1]]);
  });
});
