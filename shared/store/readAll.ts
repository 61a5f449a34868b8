/**
 * Whole-history reads built on `query` pages, for stores that live across a boundary (the
 * store client): the seed's `getEventsByType` and replay. Both read page by page in `seq`
 * order; nothing asks the far side for everything at once.
 */
import type { StoredEvent } from '../events/event';
import type { EventQuery, EventStore, GetEventsByTypeOptions, ReplayOptions, ReplayResult } from './eventStore';
import { compileTypeOptions, MAX_PAGE_SIZE } from './queryMatch';
import { encodeCursor } from './pagePlan';
import { checkReplayOptions, foldChunk, throwIfAborted } from './replayPlan';

/** Every page of `query`, oldest first, starting after `afterSeq`. */
export async function* pages(store: EventStore, query: EventQuery, afterSeq = 0): AsyncGenerator<StoredEvent[]> {
  let cursor: string | undefined = afterSeq > 0 ? encodeCursor({ seq: afterSeq, back: false, order: 'asc' }) : undefined;
  for (;;) {
    const page = await store.query({ ...query, order: 'asc', limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    if (page.events.length > 0) yield page.events;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export async function typeQueryAll(store: EventStore, pattern: string, options: GetEventsByTypeOptions = {}): Promise<StoredEvent[]> {
  const { matches, limit } = compileTypeOptions(pattern, options);
  const query: EventQuery = {
    types: [pattern],
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
  };
  const found: StoredEvent[] = [];
  for await (const events of pages(store, query)) {
    for (const event of events) {
      if (!matches(event)) continue;
      found.push(event);
      if (found.length >= limit) return found;
    }
  }
  return found;
}

export async function replayByQuery<S>(store: EventStore, options: ReplayOptions<S>): Promise<ReplayResult<S>> {
  const plan = checkReplayOptions(options);
  throwIfAborted(options.signal);
  const snapshot = options.snapshotKey === undefined ? null : await store.nearestSnapshot(options.snapshotKey, {
    ...(options.toSeq === undefined ? {} : { toSeq: options.toSeq }),
    ...(options.toTime === undefined ? {} : { toTime: options.toTime }),
  });
  const query: EventQuery = {
    ...(options.types ? { types: options.types } : {}),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(options.toTime === undefined ? {} : { to: options.toTime }),
  };
  let state = snapshot ? (snapshot.state as S) : options.initial;
  let seq = snapshot?.seq ?? 0;
  let folded = 0;
  for await (const events of pages(store, query, seq)) {
    throwIfAborted(options.signal);
    const step = foldChunk(events, plan, options.reducer, state);
    state = step.state;
    folded += step.folded;
    seq = step.seq ?? seq;
    options.onProgress?.(folded);
    if (step.done) break;
  }
  throwIfAborted(options.signal);
  return { state, folded, seq, ...(snapshot ? { fromSnapshotSeq: snapshot.seq } : {}) };
}
