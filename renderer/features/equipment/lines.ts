/**
 * Grouping equipment by production line. The state does not carry the line; the events do
 * (`payload.lineId`), so the board reads the line of each equipment from recent events.
 * Pure helpers.
 */
import type { EquipmentState } from '../../../shared/domain/equipment';
import type { StoredEvent } from '../../../shared/events/event';

export const NO_LINE = 'No line reported';

/** equipmentId → lineId, from events whose payload names both. */
export function linesFromEvents(events: readonly StoredEvent[], into = new Map<string, string>()): Map<string, string> {
  for (const event of events) {
    const p = event.payload;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
    if (typeof p.equipmentId === 'string' && typeof p.lineId === 'string' && p.lineId && !into.has(p.equipmentId)) into.set(p.equipmentId, p.lineId);
  }
  return into;
}

export interface LineGroup {
  readonly lineId: string;
  readonly states: EquipmentState[];
}

/** Groups by line (lines in name order, the unknown line last), equipment by id within a line. */
export function groupByLine(states: readonly EquipmentState[], lines: ReadonlyMap<string, string>): LineGroup[] {
  const groups = new Map<string, EquipmentState[]>();
  for (const state of states) {
    const own = (state as unknown as { lineId?: unknown }).lineId;
    const lineId = (typeof own === 'string' && own) || (state.equipmentId ? lines.get(state.equipmentId) : undefined) || NO_LINE;
    const list = groups.get(lineId) ?? [];
    list.push(state);
    groups.set(lineId, list);
  }
  const order = (a: string, b: string) => (a === NO_LINE ? 1 : b === NO_LINE ? -1 : a.localeCompare(b, 'en', { numeric: true }));
  return [...groups.keys()].sort(order).map((lineId) => ({
    lineId,
    states: (groups.get(lineId) ?? []).sort((a, b) => (a.equipmentId ?? '').localeCompare(b.equipmentId ?? '', 'en', { numeric: true })),
  }));
}
