/**
 * Browser entry of the store benchmark, bundled after test/support/storePageEntry.ts (which
 * provides the DexieEventStore through `window.__store.openInPage`). It exposes
 * `window.__bench`; every figure is timed here with performance.now(), so the cost of
 * driving the page from Node is not counted. The events are made in the page beforehand.
 */
import { subjectOf } from '../../../shared/events/event';
import type { PlantEvent, StoredEvent } from '../../../shared/events/event';
import type { StorePageApi } from '../../../test/support/browserPage';
import { telemetryEvents, telemetryValue } from '../workload';
import { addInTransactions, getRecord, openDatabase, readAllPaged, readStoreShape } from './rawIdb';
import type { RawDurability, StoreShape } from './rawIdb';

/** What the benchmark finds on `window.__bench`. */
export interface BenchPageApi {
  /** Makes `count` telemetry events in the page; returns their mean stored size in bytes. */
  prepare(count: number): { events: number; meanBytes: number };
  /** The Dexie store's `events` object store as IndexedDB reports it (from a probe database). */
  eventsShape(): Promise<StoreShape>;
  dexieAppend(dbName: string, perAppend: number): Promise<Timing>;
  dexieReplay(dbName: string): Promise<Timing & { sum: number }>;
  rawAppend(dbName: string, shape: StoreShape, perTransaction: number, durability: RawDurability): Promise<Timing>;
  packedAppend(dbName: string, perRecord: number, perTransaction: number, durability: RawDurability): Promise<Timing>;
  rawReadAll(dbName: string, pageSize: number): Promise<Timing>;
  /** Field names of the record at `seq` in each database's `events` store, for checking that both wrote the same shape. */
  recordFields(dbNames: readonly string[], seq: number): Promise<string[][]>;
}

export interface Timing {
  readonly events: number;
  readonly ms: number;
}

const pageGlobal = globalThis as unknown as { __store: StorePageApi; __bench: BenchPageApi };

let events: PlantEvent[] = [];

/**
 * The record the Dexie store writes for an event: the event, its seq, its subject and its
 * audit hash (a placeholder of the same length: the raw writer stores the bytes, it does not
 * compute the chain).
 */
const HASH_PLACEHOLDER = '0'.repeat(64);
function asStored(event: PlantEvent, seq: number): StoredEvent {
  const subject = subjectOf(event.payload);
  return subject === undefined ? { ...event, seq, hash: HASH_PLACEHOLDER } : { ...event, seq, subject, hash: HASH_PLACEHOLDER };
}

async function timed(count: number, work: () => Promise<unknown>): Promise<Timing> {
  const started = performance.now();
  await work();
  return { events: count, ms: performance.now() - started };
}

pageGlobal.__bench = {
  prepare(count) {
    events = telemetryEvents(count);
    const sample = events.slice(0, 1000);
    const bytes = sample.reduce((sum, event, i) => sum + JSON.stringify(asStored(event, i + 1)).length, 0);
    return { events: events.length, meanBytes: sample.length === 0 ? 0 : bytes / sample.length };
  },

  async eventsShape() {
    const probe = await pageGlobal.__store.openInPage('bench-schema-probe');
    await probe.close();
    return readStoreShape('bench-schema-probe', 'events');
  },

  async dexieAppend(dbName, perAppend) {
    const store = await pageGlobal.__store.openInPage(dbName);
    try {
      return await timed(events.length, async () => {
        for (let start = 0; start < events.length; start += perAppend) await store.append(events.slice(start, start + perAppend));
      });
    } finally {
      await store.close();
    }
  },

  async dexieReplay(dbName) {
    const store = await pageGlobal.__store.openInPage(dbName);
    try {
      let result = { count: 0, sum: 0 };
      const timing = await timed(0, async () => {
        const replayed = await store.replay({
          initial: { count: 0, sum: 0 },
          reducer: (state, event: StoredEvent) => {
            state.count += 1;
            state.sum += telemetryValue(event.payload);
            return state;
          },
        });
        result = replayed.state;
      });
      return { ...timing, events: result.count, sum: result.sum };
    } finally {
      await store.close();
    }
  },

  async rawAppend(dbName, shape, perTransaction, durability) {
    const db = await openDatabase(dbName, [shape]);
    try {
      return await timed(events.length, async () => {
        const records = events.map((event, i) => asStored(event, i + 1));
        await addInTransactions(db, shape.name, records, perTransaction, durability);
      });
    } finally {
      db.close();
    }
  },

  async packedAppend(dbName, perRecord, perTransaction, durability) {
    const db = await openDatabase(dbName, [{ name: 'packs', keyPath: null, autoIncrement: false, indexes: [] }]);
    try {
      return await timed(events.length, async () => {
        const packs: { first: number; events: StoredEvent[] }[] = [];
        for (let start = 0; start < events.length; start += perRecord) {
          const slice = events.slice(start, start + perRecord).map((event, i) => asStored(event, start + i + 1));
          packs.push({ first: start + 1, events: slice });
        }
        await addInTransactions(db, 'packs', packs, Math.max(1, Math.round(perTransaction / perRecord)), durability, (i) => i + 1);
      });
    } finally {
      db.close();
    }
  },

  async rawReadAll(dbName, pageSize) {
    const db = await openDatabase(dbName);
    try {
      let read = 0;
      const timing = await timed(0, async () => {
        read = await readAllPaged(db, 'events', pageSize);
      });
      return { ...timing, events: read };
    } finally {
      db.close();
    }
  },

  async recordFields(dbNames, seq) {
    const fields: string[][] = [];
    for (const name of dbNames) {
      const db = await openDatabase(name);
      try {
        const record = (await getRecord(db, 'events', seq)) as Record<string, unknown> | undefined;
        fields.push(Object.keys(record ?? {}).sort());
      } finally {
        db.close();
      }
    }
    return fields;
  },
};
