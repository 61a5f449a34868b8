// The store contract against DexieEventStore on fake-indexeddb in Node: a new IDBFactory per
// test, so no test sees another's database.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { describeEventStoreContract } from '../contract/eventStoreContract';
import { dexieTamper } from '../support/auditTamper';
import { describe, expect, it } from 'vitest';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import { makeEvents } from '../support/events';
import type { Snapshot } from '../../shared/store/eventStore';

describeEventStoreContract(
  'DexieEventStore on fake-indexeddb',
  async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    let latest = await DexieEventStore.open('plant-events', deps);
    return {
      store: latest,
      reopen: async () => (latest = await DexieEventStore.open('plant-events', deps)),
      tamper: dexieTamper(() => latest),
    };
  },
  { reopens: true },
);

// The same contract with an index window of one event: every query, look-up by id, status
// move and duplicate check reaches events that only their summaries describe (oldSegments.ts).
describeEventStoreContract(
  'DexieEventStore on fake-indexeddb, index window of one event',
  async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    const open = () => DexieEventStore.open('plant-events', deps, { indexWindow: 1 });
    let latest = await open();
    return {
      store: latest,
      reopen: async () => (latest = await open()),
      tamper: dexieTamper(() => latest),
    };
  },
  { reopens: true },
);

// A store host given up for dead can still finish its last writes after its successor opened
// the same database. Neither store may overwrite the other's events: the second writer finds
// the stored head moved, reads the database again and appends after what is there.
describe('DexieEventStore: a second writer on the same database', () => {
  it('appends after the other writer\'s events instead of over them, for appends and status moves', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    const first = await DexieEventStore.open('plant-shared', deps);
    await first.append(makeEvents(5));
    const second = await DexieEventStore.open('plant-shared', deps);
    const late = await first.append(makeEvents(3));
    expect(late.map((event) => event.seq)).toEqual([6, 7, 8]);
    const next = await second.append(makeEvents(2));
    expect(next.map((event) => event.seq)).toEqual([9, 10]);
    await first.append(makeEvents(1));
    await second.updateStatuses([{ eventId: late[0]!.id, status: 'PROCESSED' }]);
    await first.close();
    await second.close();

    const reopened = await DexieEventStore.open('plant-shared', deps);
    expect(await reopened.headSeq()).toBe(11);
    for (const event of [...late, ...next]) expect((await reopened.get(event.id))?.seq).toBe(event.seq);
    expect((await reopened.get(late[0]!.id))?.status).toBe('PROCESSED');
    expect(await verifyStoreChain(reopened)).toMatchObject({ ok: true, events: 11 });
    await reopened.close();
  });

  it('refuses writes still queued when it closes, and finishes the one in progress', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    const store = await DexieEventStore.open('plant-closing', deps);
    const inProgress = store.append(makeEvents(2));
    await Promise.resolve();
    const queued = [store.append(makeEvents(2)), store.append(makeEvents(2))];
    const closing = store.close();
    const outcomes = await Promise.allSettled([inProgress, ...queued]);
    await closing;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    for (const outcome of outcomes.slice(1)) expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/closed before this write started/);
    const reopened = await DexieEventStore.open('plant-closing', deps);
    expect(await reopened.headSeq()).toBe(2);
    await reopened.close();
  });
});

// Text queries skip the segments whose text filter rules the needle out; they must still
// find every match, before and after a reopen (filters read back from the summaries).
describe('DexieEventStore: free text over many segments', () => {
  it('finds exactly the events holding a rare needle, in both orders, counted the same, after a reopen too', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    let store = await DexieEventStore.open('plant-text', deps);
    const rare = new Set([77, 777, 1400]);
    for (let from = 0; from < 1500; from += 250) {
      await store.append(makeEvents(250, (i) => ({ payload: { reading: from + i, ...(rare.has(from + i) ? { note: `Rare-Needle seen at ${from + i}` } : {}) } })));
    }
    const expected = [...rare].map((i) => i + 1);
    for (let round = 0; round < 2; round++) {
      const asc = await store.query({ text: 'rare-needle', order: 'asc' });
      const desc = await store.query({ text: 'RARE-NEEDLE', order: 'desc' });
      expect(asc.events.map((event) => event.seq)).toEqual(expected);
      expect(desc.events.map((event) => event.seq)).toEqual([...expected].reverse());
      expect(await store.count({ text: 'rare-needle' })).toBe(3);
      expect((await store.query({ text: 'needle seen at 777' })).events.map((event) => event.seq)).toEqual([778]);
      expect((await store.query({ text: 'no such words anywhere' })).events).toEqual([]);
      await store.close();
      store = await DexieEventStore.open('plant-text', deps);
    }
    await store.close();
  });
});

// The writer puts the snapshots handed over beside appends into the appends' transaction
// (storeWriter.ts); a snapshot must still be saved, read back and fail on its own.
describe('DexieEventStore: snapshots beside appends', () => {
  const snapshotOf = (key: string, seq: number): Snapshot => ({ key, seq, maxTimestamp: seq, state: { seq }, createdAt: 1 });

  it('stores snapshots handed over with appends, and one that cannot be stored fails alone', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    const store = await DexieEventStore.open('plant-snapshots', deps);
    const unstorable = { ...snapshotOf('broken', 1), state: { read: () => 1 } } as unknown as Snapshot;
    const outcomes = await Promise.allSettled([
      store.append(makeEvents(3)),
      store.saveSnapshot(snapshotOf('board', 3)),
      store.saveSnapshot(unstorable),
      store.append(makeEvents(2)),
      store.saveSnapshot(snapshotOf('board', 5)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    await store.close();

    const reopened = await DexieEventStore.open('plant-snapshots', deps);
    expect(await reopened.headSeq()).toBe(5);
    expect((await reopened.nearestSnapshot('board'))?.seq).toBe(5);
    expect((await reopened.nearestSnapshot('board', { toSeq: 4 }))?.state).toEqual({ seq: 3 });
    expect(await reopened.nearestSnapshot('broken')).toBeNull();
    expect(await verifyStoreChain(reopened)).toMatchObject({ ok: true, events: 5 });
    await reopened.close();
  });

  it('saves snapshots that come with no append, and refuses one without a key or seq by name', async () => {
    const store = await DexieEventStore.open('plant-snapshots-alone', { indexedDB: new IDBFactory(), IDBKeyRange });
    await Promise.all([store.saveSnapshot(snapshotOf('a', 1)), store.saveSnapshot(snapshotOf('b', 2))]);
    expect((await store.nearestSnapshot('a'))?.seq).toBe(1);
    expect((await store.nearestSnapshot('b'))?.seq).toBe(2);
    await expect(store.saveSnapshot({ ...snapshotOf('c', 1), key: 7 } as unknown as Snapshot)).rejects.toThrow(/string key and a numeric seq, not key 7/);
    await store.close();
  });
});
