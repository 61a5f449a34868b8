/**
 * Raw IndexedDB for the store benchmark's baselines: no library between the page and the
 * database. build/ is type-checked without the DOM library, so the few IndexedDB members
 * used here are declared below (names prefixed `Raw` so they never meet the DOM's own).
 */

export type RawDurability = 'default' | 'strict' | 'relaxed';

interface RawRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

interface RawOpenRequest extends RawRequest<RawDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}

interface RawIndex {
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}

interface RawObjectStore {
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexNames: ArrayLike<string>;
  index(name: string): RawIndex;
  createIndex(name: string, keyPath: string | string[], options: { unique: boolean; multiEntry: boolean }): unknown;
  add(value: unknown, key?: number): RawRequest<unknown>;
  put(value: unknown): RawRequest<unknown>;
  get(key: number): RawRequest<unknown>;
  getAll(range: unknown, count: number): RawRequest<unknown[]>;
}

interface RawTransaction {
  readonly error: unknown;
  objectStore(name: string): RawObjectStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

export interface RawDatabase {
  createObjectStore(name: string, options: { keyPath?: string | string[]; autoIncrement?: boolean }): RawObjectStore;
  transaction(stores: string | readonly string[], mode: 'readonly' | 'readwrite', options?: { durability: RawDurability }): RawTransaction;
  close(): void;
}

interface RawPage {
  readonly indexedDB: { open(name: string, version?: number): RawOpenRequest };
  readonly IDBKeyRange: { lowerBound(lower: number, open?: boolean): unknown };
}

const page = globalThis as unknown as RawPage;

export interface IndexShape {
  readonly name: string;
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}

/** An object store's key and indexes, as IndexedDB itself reports them. */
export interface StoreShape {
  readonly name: string;
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexes: readonly IndexShape[];
}

function settle<T>(request: RawRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function completion(tx: RawTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** Opens `name` at its current version, creating `stores` when the database is new. */
export function openDatabase(name: string, stores: readonly StoreShape[] = []): Promise<RawDatabase> {
  const request = page.indexedDB.open(name);
  request.onupgradeneeded = () => {
    for (const shape of stores) {
      const store = request.result.createObjectStore(shape.name, {
        ...(shape.keyPath === null ? {} : { keyPath: shape.keyPath }),
        autoIncrement: shape.autoIncrement,
      });
      for (const index of shape.indexes) store.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
    }
  };
  const opened = settle(request);
  return new Promise((resolve, reject) => {
    request.onblocked = () => reject(new Error(`opening ${name} is blocked by another connection`));
    opened.then(resolve, reject);
  });
}

/** The shape of `storeName` in an existing database. */
export async function readStoreShape(dbName: string, storeName: string): Promise<StoreShape> {
  const db = await openDatabase(dbName);
  try {
    const store = db.transaction(storeName, 'readonly').objectStore(storeName);
    const indexes = Array.from(store.indexNames, (name) => {
      const index = store.index(name);
      return { name, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
    });
    return { name: storeName, keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes };
  } finally {
    db.close();
  }
}

/**
 * Adds `records` to `storeName`, `perTransaction` to a transaction, each transaction
 * committed before the next starts. `keyOf` gives out-of-line keys (stores without keyPath).
 */
export async function addInTransactions(
  db: RawDatabase,
  storeName: string,
  records: readonly unknown[],
  perTransaction: number,
  durability: RawDurability,
  keyOf?: (position: number) => number,
): Promise<void> {
  for (let start = 0; start < records.length; start += perTransaction) {
    const tx = db.transaction(storeName, 'readwrite', { durability });
    const done = completion(tx);
    const store = tx.objectStore(storeName);
    const end = Math.min(start + perTransaction, records.length);
    for (let i = start; i < end; i++) {
      if (keyOf) store.add(records[i], keyOf(i));
      else store.add(records[i]);
    }
    await done;
  }
}

/** One transaction's writes: records to add, by object store (in-line keys). */
export type RowGroup = readonly { readonly store: string; readonly records: readonly unknown[] }[];

/** Writes each group in one transaction (put), each committed before the next starts. */
export async function putGroupsInTransactions(db: RawDatabase, groups: readonly RowGroup[], durability: RawDurability): Promise<void> {
  for (const group of groups) {
    const tx = db.transaction(group.map((part) => part.store), 'readwrite', { durability });
    const done = completion(tx);
    for (const part of group) {
      const store = tx.objectStore(part.store);
      for (const record of part.records) store.put(record);
    }
    await done;
  }
}

/**
 * Reads every record of `storeName` in key order (`keyName` holds the key), `pageSize` per
 * getAll; returns the events read (a record with an `events` array counts as that many).
 */
export async function readAllPaged(db: RawDatabase, storeName: string, pageSize: number, keyName = 'seq'): Promise<number> {
  let read = 0;
  let after: number | undefined;
  for (;;) {
    const store = db.transaction(storeName, 'readonly').objectStore(storeName);
    const range = after === undefined ? null : page.IDBKeyRange.lowerBound(after, true);
    const batch = (await settle(store.getAll(range, pageSize))) as Record<string, unknown>[];
    for (const record of batch) read += Array.isArray(record.events) ? record.events.length : 1;
    if (batch.length < pageSize) return read;
    after = (batch[batch.length - 1] as Record<string, number>)[keyName];
  }
}

export async function getRecord(db: RawDatabase, storeName: string, key: number): Promise<unknown> {
  return settle(db.transaction(storeName, 'readonly').objectStore(storeName).get(key));
}
