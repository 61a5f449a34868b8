/**
 * StoreClient after a store host went away with an append unanswered: the new host is asked
 * whether the append was committed. When it cannot say (the question fails), the append
 * fails with that answer instead of waiting for ever, and the calls queued behind it are
 * still sent: a publisher whose append hung would hold up every publish after it.
 */
import { describe, expect, it, vi } from 'vitest';
import { StoreHostGaveUpError } from '../../main/store/host/storeHostSupervisor';
import { StoreClient } from '../../main/store/storeClient';
import { linkedPair, type MessageLink } from '../../shared/rpc/link';
import { serveStore } from '../../shared/rpc/serveStore';
import type { EventStore } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import { makeEvent } from '../support/events';

/** A store whose `get` fails once: a host that cannot read yet. */
function failingGetOnce(store: EventStore): EventStore {
  let failed = false;
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'get' && !failed) {
        failed = true;
        return () => Promise.reject(new Error('the store is still opening'));
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('StoreClient: an append unanswered when the host went away', () => {
  it('fails with the new host\'s answer when that host cannot say whether it was stored, and the calls behind it go on', async () => {
    const store = new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });
    let links = 0;
    let first: MessageLink | undefined;
    const client = await StoreClient.open(async () => {
      const [mainEnd, hostEnd] = linkedPair();
      if (++links === 1) {
        // The first host answers its ready message and the opening headSeq, then nothing more.
        serveStore(store, hostEnd);
        first = mainEnd;
      } else {
        serveStore(failingGetOnce(store), hostEnd);
      }
      return mainEnd;
    });
    // Requests the first host will never answer: its link is dropped before they arrive.
    const interrupted = client.append([makeEvent()]);
    const behind = client.headSeq();
    await Promise.resolve(); // sent (in flight), not yet delivered
    first?.close();
    await expect(interrupted).rejects.toThrow('the store is still opening');
    await expect(behind).resolves.toBe(0);
    await expect(client.append([makeEvent()])).resolves.toMatchObject([{ seq: 1 }]);
    await client.close();
  });

  it('fails it, and the calls made while the host was away, when the host is given up on while it is asked', async () => {
    const store = new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });
    const links: MessageLink[] = [];
    let sentOnSecond = 0;
    const client = await StoreClient.open(async () => {
      if (links.length === 2) throw new StoreHostGaveUpError('the store host failed 6 times within 60 s and is not started again');
      const [mainEnd, hostEnd] = linkedPair();
      links.push(mainEnd);
      if (links.length === 1) {
        serveStore(store, hostEnd);
        return mainEnd;
      }
      // The second host starts a moment later, takes requests and dies before it answers any.
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { ...mainEnd, send: () => void sentOnSecond++ };
    });
    const interrupted = client.append([makeEvent()]);
    await Promise.resolve();
    links[0]?.close();
    const whileAway = client.headSeq();
    await vi.waitFor(() => expect(sentOnSecond).toBe(1));
    links[1]?.close();
    await expect(interrupted).rejects.toBeInstanceOf(StoreHostGaveUpError);
    await expect(whileAway).rejects.toBeInstanceOf(StoreHostGaveUpError);
    await expect(client.headSeq()).rejects.toBeInstanceOf(StoreHostGaveUpError);
  });
});
