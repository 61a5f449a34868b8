import { describe, expect, it } from 'vitest';
import { computeAlarmKpis } from '../../shared/domain/alarms/kpis';
import type { AlarmEventLike, AlarmStateName } from '../../shared/domain/alarms/lifecycle';

const T0 = 1_700_000_000_000;
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

function alarmEvent(type: string, alarmId: string, at: number, stateBefore: AlarmStateName, stateAfter: AlarmStateName): AlarmEventLike {
  const [ruleId = '', equipmentId = ''] = alarmId.split(':');
  return {
    type, timestamp: at,
    payload: { alarmId, ruleId, ruleKind: 'threshold', ruleName: `Rule ${ruleId}`, equipmentId, priority: 'HIGH', stateBefore, stateAfter, raisedAt: at, value: 1, limit: 0 },
  };
}
const raised = (alarmId: string, at: number) => alarmEvent('alarm.raised', alarmId, at, 'NORMAL', 'ACTIVE_UNACK');
const range = (from: number, to: number, now = to) => ({ from, to, now });

describe('alarm KPIs', () => {
  it('given alarms over 30 minutes, then they are counted per 10-minute bucket from `from`', () => {
    const events = [raised('a:p1', T0), raised('a:p1', T0 + 9 * MIN), raised('b:p1', T0 + 10 * MIN), raised('b:p1', T0 + 29 * MIN), raised('b:p1', T0 + 31 * MIN)];
    const kpis = computeAlarmKpis(events, range(T0, T0 + 30 * MIN));
    expect(kpis.perTenMinutes).toEqual([
      { start: T0, end: T0 + 10 * MIN, count: 2 },
      { start: T0 + 10 * MIN, end: T0 + 20 * MIN, count: 1 },
      { start: T0 + 20 * MIN, end: T0 + 30 * MIN, count: 1 },
    ]);
    expect(kpis.raisedCount).toBe(4);
  });

  it('given 11 alarms within 100 s, then a flood starts at the 11th and ends when fewer than 5 remain in the trailing 10 minutes', () => {
    const events = Array.from({ length: 11 }, (_, i) => raised(`r${i}:p1`, T0 + i * 10 * S));
    const kpis = computeAlarmKpis(events, range(T0, T0 + HOUR));
    // The trailing count drops to 4 when the 7th alarm (at 60 s) leaves the window, at 660 s.
    expect(kpis.floods).toEqual([{ start: T0 + 100 * S, end: T0 + 660 * S, count: 11, peak: 11 }]);
    expect(kpis.inFlood).toBe(false);
  });

  it('given exactly 10 alarms in 10 minutes, then there is no flood', () => {
    const events = Array.from({ length: 10 }, (_, i) => raised(`r${i}:p1`, T0 + i * S));
    expect(computeAlarmKpis(events, range(T0, T0 + HOUR)).floods).toEqual([]);
  });

  it('given a flood that keeps going, then it has no end, counts every alarm in it, and inFlood is true at `to`', () => {
    const events = Array.from({ length: 30 }, (_, i) => raised(`r${i % 4}:p1`, T0 + i * 20 * S));
    const kpis = computeAlarmKpis(events, range(T0, T0 + 10 * MIN));
    expect(kpis.floods).toHaveLength(1);
    expect(kpis.floods[0]).toMatchObject({ start: T0 + 200 * S, end: null, count: 30 });
    expect(kpis.inFlood).toBe(true);
  });

  it('given two bursts an hour apart, then two flood episodes', () => {
    const burst = (start: number) => Array.from({ length: 12 }, (_, i) => raised(`r${i}:p1`, start + i * S));
    const kpis = computeAlarmKpis([...burst(T0), ...burst(T0 + HOUR)], range(T0, T0 + 2 * HOUR));
    expect(kpis.floods.map((f) => [f.start - T0, f.end === null ? null : f.end - T0, f.count])).toEqual([
      [10 * S, 7 * S + 10 * MIN, 12], // 12 - 8 departures = 4 < 5: the 8th (at 7 s) leaves at 607 s,
      [HOUR + 10 * S, HOUR + 7 * S + 10 * MIN, 12],
    ]);
  });

  it('given 12 alarms raised different numbers of times, then the top 10 most frequent, ties by id', () => {
    const events = Array.from({ length: 12 }, (_, n) => Array.from({ length: n + 1 }, (_, k) => raised(`r${String(n).padStart(2, '0')}:p1`, T0 + k * 10 * MIN + n))).flat();
    events.push(raised('r00:p2', T0 + 1));
    const top = computeAlarmKpis(events, range(T0, T0 + 3 * HOUR)).topAlarms;
    expect(top).toHaveLength(10);
    expect(top.map((a) => [a.alarmId, a.count])).toEqual([
      ['r11:p1', 12], ['r10:p1', 11], ['r09:p1', 10], ['r08:p1', 9], ['r07:p1', 8], ['r06:p1', 7], ['r05:p1', 6], ['r04:p1', 5], ['r03:p1', 4], ['r02:p1', 3],
    ]);
    expect(top[0]).toMatchObject({ ruleId: 'r11', equipmentId: 'p1', ruleName: 'Rule r11', priority: 'HIGH' });
  });

  it('given 3 activations within 59 s, then chattering; 3 spanning a full minute, not', () => {
    const events = [
      raised('chatty:p1', T0), raised('chatty:p1', T0 + 30 * S), raised('chatty:p1', T0 + 59 * S), raised('chatty:p1', T0 + 5 * MIN),
      raised('calm:p1', T0), raised('calm:p1', T0 + 30 * S), raised('calm:p1', T0 + 60 * S),
    ];
    const kpis = computeAlarmKpis(events, range(T0, T0 + HOUR));
    expect(kpis.chattering).toEqual([{ alarmId: 'chatty:p1', ruleId: 'chatty', ruleName: 'Rule chatty', equipmentId: 'p1', priority: 'HIGH', count: 4, maxPerMinute: 3 }]);
  });

  it('given alarms active for 25 h, 23 h, cleared or shelved, then only the ones still active over 24 h are stale', () => {
    const now = T0 + 48 * HOUR;
    const events = [
      raised('old:p1', now - 25 * HOUR),
      alarmEvent('alarm.acknowledged', 'old:p1', now - 20 * HOUR, 'ACTIVE_UNACK', 'ACTIVE_ACK'),
      raised('young:p1', now - 23 * HOUR),
      raised('gone:p1', now - 30 * HOUR),
      alarmEvent('alarm.cleared', 'gone:p1', now - 29 * HOUR, 'ACTIVE_UNACK', 'RTN_UNACK'),
      raised('hidden:p1', now - 30 * HOUR),
      alarmEvent('alarm.shelved', 'hidden:p1', now - 29 * HOUR, 'ACTIVE_UNACK', 'SHELVED'),
      raised('future:p1', now + HOUR),
    ];
    const stale = computeAlarmKpis(events, range(now - HOUR, now)).stale;
    expect(stale).toEqual([{ alarmId: 'old:p1', ruleId: 'old', ruleName: 'Rule old', equipmentId: 'p1', priority: 'HIGH', state: 'ACTIVE_ACK', activeSince: now - 25 * HOUR, ageMs: 25 * HOUR }]);
  });

  it('ignores other and malformed events, accepts any order, and refuses a bad range', () => {
    const events: AlarmEventLike[] = [raised('a:p1', T0 + 2 * S), { type: 'alarm.raised', timestamp: T0, payload: { alarmId: 'x' } }, { type: 'equipment.status.changed', timestamp: T0, payload: {} }, raised('a:p1', T0 + S)];
    expect(computeAlarmKpis(events, range(T0, T0 + MIN)).raisedCount).toBe(2);
    expect(() => computeAlarmKpis([], range(T0 + 1, T0))).toThrow(RangeError);
    expect(() => computeAlarmKpis([], range(0, 365 * 24 * HOUR))).toThrow('at most 10000');
  });
});
