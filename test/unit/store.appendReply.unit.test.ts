// An append crosses to the store host with its events and comes back as seqs and hashes only
// (storeProtocol.ts: AppendReply). Main rebuilds the stored events; they must be the ones the
// store holds, and a reply that does not fit the append is refused with a sentence.
import { describe, expect, it } from 'vitest';
import { StoreClient } from '../../main/store/storeClient';
import { linkedPair, type MessageLink } from '../../shared/rpc/link';
import { serveStore } from '../../shared/rpc/serveStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { makeEvent } from '../support/events';

/** A link that shows main's side every message the host sends, and may change it first. */
function watched(link: MessageLink, seen: unknown[], change: (message: unknown) => unknown = (m) => m): MessageLink {
  return { ...link, onMessage: (listener) => link.onMessage((message) => (seen.push(message), listener(change(message)))) };
}

async function clientOn(store: InMemoryEventStore, change?: (message: unknown) => unknown) {
  const seen: unknown[] = [];
  const client = await StoreClient.open(async () => {
    const [mainEnd, hostEnd] = linkedPair();
    serveStore(store, hostEnd);
    return watched(mainEnd, seen, change);
  });
  return { client, seen };
}

describe('StoreClient: the append reply', () => {
  it('rebuilds from seqs and hashes the same stored events the store holds, with no event sent back', async () => {
    const store = new InMemoryEventStore();
    const { client, seen } = await clientOn(store);
    await client.append([makeEvent()]);
    const events = [
      makeEvent({ payload: { equipmentId: 'press-1', temperature: 71 } }),
      makeEvent({ correlationId: 'order-7', causationId: 'cause-1', payload: { text: 'no subject here' } }),
      makeEvent({ status: 'PROCESSED', metadata: { line: 'L1' }, payload: { equipmentId: 'oven-2' } }),
    ];
    const stored = await client.append(events);
    expect(stored.map((event) => event.seq)).toEqual([2, 3, 4]);
    for (const event of stored) expect(event).toStrictEqual(await store.get(event.id));

    const replies = seen.flatMap((message) => (message as { responses?: { value: unknown }[] }).responses ?? []).map((response) => response.value);
    const last = replies[replies.length - 1] as { first: number; hashes: string[] };
    expect(last).toStrictEqual({ first: 2, hashes: stored.map((event) => event.hash) });
    expect(JSON.stringify(replies)).not.toContain(events[0]!.id);
    await client.close();
  });

  it.each([
    ['one hash too few', (reply: { first: number; hashes: string[] }) => ({ ...reply, hashes: reply.hashes.slice(1) }), 'append reply: must carry 2 hashes'],
    ['no first seq', (reply: { first: number; hashes: string[] }) => ({ hashes: reply.hashes }), 'append reply: first must be a seq of at least 1'],
    ['a hash that is not text', (reply: { first: number; hashes: string[] }) => ({ ...reply, hashes: [1, 2] }), 'append reply: every hash must be a string'],
    ['no reply object', () => null, 'append reply: must carry 2 hashes'],
  ])('refuses a reply with %s, naming the problem', async (_label, spoil, sentence) => {
    const store = new InMemoryEventStore();
    const spoilAppend = (message: unknown) => {
      const responses = (message as { responses?: { id: number; ok: boolean; value: unknown }[] }).responses;
      if (!responses) return message;
      return { ...(message as object), responses: responses.map((r) => (r.ok && (r.value as { hashes?: unknown })?.hashes ? { ...r, value: spoil(r.value as { first: number; hashes: string[] }) } : r)) };
    };
    const { client } = await clientOn(store, spoilAppend);
    await expect(client.append([makeEvent(), makeEvent()])).rejects.toThrow(sentence);
    await client.close();
  });
});
