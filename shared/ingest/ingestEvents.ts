/**
 * The events ingest itself publishes. Both name the connection in `subject`
 * (`mqtt:<connection name>`) so that a query by subject lists one connection's history.
 *
 * - `ingest.connection.changed`: the MQTT connection moved to another state.
 * - `ingest.message.rejected`: a message that could not become an event. It is stored like
 *   any event, so the rejected messages are durable, listed next to the dead letters by a
 *   query on this type, and kept with a bounded excerpt of the raw body and the reason.
 */
import type { JsonObject } from '../events/event';

export const INGEST_CONNECTION_CHANGED = 'ingest.connection.changed';
export const INGEST_MESSAGE_REJECTED = 'ingest.message.rejected';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'error';
/** The reason of the final `disconnected` when the ingest is stopped on purpose (not an outage). */
export const INGEST_STOPPED_REASON = 'ingest stopped';

/**
 * Why a message was rejected: no rule for its topic, a body that is not UTF-8, one too large,
 * a body the rule cannot read (not JSON, not a number...), a payload field missing or of the
 * wrong kind, an event that fails the event model's validation, or Sparkplug B data that no
 * birth of its edge node defines (data before the birth, an unknown alias).
 */
export const REJECT_CODES = ['no-rule', 'bad-encoding', 'too-large', 'bad-body', 'bad-field', 'invalid-event', 'no-birth'] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

/** The longest body a message may have (the event model's payload limit). */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** How much of a rejected body is kept: characters of text, or bytes before base64. */
export const REJECT_EXCERPT_LIMIT = 1024;

export interface ConnectionChangedPayload extends JsonObject {
  subject: string;
  connection: string;
  /** The broker URL without credentials. */
  broker: string;
  state: ConnectionState;
  reason: string | null;
  /** Reconnection attempts since the last successful connection. */
  attempt: number;
  /** When the state is `disconnected` or `error`: the wait before the next attempt. */
  retryInMs: number | null;
}

export interface RejectedMessagePayload extends JsonObject {
  subject: string;
  origin: 'mqtt' | 'opcua';
  connection: string;
  topic: string;
  code: RejectCode;
  reason: string;
  /** The rule that matched the topic, when one did. */
  rule: string | null;
  bytes: number;
  excerpt: string;
  excerptEncoding: 'utf8' | 'base64';
  truncated: boolean;
  receivedAt: number;
}

export function connectionSubject(connection: string): string {
  return `mqtt:${connection}`;
}
