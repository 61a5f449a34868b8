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
