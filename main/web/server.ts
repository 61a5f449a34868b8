/**
 * Browser mode's Node host: the same core as the desktop app, its store host in a headless
 * Chromium, the built renderer over HTTP on 127.0.0.1, and the API contract over a
 * WebSocket on /api. `startWebHost` is what the command line, the tests and the benchmark
 * use.
 */
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createDispatcher, type Dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import { createPlantCore, type PlantCore, type PlantCoreOptions } from '../core/plantCore';
import { StoreClient } from '../store/storeClient';
import { checkApiUpgrade, MAX_MESSAGE_BYTES, serveApiSocket, POLICY_VIOLATION } from './apiSocket';
import { CHROMIUM_NOT_FOUND, findChromiumExecutable } from '../platform/chromium';
import { DEFAULT_RENDERER_DIR, rendererPages } from '../platform/rendererBuild';
import { newSecret } from './secret';
import { securityHeaders, staticFileHandler } from './staticFiles';
import { StoreHostSupervisor } from './storeHostProcess';

export interface WebHostOptions {
  /** Where the store host's Chromium profile (and so the event store) lives. Not used with `memory`. */
  readonly dataDir?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Keep the store in fake-indexeddb inside the store host page: nothing is kept. */
  readonly memory?: boolean;
  readonly rendererDir?: string;
  readonly chromiumPath?: string;
  readonly log?: (line: string) => void;
  /** What the core runs besides the bus (simulator, settings file, user); nothing extra by default. */
  readonly core?: Omit<PlantCoreOptions, 'store' | 'storeStatus'>;
}

export interface WebHost {
  /** The address to open, token included. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  readonly core: PlantCore;
  /** The API over the core, as the /api socket calls it. */
  readonly dispatch: Dispatch;
  readonly storeClient: StoreClient;
  /** The pid of the store host's Chromium, while it runs. */
  storeHostPid(): number | undefined;
  /** Flushes every pending write, then stops the store host and the server. */
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

export async function startWebHost(options: WebHostOptions = {}): Promise<WebHost> {
  const log = options.log ?? (() => undefined);
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const pages = rendererPages(rendererDir);
  if (!existsSync(pages.index) || !existsSync(pages.storeHost)) {
    throw new Error(`the user interface is not built in ${rendererDir}: run "npm run web" (it builds it) or "npx vite build"`);
  }
  const chromiumPath = options.chromiumPath ?? (await findChromiumExecutable());
  if (!chromiumPath) throw new Error(CHROMIUM_NOT_FOUND);
  const memory = options.memory ?? false;
  if (!memory && !options.dataDir) throw new Error('startWebHost: a dataDir is needed unless memory is set');
  const profileDir = memory ? mkdtempSync(join(tmpdir(), 'plant-memory-profile-')) : join(options.dataDir as string, 'chromium-profile');
  mkdirSync(profileDir, { recursive: true });

  const token = newSecret();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_MESSAGE_BYTES });
  const storeWss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });
  let serveFiles: ReturnType<typeof staticFileHandler> = async (_req, res) => void res.writeHead(503).end();
  let core: PlantCore | undefined;
  let dispatch: Dispatch | undefined;
  let origin = '';
  let clients = 0;

  const server = createServer((request, response) => {
    if (`http://${request.headers.host ?? ''}` !== origin) {
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`use ${origin}\n`);
      return;
    }
    void serveFiles(request, response);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/store') {
      storeWss.handleUpgrade(request, socket, head, (ws) => {
        supervisor.acceptSocket(ws, new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('token'));
      });
    } else if (path === '/api') {
      wss.handleUpgrade(request, socket, head, (ws) => {
        const check = checkApiUpgrade(request, { origin, token });
        if (!check.ok) return ws.close(POLICY_VIOLATION, check.reason);
        if (!core || !dispatch) return ws.close(1013, 'the host is still starting');
        ws.on('error', (error) => log(`api socket: ${error.message}`));
        serveApiSocket(ws, { clientId: `socket-${++clients}`, dispatch, pushes: core.pushes, token, authenticated: check.tokenGiven });
      });
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });

  const port = await listen(server, options.port ?? 0);
  origin = `http://127.0.0.1:${port}`;
  serveFiles = staticFileHandler(rendererDir, securityHeaders(port));
  const supervisor = new StoreHostSupervisor({ chromiumPath, pageFile: pages.storeHost, profileDir, memory, socketUrl: `ws://127.0.0.1:${port}/store`, log });

  const shutDownServer = async () => {
    const all = [...wss.clients, ...storeWss.clients];
    for (const ws of all) ws.close(1001, 'the host is stopping');
    const deadline = Date.now() + 1_000;
    while (all.some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const ws of all) ws.terminate();
    wss.close();
    storeWss.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  let storeClient: StoreClient;
  try {
    storeClient = await StoreClient.open(supervisor.connect);
    core = await createPlantCore({
      ...options.core,
      store: storeClient,
      storeStatus: () => ({ connected: storeClient.connected, restarts: storeClient.restarts }),
    });
    dispatch = createDispatcher(createHandlers(core));
  } catch (error) {
    await supervisor.stop();
    await shutDownServer();
    if (memory) rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  const ready = core;
  const api = dispatch as Dispatch;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    core: ready,
    dispatch: api,
    storeClient,
    storeHostPid: () => supervisor.pid(),
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.close(1001, 'the host is stopping');
        await ready.close();
        await storeClient.close();
        await supervisor.stop();
        await shutDownServer();
        if (memory) rmSync(profileDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
