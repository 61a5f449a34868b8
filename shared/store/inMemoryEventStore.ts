/**
 * The in-memory twin of the event store: arrays and maps, nothing kept across restarts.
 * Used by unit tests and by the bus benchmark, so appends stay cheap: validation, one frozen
 * copy per event, and a seq pushed onto each index list (every list stays sorted because seq
 * only grows). Index lists hold seqs, not events, so a status change replaces one slot.
 */
import { subjectOf } from '../events/event';
import type { StoredEvent } from '../events/event';
import { sealEvent } from '../events/sealed';
import { EMPTY_CHAIN, storeHashOf } from '../audit/chain';
import type { ChainHead, ChainHeadReader } from '../audit/chain';
import { EventValidationError } from '../events/validate';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions,
  ReplayOptions, ReplayResult, Snapshot, StatusUpdate,
} from './eventStore';
import {
  checkReplayOptions, compileQuery, compileTypeOptions, finishPage, foldChunk, isForwardStatus, nearestOf, planPage, scanRange, throwIfAborted,
} from './queryMatch';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}

const NO_ERRORS: readonly never[] = Object.freeze([]);

const deliveryKey = (eventId: string, subscriber: string) => `${eventId}\u0000${subscriber}`;

function pushTo<K>(map: Map<K, number[]>, key: K | undefined, seq: number): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(seq);
  else map.set(key, [seq]);
}

/** Index of the first seq >= `seq` in a sorted list of seqs. */
function lowerBound(list: readonly number[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every seq from 1 to `head`, as a list the query loops can share with the index lists. */
class AllSeqs {
  constructor(readonly length: number) {}
}
type SeqList = readonly number[] | AllSeqs;
const seqAt = (list: SeqList, i: number): number => (list instanceof AllSeqs ? i + 1 : (list[i] as number));
const firstAtLeast = (list: SeqList, seq: number): number => (list instanceof AllSeqs ? Math.max(0, Math.min(list.length, seq - 1)) : lowerBound(list, seq));

export class InMemoryEventStore implements EventStore, ChainHeadReader {
  private readonly events: StoredEvent[] = [];
  /** The audit chain's head, kept apart from the events (as the Dexie store keeps it in its meta table). */
  private head: ChainHead = EMPTY_CHAIN;
  /** Event id → seq. */
  private readonly byId = new Map<string, number>();
  private readonly byType = new Map<string, number[]>();
  private readonly bySubject = new Map<string, number[]>();
  private readonly byCorrelation = new Map<string, number[]>();
  /** Per subscriber, by event id. */
  private readonly deliveriesBySubscriber = new Map<string, Map<string, DeliveryRecord>>();
  /** Dead-lettered deliveries (discarded ones included), by event id and subscriber. */
  private readonly deadLettered = new Map<string, DeliveryRecord>();
  private readonly snapshots = new Map<string, Snapshot[]>();

  async append(events: readonly AppendInput[], deliveries: readonly (readonly string[])[] = []): Promise<StoredEvent[]> {
    const valid = events.map((event) => sealEvent(event));
    const batchIds = new Set<string>();
    for (const event of valid) {
      if (this.byId.has(event.id) || batchIds.has(event.id)) throw new EventValidationError('id', `duplicate id ${event.id}`);
      batchIds.add(event.id);
    }
    let seq = this.events.length;
    let prevHash = this.head.hash;
    // Sealed events are deep-frozen already: numbering them needs a new top-level object only.
    const stored = valid.map((event) => {
      const subject = subjectOf(event.payload);
      const numbered = { ...event, seq: ++seq };
      const hash = (prevHash = storeHashOf(prevHash, numbered));
      return Object.freeze(subject === undefined ? { ...numbered, hash } : { ...numbered, subject, hash }) as StoredEvent;
    });
    const now = Date.now();
    if (stored.length > 0) this.head = Object.freeze({ seq, hash: prevHash });
    stored.forEach((event, i) => {
      this.events.push(event);
      this.byId.set(event.id, event.seq);
      pushTo(this.byType, event.type, event.seq);
      pushTo(this.bySubject, event.subject, event.seq);
      pushTo(this.byCorrelation, event.correlationId, event.seq);
      for (const subscriber of deliveries[i] ?? []) {
        this.putOne(Object.freeze({ eventId: event.id, seq: event.seq, subscriber, status: 'PUBLISHED', attempts: 0, errors: NO_ERRORS, updatedAt: now }));
      }
    });
    return stored;
  }

  private byIdNow(id: string): StoredEvent | undefined {
    const seq = this.byId.get(id);
    return seq === undefined ? undefined : this.events[seq - 1];
  }

  async get(id: string): Promise<StoredEvent | null> {
    return this.byIdNow(id) ?? null;
  }

  async getBySeq(seq: number): Promise<StoredEvent | null> {
    return Number.isInteger(seq) && seq >= 1 ? (this.events[seq - 1] ?? null) : null;
  }

  async getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    const { matches, limit, exactType } = compileTypeOptions(pattern, options);
    const candidates: SeqList = exactType === undefined ? new AllSeqs(this.events.length) : (this.byType.get(exactType) ?? []);
    const found: StoredEvent[] = [];
    for (let i = 0; i < candidates.length && found.length < limit; i++) {
      const event = this.events[seqAt(candidates, i) - 1] as StoredEvent;
      if (matches(event)) found.push(event);
    }
    return found;
  }

  /** The smallest sorted list of seqs that holds every event the query can match. */
  private candidates(query: EventQuery): SeqList {
    if (query.subject !== undefined) return this.bySubject.get(query.subject) ?? [];
    if (query.correlationId !== undefined) return this.byCorrelation.get(query.correlationId) ?? [];
    const only = query.types?.length === 1 ? query.types[0] : undefined;
    if (only !== undefined && !only.includes('*')) return this.byType.get(only) ?? [];
    return new AllSeqs(this.events.length);
  }

  async query(query: EventQuery): Promise<EventPage> {
    const plan = planPage(query);
    const list = this.candidates(query);
    const [lo, hi] = scanRange(plan);
    const found: StoredEvent[] = [];
    const want = plan.limit + 1;
    if (plan.scan === 'asc') {
      for (let i = firstAtLeast(list, lo); i < list.length && found.length < want; i++) {
        const seq = seqAt(list, i);
        if (seq > hi) break;
        const event = this.events[seq - 1] as StoredEvent;
        if (plan.matches(event)) found.push(event);
      }
    } else {
      for (let i = firstAtLeast(list, hi + 1) - 1; i >= 0 && found.length < want; i--) {
        const seq = seqAt(list, i);
        if (seq < lo) break;
        const event = this.events[seq - 1] as StoredEvent;
        if (plan.matches(event)) found.push(event);
      }
    }
    return finishPage(plan, found);
  }

  async count(query: EventQuery = {}): Promise<number> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    planPage(filters);
    const matches = compileQuery(filters);
    const list = this.candidates(filters);
    let total = 0;
    for (let i = 0; i < list.length; i++) if (matches(this.events[seqAt(list, i) - 1] as StoredEvent)) total += 1;
    return total;
  }

  async headSeq(): Promise<number> {
    return this.events.length;
  }

  async chainHead(): Promise<ChainHead> {
    return this.head;
  }

  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    for (const { eventId, status } of updates) {
      const current = this.byIdNow(eventId);
      if (!current || !isForwardStatus(current.status, status)) continue;
      this.events[current.seq - 1] = Object.freeze({ ...current, status });
    }
  }

  /** Stores a record as it is when frozen already (the append's own records), else a frozen copy. */
  private putOne(given: DeliveryRecord): void {
    const record = Object.isFrozen(given) ? given : deepFreeze({ ...given, errors: [...given.errors] });
    let ofSubscriber = this.deliveriesBySubscriber.get(record.subscriber);
    if (!ofSubscriber) this.deliveriesBySubscriber.set(record.subscriber, (ofSubscriber = new Map()));
    ofSubscriber.set(record.eventId, record);
    const key = deliveryKey(record.eventId, record.subscriber);
    if (record.deadLetteredAt !== undefined) this.deadLettered.set(key, record);
    else if (this.deadLettered.size > 0) this.deadLettered.delete(key);
  }

  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    for (const record of records) this.putOne(record);
  }

  async getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    return this.deliveriesBySubscriber.get(subscriber)?.get(eventId) ?? null;
  }

  async pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    const all = [...(this.deliveriesBySubscriber.get(subscriber)?.values() ?? [])];
    return all.filter((d) => d.status !== 'PROCESSED' && d.deadLetteredAt === undefined).sort((a, b) => a.seq - b.seq);
  }

  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    const found: DeliveryRecord[] = [];
    for (const ofSubscriber of this.deliveriesBySubscriber.values()) {
      const record = ofSubscriber.get(eventId);
      if (record) found.push(record);
    }
    return found.sort((a, b) => (a.subscriber < b.subscriber ? -1 : a.subscriber > b.subscriber ? 1 : 0));
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (const delivery of this.deadLettered.values()) {
      if (delivery.deadLetteredAt === undefined || delivery.discardedAt !== undefined) continue;
      const event = this.byIdNow(delivery.eventId);
      if (event) letters.push({ delivery, event });
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
    let state = snapshot ? (structuredClone(snapshot.state) as S) : options.initial;
    let seq = snapshot?.seq ?? 0;
    let folded = 0;
    const chunk = 2000;
    for (let i = firstAtLeast(candidates, seq + 1); i < candidates.length; i += chunk) {
      const events: StoredEvent[] = [];
      for (let k = i; k < Math.min(candidates.length, i + chunk); k++) events.push(this.events[seqAt(candidates, k) - 1] as StoredEvent);
      const step = foldChunk(events, plan, options.reducer, state);
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
