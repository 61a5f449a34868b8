/**
 * Browser entry of the store page (bundled by browserPage.ts): puts a DexieEventStore on
 * Chromium's real IndexedDB behind `window.__store`, so that a Node test can drive it with
 * `page.evaluate(() => window.__store.append(...))` or `storePage.store.append(...)`.
 * Everything crossing to Node is structured-cloneable (events and delivery records are
 * plain JSON). The API's type lives in browserPage.ts.
 */
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import type { StorePageApi } from './browserPage';

declare global {
  interface Window {
    __store: StorePageApi;
  }
}

let current: DexieEventStore | undefined;

function opened(): DexieEventStore {
  if (!current) throw new Error('window.__store: call open(dbName) first');
  return current;
}

window.__store = {
  async open(dbName) {
    await current?.close();
    current = undefined;
    current = await DexieEventStore.open(dbName);
  },
  append: (events, deliveries) => opened().append(events, deliveries),
  query: (query) => opened().query(query),
  get: (id) => opened().get(id),
  headSeq: () => opened().headSeq(),
  count: (query) => opened().count(query),
  pendingDeliveries: (subscriber) => opened().pendingDeliveries(subscriber),
  async close() {
    const store = current;
    current = undefined;
    await store?.close();
  },
  openInPage: (dbName) => DexieEventStore.open(dbName),
};
