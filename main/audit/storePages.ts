/**
 * Reading an export's events from the store: page by page in seq order, through the
 * EventStore contract (so over the store RPC too), never all at once. The range is fixed when
 * reading starts: events appended during an export (its own audit event among them) are not
 * part of it.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { ExportFilters } from '../../shared/audit/exportFormat';
import type { EventQuery, EventStore } from '../../shared/store/eventStore';
import { MAX_PAGE_SIZE } from '../../shared/store/queryMatch';

/** The store query for export filters (cursor, limit and order are the reader's). */
export function queryOf(filters: ExportFilters): EventQuery {
  const query: { -readonly [K in keyof EventQuery]: EventQuery[K] } = {};
  if (filters.from !== undefined) query.from = filters.from;
  if (filters.to !== undefined) query.to = filters.to;
  if (filters.types?.length) query.types = [...filters.types];
  if (filters.subject !== undefined) query.subject = filters.subject;
  if (filters.sources?.length) query.sources = [...filters.sources];
  if (filters.priorities?.length) query.priorities = [...filters.priorities] as EventQuery['priorities'];
  if (filters.correlationId !== undefined) query.correlationId = filters.correlationId;
  if (filters.text !== undefined) query.text = filters.text;
  return query;
}

/** Pages of the events matching `filters` with seq <= `untilSeq`, oldest first. */
export async function* exportPages(store: EventStore, filters: ExportFilters, untilSeq: number, signal?: AbortSignal): AsyncGenerator<StoredEvent[]> {
  const query = queryOf(filters);
  let cursor: string | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const page = await store.query({ ...query, order: 'asc', limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    const last = page.events[page.events.length - 1];
    if (last && last.seq > untilSeq) {
      const inRange = page.events.filter((event) => event.seq <= untilSeq);
      if (inRange.length > 0) yield inRange;
      return;
    }
    if (page.events.length > 0) yield page.events;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
