/**
 * What a publish carries through the bus: the route of each event's type (its subscribers),
 * the queue places the publish takes, and the unit that settles the caller's promise once
 * the events are stored or refused.
 */
import type { PlantEvent, StoredEvent } from '../../shared/events/event';
import type { AppendUnit } from './appendBatcher';
import type { Subscription } from './subscription';

export interface Route {
  readonly subs: Subscription[];
  readonly names: readonly string[];
  /** What one event of this type takes: one place in each subscriber's queue. */
  readonly demand: Demand;
  /** `[names]`, the delivery list of a one-event append. */
  readonly single: readonly (readonly string[])[];
}

/** How many queue places a publish takes in each subscriber's queue. */
export class Demand {
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

/** One publish on its way through the append: settles the caller's promise when stored or refused. */
export class PublishUnit implements AppendUnit {
  readonly subscribers: readonly (readonly string[])[];

  constructor(
    private readonly bus: { delivering(stored: readonly StoredEvent[], routes: readonly Route[]): void },
    readonly events: readonly PlantEvent[],
    private readonly routes: readonly Route[],
    private readonly demand: Demand,
    private readonly single: boolean,
    private readonly settle: (stored: StoredEvent | StoredEvent[]) => void,
    private readonly fail: (error: unknown) => void,
    /** The publisher's wish to hear of the commit (PublishOptions.committed). */
    readonly committed?: () => void,
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
