/**
 * The per-minute counts read model (by event type and by equipment) for charts: rebuilt
 * from the last day of stored events at start, then kept live from the bus.
 */
import { aggregateEvents, aggregateSeries, DEFAULT_RETENTION_MINUTES, initialAggregate, MINUTE_MS, type AggregatePoint, type AggregateState, type SeriesQuery } from '../../shared/domain/aggregator';
import type { EventStore } from '../../shared/store/eventStore';
import { pages } from '../../shared/store/readAll';
import type { EventBus, Unsubscribe } from '../bus/eventBus';

export class Aggregates {
  private state: AggregateState = initialAggregate();
  private untap: Unsubscribe | null = null;

  async start(bus: EventBus, store: EventStore, now = Date.now()): Promise<void> {
    const from = now - DEFAULT_RETENTION_MINUTES * MINUTE_MS;
    for await (const events of pages(store, { from })) this.state = aggregateEvents(this.state, events);
    this.untap = bus.onPublished((events) => {
      this.state = aggregateEvents(this.state, events);
    });
  }

  series(query: SeriesQuery): AggregatePoint[] {
    return aggregateSeries(this.state, query);
  }

  stop(): void {
    this.untap?.();
    this.untap = null;
  }
}
