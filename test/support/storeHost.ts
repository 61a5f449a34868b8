/**
 * An in-process store host for tests: serveStore on one end of a linked pair, a StoreClient
 * on the other. `crash()` drops the link the way a dying store-host process would.
 */
import { StoreClient } from '../../main/store/storeClient';
import { serveStore } from '../../shared/rpc/serveStore';
import { linkedPair, type MessageLink } from '../../shared/rpc/link';
import type { EventStore } from '../../shared/store/eventStore';

export interface FakeHost {
  readonly client: StoreClient;
  /** Drops the current link; the client reconnects to a host serving `nextStore()`. */
  crash(): void;
  /** Links made so far (1 + the number of crashes the client recovered from). */
  readonly connections: () => number;
}

export async function fakeStoreHost(openStore: () => Promise<EventStore>): Promise<FakeHost> {
  let current: MessageLink | null = null;
  let connections = 0;
  const client = await StoreClient.open(async () => {
    const store = await openStore();
    const [mainEnd, hostEnd] = linkedPair();
    hostEnd.onClose(() => void store.close());
    serveStore(store, hostEnd);
    current = mainEnd;
    connections++;
    return mainEnd;
  });
  return { client, crash: () => current?.close(), connections: () => connections };
}
