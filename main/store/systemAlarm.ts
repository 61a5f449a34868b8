/**
 * Alarms about the console itself (the data folder's disk, a store rebuilt from the
 * journal), raised as ordinary `alarm.*` events so that the alarm view lists them beside the
 * plant's, and an operator acknowledges them the same way.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { EventBus } from '../bus/eventBus';

export interface SystemAlarm {
  /** Stable per condition, e.g. `system:disk-space`. */
  readonly alarmId: string;
  readonly name: string;
  /** What the alarm is about, in the place of an equipment id. */
  readonly subject: string;
  readonly value: number | null;
  readonly limit: number | null;
  readonly note: string;
}

const SOURCE = 'system';

function payloadOf(alarm: SystemAlarm, stateBefore: string, stateAfter: string, raisedAt: number | null) {
  return {
    alarmId: alarm.alarmId, ruleId: alarm.alarmId, ruleKind: 'threshold', ruleName: alarm.name, equipmentId: alarm.subject,
    priority: 'CRITICAL', stateBefore, stateAfter, raisedAt, value: alarm.value, limit: alarm.limit, note: alarm.note,
  };
}

export function raiseSystemAlarm(bus: EventBus, alarm: SystemAlarm, now = Date.now()): Promise<StoredEvent> {
  return bus.publish({ type: 'alarm.raised', source: SOURCE, priority: 'CRITICAL', timestamp: now, payload: payloadOf(alarm, 'NORMAL', 'ACTIVE_UNACK', now) });
}

/** The condition is gone; the alarm waits for an acknowledgement (ISA-18.2: returned to normal, unacknowledged). */
export function clearSystemAlarm(bus: EventBus, alarm: SystemAlarm, raisedAt: number, now = Date.now()): Promise<StoredEvent> {
  return bus.publish({ type: 'alarm.cleared', source: SOURCE, priority: 'CRITICAL', timestamp: now, payload: payloadOf(alarm, 'ACTIVE_UNACK', 'RTN_UNACK', raisedAt) });
}
