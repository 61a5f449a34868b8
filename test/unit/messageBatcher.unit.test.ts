// The archiver's batcher with a store whose commits the test releases one by one: the next
// batch goes to the store while one commits, each batch is settled (acknowledged) once its own
// commit is done, and a message that arrives while batches commit is stored without waiting
// for another message.
import { describe, expect, it, vi } from 'vitest';
import { MessageBatcher } from '../../main/archiver/messageBatcher';
import type { ArchiveTarget } from '../../main/archiver/archiveBatch';
import type { Delivered } from '../../main/archiver/pullStream';
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
function message(name = ''): Delivered {
  const event = makeEvent();
  ++streamSeq;
  return { data: encodeEvent(event), meta: { subject: subjectOf(event.type), streamSeq, storedAt: Date.now(), station: 'station-a' }, pending: 0, ackSubject: name || `ack.${streamSeq}` };
}

/** A batcher whose settled batches are kept in order, each message as its ack subject, or the error's message. */
function batcherOn(target: ArchiveTarget, maxBatch: number, inFlight?: number) {
  const settled: string[] = [];
  const batcher = new MessageBatcher(target, 'PLANT', maxBatch, (batch, error) => settled.push(...batch.map((m) => (error === null ? m.ackSubject : `${m.ackSubject}: ${(error as Error).message}`))), inFlight);
  return { batcher, settled };
}

describe('MessageBatcher', () => {
  it('hands the next batch to the store while one commits, and stores what came meanwhile without another message', async () => {
    const { target, pending, commitOldest } = heldStore();
    const { batcher, settled } = batcherOn(target, 3);
    const add = (name: string) => batcher.add(message(name));

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
    const { batcher, settled } = batcherOn(target, 2, 3);
    for (let i = 0; i < 8; i++) batcher.add(message(`m${i}`));
    await vi.waitFor(() => expect(pending.map((p) => p.events.length)).toEqual([2, 2, 2]));
    commitOldest();
    await vi.waitFor(() => expect(pending.map((p) => p.events.length)).toEqual([2, 2, 2]));
    while (pending.length > 0) commitOldest();
    await vi.waitFor(() => expect(settled).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']));
    expect(batcher.counts).toMatchObject({ stored: 8, batches: 4, inHand: 0 });
  });

  it('lets the batches handed to the store finish at a stop, and hands back the rest', async () => {
    const { target, pending, commitOldest } = heldStore();
    const { batcher, settled } = batcherOn(target, 2);
    for (let i = 0; i < 5; i++) batcher.add(message(`m${i}`));
    await vi.waitFor(() => expect(pending).toHaveLength(2));
    const stopped = batcher.stop();
    batcher.add(message('late'));
    commitOldest();
    commitOldest();
    await stopped;
    const handedBack = ': the archiver stopped before this message was stored';
    expect(settled).toEqual([`m4${handedBack}`, `late${handedBack}`, 'm0', 'm1', 'm2', 'm3']);
  });
});
