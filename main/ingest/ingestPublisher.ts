/**
 * Hands what ingest produces to the bus, in arrival order and in batches. MQTT delivers
 * messages whether or not the bus keeps up, so this queue is where backpressure lands: it
 * holds up to `capacity` events while the bus is overloaded (retrying with backoff), and
 * counts, never hides, what it had to give up (a full queue, repeated store failures, a
 * closed bus). Ids are given on entry, so a retried batch keeps its ids.
 *
 * A batch starts on the next microtask, not at the first event: what a source hands over in
 * one go (the changes of one OPC UA publish response, the MQTT messages read from one socket
 * chunk) then goes to the store as one append instead of a first append of one event, since
 * each append costs a store round trip whatever its size.
 */
import type { PlantEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';
import { newEventId } from '../../shared/events/uuidv7';
import { AppendFloor, type AppendFloorOptions } from '../bus/appendFloor';
import { backoffDelay } from '../bus/backoff';
import { BusClosedError, BusOverloadError } from '../bus/errors';
import { DiskSpaceError } from '../store/diskGuard';
import { logErrorAs } from '../core/logError';

export interface IngestBus {
  /** `committed`, when the bus reports it, says the events' place in the store is fixed (eventBus.ts: PublishOptions). */
  publishBatch(events: readonly (PlantEvent | PublishInput)[], options?: { readonly committed?: () => void }): Promise<unknown>;
}

/** A batch handed to the bus: how many events from the queue's head on, and what became of it. */
interface Sent {
  readonly size: number;
  /** Null once stored, else what the bus threw. */
  readonly outcome: Promise<{ readonly error: unknown } | null>;
  /** True once the bus reported the commit; false when the batch settled without one. */
  readonly committed: Promise<boolean>;
}

export interface IngestPublisherOptions {
  readonly bus: IngestBus;
  readonly capacity?: number;
  readonly batchSize?: number;
  /**
   * Queued events at which a source that can hold its messages upstream is asked to (see
   * `holding`); it may send again once half of that is worked off. Defaults to four batches,
   * or half the capacity when that is smaller.
   */
  readonly holdAt?: number;
  /**
   * Events that must be waiting when a batch is committed for the next to be handed over at
   * once, while that one is made durable; fewer wait for it and then go as one larger append.
   * Defaults to a quarter of a batch.
   */
  readonly overlapAt?: number;
  /** How long a batch that follows the one before may wait for more events (main/bus/appendFloor.ts). */
  readonly appendFloor?: AppendFloorOptions;
  /** Attempts at one batch when the store fails (an overloaded bus is waited for without limit). */
  readonly maxAttempts?: number;
  readonly onError?: (error: unknown) => void;
}

export interface IngestPublisherMetrics {
  readonly queued: number;
  readonly published: number;
  /** Events given up: queue full, store failures past the attempts, or the bus closed. */
  readonly lost: number;
  readonly retries: number;
}

export class IngestPublisher {
  private queue: PublishInput[] = [];
  private head = 0;
  private running: Promise<void> | null = null;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private published = 0;
  private lost = 0;
  private retries = 0;
  private closed = false;
  private refusedByStore = false;
  /** True from the first event a full queue refused until it takes one again: the loss is reported once per such stretch. */
  private overflowing = false;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly holdAt: number;
  private readonly overlapAt: number;
  private readonly maxAttempts: number;
  private readonly onError: (error: unknown) => void;
  private readonly floor: AppendFloor;

  constructor(private readonly options: IngestPublisherOptions) {
    this.capacity = options.capacity ?? 100_000;
    // Whatever queued during the last append goes in the next, up to this: each append costs a
    // store round trip, a commit and a journal sync whatever its size, so a backlog is worked
    // off in few large appends (500 held the end-to-end path to a few thousand events/s).
    this.batchSize = options.batchSize ?? 2_000;
    this.holdAt = Math.max(1, options.holdAt ?? Math.min(this.batchSize * 4, Math.floor(this.capacity / 2)));
    // Each append costs the store host a share of its own whatever its size (appendBatcher.ts).
    this.overlapAt = Math.max(1, options.overlapAt ?? Math.floor(this.batchSize / 4));
    this.maxAttempts = options.maxAttempts ?? 8;
    this.floor = new AppendFloor(options.appendFloor);
    this.onError = options.onError ?? logErrorAs('[ingest]');
  }

  /** Queues an event; false (and counted as lost) when the queue is full or closed. */
  enqueue(event: PublishInput): boolean {
    if (this.closed || this.queue.length - this.head >= this.capacity) {
      this.lost++;
      // One report per stretch: an error (with its stack) per refused event costs the very time a source that outruns the store lacks.
      if (!this.closed && !this.overflowing) this.onError(new Error(`ingest queue full (${this.capacity} events): an event of type ${event.type} was not published, nor will be what arrives until the queue has room (counted as lost)`));
      this.overflowing = true;
      return false;
    }
    this.overflowing = false;
    this.queue.push(event.id === undefined ? { ...event, id: newEventId() } : event);
    this.floor.queued(this.queued());
    this.running ??= Promise.resolve().then(() => this.run());
    return true;
  }

  /**
   * True while a source that can hold its messages upstream (MQTT: QoS 1 left unacknowledged,
   * so the broker keeps them) should: from a batch the store refused for lack of disk space
   * until a batch is stored again, and while `holdAt` events are queued. A source that outruns
   * the store then waits at the broker instead of filling this queue until events are lost.
   */
  get holding(): boolean {
    return this.refusedByStore || this.queued() >= this.holdAt;
  }

  /** Resolves once a holding source may send again: the store takes appends and the queue is down to half of `holdAt` (or the publisher closed). */
  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  metrics(): IngestPublisherMetrics {
    return { queued: this.queued(), published: this.published, lost: this.lost, retries: this.retries };
  }

  /** Resolves once everything queued so far is published or given up. */
  idle(): Promise<void> {
    if (this.running === null) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Publishes what is queued, then refuses more. */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    this.wakeIfRoom();
  }

  /**
   * Publishes the queue in batches, in order. With `overlapAt` events waiting, the next batch
   * is handed to the bus once the one before is committed, so that its commit overlaps that
   * one's journal sync; since it goes only after that commit, it cannot be stored ahead of a
   * batch the store refused. A batch sent after the one before settled waits for the floor
   * (appendFloor.ts); the first of a run goes at once.
   */
  private async run(): Promise<void> {
    let failures = 0;
    let first: Sent | null = null;
    let sentBefore = false;
    while (this.queued() > 0) {
      if (!first && sentBefore) await this.floor.wait(this.queued());
      sentBefore = true;
      first ??= this.send(0);
      const second: Sent | null = (await first.committed) && this.queued() - first.size >= this.overlapAt ? this.send(first.size) : null;
      const result = await first.outcome;
      if (result === null) {
        this.published += first.size;
        failures = 0;
        this.refusedByStore = false;
        this.advance(first.size);
        first = second;
        continue;
      }
      first = await this.behindFailed(first, second);
      const { error } = result;
      if (error instanceof BusClosedError) {
        this.lost += this.queued();
        this.closed = true;
        this.advance(this.queued());
        this.onError(new Error(`ingest stopped: the bus closed with events still queued (${error.message})`));
        break;
      }
      failures++;
      this.retries++;
      if (error instanceof DiskSpaceError) this.refusedByStore = true;
      // An overloaded bus, or a disk too full to store on, is waited for without limit: the
      // events stay queued (and counted) instead of being given up.
      const size = Math.min(this.batchSize, this.queued());
      if (!(error instanceof BusOverloadError || error instanceof DiskSpaceError) && failures >= this.maxAttempts) {
        this.lost += size;
        this.advance(size);
        this.onError(new Error(`ingest gave up a batch of ${size} events after ${failures} attempts: ${String(error)}`));
        failures = 0;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, { maxAttempts: 0, baseDelayMs: 100, maxDelayMs: 5_000, jitter: 0.3 })));
    }
    this.running = null;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * The batch `failed` was refused after its commit, and `second` was sent behind it: the bus
   * fails it too (the journal chains it on the failed one). Should it have been stored all
   * the same, it is counted and taken out of the queue, so that it is not stored twice.
   * Returns null: the next attempt starts again from the queue's head.
   */
  private async behindFailed(failed: Sent, second: Sent | null): Promise<null> {
    if (second && (await second.outcome) === null) {
      this.published += second.size;
      this.queue.splice(this.head + failed.size, second.size);
    }
    return null;
  }

  /** Hands the batch at `offset` events past the queue's head to the bus. */
  private send(offset: number): Sent {
    const batch = this.queue.slice(this.head + offset, this.head + offset + this.batchSize);
    this.floor.sent();
    let reportCommit: () => void = () => undefined;
    const reported = new Promise<boolean>((resolve) => (reportCommit = () => resolve(true)));
    const outcome = this.options.bus.publishBatch(batch, { committed: reportCommit }).then(
      () => null,
      (error: unknown) => ({ error }),
    );
    return { size: batch.length, outcome, committed: Promise.race([reported, outcome.then(() => false)]) };
  }

  private advance(count: number): void {
    this.head += count;
    if (this.head >= 4096 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.wakeIfRoom();
  }

  private queued(): number {
    return this.queue.length - this.head;
  }

  private hasRoom(): boolean {
    return this.closed || (!this.refusedByStore && this.queued() <= this.holdAt / 2);
  }

  private wakeIfRoom(): void {
    if (this.roomWaiters.length === 0 || !this.hasRoom()) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
