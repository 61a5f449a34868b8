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
 *
 * A B-tree index entry must fit in a third of a page (2,704 bytes), and the subject comes
 * from the payload with no length limit: PostgreSQL refused an event whose `equipmentId` was
 * 3,000 random characters, for ever. A column value longer than COLUMN_BYTES is therefore
 * kept as `"#sha256:` and the SHA-256 of its text: it ends in a hex digit, where an escaped
 * string ends in a quote, so it cannot pass for either other form.
 */
import { createHash } from 'node:crypto';
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

/** The longest column value kept as it is, in UTF-8 bytes: with the 200-character type it stays well inside an index entry. */
export const COLUMN_BYTES = 1_024;
const HASHED = '"#sha256:';

/** The value plain, or JSON-escaped when text cannot hold it plain (the form before long values were hashed). */
const escapedText = (value: string): string => (UNSAFE.test(value) || value.startsWith('"') ? JSON.stringify(value) : value);

/** A string as a filter column holds it (see above). */
export function columnText(value: string): string;
export function columnText(value: string | undefined): string | null;
export function columnText(value: string | undefined): string | null {
  if (value === undefined) return null;
  const text = escapedText(value);
  // Three bytes at most per UTF-16 unit: most values are settled without counting.
  if (text.length * 3 <= COLUMN_BYTES || Buffer.byteLength(text) <= COLUMN_BYTES) return text;
  return HASHED + createHash('sha256').update(text).digest('hex');
}

/**
 * The column values that stand for `value` in a lookup: its form, and for a long value also
 * the plain one, which a database written before long values were hashed may hold (when
 * PostgreSQL could compress it into the index).
 */
export function columnKeys(value: string): string[] {
  const text = columnText(value);
  return text.startsWith(HASHED) ? [text, escapedText(value)] : [text];
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
  return bodyWithPayload(event, JSON.stringify(event.payload));
}

/**
 * bodyOf with the payload's JSON made already (the appender makes it once for the body and
 * the free-text column) and, when given, the time's text (as JSON.stringify writes it: the
 * appender's time column uses it too): the very text JSON.stringify gives for the Body
 * object, member by member in its order.
 */
export function bodyWithPayload(event: PlantEvent, payloadJson: string, timestampJson = JSON.stringify(event.timestamp)): string {
  let out = `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"source":${JSON.stringify(event.source)},"timestamp":${timestampJson}`;
  out += `,"payload":${payloadJson},"priority":${JSON.stringify(event.priority)},"metadata":${JSON.stringify(event.metadata)}`;
  if (event.correlationId !== undefined) out += `,"correlationId":${JSON.stringify(event.correlationId)}`;
  if (event.causationId !== undefined) out += `,"causationId":${JSON.stringify(event.causationId)}`;
  return `${out}}`;
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
