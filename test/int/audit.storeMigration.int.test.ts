// A Dexie store written by schema version 1 (events without hashes) gets its audit chain on
// open: the version-2 upgrade hashes every event in seq order and records the chain head.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, storeHashOf } from '../../shared/audit/chain';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import type { StoredEvent } from '../../shared/events/event';
import { subjectOf } from '../../shared/events/event';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { SCHEMA_V1 } from '../../renderer/store-host/plantDatabase';
import { auditHistory } from '../support/auditFixture';
import { dexieTamper } from '../support/auditTamper';

/** Writes `count` events the way a version-1 store did: numbered, no hash, no chain head. */
async function versionOneFixture(deps: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }, name: string, count: number): Promise<StoredEvent[]> {
  const db = new Dexie(name, deps);
  db.version(1).stores(SCHEMA_V1);
  db.on('populate', (tx) => void tx.table('meta').add({ key: 'schemaVersion', value: 1 }));
  const events: StoredEvent[] = auditHistory(count).map((event, i) => {
    const subject = subjectOf(event.payload);
    return { ...event, seq: i + 1, ...(subject === undefined ? {} : { subject }) };
  });
  await db.table('events').bulkAdd(events);
  db.close();
  return events;
}

describe('DexieEventStore: schema 1 → 2 migration of the audit chain', () => {
  it('hashes the events of a version-1 store on open, and the chain continues on append', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    const old = await versionOneFixture(deps, 'plant-v1', 4_500);
    expect(old[0]!.hash).toBeUndefined();

    const store = await DexieEventStore.open('plant-v1', deps);
    let prev = GENESIS_HASH;
    for (const seq of [1, 2, 2_000, 2_001, 4_500]) {
      const event = (await store.getBySeq(seq))!;
      const { hash: _hash, ...withoutHash } = event;
      expect(withoutHash).toEqual(old[seq - 1]);
      if (seq <= 2) {
        expect(event.hash).toBe(storeHashOf(prev, event));
        prev = event.hash!;
      }
    }
    const verdict = await verifyStoreChain(store);
    expect(verdict).toMatchObject({ ok: true, events: 4_500 });
    const head = await store.chainHead();
    expect(head).toEqual({ seq: 4_500, hash: (await store.getBySeq(4_500))!.hash });

    const [next] = await store.append(auditHistory(1));
    expect(next!.hash).toBe(storeHashOf(head.hash, next!));
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 4_501 });

    await dexieTamper(() => store)(3_000, (event) => ({ ...event, timestamp: event.timestamp + 1 }));
    expect(await verifyStoreChain(store)).toMatchObject({ ok: false, seq: 3_000, eventId: old[2_999]!.id });
    await store.close();
  });

  it('opens an empty version-1 store as an empty chain', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    await versionOneFixture(deps, 'plant-v1-empty', 0);
    const store = await DexieEventStore.open('plant-v1-empty', deps);
    expect(await store.chainHead()).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(await verifyStoreChain(store)).toEqual({ ok: true, events: 0, headSeq: 0, headHash: GENESIS_HASH });
    await store.close();
  });
});
