// The archiver's batcher with a store whose commits the test releases one by one: the next
// batch goes to the store while one commits, each message settles with its own batch, and a
// message that arrives while batches commit is stored without waiting for another message.
import { describe, expect, it, vi } from 'vitest';
import { MessageBatcher } from '../../main/archiver/messageBatcher';
import type { ArchiveTarget } from '../../main/archiver/archiveBatch';
import type { ConsumedMeta } from '../../main/plant/consume';
import { subjectOf } from '../../main/plant/plantStream';
import { encodeEvent } from '../../main/plant/wireEvent';
import type { PlantEvent, StoredEvent } from '../../shared/events/event';
import { makeEvent } from '../support/events';

/** A store whose appends wait until the test commits them, oldest first. */
function heldStore() {
  const pending: { events: readonly PlantEvent[]; commit: () => void }[] = [];
  const target: ArchiveTarget = {
    append: (events) => new Promise<StoredEvent[]>((resolve) => pending.push({ events, commit: () => resolve([]) })),
    getMany: async () => [],
  };
  return { target, pending, commitOldest: () => pending.shift()!.commit() };
}

let streamSeq = 0;
function message(): [Uint8Array, ConsumedMeta] {
  const event = makeEvent();
  return [encodeEvent(event), { subject: subjectOf(event.type), streamSeq: ++streamSeq, storedAt: Date.now(), station: 'station-a', pending: 0, redelivered: false }];
}

describe('MessageBatcher', () => {
  it('hands the next batch to the store while one commits, and stores what came meanwhile without another message', async () => {
    const { target, pending, commitOldest } = heldStore();
    const batcher = new MessageBatcher(target, 'PLANT', 3, () => undefined);
    const settled: string[] = [];
    const add = (name: string) => void batcher.add(...message()).then(() => settled.push(name));

    ['a1', 'a2', 'a3', 'b1'].forEach(add);
    await vi.waitFor(() => expect(pending.map((p) => p.events.length)).toEqual([3, 1]));
    add('c1');
    add('c2');
    commitOldest();
    await vi.waitFor(() => expect(settled).toEqual(['a1', 'a2', 'a3']));
    // The batch of b1 commits; c1 and c2, which came while both committed, follow on their own.
    await vi.waitFor(() => expect(pending.map((p) => p.events.length)).toEqual([1, 2]));
    commitOldest();
    commitOldest();
    await vi.waitFor(() => expect(settled).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2']));
    expect(batcher.counts).toMatchObject({ stored: 6, batches: 3, inHand: 0 });
  });

  it('hands the store as many batches at once as it is told, and no more', async () => {
    const { target, pending, commitOldest } = heldStore();
    const batcher = new MessageBatcher(target, 'PLANT', 2, () => undefined, 3);
    const outcomes = Array.from({ length: 8 }, () => batcher.add(...message()));
    await vi.waitFor(() => expect(pending.map((p) => p.events.length)).toEqual([2, 2, 2]));
    commitOldest();
    await vi.waitFor(() => expect(pending.map((p) => p.events.length)).toEqual([2, 2, 2]));
    while (pending.length > 0) commitOldest();
    await Promise.all(outcomes);
    expect(batcher.counts).toMatchObject({ stored: 8, batches: 4, inHand: 0 });
  });

  it('lets the batches handed to the store finish at a stop, and hands back the rest', async () => {
    const { target, pending, commitOldest } = heldStore();
    const batcher = new MessageBatcher(target, 'PLANT', 2, () => undefined);
    const outcomes = Array.from({ length: 5 }, () => batcher.add(...message()).then(() => 'stored', (error: Error) => error.message));
    await vi.waitFor(() => expect(pending).toHaveLength(2));
    const stopped = batcher.stop();
    commitOldest();
    commitOldest();
    await stopped;
    expect(await Promise.all(outcomes)).toEqual(['stored', 'stored', 'stored', 'stored', 'the archiver stopped before this message was stored']);
  });
});
