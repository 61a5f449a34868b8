/**
 * An event on the plant stream, both ways. Out: the event as it was created (no local seq,
 * hash, subject or delivery status), as JSON, with the station in a header. In: the message
 * checked as an event by the same rules as any input from outside (shared/events/validate.ts),
 * in place as JSON.parse made it (shared/events/parsedEvent.ts) with the full check behind; its subject
 * must be `plant.<its type>`; it keeps where it came from in `metadata.plant`. A message
 * that is not a valid event becomes the payload of a `plant.message.rejected` event whose id
 * and time come from the stream message, so that a redelivery stores it once.
 */
import { canonicalJson } from '../../shared/audit/canonical';
import { derivedEventId } from '../../shared/events/derivedId';
import type { JsonObject, JsonValue, PlantEvent, StoredEvent } from '../../shared/events/event';
import { ORIGIN_KEY, type PlantOrigin } from '../../shared/events/plantOrigin';
import { sealEvent, sealParsedEvent } from '../../shared/events/sealed';
import type { PublishInput } from '../../shared/events/validate';
import { MAX_MESSAGE_BYTES, subjectOf } from './plantStream';

export const PLANT_MESSAGE_REJECTED = 'plant.message.rejected';
export const STATION_HEADER = 'Plant-Station';
const EXCERPT_CHARS = 1024;
/** What the stream says about a message, besides its body. */
export interface MessageMeta {
  readonly subject: string;
  readonly streamSeq: number;
  /** When the stream stored it (ms). */
  readonly storedAt: number;
  /** The station that published it, from its header; null when the header is missing. */
  readonly station: string | null;
}

export type Decoded =
  | { readonly ok: true; readonly event: PlantEvent }
  | { readonly ok: false; readonly code: RejectCode; readonly reason: string };

export type RejectCode = 'too-large' | 'bad-encoding' | 'not-json' | 'invalid-event' | 'subject-mismatch' | 'id-conflict' | 'store-refused';

/** The message body for an event this station made: the event as created, as JSON. */
export function encodeEvent(event: StoredEvent | PlantEvent): Uint8Array {
  // A Buffer (from Node's pool for small bodies) costs less to make than TextEncoder's array, and compares at once (echoes.ts).
  return Buffer.from(JSON.stringify(portable(event)), 'utf8');
}

/** The event without what each store adds or changes (seq, hash, subject, status, and the receiving side's origin). */
function portable(event: PlantEvent): Record<string, JsonValue> {
  // Copied only to leave the origin out: what the station sends has none.
  let metadata = event.metadata;
  if (Object.hasOwn(metadata, ORIGIN_KEY)) {
    metadata = { ...metadata };
    delete metadata[ORIGIN_KEY];
  }
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    timestamp: event.timestamp,
    payload: event.payload,
    ...(event.correlationId !== undefined ? { correlationId: event.correlationId } : {}),
    ...(event.causationId !== undefined ? { causationId: event.causationId } : {}),
    priority: event.priority,
    metadata,
  };
}

/** True when two copies of an event (same id) say the same thing, whatever each store added. */
export function sameContent(a: PlantEvent, b: PlantEvent): boolean {
  return canonicalJson(portable(a)) === canonicalJson(portable(b));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A stream message as an event with its origin, or why it is not one. */
export function decodeMessage(data: Uint8Array, meta: MessageMeta): Decoded {
  if (data.length > MAX_MESSAGE_BYTES) return { ok: false, code: 'too-large', reason: `the message has ${data.length} bytes, more than the ${MAX_MESSAGE_BYTES} an event may have` };
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    return { ok: false, code: 'bad-encoding', reason: 'the message is not UTF-8 text' };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'not-json', reason: `the message is not JSON (${(error as Error).message})` };
  }
  // The common case, checked in place (shared/events/parsedEvent.ts); anything else takes the full check, which says what is wrong.
  const origin: PlantOrigin = { station: meta.station ?? 'unknown', streamSeq: meta.streamSeq };
  const event = sealParsedEvent(body, 'PUBLISHED', ORIGIN_KEY, origin);
  if (event) return withSubject(event, meta);
  // The quick check may have changed the body before it gave up: the full check reads the text afresh.
  return checkFully(JSON.parse(text) as unknown, meta);
}

/** The event `body` holds, checked as validatePlantEvent checks any input from outside; or why it is not one. */
export function checkFully(body: unknown, meta: MessageMeta): Decoded {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, code: 'invalid-event', reason: 'the message is not a JSON object' };
  const fields = body as Record<string, unknown>;
  const metadata = fields.metadata;
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    return { ok: false, code: 'invalid-event', reason: 'metadata: must be an object' };
  }
  const origin: PlantOrigin = { station: meta.station ?? 'unknown', streamSeq: meta.streamSeq };
  let event: PlantEvent;
  try {
    event = sealEvent({ ...fields, status: 'PUBLISHED', metadata: { ...(metadata as object | undefined), [ORIGIN_KEY]: origin } }, 'PUBLISHED');
  } catch (error) {
    return { ok: false, code: 'invalid-event', reason: (error as Error).message };
  }
  return withSubject(event, meta);
}

function withSubject(event: PlantEvent, meta: MessageMeta): Decoded {
  if (meta.subject !== subjectOf(event.type)) {
    return { ok: false, code: 'subject-mismatch', reason: `the message came on ${meta.subject.slice(0, 200)} but holds an event of type ${event.type}` };
  }
  return { ok: true, event };
}

/** The event that keeps a message the link could not take, with the reason and the start of the body. */
export function rejectedEvent(data: Uint8Array, meta: MessageMeta, code: RejectCode, reason: string, stream: string): PublishInput {
  const text = Buffer.from(data.subarray(0, EXCERPT_CHARS * 4)).toString('utf8');
  const payload: JsonObject = {
    subject: `plant-link:${stream}`,
    stream,
    streamSeq: meta.streamSeq,
    messageSubject: meta.subject.slice(0, 300),
    fromStation: meta.station === null ? null : meta.station.slice(0, 100),
    code,
    reason: reason.slice(0, 1000),
    bytes: data.length,
    excerpt: text.slice(0, EXCERPT_CHARS),
    truncated: data.length > EXCERPT_CHARS,
  };
  return {
    // From the stream message alone, so every station (and every redelivery) derives the same event.
    id: derivedEventId(`${PLANT_MESSAGE_REJECTED}|${stream}|${meta.streamSeq}`, meta.storedAt),
    type: PLANT_MESSAGE_REJECTED,
    source: 'plant-link',
    priority: 'HIGH',
    timestamp: meta.storedAt,
    payload,
  };
}
