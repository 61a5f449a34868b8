/**
 * Events for the audit tests: a small plant's history with every priority, statuses moved
 * forward, correlation flows, and text that tests CSV quoting and formula neutralising.
 */
import type { JsonObject, PlantEvent, StoredEvent } from '../../shared/events/event';
import { applyEvent, EQUIPMENT_EVENT_TYPES, type EquipmentState } from '../../shared/domain/equipment';
import { stateHash } from '../../shared/domain/stateHash';
import type { EventStore } from '../../shared/store/eventStore';
import { BASE_TIME, makeEvents } from './events';

const TRICKY = ['=SUM(A1:A2)', '+1', '-2', '@cmd', '\tTab', "'quoted", 'comma, "quote"\nnew line', 'Grüße 温度 🏭', 'plain'];

export function auditHistory(count: number): PlantEvent[] {
  const types = ['equipment.status.changed', 'equipment.telemetry.recorded', 'quality.check.failed', 'alarm.raised', 'production.order.started'];
  const priorities = ['LOW', 'NORMAL', 'HIGH', 'CRITICAL'] as const;
  return makeEvents(count, (i) => ({
    type: types[i % types.length]!,
    source: i % 7 === 3 ? '=cmd|calc' : `line-${i % 3}`,
    priority: priorities[i % 4]!,
    timestamp: BASE_TIME + i * 1_000,
    payload: {
      equipmentId: `press-${i % 4}`,
      newStatus: ['running', 'idle', 'down'][i % 3]!,
      temperature: 20 + (i % 10) * 0.5,
      note: TRICKY[i % TRICKY.length]!,
      ...(i % 5 === 3 ? { alarmId: `alarm-${i}`, message: `Temperature high on press-${i % 4}` } : {}),
      ...(i % 5 === 4 ? { orderId: `order-${i}` } : {}),
    } as JsonObject,
    metadata: (i % 6 === 0 ? { operator: TRICKY[(i + 1) % TRICKY.length]! } : {}) as JsonObject,
    ...(i % 4 === 0 ? { correlationId: `flow-${i % 3}` } : {}),
  }));
}

/** Every equipment's state by replay, and its fingerprint. */
export async function equipmentStateHash(store: EventStore): Promise<{ hash: string; states: Record<string, EquipmentState> }> {
  const { state } = await store.replay<Record<string, EquipmentState>>({
    types: [...EQUIPMENT_EVENT_TYPES],
    initial: {},
    reducer: (states, event) => {
      if (event.subject !== undefined) states[event.subject] = applyEvent(states[event.subject], event);
      return states;
    },
  });
  return { hash: stateHash(state), states: state };
}

/** The fields of a stored event that an export and import keep (not seq, subject, hash, or the import mark). */
export function portable(event: StoredEvent): Omit<PlantEvent, 'metadata'> & { metadata: JsonObject } {
  const { seq: _seq, subject: _subject, hash: _hash, ...rest } = event;
  const { auditImport: _mark, ...metadata } = rest.metadata;
  return { ...rest, metadata };
}
