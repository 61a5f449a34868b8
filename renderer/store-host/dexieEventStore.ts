/**
 * The durable event store: Dexie over IndexedDB (Chromium's in the app, fake-indexeddb in
 * Node tests). Same contract, validation and atomicity as the in-memory twin.
 *
 * Numbering: this store keeps the head `seq` in memory (read from the last key at open) and
 * writes explicit keys inside each append's transaction; the head moves only after commit, so
 * a failed append leaves no gap. Appends are queued one after another for the same reason.
 * One store object is expected to be the only writer of its database.
 *
 * Audit chain: each appended event gets `hash` (shared/audit/chain.ts) chained after the
 * previous event's, and the meta row `auditHead` is updated in the same transaction. The
 * in-memory head hash is the last stored event's, read at open.
 */
import { Dexie } from 'dexie';
import type { Collection } from 'dexie';
import { subjectOf } from '../../shared/events/event';
import type { StoredEvent } from '../../shared/events/event';
import { EventValidationError, validatePlantEvent } from '../../shared/events/validate';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions,
  ReplayOptions, ReplayResult, Snapshot, StatusUpdate,
} from '../../shared/store/eventStore';
import {
  checkReplayOptions, compileQuery, compileTypeOptions, finishPage, foldChunk, isForwardStatus, nearestOf, planPage, scanRange,
  throwIfAborted,
} from '../../shared/store/queryMatch';
import type { SeqOrder } from '../../shared/store/queryMatch';
import { EMPTY_CHAIN, storeHashOf } from '../../shared/audit/chain';
import type { ChainHead, ChainHeadReader } from '../../shared/audit/chain';
import { AUDIT_HEAD_KEY, PlantDatabase } from './plantDatabase';
import type { DeliveryRow, PlantDatabaseDeps } from './plantDatabase';

/** Index of the first value >= `value` in a sorted list. */
function lowerBoundOf(list: Float64Array, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Events read per bulk read during replays and long scans. */
export const READ_CHUNK = 2000;

/** Reads up to `n` events with lo <= seq <= hi from one index, in `dir` order. */
type EventSource = (lo: number, hi: number, dir: SeqOrder, n: number) => Promise<StoredEvent[]>;

function toRow(record: DeliveryRecord): DeliveryRow {
  const pending = record.status !== 'PROCESSED' && record.deadLetteredAt === undefined;
  return pending ? { ...record, pendingSeq: record.seq } : record;
}

function fromRow(row: DeliveryRow): DeliveryRecord {
  const { pendingSeq: _pendingSeq, ...record } = row;
  return record;
}

/** Turns the database's refusal of a duplicate id into the contract's error naming it. */
function duplicateIdError(error: unknown, batch: readonly StoredEvent[]): unknown {
  if (!(error instanceof Dexie.BulkError) || !error.message.startsWith('events.')) return error;
  for (const [pos, failure] of Object.entries(error.failuresByPos)) {
    const event = batch[Number(pos)];
    if (event && failure.name === 'ConstraintError') return new EventValidationError('id', `duplicate id ${event.id}`);
  }
  return error;
}

export class DexieEventStore implements EventStore, ChainHeadReader {
  private appending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: PlantDatabase,
    private head: number,
    private headHash: string,
  ) {}

  static async open(name: string, deps?: PlantDatabaseDeps): Promise<DexieEventStore> {
    const db = new PlantDatabase(name, deps);
    await db.open();
    const last = await db.events.orderBy('seq').last();
    return new DexieEventStore(db, last?.seq ?? 0, last?.hash ?? EMPTY_CHAIN.hash);
  }

  /** The chain head recorded in the meta table (not derived from the events). */
  async chainHead(): Promise<ChainHead> {
    const row = await this.db.meta.get(AUDIT_HEAD_KEY);
    const value = row?.value as Partial<ChainHead> | undefined;
    return typeof value?.seq === 'number' && typeof value.hash === 'string' ? { seq: value.seq, hash: value.hash } : EMPTY_CHAIN;
  }

  append(events: readonly AppendInput[], deliveries: readonly (readonly string[])[] = []): Promise<StoredEvent[]> {
    const run = this.appending.then(() => this.appendNow(events, deliveries));
    this.appending = run.catch(() => undefined);
    return run;
  }

  private async appendNow(events: readonly AppendInput[], deliveries: readonly (readonly string[])[]): Promise<StoredEvent[]> {
    const valid = events.map((event) => validatePlantEvent(event));
    const ids = new Set<string>();
    for (const { id } of valid) {
      if (ids.has(id)) throw new EventValidationError('id', `duplicate id ${id}`);
      ids.add(id);
    }
    let seq = this.head;
    let prevHash = this.headHash;
    const stored: StoredEvent[] = valid.map((event) => {
      seq += 1;
      const subject = subjectOf(event.payload);
      const numbered = { ...event, seq };
      const hash = (prevHash = storeHashOf(prevHash, numbered));
      return subject === undefined ? { ...numbered, hash } : { ...numbered, subject, hash };
    });
    const now = Date.now();
    const rows: DeliveryRow[] = stored.flatMap((event, i) =>
      [...new Set(deliveries[i] ?? [])].map((subscriber) =>
        toRow({ eventId: event.id, seq: event.seq, subscriber, status: 'PUBLISHED', attempts: 0, errors: [], updatedAt: now }),
      ),
    );
    if (stored.length === 0) return [];
    const { db } = this;
    try {
      await db.transaction('rw', db.events, db.deliveries, db.meta, async () => {
        await db.events.bulkAdd(stored);
        if (rows.length > 0) await db.deliveries.bulkAdd(rows);
        await db.meta.put({ key: AUDIT_HEAD_KEY, value: { seq, hash: prevHash } });
      });
    } catch (error) {
      throw duplicateIdError(error, stored);
    }
    this.head = seq;
    this.headHash = prevHash;
    return stored;
  }

  async get(id: string): Promise<StoredEvent | null> {
    if (typeof id !== 'string') return null;
    return (await this.db.events.where('id').equals(id).first()) ?? null;
  }

  async getBySeq(seq: number): Promise<StoredEvent | null> {
    return Number.isInteger(seq) ? ((await this.db.events.get(seq)) ?? null) : null;
  }

  /** The narrowest index that holds every event the filters can match. */
  private sourceFor(filters: { subject?: string; correlationId?: string; types?: readonly string[]; from?: number; to?: number }): EventSource {
    const { events } = this.db;
    const ranged = (collection: Collection<StoredEvent, number>, dir: SeqOrder, n: number) =>
      (dir === 'desc' ? collection.reverse() : collection).limit(n).toArray();
    const byIndex = (index: string, value: string): EventSource => (lo, hi, dir, n) =>
      lo > hi ? Promise.resolve([]) : ranged(events.where(index).between([value, lo], [value, hi], true, true), dir, n);
    const bySeq: EventSource = (lo, hi, dir, n) => (lo > hi ? Promise.resolve([]) : ranged(events.where('seq').between(lo, hi, true, true), dir, n));
    if (filters.subject !== undefined) return byIndex('[subject+seq]', filters.subject);
    const { correlationId } = filters;
    if (correlationId !== undefined) {
      let flow: Promise<StoredEvent[]> | undefined;
      return async (lo, hi, dir, n) => {
        flow ??= events.where('correlationId').equals(correlationId).sortBy('seq');
        const inRange = (await flow).filter((e) => e.seq >= lo && e.seq <= hi);
        return (dir === 'asc' ? inRange : inRange.reverse()).slice(0, n);
      };
    }
    const types = filters.types ?? [];
    if (types.length > 0 && types.length <= 32 && types.every((type) => !type.includes('*'))) {
      const sources = [...new Set(types)].map((type) => byIndex('[type+seq]', type));
      if (sources.length === 1) return sources[0] as EventSource;
      // Several exact types: the first `n` of each, merged in seq order.
      return async (lo, hi, dir, n) => {
        const merged = (await Promise.all(sources.map((source) => source(lo, hi, dir, n)))).flat();
        return merged.sort((a, b) => (dir === 'asc' ? a.seq - b.seq : b.seq - a.seq)).slice(0, n);
      };
    }
    if (filters.from !== undefined || filters.to !== undefined) return this.byTime(filters.from, filters.to, bySeq);
    return bySeq;
  }

  /**
   * A time range read through the timestamp index: the seqs of the events in the range,
   * sorted, then fetched in seq order. Timestamps need not follow seq, so this is exact. A
   * range holding a large share of the store is cheaper to read by seq, and is.
   */
  private byTime(from: number | undefined, to: number | undefined, bySeq: EventSource): EventSource {
    const range = this.db.events.where('timestamp').between(from ?? Dexie.minKey, to ?? Dexie.maxKey, true, true);
    let seqs: Promise<Float64Array | null> | undefined;
    const load = async () => {
      if ((await range.count()) > Math.max(10_000, this.head / 4)) return null;
      return Float64Array.from((await range.primaryKeys()) as number[]).sort();
    };
    return async (lo, hi, dir, n) => {
      seqs ??= load();
      const list = await seqs;
      if (!list) return bySeq(lo, hi, dir, n);
      let start = lowerBoundOf(list, lo);
      let end = lowerBoundOf(list, hi + 1);
      if (dir === 'asc') end = Math.min(end, start + n);
      else start = Math.max(start, end - n);
      const keys = Array.from(list.subarray(start, end));
      if (dir === 'desc') keys.reverse();
      return (await this.db.events.bulkGet(keys)).filter((event): event is StoredEvent => event !== undefined);
    };
  }

  /** Reads [lo, hi] in chunks, growing from `first` to READ_CHUNK events per read. */
  private async *chunks(source: EventSource, lo: number, hi: number, dir: SeqOrder, first = READ_CHUNK) {
    let size = Math.min(first, READ_CHUNK);
    while (lo <= hi) {
      const chunk = await source(lo, hi, dir, size);
      if (chunk.length > 0) yield chunk;
      const last = chunk[chunk.length - 1];
      if (!last || chunk.length < size) return;
      if (dir === 'asc') lo = last.seq + 1;
      else hi = last.seq - 1;
      size = Math.min(size * 4, READ_CHUNK);
    }
  }

  async getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    const { matches, limit, exactType } = compileTypeOptions(pattern, options);
    const source = this.sourceFor(exactType === undefined ? {} : { types: [exactType] });
    const found: StoredEvent[] = [];
    for await (const chunk of this.chunks(source, 1, Number.POSITIVE_INFINITY, 'asc')) {
      for (const event of chunk) {
        if (found.length >= limit) return found;
        if (matches(event)) found.push(event);
      }
    }
    return found;
  }

  async query(query: EventQuery): Promise<EventPage> {
    const plan = planPage(query);
    const [lo, hi] = scanRange(plan);
    const found: StoredEvent[] = [];
    const want = plan.limit + 1;
    outer: for await (const chunk of this.chunks(this.sourceFor(query), lo, hi, plan.scan, want)) {
      for (const event of chunk) {
        if (!plan.matches(event)) continue;
        found.push(event);
        if (found.length >= want) break outer;
      }
    }
    return finishPage(plan, found);
  }

  async count(query: EventQuery = {}): Promise<number> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    planPage(filters);
    const set = Object.entries(filters).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0));
    const { events } = this.db;
    if (set.length === 0) return events.count();
    const only = set.length === 1 ? set[0]![0] : undefined;
    if (only === 'subject') return events.where('[subject+seq]').between([filters.subject, Dexie.minKey], [filters.subject, Dexie.maxKey]).count();
    if (only === 'correlationId') return events.where('correlationId').equals(filters.correlationId!).count();
    const matches = compileQuery(filters);
    let total = 0;
    for await (const chunk of this.chunks(this.sourceFor(filters), 1, Number.POSITIVE_INFINITY, 'asc')) {
      for (const event of chunk) if (matches(event)) total += 1;
    }
    return total;
  }

  async headSeq(): Promise<number> {
    return this.head;
  }

  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const { db } = this;
    await db.transaction('rw', db.events, async () => {
      const current = await db.events.where('id').anyOf([...new Set(updates.map((u) => u.eventId))]).toArray();
      const byId = new Map(current.map((event) => [event.id, event]));
      const moved = new Map<string, StoredEvent>();
      for (const { eventId, status } of updates) {
        const event = byId.get(eventId);
        if (!event || !isForwardStatus(event.status, status)) continue;
        const next = { ...event, status };
        byId.set(eventId, next);
        moved.set(eventId, next);
      }
      if (moved.size > 0) await db.events.bulkPut([...moved.values()]);
    });
  }

  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length > 0) await this.db.deliveries.bulkPut(records.map(toRow));
  }

  async getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    const row = await this.db.deliveries.get([eventId, subscriber]);
    return row ? fromRow(row) : null;
  }

  async pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    const rows = await this.db.deliveries
      .where('[subscriber+pendingSeq]')
      .between([subscriber, Dexie.minKey], [subscriber, Dexie.maxKey])
      .toArray();
    return rows.map(fromRow);
  }

  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    return (await this.db.deliveries.where('eventId').equals(eventId).toArray()).map(fromRow);
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const rows = await this.db.deliveries.where('deadLetteredAt').aboveOrEqual(Dexie.minKey).toArray();
    const letters = rows.filter((row) => row.discardedAt === undefined).map(fromRow);
    letters.sort((a, b) => a.deadLetteredAt! - b.deadLetteredAt! || a.seq - b.seq);
    const events = await this.db.events.bulkGet(letters.map((d) => d.seq));
    return letters.flatMap((delivery, i) => {
      const event = events[i];
      return event ? [{ delivery, event }] : [];
    });
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.db.snapshots.put(snapshot);
  }

  async nearestSnapshot(key: string, bounds: { toSeq?: number; toTime?: number } = {}): Promise<Snapshot | null> {
    const newestFirst = this.db.snapshots
      .where('[key+seq]')
      .between([key, Dexie.minKey], [key, bounds.toSeq ?? Dexie.maxKey], true, true)
      .reverse();
    const toTime = bounds.toTime ?? Number.POSITIVE_INFINITY;
    const found = await newestFirst.filter((s) => s.maxTimestamp <= toTime).first();
    return found ? nearestOf([found], bounds) : null;
  }

  async replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>> {
    const plan = checkReplayOptions(options);
    throwIfAborted(options.signal);
    const snapshot = options.snapshotKey === undefined ? null : await this.nearestSnapshot(options.snapshotKey, options);
    const filters = { ...(options.subject === undefined ? {} : { subject: options.subject }), ...(options.types ? { types: options.types } : {}) };
    let state = snapshot ? (snapshot.state as S) : options.initial;
    let seq = snapshot?.seq ?? 0;
    let folded = 0;
    for await (const chunk of this.chunks(this.sourceFor(filters), seq + 1, plan.toSeq, 'asc')) {
      throwIfAborted(options.signal);
      const step = foldChunk(chunk, plan, options.reducer, state);
      state = step.state;
      folded += step.folded;
      seq = step.seq ?? seq;
      options.onProgress?.(folded);
      throwIfAborted(options.signal);
    }
    return { state, folded, seq, ...(snapshot ? { fromSnapshotSeq: snapshot.seq } : {}) };
  }

  async close(): Promise<void> {
    await this.appending;
    this.db.close();
  }
}
