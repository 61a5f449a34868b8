/**
 * The bus over the journaled store with two appends in flight: a batch sent while the one
 * before is still on its way to the journal is stored and acknowledged after it, and when the
 * journal cannot write the first, the second fails too (nothing acknowledged is missing from
 * the journal).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { Journal, segmentName } from '../../main/store/journal';
import { JournaledStore } from '../../main/store/journaledStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import { readJournal } from '../../main/store/journalReader';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const root = mkdtempSync(join(tmpdir(), 'append-overlap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

async function journaledBus(segmentBytes?: number) {
  const dataDir = join(root, `d${++folders}`);
  const journal = await Journal.open(dataDir, segmentBytes ? { segmentBytes } : {});
  const inner = new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });
  const store = new JournaledStore({ store: inner, journal, dataDir, databaseId: null, anchorEveryMs: 0 });
  return { dataDir, inner, store, bus: new EventBus({ store, overlapAt: 1 }) };
}

const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'p1', n: from + i } }));

describe('two appends in flight over the journal', () => {
  it('sends the next batch at the first one\'s commit and acknowledges both in order, both in the journal', async () => {
    const { dataDir, store, bus } = await journaledBus();
    const order: string[] = [];
    let second: Promise<StoredEvent[]> | null = null;
    const first = bus.publishBatch(events(0, 3), {
      committed: () => {
        second = bus.publishBatch(events(3, 3));
        void second.then(() => order.push('second'));
      },
    });
    void first.then(() => order.push('first'));
    await first;
    expect(second).not.toBeNull();
    const stored = [...(await first), ...(await second!)];
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(order).toEqual(['first', 'second']);
    await bus.close();
    await store.close();
    expect(await readJournal(dataDir)).toMatchObject({ ok: true, events: 6, lastSeq: 6 });
  });

  it('fails the batch sent behind one the journal could not write, and acknowledges neither', async () => {
    // Every write starts a segment; a folder where the second write's segment goes makes it fail.
    const { dataDir, store, bus } = await journaledBus(1);
    await bus.publishBatch(events(0, 2));
    mkdirSync(join(dataDir, 'journal', segmentName(3)));
    let second: Promise<StoredEvent[]> = Promise.resolve([]);
    const first = bus.publishBatch(events(2, 2), { committed: () => (second = bus.publishBatch(events(4, 2))) });
    await expect(first).rejects.toThrow();
    await expect(second).rejects.toThrow();
    await bus.close();
    await store.close();
    rmSync(join(dataDir, 'journal', segmentName(3)), { recursive: true });
    expect(await readJournal(dataDir)).toMatchObject({ ok: true, events: 2, lastSeq: 2 });
  });
});
