/**
 * The store host as Electron runs it: a hidden, sandboxed BrowserWindow showing the built
 * store-host page from `app://plant/`, reached through a MessageChannelMain. Its preload
 * (preload/storeHost.ts) hands the page the port; the page serves the Dexie store on it.
 * This file only opens and closes such windows; main/store/host/storeHostSupervisor.ts
 * decides when.
 */
import { BrowserWindow, MessageChannelMain } from 'electron';
import { STORE_PORT_CHANNEL } from '../../shared/api/channels';
import { appUrl } from './appProtocol';
import { portLink } from './portLink';
import type { RunningHost, StoreHostPlatform } from '../store/host/storeHostSupervisor';

export const STORE_HOST_PAGE = 'store-host/index.html';

export function electronStoreHost(preloadPath: string): StoreHostPlatform {
  return {
    async start(signal: AbortSignal): Promise<RunningHost> {
      if (signal.aborted) throw signal.reason;
      const window = new BrowserWindow({
        show: false,
        width: 400,
        height: 300,
        title: 'Plant Event Console store host',
        webPreferences: {
          preload: preloadPath,
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          nodeIntegrationInWorker: false,
          nodeIntegrationInSubFrames: false,
          webSecurity: true,
          allowRunningInsecureContent: false,
          webviewTag: false,
          spellcheck: false,
          disableBlinkFeatures: 'Auxclick',
          // A hidden window is otherwise throttled, which would slow the store down.
          backgroundThrottling: false,
        },
      });
      let goneReason: string | null = null;
      const goneListeners: ((reason: string) => void)[] = [];
      const gone = (reason: string) => {
        if (goneReason !== null) return;
        goneReason = reason;
        for (const listener of goneListeners.splice(0)) listener(reason);
      };
      window.webContents.on('render-process-gone', (_event, details) => gone(`renderer process ${details.reason}`));
      window.on('closed', () => gone('window closed'));

      const destroy = () => {
        if (!window.isDestroyed()) window.destroy();
      };
      signal.addEventListener('abort', destroy, { once: true });
      try {
        await window.loadURL(appUrl(STORE_HOST_PAGE));
      } catch (error) {
        destroy();
        throw signal.aborted ? signal.reason : new Error(`the store host page did not load: ${(error as Error).message}`);
      } finally {
        signal.removeEventListener('abort', destroy);
      }
      if (signal.aborted) {
        destroy();
        throw signal.reason;
      }

      // A fresh channel: one end to the page (its preload hands it on), main keeps the other.
      const { port1, port2 } = new MessageChannelMain();
      const link = portLink(port1);
      window.webContents.postMessage(STORE_PORT_CHANNEL, null, [port2]);
      return {
        link,
        pid: window.webContents.getOSProcessId(),
        onGone(listener) {
          if (goneReason !== null) queueMicrotask(() => listener(goneReason as string));
          else goneListeners.push(listener);
        },
        stop: async () => destroy(),
      };
    },
  };
}
