/**
 * Browser entry of the store benchmark, bundled after test/support/storePageEntry.ts (which
 * provides the DexieEventStore through `window.__store.openInPage`). It exposes
 * `window.__bench`; every figure is timed here with performance.now(), so the cost of
 * driving the page from Node is not counted. The events are made in the page beforehand.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { GENESIS_HASH, storeHashOf } from '../../../shared/audit/chain';
import { useSha256HexOfText } from '../../../shared/audit/sha256';
import { subjectOf } from '../../../shared/events/event';
import { validatePlantEvent } from '../../../shared/events/validate';
import { numberedCopy } from '../../../shared/store/numbered';
import type { PlantEvent, StoredEvent } from '../../../shared/events/event';
import type { EventQuery, EventStore } from '../../../shared/store/eventStore';
import type { StorePageApi } from '../../../test/support/browserPage';
import { plantMixEvent, telemetryEvents, telemetryValue } from '../workload';
import { addInTransactions, getRecord, openDatabase, putGroupsInTransactions, readAllPaged, readStoreShape } from './rawIdb';
import type { RawDurability, RowGroup, StoreShape } from './rawIdb';
import { EventColumns } from '../../../renderer/store-host/eventColumns';
import { commitPacked, packEvents, SEGMENT_MAX_EVENTS } from '../../../renderer/store-host/segmentFormat';
import type { OpenSegment } from '../../../renderer/store-host/segmentFormat';

/** What the benchmark finds on `window.__bench`. */
export interface BenchPageApi {
  /** Makes `count` telemetry events in the page; returns their mean stored size in bytes. */
  prepare(count: number): { events: number; meanBytes: number };
  /** The Dexie store's `segments` and `summaries` object stores as IndexedDB reports them (from a probe database). */
  storeShapes(): Promise<StoreShape[]>;
  /** The SHA-256 the audit chain uses from now on in this page: shared/audit/sha256.ts's own, or @noble/hashes. */
  useSha256(which: 'own' | 'noble'): void;
  /** Appends the prepared events `perAppend` at a time with up to `inFlight` appends outstanding (group commit). */
  dexieAppend(dbName: string, perAppend: number, inFlight: number): Promise<Timing>;
  /** Appends `count` events of the mixed plant history (workload.ts), made chunk by chunk in the page. */
  seedMix(dbName: string, count: number, perAppend: number, inFlight: number): Promise<Timing>;
  /** Opens the store and answers the timeline's first query (newest 200); the time of both. */
  openToFirstQuery(dbName: string): Promise<{ ms: number; openMs: number; events: number; head: number }>;
  /** Times each query's first page on the store opened by openToFirstQuery. */
  timeQueries(queries: readonly EventQuery[]): Promise<{ ms: number; events: number }[]>;
  closeQueried(): Promise<void>;
  /** Raw IndexedDB reading the store's segment rows, 32 a getAll, and parsing every event: replay without the store's code. */
  segmentReadFloor(dbName: string): Promise<Timing>;
  dexieReplay(dbName: string): Promise<Timing & { sum: number }>;
  /** Raw IndexedDB writing the segment and summary rows the store writes for the same events, `perTransaction` events a transaction. */
  rawAppend(dbName: string, shapes: readonly StoreShape[], perTransaction: number, durability: RawDurability): Promise<Timing>;
  /**
   * The same raw writes, with the per-event work every append needs timed too (checking each
   * event, numbering it, its audit hash, packing the rows): the store without Dexie or its
   * write queue. Transactions go one after another, `perTransaction` events each.
   */
  rawAppendWithEventWork(dbName: string, shapes: readonly StoreShape[], perTransaction: number, durability: RawDurability): Promise<Timing>;
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
let queried: EventStore | undefined;

/** Appends `total` events made by `make`, `perAppend` at a time, with up to `inFlight` appends outstanding. */
async function appendConcurrently(store: EventStore, total: number, make: (from: number, count: number) => PlantEvent[], perAppend: number, inFlight: number): Promise<void> {
  const running = new Set<Promise<unknown>>();
  for (let from = 0; from < total; from += perAppend) {
    const append = store.append(make(from, Math.min(perAppend, total - from)));
    running.add(append);
    void append.then(() => running.delete(append), () => undefined);
    if (running.size >= inFlight) await Promise.race(running);
  }
  await Promise.all(running);
}

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

/**
 * The rows the store writes for `stored` when it is appended `perTransaction` events at a
 * time: each group rewrites the open tail segment and adds new ones, with their summaries.
 */
function segmentRowGroups(stored: readonly StoredEvent[], perTransaction: number): RowGroup[] {
  const columns = new EventColumns();
  let tail: OpenSegment | undefined;
  const groups: RowGroup[] = [];
  for (let start = 0; start < stored.length; start += perTransaction) {
    const batch = stored.slice(start, start + perTransaction);
    const packed = packEvents(columns, tail, batch);
    commitPacked(columns, packed, batch.length);
    tail = packed.tail;
    groups.push([
      { store: 'segments', records: packed.segments },
      { store: 'summaries', records: packed.summaries },
    ]);
  }
  return groups;
}

async function timed(count: number, work: () => Promise<unknown>): Promise<Timing> {
  const started = performance.now();
  await work();
  return { events: count, ms: performance.now() - started };
}

const nobleSha256HexOfText = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

pageGlobal.__bench = {
  useSha256(which) {
    useSha256HexOfText(which === 'noble' ? nobleSha256HexOfText : undefined);
  },

  prepare(count) {
    events = telemetryEvents(count);
    const sample = events.slice(0, 1000);
    const bytes = sample.reduce((sum, event, i) => sum + JSON.stringify(asStored(event, i + 1)).length, 0);
    return { events: events.length, meanBytes: sample.length === 0 ? 0 : bytes / sample.length };
  },

  async storeShapes() {
    const probe = await pageGlobal.__store.openInPage('bench-schema-probe');
    await probe.close();
    return [await readStoreShape('bench-schema-probe', 'segments'), await readStoreShape('bench-schema-probe', 'summaries')];
  },

  async dexieAppend(dbName, perAppend, inFlight) {
    const store = await pageGlobal.__store.openInPage(dbName);
    try {
      return await timed(events.length, () => appendConcurrently(store, events.length, (from, count) => events.slice(from, from + count), perAppend, inFlight));
    } finally {
      await store.close();
    }
  },

  async seedMix(dbName, count, perAppend, inFlight) {
    const store = await pageGlobal.__store.openInPage(dbName);
    try {
      const make = (from: number, n: number) => Array.from({ length: n }, (_, k) => plantMixEvent(from + k));
      return await timed(count, () => appendConcurrently(store, count, make, perAppend, inFlight));
    } finally {
      await store.close();
    }
  },

  async openToFirstQuery(dbName) {
    await queried?.close();
    const started = performance.now();
    queried = await pageGlobal.__store.openInPage(dbName);
    const openMs = performance.now() - started;
    const page = await queried.query({ order: 'desc', limit: 200 });
    return { ms: performance.now() - started, openMs, events: page.events.length, head: await queried.headSeq() };
  },

  async timeQueries(queries) {
    const store = queried;
    if (!store) throw new Error('timeQueries: call openToFirstQuery first');
    const times: { ms: number; events: number }[] = [];
    for (const query of queries) {
      const started = performance.now();
      const page = await store.query(query);
      times.push({ ms: performance.now() - started, events: page.events.length });
    }
    return times;
  },

  async segmentReadFloor(dbName) {
    const db = await openDatabase(dbName);
    try {
      let read = 0;
      let sum = 0;
      const timing = await timed(0, async () => {
        let after = 0;
        for (;;) {
          const tx = db.transaction('segments', 'readonly');
          const rows = await new Promise<{ first: number; events: string[] }[]>((resolve, reject) => {
            const request = tx.objectStore('segments').getAll((globalThis as unknown as { IDBKeyRange: { lowerBound(n: number, open: boolean): unknown } }).IDBKeyRange.lowerBound(after, true), 32);
            request.onsuccess = () => resolve(request.result as { first: number; events: string[] }[]);
            request.onerror = () => reject(request.error);
          });
          if (rows.length === 0) break;
          for (const row of rows) for (const text of row.events) { sum += telemetryValue((JSON.parse(text) as StoredEvent).payload); read += 1; }
          after = rows[rows.length - 1]!.first;
        }
      });
      if (!Number.isFinite(sum)) throw new Error('segmentReadFloor: the readings do not add up');
      return { ...timing, events: read };
    } finally {
      db.close();
    }
  },

  async closeQueried() {
    await queried?.close();
    queried = undefined;
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

  async rawAppend(dbName, shapes, perTransaction, durability) {
    const groups = segmentRowGroups(events.map((event, i) => asStored(event, i + 1)), perTransaction);
    const db = await openDatabase(dbName, shapes);
    try {
      return await timed(events.length, () => putGroupsInTransactions(db, groups, durability));
    } finally {
      db.close();
    }
  },

  async rawAppendWithEventWork(dbName, shapes, perTransaction, durability) {
    const db = await openDatabase(dbName, shapes);
    try {
      return await timed(events.length, async () => {
        const columns = new EventColumns();
        let tail: OpenSegment | undefined;
        let prevHash = GENESIS_HASH;
        for (let start = 0; start < events.length; start += perTransaction) {
          const batch = events.slice(start, start + perTransaction).map((input, i) => {
            const event = validatePlantEvent(input);
            const stored = numberedCopy(event, start + i + 1, subjectOf(event.payload));
            stored.hash = prevHash = storeHashOf(prevHash, stored);
            return stored as StoredEvent;
          });
          const packed = packEvents(columns, tail, batch);
          commitPacked(columns, packed, batch.length);
          tail = packed.tail;
          await putGroupsInTransactions(db, [[{ store: 'segments', records: packed.segments }, { store: 'summaries', records: packed.summaries }]], durability);
        }
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
        read = await readAllPaged(db, 'segments', Math.max(1, Math.round(pageSize / SEGMENT_MAX_EVENTS)), 'first');
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
        const record = (await getRecord(db, 'segments', seq)) as Record<string, unknown> | undefined;
        fields.push(Object.keys(record ?? {}).sort());
      } finally {
        db.close();
      }
    }
    return fields;
  },
};
