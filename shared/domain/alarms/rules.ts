/**
 * Alarm rules as data: plain JSON that the rule editor stores and edits, and that the alarm
 * engine reads. One alarm exists per rule and equipment (`${ruleId}:${equipmentId}`).
 */
import type { Priority } from '../../events/event';

export const ALARM_RULE_KINDS = ['threshold', 'outOfSpec', 'countInWindow', 'absence', 'downTooLong'] as const;
export type AlarmRuleKind = (typeof ALARM_RULE_KINDS)[number];

/** The longest shelving a site allows unless the engine is configured otherwise: 8 hours. */
export const DEFAULT_MAX_SHELVE_MS = 8 * 60 * 60 * 1000;

export interface AlarmRuleBase {
  /** Letters, digits, `_`, `.` and `-` (never `:`, which separates rule and equipment in alarm ids). */
  id: string;
  name: string;
  enabled: boolean;
  priority: Priority;
  /** The equipment the rule watches; absent or empty means every equipment. */
  equipment?: string[];
  /** The longest this rule's alarms may be shelved; at most the site's maximum. */
  maxShelveMs?: number;
}

/** A telemetry reading beyond a limit, with hysteresis (deadband) and debounce (on/off delays). */
export interface ThresholdRule extends AlarmRuleBase {
  kind: 'threshold';
  /** The numeric key of an `equipment.telemetry.recorded` payload, e.g. `temperature`. */
  field: string;
  comparator: 'above' | 'below';
  limit: number;
  /** Once raised, the condition holds until the value is back beyond `limit ∓ deadband`. */
  deadband: number;
  /** How long the value must stay beyond the limit before the alarm is raised. */
  onDelayMs: number;
  /** How long the value must stay normal before the alarm clears. */
  offDelayMs: number;
}

/** A `quality.measurement.recorded` outside its specification; an in-spec one of the same parameter clears it. */
export interface OutOfSpecRule extends AlarmRuleBase {
  kind: 'outOfSpec';
  /** The measured parameters watched; absent or empty means every parameter. */
  parameters?: string[];
}

/** `count` events matching `eventType` on one equipment within `windowMs`. */
export interface CountInWindowRule extends AlarmRuleBase {
  kind: 'countInWindow';
  /** A type pattern (see shared/events/patterns), by default `quality.check.failed`. */
  eventType: string;
  count: number;
  windowMs: number;
}

/** No event matching `eventType` from an equipment for `timeoutMs` (checked on ticks). */
export interface AbsenceRule extends AlarmRuleBase {
  kind: 'absence';
  /** A type pattern, by default `equipment.telemetry.recorded`. */
  eventType: string;
  timeoutMs: number;
}

/** Equipment status `down` for longer than `durationMs` (checked on ticks). */
export interface DownTooLongRule extends AlarmRuleBase {
  kind: 'downTooLong';
  durationMs: number;
}

export type AlarmRule = ThresholdRule | OutOfSpecRule | CountInWindowRule | AbsenceRule | DownTooLongRule;

export const DEFAULT_COUNT_EVENT_TYPE = 'quality.check.failed';
export const DEFAULT_ABSENCE_EVENT_TYPE = 'equipment.telemetry.recorded';

const MINUTE = 60_000;

/** The rules a fresh install starts with, fitting the simulated plant. */
export const DEFAULT_ALARM_RULES: readonly AlarmRule[] = [
  {
    id: 'temperature-high', name: 'Temperature high', enabled: true, priority: 'HIGH', kind: 'threshold',
    field: 'temperature', comparator: 'above', limit: 85, deadband: 2, onDelayMs: 5_000, offDelayMs: 10_000,
  },
  {
    id: 'vibration-high', name: 'Vibration high', enabled: true, priority: 'HIGH', kind: 'threshold',
    field: 'vibration', comparator: 'above', limit: 7.1, deadband: 0.5, onDelayMs: 5_000, offDelayMs: 10_000,
  },
  { id: 'out-of-spec', name: 'Measurement out of specification', enabled: true, priority: 'NORMAL', kind: 'outOfSpec' },
  {
    id: 'quality-checks-failing', name: '3 failed quality checks in 10 minutes', enabled: true, priority: 'HIGH',
    kind: 'countInWindow', eventType: DEFAULT_COUNT_EVENT_TYPE, count: 3, windowMs: 10 * MINUTE,
  },
  {
    id: 'telemetry-missing', name: 'No telemetry for 60 seconds', enabled: true, priority: 'NORMAL',
    kind: 'absence', eventType: DEFAULT_ABSENCE_EVENT_TYPE, timeoutMs: MINUTE,
  },
  { id: 'down-too-long', name: 'Down for more than 15 minutes', enabled: true, priority: 'CRITICAL', kind: 'downTooLong', durationMs: 15 * MINUTE },
];

/** Whether a rule watches an equipment. */
export function ruleWatches(rule: AlarmRule, equipmentId: string): boolean {
  return rule.equipment === undefined || rule.equipment.length === 0 || rule.equipment.includes(equipmentId);
}

/** The alarm of a rule on an equipment. */
export function alarmIdOf(ruleId: string, equipmentId: string): string {
  return `${ruleId}:${equipmentId}`;
}

/** Splits an alarm id at its first `:` (rule ids never contain one); null when it has none. */
export function parseAlarmId(alarmId: string): { ruleId: string; equipmentId: string } | null {
  const at = alarmId.indexOf(':');
  if (at <= 0 || at === alarmId.length - 1) return null;
  return { ruleId: alarmId.slice(0, at), equipmentId: alarmId.slice(at + 1) };
}
