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
  const pass = (...codes: number[]) => Uint8Array.from({ length: 4 }, (_, code) => (codes.includes(code) ? 1 : 0));

  it('lists the old segments of each rare type, none for a type no old event has', () => {
    const types = new OldTypes();
    types.note(1, [0, 1]);
    types.note(129, [0, 2]);
    expect(types.listsOf(pass(1))).toEqual([[1]]);
    expect(types.listsOf(pass(1, 2))).toEqual([[1], [129]]);
    expect(types.listsOf(pass(3))).toEqual([]);
  });

  it('gives up a type in more than a sixteenth of the old segments, and keeps a rare one however long the store runs', () => {
    const types = new OldTypes();
    // Type 0 in every segment, type 1 in one of 20: rare however many segments there are.
    const segments = 40 * RARE_SEGMENTS;
    for (let k = 0; k < segments; k++) types.note(k * 128 + 1, k % 20 === 0 ? [0, 1] : [0]);
    expect(types.listsOf(pass(0))).toBeUndefined();
    expect(types.listsOf(pass(0, 1))).toBeUndefined();
    expect(types.listsOf(pass(1))?.[0]).toHaveLength(segments / 20);
    // One of 10: common once past RARE_SEGMENTS (10,240 segments), then for good.
    const tenth = new OldTypes();
    for (let k = 0; k < 12 * RARE_SEGMENTS; k++) tenth.note(k * 128 + 1, k % 10 === 0 ? [2] : []);
    expect(tenth.listsOf(pass(2))).toBeUndefined();
  });
});
