/**
 * The event model shared by every process. Pure TypeScript: no I/O, no platform APIs.
 *
 * An event records something that happened. It is immutable once stored; only its
 * delivery `status` moves forward (PUBLISHED → DELIVERED → PROCESSED, or FAILED).
 */

export const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'CRITICAL'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const EVENT_STATUSES = ['CREATED', 'PUBLISHED', 'DELIVERED', 'PROCESSED', 'FAILED'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Each status's number where a store keeps statuses in a column: its index in EVENT_STATUSES. */
export const STATUS_CODE: Readonly<Record<EventStatus, number>> = Object.fromEntries(EVENT_STATUSES.map((status, i) => [status, i])) as Record<EventStatus, number>;

/** Higher rank is delivered first. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { LOW: 0, NORMAL: 1, HIGH: 2, CRITICAL: 3 };

/** How far along its life an event status is; a status never moves to a lower rank. */
export const STATUS_RANK: Readonly<Record<EventStatus, number>> = {
  CREATED: 0,
  PUBLISHED: 1,
  DELIVERED: 2,
  PROCESSED: 3,
  FAILED: 3,
};

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event as producers create it and as the bus carries it, before the store numbers it. */
export interface PlantEvent<P extends JsonValue = JsonValue> {
  /** UUIDv7: unique and ordered by creation time. */
  readonly id: string;
  /** `<domain>.<entity>.<action>` in the past tense, e.g. `equipment.status.changed`. */
  readonly type: string;
  /** The service or component that created the event. */
  readonly source: string;
  /** When it happened, in milliseconds since the Unix epoch. */
  readonly timestamp: number;
  readonly payload: P;
  readonly correlationId?: string;
  /** The id of the event that caused this one. */
  readonly causationId?: string;
  readonly priority: Priority;
  readonly status: EventStatus;
  readonly metadata: JsonObject;
}

/** An event as the store holds it: numbered by a gap-free global sequence. */
export interface StoredEvent<P extends JsonValue = JsonValue> extends PlantEvent<P> {
  readonly seq: number;
  /** The entity the event is about (e.g. `payload.equipmentId`), indexed for queries. */
  readonly subject?: string;
  /**
   * The audit chain's hash over the previous event's hash and this event's canonical form
   * (shared/audit/chain.ts). Every store sets it at append time.
   */
  readonly hash?: string;
}

/** Options a producer may give when it creates an event. */
export interface CreateEventOptions {
  readonly id?: string;
  readonly source?: string;
  readonly timestamp?: number;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly priority?: Priority;
  readonly metadata?: JsonObject;
}

/** Payload keys that name the entity an event is about, in the order they are tried. */
export const SUBJECT_KEYS = ['equipmentId', 'subject', 'orderId', 'lineId', 'alarmId'] as const;

/** The entity an event is about, taken from its payload; undefined when it names none. */
export function subjectOf(payload: JsonValue): string | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  for (const key of SUBJECT_KEYS) {
    const value = payload[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}
