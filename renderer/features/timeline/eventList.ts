/**
 * The timeline's loaded events, newest first, as a pure value: pages of older events are
 * appended, live events prepended, and the list is trimmed to a bound (older pages are read
 * again from the store by seq when the operator scrolls that far).
 */
import type { StoredEvent } from '../../../shared/events/event';
import { encodeCursor } from '../../../shared/store/pagePlan';

/** Most events kept in memory; beyond it the oldest loaded are let go. */
export const MAX_LOADED = 20_000;

export interface LoadedEvents {
  /** Newest first (descending seq), no duplicates. */
  readonly events: readonly StoredEvent[];
  /** True when the store may hold older matching events than the last loaded. */
  readonly hasOlder: boolean;
}

export const NOTHING_LOADED: LoadedEvents = { events: [], hasOlder: true };

/**
 * The bound for live events: MAX_LOADED at the top of the list; scrolled away from it, the
 * length reached by the older pages the operator scrolled to (each live event then lets one
 * of the oldest loaded go, instead of a thousand at once under the rows being read).
 */
export function liveBound(length: number, scrolledAway: boolean): number {
  return scrolledAway ? Math.max(MAX_LOADED, length) : MAX_LOADED;
}

/** Union by seq, newest first. */
function unionBySeq(a: readonly StoredEvent[], b: readonly StoredEvent[]): StoredEvent[] {
  const bySeq = new Map<number, StoredEvent>();
  for (const e of a) bySeq.set(e.seq, e);
  for (const e of b) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((x, y) => y.seq - x.seq);
}

function trimmed(events: StoredEvent[], hasOlder: boolean, max: number): LoadedEvents {
  if (events.length <= max) return { events, hasOlder };
  return { events: events.slice(0, max), hasOlder: true };
}

/**
 * Adds live events (any order); the fast path is the usual one: all newer than the head. It
 * copies the loaded list once per frame, up to the bound, instead of joining and then trimming.
 */
export function addNewer(loaded: LoadedEvents, incoming: readonly StoredEvent[], max = MAX_LOADED): LoadedEvents {
  if (incoming.length === 0) return loaded;
  const head = loaded.events[0]?.seq ?? 0;
  const sorted = [...incoming].sort((x, y) => y.seq - x.seq);
  const last = sorted[sorted.length - 1] as StoredEvent;
  const distinct = sorted.every((e, i) => i === 0 || (sorted[i - 1] as StoredEvent).seq !== e.seq);
  if (!(last.seq > head && distinct)) return trimmed(unionBySeq(loaded.events, incoming), loaded.hasOlder, max);
  const older = loaded.events;
  const fresh = Math.min(sorted.length, max);
  const kept = Math.min(older.length, max - fresh);
  // Made at its final length: growing it by push would copy it again each time it grew.
  const events = new Array<StoredEvent>(fresh + kept);
  for (let i = 0; i < fresh; i++) events[i] = sorted[i] as StoredEvent;
  for (let i = 0; i < kept; i++) events[fresh + i] = older[i] as StoredEvent;
  return { events, hasOlder: loaded.hasOlder || sorted.length + older.length > max };
}

/**
 * Adds a page of older events read from the store. Not trimmed: the operator asked for each
 * page by scrolling to it (the live tail's trimming lets them go once back at the top).
 */
export function addOlder(loaded: LoadedEvents, page: readonly StoredEvent[], more: boolean): LoadedEvents {
  const tail = loaded.events[loaded.events.length - 1]?.seq ?? Infinity;
  const fresh = page.every((e) => e.seq < tail);
  return { events: fresh ? [...loaded.events, ...page] : unionBySeq(loaded.events, page), hasOlder: more };
}

/** The cursor that continues after the oldest loaded event (descending order). */
export function olderCursor(loaded: LoadedEvents): string | undefined {
  const last = loaded.events[loaded.events.length - 1];
  return last ? encodeCursor({ seq: last.seq, back: false, order: 'desc' }) : undefined;
}
