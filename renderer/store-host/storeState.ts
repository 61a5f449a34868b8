/**
 * What the Dexie store keeps in memory about its database: the query columns, where each
 * segment starts, the trailing segments that may still merge (segmentMerge.ts) and the chain
 * head. Read at open, and read again whenever another writer is found to have written
 * meanwhile.
 */
import type { StoredEvent } from '../../shared/events/event';
import { EMPTY_CHAIN } from '../../shared/audit/chain';
import { EventColumns } from './eventColumns';
import type { PlantDatabase } from './plantDatabase';
import { loadSummary, SEGMENT_MAX_EVENTS } from './segmentFormat';
import type { OpenSegment } from './segmentFormat';
import { charsOf } from './segmentMerge';

/** Summaries read per step at open. */
const OPEN_CHUNK = 2000;

export interface StoreState {
  readonly columns: EventColumns;
  /** First seq of every segment, ascending. */
  readonly firsts: number[];
  /** The last segments, in seq order, with their texts: those that may still be merged. */
  parts: OpenSegment[];
  /** The last stored event's hash. */
  headHash: string;
}

/**
 * The first index into `firsts` of the trailing segments that fit in one segment together
 * (at least the last one): those a merge may still join.
 */
function trailingFrom(firsts: readonly number[], length: number): number {
  let from = firsts.length - 1;
  let events = length - (firsts[from] ?? 1) + 1;
  while (from > 0 && events + firsts[from]! - firsts[from - 1]! <= SEGMENT_MAX_EVENTS) {
    events += firsts[from]! - firsts[from - 1]!;
    from -= 1;
  }
  return from;
}

/** Reads every summary and the trailing segments in one read transaction, so both show the same moment. */
export async function loadState(db: PlantDatabase): Promise<StoreState> {
  return db.transaction('r', [db.summaries, db.segments], async () => {
    const columns = new EventColumns();
    const firsts: number[] = [];
    for (;;) {
      const rows = await db.summaries.where('first').above(columns.length).limit(OPEN_CHUNK).toArray();
      if (rows.length === 0) break;
      for (const row of rows) {
        loadSummary(columns, row);
        firsts.push(row.first);
      }
    }
    const last = firsts[firsts.length - 1];
    const rows = last === undefined ? [] : await db.segments.where('first').between(firsts[trailingFrom(firsts, columns.length)]!, last, true, true).toArray();
    const row = rows[rows.length - 1];
    if (last !== undefined && (row?.first !== last || row.events.length !== columns.length - last + 1)) {
      throw new Error(`event store: the segment at seq ${last} is missing or does not match its summary`);
    }
    // Only rows that match their summaries may merge; a damaged one ends the parts (it stays as it is, for the audit to find).
    const parts: OpenSegment[] = [];
    for (let k = rows.length - 1, next = columns.length + 1; k >= 0; k--) {
      const part = rows[k]!;
      if (part.first + part.events.length !== next || firsts[lastAtMost(firsts, part.first)] !== part.first) break;
      parts.unshift({ first: part.first, events: part.events, chars: charsOf(part.events) });
      next = part.first;
    }
    const lastText = row?.events[row.events.length - 1];
    const headHash = lastText ? ((JSON.parse(lastText) as StoredEvent).hash ?? EMPTY_CHAIN.hash) : EMPTY_CHAIN.hash;
    return { columns, firsts, parts, headHash };
  });
}

/** Index of the last element <= value in a sorted list (-1 when none). */
export function lastAtMost(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
