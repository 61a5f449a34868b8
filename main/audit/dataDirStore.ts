/**
 * The event store of a browser-mode data folder, for the audit command line: the same store
 * host page in a headless Chromium on the folder's profile (main/web/storeHostProcess.ts),
 * reached by a StoreClient over a local socket, with no plant core around it (no simulator,
 * no health events: the command adds nothing to the store but its own audit record).
 * The application must not be running on the same folder (Chromium locks its profile): that
 * is refused with one sentence naming the running host.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { StoreClient } from '../store/storeClient';
import { CHROMIUM_NOT_FOUND, findChromiumExecutable } from '../platform/chromium';
import { DEFAULT_RENDERER_DIR, ensureRendererBuilt, rendererPages } from '../platform/rendererBuild';
import { claimDataDir } from '../web/dataDirLock';
import { StoreHostSupervisor } from '../web/storeHostProcess';

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
  const pages = rendererPages(DEFAULT_RENDERER_DIR);

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });
  const server = createServer((_request, response) => void response.writeHead(404).end());
  const host: { supervisor?: StoreHostSupervisor } = {};
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/store' || !host.supervisor) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    sockets.handleUpgrade(request, socket, head, (ws) => host.supervisor?.acceptSocket(ws, url.searchParams.get('token')));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  const supervisor = (host.supervisor = new StoreHostSupervisor({
    chromiumPath,
    pageFile: pages.storeHost,
    profileDir,
    memory: false,
    socketUrl: `ws://127.0.0.1:${port}/store`,
    ...(options.log ? { log: options.log } : {}),
  }));
  const stopServer = async () => {
    for (const ws of sockets.clients) ws.terminate();
    sockets.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  let store: StoreClient;
  try {
    store = await StoreClient.open(supervisor.connect);
  } catch (error) {
    await supervisor.stop();
    await stopServer();
    throw error;
  }
  return {
    store,
    async close() {
      await store.close();
      await supervisor.stop();
      await stopServer();
    },
  };
}
