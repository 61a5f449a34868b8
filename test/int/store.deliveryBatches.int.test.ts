// The Dexie store keeps a fresh event's deliveries in one row per append (deliveryBatches.ts).
// What the bus relies on must hold as with a row per delivery: a restart delivers again
// exactly what was not acknowledged, failures and dead letters keep their history, and the
// records read back are the ones written.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import type { DeliveryRecord } from '../../shared/store/eventStore';
import { BASE_TIME, makeDelivery, makeEvents } from '../support/events';

type Deps = { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange };

/** Row counts of the two delivery tables, read with raw IndexedDB (the store must be closed). */
async function rowCounts(deps: Deps, name: string): Promise<{ deliveries: number; batches: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = deps.indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const count = (table: string) =>
    new Promise<number>((resolve, reject) => {
      const request = db.transaction(table, 'readonly').objectStore(table).count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  try {
    return { deliveries: await count('deliveries'), batches: await count('deliveryBatches') };
  } finally {
    db.close();
  }
}

describe('DexieEventStore: deliveries kept per append', () => {
  it('delivers again after a restart exactly what was not acknowledged, across three subscribers', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    let store = await DexieEventStore.open('plant-batches', deps);
    const first = new EventBus({ store, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const handled = { fast: [] as number[], slow: [] as number[], picky: [] as number[] };
    first.addHandler('production.*', async (event) => void handled.fast.push(event.seq), { name: 'fast' });
    // The process dies while `slow` holds the events from seq 121 on.
    first.addHandler('production.*', async (event) => (event.seq > 120 ? new Promise(() => {}) : void handled.slow.push(event.seq)), { name: 'slow' });
    first.addHandler(
      'production.*',
      async (event) => {
        if (event.seq % 50 === 0) throw new Error(`cannot take ${event.seq}`);
        handled.picky.push(event.seq);
      },
      { name: 'picky' },
    );
    const inputs = Array.from({ length: 200 }, (_, n) => ({ type: 'production.order.started', payload: { n } }));
    // Many appends, some sharing a transaction.
    await Promise.all([first.publishBatch(inputs.slice(0, 80)), ...inputs.slice(80).map((input) => first.publish(input))]);
    await vi.waitFor(() => expect([handled.fast.length, handled.slow.length, handled.picky.length]).toEqual([200, 120, 196]));
    await vi.waitFor(async () => expect((await store.deadLetters()).map((letter) => letter.event.seq)).toEqual([50, 100, 150, 200]));
    await first.close();
    await store.close();

    // Only the failed deliveries have rows of their own; everything else is in batch rows.
    const counts = await rowCounts(deps, 'plant-batches');
    expect(counts.deliveries).toBe(4);
    expect(counts.batches).toBeLessThanOrEqual(121);

    store = await DexieEventStore.open('plant-batches', deps);
    expect(await store.pendingDeliveries('fast')).toEqual([]);
    expect((await store.pendingDeliveries('slow')).map((d) => d.seq)).toEqual(Array.from({ length: 80 }, (_, i) => 121 + i));
    expect(await store.pendingDeliveries('picky')).toEqual([]);
    const dead = (await store.deadLetters()).map((letter) => letter.delivery);
    expect(dead.map((d) => [d.seq, d.subscriber, d.attempts, d.errors.map((e) => e.message)])).toEqual(
      [50, 100, 150, 200].map((seq) => [seq, 'picky', 2, [`cannot take ${seq}`, `cannot take ${seq}`]]),
    );

    const second = new EventBus({ store });
    const again = { fast: [] as number[], slow: [] as number[], picky: [] as number[] };
    for (const name of ['fast', 'slow', 'picky'] as const) second.addHandler('production.*', async (event) => void again[name].push(event.seq), { name });
    await second.drain();
    expect(again).toEqual({ fast: [], slow: Array.from({ length: 80 }, (_, i) => 121 + i), picky: [] });
    expect(await store.pendingDeliveries('slow')).toEqual([]);
    const event121 = (await store.getBySeq(121))!;
    expect((await store.deliveriesOf(event121.id)).map((d) => [d.subscriber, d.status]).sort()).toEqual([
      ['fast', 'PROCESSED'],
      ['picky', 'PROCESSED'],
      ['slow', 'PROCESSED'],
    ]);
    await second.close();
    await store.close();
  });

  it('keeps one delivery per subscriber listed twice, in a long list of subscribers too', async () => {
    const store = await DexieEventStore.open('plant-long-list', { indexedDB: new IDBFactory(), IDBKeyRange });
    const many = Array.from({ length: 20 }, (_, i) => `consumer-${i % 18}`);
    const [a, b] = await store.append(makeEvents(2), [many, ['audit', 'audit']]);
    expect((await store.deliveriesOf(a!.id)).map((d) => d.subscriber).sort()).toEqual(Array.from({ length: 18 }, (_, i) => `consumer-${i}`).sort());
    expect((await store.deliveriesOf(b!.id)).map((d) => d.subscriber)).toEqual(['audit']);
    await store.close();
  });

  it('reads back every record as written, a failure moving a delivery out of its batch for good', async () => {
    const store = await DexieEventStore.open('plant-records', { indexedDB: new IDBFactory(), IDBKeyRange });
    const [a, b] = await store.append(makeEvents(2), [['audit', 'alarms', 'audit'], ['audit']]);
    const at = (event: typeof a, subscriber: string) => store.getDelivery(event!.id, subscriber);
    expect(await at(a, 'audit')).toMatchObject({ seq: 1, status: 'PUBLISHED', attempts: 0, errors: [] });
    expect((await store.deliveriesOf(a!.id)).map((d) => d.subscriber).sort()).toEqual(['alarms', 'audit']);

    const delivered = makeDelivery(a!.id, 1, 'audit', { status: 'DELIVERED', attempts: 1, updatedAt: BASE_TIME + 1 });
    const failed: DeliveryRecord = makeDelivery(b!.id, 2, 'audit', {
      status: 'FAILED', attempts: 1, lastError: 'boom', errors: [{ attempt: 1, at: BASE_TIME + 2, message: 'boom' }], nextAttemptAt: BASE_TIME + 9, updatedAt: BASE_TIME + 2,
    });
    await store.putDeliveries([delivered, failed]);
    expect(await at(a, 'audit')).toStrictEqual(delivered);
    expect(await at(b, 'audit')).toStrictEqual(failed);

    // A plain record after the failure (the retry succeeded at once, say) replaces the failed one.
    const processed = makeDelivery(b!.id, 2, 'audit', { status: 'PROCESSED', attempts: 1, updatedAt: BASE_TIME + 12 });
    await store.putDeliveries([processed]);
    expect(await at(b, 'audit')).toStrictEqual(processed);
    expect(await store.deliveriesOf(b!.id)).toStrictEqual([processed]);
    expect((await store.pendingDeliveries('audit')).map((d) => d.seq)).toEqual([1]);

    // A record whose seq is not its event's is kept apart, never written over another event's entry.
    const misplaced = makeDelivery(b!.id, 1, 'alarms', { status: 'PROCESSED', attempts: 1, updatedAt: BASE_TIME + 20 });
    await store.putDeliveries([misplaced]);
    expect(await at(a, 'alarms')).toMatchObject({ status: 'PUBLISHED' });
    expect(await at(b, 'alarms')).toStrictEqual(misplaced);
    await store.close();
  });
});
