/**
 * One subscriber's delivery records in the in-memory store, kept small because the bus writes
 * one per subscriber and event, and a record object per delivery made the garbage collector
 * the bus's largest cost.
 *
 * A plain delivery (no errors, no retry time, no dead-letter or discard fields) is three
 * numbers in typed columns indexed by the event's seq: its status, attempts and updatedAt.
 * Every other record (and one whose seq does not hold its event id) is kept whole, by event
 * id. An event id has at most one of the two forms at a time.
 */
import type { DeliveryRecord, DeliveryStatus } from './eventStore';
import { grown } from './grown';

const STATUSES: readonly DeliveryStatus[] = ['PUBLISHED', 'DELIVERED', 'PROCESSED', 'FAILED'];
/** Column code of each status; 0 in the column means "no compact record at this seq". */
const STATUS_CODE: Readonly<Record<DeliveryStatus, number>> = { PUBLISHED: 1, DELIVERED: 2, PROCESSED: 3, FAILED: 4 };
const PROCESSED_CODE = STATUS_CODE.PROCESSED;
const NO_ERRORS: readonly never[] = Object.freeze([]);

/** The event id at a seq, as the store holds it (undefined past the end). */
export type IdAt = (seq: number) => string | undefined;

export class DeliveryTable {
  private status = new Uint8Array(1024);
  private attempts = new Uint32Array(1024);
  private updatedAt = new Float64Array(1024);
  /** Records the columns cannot hold, by event id. */
  private readonly whole = new Map<string, DeliveryRecord>();

  constructor(
    readonly subscriber: string,
    private readonly idAt: IdAt,
  ) {}

  /** A new PUBLISHED delivery of the event at `seq` (the append's own records). */
  addPublished(seq: number, now: number): void {
    this.ensure(seq);
    this.status[seq - 1] = STATUS_CODE.PUBLISHED;
    this.attempts[seq - 1] = 0;
    this.updatedAt[seq - 1] = now;
  }

  /**
   * Inserts or replaces the record of `record.eventId`, whose event the store holds at
   * `storedSeq` (undefined when it holds none). A record kept whole must be frozen already.
   */
  put(record: DeliveryRecord, storedSeq: number | undefined): void {
    if (this.whole.size > 0) this.whole.delete(record.eventId);
    if (storedSeq !== undefined && record.seq === storedSeq && this.isPlain(record)) {
      this.ensure(storedSeq);
      this.status[storedSeq - 1] = STATUS_CODE[record.status];
      this.attempts[storedSeq - 1] = record.attempts;
      this.updatedAt[storedSeq - 1] = record.updatedAt;
      return;
    }
    // The event's compact record, if it had one, is replaced by this whole one.
    if (storedSeq !== undefined && storedSeq <= this.status.length) this.status[storedSeq - 1] = 0;
    this.whole.set(record.eventId, record);
  }

  /** The record of the event `eventId` stored at `seq` (seq undefined when the store has no such event). */
  get(eventId: string, seq: number | undefined): DeliveryRecord | null {
    if (this.whole.size > 0) {
      const found = this.whole.get(eventId);
      if (found) return found;
    }
    return seq === undefined ? null : this.compactAt(seq);
  }

  /** Deliveries not yet PROCESSED nor dead-lettered, in seq order. */
  pending(head: number): DeliveryRecord[] {
    const found: DeliveryRecord[] = [];
    const end = Math.min(head, this.status.length);
    const status = this.status;
    for (let i = 0; i < end; i++) {
      const code = status[i] as number;
      if (code !== 0 && code !== PROCESSED_CODE) found.push(this.compactAt(i + 1) as DeliveryRecord);
    }
    if (this.whole.size === 0) return found;
    for (const record of this.whole.values()) {
      if (record.status !== 'PROCESSED' && record.deadLetteredAt === undefined) found.push(record);
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** Whole records (the only ones that can be dead-lettered). */
  wholeRecords(): IterableIterator<DeliveryRecord> {
    return this.whole.values();
  }

  private compactAt(seq: number): DeliveryRecord | null {
    const code = seq >= 1 && seq <= this.status.length ? (this.status[seq - 1] as number) : 0;
    const eventId = code === 0 ? undefined : this.idAt(seq);
    if (eventId === undefined) return null;
    return Object.freeze({
      eventId,
      seq,
      subscriber: this.subscriber,
      status: STATUSES[code - 1] as DeliveryStatus,
      attempts: this.attempts[seq - 1] as number,
      errors: NO_ERRORS,
      updatedAt: this.updatedAt[seq - 1] as number,
    });
  }

  /**
   * True for a record without errors, retry, dead-letter or discard fields: the columns give
   * it back equal. (Fields outside DeliveryRecord are not kept, as the store RPC drops them.)
   */
  private isPlain(record: DeliveryRecord): boolean {
    return (
      record.errors.length === 0 &&
      Number.isInteger(record.attempts) && record.attempts >= 0 && record.attempts <= 0xffffffff &&
      typeof record.updatedAt === 'number' &&
      Object.hasOwn(STATUS_CODE, record.status) &&
      record.lastError === undefined &&
      record.nextAttemptAt === undefined &&
      record.deadLetteredAt === undefined &&
      record.discardedAt === undefined &&
      record.discardReason === undefined
    );
  }

  private ensure(seq: number): void {
    if (seq <= this.status.length) return;
    this.status = grown(this.status, seq);
    this.attempts = grown(this.attempts, seq);
    this.updatedAt = grown(this.updatedAt, seq);
  }
}
