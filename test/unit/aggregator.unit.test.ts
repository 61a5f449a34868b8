import { describe, expect, it } from 'vitest';
import { aggregateEvents, aggregateSeries, evolveAggregate, initialAggregate, MAX_KEYS_PER_MINUTE, OTHER_KEY, topKeys } from '../../shared/domain/aggregator';
import type { AggregatedEvent, AggregateState } from '../../shared/domain/aggregator';

const M = 60_000;
const T0 = 1_700_000_040_000; // a whole minute
const e = (type: string, at: number, equipmentId?: string): AggregatedEvent => ({ type, timestamp: at, payload: equipmentId === undefined ? {} : { equipmentId } });
const given = (events: AggregatedEvent[], retention?: number): AggregateState => events.reduce(evolveAggregate, initialAggregate(retention));

describe('per-minute aggregator', () => {
  it('given events in two minutes, then each minute counts them in total, by type and by equipment', () => {
    const state = given([e('equipment.telemetry.recorded', T0, 'p1'), e('equipment.telemetry.recorded', T0 + 59_999, 'p2'), e('system.bus.health.reported', T0 + 1), e('quality.check.failed', T0 + M, 'p1')]);
    expect(state.minutes).toEqual([
      { minute: T0, total: 3, byType: { 'equipment.telemetry.recorded': 2, 'system.bus.health.reported': 1 }, byEquipment: { p1: 1, p2: 1 } },
      { minute: T0 + M, total: 1, byType: { 'quality.check.failed': 1 }, byEquipment: { p1: 1 } },
    ]);
  });

  it('given a folded state, when more events come, then the old state is untouched, and a batch equals one by one', () => {
    const first = given([e('a.b', T0, 'p1')]);
    const snapshot = JSON.stringify(first);
    const more = [e('a.b', T0 + 5, 'p1'), e('a.c', T0 - 3 * M, 'p2'), e('a.b', T0 + 2 * M)];
    const oneByOne = more.reduce(evolveAggregate, first);
    expect(JSON.stringify(first)).toBe(snapshot);
    expect(aggregateEvents(first, more)).toEqual(oneByOne);
    expect(oneByOne.minutes.map((m) => m.minute)).toEqual([T0 - 3 * M, T0, T0 + 2 * M]); // out of order, inserted in place
  });

  it('given a retention of 3 minutes, when a newer minute arrives, then older minutes go; late events beyond it are dropped and counted', () => {
    const state = given([e('a.b', T0), e('a.b', T0 + M), e('a.b', T0 + 2 * M), e('a.b', T0 + 3 * M)], 3);
    expect(state.minutes.map((m) => m.minute)).toEqual([T0 + M, T0 + 2 * M, T0 + 3 * M]);
    const late = evolveAggregate(state, e('a.b', T0 + 30_000));
    expect(late.minutes).toEqual(state.minutes);
    expect(late.droppedLate).toBe(1);
    const day = given([e('a.b', T0), e('a.b', T0 + 24 * 60 * M)]);
    expect(day.minutes.map((m) => m.minute)).toEqual([T0 + 24 * 60 * M]);
  });

  it('when a series is asked for, then one point per step with zeros, by total, type pattern or equipment', () => {
    const state = given([e('equipment.status.changed', T0, 'p1'), e('equipment.telemetry.recorded', T0, 'p2'), e('quality.check.failed', T0 + 2 * M, 'p1'), e('equipment.telemetry.recorded', T0 + 3 * M, 'p1')]);
    expect(aggregateSeries(state, { from: T0 + 10, to: T0 + 3 * M, by: 'total' })).toEqual([
      { t: T0, count: 2 }, { t: T0 + M, count: 0 }, { t: T0 + 2 * M, count: 1 }, { t: T0 + 3 * M, count: 1 },
    ]);
    expect(aggregateSeries(state, { from: T0, to: T0 + 3 * M, by: 'type', key: 'equipment.*', stepMinutes: 2 })).toEqual([{ t: T0, count: 2 }, { t: T0 + 2 * M, count: 1 }]);
    expect(aggregateSeries(state, { from: T0, to: T0 + M, by: 'type', key: 'quality.check.failed' }).map((p) => p.count)).toEqual([0, 0]);
    expect(aggregateSeries(state, { from: T0, to: T0 + 3 * M, by: 'equipment', key: 'p1' }).map((p) => p.count)).toEqual([1, 0, 1, 1]);
    expect(() => aggregateSeries(state, { from: T0, to: T0 - M, by: 'total' })).toThrow(RangeError);
    expect(() => aggregateSeries(state, { from: 0, to: T0, by: 'total' })).toThrow('at most');
  });

  it('ranks the busiest types and equipment over a range', () => {
    const state = given([e('a.b', T0, 'p1'), e('a.b', T0 + M, 'p2'), e('a.c', T0 + M, 'p2'), e('a.c', T0 + M, 'p2'), e('a.c', T0 + 5 * M, 'p3')]);
    expect(topKeys(state, 'type', { from: T0, to: T0 + M })).toEqual([{ key: 'a.b', count: 2 }, { key: 'a.c', count: 2 }]); // a tie: by key
    expect(topKeys(state, 'equipment', { from: T0, to: T0 + 10 * M, limit: 1 })).toEqual([{ key: 'p2', count: 3 }]);
  });

  it('bounds the keys of a minute and keeps unsafe keys out of the prototype', () => {
    const events = Array.from({ length: MAX_KEYS_PER_MINUTE + 5 }, (_, i) => e(`t.k${i}`, T0, '__proto__'));
    const bucket = aggregateEvents(initialAggregate(), events).minutes[0];
    expect(Object.keys(bucket?.byType ?? {})).toHaveLength(MAX_KEYS_PER_MINUTE + 1);
    expect(bucket?.byType[OTHER_KEY]).toBe(5);
    expect(bucket?.byEquipment).toEqual({ [OTHER_KEY]: MAX_KEYS_PER_MINUTE + 5 });
    expect(Object.getPrototypeOf(bucket?.byEquipment)).toBe(Object.prototype);
    expect(() => initialAggregate(0)).toThrow(RangeError);
  });
});
