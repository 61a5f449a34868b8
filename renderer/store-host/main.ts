/**
 * The store host page: opens the Dexie event store and serves it to main's StoreClient.
 *
 * - In Electron, main posts a MessagePort through the store host's preload, which hands it on
 *   as a window message 'store-port'.
 * - In browser mode, the Node host opens this page (a file:// URL, so that its IndexedDB
 *   survives restarts) in a headless Chromium with `#ws=<socket url>&token=<one-time token>`
 *   in the hash, and `&memory=1` to keep the store in fake-indexeddb instead of on disk.
 */
import { STORE_PORT_CHANNEL } from '../../shared/api/channels';
import type { MessageLink } from '../../shared/rpc/link';
import { serveStore } from '../../shared/rpc/serveStore';
import type { EventStore } from '../../shared/store/eventStore';
import { openSocket, portLink, socketLink } from '../bridge/links';
import { DexieEventStore } from './dexieEventStore';
import { parseIndexWindow } from './storeState';

const DB_NAME = 'plant-event-console';

function showState(text: string): void {
  const element = document.getElementById('state');
  if (element) element.textContent = text;
}

async function openStore(memory: boolean, indexWindow: number | undefined): Promise<EventStore> {
  if (!memory) return DexieEventStore.open(DB_NAME, undefined, { indexWindow });
  const { indexedDB, IDBKeyRange } = await import('fake-indexeddb');
  return DexieEventStore.open(DB_NAME, { indexedDB, IDBKeyRange }, { indexWindow });
}

async function serve(link: MessageLink, memory: boolean, indexWindow?: number): Promise<void> {
  const store = await openStore(memory, indexWindow);
  link.onClose(() => void store.close());
  serveStore(store, link);
  showState(memory ? 'serving (in memory: nothing is kept)' : 'serving');
}

async function serveOverSocket(params: URLSearchParams): Promise<void> {
  const base = params.get('ws') ?? '';
  const token = params.get('token') ?? '';
  const url = new URL(base);
  if (url.protocol !== 'ws:' || url.hostname !== '127.0.0.1') throw new Error(`the store socket must be ws://127.0.0.1, not ${base}`);
  url.searchParams.set('token', token);
  const socket = await openSocket(url.href);
  try {
    await serve(socketLink(socket), params.get('memory') === '1', parseIndexWindow(params.get('indexWindow')));
  } catch (error) {
    // Tell the host why, in the close reason (at most 123 bytes).
    socket.close(4000, `store failed to open: ${(error as Error).message}`.slice(0, 120));
    throw error;
  }
}

function waitForPort(): void {
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window || event.data !== STORE_PORT_CHANNEL) return;
    const port = event.ports[0];
    if (!port) return console.error(`[store host] "${STORE_PORT_CHANNEL}" arrived without a port`);
    serve(portLink(port), false).catch((error: unknown) => {
      showState(`failed: ${(error as Error).message}`);
      console.error('[store host] could not open the store:', error);
      port.close();
    });
  });
  showState('waiting for main');
}

const params = new URLSearchParams(location.hash.slice(1));
if (params.has('ws')) {
  serveOverSocket(params).catch((error: unknown) => {
    showState(`failed: ${(error as Error).message}`);
    console.error('[store host]', error);
  });
} else {
  waitForPort();
}
