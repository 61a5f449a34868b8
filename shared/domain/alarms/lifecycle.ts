/**
 * The ISA-18.2 life cycle of one alarm (one rule on one equipment), as state rebuilt from
 * `alarm.*` events. Every `alarm.*` payload carries the alarm's identity and the state it
 * moved to, so `evolveAlarm` needs no rule set and alarm history replays like any other.
 */
import { PRIORITIES } from '../../events/event';
import type { JsonObject, JsonValue, Priority } from '../../events/event';
import { ALARM_RULE_KINDS } from './rules';
import type { AlarmRuleKind } from './rules';

export const ALARM_STATES = ['NORMAL', 'ACTIVE_UNACK', 'ACTIVE_ACK', 'RTN_UNACK', 'SHELVED', 'SUPPRESSED', 'OUT_OF_SERVICE'] as const;
/**
 * NORMAL: nothing wrong, nothing to acknowledge. ACTIVE_UNACK: active, unacknowledged.
 * ACTIVE_ACK: active, acknowledged. RTN_UNACK: returned to normal, unacknowledged. SHELVED
 * (timed, by an operator), SUPPRESSED (by design or logic) and OUT_OF_SERVICE: not annunciated.
 */
export type AlarmStateName = (typeof ALARM_STATES)[number];

/** The states an operator sees as active. */
export const ACTIVE_STATES: ReadonlySet<AlarmStateName> = new Set(['ACTIVE_UNACK', 'ACTIVE_ACK']);

/** Every event type the alarm life cycle emits. */
export const ALARM_EVENT_TYPES = {
  raised: 'alarm.raised',
  acknowledged: 'alarm.acknowledged',
  cleared: 'alarm.cleared',
  /** Follows the acknowledgement or clearing that brings an acknowledged, cleared alarm back to NORMAL. */
  normalized: 'alarm.normalized',
  shelved: 'alarm.shelved',
  unshelved: 'alarm.unshelved',
  shelveExpired: 'alarm.shelve.expired',
  suppressed: 'alarm.suppressed',
  unsuppressed: 'alarm.unsuppressed',
  removedFromService: 'alarm.removed-from-service',
  returnedToService: 'alarm.returned-to-service',
} as const;
export type AlarmEventType = (typeof ALARM_EVENT_TYPES)[keyof typeof ALARM_EVENT_TYPES];
const EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(ALARM_EVENT_TYPES));

/** Which alarm it is: one rule's alarm on one piece of equipment, at the rule's priority. */
export interface AlarmNaming {
  alarmId: string;
  ruleId: string;
  ruleKind: AlarmRuleKind;
  ruleName: string;
  equipmentId: string;
  priority: Priority;
}

export interface AlarmState extends AlarmNaming {
  state: AlarmStateName;
  /** When it entered `state` (null for an alarm that never moved). */
  since: number | null;
  /** When the current episode was raised; null once back to NORMAL. */
  raisedAt: number | null;
  /** The value and limit at the latest raise or clear (e.g. 91.2 °C above 85). */
  value: number | null;
  limit: number | null;
  /** Who acknowledged the active alarm, while it is ACTIVE_ACK. */
  acknowledged: { by: string | null; note: string | null; at: number } | null;
  /** The shelving, while SHELVED. */
  shelved: { reason: string; until: number; by: string | null; at: number } | null;
  /** Why it is SUPPRESSED or OUT_OF_SERVICE. */
  reason: string | null;
  /**
   * The latest transition after the raise (acknowledged, shelved, unshelved, cleared…), who
   * made it and when; null while the episode has only been raised. Kept apart from `since`
   * so that an operator action does not hide when the alarm started (`raisedAt`).
   * Absent in engine snapshots written before it existed.
   */
  lastAction?: AlarmAction | null;
}

export interface AlarmAction {
  /** The `alarm.*` event type of the transition. */
  type: AlarmEventType;
  by: string | null;
  at: number;
}

/**
 * An event for the bus to publish (it adds id, source and status): shaped like the bus's
 * PublishInput. `causationId` names the plant event (or command) behind it.
 */
export interface EventDraft {
  type: string;
  timestamp: number;
  priority: Priority;
  payload: JsonObject;
  correlationId?: string;
  causationId?: string;
}

/** What every `alarm.*` payload holds; transitions add `user`, `note`, `reason`, `until`, `durationMs`. */
export interface AlarmEventPayload extends AlarmNaming {
  stateBefore: AlarmStateName;
  stateAfter: AlarmStateName;
  raisedAt: number | null;
  value: number | null;
  limit: number | null;
  user?: string;
  note?: string;
  reason?: string;
  until?: number;
  durationMs?: number;
}

/** The events `evolveAlarm` reads; stored events fit. */
export type AlarmEventLike = { readonly type: string; readonly timestamp: number; readonly payload: JsonValue };

export function initialAlarmState(identity: Pick<AlarmState, 'alarmId' | 'ruleId' | 'ruleKind' | 'ruleName' | 'equipmentId' | 'priority'>): AlarmState {
  return { ...identity, state: 'NORMAL', since: null, raisedAt: null, value: null, limit: null, acknowledged: null, shelved: null, reason: null, lastAction: null };
}

export function isAlarmEventType(type: string): type is AlarmEventType {
  return EVENT_TYPES.has(type);
}

/**
 * Folds one `alarm.*` event into the alarm's state. Other events, events of another alarm
 * and malformed payloads leave the state as it is (the same object); with `null`, the first
 * event of an alarm starts its state.
 */
export function evolveAlarm(state: AlarmState | null, event: AlarmEventLike): AlarmState | null {
  if (!isAlarmEventType(event.type)) return state;
  const p = readAlarmPayload(event.payload);
  if (p === null || (state !== null && state.alarmId !== p.alarmId)) return state;
  const at = event.timestamp;
  const after = p.stateAfter;
  return {
    alarmId: p.alarmId, ruleId: p.ruleId, ruleKind: p.ruleKind, ruleName: p.ruleName, equipmentId: p.equipmentId, priority: p.priority,
    state: after, since: at, raisedAt: p.raisedAt, value: p.value, limit: p.limit,
    acknowledged: event.type === ALARM_EVENT_TYPES.acknowledged
      ? (after === 'ACTIVE_ACK' ? { by: p.user ?? null, note: p.note ?? null, at } : null)
      : (after === 'ACTIVE_ACK' ? state?.acknowledged ?? null : null),
    shelved: event.type === ALARM_EVENT_TYPES.shelved && p.reason !== undefined && p.until !== undefined
      ? { reason: p.reason, until: p.until, by: p.user ?? null, at }
      : (after === 'SHELVED' ? state?.shelved ?? null : null),
    reason: event.type === ALARM_EVENT_TYPES.suppressed || event.type === ALARM_EVENT_TYPES.removedFromService
      ? p.reason ?? null
      : (after === 'SUPPRESSED' || after === 'OUT_OF_SERVICE' ? state?.reason ?? null : null),
    lastAction: lastActionAfter(state, event.type, p, at),
  };
}

/** A raise starts a new episode with no action yet; `normalized` only closes the one before it, so that one stays the last. */
function lastActionAfter(state: AlarmState | null, type: AlarmEventType, p: AlarmEventPayload, at: number): AlarmAction | null {
  if (type === ALARM_EVENT_TYPES.raised) return null;
  if (type === ALARM_EVENT_TYPES.normalized) return state?.lastAction ?? null;
  return { type, by: p.user ?? null, at };
}

/** Folds `alarm.*` events into the states of every alarm they name, keyed by alarm id (a fresh object when changed). */
export function evolveAlarms(alarms: Readonly<Record<string, AlarmState>>, event: AlarmEventLike): Record<string, AlarmState> {
  if (!isAlarmEventType(event.type)) return alarms;
  const alarmId = readAlarmPayload(event.payload)?.alarmId;
  if (alarmId === undefined) return alarms;
  const next = evolveAlarm(alarms[alarmId] ?? null, event);
  return next === null || next === alarms[alarmId] ? alarms : { ...alarms, [alarmId]: next };
}

/** The payload of an `alarm.*` event, or null when it lacks a field the life cycle needs. */
export function readAlarmPayload(payload: JsonValue): AlarmEventPayload | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const { alarmId, ruleId, ruleKind, ruleName, equipmentId, priority, stateBefore, stateAfter } = payload;
  if (typeof alarmId !== 'string' || typeof ruleId !== 'string' || typeof ruleName !== 'string' || typeof equipmentId !== 'string') return null;
  if (!oneOf(ruleKind, ALARM_RULE_KINDS) || !oneOf(priority, PRIORITIES) || !oneOf(stateBefore, ALARM_STATES) || !oneOf(stateAfter, ALARM_STATES)) return null;
  const read: AlarmEventPayload = {
    alarmId, ruleId, ruleKind, ruleName, equipmentId, priority, stateBefore, stateAfter,
    raisedAt: numberOrNull(payload.raisedAt), value: numberOrNull(payload.value), limit: numberOrNull(payload.limit),
  };
  for (const key of ['user', 'note', 'reason'] as const) {
    const text = payload[key];
    if (typeof text === 'string') read[key] = text;
  }
  for (const key of ['until', 'durationMs'] as const) {
    const number = numberOrNull(payload[key]);
    if (number !== null) read[key] = number;
  }
  return read;
}

function oneOf<T extends string>(value: unknown, choices: readonly T[]): value is T {
  return (choices as readonly unknown[]).includes(value);
}

function numberOrNull(value: JsonValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
