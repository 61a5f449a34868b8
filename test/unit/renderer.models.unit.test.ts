/** The operator UI's pure models: timeline filter → query, the loaded-events list, causation trees, frame batching, line grouping, rule forms. */
import { describe, expect, test } from 'vitest';
import type { StoredEvent } from '../../shared/events/event';
import { decodeCursor } from '../../shared/store/pagePlan';
import { formToCandidate, newRuleForm } from '../../renderer/features/alarms/ruleFields';
import { groupByLine, linesFromEvents, NO_LINE } from '../../renderer/features/equipment/lines';
import { createFrameBatcher, type FrameScheduler } from '../../renderer/common/frameBatcher';
import { buildCausationTree } from '../../renderer/features/timeline/causationTree';
import { addNewer, addOlder, NOTHING_LOADED, olderCursor } from '../../renderer/features/timeline/eventList';
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
  test('live events are prepended newest first without duplicates, and the list is bounded', () => {
    let loaded = addOlder(NOTHING_LOADED, [ev(5), ev(4)], true);
    loaded = addNewer(loaded, [ev(7), ev(6)]);
    loaded = addNewer(loaded, [ev(6), ev(8)]);
    expect(loaded.events.map((e) => e.seq)).toEqual([8, 7, 6, 5, 4]);
    const bounded = addNewer(loaded, [ev(9), ev(10)], 3);
    expect(bounded.events.map((e) => e.seq)).toEqual([10, 9, 8]);
    expect(bounded.hasOlder).toBe(true);
    expect(decodeCursor(olderCursor(bounded) as string)).toEqual({ seq: 8, back: false, order: 'desc' });
    // Filled to the bound exactly, nothing was let go; more live events than the bound keep the newest.
    expect(addNewer({ events: [ev(2), ev(1)], hasOlder: false }, [ev(3)], 3)).toEqual({ events: [ev(3), ev(2), ev(1)], hasOlder: false });
    expect(addNewer({ events: [ev(2)], hasOlder: false }, [ev(5), ev(3), ev(6), ev(4)], 3)).toEqual({ events: [ev(6), ev(5), ev(4)], hasOlder: true });
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
