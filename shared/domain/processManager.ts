/**
 * The quality-hold process manager: when a count-in-window quality alarm is raised for an
 * equipment (three failed checks within ten minutes, by default), it asks for a hold of
 * that equipment and schedules its maintenance.
 *
 * It reacts to the `alarm.raised` event rather than to the counted events themselves, so
 * that the count, window, enabling and equipment filter live in one place (the rule) and
 * shelving, suppression or out-of-service of the alarm also keeps the process quiet.
 * Pure: `decideQualityHold` returns drafts to publish and the next state, which remembers
 * the trigger ids already handled (the last QUALITY_HOLD_MEMORY), so a trigger delivered
 * again yields nothing.
 */
import type { PlantEvent } from '../events/event';
import { matchesPattern } from '../events/patterns';
import type { EventDraft } from './alarms/lifecycle';
import type { AlarmRule } from './alarms/rules';

export const QUALITY_HOLD_MEMORY = 1000;
export const HOLD_REQUESTED = 'equipment.hold.requested';
export const MAINTENANCE_SCHEDULED = 'maintenance.scheduled';

export interface QualityHoldState {
  /** Ids of the trigger events handled, oldest first. */
  handled: string[];
}

export interface QualityHoldOptions {
  /** The rules whose alarms trigger a hold; by default every countInWindow rule. See `qualityHoldRuleIds`. */
  ruleIds?: readonly string[];
  /** How many trigger ids to remember (default QUALITY_HOLD_MEMORY). */
  memory?: number;
  /** How long after the trigger the maintenance is due (default 0: now). */
  maintenanceLeadMs?: number;
}

export type QualityHoldTrigger = Pick<PlantEvent, 'id' | 'type' | 'timestamp' | 'payload'> & { readonly correlationId?: string };

export interface QualityHoldDecision {
  state: QualityHoldState;
  drafts: EventDraft[];
}

export function initialQualityHoldState(): QualityHoldState {
  return { handled: [] };
}

/** The ids of the countInWindow rules that count `quality.*` events: the usual `ruleIds` option. */
export function qualityHoldRuleIds(rules: readonly AlarmRule[]): string[] {
  return rules.filter((rule) => rule.kind === 'countInWindow' && matchesPattern(rule.eventType, 'quality.check.failed')).map((rule) => rule.id);
}

export function decideQualityHold(state: QualityHoldState, event: QualityHoldTrigger, options: QualityHoldOptions = {}): QualityHoldDecision {
  const nothing = { state, drafts: [] };
  if (event.type !== 'alarm.raised' || state.handled.includes(event.id)) return nothing;
  const payload = event.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return nothing;
  const { equipmentId, ruleId, ruleKind, alarmId, ruleName } = payload;
  if (typeof equipmentId !== 'string' || equipmentId.length === 0 || typeof ruleId !== 'string' || ruleKind !== 'countInWindow') return nothing;
  if (options.ruleIds !== undefined && !options.ruleIds.includes(ruleId)) return nothing;

  const memory = Math.max(1, options.memory ?? QUALITY_HOLD_MEMORY);
  const handled = [...state.handled, event.id].slice(-memory);
  const reason = typeof ruleName === 'string' ? ruleName : ruleId;
  const links = { correlationId: event.correlationId ?? event.id, causationId: event.id };
  const about = { equipmentId, alarmId: typeof alarmId === 'string' ? alarmId : `${ruleId}:${equipmentId}`, ruleId, triggerEventId: event.id };
  return {
    state: { handled },
    drafts: [
      { type: HOLD_REQUESTED, timestamp: event.timestamp, priority: 'HIGH', payload: { ...about, reason, requestedBy: 'quality-hold' }, ...links },
      {
        type: MAINTENANCE_SCHEDULED, timestamp: event.timestamp, priority: 'HIGH',
        payload: { ...about, maintenanceId: `quality-hold-${event.id}`, kind: 'inspection', reason, scheduledFor: event.timestamp + (options.maintenanceLeadMs ?? 0) },
        ...links,
      },
    ],
  };
}
