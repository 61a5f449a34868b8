/**
 * The event store contract. Implementations: `InMemoryEventStore` (shared/store) and
 * `DexieEventStore` (renderer/store-host, over any IndexedDB). One contract suite
 * (test/contract) runs against all of them.
 */
import type { ChainHead } from '../audit/chain';
import type { EventStatus, JsonValue, PlantEvent, Priority, StoredEvent } from '../events/event';

/** A subscriber's delivery of one event. Moves PUBLISHED → DELIVERED → PROCESSED, or FAILED. */
export type DeliveryStatus = 'PUBLISHED' | 'DELIVERED' | 'PROCESSED' | 'FAILED';

export interface DeliveryAttemptError {
  readonly attempt: number;
  readonly at: number;
  readonly message: string;
}

export interface DeliveryRecord {
  readonly eventId: string;
  readonly seq: number;
  readonly subscriber: string;
  readonly status: DeliveryStatus;
  /** Attempts made so far (a handler call counts as one attempt). */
  readonly attempts: number;
  readonly lastError?: string;
  /** The most recent attempt errors, oldest first (bounded). */
  readonly errors: readonly DeliveryAttemptError[];
  /** When the next retry is due, for a FAILED delivery that will be retried. */
  readonly nextAttemptAt?: number;
  /** Set when retries were exhausted: the delivery sits in the dead-letter queue. */
  readonly deadLetteredAt?: number;
  /** Set when an operator discarded the dead letter. */
  readonly discardedAt?: number;
  readonly discardReason?: string;
  readonly updatedAt: number;
}

export interface DeadLetter {
  readonly delivery: DeliveryRecord;
  readonly event: StoredEvent;
}

/** A page of events. Cursors are opaque strings; pass one back as `cursor`. */
export interface EventPage {
  readonly events: StoredEvent[];
  /** Continue in the same order after the last event of this page. */
  readonly nextCursor?: string;
  /** Go back to the events before the first event of this page. */
  readonly prevCursor?: string;
}

export interface EventQuery {
  /** Type patterns (`equipment.*`, `quality.check.failed`); an event matches any of them. */
  readonly types?: readonly string[];
  readonly sources?: readonly string[];
  readonly priorities?: readonly Priority[];
  readonly statuses?: readonly EventStatus[];
  /** Inclusive lower bound on `timestamp` (ms). */
  readonly from?: number;
  /** Inclusive upper bound on `timestamp` (ms). */
  readonly to?: number;
  readonly correlationId?: string;
  readonly subject?: string;
  /** Case-insensitive text searched for in the serialised payload. */
  readonly text?: string;
  readonly cursor?: string;
  /** Page size, 1..1000; default 200. */
  readonly limit?: number;
  /** `asc` (oldest first, the default) or `desc`. */
  readonly order?: 'asc' | 'desc';
}

/** The seed's `getEventsByType(pattern, options)`. */
export interface GetEventsByTypeOptions {
  readonly filter?: (event: StoredEvent) => boolean;
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
}

export interface Snapshot<S = JsonValue> {
  /** What the state is of, e.g. `equipment:press-1`. */
  readonly key: string;
  /** The last event folded into `state`. */
  readonly seq: number;
  /** The largest event timestamp folded into `state`. */
  readonly maxTimestamp: number;
  readonly state: S;
  readonly createdAt: number;
}

export interface ReplayOptions<S> {
  readonly types?: readonly string[];
  readonly subject?: string;
  /** Fold only events with `seq <= toSeq`. */
  readonly toSeq?: number;
  /** Fold only events with `timestamp <= toTime` (time travel). */
  readonly toTime?: number;
  readonly reducer: (state: S, event: StoredEvent) => S;
  readonly initial: S;
  /** Start from the nearest snapshot stored under this key, when one fits. */
  readonly snapshotKey?: string;
  /** Called now and then with the number of events folded so far. */
  readonly onProgress?: (folded: number) => void;
  /** Stops the replay with an AbortError. */
  readonly signal?: AbortSignal;
}

export interface ReplayResult<S> {
  readonly state: S;
  /** Events folded by this replay (not counting those inside the snapshot). */
  readonly folded: number;
  /** The last `seq` the state reflects (0 when none). */
  readonly seq: number;
  /** The snapshot the fold started from, if any. */
  readonly fromSnapshotSeq?: number;
}

/** An event with its stored status; the store assigns `seq` and `subject`. */
export type AppendInput = PlantEvent<JsonValue>;

export interface StatusUpdate {
  readonly eventId: string;
  readonly status: EventStatus;
}

export interface EventStore {
  /**
   * Append events in order, atomically: either all are stored or none. Each gets the next
   * `seq`. `deliveries[i]` lists the subscribers that must receive `events[i]`; their
   * PUBLISHED delivery records are written in the same transaction. Rejects an event that is
   * invalid or whose id is already stored, naming it.
   */
  append(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StoredEvent[]>;
  get(id: string): Promise<StoredEvent | null>;
  getBySeq(seq: number): Promise<StoredEvent | null>;
  getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]>;
  query(query: EventQuery): Promise<EventPage>;
  /** Events matching the query's filters (cursor and limit ignored). */
  count(query?: EventQuery): Promise<number>;
  /** The highest `seq` stored, 0 when empty. */
  headSeq(): Promise<number>;

  /** Move event statuses forward; a move backwards is ignored. */
  updateStatuses(updates: readonly StatusUpdate[]): Promise<void>;

  /** Insert or replace delivery records (keyed by event id and subscriber). */
  putDeliveries(records: readonly DeliveryRecord[]): Promise<void>;
  getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null>;
  /** Deliveries of a subscriber not yet PROCESSED nor dead-lettered, in `seq` order. */
  pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]>;
  deliveriesOf(eventId: string): Promise<DeliveryRecord[]>;
  /** Dead letters not discarded, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;

  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** The latest snapshot under `key` usable for a replay bounded by `toSeq` and `toTime`. */
  nearestSnapshot(key: string, bounds?: { toSeq?: number; toTime?: number }): Promise<Snapshot | null>;
  replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>>;

  /** The head of the audit hash chain, recorded apart from the events (seq 0 and the genesis hash when empty). */
  chainHead(): Promise<ChainHead>;

  close(): Promise<void>;
}
