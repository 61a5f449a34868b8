/**
 * The ingest publisher keeps a second batch in flight: it hands the next batch to the bus
 * once the bus reports the one before committed, never earlier, so a batch refused by the
 * store is retried before anything behind it is stored.
 */
import { describe, expect, it } from 'vitest';
import { BusOverloadError } from '../../main/bus/errors';
import { IngestPublisher } from '../../main/ingest/ingestPublisher';
import type { PlantEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';

type Batch = readonly (PlantEvent | PublishInput)[];

interface Handed {
  readonly ns: number[];
  readonly committed: () => void;
  resolve(): void;
  reject(error: unknown): void;
}

/** A bus whose batches commit and settle when the test says so. */
function heldBus() {
  const handed: Handed[] = [];
  const stored: number[] = [];
  return {
    handed,
    stored,
    bus: {
      publishBatch(batch: Batch, options?: { readonly committed?: () => void }) {
        const ns = batch.map((e) => (e.payload as { n: number }).n);
        return new Promise<unknown>((resolve, reject) => {
          handed.push({
            ns,
            committed: () => options?.committed?.(),
            resolve: () => {
              stored.push(...ns);
              resolve(batch);
            },
            reject,
          });
        });
      },
    },
  };
}

const input = (n: number): PublishInput => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'p1', n } });
const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Four events in batches of two, the first batch committed (so the second handed over). */
async function firstCommitted() {
  const held = heldBus();
  const publisher = new IngestPublisher({ batchSize: 2, bus: held.bus });
  for (let n = 0; n < 4; n++) publisher.enqueue(input(n));
  await turns();
  held.handed[0]!.committed();
  await turns();
  return { ...held, publisher };
}

describe('ingest publisher: a second batch in flight', () => {
  it('given a commit reported, then the next batch goes to the bus before the first is durable, and both are counted in order', async () => {
    const { bus, handed, stored } = heldBus();
    const publisher = new IngestPublisher({ batchSize: 2, bus });
    for (let n = 0; n < 4; n++) publisher.enqueue(input(n));
    await turns();
    expect(handed.map((h) => h.ns)).toEqual([[0, 1]]);
    handed[0]!.committed();
    await turns();
    expect(handed.map((h) => h.ns)).toEqual([[0, 1], [2, 3]]);
    handed[1]!.committed();
    handed[0]!.resolve();
    handed[1]!.resolve();
    await publisher.idle();
    expect(stored).toEqual([0, 1, 2, 3]);
    expect(publisher.metrics()).toEqual({ queued: 0, published: 4, lost: 0, retries: 0 });
  });

  it('given fewer events waiting than the overlap mark at a commit, then they wait for that batch and go as one larger batch', async () => {
    const { bus, handed, stored } = heldBus();
    const publisher = new IngestPublisher({ batchSize: 8, overlapAt: 3, bus });
    for (let n = 0; n < 2; n++) publisher.enqueue(input(n));
    await turns();
    for (let n = 2; n < 4; n++) publisher.enqueue(input(n));
    handed[0]!.committed();
    await turns();
    publisher.enqueue(input(4));
    await turns();
    expect(handed).toHaveLength(1);
    handed[0]!.resolve();
    await expect.poll(() => handed.length).toBe(2);
    expect(handed[1]!.ns).toEqual([2, 3, 4]);
    handed[1]!.committed();
    handed[1]!.resolve();
    await publisher.idle();
    expect(stored).toEqual([0, 1, 2, 3, 4]);
  });

  it('given a batch refused before its commit, then nothing behind it goes to the bus until it is retried', async () => {
    const { bus, handed, stored } = heldBus();
    const publisher = new IngestPublisher({ batchSize: 2, bus });
    for (let n = 0; n < 4; n++) publisher.enqueue(input(n));
    await turns();
    handed[0]!.reject(new BusOverloadError('slow', 10, 5));
    await turns();
    expect(handed).toHaveLength(1);
    await expect.poll(() => handed.length, { timeout: 5_000 }).toBe(2);
    expect(handed[1]!.ns).toEqual([0, 1]);
    handed[1]!.committed();
    handed[1]!.resolve();
    await expect.poll(() => handed.length).toBe(3);
    handed[2]!.committed();
    handed[2]!.resolve();
    await publisher.idle();
    expect(stored).toEqual([0, 1, 2, 3]);
    expect(publisher.metrics()).toMatchObject({ published: 4, lost: 0, retries: 1 });
  });

  it('given a batch that fails after its commit, then the one sent behind it fails too and both are retried, in order', async () => {
    const { handed, stored, publisher } = await firstCommitted();
    handed[0]!.reject(new Error('journal write failed'));
    handed[1]!.reject(new Error('journal: expected seq 1 next, got 3'));
    await expect.poll(() => handed.length, { timeout: 5_000 }).toBe(3);
    expect(handed[2]!.ns).toEqual([0, 1]);
    handed[2]!.committed();
    await turns();
    expect(handed[3]!.ns).toEqual([2, 3]);
    handed[2]!.resolve();
    handed[3]!.resolve();
    await publisher.idle();
    expect(stored).toEqual([0, 1, 2, 3]);
    expect(publisher.metrics()).toMatchObject({ published: 4, lost: 0 });
  });

  it('given the batch behind a failed one stored all the same, then it is not handed over again', async () => {
    const { handed, stored, publisher } = await firstCommitted();
    handed[1]!.resolve();
    handed[0]!.reject(new Error('journal write failed'));
    await expect.poll(() => handed.length, { timeout: 5_000 }).toBe(3);
    expect(handed[2]!.ns).toEqual([0, 1]);
    handed[2]!.resolve();
    await publisher.idle();
    expect(handed).toHaveLength(3);
    expect(stored.sort((x, y) => x - y)).toEqual([0, 1, 2, 3]);
    expect(publisher.metrics()).toMatchObject({ queued: 0, published: 4, lost: 0 });
  });
});
