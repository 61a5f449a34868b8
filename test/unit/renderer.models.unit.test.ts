/** The operator UI's pure models: timeline filter → query, the loaded-events list, causation trees, frame batching, line grouping, rule forms. */
import { describe, expect, test } from 'vitest';
import type { StoredEvent } from '../../shared/events/event';
import { decodeCursor } from '../../shared/store/pagePlan';
import { formToCandidate, newRuleForm } from '../../renderer/features/alarms/ruleFields';
import { groupByLine, linesFromEvents, NO_LINE } from '../../renderer/features/equipment/lines';
import { createFrameBatcher, type FrameScheduler } from '../../renderer/common/frameBatcher';
import { buildCausationTree } from '../../renderer/features/timeline/causationTree';
import { addNewer, addOlder, NewestFirst, NOTHING_LOADED, olderCursor, type EventsNewestFirst } from '../../renderer/features/timeline/eventList';
import { EMPTY_FILTER, livePredicate, patternProblem, readFilter, toQuery } from '../../renderer/features/timeline/filterModel';
import type { EquipmentState } from '../../shared/domain/equipment';
import { initialEquipmentState } from '../../shared/domain/equipment';

const ev = (seq: number, extra: Partial<StoredEvent> = {}): StoredEvent => ({
  id: `id-${seq}`, seq, type: 'operator.note.added', source: 'test', timestamp: 1_000 + seq, payload: {}, priority: 'NORMAL', status: 'PUBLISHED', metadata: {}, ...extra,
});

describe('timeline filter', () => {
  test('a filter becomes a newest-first query; a quick range counts back from now and wins over absolute times', () => {
    const filter = { ...EMPTY_FILTER, types: ['equipment.*'], priorities: ['HIGH' as const], subject: ' press-1 ', text: 'jam', quickRange: '1h' as const, from: 5, to: 6 };
    expect(toQuery(filter, 10_000_000)).toEqual({ order: 'desc', types: ['equipment.*'], priorities: ['HIGH'], subject: 'press-1', text: 'jam', from: 10_000_000 - 3_600_000 });
    expect(toQuery({ ...EMPTY_FILTER, from: 5, to: 6 }, 0)).toEqual({ order: 'desc', from: 5, to: 6 });
  });

  test('settings are read back defensively and bad patterns are named', () => {
    expect(readFilter({ types: ['a.b', 3], priorities: ['HIGH', 'LOUD'], quickRange: 'forever', from: 'x' } as never)).toMatchObject({ types: ['a.b'], priorities: ['HIGH'], quickRange: null, from: null });
    expect(patternProblem(['equipment.*', 'Bad Pattern'])).toMatch(/^"Bad Pattern": /);
    expect(patternProblem(['equipment.*'])).toBeNull();
  });

  test('the live predicate applies the filter but not a quick range lower bound', () => {
    const matches = livePredicate({ ...EMPTY_FILTER, types: ['quality.*'], quickRange: '15m' });
    expect(matches(ev(1, { type: 'quality.check.failed', timestamp: 1 }))).toBe(true);
    expect(matches(ev(2, { type: 'equipment.status.changed' }))).toBe(false);
  });
});

describe('loaded events', () => {
  const seqsOf = (events: EventsNewestFirst) => Array.from({ length: events.length }, (_, i) => events.at(i)?.seq);

  test('live events are prepended newest first without duplicates, and the list is bounded', () => {
    let loaded = addOlder(NOTHING_LOADED, [ev(5), ev(4)], true);
    loaded = addNewer(loaded, [ev(7), ev(6)]);
    loaded = addNewer(loaded, [ev(6), ev(8)]);
    expect(seqsOf(loaded.events)).toEqual([8, 7, 6, 5, 4]);
    const bounded = addNewer(loaded, [ev(9), ev(10)], 3);
    expect(seqsOf(bounded.events)).toEqual([10, 9, 8]);
    expect(bounded.hasOlder).toBe(true);
    expect(decodeCursor(olderCursor(bounded) as string)).toEqual({ seq: 8, back: false, order: 'desc' });
    // Filled to the bound exactly, nothing was let go; more live events than the bound keep the newest.
    const filled = addNewer({ events: [ev(2), ev(1)], hasOlder: false }, [ev(3)], 3);
    expect([seqsOf(filled.events), filled.hasOlder]).toEqual([[3, 2, 1], false]);
    const overfilled = addNewer({ events: [ev(2)], hasOlder: false }, [ev(5), ev(3), ev(6), ev(4)], 3);
    expect([seqsOf(overfilled.events), overfilled.hasOlder]).toEqual([[6, 5, 4], true]);
  });

  test('live events pushed frame after frame keep the newest first within the bound, and every earlier list stays as it was', () => {
    let list = NewestFirst.of([ev(2), ev(1)]);
    const lists: [NewestFirst, number[]][] = [];
    let seq = 2;
    // 40 frames of 3 events into a bound of 16: the trimmed events are let go along the way.
    for (let frame = 0; frame < 40; frame++) {
      list = list.withNewer([ev(++seq), ev(++seq), ev(++seq)], 16);
      const expected = Array.from({ length: Math.min(16, seq) }, (_, i) => seq - i);
      expect(seqsOf(list)).toEqual(expected);
      lists.push([list, expected]);
    }
    for (const [earlier, expected] of lists) expect(seqsOf(earlier)).toEqual(expected);
    expect([list.at(-1), list.at(16)]).toEqual([undefined, undefined]);
    // Two lists made from the same one (React may run an update twice) each get their own events.
    const base = lists[10]?.[0] as NewestFirst;
    const a = base.withNewer([ev(1_000)], 16);
    const b = base.withNewer([ev(2_000), ev(2_001)], 16);
    expect([a.at(0)?.seq, a.at(1)?.seq, b.at(0)?.seq, b.at(1)?.seq, b.at(2)?.seq, a.length, b.length]).toEqual([1_000, 35, 2_001, 2_000, 35, 16, 16]);
    expect(seqsOf(base)).toEqual(lists[10]?.[1]);
  });

  test('thousands of live events, the list copied again and again: newest first, bounded, earlier lists as they were', () => {
    let list = NewestFirst.of([]);
    let seq = 0;
    const kept: [NewestFirst, number][] = [];
    for (let frame = 0; frame < 1_000; frame++) {
      list = list.withNewer(Array.from({ length: 7 }, () => ev(++seq)), 2_500);
      if (frame % 100 === 0) kept.push([list, seq]);
    }
    const newestFirst = (top: number, length: number) => Array.from({ length }, (_, i) => top - i);
    expect(seqsOf(list)).toEqual(newestFirst(7_000, 2_500));
    for (const [earlier, top] of kept) expect(seqsOf(earlier)).toEqual(newestFirst(top, Math.min(top, 2_500)));
  });

  test('live events on a list read as an array or scrolled back to: the same order, counts and cursor', () => {
    let loaded = addNewer({ events: [ev(3), ev(2)], hasOlder: false }, [ev(5), ev(4)], 10);
    loaded = addOlder(loaded, [ev(1)], false);
    loaded = addNewer(loaded, [ev(6)], 10);
    expect([seqsOf(loaded.events), loaded.hasOlder]).toEqual([[6, 5, 4, 3, 2, 1], false]);
    expect(decodeCursor(olderCursor(loaded) as string)).toEqual({ seq: 1, back: false, order: 'desc' });
  });
});

describe('causation tree', () => {
  test('events hang under their cause; an unknown cause makes a root', () => {
    const a = ev(1);
    const b = ev(2, { causationId: 'id-1' });
    const c = ev(3, { causationId: 'id-2' });
    const d = ev(4, { causationId: 'elsewhere' });
    const tree = buildCausationTree([c, d, a, b]);
    expect(tree.map((n) => n.event.seq)).toEqual([1, 4]);
    expect(tree[0]?.children[0]?.children[0]?.event.seq).toBe(3);
  });
});

describe('frame batcher', () => {
  test('many pushes make one flush per frame, bounded, with the overflow counted', () => {
    const frames: (() => void)[] = [];
    const scheduler: FrameScheduler = { request: (cb) => frames.push(cb), cancel: () => undefined };
    const flushed: { items: number[]; overflow: number }[] = [];
    const batcher = createFrameBatcher<number>((batch) => flushed.push(batch), 3, scheduler);
    for (let i = 1; i <= 5; i++) batcher.push(i);
    expect(frames).toHaveLength(1);
    frames[0]?.();
    expect(flushed).toEqual([{ items: [3, 4, 5], overflow: 2 }]);
    batcher.push(6);
    batcher.dispose();
    frames[1]?.();
    expect(flushed).toHaveLength(1);
  });
});

describe('equipment lines', () => {
  test('equipment is grouped by the line its events name; unknown lines go last', () => {
    const state = (id: string): EquipmentState => initialEquipmentState(id);
    const lines = linesFromEvents([ev(1, { payload: { equipmentId: 'press-1', lineId: 'line-2' } }), ev(2, { payload: { equipmentId: 'cnc-1', lineId: 'line-10' } })]);
    const groups = groupByLine([state('cnc-1'), state('oven-3'), state('press-1')], lines);
    expect(groups.map((g) => [g.lineId, g.states.map((s) => s.equipmentId)])).toEqual([['line-2', ['press-1']], ['line-10', ['cnc-1']], [NO_LINE, ['oven-3']]]);
  });
});

describe('rule form', () => {
  test('numbers are parsed, lists split, a non-number kept as text for validation to name', () => {
    const form = { ...newRuleForm('threshold'), id: 'hot', name: 'Hot', field: 'temperature', limit: 'ninety', equipment: 'a, b' };
    expect(formToCandidate(form)).toMatchObject({ id: 'hot', limit: 'ninety', deadband: 0, equipment: ['a', 'b'], enabled: true });
  });
});
