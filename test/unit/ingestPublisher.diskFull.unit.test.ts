// Ingest holds its events while the data folder's disk is too full to store on, instead of
// giving them up after a few attempts as it does for other store failures.
import { expect, it } from 'vitest';
import { IngestPublisher } from '../../main/ingest/ingestPublisher';
import { DiskSpaceError } from '../../main/store/diskGuard';

it('given a disk that refuses appends for longer than the attempts allow, when space is back, then nothing was given up', async () => {
  let refusalsLeft = 4;
  const published: unknown[] = [];
  const publisher = new IngestPublisher({
    batchSize: 5,
    maxAttempts: 2,
    bus: {
      async publishBatch(batch) {
        if (refusalsLeft-- > 0) throw new DiskSpaceError('the disk holding the data folder has 900 MB free; new events are refused until space is freed');
        published.push(...batch);
        return batch;
      },
    },
  });
  for (let n = 0; n < 5; n++) publisher.enqueue({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'p1', n } });
  await publisher.idle();
  expect(published).toHaveLength(5);
  expect(publisher.metrics()).toEqual({ queued: 0, published: 5, lost: 0, retries: 4 });
});
