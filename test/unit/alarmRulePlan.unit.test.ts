import { describe, expect, it } from 'vitest';
import { createAlarmEngine, evaluateAlarmsInOrder, setAlarmRules, tickAlarms, Work, type AlarmEngineState } from '../../shared/domain/alarms/engine';
import { initialMonitor, observe, watchedType, type MonitoredEvent } from '../../shared/domain/alarms/monitors';
import { alarmIdOf, DEFAULT_ALARM_RULES, ruleWatches, type AlarmRule } from '../../shared/domain/alarms/rules';
import { validateAlarmRule } from '../../shared/domain/alarms/validateRule';
import type { JsonObject } from '../../shared/events/event';
import { matchesPattern } from '../../shared/events/patterns';

const T0 = 1_700_000_000_000;

/** The engine's evaluation as it was before rules were indexed by type: every rule for every event. The oracle. */
function scanEveryRule(state: AlarmEngineState, events: readonly MonitoredEvent[]) {
  const work = new Work(state);
  for (const event of events) {
    const equipmentId = (event.payload as JsonObject).equipmentId;
    if (typeof equipmentId !== 'string' || event.type.startsWith('alarm.')) continue;
    for (const rule of work.rules) {
      if (!rule.enabled || !ruleWatches(rule, equipmentId)) continue;
      const id = alarmIdOf(rule.id, equipmentId);
      if (!work.monitors[id] && rule.kind === 'absence') work.setMonitor(id, initialMonitor(rule, event.timestamp));
      if (!matchesPattern(watchedType(rule), event.type)) continue;
      const monitor = work.monitors[id] ?? initialMonitor(rule, event.timestamp);
      work.step(rule, equipmentId, id, monitor, observe(rule, monitor, event));
    }
    work.clock(event.timestamp);
  }
  return work.done();
}

const TYPES = ['equipment.telemetry.recorded', 'quality.measurement.recorded', 'quality.check.failed', 'equipment.status.changed', 'maintenance.completed'];

/** A deterministic mixed stream (1.5 s apart): telemetry with and without the watched fields, measurements, failed checks, status changes, other types. */
function stream(count: number, from: number): MonitoredEvent[] {
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: count }, (_, i) => {
    const type = TYPES[Math.floor(next() * TYPES.length)] as string;
    // mixer-9 sends no telemetry at all: only its first event of another type starts its absence timing.
    if (i % 10 === 0) return { id: `evt-${from + i}`, type: 'maintenance.completed', timestamp: T0 + (from + i) * 1_500, payload: { equipmentId: 'mixer-9' } };
    const payload: JsonObject = { equipmentId: `press-${Math.floor(next() * 4)}` };
    if (next() < 0.6) payload.temperature = 60 + next() * 40;
    if (next() < 0.3) payload.vibration = next() * 10;
    if (type === 'quality.measurement.recorded') Object.assign(payload, { parameter: next() < 0.5 ? 'diameter' : 'depth', value: next() * 2, upperLimit: 1.5 });
    if (type === 'equipment.status.changed') payload.newStatus = next() < 0.5 ? 'down' : 'running';
    return { id: `evt-${from + i}`, type, timestamp: T0 + (from + i) * 1_500, payload };
  });
}

const rule = (candidate: Record<string, unknown>): AlarmRule => validateAlarmRule({ enabled: true, priority: 'HIGH', ...candidate });

describe('the alarm engine with its rules indexed by event type', () => {
  it('given a mixed stream over the default rules and a rule on one equipment, then the states and drafts are those of scanning every rule', () => {
    const rules = [...DEFAULT_ALARM_RULES, rule({ id: 'p1-hot', name: 'press-1 hot', kind: 'threshold', field: 'temperature', comparator: 'above', limit: 90, deadband: 1, equipment: ['press-1'] })];
    let indexed = createAlarmEngine(rules);
    let oracle = indexed;
    const drafts: { indexed: unknown[]; oracle: unknown[] } = { indexed: [], oracle: [] };
    for (let chunk = 0; chunk < 8; chunk++) {
      const events = stream(250, chunk * 250);
      const a = evaluateAlarmsInOrder(indexed, events);
      const b = scanEveryRule(oracle, events);
      drafts.indexed.push(...a.drafts);
      drafts.oracle.push(...b.drafts);
      const at = (events.at(-1) as MonitoredEvent).timestamp + 1_000;
      indexed = tickAlarms(a.state, at).state;
      oracle = tickAlarms(b.state, at).state;
    }
    expect(drafts.oracle.length).toBeGreaterThan(10);
    expect(drafts.indexed).toEqual(drafts.oracle);
    expect(indexed).toEqual(oracle);
  });

  it('given the rules are replaced, then the next events are judged by the new rules, not by an index of the old ones', () => {
    const hot = rule({ id: 'hot', name: 'Hot', kind: 'threshold', field: 'temperature', comparator: 'above', limit: 200 });
    const telemetry = (n: number, temperature: number): MonitoredEvent => ({ id: `t-${n}`, type: 'equipment.telemetry.recorded', timestamp: T0 + n, payload: { equipmentId: 'oven-1', temperature } });
    const before = evaluateAlarmsInOrder(createAlarmEngine([hot]), [telemetry(1, 150)]);
    expect(before.drafts).toEqual([]);
    const lowered = setAlarmRules(before.state, [{ ...hot, limit: 100 }], T0 + 2).state;
    const after = evaluateAlarmsInOrder(lowered, [telemetry(3, 150)]);
    expect(after.drafts.map((draft) => draft.type)).toContain('alarm.raised');
    const disabled = setAlarmRules(after.state, [{ ...hot, enabled: false }], T0 + 4).state;
    expect(evaluateAlarmsInOrder(disabled, [telemetry(5, 300)]).drafts.filter((draft) => draft.type === 'alarm.raised')).toEqual([]);
  });
});
