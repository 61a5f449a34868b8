/**
 * The stored form of an event, as both stores build it on append.
 */
import type { PlantEvent, StoredEvent } from '../events/event';

export type Numbered = { -readonly [K in keyof StoredEvent]: StoredEvent[K] };

/**
 * A new top-level object for a sealed event with its seq, subject and an empty hash to fill
 * in place. Written out member by member: V8 copies a frozen object by spread several times
 * slower, and the usual event (no correlation or causation id) gets one fixed shape.
 */
export function numberedCopy(event: PlantEvent, seq: number, subject: string | undefined): Numbered {
  if (event.correlationId !== undefined || event.causationId !== undefined) {
    return subject === undefined ? { ...event, seq, hash: '' } : { ...event, seq, subject, hash: '' };
  }
  const { id, type, source, timestamp, payload, priority, status, metadata } = event;
  return subject === undefined
    ? { id, type, source, timestamp, payload, priority, status, metadata, seq, hash: '' }
    : { id, type, source, timestamp, payload, priority, status, metadata, seq, subject, hash: '' };
}

