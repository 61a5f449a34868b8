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
import { AppendBatcher, type AppendUnit } from './appendBatcher';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff';
import { DeadLetterQueue } from './deadLetterQueue';
import { DeliveryWriter } from './deliveryWriter';
import { EventProgress } from './eventProgress';
import { BusClosedError, BusOverloadError } from './errors';
import { RateMeter, type BusMetrics } from './metrics';
import { Subscription, type BatchHandler, type EventHandler } from './subscription';
import { parseHandlerOptions, type HandlerOptions } from './handlerOptions';
import { logErrorAs } from '../core/logError';

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
}

export type Unsubscribe = () => void;

/** A publish waiting for room in a full queue. */
interface Waiter {
  readonly demand: Demand;
  /** The publish itself: appended once let in, refused if its wait runs out. */
  readonly unit: PublishUnit;
  readonly started: number;
  /** The subscriber whose queue it waits on. */
  blockedBy: Subscription;
  /** Set once it was let in or refused. */
  settled: boolean;
}

/** How many queue places a publish takes in each subscriber's queue. */
class Demand {
  constructor(
    readonly subs: readonly Subscription[],
    /** Places per subscriber, in the order of `subs`; null when each takes one. */
    private readonly counts: readonly number[] | null,
  ) {}

  static of(routes: readonly Route[]): Demand {
    if (routes.length === 1) return (routes[0] as Route).demand;
    const counts = new Map<Subscription, number>();
    for (const route of routes) for (const sub of route.subs) counts.set(sub, (counts.get(sub) ?? 0) + 1);
    return new Demand([...counts.keys()], [...counts.values()]);
  }

  countAt(i: number): number {
    return this.counts === null ? 1 : (this.counts[i] as number);
  }

  countFor(sub: Subscription): number {
    const at = this.subs.indexOf(sub);
    return at < 0 ? 0 : this.countAt(at);
  }
}

interface Route {
  readonly subs: Subscription[];
  readonly names: readonly string[];
  /** What one event of this type takes: one place in each subscriber's queue. */
  readonly demand: Demand;
  /** `[names]`, the delivery list of a one-event append. */
  readonly single: readonly (readonly string[])[];
}

/** One publish on its way through the append: settles the caller's promise when stored or refused. */
class PublishUnit implements AppendUnit {
  readonly subscribers: readonly (readonly string[])[];

  constructor(
    private readonly bus: { delivering(stored: readonly StoredEvent[], routes: readonly Route[]): void },
    readonly events: readonly PlantEvent[],
    private readonly routes: readonly Route[],
    private readonly demand: Demand,
    private readonly single: boolean,
    private readonly settle: (stored: StoredEvent | StoredEvent[]) => void,
    private readonly fail: (error: unknown) => void,
  ) {
    this.subscribers = routes.length === 1 ? (routes[0] as Route).single : routes.map((route) => route.names);
  }

  resolve(stored: StoredEvent[]): void {
    this.bus.delivering(stored, this.routes);
    this.settle(this.single ? (stored[0] as StoredEvent) : stored);
  }

  /** The append failed: the queue places go back. */
  reject(error: unknown): void {
    const { subs } = this.demand;
    for (let i = 0; i < subs.length; i++) (subs[i] as Subscription).release(this.demand.countAt(i));
    this.fail(error);
  }

  /** Refused before it took any queue place (its wait ran out, or the bus closed). */
  refuse(error: unknown): void {
    this.fail(error);
  }
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
  private readonly waiters = new Map<Subscription, Waiter[]>();
  /**
   * Every waiter in the order it started waiting; settled ones are dropped from the front as
   * they settle. One timer, due when the oldest waiter's wait runs out, times them all out:
   * a timer per blocked publish cost more than the rest of its wait.
   */
  private waitOrder: Waiter[] = [];
  private waitOrderHead = 0;
  private waitTimer: ReturnType<typeof setTimeout> | null = null;
  private changeWaiters: (() => void)[] = [];
  private readonly defaultNames = new Map<string, number>();
  private readonly publishedRate = new RateMeter();
  private readonly processedRate = new RateMeter();
  private readonly retry: RetryPolicy;
  private readonly capacity: number;
  private readonly publishTimeoutMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly random: () => number;
  private readonly source: string;
  private readonly taps = new Set<(events: readonly StoredEvent[]) => void>();
  private published = 0;
  private processed = 0;
  private closed = false;

  constructor(options: EventBusOptions) {
    this.store = options.store;
    this.source = options.source ?? 'plant-event-console';
    this.capacity = options.queueCapacity ?? 10_000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onError = options.onError ?? logErrorAs('[bus]');
    this.random = options.random ?? Math.random;
    this.writer = new DeliveryWriter(this.store, this.onError);
    this.appends = new AppendBatcher(this.store);
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
  publishBatch(events: readonly (PlantEvent | PublishInput)[]): Promise<StoredEvent[]> {
    let normalised: PlantEvent[];
    try {
      if (!Array.isArray(events)) throw new EventValidationError('events', 'must be an array of events');
      normalised = events.map((event, i) => this.normalise(event, `events[${i}]`));
    } catch (error) {
      return Promise.reject(error);
    }
    if (normalised.length === 0) return Promise.resolve([]);
    return this.publishEvents(normalised, false);
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
      spaceFreed: () => this.wake(sub),
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
    for (const sub of [...this.waiters.keys()]) this.wake(sub);
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.waitOrder = [];
    this.waitOrderHead = 0;
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
  private publishEvents(events: PlantEvent[], single: false): Promise<StoredEvent[]>;
  private publishEvents(events: PlantEvent[], single: boolean): Promise<StoredEvent | StoredEvent[]> {
    if (this.closed) return Promise.reject(new BusClosedError());
    const routes = events.map((event) => this.route(event.type));
    const demand = Demand.of(routes);
    // One promise per publish: the unit settles it, whether it goes straight to the append or
    // waits for room first.
    return new Promise((resolve, reject) => {
      const unit = new PublishUnit(this, events, routes, demand, single, resolve, reject);
      if (this.reserveOrWait(unit, demand)) this.appends.submit(unit);
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

  /**
   * Takes room in every queue the events go to: true when it did. Otherwise the publish waits,
   * up to the publish timeout, and is appended when let in. Waiting publishers queue
   * first-in first-out behind the subscriber that blocked them, and room freed there wakes
   * only as many of them as it can take.
   */
  private reserveOrWait(unit: PublishUnit, demand: Demand): boolean {
    if (demand.subs.length === 0) return true;
    const blocked = this.tryReserveAll(demand);
    if (!blocked) return true;
    const waiter: Waiter = { demand, unit, blockedBy: blocked, started: Date.now(), settled: false };
    this.queueWaiter(waiter);
    this.waitOrder.push(waiter);
    if (!this.waitTimer) this.armWaitTimer();
    return false;
  }

  /**
   * Lets go of settled waiters at the front of the wait order (they hold their publish), so
   * that the order holds only waiters still waiting plus any settled out of turn behind them.
   */
  private dropSettledWaiters(): void {
    const order = this.waitOrder;
    let head = this.waitOrderHead;
    while (head < order.length && (order[head] as Waiter).settled) order[head++] = undefined as unknown as Waiter;
    if (head === order.length) {
      this.waitOrder = [];
      head = 0;
    } else if (head > 1024 && head * 2 > order.length) {
      this.waitOrder = order.slice(head);
      head = 0;
    }
    this.waitOrderHead = head;
  }

  /** Arms the one timeout timer for the oldest waiter still waiting, if any. */
  private armWaitTimer(): void {
    this.dropSettledWaiters();
    const oldest = this.waitOrder[this.waitOrderHead];
    if (oldest === undefined) return;
    const due = Math.max(0, oldest.started + this.publishTimeoutMs - Date.now());
    this.waitTimer = setTimeout(() => this.timeOutWaiters(), due);
  }

  /** Refuses, with an overload error, every waiter whose wait has run out; re-arms for the rest. */
  private timeOutWaiters(): void {
    this.waitTimer = null;
    const now = Date.now();
    for (const waiter of this.waitOrder.slice(this.waitOrderHead)) {
      if (waiter.settled) continue;
      const waited = now - waiter.started;
      if (waited < this.publishTimeoutMs) break;
      this.removeWaiter(waiter);
      waiter.settled = true;
      waiter.unit.refuse(new BusOverloadError(waiter.blockedBy.name, waiter.blockedBy.capacity, waited));
    }
    this.armWaitTimer();
  }

  /** Reserves room in every live queue of `demand`, or in none; returns the queue that had no room. */
  private tryReserveAll(demand: Demand): Subscription | undefined {
    const { subs } = demand;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i] as Subscription;
      if (sub.isActive && !sub.hasRoom(demand.countAt(i))) return sub;
    }
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i] as Subscription;
      if (sub.isActive) sub.reserve(demand.countAt(i));
    }
    return undefined;
  }

  private queueWaiter(waiter: Waiter): void {
    let queue = this.waiters.get(waiter.blockedBy);
    if (!queue) this.waiters.set(waiter.blockedBy, (queue = []));
    queue.push(waiter);
  }

  private removeWaiter(waiter: Waiter): void {
    const queue = this.waiters.get(waiter.blockedBy);
    const at = queue ? queue.indexOf(waiter) : -1;
    if (queue && at >= 0) queue.splice(at, 1);
  }

  /** Room was freed in `sub`'s queue (or `sub` went away): let waiting publishers in, in order. */
  private wake(sub: Subscription): void {
    if (this.waiters.size === 0) return;
    const queue = this.waiters.get(sub);
    if (!queue) return;
    while (queue.length > 0) {
      const head = queue[0] as Waiter;
      if (this.closed) {
        queue.shift();
        head.settled = true;
        head.unit.refuse(new BusClosedError());
        continue;
      }
      if (sub.isActive && !sub.hasRoom(head.demand.countFor(sub))) return;
      queue.shift();
      const blocked = this.tryReserveAll(head.demand);
      if (!blocked) {
        head.settled = true;
        this.appends.submit(head.unit);
        this.dropSettledWaiters();
      } else {
        head.blockedBy = blocked;
        this.queueWaiter(head);
        if (blocked === sub) return;
      }
    }
    this.waiters.delete(sub);
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
      const pending = await this.store.pendingDeliveries(sub.name);
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
