/**
 * Group commit for stream messages: each message handed in waits in a queue; each batch (up
 * to `maxBatch`) goes into the archive in one append, and the batch is settled, all its
 * messages at once, when that append has committed (`settled(batch, null)`: the reader
 * acknowledges them) or failed (`settled(batch, error)`: it hands them back to the server).
 * No promise per message: one per batch. While a batch commits, the next ones
 * (up to `inFlight` in all) are checked and queued behind it, where the store commits them
 * together, and the one after gathers, so batches grow by themselves when the database is
 * the slower side.
 */
import { archiveBatch, type ArchiveTarget, type BatchOutcome } from './archiveBatch';
import type { Delivered } from './pullStream';

export interface ArchiveCounts {
  stored: number;
  rejected: number;
  duplicates: number;
  batches: number;
  /** Messages of the stream not yet delivered to this consumer, as the last message said. */
  streamPending: number;
  /** Messages delivered and not yet acknowledged (queued or in the batch committing). */
  inHand: number;
}

/** The reason a message handed back at a stop carries. */
export class ArchiverStoppedError extends Error {
  override readonly name = 'ArchiverStoppedError';
  constructor() {
    super('the archiver stopped before this message was stored');
  }
}

/** Batches handed to the store at once unless told otherwise: one committing, one checked and waiting behind it. */
const IN_FLIGHT = 2;

export class MessageBatcher {
  readonly counts: ArchiveCounts = { stored: 0, rejected: 0, duplicates: 0, batches: 0, streamPending: 0, inHand: 0 };
  private readonly waiting: Delivered[] = [];
  private flushing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly target: ArchiveTarget,
    private readonly stream: string,
    private readonly maxBatch: number,
    /** Told once per batch: `error` null once it committed (acknowledge its messages), else why it did not (they come again). */
    private readonly settled: (batch: readonly Delivered[], error: unknown) => void,
    /** Batches handed to the store at once (the store commits those queued together). */
    private readonly inFlight = IN_FLIGHT,
  ) {}

  /** Queues the message; its batch is settled once it is stored (or known to be), or was not. */
  add(message: Delivered): void {
    if (this.stopped) return this.settled([message], new ArchiverStoppedError());
    this.counts.streamPending = message.pending;
    this.counts.inHand++;
    this.waiting.push(message);
    // Started on the next turn, so that the messages the client already holds join the first batch.
    this.flushing ??= new Promise<void>((started) => setImmediate(started)).then(() => this.flush());
  }

  /** Takes no more messages and hands back those not yet in a batch; the batches handed to the store finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abandon(this.waiting.splice(0));
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const committing: Promise<void>[] = [];
    try {
      for (;;) {
        // The next batch is checked and queued while one commits, so that PostgreSQL and this process work at once;
        // their appends still commit one after the other, in order. Messages that came meanwhile are looked at
        // after every commit, so none waits for a later message to start a flush.
        if (this.waiting.length > 0 && !this.stopped && committing.length < this.inFlight) {
          committing.push(this.store(this.waiting.splice(0, this.maxBatch)));
          continue;
        }
        if (committing.length === 0) break;
        await committing.shift();
      }
    } finally {
      this.flushing = null;
    }
  }

  /** One batch into the archive, settled when it has committed or failed. */
  private async store(batch: readonly Delivered[]): Promise<void> {
    let outcome: BatchOutcome;
    try {
      outcome = await archiveBatch(this.target, batch, this.stream);
    } catch (error) {
      this.counts.inHand -= batch.length;
      this.settled(batch, error);
      return;
    }
    this.counts.stored += outcome.stored;
    this.counts.rejected += outcome.rejected;
    this.counts.duplicates += outcome.duplicates;
    this.counts.batches++;
    this.counts.inHand -= batch.length;
    this.settled(batch, null);
  }

  private abandon(waiting: readonly Delivered[]): void {
    this.counts.inHand -= waiting.length;
    if (waiting.length > 0) this.settled(waiting, new ArchiverStoppedError());
  }
}
