/**
 * The desktop app's event store: by default the Dexie store in a hidden store-host window,
 * with the journal, the anchor and the disk watch in the user-data folder; with
 * `--store postgres://…` the PostgreSQL store, used directly by main (PostgreSQL is the
 * durable store itself, so none of those stand beside it).
 */
import type { EventBus } from '../bus/eventBus';
import type { EventStore } from '../../shared/store/eventStore';
import { DiskGuard } from '../store/diskGuard';
import { openDurableStore } from '../store/durableStore';
import { StoreHostSupervisor } from '../store/host/storeHostSupervisor';
import type { StoreHostPlatform } from '../store/host/storeHostSupervisor';
import { PostgresEventStore } from '../store/postgres/postgresEventStore';
import { StoreClient } from '../store/storeClient';

export interface DesktopStore {
  readonly store: EventStore;
  storeStatus(): { connected: boolean; restarts: number };
  /** Starts what watches the store on the bus (the disk guard's alarm). */
  attach(bus: EventBus): Promise<void>;
  /** Stores what is pending and stops the store (and its host). */
  close(): Promise<void>;
}

export async function openDesktopStore(dataDir: string, postgresUrl: string | undefined, host: () => StoreHostPlatform, log: (line: string) => void): Promise<DesktopStore> {
  if (postgresUrl !== undefined) {
    const store = await PostgresEventStore.open({ url: postgresUrl, log });
    return { store, storeStatus: () => ({ connected: store.connected, restarts: 0 }), attach: async () => undefined, close: () => store.close() };
  }
  const supervisor = new StoreHostSupervisor(host(), { log });
  const disk = new DiskGuard({ dataDir, log });
  await disk.start();
  // The journal and the anchor beside IndexedDB (main/store): a store found damaged stops the
  // start with the seqs it lost; setting Electron's IndexedDB aside to rebuild it is not done here yet.
  const durable = await openDurableStore(dataDir, {
    open: async () => {
      const client = await StoreClient.open(() => supervisor.connect());
      return { store: client, close: () => client.close() };
    },
    moveAside: async () => {
      throw new Error(`the desktop app cannot rebuild it yet: stop it, then run "npm run audit -- backup --data-dir ${dataDir} --out FILE" on the journal and restore that in browser mode`);
    },
  }, { log, admit: disk.admit });
  const client = durable.inner;
  return {
    store: durable.store,
    storeStatus: () => ({ connected: client.connected, restarts: client.restarts }),
    attach: (bus) => disk.attach(bus),
    async close() {
      disk.stop();
      await durable.close();
      await supervisor.stop();
    },
  };
}
