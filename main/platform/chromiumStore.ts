/**
 * An event store in a headless Chromium with nothing else around it: a loopback server that
 * answers only the store host's /store socket, the supervised store host, and a StoreClient.
 * The audit command line opens a data folder's store this way, and the benchmark measures
 * the product's store path with it. (Browser mode's host serves /store on its own server.)
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { StoreClient } from '../store/storeClient';
import { supervisedChromiumStoreHost, type SupervisedChromiumStoreHost } from './chromiumStoreHost';

export interface ChromiumStoreOptions {
  readonly chromiumPath: string;
  /** The built store-host page. */
  readonly pageFile: string;
  readonly profileDir: string;
  readonly memory?: boolean;
  readonly log?: (line: string) => void;
}

export interface ChromiumStore {
  readonly store: StoreClient;
  /** The store host's Chromium, while it runs. */
  pid(): number | undefined;
  /** Waits for every pending call, then stops Chromium (cleanly) and the server. */
  close(): Promise<void>;
}

export async function openChromiumStore(options: ChromiumStoreOptions): Promise<ChromiumStore> {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });
  const server = createServer((_request, response) => void response.writeHead(404).end());
  let host: SupervisedChromiumStoreHost | undefined;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const token = url.searchParams.get('token');
    if (url.pathname !== '/store' || !host?.expects(token)) return void socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    sockets.handleUpgrade(request, socket, head, (ws) => host?.acceptSocket(ws, token));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  const stopServer = async () => {
    for (const ws of sockets.clients) ws.terminate();
    sockets.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const current = (host = supervisedChromiumStoreHost(
    { chromiumPath: options.chromiumPath, pageFile: options.pageFile, profileDir: options.profileDir, memory: options.memory ?? false, socketUrl: `ws://127.0.0.1:${port}/store` },
    options.log ? { log: options.log } : {},
  ));
  let store: StoreClient;
  try {
    store = await StoreClient.open(current.supervisor.connect);
  } catch (error) {
    await current.supervisor.stop();
    await stopServer();
    throw error;
  }
  return {
    store,
    pid: () => current.supervisor.pid(),
    async close() {
      await store.close();
      await current.supervisor.stop();
      await stopServer();
    },
  };
}
