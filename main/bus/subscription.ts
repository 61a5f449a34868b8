/**
 * One subscriber of the bus: its bounded priority queue, its handler calls (single or
 * batched), retries with backoff, and dead-lettering. Every delivery state change goes to
 * the DeliveryWriter, so the store mirrors what happened.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { DeliveryAttemptError, DeliveryRecord } from '../../shared/store/eventStore';
import { backoffDelay, type RetryPolicy } from './backoff';
import { LatencyWindow, RateMeter, type SubscriberMetrics } from './metrics';
import type { EventProgress } from './eventProgress';
import { PriorityQueue } from './priorityQueue';

export type EventHandler = (event: StoredEvent) => unknown;
export type BatchHandler = (events: StoredEvent[]) => unknown;

/** What a subscription tells the bus as deliveries move on. */
export interface SubscriptionHooks {
  record(delivery: DeliverySource): void;
  delivered(event: StoredEvent, progress: EventProgress | null): void;
  /** `at`: when it settled (ms since the epoch). */
  settled(event: StoredEvent, outcome: 'processed' | 'dead', progress: EventProgress | null, at: number): void;
  spaceFreed(): void;
  changed(): void;
  random(): number;
}

/**
 * One event on its way to this subscriber. It holds the delivery's current state; the
 * DeliveryWriter turns it into a record when it next writes, so a delivery that moves
 * through several states between two writes is written once.
 */
class Pending {
  readonly seq: number;
  readonly priority: StoredEvent['priority'];
  status: DeliveryRecord['status'] = 'PUBLISHED';
  nextAttemptAt: number | undefined;
  deadLetteredAt: number | undefined;
  updatedAt = 0;
  /** True while the DeliveryWriter holds this delivery for its next write. */
  queued = false;

  constructor(
    readonly event: StoredEvent,
    readonly subscriber: string,
    public attempts: number,
    public errors: readonly DeliveryAttemptError[],
    /** The event's progress over all its subscribers; null for a recovered or redriven delivery. */
    readonly progress: EventProgress | null = null,
  ) {
    this.seq = event.seq;
    this.priority = event.priority;
  }

  toRecord(): DeliveryRecord {
    const last = this.errors[this.errors.length - 1];
    const record: { -readonly [K in keyof DeliveryRecord]: DeliveryRecord[K] } = {
      eventId: this.event.id,
      seq: this.seq,
      subscriber: this.subscriber,
      status: this.status,
      attempts: this.attempts,
      errors: this.errors,
      updatedAt: this.updatedAt,
    };
    if (last) record.lastError = last.message;
    if (this.nextAttemptAt !== undefined) record.nextAttemptAt = this.nextAttemptAt;
    if (this.deadLetteredAt !== undefined) record.deadLetteredAt = this.deadLetteredAt;
    return Object.freeze(record);
  }
}

export type DeliverySource = Pick<Pending, 'toRecord' | 'queued'>;

const ERROR_HISTORY = 10;
const NO_ERRORS: readonly DeliveryAttemptError[] = Object.freeze([]);

export class Subscription {
  /** Fresh events wait as their shared EventProgress; recovered and retried ones as their Pending. */
  private readonly queue = new PriorityQueue<Pending | EventProgress>();
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly latency = new LatencyWindow();
  private readonly rate = new RateMeter();
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private reserved = 0;
  private inFlight = 0;
  private active = true;
  private held = false;
  private counts = { delivered: 0, processed: 0, failedAttempts: 0, retries: 0, deadLetters: 0 };

  constructor(
    readonly name: string,
    readonly pattern: string,
    readonly matches: (type: string) => boolean,
    private readonly handler: EventHandler | BatchHandler,
    private readonly options: {
      readonly capacity: number;
      readonly concurrency: number;
      readonly retry: RetryPolicy;
      readonly batch?: { readonly maxSize: number; readonly maxWaitMs: number };
    },
    private readonly hooks: SubscriptionHooks,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  /** True when nothing is queued, running or waiting for a retry. */
  get idle(): boolean {
    return this.queue.size === 0 && this.inFlight === 0 && this.retryTimers.size === 0 && this.reserved === 0;
  }

  /** True when `count` more events fit (a lone batch larger than the queue fits an empty queue). */
  hasRoom(count: number): boolean {
    const used = this.queue.size + this.reserved;
    return used === 0 || used + count <= this.options.capacity;
  }

  /** Takes `count` places, checked beforehand with `hasRoom`. */
  reserve(count: number): void {
    this.reserved += count;
  }

  release(count: number): void {
    this.reserved -= count;
    this.hooks.spaceFreed();
  }

  /** Queues a freshly stored event (as its progress) in a place reserved beforehand. */
  enqueueReserved(progress: EventProgress): void {
    this.reserved--;
    this.enqueue(progress);
  }

  /** Queues an event found pending in the store (restart, redrive): no reservation needed. */
  enqueueRecovered(event: StoredEvent, delivery: DeliveryRecord | null): void {
    const attempts = delivery?.deadLetteredAt ? 0 : (delivery?.attempts ?? 0);
    this.enqueue(new Pending(event, this.name, attempts, Object.freeze([...(delivery?.errors ?? [])])));
  }

  /** Holds deliveries back (while earlier, recovered deliveries are being queued). */
  hold(): void {
    this.held = true;
  }

  resume(): void {
    this.held = false;
    this.pump();
  }

  stop(): void {
    this.active = false;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    // What is still queued stays pending in the store and is delivered again after a restart.
    this.queue.clear();
    this.hooks.spaceFreed();
  }

  metrics(): SubscriberMetrics {
    const [p50, p95, p99] = this.latency.percentiles(50, 95, 99) as [number, number, number];
    return {
      name: this.name,
      pattern: this.pattern,
      queueDepth: this.queue.size + this.reserved,
      inFlight: this.inFlight,
      ...this.counts,
      processedPerSecond: this.rate.perSecond(),
      processingMs: { p50, p95, p99 },
    };
  }

  private enqueue(item: Pending | EventProgress): void {
    if (!this.active) return;
    this.queue.push(item);
    this.pump();
  }

  private pump(): void {
    if (!this.active || this.held) return;
    const batch = this.options.batch;
    if (batch) {
      if (this.inFlight > 0 || this.queue.size === 0) return;
      if (this.queue.size >= batch.maxSize) {
        this.runBatch();
      } else if (!this.batchTimer) {
        this.batchTimer = setTimeout(() => {
          this.batchTimer = null;
          if (this.inFlight === 0 && this.queue.size > 0) this.runBatch();
        }, batch.maxWaitMs);
      }
      return;
    }
    while (this.inFlight < this.options.concurrency && this.queue.size > 0) {
      this.runOne(this.next());
    }
  }

  /** The next delivery from the queue (which must not be empty). */
  private next(): Pending {
    const entry = this.queue.shift() as Pending | EventProgress;
    return entry instanceof Pending ? entry : new Pending(entry.event, this.name, 0, NO_ERRORS, entry);
  }

  private take(item: Pending, now: number): void {
    item.attempts++;
    this.counts.delivered++;
    this.mark(item, 'DELIVERED', now);
    this.hooks.delivered(item.event, item.progress);
  }

  private runOne(item: Pending): void {
    this.inFlight++;
    this.hooks.spaceFreed();
    // One wall-clock reading per delivery: the PROCESSED time is this plus the handler's time.
    const deliveredAt = Date.now();
    this.take(item, deliveredAt);
    const started = performance.now();
    let result: unknown;
    try {
      result = (this.handler as EventHandler)(item.event);
    } catch (error) {
      result = Promise.reject(error);
    }
    // Settles in a later microtask even when the handler returned a plain value, so a queue of
    // synchronous handlers does not recurse through pump().
    Promise.resolve(result).then(
      () => {
        const ms = performance.now() - started;
        this.finishOne(item, ms, Math.round(deliveredAt + ms), undefined, false);
      },
      (error: unknown) => this.finishOne(item, 0, 0, error, true),
    );
  }

  private finishOne(item: Pending, ms: number, at: number, error: unknown, failed: boolean): void {
    try {
      if (failed) this.failed(item, error);
      else this.succeeded(item, ms, at);
    } finally {
      this.inFlight--;
      this.pump();
      this.hooks.changed();
    }
  }

  private runBatch(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    const max = (this.options.batch as { maxSize: number }).maxSize;
    const items: Pending[] = [];
    while (items.length < max && this.queue.size > 0) items.push(this.next());
    this.inFlight += items.length;
    this.hooks.spaceFreed();
    const deliveredAt = Date.now();
    for (const item of items) this.take(item, deliveredAt);
    const started = performance.now();
    void (async () => {
      try {
        await (this.handler as BatchHandler)(items.map((item) => item.event));
        const ms = performance.now() - started;
        const at = Math.round(deliveredAt + ms);
        for (const item of items) this.succeeded(item, ms / items.length, at);
      } catch (error) {
        for (const item of items) this.failed(item, error);
      } finally {
        this.inFlight -= items.length;
        this.pump();
        this.hooks.changed();
      }
    })();
  }

  private succeeded(item: Pending, ms: number, at: number): void {
    this.counts.processed++;
    this.latency.record(ms);
    this.rate.add(1, at);
    this.mark(item, 'PROCESSED', at);
    this.hooks.settled(item.event, 'processed', item.progress, at);
  }

  private failed(item: Pending, error: unknown): void {
    const message = error instanceof Error ? error.message || error.name : String(error);
    const now = Date.now();
    this.counts.failedAttempts++;
    item.errors = Object.freeze([...item.errors, Object.freeze({ attempt: item.attempts, at: now, message })].slice(-ERROR_HISTORY));
    if (item.attempts >= this.options.retry.maxAttempts) {
      this.counts.deadLetters++;
      item.deadLetteredAt = now;
      this.mark(item, 'FAILED', now);
      this.hooks.settled(item.event, 'dead', item.progress, now);
      return;
    }
    const delay = backoffDelay(item.attempts, this.options.retry, this.hooks.random);
    this.counts.retries++;
    item.nextAttemptAt = now + delay;
    this.mark(item, 'FAILED', now);
    if (!this.active) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.enqueue(item);
      this.hooks.changed();
    }, delay);
    this.retryTimers.add(timer);
  }

  /** Moves the delivery to `status` and has it written. */
  private mark(item: Pending, status: DeliveryRecord['status'], now: number): void {
    item.status = status;
    if (status !== 'FAILED') item.nextAttemptAt = undefined;
    item.updatedAt = now;
    this.hooks.record(item);
  }

}
