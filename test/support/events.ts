/**
 * Test helpers for building valid events and delivery records. Deterministic where it
 * matters: timestamps count up from a fixed base unless a test gives its own.
 */
import type { JsonValue, PlantEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';
import type { DeliveryRecord } from '../../shared/store/eventStore';

/** 2024-01-01T00:00:00Z: far enough from "now" that no test depends on the clock. */
export const BASE_TIME = Date.UTC(2024, 0, 1);

let counter = 0;

type EventOverrides = { -readonly [K in keyof PlantEvent]?: PlantEvent[K] };

/** A valid PUBLISHED event; every field can be overridden. */
export function makeEvent(overrides: EventOverrides = {}): PlantEvent {
  counter += 1;
  return {
    id: newEventId(),
    type: 'equipment.status.changed',
    source: 'test',
    timestamp: BASE_TIME + counter * 1000,
    payload: { equipmentId: 'equip-1', status: 'running' },
    priority: 'NORMAL',
    status: 'PUBLISHED',
    metadata: {},
    ...overrides,
  };
}

/** `count` valid events, the i-th built by `overrides(i)`. */
export function makeEvents(count: number, overrides: (i: number) => EventOverrides = () => ({})): PlantEvent[] {
  return Array.from({ length: count }, (_, i) => makeEvent(overrides(i)));
}

/** An equipment event of the seed's kind about `equipmentId`. */
export function equipmentEvent(type: string, equipmentId: string, payload: Record<string, JsonValue> = {}, timestamp?: number): PlantEvent {
  return makeEvent({ type, payload: { equipmentId, ...payload }, ...(timestamp === undefined ? {} : { timestamp }) });
}

/** A delivery record with sensible defaults. */
export function makeDelivery(eventId: string, seq: number, subscriber: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return { eventId, seq, subscriber, status: 'PUBLISHED', attempts: 0, errors: [], updatedAt: BASE_TIME, ...overrides };
}
