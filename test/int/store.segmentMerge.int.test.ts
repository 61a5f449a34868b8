// The Dexie store writes each append's events once, as segments of their own, and merges
// small segments afterwards in its write queue (renderer/store-host/segmentMerge.ts). These
// tests hold it to that: what an append writes, the layout merges leave, an interrupted
// merge, reads running while merges commit, and a store whose last segment is an open tail
// written by the earlier layout (which rewrote the tail on every append).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { AUDIT_HEAD_KEY, PlantDatabase } from '../../renderer/store-host/plantDatabase';
import { commitPacked, packEvents, SEGMENT_MAX_EVENTS } from '../../renderer/store-host/segmentFormat';
import type { OpenSegment, SegmentRow } from '../../renderer/store-host/segmentFormat';
import { EventColumns } from '../../renderer/store-host/eventColumns';
import { storeHashOf, GENESIS_HASH } from '../../shared/audit/chain';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import { subjectOf } from '../../shared/events/event';
import type { StoredEvent } from '../../shared/events/event';
import { numberedCopy } from '../../shared/store/numbered';
import { pages } from '../../shared/store/readAll';
import { makeEvents } from '../support/events';

async function readAll(store: DexieEventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const page of pages(store, {})) all.push(...page);
  return all;
}

const freshDeps = () => ({ indexedDB: new IDBFactory(), IDBKeyRange });
const dbOf = (store: DexieEventStore) => (store as unknown as { db: PlantDatabase }).db;

/** Counts the events in every segment row the store puts, from now on. */
function countSegmentWrites(db: PlantDatabase): { events: number } {
  const written = { events: 0 };
  const table = db.segments;
  const put = table.put.bind(table);
  const bulkPut = table.bulkPut.bind(table);
  table.put = ((row: SegmentRow, ...rest: []) => ((written.events += row.events.length), put(row, ...rest))) as typeof table.put;
  table.bulkPut = ((rows: readonly SegmentRow[], ...rest: []) => ((written.events += rows.reduce((sum, row) => sum + row.events.length, 0)), bulkPut(rows, ...rest))) as typeof table.bulkPut;
  return written;
}

async function segmentSizes(db: PlantDatabase): Promise<number[]> {
  return (await db.segments.toArray()).map((row) => row.events.length);
}

describe('DexieEventStore: appends write only their own events', () => {
  it('writes each event at most twice over 600 one-event appends, and leaves full segments behind the newest', async () => {
    const store = await DexieEventStore.open('plant-merge', freshDeps());
    const written = countSegmentWrites(dbOf(store));
    const appended: StoredEvent[] = [];
    for (const event of makeEvents(600)) appended.push(...(await store.append([event])));
    // The earlier layout rewrote the open tail on every append: about 64 writes per event here.
    expect(written.events).toBeLessThanOrEqual(2 * 600);
    const sizes = await segmentSizes(dbOf(store));
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(600);
    const full = Math.floor(600 / SEGMENT_MAX_EVENTS);
    expect(sizes.slice(0, full)).toEqual(Array(full).fill(SEGMENT_MAX_EVENTS));
    expect(sizes.length - full).toBeLessThanOrEqual(600 - full * SEGMENT_MAX_EVENTS);
    expect((await readAll(store)).map((event) => event.id)).toEqual(appended.map((event) => event.id));
    await store.close();
  });

  it('merges in the appends\' own transactions: 600 one-event appends, 600 write transactions', async () => {
    const store = await DexieEventStore.open('plant-merge-transactions', freshDeps());
    const db = dbOf(store);
    let writes = 0;
    const transaction = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
    (db as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args: unknown[]) => {
      if (String(args[0]).startsWith('rw')) writes += 1;
      return transaction(...args);
    };
    for (const event of makeEvents(600)) await store.append([event]);
    // A transaction costs the store host about 3 ms of CPU whatever it holds: a merge of its own cost one more.
    expect(writes).toBe(600);
    expect((await segmentSizes(db)).slice(0, 4)).toEqual(Array(4).fill(SEGMENT_MAX_EVENTS));
    await store.close();
  });

  it('keeps every event, hash, status and text match across merges and a reopen, and the chain verifies', async () => {
    const deps = freshDeps();
    let store = await DexieEventStore.open('plant-merge-reopen', deps);
    const appended: StoredEvent[] = [];
    for (let i = 0; i < 90; i++) {
      const events = makeEvents(1 + (i % 7), (k) => ({ payload: { reading: i * 10 + k, ...(i === 41 && k === 0 ? { note: 'Merge-Needle' } : {}) } }));
      appended.push(...(await store.append(events)));
      if (i % 9 === 0) await store.updateStatuses([{ eventId: appended[appended.length - 1]!.id, status: 'PROCESSED' }]);
    }
    const before = await readAll(store);
    expect(before.map((event) => event.hash)).toEqual(appended.map((event) => event.hash));
    expect(before.filter((event) => event.status === 'PROCESSED')).toHaveLength(10);
    const needle = (await store.query({ text: 'merge-needle' })).events.map((event) => event.seq);
    expect(needle).toHaveLength(1);
    await store.close();
    store = await DexieEventStore.open('plant-merge-reopen', deps);
    expect(await readAll(store)).toEqual(before);
    expect((await store.query({ text: 'merge-needle' })).events.map((event) => event.seq)).toEqual(needle);
    await store.append(makeEvents(3));
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: appended.length + 3 });
    await store.close();
  });
});

describe('DexieEventStore: an interrupted merge', () => {
  it('leaves the small segments readable, the store opens with every event, and the merge is done after a later append', async () => {
    const deps = freshDeps();
    const store = await DexieEventStore.open('plant-merge-fail', deps);
    const db = dbOf(store);
    const bulkDelete = db.summaries.bulkDelete.bind(db.summaries);
    let failures = 0;
    db.summaries.bulkDelete = ((keys: number[]) => {
      if (failures++ === 0) return Promise.reject(new Error('disk gone while merging'));
      return bulkDelete(keys);
    }) as typeof db.summaries.bulkDelete;
    const appended: StoredEvent[] = [];
    // 40 appends of 4 events: the first run of parts closes at the 33rd, and its merge fails.
    for (let i = 0; i < 40; i++) appended.push(...(await store.append(makeEvents(4))));
    expect(failures).toBeGreaterThanOrEqual(1);
    expect((await readAll(store)).map((event) => event.id)).toEqual(appended.map((event) => event.id));
    const reopened = await DexieEventStore.open('plant-merge-fail', deps);
    expect((await readAll(reopened)).map((event) => event.hash)).toEqual(appended.map((event) => event.hash));
    expect(await verifyStoreChain(reopened)).toMatchObject({ ok: true, events: 160 });
    await reopened.close();
    expect((await segmentSizes(db))[0]).toBe(SEGMENT_MAX_EVENTS);
    await store.close();
  });
});

/** Holds every range read of `segments` until `gate` resolves (the reader reads a run of rows with one). */
function holdRangeReads(db: PlantDatabase, gate: Promise<void>): { held: number } {
  const held = { held: 0 };
  const table = db.segments;
  const where = table.where.bind(table);
  table.where = ((index: string) => {
    const clause = where(index);
    const between = clause.between.bind(clause);
    clause.between = (...range: Parameters<typeof between>) => {
      const collection = between(...range);
      const toArray = collection.toArray.bind(collection);
      collection.toArray = (async () => {
        held.held += 1;
        await gate;
        return toArray();
      }) as typeof collection.toArray;
      return collection;
    };
    return clause;
  }) as typeof table.where;
  return held;
}

describe('DexieEventStore: reads while merges commit', () => {
  it('finds an event whose segment row a merge deleted after the read was planned and before it ran', async () => {
    const deps = freshDeps();
    let store = await DexieEventStore.open('plant-merge-reads', deps);
    const parts: StoredEvent[] = [];
    for (let i = 0; i < 10; i++) parts.push(...(await store.append(makeEvents(4))));
    await store.close();
    // Reopened, the ten parts are known but not cached: reading one goes to the database.
    store = await DexieEventStore.open('plant-merge-reads', deps);
    const db = dbOf(store);
    let open = () => undefined as void;
    const held = holdRangeReads(db, new Promise<void>((resolve) => (open = resolve)));
    const target = parts[21]!;
    const reading = store.get(target.id);
    await vi.waitFor(() => expect(held.held).toBe(1));
    // 100 more events do not fit beside the 40 of the parts: the parts are merged into one row.
    await store.append(makeEvents(100));
    await vi.waitFor(async () => expect(await db.segments.count()).toBe(2));
    open();
    expect((await reading)?.id).toBe(target.id);
    expect((await store.query({ order: 'asc', limit: 1000 })).events).toHaveLength(140);
    await store.close();
  });
});

/** Writes `batches` the way the earlier writer did: the open tail rewritten with each append. */
async function writeTailRewritingStore(db: PlantDatabase, batches: readonly number[]): Promise<StoredEvent[]> {
  const columns = new EventColumns();
  let tail: OpenSegment | undefined;
  let hash = GENESIS_HASH;
  const stored: StoredEvent[] = [];
  for (const size of batches) {
    const events = makeEvents(size).map((event) => {
      const copy = numberedCopy(event, stored.length + 1, subjectOf(event.payload));
      copy.hash = hash = storeHashOf(hash, copy);
      stored.push(copy as StoredEvent);
      return copy as StoredEvent;
    });
    const packed = packEvents(columns, tail, events);
    await db.transaction('rw', [db.segments, db.summaries, db.meta], async () => {
      await db.segments.bulkPut([...packed.segments]);
      await db.summaries.bulkPut([...packed.summaries]);
      await db.meta.put({ key: AUDIT_HEAD_KEY, value: { seq: stored.length, hash } });
    });
    commitPacked(columns, packed, events.length);
    tail = packed.tail;
  }
  return stored;
}

describe('DexieEventStore: a store written with the open-tail layout', () => {
  it('opens with the same events and hashes, appends after its tail, merges it, and the chain verifies', async () => {
    const deps = freshDeps();
    const db = new PlantDatabase('plant-old-layout', deps);
    await db.open();
    const old = await writeTailRewritingStore(db, [100, 30, 50, 7]);
    db.close();
    expect(old.map((event) => event.seq)).toEqual(old.map((_, k) => k + 1));

    let store = await DexieEventStore.open('plant-old-layout', deps);
    expect(await readAll(store)).toEqual(old);
    const added: StoredEvent[] = [];
    for (let i = 0; i < 30; i++) added.push(...(await store.append(makeEvents(5))));
    await store.updateStatuses([{ eventId: old[186]!.id, status: 'DELIVERED' }]);
    await store.close();
    store = await DexieEventStore.open('plant-old-layout', deps);
    const all = await readAll(store);
    expect(all.map((event) => event.id)).toEqual([...old, ...added].map((event) => event.id));
    expect(all.map((event) => event.hash)).toEqual([...old, ...added].map((event) => event.hash));
    expect(all[186]!.status).toBe('DELIVERED');
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 337 });
    const sizes = await segmentSizes(dbOf(store));
    // The old tail (59 events) took 13 appends of 5 before the next one no longer fitted.
    expect(sizes.slice(0, 2)).toEqual([SEGMENT_MAX_EVENTS, 59 + 13 * 5]);
    await store.close();
  });
});
