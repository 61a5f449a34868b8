/**
 * The per-minute counts read model (by event type and by equipment) for charts: kept live
 * from the bus, and filled with the last day of stored events in the background, so that a
 * large store does not hold up the start. Events up to the head at start come from the
 * store, later ones from the bus: none is counted twice.
 */
import { aggregateEvents, aggregateSeries, DEFAULT_RETENTION_MINUTES, initialAggregate, MINUTE_MS, type AggregatePoint, type AggregateState, type SeriesQuery } from '../../shared/domain/aggregator';
import { InputError } from '../../shared/api/errors';
import type { EventStore } from '../../shared/store/eventStore';
import { pages } from '../../shared/store/readAll';
import type { EventBus, Unsubscribe } from '../bus/eventBus';

export class Aggregates {
  private state: AggregateState = initialAggregate();
  private untap: Unsubscribe | null = null;
  private filling: Promise<void> = Promise.resolve();
  private stopped = false;

  async start(bus: EventBus, store: EventStore, now = Date.now(), onError: (error: unknown) => void = console.error): Promise<void> {
    const head = await store.headSeq();
    this.untap = bus.onPublished((events) => {
      const fresh = events.filter((event) => event.seq > head);
      if (fresh.length > 0) this.state = aggregateEvents(this.state, fresh);
    });
    const from = now - DEFAULT_RETENTION_MINUTES * MINUTE_MS;
    this.filling = (async () => {
      for await (const events of pages(store, { from })) {
        if (this.stopped) return;
        const stored = events.filter((event) => event.seq <= head);
        if (stored.length > 0) this.state = aggregateEvents(this.state, stored);
        if ((events[events.length - 1]?.seq ?? head) >= head) return;
      }
    })().catch(onError);
  }

  /** Resolves when the stored history has been counted. */
  filled(): Promise<void> {
    return this.filling;
  }

  series(query: SeriesQuery): AggregatePoint[] {
    try {
      return aggregateSeries(this.state, query);
    } catch (error) {
      // The pure function says what is wrong with the query by a RangeError: the caller's input.
      if (error instanceof RangeError) throw new InputError(`query: ${error.message}`);
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.untap?.();
    this.untap = null;
    await this.filling;
  }
}
