/** The timeline list's arithmetic: which rows a scroll position shows, how far live events above the view move it, and the live bound. */
import { describe, expect, test } from 'vitest';
import { addNewer, liveBound, MAX_LOADED } from '../../renderer/features/timeline/eventList';
import { addedAbove, rowWindow, sameRows } from '../../renderer/features/timeline/rowWindow';
import type { StoredEvent } from '../../shared/events/event';

const seqs = (...list: number[]) => list.map((seq) => ({ seq }));

describe('row window', () => {
  test('shows the rows in view and a few beyond, never past either end', () => {
    expect(rowWindow(0, 340, 34, 1_000, 5)).toEqual({ first: 0, end: 15 });
    expect(rowWindow(3_400, 340, 34, 1_000, 5)).toEqual({ first: 95, end: 115 });
    expect(rowWindow(33_660, 340, 34, 1_000, 5)).toEqual({ first: 985, end: 1_000 });
    expect(rowWindow(0, 340, 34, 0, 5)).toEqual({ first: 0, end: 0 });
  });

  test('a scroll within one row shows the same rows; a new row or height does not', () => {
    expect(sameRows({ top: 340, height: 500 }, { top: 360, height: 500 }, 34)).toBe(true);
    expect(sameRows({ top: 340, height: 500 }, { top: 374, height: 500 }, 34)).toBe(false);
    expect(sameRows({ top: 340, height: 500 }, { top: 340, height: 600 }, 34)).toBe(false);
  });
});

describe('live events above the view', () => {
  test('counts the events put above the previous head', () => {
    expect(addedAbove(10, seqs(13, 12, 11, 10, 9))).toBe(3);
    expect(addedAbove(10, seqs(10, 9))).toBe(0);
  });

  test('is 0 when the list was replaced rather than added to, or nothing was shown', () => {
    expect(addedAbove(10, seqs(8, 7))).toBe(0);
    expect(addedAbove(10, seqs(30, 20, 5))).toBe(0);
    expect(addedAbove(undefined, seqs(3, 2))).toBe(0);
    expect(addedAbove(10, seqs(13, 12, 11, 10), 2)).toBe(0);
  });
});

describe('the live bound', () => {
  const ev = (seq: number) => ({ seq, id: `id-${seq}` }) as StoredEvent;

  test('at the top of the list, the live tail keeps MAX_LOADED events', () => {
    expect(liveBound(MAX_LOADED + 3_000, false)).toBe(MAX_LOADED);
  });

  test('scrolled away, the older pages read by scrolling stay; each live event lets one of the oldest go', () => {
    const loaded = { events: Array.from({ length: MAX_LOADED + 1_000 }, (_, i) => ev(MAX_LOADED + 1_000 - i)), hasOlder: true };
    const next = addNewer(loaded, [ev(MAX_LOADED + 1_001), ev(MAX_LOADED + 1_002)], liveBound(loaded.events.length, true));
    expect(next.events).toHaveLength(MAX_LOADED + 1_000);
    expect(next.events.at(0)?.seq).toBe(MAX_LOADED + 1_002);
    expect(next.events.at(next.events.length - 1)?.seq).toBe(3);
  });
});
