/**
 * Where imported events go. An import keeps each event's id, so a sink can tell which
 * events it holds already and the importer skips them (a second import of the same file
 * imports nothing).
 *
 * - `storeSink` appends straight to the store, with the status the file gives and no
 *   deliveries: offline review of history, which consumers do not handle again as live
 *   events (rebuild read models afterwards, e.g. the equipment projector).
 * - `busSink` publishes through the bus: consumers receive the events as if live.
 */
import type { PlantEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';
import type { IngestBus } from './ingestPublisher';

export interface ImportSink {
  /** Which of `ids` are stored already. */
  existing(ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** Stores `events` (none of them existing), all or none. */
  write(events: readonly PlantEvent[]): Promise<void>;
}

export function storeSink(store: EventStore): ImportSink {
  return {
    existing: (ids) => existingIn(store, ids),
    async write(events) {
      await store.append(events);
    },
  };
}

export function busSink(bus: IngestBus, store: EventStore): ImportSink {
  return {
    existing: (ids) => existingIn(store, ids),
    async write(events) {
      await bus.publishBatch(events);
    },
  };
}

async function existingIn(store: EventStore, ids: readonly string[]): Promise<ReadonlySet<string>> {
  const found = await Promise.all(ids.map((id) => store.get(id)));
  return new Set(found.flatMap((event) => (event ? [event.id] : [])));
}
