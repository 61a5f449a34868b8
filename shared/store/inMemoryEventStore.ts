/**
 * The in-memory twin of the event store: arrays and maps, nothing kept across restarts.
 * Used by unit tests and by the bus benchmark, so appends stay cheap: validation, one frozen
 * object per event, and a seq pushed onto each index list (every list stays sorted because
 * seq only grows). What the bus changes afterwards costs no new objects: event statuses live
 * in a column and an event object is renewed only when it is next read with a moved status,
 * and plain delivery records are numbers in per-subscriber columns (DeliveryTable).
 */
import { subjectOf } from '../events/event';
import type { PlantEvent, StoredEvent } from '../events/event';
import { sealEvent } from '../events/sealed';
import { EMPTY_CHAIN, chainText } from '../audit/chain';
import { sha256HexOfText } from '../audit/sha256';
import type { ChainHead, ChainHeadReader } from '../audit/chain';
import { EventValidationError } from '../events/validate';
import { EVENT_STATUSES, STATUS_CODE } from '../events/event';
import type { EventStatus } from '../events/event';
import { DeliveryTable } from './deliveryTable';
import { IdIndex } from './idIndex';
import { numberedCopy } from './numbered';
import { grown } from './grown';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions,
  ReplayOptions, ReplayResult, Snapshot, StatusUpdate,
} from './eventStore';
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
   * default is the portable TypeScript one; a Node process can pass its native hash
   * (main/store/nodeHash.ts), which gives the same digests faster.
   */
  readonly sha256HexOfText?: (text: string) => string;
}

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
  /** Events by seq - 1, as appended or as last renewed (see eventAt). */
  private readonly events: StoredEvent[] = [];
  /** The current status of each event (STATUS_CODE), by seq - 1. */
  private statuses = new Uint8Array(1024);
  /** The audit chain's head, kept apart from the events (as the Dexie store keeps it in its meta table). */
  private head: ChainHead = EMPTY_CHAIN;
  private readonly idAt = (seq: number): string | undefined => this.events[seq - 1]?.id;
  /** Event id → seq. */
  private readonly byId = new IdIndex(this.idAt);
  /** The greatest event id stored (as a string). */
  private maxId = '';
  private readonly byType = new Map<string, number[]>();
  private readonly bySubject = new Map<string, number[]>();
  private readonly byCorrelation = new Map<string, number[]>();
  private readonly deliveryTables = new Map<string, DeliveryTable>();
  /** Dead-lettered deliveries (discarded ones included), by event id and subscriber. */
  private readonly deadLettered = new Map<string, DeliveryRecord>();
  private readonly snapshots = new Map<string, Snapshot[]>();
  private readonly hashText: (text: string) => string;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.hashText = options.sha256HexOfText ?? sha256HexOfText;
  }

  async append(events: readonly AppendInput[], deliveries: readonly (readonly string[])[] = []): Promise<StoredEvent[]> {
    const valid = events.map((event) => sealEvent(event));
    // Ids made in this process grow (UUIDv7), so most are above every stored id and cannot
    // repeat one: only the others are looked up.
    let maxId = this.maxId;
    let batchIds: Map<string, number> | undefined;
    valid.forEach((event, i) => {
      const id = event.id;
      if (id > maxId) {
        maxId = id;
        return;
      }
      if (!batchIds) {
        batchIds = new Map();
        // Each id's first place in the batch: a later copy of it is the duplicate.
        for (let j = valid.length - 1; j >= 0; j--) batchIds.set((valid[j] as PlantEvent).id, j);
      }
      if (this.byId.seqOf(id) !== undefined || batchIds.get(id) !== i) throw new EventValidationError('id', `duplicate id ${id}`);
    });
    let seq = this.events.length;
    let prevHash = this.head.hash;
    const stored: StoredEvent[] = [];
    for (const event of valid) {
      // Sealed events are deep-frozen already: numbering one needs a new top-level object only.
      const numbered = numberedCopy(event, ++seq, subjectOf(event.payload));
      numbered.hash = prevHash = this.hashText(prevHash + chainText(numbered));
      stored.push(Object.freeze(numbered));
    }
    const now = Date.now();
    this.maxId = maxId;
    if (stored.length > 0) this.head = Object.freeze({ seq, hash: prevHash });
    this.statuses = grown(this.statuses, seq);
    for (let i = 0; i < stored.length; i++) {
      const event = stored[i] as StoredEvent;
      this.events.push(event);
      this.statuses[event.seq - 1] = STATUS_CODE[event.status];
      this.byId.add(event.id, event.seq);
      pushTo(this.byType, event.type, event.seq);
      pushTo(this.bySubject, event.subject, event.seq);
      pushTo(this.byCorrelation, event.correlationId, event.seq);
      const subscribers = deliveries[i];
      if (subscribers) for (const subscriber of subscribers) this.tableOf(subscriber).addPublished(event.seq, now);
    }
    return stored;
  }

  /** The event at `seq` with its current status (renewed here, once, when the status moved). */
  private eventAt(seq: number): StoredEvent | undefined {
    const event = this.events[seq - 1];
    if (event === undefined) return undefined;
    const status = EVENT_STATUSES[this.statuses[seq - 1] as number] as EventStatus;
    if (event.status === status) return event;
    const renewed = Object.freeze({ ...event, status });
    this.events[seq - 1] = renewed;
    return renewed;
  }

  private tableOf(subscriber: string): DeliveryTable {
    let table = this.deliveryTables.get(subscriber);
    if (!table) this.deliveryTables.set(subscriber, (table = new DeliveryTable(subscriber, this.idAt)));
    return table;
  }

  private byIdNow(id: string): StoredEvent | undefined {
    const seq = this.byId.seqOf(id);
    return seq === undefined ? undefined : this.eventAt(seq);
  }

  async get(id: string): Promise<StoredEvent | null> {
    return this.byIdNow(id) ?? null;
  }

  async getBySeq(seq: number): Promise<StoredEvent | null> {
    return Number.isInteger(seq) && seq >= 1 ? (this.eventAt(seq) ?? null) : null;
  }

  async getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    const { matches, limit, exactType } = compileTypeOptions(pattern, options);
    const candidates: SeqList = exactType === undefined ? new AllSeqs(this.events.length) : (this.byType.get(exactType) ?? []);
    const found: StoredEvent[] = [];
    for (let i = 0; i < candidates.length && found.length < limit; i++) {
      const event = this.eventAt(seqAt(candidates, i)) as StoredEvent;
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
        const event = this.eventAt(seq) as StoredEvent;
        if (plan.matches(event)) found.push(event);
      }
    } else {
      for (let i = firstAtLeast(list, hi + 1) - 1; i >= 0 && found.length < want; i--) {
        const seq = seqAt(list, i);
        if (seq < lo) break;
        const event = this.eventAt(seq) as StoredEvent;
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
    for (let i = 0; i < list.length; i++) if (matches(this.eventAt(seqAt(list, i)) as StoredEvent)) total += 1;
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
      const seq = this.byId.seqOf(eventId);
      if (seq === undefined) continue;
      const current = EVENT_STATUSES[this.statuses[seq - 1] as number] as EventStatus;
      if (isForwardStatus(current, status)) this.statuses[seq - 1] = STATUS_CODE[status];
    }
  }

  /** Stores a record as it is when frozen already, else a frozen copy. */
  private putOne(given: DeliveryRecord): void {
    const record = Object.isFrozen(given) ? given : deepFreeze({ ...given, errors: [...given.errors] });
    // A record names its event's seq: trust it once the event there has the record's id.
    const storedSeq = this.idAt(record.seq) === record.eventId ? record.seq : this.byId.seqOf(record.eventId);
    this.tableOf(record.subscriber).put(record, storedSeq);
    if (record.deadLetteredAt !== undefined) this.deadLettered.set(deliveryKey(record.eventId, record.subscriber), record);
    else if (this.deadLettered.size > 0) this.deadLettered.delete(deliveryKey(record.eventId, record.subscriber));
  }

  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    for (const record of records) this.putOne(record);
  }

  async getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    return this.deliveryTables.get(subscriber)?.get(eventId, this.byId.seqOf(eventId)) ?? null;
  }

  async pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    return this.deliveryTables.get(subscriber)?.pending(this.events.length) ?? [];
  }

  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    const seq = this.byId.seqOf(eventId);
    const found: DeliveryRecord[] = [];
    for (const table of this.deliveryTables.values()) {
      const record = table.get(eventId, seq);
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
      for (let k = i; k < Math.min(candidates.length, i + chunk); k++) events.push(this.eventAt(seqAt(candidates, k)) as StoredEvent);
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
