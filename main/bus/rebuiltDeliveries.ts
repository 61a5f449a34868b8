/**
 * Deliveries after the event store was rebuilt from the journal. The journal keeps the events,
 * not their delivery records, so a rebuilt store knows nothing of what a durable subscriber
 * (a process manager) had not yet acknowledged when the old store was lost. Rather than miss
 * those events, every subscriber is given again every event of its pattern in the rebuilt
 * history: delivery is at least once and subscribers are idempotent by event id, so what
 * they had handled already changes nothing. The records are written before the events are
 * queued, so a stop in the middle leaves them pending for the next start.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { DeliveryRecord, EventStore } from '../../shared/store/eventStore';

export interface Redelivery {
  readonly event: StoredEvent;
  readonly record: DeliveryRecord;
}

/** The rebuilt events (seq 1..`upToSeq`) of `pattern`, a page at a time, with their delivery records stored. */
export async function* redeliveriesAfterRebuild(store: EventStore, subscriber: string, pattern: string, upToSeq: number): AsyncGenerator<Redelivery[]> {
  const now = Date.now();
  let cursor: string | undefined;
  do {
    const page = await store.query({ types: [pattern], order: 'asc', limit: 500, ...(cursor ? { cursor } : {}) });
    const events = page.events.filter((event) => event.seq <= upToSeq);
    const records: DeliveryRecord[] = events.map((event) => ({ eventId: event.id, seq: event.seq, subscriber, status: 'PUBLISHED', attempts: 0, errors: [], updatedAt: now }));
    if (records.length > 0) await store.putDeliveries(records);
    if (events.length > 0) yield events.map((event, i) => ({ event, record: records[i] as DeliveryRecord }));
    cursor = events.length === page.events.length ? page.nextCursor : undefined;
  } while (cursor);
}
