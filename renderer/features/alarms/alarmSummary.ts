/** What the shell and the equipment board need to know of the alarms: counts to annunciate, and each equipment's alarms. Pure. */
import type { AlarmRule, AlarmState, AlarmStateName } from '../../../shared/domain/alarms';
import type { EquipmentState } from '../../../shared/domain/equipment';
import { PRIORITIES, PRIORITY_RANK, type Priority } from '../../../shared/events/event';

/** States that wait for an operator's acknowledgement. */
export const UNACKED_STATES: ReadonlySet<AlarmStateName> = new Set(['ACTIVE_UNACK', 'RTN_UNACK']);
/** States an equipment card shows as "in alarm". */
export const ANNUNCIATED_STATES: ReadonlySet<AlarmStateName> = new Set(['ACTIVE_UNACK', 'ACTIVE_ACK', 'RTN_UNACK']);

export type PriorityCounts = Readonly<Record<Priority, number>>;

/** Unacknowledged alarms per priority. */
export function unackedByPriority(alarms: readonly AlarmState[]): PriorityCounts {
  const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const a of alarms) if (UNACKED_STATES.has(a.state)) counts[a.priority] += 1;
  return counts;
}

/** Highest priority first, for showing counts. */
export const PRIORITIES_DOWN: readonly Priority[] = [...PRIORITIES].reverse();

export function totalOf(counts: PriorityCounts): number {
  return PRIORITIES.reduce((sum, p) => sum + counts[p], 0);
}

/** Each equipment's annunciated alarms, the highest priority (then the oldest raise) first. */
export function alarmsByEquipment(alarms: readonly AlarmState[]): Map<string, AlarmState[]> {
  const by = new Map<string, AlarmState[]>();
  for (const a of alarms) {
    if (!ANNUNCIATED_STATES.has(a.state)) continue;
    const list = by.get(a.equipmentId) ?? [];
    list.push(a);
    by.set(a.equipmentId, list);
  }
  for (const list of by.values()) list.sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || (a.raisedAt ?? 0) - (b.raisedAt ?? 0));
  return by;
}

/** How long an alarm has been in its episode (since it was raised), at `now`; null when it is not raised. */
export function alarmAge(alarm: AlarmState, now: number): number | null {
  return alarm.raisedAt === null ? null : Math.max(0, now - alarm.raisedAt);
}

/** What the unit of an alarm's value is: the telemetry field's (threshold) or the measured parameter's (out of spec), when the equipment's payloads named one. */
export function alarmUnit(alarm: AlarmState, rule: AlarmRule | undefined, equipment: EquipmentState | undefined): string | null {
  if (!equipment) return null;
  if (rule?.kind === 'threshold') return equipment.telemetryUnits?.[rule.field] ?? null;
  if (alarm.ruleKind !== 'outOfSpec') return null;
  const watched = rule?.kind === 'outOfSpec' && rule.parameters?.length ? rule.parameters : Object.keys(equipment.lastMeasurements);
  const units = new Set(watched.map((p) => equipment.lastMeasurements[p]?.unit).filter((u): u is string => typeof u === 'string'));
  return units.size === 1 ? ([...units][0] ?? null) : null;
}

export type AlarmColumn = 'priority' | 'state' | 'alarm' | 'equipment' | 'value' | 'since' | 'duration';

/** What an Active alarms column sorts by: priority by rank, times and durations as numbers, the rest as text. */
export function alarmSortValue(alarm: AlarmState, column: AlarmColumn, now: number): string | number | null {
  switch (column) {
    case 'priority': return PRIORITY_RANK[alarm.priority];
    case 'state': return alarm.state;
    case 'alarm': return alarm.ruleName;
    case 'equipment': return alarm.equipmentId;
    case 'value': return alarm.value;
    case 'since': return alarm.raisedAt ?? alarm.since;
    case 'duration': return alarmAge(alarm, now);
  }
}
