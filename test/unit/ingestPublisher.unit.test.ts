import { describe, expect, it } from 'vitest';
import { BusClosedError, BusOverloadError } from '../../main/bus/errors';
import { IngestPublisher } from '../../main/ingest/ingestPublisher';
import type { PlantEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';

type Batch = readonly (PlantEvent | PublishInput)[];

function input(n: number): PublishInput {
  return { type: 'equipment.telemetry.recorded', payload: { equipmentId: 'p1', n } };
}

describe('ingest publisher', () => {
  it('given an overloaded bus, when it recovers, then every event is published once, in order, with the ids given on entry', async () => {
    const attempts: Batch[] = [];
    let failuresLeft = 2;
    const publisher = new IngestPublisher({
      batchSize: 3,
      bus: {
        async publishBatch(batch) {
          attempts.push(batch);
          if (failuresLeft-- > 0) throw new BusOverloadError('slow', 10, 5);
          return batch;
        },
      },
    });
    for (let n = 0; n < 7; n++) publisher.enqueue(input(n));
    await publisher.idle();
    const published = attempts.slice(2).flat();
    expect(published.map((e) => (e.payload as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // A retry takes the same events first (and whatever queued meanwhile), with the ids they were given the first time.
    const first = attempts[0] ?? [];
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((e) => typeof e.id === 'string')).toBe(true);
    expect(attempts[2]?.slice(0, first.length).map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(publisher.metrics()).toEqual({ queued: 0, published: 7, lost: 0, retries: 2 });
  });

  it('given a full queue, a failing store or a closed bus, then what is given up is counted and reported, never hidden', async () => {
    const errors: string[] = [];
    let mode: 'block' | 'fail' | 'closed' = 'block';
    let release: () => void = () => {};
    const publisher = new IngestPublisher({
      capacity: 2,
      batchSize: 1,
      maxAttempts: 2,
      onError: (error) => errors.push(String(error)),
      bus: {
        async publishBatch(batch) {
          if (mode === 'block') await new Promise<void>((resolve) => (release = resolve));
          if (mode === 'fail') throw new Error('disk full');
          if (mode === 'closed') throw new BusClosedError();
          return batch;
        },
      },
    });
    expect([publisher.enqueue(input(0)), publisher.enqueue(input(1)), publisher.enqueue(input(2))]).toEqual([true, true, false]);
    expect(errors[0]).toContain('ingest queue full (2 events)');
    mode = 'fail';
    release();
    await publisher.idle();
    expect(publisher.metrics()).toMatchObject({ lost: 3, published: 0, queued: 0 });
    expect(errors.filter((e) => e.includes('gave up a batch of 1 events after 2 attempts: Error: disk full'))).toHaveLength(2);

    mode = 'closed';
    publisher.enqueue(input(3));
    await publisher.idle();
    expect(publisher.metrics().lost).toBe(4);
    expect(errors.at(-1)).toContain('the bus closed with events still queued');
    expect(publisher.enqueue(input(4))).toBe(false);
    expect(publisher.metrics().lost).toBe(5);
  });
});

describe('ingest publisher batches', () => {
  it('given events handed over in one go, then they reach the bus in one batch, not a first batch of one', async () => {
    const batches: number[] = [];
    const publisher = new IngestPublisher({ batchSize: 100, bus: { publishBatch: async (batch) => (batches.push(batch.length), batch) } });
    for (let n = 0; n < 40; n++) publisher.enqueue(input(n));
    await publisher.idle();
    expect(batches).toEqual([40]);
    expect(publisher.metrics()).toMatchObject({ published: 40, lost: 0 });
  });

  it('given a queue that stays full, then every refused event is counted and the loss reported once per stretch', async () => {
    const errors: string[] = [];
    let release: () => void = () => {};
    const publisher = new IngestPublisher({
      capacity: 3,
      onError: (error) => errors.push(String(error)),
      bus: { publishBatch: (batch) => new Promise((resolve) => (release = () => resolve(batch))) },
    });
    for (let n = 0; n < 1_000; n++) publisher.enqueue(input(n));
    expect(publisher.metrics()).toMatchObject({ queued: 3, lost: 997 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ingest queue full \(3 events\).*counted as lost/);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await publisher.idle();
    // Room again: the next event is taken; the next stretch of refusals is reported again.
    for (let n = 0; n < 10; n++) publisher.enqueue(input(n));
    expect(errors).toHaveLength(2);
    expect(publisher.metrics()).toMatchObject({ lost: 1_004, published: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await publisher.idle();
    expect(publisher.metrics()).toMatchObject({ queued: 0, lost: 1_004, published: 6 });
  });
});
