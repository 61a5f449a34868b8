/**
 * The arithmetic of the timeline's list, whose rows all have one height: which rows a
 * scroll position shows, and how far to move the scroll position when live events were put
 * above the rows in view so that those rows stay where the operator is looking.
 */

/** Rows [first, end) to render. */
export interface RowWindow {
  readonly first: number;
  readonly end: number;
}

/** The rows in view at `scrollTop` in a viewport `height` px high, with `overscan` more on each side. */
export function rowWindow(scrollTop: number, height: number, rowHeight: number, count: number, overscan: number): RowWindow {
  const top = Math.max(0, Math.floor(scrollTop / rowHeight));
  const bottom = Math.ceil((Math.max(0, scrollTop) + height) / rowHeight);
  return { first: Math.min(count, Math.max(0, top - overscan)), end: Math.min(count, bottom + overscan) };
}

/** Whether two scroll positions show the same rows (a re-render can then be skipped). */
export function sameRows(a: { top: number; height: number }, b: { top: number; height: number }, rowHeight: number): boolean {
  return a.height === b.height && Math.floor(a.top / rowHeight) === Math.floor(b.top / rowHeight);
}

/**
 * How many events now stand above the one that was at the head (newest first): live events
 * put on top since the last render. 0 when that event is gone (a new filter, a reload) or
 * is further down than `limit` (then the list was not merely added to).
 */
export function addedAbove(previousHeadSeq: number | undefined, events: { readonly length: number; at(index: number): { readonly seq: number } | undefined }, limit = 10_000): number {
  if (previousHeadSeq === undefined) return 0;
  const end = Math.min(events.length, limit);
  for (let i = 0; i < end; i++) {
    const seq = (events.at(i) as { seq: number }).seq;
    if (seq === previousHeadSeq) return i;
    if (seq < previousHeadSeq) return 0;
  }
  return 0;
}
