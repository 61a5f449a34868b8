/**
 * The in-memory twin of the event store: the oracle the store contract suite holds the Dexie
 * store to, and the store of unit tests. Written to be obviously right rather than fast: an
 * array of frozen events by seq, Maps of seq lists for the lookups, delivery records in a Map
 * per subscriber. Nothing is kept across restarts.
 */
import { EMPTY_CHAIN, chainText } from '../audit/chain';
import type { ChainHead, ChainHeadReader } from '../audit/chain';
import { sha256HexOfText } from '../audit/sha256';
import { subjectOf } from '../events/event';
import type { StoredEvent } from '../events/event';
import { sealEvent } from '../events/sealed';
import { EventValidationError } from '../events/validate';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions,
  ReplayOptions, ReplayResult, Snapshot, StatusUpdate,
} from './eventStore';
import { numberedCopy } from './numbered';
import { compileQuery, compileTypeOptions, isForwardStatus } from './queryMatch';
import { finishPage, planPage, scanRange } from './pagePlan';
import { checkReplayOptions, foldChunk, nearestOf, throwIfAborted } from './replayPlan';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}

export interface InMemoryEventStoreOptions {
  /**
   * SHA-256 of a text's UTF-8 bytes as 64 lowercase hex digits, for the audit chain. The
   * default is shared/audit/sha256.ts; a Node process can pass its native hash
   * (main/store/nodeHash.ts), which gives the same digests.
   */
  readonly sha256HexOfText?: (text: string) => string;
}

/** Every seq from 1 to the head: the candidates of a query no index narrows. */
const ALL = 'all';
type Candidates = readonly number[] | typeof ALL;

function pushTo(map: Map<string, number[]>, key: string | undefined, seq: number): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(seq);
  else map.set(key, [seq]);
}

export class InMemoryEventStore implements EventStore, ChainHeadReader {
  /** Events by seq - 1. A status change puts a renewed frozen copy in its place. */
  private readonly events: StoredEvent[] = [];
  private readonly seqById = new Map<string, number>();
  /** Seqs by type, subject and correlation id, each list ascending (seqs only grow). */
  private readonly byType = new Map<string, number[]>();
  private readonly bySubject = new Map<string, number[]>();
  private readonly byCorrelation = new Map<string, number[]>();
  /** Delivery records: subscriber → event id → record. */
  private readonly deliveries = new Map<string, Map<string, DeliveryRecord>>();
  private readonly snapshots = new Map<string, Snapshot[]>();
  /** The audit chain's head, kept apart from the events (as the Dexie store keeps it in its meta table). */
  private head: ChainHead = EMPTY_CHAIN;
  private readonly hashText: (text: string) => string;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.hashText = options.sha256HexOfText ?? sha256HexOfText;
  }

  async append(events: readonly AppendInput[], deliveries: readonly (readonly string[])[] = []): Promise<StoredEvent[]> {
    // Everything is checked and built before anything is kept: a refused batch leaves no trace.
    const sealed = events.map((event) => sealEvent(event));
    const batchIds = new Set<string>();
    for (const { id } of sealed) {
      if (this.seqById.has(id) || batchIds.has(id)) throw new EventValidationError('id', `duplicate id ${id}`);
      batchIds.add(id);
    }
    let prevHash = this.head.hash;
    const stored = sealed.map((event, i) => {
      const numbered = numberedCopy(event, this.events.length + i + 1, subjectOf(event.payload));
      numbered.hash = prevHash = this.hashText(prevHash + chainText(numbered));
      return Object.freeze(numbered);
    });

    const now = Date.now();
    stored.forEach((event, i) => {
      this.events.push(event);
      this.seqById.set(event.id, event.seq);
      pushTo(this.byType, event.type, event.seq);
      pushTo(this.bySubject, event.subject, event.seq);
      pushTo(this.byCorrelation, event.correlationId, event.seq);
      for (const subscriber of deliveries[i] ?? []) {
        this.keep(deepFreeze({ eventId: event.id, seq: event.seq, subscriber, status: 'PUBLISHED', attempts: 0, errors: [], updatedAt: now }));
      }
    });
    if (stored.length > 0) this.head = Object.freeze({ seq: this.events.length, hash: prevHash });
    return stored;
  }

  private byId(id: string): StoredEvent | undefined {
    const seq = this.seqById.get(id);
    return seq === undefined ? undefined : this.events[seq - 1];
  }

  async get(id: string): Promise<StoredEvent | null> {
    return this.byId(id) ?? null;
  }

  async getBySeq(seq: number): Promise<StoredEvent | null> {
    return Number.isInteger(seq) && seq >= 1 ? (this.events[seq - 1] ?? null) : null;
  }

  /** The seqs that may match, from the narrowest index the query names. */
  private candidates(query: EventQuery): Candidates {
    if (query.subject !== undefined) return this.bySubject.get(query.subject) ?? [];
    if (query.correlationId !== undefined) return this.byCorrelation.get(query.correlationId) ?? [];
    const only = query.types?.length === 1 ? query.types[0] : undefined;
    if (only !== undefined && !only.includes('*')) return this.byType.get(only) ?? [];
    return ALL;
  }

  /** The candidate events with seqs from `lo` to `hi`, in seq order. */
  private eventsIn(candidates: Candidates, lo = 1, hi = this.events.length): StoredEvent[] {
    const seqs = candidates === ALL ? this.events.map((event) => event.seq) : candidates;
    return seqs.filter((seq) => seq >= lo && seq <= hi).map((seq) => this.events[seq - 1]!);
  }

  async getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    const { matches, limit, exactType } = compileTypeOptions(pattern, options);
    const candidates = exactType === undefined ? ALL : (this.byType.get(exactType) ?? []);
    return this.eventsIn(candidates).filter(matches).slice(0, limit);
  }

  async query(query: EventQuery): Promise<EventPage> {
    const plan = planPage(query);
    const [lo, hi] = scanRange(plan, this.events.length);
    const inRange = this.eventsIn(this.candidates(query), lo, hi);
    const scanned = plan.scan === 'asc' ? inRange : inRange.reverse();
    return finishPage(plan, scanned.filter(plan.matches).slice(0, plan.limit + 1));
  }

  async count(query: EventQuery = {}): Promise<number> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    planPage(filters);
    return this.eventsIn(this.candidates(filters)).filter(compileQuery(filters)).length;
  }

  async headSeq(): Promise<number> {
    return this.events.length;
  }

  async chainHead(): Promise<ChainHead> {
    return this.head;
  }

  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    for (const { eventId, status } of updates) {
      const event = this.byId(eventId);
      if (event && isForwardStatus(event.status, status)) this.events[event.seq - 1] = Object.freeze({ ...event, status });
    }
  }

  private keep(record: DeliveryRecord): void {
    let records = this.deliveries.get(record.subscriber);
    if (!records) this.deliveries.set(record.subscriber, (records = new Map()));
    records.set(record.eventId, record);
  }

  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    for (const record of records) this.keep(Object.isFrozen(record) ? record : deepFreeze({ ...record, errors: [...record.errors] }));
  }

  async getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    return this.deliveries.get(subscriber)?.get(eventId) ?? null;
  }

  async pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    const records = [...(this.deliveries.get(subscriber)?.values() ?? [])];
    return records.filter((r) => r.status !== 'PROCESSED' && r.deadLetteredAt === undefined).sort((a, b) => a.seq - b.seq);
  }

  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    const found: DeliveryRecord[] = [];
    for (const records of this.deliveries.values()) {
      const record = records.get(eventId);
      if (record) found.push(record);
    }
    return found.sort((a, b) => (a.subscriber < b.subscriber ? -1 : a.subscriber > b.subscriber ? 1 : 0));
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (const records of this.deliveries.values()) {
      for (const delivery of records.values()) {
        if (delivery.deadLetteredAt === undefined || delivery.discardedAt !== undefined) continue;
        const event = this.byId(delivery.eventId);
        if (event) letters.push({ delivery, event });
      }
    }
    return letters.sort((a, b) => a.delivery.deadLetteredAt! - b.delivery.deadLetteredAt! || a.delivery.seq - b.delivery.seq);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const list = (this.snapshots.get(snapshot.key) ?? []).filter((s) => s.seq !== snapshot.seq);
    list.push(deepFreeze(structuredClone(snapshot)));
    list.sort((a, b) => a.seq - b.seq);
    this.snapshots.set(snapshot.key, list);
  }

  async nearestSnapshot(key: string, bounds: { toSeq?: number; toTime?: number } = {}): Promise<Snapshot | null> {
    return nearestOf([...(this.snapshots.get(key) ?? [])].reverse(), bounds);
  }

  async replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>> {
    const plan = checkReplayOptions(options);
    throwIfAborted(options.signal);
    const snapshot = options.snapshotKey === undefined ? null : await this.nearestSnapshot(options.snapshotKey, options);
    const candidates = this.candidates({ ...(options.subject === undefined ? {} : { subject: options.subject }), ...(options.types ? { types: options.types } : {}) });
    const events = this.eventsIn(candidates, (snapshot?.seq ?? 0) + 1);
    let state = snapshot ? (structuredClone(snapshot.state) as S) : options.initial;
    let seq = snapshot?.seq ?? 0;
    let folded = 0;
    // In chunks, as the Dexie store reads them: progress and abort are seen between chunks.
    const chunk = 2000;
    for (let i = 0; i < events.length; i += chunk) {
      const step = foldChunk(events.slice(i, i + chunk), plan, options.reducer, state);
      state = step.state;
      folded += step.folded;
      seq = step.seq ?? seq;
      options.onProgress?.(folded);
      throwIfAborted(options.signal);
      if (step.done) break;
    }
    return { state, folded, seq, ...(snapshot ? { fromSnapshotSeq: snapshot.seq } : {}) };
  }

  async close(): Promise<void> {
    // Nothing to release: the data lives only as long as this object.
  }
}
