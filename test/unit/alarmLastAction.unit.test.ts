/** An alarm keeps when it started apart from the last thing done to it (issue 12 §1); refusals name the alarm once. */
import { describe, expect, it } from 'vitest';
import { commandAlarms, createAlarmEngine, evaluateAlarms } from '../../shared/domain/alarms';
import { decideAlarm, type AlarmInput } from '../../shared/domain/alarms/decide';
import { evolveAlarm, initialAlarmState, type AlarmState } from '../../shared/domain/alarms/lifecycle';
import type { AlarmRule } from '../../shared/domain/alarms/rules';
import type { StoredEvent } from '../../shared/events/event';
import { alarmStartedAt, describeLastAction } from '../../renderer/features/alarms/alarmAction';

const T0 = 1_700_000_000_000;
const NEW = initialAlarmState({ alarmId: 'hot:oven-1', ruleId: 'hot', ruleKind: 'threshold', ruleName: 'Hot', equipmentId: 'oven-1', priority: 'HIGH' });

/** Applies the inputs one second apart from T0, replaying the drafts through evolveAlarm as a restart would. */
function run(...inputs: AlarmInput[]): { live: AlarmState; replayed: AlarmState | null } {
  let live = NEW;
  let replayed: AlarmState | null = null;
  inputs.forEach((input, i) => {
    const decision = decideAlarm(live, input, T0 + i * 1000);
    live = decision.state;
    for (const draft of decision.events) replayed = evolveAlarm(replayed, draft);
  });
  return { live, replayed };
}

const raise: AlarmInput = { kind: 'condition', active: true, value: 95, limit: 90 };

describe('an alarm after operator actions', () => {
  it('when acknowledged, then it still started at the raise and the last action says who acknowledged it and when', () => {
    const { live, replayed } = run(raise, { kind: 'acknowledge', note: 'seen', user: 'olga' });
    expect(live).toMatchObject({ state: 'ACTIVE_ACK', raisedAt: T0, since: T0 + 1000, lastAction: { type: 'alarm.acknowledged', by: 'olga', at: T0 + 1000 } });
    expect(replayed).toEqual(live);
    expect(alarmStartedAt(live)).toBe(T0);
    expect(describeLastAction(live)).toMatch(/^Acknowledged by olga at /);
  });

  it('when shelved then unshelved, then the start is kept and the last action is the unshelve', () => {
    const { live } = run(raise, { kind: 'shelve', reason: 'maintenance', durationMs: 60_000, user: 'olga' }, { kind: 'unshelve', conditionActive: true, user: 'piet' });
    expect(live).toMatchObject({ state: 'ACTIVE_UNACK', raisedAt: T0, lastAction: { type: 'alarm.unshelved', by: 'piet', at: T0 + 2000 } });
    expect(alarmStartedAt(live)).toBe(T0);
  });

  it('when raised again after it was normal, then the new episode has no last action yet', () => {
    const { live } = run(raise, { kind: 'acknowledge', user: 'olga' }, { kind: 'condition', active: false, value: 80, limit: 90 }, raise);
    expect(live).toMatchObject({ state: 'ACTIVE_UNACK', raisedAt: T0 + 3000, lastAction: null });
    expect(describeLastAction(live)).toBe('');
  });

  it('when acknowledged after it cleared, then the acknowledgement stays the last action once it is back to normal', () => {
    const { live } = run(raise, { kind: 'condition', active: false, value: 80, limit: 90 }, { kind: 'acknowledge', user: 'olga' });
    expect(live).toMatchObject({ state: 'NORMAL', lastAction: { type: 'alarm.acknowledged', by: 'olga' } });
  });

  it('given an alarm state from a snapshot older than lastAction, then it reads as no action', () => {
    const old = { ...NEW, state: 'ACTIVE_UNACK', raisedAt: T0, since: T0 } as AlarmState;
    delete old.lastAction;
    expect(describeLastAction(old)).toBe('');
    expect(alarmStartedAt(old)).toBe(T0);
  });
});

describe('a refused command', () => {
  const rule: AlarmRule = { id: 'hot', name: 'Hot', enabled: true, priority: 'HIGH', kind: 'threshold', field: 'temperature', comparator: 'above', limit: 90, deadband: 1, onDelayMs: 0, offDelayMs: 0 };
  const telemetry = { id: 'e1', seq: 1, type: 'equipment.telemetry.recorded', source: 'test', timestamp: T0, payload: { equipmentId: 'oven-1', temperature: 95 }, priority: 'NORMAL', status: 'PUBLISHED', metadata: {} } as unknown as StoredEvent;

  it('when an alarm is acknowledged twice or is unknown, then each reason leaves the alarm id to its own field', () => {
    const engine = evaluateAlarms(createAlarmEngine([rule]), telemetry).state;
    const first = commandAlarms(engine, { kind: 'acknowledge', alarmIds: ['hot:oven-1'], user: 'olga' }, T0 + 1000);
    const second = commandAlarms(first.state, { kind: 'acknowledge', alarmIds: ['hot:oven-1', 'nope:oven-1'], user: 'olga' }, T0 + 2000);
    expect(second.rejected).toEqual([
      { alarmId: 'hot:oven-1', reason: 'cannot acknowledge: the alarm is already acknowledged' },
      { alarmId: 'nope:oven-1', reason: 'unknown alarm (no such rule)' },
    ]);
  });
});
