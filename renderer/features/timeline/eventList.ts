/**
 * The timeline's loaded events, newest first, as a pure value: pages of older events are
 * appended, live events prepended, and the list is trimmed to a bound (older pages are read
 * again from the store by seq when the operator scrolls that far).
 */
import type { StoredEvent } from '../../../shared/events/event';
import { encodeCursor } from '../../../shared/store/pagePlan';

/** Most events kept in memory; beyond it the oldest loaded are let go. */
export const MAX_LOADED = 20_000;

/** A list of events read newest first by index: an array, or a NewestFirst. */
export interface EventsNewestFirst {
  readonly length: number;
  /** The event at `index` (0 is the newest), undefined outside [0, length). */
  at(index: number): StoredEvent | undefined;
}

/**
 * The loaded events, newest first, over an array kept oldest first that live events are
 * pushed onto. A frame's live events then cost their own pushes, not a copy of the whole list
 * (20,000 references a frame at 2,000 events/s was a third of what the window allocated per
 * event). Each value is immutable: it reads only its own part [start, start + length) of the
 * array, and the array is only ever added to past the end of the newest value.
 */
export class NewestFirst implements EventsNewestFirst {
  private constructor(
    private readonly oldestFirst: StoredEvent[],
    private readonly start: number,
    readonly length: number,
  ) {}

  /** The events of `newestFirst`, copied. */
  static of(newestFirst: readonly StoredEvent[]): NewestFirst {
    const oldestFirst = newestFirst.slice().reverse();
    return new NewestFirst(oldestFirst, 0, oldestFirst.length);
  }

  at(index: number): StoredEvent | undefined {
    return index >= 0 && index < this.length ? this.oldestFirst[this.start + this.length - 1 - index] : undefined;
  }

  toArray(): StoredEvent[] {
    return this.oldestFirst.slice(this.start, this.start + this.length).reverse();
  }

  /** These events with `ascending` (each newer than the newest here) on top, the newest `max` of them. */
  withNewer(ascending: readonly StoredEvent[], max: number): NewestFirst {
    let array = this.oldestFirst;
    let start = this.start;
    // Another value was made from this one already and pushed its events: copy this one's part.
    if (start + this.length !== array.length) {
      array = array.slice(start, start + this.length);
      start = 0;
    }
    for (const event of ascending) array.push(event);
    let length = array.length - start;
    if (length > max) {
      start += length - max;
      length = max;
    }
    // The events let go stay referenced below `start` until the array is copied: copied once
    // they are an eighth of those kept, so that the list holds at most 12.5 % more than it shows.
    if (start > length / 8) {
      array = array.slice(start);
      start = 0;
    }
    return new NewestFirst(array, start, length);
  }
}

export interface LoadedEvents {
  /** Newest first (descending seq), no duplicates. */
  readonly events: EventsNewestFirst;
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

function asNewestFirst(events: EventsNewestFirst): NewestFirst {
  if (events instanceof NewestFirst) return events;
  const copy = new Array<StoredEvent>(events.length);
  for (let i = 0; i < events.length; i++) copy[i] = events.at(i) as StoredEvent;
  return NewestFirst.of(copy);
}

function toArray(events: EventsNewestFirst): StoredEvent[] {
  return asNewestFirst(events).toArray();
}

/** Union by seq, newest first. */
function unionBySeq(a: EventsNewestFirst, b: readonly StoredEvent[]): StoredEvent[] {
  const bySeq = new Map<number, StoredEvent>();
  for (const e of toArray(a)) bySeq.set(e.seq, e);
  for (const e of b) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((x, y) => y.seq - x.seq);
}

function trimmed(events: StoredEvent[], hasOlder: boolean, max: number): LoadedEvents {
  if (events.length <= max) return { events: NewestFirst.of(events), hasOlder };
  return { events: NewestFirst.of(events.slice(0, max)), hasOlder: true };
}

/** True when every event's seq is greater than the one before it (so also no duplicates). */
function inOrder(events: readonly StoredEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if ((events[i] as StoredEvent).seq <= (events[i - 1] as StoredEvent).seq) return false;
  return true;
}

/**
 * Adds live events (any order); the fast path is the usual one: all newer than the head,
 * pushed onto the list (NewestFirst) without copying it.
 */
export function addNewer(loaded: LoadedEvents, incoming: readonly StoredEvent[], max = MAX_LOADED): LoadedEvents {
  if (incoming.length === 0) return loaded;
  const head = loaded.events.at(0)?.seq ?? 0;
  // Live events come in seq order: sorted (a copy) only when they do not.
  const ascending = inOrder(incoming) ? incoming : [...incoming].sort((x, y) => x.seq - y.seq);
  const first = ascending[0] as StoredEvent;
  if (!(first.seq > head && inOrder(ascending))) return trimmed(unionBySeq(loaded.events, incoming), loaded.hasOlder, max);
  const events = asNewestFirst(loaded.events).withNewer(ascending, max);
  return { events, hasOlder: loaded.hasOlder || ascending.length + loaded.events.length > max };
}

/**
 * Adds a page of older events read from the store. Not trimmed: the operator asked for each
 * page by scrolling to it (the live tail's trimming lets them go once back at the top).
 */
export function addOlder(loaded: LoadedEvents, page: readonly StoredEvent[], more: boolean): LoadedEvents {
  const tail = loaded.events.at(loaded.events.length - 1)?.seq ?? Infinity;
  const fresh = page.every((e) => e.seq < tail);
  return { events: NewestFirst.of(fresh ? [...toArray(loaded.events), ...page] : unionBySeq(loaded.events, page)), hasOlder: more };
}

/** The cursor that continues after the oldest loaded event (descending order). */
export function olderCursor(loaded: LoadedEvents): string | undefined {
  const last = loaded.events.at(loaded.events.length - 1);
  return last ? encodeCursor({ seq: last.seq, back: false, order: 'desc' }) : undefined;
}
