// The store contract through main's StoreClient, over the store RPC, to DexieEventStore on
// fake-indexeddb: what the application does, minus the Chromium process.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { describeEventStoreContract } from '../contract/eventStoreContract';
import { dexieTamper } from '../support/auditTamper';
import { fakeStoreHost } from '../support/storeHost';
import { StoreClient } from '../../main/store/storeClient';
import { serveStore } from '../../shared/rpc/serveStore';
import { LinkClosedError, linkedPair } from '../../shared/rpc/link';
import { makeEvent } from '../support/events';

describeEventStoreContract(
  'StoreClient → store RPC → DexieEventStore (fake-indexeddb)',
  async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    let latest: DexieEventStore | undefined;
    const open = async () => (latest = await DexieEventStore.open('plant-events', deps));
    const host = await fakeStoreHost(open);
    return { store: host.client, reopen: async () => (await fakeStoreHost(open)).client, tamper: dexieTamper(() => latest!) };
  },
  { reopens: true },
);

describe('StoreClient: store host crashes', () => {
  it('keeps every append that resolved and numbers them without gaps across crashes', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    const host = await fakeStoreHost(() => DexieEventStore.open('plant-events', deps));
    const resolved: string[] = [];
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const batch = [makeEvent({ payload: { i } }), makeEvent({ payload: { i, second: true } })];
      appends.push(host.client.append(batch).then((stored) => resolved.push(...stored.map((e) => e.id))));
      if (i % 15 === 7) {
        // Let some appends commit on the host, then drop the link before or after the answer.
        await vi.waitFor(() => expect(host.client.connected).toBe(true));
        await new Promise((resolve) => setTimeout(resolve, i % 2 ? 0 : 2));
        host.crash();
      }
    }
    await Promise.all(appends);
    expect(host.connections()).toBe(5);
    expect(host.client.restarts).toBe(4);
    expect(resolved).toHaveLength(120);
    const head = await host.client.headSeq();
    expect(head).toBe(120);
    for (const id of resolved) expect(await host.client.get(id), id).not.toBeNull();
    const seqs = new Set<number>();
    for (let seq = 1; seq <= head; seq++) seqs.add((await host.client.getBySeq(seq))!.seq);
    expect(seqs.size).toBe(120);
  });

  it('holds calls made while the link is closing, and sends them on the next link instead of failing them', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    let closing: (() => void) | undefined;
    const client = await StoreClient.open(async () => {
      const store = await DexieEventStore.open('plant-events', deps);
      const [mainEnd, hostEnd] = linkedPair();
      hostEnd.onClose(() => void store.close());
      serveStore(store, hostEnd);
      let isClosing = false;
      // The socket's state says closing before its close event arrives: send refuses meanwhile.
      closing = () => {
        isClosing = true;
        setTimeout(() => mainEnd.close(), 20);
      };
      return {
        ...mainEnd,
        send(message: unknown) {
          if (isClosing) throw new LinkClosedError('the connection is closed');
          mainEnd.send(message);
        },
      };
    });
    await client.append([makeEvent()]);
    closing?.();
    const during = await Promise.all([client.append([makeEvent(), makeEvent()]), client.headSeq()]);
    expect(during[0].map((e) => e.seq)).toEqual([2, 3]);
    expect(client.restarts).toBe(1);
    expect(await client.headSeq()).toBe(3);
    await client.close();
  });

  it('answers a bad request with an error and goes on serving', async () => {
    const host = await fakeStoreHost(() => DexieEventStore.open('plant-events', { indexedDB: new IDBFactory(), IDBKeyRange }));
    await expect(host.client.putDeliveries([{ eventId: 'x' } as never])).rejects.toThrow(/putDeliveries\(args\.0\.0\./);
    await expect(host.client.getBySeq('7' as never)).rejects.toThrow(/getBySeq\(args.0\): /);
    await host.client.append([makeEvent()]);
    expect(await host.client.count()).toBe(1);
  });
});
