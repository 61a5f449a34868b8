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
import { backoffDelay } from '../bus/backoff';
import { BusClosedError, BusOverloadError } from '../bus/errors';
import { DiskSpaceError } from '../store/diskGuard';
import { logErrorAs } from '../core/logError';

export interface IngestBus {
  publishBatch(events: readonly (PlantEvent | PublishInput)[]): Promise<unknown>;
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
  private readonly maxAttempts: number;
  private readonly onError: (error: unknown) => void;

  constructor(private readonly options: IngestPublisherOptions) {
    this.capacity = options.capacity ?? 100_000;
    // Whatever queued during the last append goes in the next, up to this: each append costs a
    // store round trip, a commit and a journal sync whatever its size, so a backlog is worked
    // off in few large appends (500 held the end-to-end path to a few thousand events/s).
    this.batchSize = options.batchSize ?? 2_000;
    this.holdAt = Math.max(1, options.holdAt ?? Math.min(this.batchSize * 4, Math.floor(this.capacity / 2)));
    this.maxAttempts = options.maxAttempts ?? 8;
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

  private async run(): Promise<void> {
    let failures = 0;
    while (this.head < this.queue.length) {
      const batch = this.queue.slice(this.head, this.head + this.batchSize);
      try {
        await this.options.bus.publishBatch(batch);
        this.published += batch.length;
        failures = 0;
        this.refusedByStore = false;
        this.advance(batch.length);
      } catch (error) {
        if (error instanceof BusClosedError) {
          this.lost += this.queue.length - this.head;
          this.closed = true;
          this.advance(this.queue.length - this.head);
          this.onError(new Error(`ingest stopped: the bus closed with events still queued (${error.message})`));
          break;
        }
        failures++;
        this.retries++;
        if (error instanceof DiskSpaceError) this.refusedByStore = true;
        // An overloaded bus, or a disk too full to store on, is waited for without limit: the
        // events stay queued (and counted) instead of being given up.
        if (!(error instanceof BusOverloadError || error instanceof DiskSpaceError) && failures >= this.maxAttempts) {
          this.lost += batch.length;
          this.advance(batch.length);
          this.onError(new Error(`ingest gave up a batch of ${batch.length} events after ${failures} attempts: ${String(error)}`));
          failures = 0;
          continue;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, { maxAttempts: 0, baseDelayMs: 100, maxDelayMs: 5_000, jitter: 0.3 })));
      }
    }
    this.running = null;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
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
