/**
 * The durable event store: Dexie over IndexedDB (Chromium's in the app, fake-indexeddb in
 * Node tests). Same contract, validation and atomicity as the in-memory twin.
 *
 * Layout (segmentFormat.ts): events packed into segments of up to 128, with a summary per
 * segment; the in-memory columns (eventColumns.ts), rebuilt from the summaries at open,
 * answer which seqs a query can match, and only the segments holding them are read.
 *
 * Writes go through one queue, so seq stays gap-free and statuses never race an append:
 * - group commit: every append waiting when the writer is free is written in one
 *   transaction (segments, summaries, PUBLISHED deliveries, chain head). Each append's
 *   promise resolves only after that transaction has committed. An append that is invalid or
 *   repeats a stored id is refused alone before the transaction starts; a transaction that
 *   fails fails the appends in it, and nothing of them is stored or visible.
 * - status moves rewrite the summaries of the segments they touch.
 * The head, the columns and the open tail segment move only after a commit. Each write
 * first checks the chain head stored in the database: should another store object have
 * written meanwhile (a store host given up for dead finishing its last writes), the store
 * reads the database again and writes after it, never over it.
 *
 * Free text: each segment's summary carries a filter of its payloads' trigrams, so a text
 * query reads only segments that can hold the needle.
 *
 * Audit chain: each appended event gets `hash` (shared/audit/chain.ts) chained after the
 * previous event's, and the meta row `auditHead` is updated in the same transaction. The
 * in-memory head hash is the last stored event's, read at open.
 */
import { EVENT_STATUSES, PRIORITIES, subjectOf } from '../../shared/events/event';
import type { EventStatus, PlantEvent, Priority, StoredEvent } from '../../shared/events/event';
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
import { Dexie } from 'dexie';
import { EMPTY_CHAIN, storeHashOf } from '../../shared/audit/chain';
import type { ChainHead, ChainHeadReader } from '../../shared/audit/chain';
import { EventColumns, STATUS_CODE } from './eventColumns';
import type { ColumnFilter } from './eventColumns';
import { AUDIT_HEAD_KEY, PlantDatabase } from './plantDatabase';
import type { DeliveryRow, PlantDatabaseDeps } from './plantDatabase';
import { numberedCopy } from '../../shared/store/numbered';
import { commitPacked, idPrefix, loadSummary, mayContain, packEvents, summaryOf } from './segmentFormat';
import type { OpenSegment, PackedEvents, SegmentRow } from './segmentFormat';

/** Seqs examined per step of replays, counts and long scans. */
const READ_CHUNK = 4096;
/** Events one group commit writes at most. */
const MAX_GROUP_EVENTS = 20_000;
/** Segments kept parsed-ready in memory (about 10 MB of JSON at 300 bytes an event). */
const SEGMENT_CACHE = 256;
/** Segments per read request when many are read at once (requests run side by side). */
const PARALLEL_READ_SEGMENTS = 8;
/** Summaries read per step at open. */
const OPEN_CHUNK = 2000;

type Settle<T> = { resolve(value: T): void; reject(error: unknown): void };
type AppendOp = { kind: 'append'; events: PlantEvent[]; deliveries: readonly (readonly string[])[] } & Settle<StoredEvent[]>;
type StatusOp = { kind: 'status'; updates: readonly StatusUpdate[] } & Settle<void>;
type WriteOp = AppendOp | StatusOp;

function toRow(record: DeliveryRecord): DeliveryRow {
  const pending = record.status !== 'PROCESSED' && record.deadLetteredAt === undefined;
  return pending ? { ...record, pendingSeq: record.seq } : record;
}

function fromRow(row: DeliveryRow): DeliveryRecord {
  const { pendingSeq: _pendingSeq, ...record } = row;
  return record;
}

/** What the store keeps in memory about its database; read at open and after another writer wrote. */
interface StoreState {
  readonly columns: EventColumns;
  /** First seq of every segment, ascending. */
  readonly firsts: number[];
  /** The last segment, still open for more events. */
  tail: OpenSegment | undefined;
  /** The last stored event's hash. */
  headHash: string;
}

/** Reads every summary and the last segment in one read transaction, so both show the same moment. */
async function loadState(db: PlantDatabase): Promise<StoreState> {
  return db.transaction('r', [db.summaries, db.segments], async () => {
    const columns = new EventColumns();
    const firsts: number[] = [];
    for (;;) {
      const rows = await db.summaries.where('first').above(columns.length).limit(OPEN_CHUNK).toArray();
      if (rows.length === 0) break;
      for (const row of rows) {
        loadSummary(columns, row);
        firsts.push(row.first);
      }
    }
    const last = firsts[firsts.length - 1];
    const row = last === undefined ? undefined : await db.segments.get(last);
    if (last !== undefined && (row?.first !== last || row.events.length !== columns.length - last + 1)) {
      throw new Error(`event store: the segment at seq ${last} is missing or does not match its summary`);
    }
    const tail = row ? { first: row.first, events: row.events, chars: row.events.reduce((sum, text) => sum + (text?.length ?? 0), 0) } : undefined;
    const lastText = row?.events[row.events.length - 1];
    const headHash = lastText ? ((JSON.parse(lastText) as StoredEvent).hash ?? EMPTY_CHAIN.hash) : EMPTY_CHAIN.hash;
    return { columns, firsts, tail, headHash };
  });
}

/** Thrown inside a write transaction that finds the database's head moved by another writer. */
class MovedHeadError extends Error {
  override name = 'MovedHeadError';
}

const isMovedHead = (error: unknown): boolean =>
  error instanceof MovedHeadError || (error as { inner?: unknown } | null)?.inner instanceof MovedHeadError;

/** Index of the last element <= value in a sorted list (-1 when none). */
function lastAtMost(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export class DexieEventStore implements EventStore, ChainHeadReader {
  private readonly ops: WriteOp[] = [];
  private writer: Promise<void> = Promise.resolve();
  private draining = false;
  /** Parsed-ready segments by first seq, least recently used first. */
  private readonly cache = new Map<number, readonly (string | null)[]>();
  private closed = false;

  private constructor(
    private readonly db: PlantDatabase,
    private state: StoreState,
  ) {}

  private get columns(): EventColumns {
    return this.state.columns;
  }

  private get firsts(): number[] {
    return this.state.firsts;
  }

  static async open(name: string, deps?: PlantDatabaseDeps): Promise<DexieEventStore> {
    const db = new PlantDatabase(name, deps);
    await db.open();
    return new DexieEventStore(db, await loadState(db));
  }

  /**
   * Another store object wrote to the database (a store host that was given up for dead
   * while it still finished its last writes): read the state again. Rare, so it reloads
   * everything rather than patching the columns.
   */
  private async reload(): Promise<void> {
    this.state = await loadState(this.db);
    this.cache.clear();
  }

  /** The chain head recorded in the meta table (not derived from the events). */
  async chainHead(): Promise<ChainHead> {
    const row = await this.db.meta.get(AUDIT_HEAD_KEY);
    const value = row?.value as Partial<ChainHead> | undefined;
    return typeof value?.seq === 'number' && typeof value.hash === 'string' ? { seq: value.seq, hash: value.hash } : EMPTY_CHAIN;
  }

  // ---- writes -----------------------------------------------------------------------------

  async append(events: readonly AppendInput[], deliveries: readonly (readonly string[])[] = []): Promise<StoredEvent[]> {
    const valid = events.map((event) => validatePlantEvent(event));
    const ids = new Set<string>();
    for (const { id } of valid) {
      if (ids.has(id)) throw new EventValidationError('id', `duplicate id ${id}`);
      ids.add(id);
    }
    if (valid.length === 0) return [];
    return new Promise<StoredEvent[]>((resolve, reject) => this.enqueue({ kind: 'append', events: valid, deliveries, resolve, reject }));
  }

  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'status', updates, resolve, reject }));
  }

  private enqueue(op: WriteOp): void {
    if (this.closed) {
      op.reject(new Error('the event store is closed'));
      return;
    }
    this.ops.push(op);
    if (!this.draining) {
      this.draining = true;
      this.writer = this.drain();
    }
  }

  /**
   * Writes queued operations until none is left. The loop's last check and the reset of
   * `draining` run in one synchronous step, so an operation queued meanwhile is never missed.
   */
  private async drain(): Promise<void> {
    try {
      while (this.ops.length > 0) {
        const first = this.ops[0] as WriteOp;
        if (first.kind === 'status') {
          this.ops.shift();
          await this.writeStatuses(first).then(first.resolve, first.reject);
          continue;
        }
        const group: AppendOp[] = [];
        let events = 0;
        while (this.ops[0]?.kind === 'append' && (group.length === 0 || events + this.ops[0].events.length <= MAX_GROUP_EVENTS)) {
          const op = this.ops.shift() as AppendOp;
          group.push(op);
          events += op.events.length;
        }
        await this.writeAppends(group);
      }
    } finally {
      this.draining = false;
    }
  }

  /** The first of `events` whose id is already stored or taken earlier in this group. */
  private async duplicateOf(events: readonly PlantEvent[], taken: Set<string>): Promise<string | undefined> {
    for (const { id } of events) {
      if (taken.has(id)) return id;
      // Only an id whose hashes are in the columns needs its stored text read (rarely: a repeat or a hash collision).
      if (this.columns.seqsOfId(id).length > 0 && (await this.seqOfId(id)) !== undefined) return id;
    }
    return undefined;
  }

  /** Inside a write transaction: refuses to write when the stored head is not the one this store knows. */
  private async expectHead(seq: number): Promise<void> {
    const row = await this.db.meta.get(AUDIT_HEAD_KEY);
    const stored = (row?.value as Partial<ChainHead> | undefined)?.seq ?? 0;
    if (stored !== seq) throw new MovedHeadError(`the stored head is seq ${stored}, not ${seq}: another writer appended`);
  }

  private async writeAppends(group: readonly AppendOp[], reloaded = false): Promise<void> {
    const accepted: AppendOp[] = [];
    const taken = new Set<string>();
    for (const op of group) {
      const duplicate = await this.duplicateOf(op.events, taken).catch((error: unknown) => error);
      if (duplicate instanceof Error) {
        op.reject(duplicate);
      } else if (duplicate !== undefined) {
        op.reject(new EventValidationError('id', `duplicate id ${duplicate}`));
      } else {
        for (const { id } of op.events) taken.add(id);
        accepted.push(op);
      }
    }
    if (accepted.length === 0) return;
    const { columns, db } = this;
    const dictionaries = columns.dictionarySizes();
    const firstSeq = columns.length + 1;
    let seq = columns.length;
    let prevHash = this.state.headHash;
    const now = Date.now();
    const deliveryRows: DeliveryRow[] = [];
    const storedPerOp = accepted.map((op) =>
      op.events.map((event, i) => {
        const stored = numberedCopy(event, ++seq, subjectOf(event.payload));
        stored.hash = prevHash = storeHashOf(prevHash, stored);
        const subscribers = op.deliveries[i];
        if (subscribers !== undefined && subscribers.length > 0) {
          for (const subscriber of new Set(subscribers)) {
            deliveryRows.push(toRow({ eventId: stored.id, seq, subscriber, status: 'PUBLISHED', attempts: 0, errors: [], updatedAt: now }));
          }
        }
        return stored as StoredEvent;
      }),
    );
    const all = storedPerOp.flat();
    let packed: PackedEvents;
    try {
      packed = packEvents(columns, this.state.tail, all);
      await db.transaction('rw', [db.segments, db.summaries, db.deliveries, db.meta], async () => {
        await this.expectHead(firstSeq - 1);
        await db.segments.bulkPut([...packed.segments]);
        await db.summaries.bulkPut([...packed.summaries]);
        if (deliveryRows.length > 0) await db.deliveries.bulkAdd(deliveryRows);
        await db.meta.put({ key: AUDIT_HEAD_KEY, value: { seq, hash: prevHash } });
      });
    } catch (error) {
      columns.rollback(dictionaries);
      if (isMovedHead(error) && !reloaded) {
        await this.reload();
        return this.writeAppends(accepted, true);
      }
      for (const op of accepted) op.reject(error);
      return;
    }
    commitPacked(columns, packed, all.length);
    for (const row of packed.segments) {
      if (this.firsts[this.firsts.length - 1] !== row.first) this.firsts.push(row.first);
      this.remember(row.first, row.events);
    }
    this.state.tail = packed.tail;
    this.state.headHash = prevHash;
    accepted.forEach((op, i) => op.resolve(storedPerOp[i] as StoredEvent[]));
  }

  private async writeStatuses(op: StatusOp, reloaded = false): Promise<void> {
    const { columns, db } = this;
    const moves = new Map<number, number>();
    for (const { eventId, status } of op.updates) {
      if (typeof eventId !== 'string' || !(status in STATUS_CODE)) continue;
      const seq = await this.seqOfId(eventId);
      if (seq === undefined) continue;
      const current = EVENT_STATUSES[moves.get(seq) ?? columns.status[seq - 1]!] as EventStatus;
      if (isForwardStatus(current, status)) moves.set(seq, STATUS_CODE[status]);
    }
    if (moves.size === 0) return;
    const previous = new Map<number, number>();
    for (const [seq, code] of moves) {
      previous.set(seq, columns.status[seq - 1]!);
      columns.status[seq - 1] = code;
    }
    const segments = new Set([...moves.keys()].map((seq) => this.segmentOf(seq)));
    try {
      const summaries = [...segments].map((first) => summaryOf(columns, first, this.segmentLength(first), columns.textFilters.get(first)));
      await db.transaction('rw', [db.summaries, db.meta], async () => {
        await this.expectHead(columns.length);
        await db.summaries.bulkPut(summaries);
      });
    } catch (error) {
      for (const [seq, code] of previous) columns.status[seq - 1] = code;
      if (isMovedHead(error) && !reloaded) {
        await this.reload();
        return this.writeStatuses(op, true);
      }
      throw error;
    }
  }

  // ---- segments ---------------------------------------------------------------------------

  private segmentOf(seq: number): number {
    return this.firsts[lastAtMost(this.firsts, seq)] as number;
  }

  private segmentLength(first: number): number {
    const at = lastAtMost(this.firsts, first);
    return (this.firsts[at + 1] ?? this.columns.length + 1) - first;
  }

  private remember(first: number, events: readonly (string | null)[]): void {
    this.cache.delete(first);
    this.cache.set(first, events);
    if (this.cache.size > SEGMENT_CACHE) this.cache.delete(this.cache.keys().next().value as number);
  }

  /** The segments with these first seqs (ascending), from the cache or in one read. */
  private async segments(firsts: readonly number[]): Promise<Map<number, readonly (string | null)[]>> {
    const found = new Map<number, readonly (string | null)[]>();
    const missing: number[] = [];
    for (const first of firsts) {
      const cached = this.cache.get(first);
      if (cached) found.set(first, cached);
      else missing.push(first);
    }
    if (missing.length === 0) return found;
    // Large reads go as several requests at once: the database reads one while the page
    // takes in another.
    const parts: number[][] = [];
    for (let at = 0; at < missing.length; at += PARALLEL_READ_SEGMENTS) parts.push(missing.slice(at, at + PARALLEL_READ_SEGMENTS));
    for (const rows of await Promise.all(parts.map((part) => this.readSegments(part)))) {
      for (const row of rows) {
        if (!row) continue;
        found.set(row.first, row.events);
        this.remember(row.first, row.events);
      }
    }
    return found;
  }

  /** Reads segments (ascending first seqs) in one request. */
  private readSegments(missing: readonly number[]): Promise<(SegmentRow | undefined)[]> {
    const lo = missing[0] as number;
    const hi = missing[missing.length - 1] as number;
    // One range read when the missing segments are at least half of those between the first
    // and the last (a few extra rows cost less than a request per row); one get each otherwise.
    const span = lastAtMost(this.firsts, hi) - lastAtMost(this.firsts, lo) + 1;
    return span <= missing.length * 2 ? this.db.segments.where('first').between(lo, hi, true, true).toArray() : this.db.segments.bulkGet([...missing]);
  }

  /** Starts reading the segments that hold these seqs. */
  private segmentsFor(seqs: readonly number[]): Promise<Map<number, readonly (string | null)[]>> {
    const firsts = [...new Set(seqs.map((seq) => this.segmentOf(seq)))].sort((a, b) => a - b);
    return this.segments(firsts);
  }

  /** The stored JSON of these seqs (ascending or descending), undefined where none. */
  private textsIn(seqs: readonly number[], segments: Map<number, readonly (string | null)[]>): (string | null | undefined)[] {
    let first = 0;
    let end = 0;
    let events: readonly (string | null)[] | undefined;
    return seqs.map((seq) => {
      if (seq < first || seq >= end) {
        first = this.segmentOf(seq);
        end = first + this.segmentLength(first);
        events = segments.get(first);
      }
      return events?.[seq - first];
    });
  }

  private async textsOf(seqs: readonly number[]): Promise<(string | null | undefined)[]> {
    return this.textsIn(seqs, await this.segmentsFor(seqs));
  }

  /** Parses the events at these seqs from their segments, with their current status; seqs with no stored event are left out. */
  private parseEvents(seqs: readonly number[], segments: Map<number, readonly (string | null)[]>): StoredEvent[] {
    const texts = this.textsIn(seqs, segments);
    const events: StoredEvent[] = [];
    const { type, types, source, sources, ts, prio, status, subject, subjects } = this.columns;
    texts.forEach((text, i) => {
      if (!text) return;
      const seq = seqs[i]!;
      const at = seq - 1;
      const event = JSON.parse(text) as { -readonly [K in keyof StoredEvent]: StoredEvent[K] };
      event.seq = seq;
      event.type = types.names[type[at]!] as string;
      event.source = sources.names[source[at]!] as string;
      event.timestamp = ts[at]!;
      event.priority = PRIORITIES[prio[at]!] as Priority;
      event.status = EVENT_STATUSES[status[at]!] as EventStatus;
      const code = subject[at]!;
      if (code >= 0) event.subject = subjects.names[code] as string;
      events.push(event);
    });
    return events;
  }

  /** The events at these seqs, in the same order; seqs with no stored event are left out. */
  private async eventsAt(seqs: readonly number[]): Promise<StoredEvent[]> {
    if (seqs.length === 0) return [];
    return this.parseEvents(seqs, await this.segmentsFor(seqs));
  }

  /** The seq of the stored event with this id, confirmed on the stored text. */
  private async seqOfId(id: string): Promise<number | undefined> {
    const candidates = this.columns.seqsOfId(id);
    if (candidates.length === 0) return undefined;
    const prefix = idPrefix(id);
    const texts = await this.textsOf(candidates);
    const at = texts.findIndex((text) => text?.startsWith(prefix));
    return at < 0 ? undefined : candidates[at];
  }

  // ---- reads ------------------------------------------------------------------------------

  async get(id: string): Promise<StoredEvent | null> {
    if (typeof id !== 'string') return null;
    const seq = await this.seqOfId(id);
    return seq === undefined ? null : ((await this.eventsAt([seq]))[0] ?? null);
  }

  async getBySeq(seq: number): Promise<StoredEvent | null> {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.columns.length) return null;
    return (await this.eventsAt([seq]))[0] ?? null;
  }

  /**
   * Walks seqs in [lo, hi] in `dir` order, reading the events the columns let through,
   * `batch` candidates at a time, until `take` returns false. With `readAhead`, the next
   * batch's segments are being read while `take` works on the current one (long reads:
   * replays, counts, text searches); a page query that stops early does not pay for it.
   */
  private async walk(
    filter: ColumnFilter, lo: number, hi: number, dir: SeqOrder, batch: number, take: (events: StoredEvent[]) => boolean | void, readAhead = false,
  ): Promise<void> {
    const text = filter.text;
    const segmentOk = text === undefined ? undefined : (first: number) => mayContain(this.columns.textFilters.get(first), text);
    const nextBatch = () => {
      for (;;) {
        const scanned = this.columns.scan(filter, lo, hi, dir, batch);
        if (dir === 'asc') lo = scanned.next;
        else hi = scanned.next;
        if (scanned.seqs.length === 0) return undefined;
        // A text query reads only segments whose text filter allows the needle.
        const seqs = segmentOk ? this.inSegments(scanned.seqs, segmentOk) : scanned.seqs;
        if (seqs.length === 0) continue;
        const segments = this.segmentsFor(seqs);
        // A read ahead that is never awaited (the walk stopped) must not fail unobserved.
        segments.catch(() => undefined);
        return { seqs, segments };
      }
    };
    let current = nextBatch();
    while (current) {
      const segments = await current.segments;
      const { seqs } = current;
      current = undefined;
      if (readAhead) current = nextBatch();
      if (take(this.parseEvents(seqs, segments)) === false) return;
      if (!readAhead) current = nextBatch();
    }
  }

  /** The seqs whose segment passes `ok` (asked once per segment). */
  private inSegments(seqs: readonly number[], ok: (first: number) => boolean): number[] {
    let first = -1;
    let end = -1;
    let pass = false;
    return seqs.filter((seq) => {
      if (seq < first || seq >= end) {
        first = this.segmentOf(seq);
        end = first + this.segmentLength(first);
        pass = ok(first);
      }
      return pass;
    });
  }

  async getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    const { matches, limit } = compileTypeOptions(pattern, options);
    const filter = this.columns.filterOf({ types: [pattern], ...(options?.from === undefined ? {} : { from: options.from }), ...(options?.to === undefined ? {} : { to: options.to }) });
    const found: StoredEvent[] = [];
    await this.walk(filter, 1, this.columns.length, 'asc', READ_CHUNK, (events) => {
      for (const event of events) {
        if (found.length >= limit) return false;
        if (matches(event)) found.push(event);
      }
      return found.length < limit;
    });
    return found;
  }

  async query(query: EventQuery): Promise<EventPage> {
    const plan = planPage(query);
    const filter = this.columns.filterOf(query);
    const [lo, hi] = scanRange(plan, this.columns.length);
    const want = plan.limit + 1;
    const found: StoredEvent[] = [];
    // Column hits are exact unless a hashed field or text must be confirmed on the event.
    const batch = filter.confirm ? READ_CHUNK : want;
    await this.walk(filter, lo, hi, plan.scan, batch, (events) => {
      for (const event of events) {
        if (!plan.matches(event)) continue;
        found.push(event);
        if (found.length >= want) return false;
      }
      return true;
    }, filter.confirm);
    return finishPage(plan, found);
  }

  async count(query: EventQuery = {}): Promise<number> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    planPage(filters);
    const filter = this.columns.filterOf(filters);
    if (!filter.confirm) return this.columns.count(filter);
    const matches = compileQuery(filters);
    let total = 0;
    await this.walk(filter, 1, this.columns.length, 'asc', READ_CHUNK, (events) => {
      for (const event of events) if (matches(event)) total += 1;
    }, true);
    return total;
  }

  async headSeq(): Promise<number> {
    return this.columns.length;
  }

  // ---- deliveries and snapshots -------------------------------------------------------------

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
    const seqs = [...new Set(letters.map((d) => d.seq))].filter((seq) => seq >= 1 && seq <= this.columns.length).sort((a, b) => a - b);
    const bySeq = new Map((await this.eventsAt(seqs)).map((event) => [event.seq, event]));
    return letters.flatMap((delivery) => {
      const event = bySeq.get(delivery.seq);
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
    const filter = this.columns.filterOf({
      ...(options.subject === undefined ? {} : { subject: options.subject }),
      ...(options.types ? { types: options.types } : {}),
      ...(options.toTime === undefined ? {} : { to: options.toTime }),
    });
    let state = snapshot ? (snapshot.state as S) : options.initial;
    let seq = snapshot?.seq ?? 0;
    let folded = 0;
    const end = Math.min(plan.toSeq, this.columns.length);
    await this.walk(filter, seq + 1, end, 'asc', READ_CHUNK, (events) => {
      throwIfAborted(options.signal);
      const step = foldChunk(events, plan, options.reducer, state);
      state = step.state;
      folded += step.folded;
      seq = step.seq ?? seq;
      options.onProgress?.(folded);
      throwIfAborted(options.signal);
    }, true);
    return { state, folded, seq, ...(snapshot ? { fromSnapshotSeq: snapshot.seq } : {}) };
  }

  /**
   * Closes the database after the write in progress. Writes still queued are refused, not
   * started: a store host closes when its link is gone, and the client sends again whatever
   * it has no answer for (main closes its client only once every call is answered).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const op of this.ops.splice(0)) op.reject(new Error('the event store closed before this write started'));
    while (this.draining) await this.writer;
    this.db.close();
  }
}
