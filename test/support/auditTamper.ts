/**
 * Tampering with stored events behind a store's back, for the audit chain tests: straight in
 * the Dexie store's IndexedDB tables, or in the in-memory store's arrays. Test-only access to
 * private fields, on purpose: this is what an attacker with the files would do.
 */
import { PRIORITIES } from '../../shared/events/event';
import type { StoredEvent } from '../../shared/events/event';
import type { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import type { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import type { PlantDatabase } from '../../renderer/store-host/plantDatabase';
import { encodeEvent } from '../../renderer/store-host/segmentFormat';
import type { TamperWithEvent } from '../contract/eventStoreContract';

/**
 * Rewrites the event inside its segment row (null removes it) and the fields its summary
 * holds (type, source, timestamp, priority), then makes the store read its files again, as
 * a restart after the edit would.
 */
export function dexieTamper(store: () => DexieEventStore): TamperWithEvent {
  return async (seq, edit) => {
    const target = store();
    const { db } = target as unknown as { db: PlantDatabase };
    const current = await target.getBySeq(seq);
    const row = await db.segments.where('first').belowOrEqual(seq).last();
    const summary = row ? await db.summaries.get(row.first) : undefined;
    if (!current || !row || !summary) throw new Error(`tamper: no event ${seq}`);
    const next = edit(current);
    const at = seq - row.first;
    const events = [...row.events];
    events[at] = next ? encodeEvent(next) : null;
    await db.segments.put({ ...row, events });
    if (next) {
      const code = (names: readonly string[], name: string) => (names.includes(name) ? names.indexOf(name) : names.length);
      const types = [...summary.types];
      const sources = [...summary.sources];
      const typeCode = Uint8Array.from(summary.typeCode);
      const sourceCode = Uint8Array.from(summary.sourceCode);
      const ts = Float64Array.from(summary.ts);
      const prio = Uint8Array.from(summary.prio);
      typeCode[at] = code(types, next.type);
      if (typeCode[at] === types.length) types.push(next.type);
      sourceCode[at] = code(sources, next.source);
      if (sourceCode[at] === sources.length) sources.push(next.source);
      ts[at] = next.timestamp;
      prio[at] = PRIORITIES.indexOf(next.priority);
      await db.summaries.put({ ...summary, types, sources, typeCode, sourceCode, ts, prio });
    }
    await (target as unknown as { reload(): Promise<void> }).reload();
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
