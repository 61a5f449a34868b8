/**
 * The store the bus runs on in the product: a StoreClient talking to the store host page in
 * a headless Chromium, with Dexie on an on-disk IndexedDB profile (main/platform/chromiumStore.ts,
 * the same supervised host the audit command opens). Each measurement gets a fresh profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_NOT_FOUND, findChromiumExecutable } from '../../main/platform/chromium';
import { openChromiumStore } from '../../main/platform/chromiumStore';
import { DEFAULT_RENDERER_DIR, ensureRendererBuilt, rendererPages } from '../../main/platform/rendererBuild';
import type { EventStore } from '../../shared/store/eventStore';

export interface BenchStore {
  readonly store: EventStore;
  close(): Promise<void>;
}

export async function openProductStore(log: (line: string) => void): Promise<BenchStore> {
  const chromiumPath = await findChromiumExecutable();
  if (!chromiumPath) throw new Error(CHROMIUM_NOT_FOUND);
  await ensureRendererBuilt(log);
  const profileDir = mkdtempSync(join(tmpdir(), 'plant-bench-bus-store-'));
  try {
    const opened = await openChromiumStore({ chromiumPath, pageFile: rendererPages(DEFAULT_RENDERER_DIR).storeHost, profileDir, log });
    return {
      store: opened.store,
      close: async () => {
        await opened.close();
        rmSync(profileDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
}
