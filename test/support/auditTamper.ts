/**
 * Tampering with stored events behind a store's back, for the audit chain tests: straight in
 * the Dexie store's IndexedDB tables, or in the in-memory store's arrays. Test-only access to
 * private fields, on purpose: this is what an attacker with the files would do.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import type { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import type { PlantDatabase } from '../../renderer/store-host/plantDatabase';
import { encodeEvent } from '../../renderer/store-host/segmentFormat';
import type { TamperWithEvent } from '../contract/eventStoreContract';

/** Rewrites the event's JSON inside its segment row (null removes it), then empties the store's segment cache. */
export function dexieTamper(store: () => DexieEventStore): TamperWithEvent {
  return async (seq, edit) => {
    const { db, cache } = store() as unknown as { db: PlantDatabase; cache: Map<number, unknown> };
    const row = await db.segments.where('first').belowOrEqual(seq).last();
    const text = row?.events[seq - row.first];
    if (!row || !text) throw new Error(`tamper: no event ${seq}`);
    const next = edit(JSON.parse(text) as StoredEvent);
    const events = [...row.events];
    events[seq - row.first] = next ? encodeEvent(next) : null;
    await db.segments.put({ ...row, events });
    cache.clear();
  };
}

export function inMemoryTamper(store: InMemoryEventStore): TamperWithEvent {
  return async (seq, edit) => {
    const { events } = store as unknown as { events: StoredEvent[] };
    const at = events.findIndex((event) => event.seq === seq);
    if (at < 0) throw new Error(`tamper: no event ${seq}`);
    const next = edit(events[at]!);
    if (next) events[at] = next;
    else events.splice(at, 1);
  };
}
