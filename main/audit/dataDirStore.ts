/**
 * The event store of a browser-mode data folder, for the audit command line: the same store
 * host page in a headless Chromium on the folder's profile (main/platform/chromiumStore.ts),
 * reached by a StoreClient over a local socket, with no plant core around it (no simulator,
 * no health events: the command adds nothing to the store but its own audit record).
 * The application must not be running on the same folder (Chromium locks its profile): that
 * is refused with one sentence naming the running host.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreClient } from '../store/storeClient';
import { CHROMIUM_NOT_FOUND, findChromiumExecutable } from '../platform/chromium';
import { DEFAULT_RENDERER_DIR, ensureRendererBuilt, rendererPages } from '../platform/rendererBuild';
import { claimDataDir } from '../platform/dataDirLock';
import { openChromiumStore } from '../platform/chromiumStore';

export interface DataDirStore {
  readonly store: StoreClient;
  close(): Promise<void>;
}

export interface DataDirStoreOptions {
  /** Refuse a folder with no store yet (verify and export), instead of creating one (import). */
  readonly mustExist: boolean;
  readonly chromiumPath?: string;
  readonly log?: (line: string) => void;
}

export async function openDataDirStore(dataDir: string, options: DataDirStoreOptions): Promise<DataDirStore> {
  const profileDir = join(dataDir, 'chromium-profile');
  if (options.mustExist && !existsSync(profileDir)) throw new Error(`no event store in ${dataDir} (no chromium-profile folder there)`);
  // Says so in one sentence when the application has the folder open (instead of Chromium's profile lock).
  await claimDataDir(dataDir, profileDir, options.log);
  const chromiumPath = options.chromiumPath ?? (await findChromiumExecutable());
  if (!chromiumPath) throw new Error(CHROMIUM_NOT_FOUND);
  await ensureRendererBuilt(options.log);
  const opened = await openChromiumStore({ chromiumPath, pageFile: rendererPages(DEFAULT_RENDERER_DIR).storeHost, profileDir, ...(options.log ? { log: options.log } : {}) });
  return { store: opened.store, close: () => opened.close() };
}
