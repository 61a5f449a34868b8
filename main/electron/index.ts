/**
 * The desktop application's composition root (Electron's main process). In order:
 * options and data folder, single-instance lock, the app protocol and the security hooks,
 * then on ready the store host, the store client, the core, the IPC bridge and the window.
 * Quitting flushes the bus and the store before the process exits.
 */
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, protocol, session, type BrowserWindow } from 'electron';
import { dispatcherFor } from '../api/coreDispatch';
import { UsageError } from '../cli/commandLine';
import { createPlantCore, type PlantCore } from '../core/plantCore';
import { createAppLogger } from '../logging/logger';
import { chooseLogLevel } from '../logging/logOptions';
import { routeLogging } from '../logging/routing';
import { isReviewFolder } from '../core/reviewMode';
import { useNodeSha256 } from '../store/nodeHash';
import { recordRecovery } from '../store/recoveryEvent';
import { storeLine } from '../store/postgres/storeOption';
import { isAppUrl, registerAppScheme, serveAppProtocol } from './appProtocol';
import { createAppWindow } from './appWindow';
import { STARTUP_WINDOW_AFTER_MS, startupWindow } from './startupWindow';
import { openDesktopStore } from './desktopStore';
import { electronFileDialogs } from './fileDialogs';
import { parseDesktopArgs, type DesktopOptions } from './args';
import { registerApiIpc } from './ipc';
import { electronPdfRenderer } from './printPdf';
import { createQuitHandler } from './quit';
import { hardenContents, hardenSession } from './security';
import { electronStoreHost } from './storeHostWindow';
import { boundHostHeapGrowth, hostFlagsForMainOnly } from '../platform/hostHeap';

const PRODUCT_NAME = 'Plant Event Console';
// Built layout (electron-vite): out/main/index.cjs, out/preload/*.cjs, out/renderer/**.
const built = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const RENDERER_DIR = built('../renderer');
const APP_PRELOAD = built('../preload/index.cjs');
const STORE_HOST_PRELOAD = built('../preload/storeHost.cjs');

function readOptions(): DesktopOptions {
  try {
    return parseDesktopArgs(process.argv.slice(1));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`plant-event-console: ${error.message}`);
    process.exit(2);
  }
}

const options = readOptions();
// The same folder in development and installed builds; --data-dir for tests and portable use.
app.setName(PRODUCT_NAME);
app.setPath('userData', options.dataDir ? resolve(options.dataDir) : join(app.getPath('appData'), PRODUCT_NAME));
registerAppScheme(protocol);
app.enableSandbox();
hostFlagsForMainOnly(app.commandLine);
app.on('web-contents-created', (_event, contents) => hardenContents(contents));

// The lock lives in the user-data folder: one instance per data folder.
if (!app.requestSingleInstanceLock()) {
  console.error(`${PRODUCT_NAME} is already running on ${app.getPath('userData')}; switching to it.`);
  app.exit(0);
} else {
  start().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${PRODUCT_NAME} could not start: ${message}`);
    dialog.showErrorBox(`${PRODUCT_NAME} could not start`, message);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  boundHostHeapGrowth();
  useNodeSha256();
  await app.whenReady();
  hardenSession(session.defaultSession, isAppUrl);
  serveAppProtocol(protocol, RENDERER_DIR);
  console.log(`${PRODUCT_NAME}: data in ${app.getPath('userData')}`);
  // The log: <user-data folder>/logs/plant.log, and the same lines on stderr. Its level comes from
  // PLANT_LOG_LEVEL only: Chromium reads a --log-level switch of its own from the same command line.
  const logger = createAppLogger({ name: 'plant', dir: join(app.getPath('userData'), 'logs'), stderr: true, level: chooseLogLevel(undefined) });
  routeLogging(logger);
  const log = logger.line();

  const dataDir = app.getPath('userData');
  if (options.store !== undefined) console.log(storeLine(options.store));
  // Opening the store is quick, but a rebuild from the journal is not: a small window says what
  // is happening until the console's window opens.
  const startup = startupWindow(PRODUCT_NAME);
  const slowStart = setTimeout(() => startup.show('Opening the event store…', null), STARTUP_WINDOW_AFTER_MS);
  const opened = await openDesktopStore(dataDir, options.store, () => electronStoreHost(STORE_HOST_PRELOAD), log, (report) => {
    clearTimeout(slowStart);
    startup.show(report.sentence, report.fraction);
  });
  // A store rebuilt from the journal has lost its delivery records: subscribers get its history again.
  const rebuilt = opened.recovery ? { bus: { redeliverUpToSeq: opened.recovery.rebuiltEvents } } : {};
  const core: PlantCore = await createPlantCore({
    ...rebuilt,
    store: opened.store,
    storeStatus: opened.storeStatus,
    settingsFile: join(app.getPath('userData'), 'settings.json'),
    simulator: options.simulator ? { rate: 20 } : false,
    review: options.review || isReviewFolder(app.getPath('userData')),
    user: userInfo().username,
    renderPdf: electronPdfRenderer,
    fileDialogs: electronFileDialogs(dialog, () => (appWindow && !appWindow.isDestroyed() ? appWindow : null)),
    plant: options.plant ?? null,
    sparkplug: options.sparkplug ?? null,
  });

  if (opened.recovery) await recordRecovery(core.bus, opened.recovery);
  await opened.attach(core.bus);

  let appWindow: BrowserWindow | null = null;
  const openWindow = () => {
    const window = createAppWindow(APP_PRELOAD, core.pushes);
    window.on('closed', () => {
      if (appWindow === window) appWindow = null;
      // The hidden store host would keep the app alive: the console's window is the app.
      if (process.platform !== 'darwin') app.quit();
    });
    appWindow = window;
  };

  registerApiIpc(ipcMain, {
    dispatch: dispatcherFor(core),
    appFrame: () => (appWindow && !appWindow.isDestroyed() ? appWindow.webContents.mainFrame : null),
    isAppUrl,
  });

  app.on('before-quit', createQuitHandler({
    flush: async () => {
      await core.close();
      await opened.close();
      await logger.close();
    },
    exit: (code) => app.exit(code),
  }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app.on('second-instance', () => {
    if (!appWindow) return openWindow();
    if (appWindow.isMinimized()) appWindow.restore();
    appWindow.focus();
  });
  app.on('activate', () => {
    if (!appWindow) openWindow();
  });
  openWindow();
  // Only now: with no window at all (a PostgreSQL store has no store host window), Electron would quit.
  clearTimeout(slowStart);
  startup.close();
}
