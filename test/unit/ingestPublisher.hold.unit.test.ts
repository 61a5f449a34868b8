// A source that outruns the store is asked to hold its messages upstream once the ingest
// queue reaches its hold mark, and let go once half of that is worked off, so that a flood
// waits at the broker instead of overflowing the queue and being counted as lost.
import { expect, it } from 'vitest';
import { IngestPublisher } from '../../main/ingest/ingestPublisher';

const reading = (n: number) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'p1', n } });

it('holds at the mark, lets go at half of it, and loses nothing', async () => {
  const gates: (() => void)[] = [];
  const published: unknown[] = [];
  const publisher = new IngestPublisher({
    batchSize: 10,
    holdAt: 40,
    capacity: 1_000,
    bus: {
      async publishBatch(batch) {
        await new Promise<void>((resolve) => gates.push(resolve));
        published.push(...batch);
        return batch;
      },
    },
  });
  for (let n = 0; n < 39; n++) publisher.enqueue(reading(n));
  expect(publisher.holding).toBe(false);
  publisher.enqueue(reading(39));
  expect(publisher.holding).toBe(true);
  let released = false;
  void publisher.whenRoom().then(() => (released = true));

  const storeOneBatch = async () => {
    await expect.poll(() => gates.length).toBe(1);
    gates.shift()?.();
    await expect.poll(() => published.length % 10).toBe(0);
  };
  await storeOneBatch(); // 30 left: above half the mark
  await Promise.resolve();
  expect(released).toBe(false);
  await storeOneBatch(); // 20 left: half the mark
  await expect.poll(() => released).toBe(true);
  expect(publisher.holding).toBe(false);
  await storeOneBatch();
  await storeOneBatch();
  await publisher.idle();
  expect(published).toHaveLength(40);
  expect(publisher.metrics()).toMatchObject({ queued: 0, published: 40, lost: 0 });
});

it('holds at half the capacity when that is below four batches', () => {
  const publisher = new IngestPublisher({ batchSize: 2_000, capacity: 100, bus: { publishBatch: () => new Promise(() => {}) } });
  for (let n = 0; n < 49; n++) publisher.enqueue(reading(n));
  expect(publisher.holding).toBe(false);
  publisher.enqueue(reading(49));
  expect(publisher.holding).toBe(true);
});
