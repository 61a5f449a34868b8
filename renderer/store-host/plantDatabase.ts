/**
 * The plant's IndexedDB database: one Dexie class holding every schema version. The
 * IndexedDB implementation is injected, so the same class runs on Chromium's IndexedDB and
 * on fake-indexeddb in Node.
 *
 * Indexes of `events`, and why each exists:
 * - `seq` is the primary key, written explicitly by the store (not `++seq`): an IndexedDB key
 *   generator is not rolled back by an aborted transaction in every engine, so it could
 *   leave gaps; the store owns the gap-free numbering instead.
 * - `&id` unique: look-up by id, and the database itself refuses a duplicate id.
 * - `[type+seq]`, `[subject+seq]`: a single type or an entity's events, read in seq order,
 *   which is the order pages and replays are returned in.
 * - `correlationId`: the few events of one flow, sorted by seq after reading.
 * - `timestamp`: kept for time-range look-ups.
 * `source` and `[type+timestamp]` are left out: no read uses them (results are listed by
 * seq, not by time), and every index costs append throughput.
 *
 * `deliveries` carries one extra stored field, `pendingSeq`: the delivery's seq while it is
 * pending (not PROCESSED, not dead-lettered), absent otherwise. IndexedDB leaves a record out
 * of an index when a key part is missing, so `[subscriber+pendingSeq]` holds only what is
 * still to deliver and a restart does not walk a subscriber's whole history.
 *
 * Version 2 adds the audit hash chain: every event row carries `hash`, and the meta row
 * `auditHead` holds the chain's head ({ seq, hash }), written in each append's transaction.
 * Opening a version-1 database computes the hashes of the events it holds, in seq order,
 * inside the upgrade transaction (no index changes).
 *
 * Version 3 packs events into segments (segmentFormat.ts): `segments` and `summaries`, both
 * keyed by a segment's first seq, replace the one-row-per-event `events` table and its five
 * indexes; queries run on an in-memory index rebuilt from the summaries at open. The
 * upgrade copies the events of a version-2 database, in seq order, into segments inside the
 * upgrade transaction. Version 4 drops the old `events` table (Dexie lets an upgrade read a
 * table that a later version deletes). Version 5 adds `deliveryBatches`: the deliveries of
 * fresh events, one row per append (deliveryBatches.ts); rows of `deliveries` written before
 * stay as they are.
 */
import { Dexie } from 'dexie';
import type { ChromeTransactionDurability, Table, Transaction } from 'dexie';
import type { StoredEvent } from '../../shared/events/event';
import type { DeliveryRecord, Snapshot } from '../../shared/store/eventStore';
import { GENESIS_HASH, storeHashOf } from '../../shared/audit/chain';
import type { ChainHead } from '../../shared/audit/chain';
import { EventColumns } from './eventColumns';
import { commitPacked, packEvents } from './segmentFormat';
import type { OpenSegment, SegmentRow, SummaryRow } from './segmentFormat';
import type { DeliveryBatchRow } from './deliveryBatches';

export const SCHEMA_VERSION = 5;
/** The meta key of the audit chain's head. */
export const AUDIT_HEAD_KEY = 'auditHead';
/** Events hashed per read-and-write step of the version-2 upgrade. */
const UPGRADE_CHUNK = 2000;

export const SCHEMA_V1 = {
  events: 'seq, &id, [type+seq], [subject+seq], correlationId, timestamp',
  deliveries: '[eventId+subscriber], [subscriber+pendingSeq], deadLetteredAt, eventId',
  snapshots: '[key+seq]',
  checkpoints: 'name',
  meta: 'key',
};

/** The version-2 upgrade: hashes every stored event in seq order and records the head. */
async function hashStoredEvents(tx: Transaction): Promise<void> {
  const events = tx.table<StoredEvent, number>('events');
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  for (;;) {
    const chunk = await events.where('seq').above(head.seq).limit(UPGRADE_CHUNK).toArray();
    if (chunk.length === 0) break;
    let prev = head.hash;
    const hashed = chunk.map((event) => ({ ...event, hash: (prev = storeHashOf(prev, event)) }));
    await events.bulkPut(hashed);
    head = { seq: chunk[chunk.length - 1]!.seq, hash: prev };
  }
  await tx.table('meta').bulkPut([{ key: AUDIT_HEAD_KEY, value: head }, { key: 'schemaVersion', value: 2 }]);
}

export const SCHEMA_V3 = {
  ...SCHEMA_V1,
  segments: 'first',
  summaries: 'first',
};

export const SCHEMA_V4 = { ...SCHEMA_V3, events: null };

export const SCHEMA_V5 = { ...SCHEMA_V4, deliveryBatches: 'first, *pendingSubs' };

/** The version-3 upgrade: every stored event, in seq order, into segments and their summaries. */
async function packStoredEvents(tx: Transaction): Promise<void> {
  const events = tx.table<StoredEvent, number>('events');
  const columns = new EventColumns();
  let tail: OpenSegment | undefined;
  let head = 0;
  for (;;) {
    const chunk = await events.where('seq').above(head).limit(UPGRADE_CHUNK).toArray();
    if (chunk.length === 0) break;
    chunk.forEach((event, i) => {
      if (event.seq !== head + i + 1) throw new Error(`schema upgrade: seq ${head + i + 1} is missing from the stored events`);
    });
    const packed = packEvents(columns, tail, chunk);
    commitPacked(columns, packed, chunk.length);
    tail = packed.tail;
    head += chunk.length;
    await tx.table('segments').bulkPut([...packed.segments]);
    await tx.table('summaries').bulkPut([...packed.summaries]);
  }
  await tx.table('meta').put({ key: 'schemaVersion', value: 3 });
}

export type DeliveryRow = DeliveryRecord & { pendingSeq?: number };

export interface CheckpointRow {
  readonly name: string;
  readonly seq: number;
  readonly updatedAt: number;
}

/** `schemaVersion` and the reserved `auditHead` (head of the audit hash chain). */
export interface MetaRow {
  readonly key: string;
  readonly value: unknown;
}

export interface PlantDatabaseDeps {
  readonly indexedDB?: IDBFactory;
  readonly IDBKeyRange?: typeof IDBKeyRange;
  /** Durability of every write transaction; 'strict' (the default) flushes to disk before commit. */
  readonly durability?: ChromeTransactionDurability;
}

export class PlantDatabase extends Dexie {
  segments!: Table<SegmentRow, number>;
  summaries!: Table<SummaryRow, number>;
  deliveries!: Table<DeliveryRow, [string, string]>;
  deliveryBatches!: Table<DeliveryBatchRow, number>;
  snapshots!: Table<Snapshot, [string, number]>;
  checkpoints!: Table<CheckpointRow, string>;
  meta!: Table<MetaRow, string>;

  constructor(name: string, deps: PlantDatabaseDeps = {}) {
    super(name, {
      ...(deps.indexedDB ? { indexedDB: deps.indexedDB } : {}),
      ...(deps.IDBKeyRange ? { IDBKeyRange: deps.IDBKeyRange } : {}),
      // Dexie sets durability per database, not per transaction. Appends are the audit
      // log, so the whole database commits strictly unless a caller asks otherwise.
      chromeTransactionDurability: deps.durability ?? 'strict',
      // No live queries run against this database: skip Dexie's query cache.
      cache: 'disabled',
    });
    // Nor does anything observe it: Dexie's observability layer recorded the range of every
    // written key and broadcast them to other pages after each commit, and its cache layer
    // gave every write transaction an AbortController.
    this.unuse({ stack: 'dbcore', name: 'Observability' });
    this.unuse({ stack: 'dbcore', name: 'Cache' });
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V1).upgrade(hashStoredEvents);
    this.version(3).stores(SCHEMA_V3).upgrade(packStoredEvents);
    this.version(4).stores(SCHEMA_V4).upgrade((tx) => tx.table('meta').put({ key: 'schemaVersion', value: 4 }));
    this.version(5).stores(SCHEMA_V5).upgrade((tx) => tx.table('meta').put({ key: 'schemaVersion', value: 5 }));
    this.on('populate', (tx) => {
      void tx.table('meta').add({ key: 'schemaVersion', value: SCHEMA_VERSION });
    });
  }
}
