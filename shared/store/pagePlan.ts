/**
 * The plan of one page read, and the opaque cursors that lead to the next and previous page.
 *
 * A page is read by scanning `seq` in one direction from an exclusive bound. A forward page
 * scans in the query's order; a page reached through `prevCursor` scans the other way and is
 * turned round before it is returned, so both directions list events in the query's order.
 */
import type { StoredEvent } from '../events/event';
import type { EventPage, EventQuery } from './eventStore';
import { compileQuery, pageSize, reject, validateEventQuery } from './queryMatch';

export type SeqOrder = 'asc' | 'desc';

interface CursorState {
  /** The exclusive bound: the seq of the event the cursor was taken at. */
  readonly seq: number;
  /** True for a `prevCursor`: read back towards the start of the listing. */
  readonly back: boolean;
  readonly order: SeqOrder;
}

function toBase64Url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function encodeCursor(state: CursorState): string {
  return toBase64Url(JSON.stringify({ s: state.seq, b: state.back ? 1 : 0, o: state.order === 'asc' ? 'a' : 'd' }));
}

export function decodeCursor(cursor: string): CursorState {
  let raw: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('bad alphabet');
    raw = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return reject('cursor', 'is not a cursor this store issued');
  }
  const { s, b, o } = (raw ?? {}) as { s?: unknown; b?: unknown; o?: unknown };
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0 || (b !== 0 && b !== 1) || (o !== 'a' && o !== 'd')) {
    reject('cursor', 'is not a cursor this store issued');
  }
  return { seq: s, back: b === 1, order: o === 'a' ? 'asc' : 'desc' };
}

export interface PagePlan {
  readonly matches: (event: StoredEvent) => boolean;
  readonly order: SeqOrder;
  /** The direction to read `seq` in. */
  readonly scan: SeqOrder;
  /** Read only beyond this seq (exclusive, in the scan direction); undefined = from the end where the scan starts. */
  readonly after?: number;
  readonly back: boolean;
  readonly limit: number;
}

/** Validates a query and says how to read its page: stores read `limit + 1` matches. */
export function planPage(query: EventQuery): PagePlan {
  validateEventQuery(query);
  const order: SeqOrder = query.order ?? 'asc';
  const limit = pageSize(query.limit);
  const matches = compileQuery(query);
  if (query.cursor === undefined) return { matches, order, scan: order, back: false, limit };
  const cursor = decodeCursor(query.cursor);
  if (cursor.order !== order) reject('cursor', `was issued for order '${cursor.order}'`);
  const scan: SeqOrder = cursor.back ? (order === 'asc' ? 'desc' : 'asc') : order;
  return { matches, order, scan, after: cursor.seq, back: cursor.back, limit };
}

/** The inclusive seq range a plan reads (before filters). */
export function scanRange(plan: Pick<PagePlan, 'scan' | 'after'>, ceiling = Number.POSITIVE_INFINITY): [number, number] {
  if (plan.after === undefined) return [1, ceiling];
  return plan.scan === 'asc' ? [plan.after + 1, ceiling] : [1, Math.min(ceiling, plan.after - 1)];
}

/** Builds the page from up to `limit + 1` matches found in scan order. */
export function finishPage(plan: PagePlan, found: readonly StoredEvent[]): EventPage {
  const more = found.length > plan.limit;
  const taken = found.slice(0, plan.limit);
  const events = plan.back ? taken.reverse() : taken;
  const first = events[0];
  const last = events[events.length - 1];
  const at = (event: StoredEvent | undefined, back: boolean) =>
    event ? encodeCursor({ seq: event.seq, back, order: plan.order }) : undefined;
  const hasNext = plan.back ? true : more;
  const hasPrev = plan.back ? more : plan.after !== undefined;
  return {
    events,
    ...(hasNext && last ? { nextCursor: at(last, false) } : {}),
    ...(hasPrev && first ? { prevCursor: at(first, true) } : {}),
  };
}
