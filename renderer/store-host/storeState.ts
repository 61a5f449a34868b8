/**
 * What the Dexie store keeps in memory about its database: the query columns, where each
 * segment starts, the open tail segment and the chain head. Read at open, and read again
 * whenever another writer is found to have written meanwhile.
 */
import type { StoredEvent } from '../../shared/events/event';
import { EMPTY_CHAIN } from '../../shared/audit/chain';
import { EventColumns } from './eventColumns';
import type { PlantDatabase } from './plantDatabase';
import { loadSummary } from './segmentFormat';
import type { OpenSegment } from './segmentFormat';

/** Summaries read per step at open. */
const OPEN_CHUNK = 2000;

export interface StoreState {
  readonly columns: EventColumns;
  /** First seq of every segment, ascending. */
  readonly firsts: number[];
  /** The last segment, still open for more events. */
  tail: OpenSegment | undefined;
  /** The last stored event's hash. */
  headHash: string;
}

/** Reads every summary and the last segment in one read transaction, so both show the same moment. */
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
    const row = last === undefined ? undefined : await db.segments.get(last);
    if (last !== undefined && (row?.first !== last || row.events.length !== columns.length - last + 1)) {
      throw new Error(`event store: the segment at seq ${last} is missing or does not match its summary`);
    }
    const tail = row ? { first: row.first, events: row.events, chars: row.events.reduce((sum, text) => sum + (text?.length ?? 0), 0) } : undefined;
    const lastText = row?.events[row.events.length - 1];
    const headHash = lastText ? ((JSON.parse(lastText) as StoredEvent).hash ?? EMPTY_CHAIN.hash) : EMPTY_CHAIN.hash;
    return { columns, firsts, tail, headHash };
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
