/**
 * The rejected-ingest list: messages that could not become events, kept as
 * `ingest.message.rejected` events in the store (durable, next to the dead letters),
 * newest first, each with its topic, reason code, reason and raw-body excerpt.
 */
import type { PublishInput } from '../../shared/events/validate';
import {
  connectionSubject,
  INGEST_MESSAGE_REJECTED,
  REJECT_EXCERPT_LIMIT,
  type RejectCode,
  type RejectedMessagePayload,
} from '../../shared/ingest/ingestEvents';
import type { EventPage, EventStore } from '../../shared/store/eventStore';

export interface RejectedMessage {
  readonly connection: string;
  readonly source: string;
  readonly topic: string;
  readonly raw: Buffer;
  readonly rule: string | null;
  readonly code: RejectCode;
  readonly reason: string;
  readonly receivedAt: number;
  /** Where the message came from (default MQTT) and the subject naming its connection. */
  readonly origin?: RejectedMessagePayload['origin'];
  readonly subject?: string;
}

/**
 * The event that keeps a rejected message. The excerpt is the start of the body as text
 * (at most REJECT_EXCERPT_LIMIT characters), or as base64 of its first bytes when the body
 * is not UTF-8; `truncated` says whether anything was cut.
 */
export function rejectedMessageEvent(message: RejectedMessage): PublishInput {
  const { raw } = message;
  const text = message.code === 'bad-encoding' ? null : raw.subarray(0, REJECT_EXCERPT_LIMIT * 4).toString('utf8');
  const excerpt = text === null ? raw.subarray(0, REJECT_EXCERPT_LIMIT).toString('base64') : text.slice(0, REJECT_EXCERPT_LIMIT);
  const truncated = text === null ? raw.length > REJECT_EXCERPT_LIMIT : text.length > REJECT_EXCERPT_LIMIT || raw.length > REJECT_EXCERPT_LIMIT * 4;
  const payload: RejectedMessagePayload = {
    subject: message.subject ?? connectionSubject(message.connection),
    origin: message.origin ?? 'mqtt',
    connection: message.connection,
    topic: message.topic.slice(0, 1024),
    code: message.code,
    reason: message.reason,
    rule: message.rule,
    bytes: raw.length,
    excerpt,
    excerptEncoding: text === null ? 'base64' : 'utf8',
    truncated,
    receivedAt: message.receivedAt,
  };
  return { type: INGEST_MESSAGE_REJECTED, payload, source: message.source, priority: 'HIGH', timestamp: message.receivedAt };
}

/** Rejected messages, newest first, a page at a time. */
export function listRejectedIngest(store: EventStore, page: { cursor?: string; limit?: number } = {}): Promise<EventPage> {
  return store.query({ types: [INGEST_MESSAGE_REJECTED], order: 'desc', limit: page.limit ?? 100, ...(page.cursor ? { cursor: page.cursor } : {}) });
}

export function countRejectedIngest(store: EventStore): Promise<number> {
  return store.count({ types: [INGEST_MESSAGE_REJECTED] });
}
