/**
 * Browser mode's Node host: the same core as the desktop app, its store host in a headless
 * Chromium, the built renderer over HTTP on 127.0.0.1, and the API contract over a
 * WebSocket on /api. `startWebHost` is what the command line, the tests and the benchmark
 * use.
 */
import { mkdirSync, mkdtempSync, rmSync, existsSync, renameSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { EventStore } from '../../shared/store/eventStore';
import { dispatcherFor } from '../api/coreDispatch';
import type { Dispatch } from '../api/dispatch';
import { createPlantCore, type PlantCore, type PlantCoreOptions } from '../core/plantCore';
import { DiskGuard, type DiskGuardOptions } from '../store/diskGuard';
import { openDurableStore, type DurableStore, type StoreRecovery } from '../store/durableStore';
import { rebuildReporter } from '../store/rebuildProgress';
import { useNodeSha256 } from '../store/nodeHash';
import { StoreClient } from '../store/storeClient';
import { recordRecovery } from '../store/recoveryEvent';
import { claimDataDir, releaseHostLock, writeHostLock } from '../platform/dataDirLock';
import { checkApiUpgrade, MAX_MESSAGE_BYTES, serveApiSocket, type ApiSocket } from './apiSocket';
import { CHROMIUM_NOT_FOUND, findChromiumExecutable } from '../platform/chromium';
import { supervisedChromiumStoreHost, type SupervisedChromiumStoreHost } from '../platform/chromiumStoreHost';
import { DEFAULT_RENDERER_DIR, rendererPages } from '../platform/rendererBuild';
import { fileTransfer, type FileTransfer } from './fileTransfer';
import { newSecret } from '../platform/secret';
import { securityHeaders, staticFileHandler } from './staticFiles';
import { boundedSender, handleSocketErrors, MAX_FRAME_BYTES_BEFORE_AUTH, refuseUpgrade, setMaxFrameBytes, type OutputLimits } from './socketGuard';

export interface WebHostOptions {
  /** Where the store host's Chromium profile (and so the event store) lives. Not used with `memory`. */
  readonly dataDir?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Keep the store in fake-indexeddb inside the store host page: nothing is kept. */
  readonly memory?: boolean;
  /**
   * An event store that is durable by itself (PostgreSQL, main/store/postgres): main uses it
   * directly, with no store host, journal, anchor or disk watch. The data folder then holds
   * only the settings.
   */
  readonly openStore?: () => Promise<OwnStore>;
  readonly rendererDir?: string;
  readonly chromiumPath?: string;
  readonly log?: (line: string) => void;
  /** What the core runs besides the bus (simulator, settings file, user); nothing extra by default. */
  readonly core?: Omit<PlantCoreOptions, 'store' | 'storeStatus'>;
  /** The data folder's free-space watch (main/store/diskGuard.ts): its threshold, interval, or a probe for tests. */
  readonly disk?: Omit<DiskGuardOptions, 'dataDir' | 'log'>;
  /** How much unread output one client may leave queued (socketGuard's defaults otherwise). */
  readonly outputLimits?: OutputLimits;
  /** The largest file `POST /files/upload` takes (main/web/fileTransfer.ts's default otherwise). */
  readonly maxUploadBytes?: number;
  /** Events whose columns the store host's index keeps (main/platform/chromiumStoreHost.ts): benchmarks only. */
  readonly indexWindow?: number;
}

/** A store main uses directly; `connected` says whether its server answered last time. */
export type OwnStore = EventStore & { readonly connected: boolean };

export interface WebHost {
  /** The address to open, token included. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  readonly core: PlantCore;
  /** The API over the core, as the /api socket calls it. */
  readonly dispatch: Dispatch;
  /** The client of the store host (null with `openStore`: there is none). */
  readonly storeClient: StoreClient | null;
  /** Set when the store was found damaged at start and rebuilt from the journal. */
  readonly recovery: StoreRecovery | null;
  /** The free-space watch (null with `memory`). */
  readonly disk: DiskGuard | null;
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
  useNodeSha256();
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
  const own = memory ? undefined : options.openStore;
  const profileDir = memory ? mkdtempSync(join(tmpdir(), 'plant-memory-profile-')) : join(options.dataDir as string, 'chromium-profile');
  if (!memory) await claimDataDir(options.dataDir as string, profileDir, log);
  mkdirSync(profileDir, { recursive: true });

  const token = newSecret();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_MESSAGE_BYTES });
  const pendingWss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES_BEFORE_AUTH });
  const storeWss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });
  let serveFiles: ReturnType<typeof staticFileHandler> = async (_req, res) => void res.writeHead(503).end();
  let core: PlantCore | undefined;
  let dispatch: Dispatch | undefined;
  let origin = '';
  let clients = 0;
  let files: FileTransfer | undefined;

  const server = createServer((request, response) => {
    if (`http://${request.headers.host ?? ''}` !== origin) {
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`use ${origin}\n`);
      return;
    }
    if (files?.handle(request, response)) return;
    void serveFiles(request, response);
  });
  // Every refusal happens before the upgrade, so no frame of an unknown client is ever read;
  // a socket without its token in the address reads only small frames until it sends it.
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/store') {
      if (!storeHost?.expects(url.searchParams.get('token'))) return refuseUpgrade(socket, 403, 'not the store host this host started');
      storeWss.handleUpgrade(request, socket, head, (ws) => {
        handleSocketErrors(ws, 'store socket', log);
        storeHost?.acceptSocket(ws, url.searchParams.get('token'));
      });
    } else if (url.pathname === '/api') {
      const check = checkApiUpgrade(request, { origin, token });
      if (!check.ok) return refuseUpgrade(socket, 403, check.reason);
      (check.tokenGiven ? wss : pendingWss).handleUpgrade(request, socket, head, (ws) => {
        const clientId = `socket-${++clients}`;
        handleSocketErrors(ws, `api ${clientId}`, log);
        if (!core || !dispatch) return ws.close(1013, 'the host is still starting');
        const send = boundedSender(ws, `api ${clientId}`, log, options.outputLimits);
        const guarded: ApiSocket = {
          send,
          close: (code, reason) => ws.close(code, reason),
          on: ws.on.bind(ws) as ApiSocket['on'],
          get bufferedAmount() {
            return ws.bufferedAmount;
          },
          pause: () => ws.pause(),
          resume: () => ws.resume(),
        };
        const onAuthenticated = () => setMaxFrameBytes(ws, 2 * MAX_MESSAGE_BYTES);
        serveApiSocket(guarded, { clientId, dispatch, pushes: core.pushes, token, authenticated: check.tokenGiven, onAuthenticated });
      });
    } else {
      refuseUpgrade(socket, 404, 'no such socket');
    }
  });

  const port = await listen(server, options.port ?? 0);
  origin = `http://127.0.0.1:${port}`;
  serveFiles = staticFileHandler(rendererDir, securityHeaders(port));
  let storeHost: SupervisedChromiumStoreHost | undefined;
  // A new supervisor per opening: a store found damaged is closed, moved aside and opened afresh.
  const openStore = async () => {
    const current = (storeHost = supervisedChromiumStoreHost({ chromiumPath, pageFile: pages.storeHost, profileDir, memory, socketUrl: `ws://127.0.0.1:${port}/store`, indexWindow: options.indexWindow }, { log }));
    try {
      const client = await StoreClient.open(current.supervisor.connect);
      return { store: client, close: async () => (await client.close(), await current.supervisor.stop()) };
    } catch (error) {
      await current.supervisor.stop();
      throw error;
    }
  };
  const moveAside = async () => {
    const aside = `${profileDir}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(profileDir, aside);
    mkdirSync(profileDir, { recursive: true });
    return aside;
  };

  const shutDownServer = async () => {
    const all = [...wss.clients, ...pendingWss.clients, ...storeWss.clients];
    for (const ws of all) ws.close(1001, 'the host is stopping');
    const deadline = Date.now() + 1_000;
    while (all.some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const ws of all) ws.terminate();
    wss.close();
    pendingWss.close();
    storeWss.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  const disk = memory || own ? null : new DiskGuard({ ...options.disk, dataDir: options.dataDir as string, log });
  let opened: DurableStore<StoreClient> | { store: EventStore; inner: StoreClient | OwnStore; recovery: null; close(): Promise<void> } | undefined;
  try {
    if (!memory) writeHostLock(options.dataDir as string);
    await disk?.start();
    if (own) {
      const store = await own();
      opened = { store, inner: store, recovery: null, close: () => store.close() };
    } else if (memory) {
      const plain = await openStore();
      opened = { store: plain.store, inner: plain.store, recovery: null, close: plain.close };
    } else {
      opened = await openDurableStore(options.dataDir as string, { open: openStore, moveAside }, {
        log,
        ...(disk ? { admit: disk.admit } : {}),
        onProgress: rebuildReporter(({ sentence }) => log(sentence)),
      });
    }
    const inner = opened.inner;
    // A store rebuilt from the journal has lost its delivery records: subscribers get its history again.
    const rebuilt = opened.recovery ? { bus: { ...options.core?.bus, redeliverUpToSeq: opened.recovery.rebuiltEvents } } : {};
    core = await createPlantCore({
      ...options.core,
      ...rebuilt,
      store: opened.store,
      storeStatus: () => ({ connected: inner.connected, restarts: inner instanceof StoreClient ? inner.restarts : 0 }),
    });
    if (opened.recovery) await recordRecovery(core.bus, opened.recovery);
    dispatch = dispatcherFor(core);
    const allowed = core.files;
    files = fileTransfer({ origin, token, allow: (path) => allowed.allowPicked(path), log, ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}) });
    await disk?.attach(core.bus);
  } catch (error) {
    disk?.stop();
    await opened?.close().catch(() => undefined);
    await storeHost?.supervisor.stop();
    if (!memory) releaseHostLock(options.dataDir as string);
    await shutDownServer();
    files?.close();
    if (memory) rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  const ready = core;
  const durable = opened;
  const api = dispatch as Dispatch;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    core: ready,
    storeClient: durable.inner instanceof StoreClient ? durable.inner : null,
    recovery: durable.recovery,
    disk,
    storeHostPid: () => storeHost?.supervisor.pid(),
    dispatch: api,
    close() {
      closing ??= (async () => {
        for (const ws of [...wss.clients, ...pendingWss.clients]) ws.close(1001, 'the host is stopping');
        disk?.stop();
        await ready.close();
        await durable.close();
        await shutDownServer();
        files?.close();
        if (!memory) releaseHostLock(options.dataDir as string);
        if (memory) rmSync(profileDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
