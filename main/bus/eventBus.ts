/**
 * The event bus (the seed's "Event Bus"). Delivery is at least once:
 *
 * 1. `publish` validates the event and waits for room in every matching subscriber's queue
 *    (backpressure; an overload error after `publishTimeoutMs`, with nothing stored);
 * 2. the event is appended to the store with status PUBLISHED, together with one PUBLISHED
 *    delivery record per matching subscriber, before `publish` resolves and before any
 *    delivery (group commit: concurrent publishes share one transaction);
 * 3. each subscriber takes events from its own queue, CRITICAL first, in order of
 *    publication within a priority; the delivery moves to DELIVERED, then PROCESSED when
 *    the handler resolves, or FAILED and retried with backoff, then dead-lettered;
 * 4. the event's own status follows: DELIVERED, then PROCESSED when every subscriber
 *    processed it, or FAILED when one delivery was dead-lettered.
 *
 * A subscriber added on a store that holds deliveries it never acknowledged (a restart)
 * receives them again first. Consumers are therefore idempotent by event id.
 */
import { createEvent } from '../../shared/events/create';
import type { CreateEventOptions, PlantEvent, StoredEvent } from '../../shared/events/event';
import { compilePattern, validatePattern } from '../../shared/events/patterns';
import { sealEvent, sealInput } from '../../shared/events/sealed';
import { EventValidationError, type PublishInput } from '../../shared/events/validate';
import type { EventStore } from '../../shared/store/eventStore';
import { Admission } from './admission';
import { AppendBatcher } from './appendBatcher';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff';
import { DeadLetterQueue } from './deadLetterQueue';
import { DeliveryWriter } from './deliveryWriter';
import { EventProgress } from './eventProgress';
import { BusClosedError } from './errors';
import { RateMeter, type BusMetrics } from './metrics';
import { Demand, PublishUnit, type Route } from './publishUnit';
import { Subscription, type BatchHandler, type EventHandler } from './subscription';
import { parseHandlerOptions, type HandlerOptions } from './handlerOptions';
import { logErrorAs } from '../core/logError';
import { redeliveriesAfterRebuild } from './rebuiltDeliveries';

export interface EventBusOptions {
  readonly store: EventStore;
  /** `source` given to events created without one. */
  readonly source?: string;
  /** Default queue capacity of each subscriber (events). */
  readonly queueCapacity?: number;
  /** How long `publish` waits for room in a full queue before it fails. */
  readonly publishTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Called with errors the bus cannot hand to a caller (a failed status write, a failed recovery). */
  readonly onError?: (error: unknown) => void;
  /** Source of randomness for backoff jitter (tests make it deterministic). */
  readonly random?: () => number;
  /** The store was rebuilt from the journal up to this seq: its deliveries are given again (rebuiltDeliveries.ts). */
  readonly redeliverUpToSeq?: number;
  /** Events that must wait for an append to be sent while the one before is made durable (appendBatcher.ts). */
  readonly overlapAt?: number;
}

export type Unsubscribe = () => void;

export interface PublishOptions {
  /**
   * Called once the store has committed the events (their order is then fixed), before the
   * publish resolves (once they are durable). A publisher that sends in order may send its
   * next batch then: it cannot be stored ahead of this one (appendBatcher.ts).
   */
  readonly committed?: () => void;
}

export class EventBus {
  readonly deadLetters: DeadLetterQueue;
  private readonly store: EventStore;
  private readonly writer: DeliveryWriter;
  private readonly appends: AppendBatcher;
  private readonly subscriptions = new Map<string, Subscription>();
  /** Subscribers by event type, with their names (as the store's delivery records name them). */
  private readonly routes = new Map<string, Route>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly admission: Admission;
  private changeWaiters: (() => void)[] = [];
  private readonly defaultNames = new Map<string, number>();
  private readonly publishedRate = new RateMeter();
  private readonly processedRate = new RateMeter();
  private readonly retry: RetryPolicy;
  private readonly capacity: number;
  private readonly onError: (error: unknown) => void;
  private readonly random: () => number;
  private readonly source: string;
  private readonly taps = new Set<(events: readonly StoredEvent[]) => void>();
  private published = 0;
  private processed = 0;
  private closed = false;

  constructor(private readonly options: EventBusOptions) {
    this.store = options.store;
    this.source = options.source ?? 'plant-event-console';
    this.capacity = options.queueCapacity ?? 10_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onError = options.onError ?? logErrorAs('[bus]');
    this.random = options.random ?? Math.random;
    this.writer = new DeliveryWriter(this.store, this.onError);
    this.appends = new AppendBatcher(this.store, options.overlapAt);
    this.admission = new Admission({
      publishTimeoutMs: options.publishTimeoutMs ?? 5_000,
      isClosed: () => this.closed,
      admit: (unit) => this.appends.submit(unit),
    });
    this.deadLetters = new DeadLetterQueue(this.store, this.writer, (name) => this.subscriptions.get(name), (id) =>
      this.track(this.recomputeStatus(id)),
    );
  }

  /** The seed's producer API: creates an event of `type` and publishes it. */
  createAndPublishEvent(type: string, payload: unknown, options: CreateEventOptions = {}): Promise<StoredEvent> {
    try {
      return this.publish(createEvent(type, payload, { source: this.source, ...options }));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Publishes one event (a full event, or `{ type, payload, ...options }`); resolves once it is stored. */
  publish(event: PlantEvent | PublishInput): Promise<StoredEvent> {
    let normalised: PlantEvent;
    try {
      normalised = this.normalise(event, 'event');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.publishEvents([normalised], true);
  }

  /** Publishes events atomically, in order: all are stored, or none is. */
  publishBatch(events: readonly (PlantEvent | PublishInput)[], options: PublishOptions = {}): Promise<StoredEvent[]> {
    let normalised: PlantEvent[];
    try {
      if (!Array.isArray(events)) throw new EventValidationError('events', 'must be an array of events');
      normalised = events.map((event, i) => this.normalise(event, `events[${i}]`));
    } catch (error) {
      return Promise.reject(error);
    }
    if (normalised.length === 0) return Promise.resolve([]);
    return this.publishEvents(normalised, false, options.committed);
  }

  /**
   * Subscribes `handler` to events whose type matches `pattern`. A handler that resolves
   * acknowledges the event; one that throws or rejects does not, and the event is retried.
   * With `{ batch: { maxSize, maxWaitMs } }` the handler receives arrays of events.
   */
  addHandler(pattern: string, handler: EventHandler, options?: HandlerOptions & { batch?: undefined }): Unsubscribe;
  addHandler(pattern: string, handler: BatchHandler, options: HandlerOptions & { batch: NonNullable<HandlerOptions['batch']> }): Unsubscribe;
  addHandler(pattern: string, handler: EventHandler | BatchHandler, options: HandlerOptions = {}): Unsubscribe {
    if (this.closed) throw new BusClosedError();
    validatePattern(pattern);
    if (typeof handler !== 'function') throw new TypeError('handler: must be a function');
    const parsed = parseHandlerOptions(options, { capacity: this.capacity, retry: this.retry });
    const name = parsed.name ?? this.defaultName(pattern);
    if (this.subscriptions.has(name)) throw new Error(`subscriber "${name}" is already registered on this bus`);
    const sub = new Subscription(name, pattern, compilePattern(pattern), handler, parsed, {
      record: (delivery) => this.writer.record(delivery),
      delivered: (_event, progress) => this.onDelivered(progress),
      settled: (event, outcome, progress, at) => this.onSettled(event, outcome, progress, at),
      spaceFreed: () => this.admission.wake(sub),
      changed: () => this.notifyChanged(),
      random: this.random,
    });
    this.subscriptions.set(name, sub);
    this.routes.clear();
    this.track(this.recover(sub));
    return () => {
      if (this.subscriptions.get(name) !== sub) return;
      this.subscriptions.delete(name);
      this.routes.clear();
      sub.stop();
      this.notifyChanged();
    };
  }

  /**
   * Watches what is published, after it is stored, without a delivery record: for live
   * views that can re-read the store when they reconnect. The listener must not throw or block.
   */
  onPublished(listener: (events: readonly StoredEvent[]) => void): Unsubscribe {
    this.taps.add(listener);
    return () => void this.taps.delete(listener);
  }

  /** Resolves when nothing is left to append, deliver, retry or write. */
  async drain(): Promise<void> {
    for (;;) {
      await this.appends.settled();
      if (this.background.size > 0) {
        await Promise.all(this.background);
        continue;
      }
      if (![...this.subscriptions.values()].every((sub) => sub.idle)) {
        await new Promise<void>((resolve) => this.changeWaiters.push(resolve));
        continue;
      }
      await this.writer.flush();
      if (!this.appends.busy && this.background.size === 0 && [...this.subscriptions.values()].every((s) => s.idle)) return;
    }
  }

  /**
   * Stops the bus: no more publishes; queued and retrying deliveries stay pending in the
   * store for the next start; waits for appends and status writes to be stored.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appends.settled();
    for (const sub of this.subscriptions.values()) sub.stop();
    await Promise.all(this.background);
    await this.writer.flush();
    this.writer.dispose();
    this.admission.dispose();
  }

  metrics(): BusMetrics {
    const subscribers = [...this.subscriptions.values()].map((sub) => sub.metrics());
    return {
      published: this.published,
      processed: this.processed,
      publishedPerSecond: this.publishedRate.perSecond(),
      processedPerSecond: this.processedRate.perSecond(),
      retries: subscribers.reduce((sum, s) => sum + s.retries, 0),
      deadLetters: subscribers.reduce((sum, s) => sum + s.deadLetters, 0),
      pendingAppends: this.appends.pending,
      pendingStatusWrites: this.writer.pending,
      subscribers,
    };
  }

  private normalise(candidate: PlantEvent | PublishInput, field: string): PlantEvent {
    try {
      if (candidate !== null && typeof candidate === 'object' && 'status' in candidate) return sealEvent(candidate, 'PUBLISHED');
      return sealInput(candidate, { source: this.source, status: 'PUBLISHED' });
    } catch (error) {
      if (field !== 'event' && error instanceof EventValidationError) {
        throw new EventValidationError(`${field}.${error.field}`, error.rule);
      }
      throw error;
    }
  }

  /**
   * Waits for room, has the events appended (in a shared transaction), then queues them for
   * their subscribers. Resolves with the one stored event when `single`, else with all.
   */
  private publishEvents(events: PlantEvent[], single: true): Promise<StoredEvent>;
  private publishEvents(events: PlantEvent[], single: false, committed?: () => void): Promise<StoredEvent[]>;
  private publishEvents(events: PlantEvent[], single: boolean, committed?: () => void): Promise<StoredEvent | StoredEvent[]> {
    if (this.closed) return Promise.reject(new BusClosedError());
    const routes = events.map((event) => this.route(event.type));
    const demand = Demand.of(routes);
    // One promise per publish: the unit settles it, whether it goes straight to the append or
    // waits for room first.
    return new Promise((resolve, reject) => {
      const unit = new PublishUnit(this, events, routes, demand, single, resolve, reject, committed);
      if (this.admission.reserveOrWait(unit, demand)) this.appends.submit(unit);
    });
  }

  /** Stored events go to their subscribers' queues (into the places reserved) and to the taps. Called by PublishUnit. */
  delivering(stored: readonly StoredEvent[], routes: readonly Route[]): void {
    this.published += stored.length;
    this.publishedRate.add(stored.length);
    for (let i = 0; i < stored.length; i++) {
      const subs = (routes[i] as Route).subs;
      if (subs.length === 0) continue;
      const event = stored[i] as StoredEvent;
      const progress = new EventProgress(event, subs.length);
      for (const sub of subs) sub.enqueueReserved(progress);
    }
    for (const tap of this.taps) {
      try {
        tap(stored);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private route(type: string): Route {
    let route = this.routes.get(type);
    if (!route) {
      const subs = [...this.subscriptions.values()].filter((sub) => sub.matches(type));
      const names = Object.freeze(subs.map((sub) => sub.name));
      route = { subs, names, demand: new Demand(subs, null), single: Object.freeze([names]) };
      this.routes.set(type, route);
    }
    return route;
  }

  private notifyChanged(): void {
    if (this.changeWaiters.length === 0) return;
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const wake of waiters) wake();
  }

  private onDelivered(progress: EventProgress | null): void {
    if (progress && !progress.delivered) {
      progress.delivered = true;
      this.writer.progress(progress);
    }
  }

  private onSettled(event: StoredEvent, outcome: 'processed' | 'dead', progress: EventProgress | null, at: number): void {
    if (outcome === 'processed') {
      this.processed++;
      this.processedRate.add(1, at);
    }
    if (!progress) {
      // A recovered or redriven delivery: the other subscribers' outcomes are in the store.
      this.track(this.recomputeStatus(event.id));
      return;
    }
    progress.remaining--;
    progress.dead ||= outcome === 'dead';
    if (progress.remaining === 0) this.writer.progress(progress);
  }

  private async recomputeStatus(eventId: string): Promise<void> {
    await this.writer.flush();
    const deliveries = await this.store.deliveriesOf(eventId);
    if (deliveries.length === 0) return;
    if (deliveries.every((d) => d.status === 'PROCESSED')) this.writer.eventStatus(eventId, 'PROCESSED');
    else if (deliveries.some((d) => d.deadLetteredAt !== undefined && d.discardedAt === undefined)) this.writer.eventStatus(eventId, 'FAILED');
  }

  /** Queues again what this subscriber never acknowledged before the last stop. */
  private async recover(sub: Subscription): Promise<void> {
    sub.hold();
    try {
      const upTo = this.options.redeliverUpToSeq ?? 0;
      if (upTo > 0) {
        for await (const page of redeliveriesAfterRebuild(this.store, sub.name, sub.pattern, upTo)) for (const { event, record } of page) sub.enqueueRecovered(event, record);
      }
      const pending = upTo > 0 ? [] : await this.store.pendingDeliveries(sub.name);
      for (let i = 0; i < pending.length; i += 500) {
        const chunk = pending.slice(i, i + 500);
        const events = await Promise.all(chunk.map((d) => this.store.getBySeq(d.seq)));
        events.forEach((event, j) => {
          if (event) sub.enqueueRecovered(event, chunk[j] ?? null);
        });
      }
    } catch (error) {
      this.onError(error);
    } finally {
      sub.resume();
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error) => this.onError(error)).finally(() => {
      this.background.delete(tracked);
      this.notifyChanged();
    });
    this.background.add(tracked);
  }

  private defaultName(pattern: string): string {
    const n = (this.defaultNames.get(pattern) ?? 0) + 1;
    this.defaultNames.set(pattern, n);
    return n === 1 ? pattern : `${pattern}#${n}`;
  }
}
