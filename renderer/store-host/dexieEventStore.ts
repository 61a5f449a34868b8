/**
 * The durable event store: Dexie over IndexedDB (Chromium's in the app, fake-indexeddb in
 * Node tests). Same contract, validation and atomicity as the in-memory twin.
 *
 * Layout (segmentFormat.ts): events packed into segments of up to 128, with a summary per
 * segment; the in-memory columns (eventColumns.ts), rebuilt from the summaries at open,
 * answer which seqs a query can match, and only the segments holding them are read.
 *
 * This class only puts the parts together, each a file of its own:
 * - storeWriter.ts: the one write queue (group commit of appends, status moves);
 * - storeReader.ts: queries, counts, replays and snapshots, over segmentReader.ts, which
 *   owns the in-memory state and reads segments;
 * - deliveryTable.ts: the delivery records and dead letters.
 *
 * Audit chain: each appended event gets `hash` (shared/audit/chain.ts) chained after the
 * previous event's, and the meta row `auditHead` is updated in the same transaction. The
 * in-memory head hash is the last stored event's, read at open.
 */
import type { StoredEvent } from '../../shared/events/event';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions,
  ReplayOptions, ReplayResult, Snapshot, StatusUpdate,
} from '../../shared/store/eventStore';
import { EMPTY_CHAIN } from '../../shared/audit/chain';
import type { ChainHead, ChainHeadReader } from '../../shared/audit/chain';
import { AUDIT_HEAD_KEY, PlantDatabase } from './plantDatabase';
import type { PlantDatabaseDeps } from './plantDatabase';
import { DeliveryTable } from './deliveryTable';
import { SegmentReader } from './segmentReader';
import { loadState } from './storeState';
import { StoreReader } from './storeReader';
import { StoreWriter } from './storeWriter';

export class DexieEventStore implements EventStore, ChainHeadReader {
  private readonly writer: StoreWriter;
  private readonly reader: StoreReader;
  private readonly deliveries: DeliveryTable;
  private readonly segments: SegmentReader;

  private constructor(private readonly db: PlantDatabase, segments: SegmentReader) {
    this.segments = segments;
    this.writer = new StoreWriter(db, segments);
    this.reader = new StoreReader(db, segments);
    this.deliveries = new DeliveryTable(db, segments);
  }

  /** `indexWindow`: events whose columns the in-memory index keeps (storeState.ts, INDEX_WINDOW); tests set a small one. */
  static async open(name: string, deps?: PlantDatabaseDeps, options: { indexWindow?: number } = {}): Promise<DexieEventStore> {
    const db = new PlantDatabase(name, deps);
    await db.open();
    return new DexieEventStore(db, new SegmentReader(db, await loadState(db, options.indexWindow)));
  }

  /**
   * Reads the database again, as a restart would (the audit tests call it after editing
   * stored rows behind the store's back).
   */
  private reload(): Promise<void> {
    return this.segments.reload();
  }

  /** The chain head recorded in the meta table (not derived from the events). */
  async chainHead(): Promise<ChainHead> {
    const row = await this.db.meta.get(AUDIT_HEAD_KEY);
    const value = row?.value as Partial<ChainHead> | undefined;
    return typeof value?.seq === 'number' && typeof value.hash === 'string' ? { seq: value.seq, hash: value.hash } : EMPTY_CHAIN;
  }

  append(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StoredEvent[]> {
    return this.writer.append(events, deliveries);
  }

  updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    return this.writer.updateStatuses(updates);
  }

  get(id: string): Promise<StoredEvent | null> {
    return this.reader.get(id);
  }

  getBySeq(seq: number): Promise<StoredEvent | null> {
    return this.reader.getBySeq(seq);
  }

  getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    return this.reader.getEventsByType(pattern, options);
  }

  query(query: EventQuery): Promise<EventPage> {
    return this.reader.query(query);
  }

  count(query?: EventQuery): Promise<number> {
    return this.reader.count(query);
  }

  async headSeq(): Promise<number> {
    return this.segments.columns.length;
  }

  replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>> {
    return this.reader.replay(options);
  }

  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.writer.saveSnapshot(snapshot);
  }

  nearestSnapshot(key: string, bounds?: { toSeq?: number; toTime?: number }): Promise<Snapshot | null> {
    return this.reader.nearestSnapshot(key, bounds);
  }

  putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    return this.writer.serial(() => this.deliveries.putDeliveries(records));
  }

  getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    return this.deliveries.getDelivery(eventId, subscriber);
  }

  pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    return this.deliveries.pendingDeliveries(subscriber);
  }

  deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    return this.deliveries.deliveriesOf(eventId);
  }

  deadLetters(): Promise<DeadLetter[]> {
    return this.deliveries.deadLetters();
  }

  /**
   * Closes the database after the write in progress. Writes still queued are refused, not
   * started (storeWriter.ts says why).
   */
  async close(): Promise<void> {
    await this.writer.close();
    this.db.close();
  }
}
