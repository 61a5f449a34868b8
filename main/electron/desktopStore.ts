/**
 * The desktop app's event store: by default the Dexie store in a hidden store-host window,
 * with the journal, the anchor and the disk watch in the user-data folder; with
 * `--store postgres://…` the PostgreSQL store, used directly by main (PostgreSQL is the
 * durable store itself, so none of those stand beside it).
 */
import type { EventBus } from '../bus/eventBus';
import type { EventStore } from '../../shared/store/eventStore';
import { DiskGuard } from '../store/diskGuard';
import { openDurableStore, type StoreRecovery } from '../store/durableStore';
import { rebuildReporter, type RebuildReport } from '../store/rebuildProgress';
import { StoreHostSupervisor } from '../store/host/storeHostSupervisor';
import type { StoreHostPlatform } from '../store/host/storeHostSupervisor';
import { PostgresEventStore } from '../store/postgres/postgresEventStore';
import { StoreClient } from '../store/storeClient';
import { desktopStoreOpener } from './desktopStoreOpener';

export interface DesktopStore {
  readonly store: EventStore;
  /** Set when the store was found damaged and rebuilt from the journal at this start. */
  readonly recovery: StoreRecovery | null;
  storeStatus(): { connected: boolean; restarts: number };
  /** Starts what watches the store on the bus (the disk guard's alarm). */
  attach(bus: EventBus): Promise<void>;
  /** Stores what is pending and stops the store (and its host). */
  close(): Promise<void>;
}

/** `onRebuild` is told the progress of a rebuild from the journal, for the operator to see. */
export async function openDesktopStore(
  dataDir: string,
  postgresUrl: string | undefined,
  host: () => StoreHostPlatform,
  log: (line: string) => void,
  onRebuild?: (report: RebuildReport) => void,
): Promise<DesktopStore> {
  if (postgresUrl !== undefined) {
    const store = await PostgresEventStore.open({ url: postgresUrl, log });
    return { store, recovery: null, storeStatus: () => ({ connected: store.connected, restarts: 0 }), attach: async () => undefined, close: () => store.close() };
  }
  const disk = new DiskGuard({ dataDir, log });
  await disk.start();
  // The journal and the anchor beside IndexedDB (main/store): a store found damaged is set aside
  // (desktopStoreOpener.ts) and rebuilt from the journal; the caller records the recovery.
  const opener = desktopStoreOpener(dataDir, {
    supervise: () => new StoreHostSupervisor(host(), { log }),
    connect: (supervisor) => StoreClient.open(() => supervisor.connect()),
  });
  const durable = await openDurableStore(dataDir, opener, {
    log,
    admit: disk.admit,
    onProgress: rebuildReporter((report) => {
      log(report.sentence);
      onRebuild?.(report);
    }),
  });
  const client = durable.inner;
  return {
    store: durable.store,
    recovery: durable.recovery,
    storeStatus: () => ({ connected: client.connected, restarts: client.restarts }),
    attach: (bus) => disk.attach(bus),
    async close() {
      disk.stop();
      await durable.close();
      await opener.supervisor()?.stop();
    },
  };
}
