/**
 * The event store main hands to the core: the real store (the store host, over RPC) with the
 * journal on its append path. An append resolves after the store committed it AND the journal
 * has it on disk, so whatever a publisher saw acknowledged survives the loss of IndexedDB.
 * The anchor (anchor.ts) follows at most a second behind, and is written at close.
 *
 * Order: the store assigns seqs, so it commits first; the journal writes batches strictly in
 * seq order (an append that finishes early waits for the one before it). A crash between the
 * commit and the journal leaves the store ahead of the journal by batches nobody was told
 * were stored; the start-up check copies them into the journal (storeCheck.ts).
 *
 * `admit` runs before anything is stored and may refuse the append by throwing (the disk
 * watch does, when the data folder's disk is nearly full).
 */
import type { ChainHead } from '../../shared/audit/chain';
import type { StoredEvent } from '../../shared/events/event';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions, ReplayOptions, ReplayResult,
  Snapshot, StatusUpdate,
} from '../../shared/store/eventStore';
import { writeAnchor } from './anchor';
import type { Journal } from './journal';
import type { StagedAppend } from '../bus/stagedAppend';

export interface JournaledStoreOptions {
  readonly store: EventStore;
  readonly journal: Journal;
  readonly dataDir: string;
  /** The id of the store's event at seq 1 (null while it is empty). */
  readonly databaseId: string | null;
  readonly anchorEveryMs?: number;
  readonly admit?: (events: readonly AppendInput[]) => void;
  /** How long a batch waits for the one before it before that one is read back from the store. */
  readonly gapWaitMs?: number;
}

interface Waiting {
  readonly events: StoredEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

export class JournaledStore implements EventStore {
  private readonly inner: EventStore;
  private readonly journal: Journal;
  private nextSeq: number;
  private readonly waiting = new Map<number, Waiting>();
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  /** Appends sent to the store and not yet answered: while any is, a gap is theirs to fill. */
  private appending = 0;
  private databaseId: string | null;
  private anchorTimer: ReturnType<typeof setTimeout> | null = null;
  private lastAnchorAt = 0;
  private anchoring: Promise<void> = Promise.resolve();
  private anchoredSeq = -1;

  constructor(private readonly options: JournaledStoreOptions) {
    this.inner = options.store;
    this.journal = options.journal;
    this.nextSeq = options.journal.head.seq + 1;
    this.databaseId = options.databaseId;
  }

  async append(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StoredEvent[]> {
    return (await this.appendStaged(events, deliveries)).durable;
  }

  /**
   * The append in its two stages (main/bus/stagedAppend.ts): resolves once the store has
   * committed, with `durable`, which resolves once the journal has the events on disk too.
   * The bus sends its next append meanwhile, so the journal's sync overlaps the next commit.
   */
  async appendStaged(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StagedAppend> {
    this.options.admit?.(events);
    this.appending++;
    let stored: StoredEvent[];
    try {
      stored = await this.inner.append(events, deliveries);
    } finally {
      this.appending--;
    }
    if (stored.length === 0) return { durable: Promise.resolve(stored) };
    if (this.databaseId === null && stored[0]?.seq === 1) this.databaseId = stored[0].id;
    const durable = this.journalInOrder(stored).then(() => {
      this.anchorSoon();
      return stored;
    });
    return { durable };
  }

  private journalInOrder(stored: StoredEvent[]): Promise<void> {
    const fresh = stored.filter((event) => event.seq >= this.nextSeq);
    if (fresh.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.set((fresh[0] as StoredEvent).seq, { events: fresh, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    for (let next = this.waiting.get(this.nextSeq); next; next = this.waiting.get(this.nextSeq)) {
      this.waiting.delete(this.nextSeq);
      this.nextSeq += next.events.length;
      this.journal.append(next.events).then(next.resolve, next.reject);
    }
    if (this.waiting.size > 0 && !this.gapTimer) this.gapTimer = setTimeout(() => void this.fillGap(), this.options.gapWaitMs ?? 2_000);
  }

  /**
   * A batch before the waiting ones never came back although the store committed it (its
   * caller's answer was lost, or it gave up waiting): once no append is outstanding that
   * could still bring it, its events are read from the store.
   */
  private async fillGap(): Promise<void> {
    this.gapTimer = null;
    if (this.waiting.size === 0 || this.waiting.has(this.nextSeq) || this.appending > 0) return this.drain();
    const upTo = Math.min(...this.waiting.keys());
    const missing: StoredEvent[] = [];
    for (let seq = this.nextSeq; seq < upTo; seq++) {
      const event = await this.inner.getBySeq(seq);
      if (!event) break;
      missing.push(event);
    }
    if (missing.length > 0 && !this.waiting.has(this.nextSeq)) this.waiting.set(this.nextSeq, { events: missing, resolve: () => undefined, reject: () => undefined });
    this.drain();
  }

  private anchorSoon(): void {
    if (this.anchorTimer) return;
    const wait = Math.max(0, this.lastAnchorAt + (this.options.anchorEveryMs ?? 1_000) - Date.now());
    this.anchorTimer = setTimeout(() => {
      this.anchorTimer = null;
      void this.writeAnchorNow().catch((error: unknown) => console.warn(`[journal] the anchor could not be written: ${(error as Error).message}`));
    }, wait);
  }

  private writeAnchorNow(): Promise<void> {
    this.anchoring = this.anchoring.catch(() => undefined).then(async () => {
      const head = this.journal.head;
      if (head.seq === this.anchoredSeq) return;
      this.lastAnchorAt = Date.now();
      await writeAnchor(this.options.dataDir, { databaseId: this.databaseId, seq: head.seq, hash: head.storeHash });
      this.anchoredSeq = head.seq;
    });
    return this.anchoring;
  }

  get(id: string): Promise<StoredEvent | null> {
    return this.inner.get(id);
  }
  getBySeq(seq: number): Promise<StoredEvent | null> {
    return this.inner.getBySeq(seq);
  }
  getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    return this.inner.getEventsByType(pattern, options);
  }
  query(query: EventQuery): Promise<EventPage> {
    return this.inner.query(query);
  }
  count(query?: EventQuery): Promise<number> {
    return this.inner.count(query);
  }
  headSeq(): Promise<number> {
    return this.inner.headSeq();
  }
  updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    return this.inner.updateStatuses(updates);
  }
  putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    return this.inner.putDeliveries(records);
  }
  getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    return this.inner.getDelivery(eventId, subscriber);
  }
  pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    return this.inner.pendingDeliveries(subscriber);
  }
  deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    return this.inner.deliveriesOf(eventId);
  }
  deadLetters(): Promise<DeadLetter[]> {
    return this.inner.deadLetters();
  }
  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.inner.saveSnapshot(snapshot);
  }
  nearestSnapshot(key: string, bounds?: { toSeq?: number; toTime?: number }): Promise<Snapshot | null> {
    return this.inner.nearestSnapshot(key, bounds);
  }
  replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>> {
    return this.inner.replay(options);
  }
  chainHead(): Promise<ChainHead> {
    return this.inner.chainHead();
  }

  /**
   * Writes the anchor and closes the journal. The inner store is the caller's to close (the
   * composition root closes its store client after the core).
   */
  async close(): Promise<void> {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    if (this.anchorTimer) clearTimeout(this.anchorTimer);
    this.anchorTimer = null;
    await this.journal.close();
    await this.writeAnchorNow();
  }
}
