/**
 * Tampering with stored events behind a store's back, for the audit chain tests: straight in
 * the Dexie store's IndexedDB tables, or in the in-memory store's arrays. Test-only access to
 * private fields, on purpose: this is what an attacker with the files would do.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import type { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import type { PlantDatabase } from '../../renderer/store-host/plantDatabase';
import type { TamperWithEvent } from '../contract/eventStoreContract';

export function dexieTamper(store: () => DexieEventStore): TamperWithEvent {
  return async (seq, edit) => {
    const { db } = store() as unknown as { db: PlantDatabase };
    const current = await db.events.get(seq);
    if (!current) throw new Error(`tamper: no event ${seq}`);
    const next = edit(current);
    if (next) await db.events.put(next);
    else await db.events.delete(seq);
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
