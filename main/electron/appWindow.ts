/**
 * The operator console window: sandboxed, context-isolated, no Node, showing the built
 * renderer from `app://plant/`, with `window.plant` from preload/index.ts as its only way
 * out. It is registered for live pushes while its page is loaded.
 */
import { BrowserWindow } from 'electron';
import type { PushHub } from '../core/pushHub';
import { appUrl } from './appProtocol';
import { attachPushes, windowClientId } from './ipc';

export const APP_PAGE = 'index.html';

export function createAppWindow(preloadPath: string, pushes: Pick<PushHub, 'connect' | 'disconnect'>): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Plant Event Console',
    backgroundColor: '#121212',
    autoHideMenuBar: true,
    // Written out in full in each window (not shared): Electronegativity reads these literals.
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click opens links in new windows otherwise.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const contents = window.webContents;
  const contentsId = contents.id;
  let detach = attachPushes(pushes, contents);
  // A reload is a new page: it starts without subscriptions. Reset before the new page can
  // run (and subscribe), not after it committed.
  contents.on('did-start-navigation', (details) => {
    if (!details.isMainFrame || details.isSameDocument) return;
    detach();
    detach = attachPushes(pushes, contents);
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => pushes.disconnect(windowClientId(contentsId)));
  void window.loadURL(appUrl(APP_PAGE)).catch((error: Error) => {
    console.error(`[app window] the console page did not load: ${error.message}`);
    if (!window.isDestroyed()) window.show();
  });
  return window;
}
