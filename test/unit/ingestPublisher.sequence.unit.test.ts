/**
 * The ingest hands its next batch to the bus while the one before is still being committed,
 * so that the store has it at once. The bus keeps their order (main/bus/publishSequence.ts):
 * a batch goes into an append only after the one before it, and one behind a refused batch
 * is refused unstored, then published again in order. Ingest, bus and batcher are the real
 * ones; the store is a fake whose appends commit, or are refused, when the test says so.
 */
import { describe, expect, it } from 'vitest';
import { PublishOrderError } from '../../main/bus/errors';
import { EventBus } from '../../main/bus/eventBus';
import { PublishSequence } from '../../main/bus/publishSequence';
import { IngestPublisher } from '../../main/ingest/ingestPublisher';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { StagedStore } from '../support/stagedStore';

/** Larger than half the most events one append takes, so that no two batches share one. */
const BATCH = 1_200;

const reading = (n: number | string) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'p1', n } });
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Three batches queued; the first at the store, its commit held; the second handed to the bus behind it. */
async function firstAtTheStore() {
  const store = new StagedStore((event) => String((event.payload as { n: unknown }).n));
  const bus = new EventBus({ store });
  const publisher = new IngestPublisher({ batchSize: BATCH, bus });
  for (let n = 0; n < 3 * BATCH; n++) publisher.enqueue(reading(n));
  await turns();
  /** Each append as `first-last` event. */
  const appends = () => store.calls.map((call) => `${call.names[0]}-${call.names.at(-1)}`);
  /** From now on the store commits every append at once. */
  const takeAll = () => {
    let answered = 0;
    const timer = setInterval(() => {
      for (; answered < store.calls.length; answered++) {
        store.calls[answered]!.commit.resolve();
        store.calls[answered]!.durable.resolve();
      }
    }, 1);
    return () => clearInterval(timer);
  };
  const storedNs = async () => (await store.getEventsByType('*')).map((event) => (event.payload as { n: unknown }).n);
  return { store, bus, publisher, appends, takeAll, storedNs };
}

describe('ingest publisher and bus: the next batch handed over before the one before is committed', () => {
  it('given the store refuses a batch, then the batch handed over behind it is never stored ahead of it, and all are stored once, in order', async () => {
    const { store, bus, publisher, appends, takeAll, storedNs } = await firstAtTheStore();
    expect(appends()).toEqual(['0-1199']);
    expect(bus.metrics().pendingAppends).toBe(1);
    store.calls[0]!.commit.reject(new Error('store refused'));
    const stop = takeAll();
    await publisher.idle();
    stop();
    // The batch behind the refused one was refused unstored, without reaching the store.
    expect(appends()).toEqual(['0-1199', '0-1199', '1200-2399', '2400-3599']);
    expect(await storedNs()).toEqual(Array.from({ length: 3 * BATCH }, (_, n) => n));
    expect(publisher.metrics()).toEqual({ queued: 0, published: 3 * BATCH, lost: 0, retries: 1 });
  });

  it('given a store that commits everything, then the next batch is at the bus while the one before is committed, and nothing is retried', async () => {
    const { bus, publisher, appends, takeAll, storedNs } = await firstAtTheStore();
    expect(bus.metrics().pendingAppends).toBe(1);
    const stop = takeAll();
    await publisher.idle();
    stop();
    expect(appends()).toEqual(['0-1199', '1200-2399', '2400-3599']);
    expect(await storedNs()).toHaveLength(3 * BATCH);
    expect(publisher.metrics()).toEqual({ queued: 0, published: 3 * BATCH, lost: 0, retries: 0 });
  });

  it('given a lone publish queued behind a refused batch, then it is stored in the next append, not refused with the batch behind', async () => {
    const { store, bus, publisher, appends, takeAll, storedNs } = await firstAtTheStore();
    const lone = bus.publish(reading('lone'));
    store.calls[0]!.commit.reject(new Error('store refused'));
    await turns();
    expect(appends()).toEqual(['0-1199', 'lone-lone']);
    const stop = takeAll();
    await expect(lone).resolves.toMatchObject({ seq: 1 });
    await publisher.idle();
    stop();
    expect(await storedNs()).toEqual(['lone', ...Array.from({ length: 3 * BATCH }, (_, n) => n)]);
  });
});

describe('publish sequence', () => {
  it('given a batch that waits for room in a full queue, then the next one of its sequence, which fits, is refused unstored rather than stored ahead of it', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store, queueCapacity: 3 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    bus.addHandler('equipment.*', () => gate);
    await bus.publishBatch([reading('x1'), reading('x2'), reading('x3')]);
    await turns();
    const sequence = new PublishSequence();
    const waiting = bus.publishBatch([reading('a1'), reading('a2')], { sequence });
    const fits = bus.publishBatch([reading('b1')], { sequence });
    await expect(fits).rejects.toBeInstanceOf(PublishOrderError);
    release();
    await waiting;
    const stored = await store.getEventsByType('*');
    expect(stored.map((event) => (event.payload as { n: unknown }).n)).toEqual(['x1', 'x2', 'x3', 'a1', 'a2']);
  });

  it('given a batch of the sequence refused as invalid, then none after it is stored', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store });
    const sequence = new PublishSequence();
    await expect(bus.publishBatch([{ type: 'Not A Type', payload: {} }], { sequence })).rejects.toThrow(/type/);
    await expect(bus.publishBatch([reading(1)], { sequence })).rejects.toBeInstanceOf(PublishOrderError);
    expect(await store.count()).toBe(0);
  });
});
