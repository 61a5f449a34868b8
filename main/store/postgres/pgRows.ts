/**
 * Events and records to and from the PostgreSQL store's rows. The event's immutable part is
 * kept as exact JSON text (`body`), so it reads back exactly as it was appended and hashes
 * the same in every store; the other columns are there to be filtered on.
 *
 * PostgreSQL text cannot hold a NUL character, and the driver would turn a lone surrogate
 * into U+FFFD. A filter column holding such a string (source, subject, correlation id come
 * from outside) keeps it JSON-escaped instead, and so does a string that begins with a
 * double quote, so that no plain string can pass for an escaped one. Lookups escape the
 * same way, and `body` always has the exact value.
 */
import { EVENT_STATUSES, PRIORITIES, STATUS_CODE, subjectOf } from '../../../shared/events/event';
import type { EventStatus, JsonObject, JsonValue, PlantEvent, StoredEvent } from '../../../shared/events/event';

/** The columns every event read selects (with the status moved on, when it moved). */
export const EVENT_COLUMNS = 'e.seq, coalesce(s.status, e.status0) AS status, e.hash, e.body';
export const EVENT_FROM = 'plant_events e LEFT JOIN event_status s ON s.seq = e.seq';

export interface EventRow {
  readonly seq: string | number;
  readonly status: number;
  readonly hash: string;
  readonly body: string;
}

const UNSAFE = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string as a filter column holds it (see above). */
export function columnText(value: string): string;
export function columnText(value: string | undefined): string | null;
export function columnText(value: string | undefined): string | null {
  if (value === undefined) return null;
  return UNSAFE.test(value) || value.startsWith('"') ? JSON.stringify(value) : value;
}

interface Body {
  id: string;
  type: string;
  source: string;
  timestamp: number;
  payload: JsonValue;
  priority: PlantEvent['priority'];
  metadata: JsonObject;
  correlationId?: string;
  causationId?: string;
}

/** The immutable part of an event as stored. */
export function bodyOf(event: PlantEvent): string {
  const body: Body = {
    id: event.id, type: event.type, source: event.source, timestamp: event.timestamp,
    payload: event.payload, priority: event.priority, metadata: event.metadata,
  };
  if (event.correlationId !== undefined) body.correlationId = event.correlationId;
  if (event.causationId !== undefined) body.causationId = event.causationId;
  return JSON.stringify(body);
}

/** The lowercased payload text that free-text queries search, as the other stores search it. */
export function payloadText(event: PlantEvent): string {
  return JSON.stringify(event.payload).toLowerCase();
}

export const priorityCode = (priority: PlantEvent['priority']): number => PRIORITIES.indexOf(priority);
export const statusCode = (status: EventStatus): number => STATUS_CODE[status];

/** The stored event a row holds; its subject is derived from the payload, as at the append. */
export function eventOf(row: EventRow): StoredEvent {
  const body = JSON.parse(row.body) as Body;
  const event: Record<string, unknown> = { ...body, status: EVENT_STATUSES[row.status], seq: Number(row.seq), hash: row.hash };
  const subject = subjectOf(body.payload);
  if (subject !== undefined) event.subject = subject;
  return event as unknown as StoredEvent;
}
