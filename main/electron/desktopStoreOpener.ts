/**
 * How the desktop app opens its Dexie store and sets a damaged one aside, without Electron:
 * each opening gets its own store host supervisor, and setting the store aside first stops
 * that supervisor (its hidden window holds Electron's IndexedDB open), then renames the
 * IndexedDB folder of the session the store host uses. Nothing is deleted; the next opening
 * starts a fresh host on an empty database, which durableStore.ts rebuilds from the journal.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../../shared/store/eventStore';
import type { OpenedStore, StoreOpener } from '../store/durableStore';

/** The store host window uses Electron's default session (no partition): its IndexedDB is here. */
export const indexedDbFolder = (userData: string): string => join(userData, 'IndexedDB');

/** Renames the IndexedDB folder to `IndexedDB.damaged-<time>` beside it and returns the new path (or says it was gone). */
export function moveIndexedDbAside(userData: string, rename: (from: string, to: string) => void = renameSync, now: Date = new Date()): string {
  const folder = indexedDbFolder(userData);
  const aside = `${folder}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    rename(folder, aside);
  } catch (error) {
    // A folder deleted by hand is the plainest lost store: there is nothing to keep, and the rebuild goes on.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `nowhere: ${folder} was already gone`;
    throw new Error(`the damaged store at ${folder} could not be moved aside (${(error as Error).message})`);
  }
  return aside;
}

export interface HostSupervisor {
  stop(): Promise<void>;
}

export interface DesktopStoreOpener<S extends EventStore> extends StoreOpener<S> {
  /** The supervisor of the store in use (the latest opening). */
  readonly supervisor: () => HostSupervisor | null;
}

/** Longer than Chromium's grace period for a closed IndexedDB backing store (2 s). */
const BACKING_STORE_SETTLE_MS = 3_000;

export function desktopStoreOpener<S extends EventStore & { close(): Promise<void> }, V extends HostSupervisor>(
  userData: string,
  host: { supervise(): V; connect(supervisor: V): Promise<S> },
  options: { rename?: (from: string, to: string) => void; now?: () => Date; settleMs?: number } = {},
): DesktopStoreOpener<S> {
  let current: V | null = null;
  const stopHost = async () => {
    const supervisor = current;
    current = null;
    await supervisor?.stop();
  };
  return {
    supervisor: () => current,
    async open(): Promise<OpenedStore<S>> {
      await stopHost();
      const supervisor = (current = host.supervise());
      try {
        const store = await host.connect(supervisor);
        return { store, close: () => store.close() };
      } catch (error) {
        await stopHost();
        throw error;
      }
    },
    async moveAside() {
      // No host may hold the folder while it is renamed. Chromium keeps a closed database's
      // backing store open in its browser process (Electron's main) for about two seconds, and
      // a host opened within that time could be handed the old files under their new name:
      // wait past it before moving the folder.
      await stopHost();
      await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? BACKING_STORE_SETTLE_MS));
      return moveIndexedDbAside(userData, options.rename, options.now?.());
    },
  };
}
