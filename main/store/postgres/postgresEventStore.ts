/**
 * The event store on PostgreSQL (the seed's PostgresEventStore): the same EventStore
 * contract as the in-memory and Dexie stores, for a plant's store of record and for a
 * station that runs on a PostgreSQL server instead of its local IndexedDB. PostgreSQL is
 * itself the durable store, so no journal or anchor stands beside it.
 *
 * This class only puts the parts together: pgConnection.ts (pool, bounded wait, errors
 * without secrets), pgSchema.ts (migrations, append-only trigger), pgWriter.ts (group
 * commit under an advisory lock), pgReader.ts (reads and snapshots), pgDeliveries.ts
 * (delivery records and status moves). Whole-history reads (the seed's getEventsByType,
 * replay) page through `query` in seq order, as the store client does.
 */
import type { ChainHead, ChainHeadReader } from '../../../shared/audit/chain';
import type { StoredEvent } from '../../../shared/events/event';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions,
  ReplayOptions, ReplayResult, Snapshot, StatusUpdate,
} from '../../../shared/store/eventStore';
import { replayByQuery, typeQueryAll } from '../../../shared/store/readAll';
import { PostgresConnection } from './pgConnection';
import type { PostgresOptions } from './pgConnection';
import { PgDeliveries } from './pgDeliveries';
import { PgReader } from './pgReader';
import { migrate } from './pgSchema';
import { PgWriter } from './pgWriter';

export class PostgresEventStore implements EventStore, ChainHeadReader {
  private readonly writer: PgWriter;
  private readonly reader: PgReader;
  private readonly deliveries: PgDeliveries;
  private closing: Promise<void> | undefined;

  private constructor(private readonly db: PostgresConnection) {
    this.writer = new PgWriter(db);
    this.reader = new PgReader(db);
    this.deliveries = new PgDeliveries(db);
  }

  /** Connects (waiting up to `waitMs` for the server), applies the schema's migrations and opens the store. */
  static async open(options: PostgresOptions): Promise<PostgresEventStore> {
    const db = new PostgresConnection(options);
    try {
      await db.transaction('the event store was not opened', (client) => migrate(client, db.target));
    } catch (error) {
      await db.end().catch(() => undefined);
      throw error;
    }
    return new PostgresEventStore(db);
  }

  /** Whether the server answered the last attempt to connect. */
  get connected(): boolean {
    return this.db.reachable;
  }

  /** host:port/database, for messages (never the credentials). */
  get target(): string {
    return this.db.target;
  }

  append(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StoredEvent[]> {
    return this.writer.append(events, deliveries);
  }

  get(id: string): Promise<StoredEvent | null> {
    return this.reader.get(id);
  }

  /** The stored events among `ids` in one look-up (the archiver's duplicate check); not part of the contract. */
  getMany(ids: readonly string[]): Promise<StoredEvent[]> {
    return this.reader.getMany(ids);
  }

  getBySeq(seq: number): Promise<StoredEvent | null> {
    return this.reader.getBySeq(seq);
  }

  getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    return typeQueryAll(this, pattern, options);
  }

  query(query: EventQuery): Promise<EventPage> {
    return this.reader.query(query);
  }

  count(query?: EventQuery): Promise<number> {
    return this.reader.count(query);
  }

  headSeq(): Promise<number> {
    return this.reader.headSeq();
  }

  updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    return this.deliveries.updateStatuses(updates);
  }

  putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    return this.deliveries.putDeliveries(records);
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

  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.reader.saveSnapshot(snapshot);
  }

  nearestSnapshot(key: string, bounds?: { toSeq?: number; toTime?: number }): Promise<Snapshot | null> {
    return this.reader.nearestSnapshot(key, bounds);
  }

  replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>> {
    return replayByQuery(this, options);
  }

  /** The head recorded in `chain_head`, apart from the events. */
  async chainHead(): Promise<ChainHead> {
    const result = await this.db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM chain_head');
    const row = result.rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: '' };
  }

  /** Waits for the commit in progress (what is still queued is refused), then closes the connections. */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writer.close();
      await this.db.end();
    })();
    return this.closing;
  }
}
