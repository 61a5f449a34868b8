/**
 * What the Dexie store keeps in memory about its database: the query columns of its last
 * events (a window of about `window` events, eventColumns.ts), the spans of the ids' times
 * and of the older events' timestamps per block of seqs (oldIds.ts), where each segment starts, the trailing segments that may still merge
 * (segmentMerge.ts) and the chain head. Read at open, and read again whenever another writer
 * is found to have written meanwhile.
 */
import type { StoredEvent } from '../../shared/events/event';
import { EMPTY_CHAIN } from '../../shared/audit/chain';
import { EventColumns } from './eventColumns';
import { BlockSpans, ID_TIMES_KEY, IdTimes, idTimeOf } from './oldIds';
import { OldTypes } from './oldTypes';
import type { PlantDatabase } from './plantDatabase';
import { checkSummary, loadSummary, SEGMENT_MAX_EVENTS } from './segmentFormat';
import type { OpenSegment, SummaryRow } from './segmentFormat';
import { charsOf } from './segmentMerge';

/** Summaries read per step at open. */
const OPEN_CHUNK = 2000;
/**
 * Events whose columns the index keeps (about 45 bytes each: about 47 MB), and a quarter more
 * before it moves the window on. Older events cost 32 bytes per 4,096 (oldIds.ts). A query that
 * reaches before the window reads summaries from disk and is about a hundred times slower
 * (1.4 s against 18 ms for a correlation id over 1,000,000 events), so the window holds the
 * million events the query goals are set for; a smaller one saves memory only. A quarter of it
 * (262,144 events, 13 MB) was measured against it over 1,000,000 events, two pairs at load
 * 9-13: correlation p95 385/720 ms against 27/59, p50 316/393 against 4.2/5.6; text p95
 * 791/662 against 84/103; time p95 8.6/9.1 against 3.7/2.0.
 */
export const INDEX_WINDOW = 1_048_576;

/** The window the page's address asks for (`indexWindow=N`, set by benchmarks), or undefined for INDEX_WINDOW. */
export function parseIndexWindow(text: string | null): number | undefined {
  if (text === null) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new Error(`indexWindow must be a whole number of events from 1, not "${text.slice(0, 40)}"`);
  return Number(text);
}

export interface StoreState {
  /** Events the columns keep (the window), at least. */
  readonly window: number;
  readonly columns: EventColumns;
  /** The spans of the stored ids' times (the window's too). */
  readonly idTimes: IdTimes;
  /** The spans of the timestamps before the window. */
  readonly oldTimes: BlockSpans;
  /** The old segments holding each rare type. */
  readonly oldTypes: OldTypes;
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

/** Adds a summary of events before the window: their names to the dictionaries, their timestamps to `times`, the segment to its types' lists. */
function loadOldSummary(columns: EventColumns, row: SummaryRow, lastTs: { value: number }, times: BlockSpans, types: OldTypes): void {
  checkSummary(row, columns.length + 1);
  times.add(row.first, row.ts);
  types.note(row.first, row.types.map((name) => columns.types.intern(name)));
  for (const name of row.sources) columns.sources.intern(name);
  for (const name of row.subjects) columns.subjects.intern(name);
  for (const ts of row.ts) {
    if (ts < lastTs.value) columns.timeOrdered = false;
    lastTs.value = ts;
  }
  columns.length += row.count;
  columns.base = columns.length;
}

/**
 * The id times the stored rows do not hold (seqs after `from`), read from the segments: each
 * stored event's text starts with its id (segmentFormat.ts). Once, for a store written before
 * these rows were (later only the last block's few thousand events).
 */
async function readIdTimes(db: PlantDatabase, idTimes: IdTimes, from: number): Promise<void> {
  let after = from;
  const start = await db.segments.where('first').belowOrEqual(from + 1).last();
  let lo = start?.first ?? 1;
  for (;;) {
    const rows = await db.segments.where('first').aboveOrEqual(lo).limit(OPEN_CHUNK / 8).toArray();
    if (rows.length === 0) return;
    for (const row of rows) {
      row.events.forEach((text, k) => {
        const seq = row.first + k;
        if (seq <= after || text === null) return;
        // The id's first characters follow `{"id":"` as they are, unless JSON escaped one of them.
        const head = text.slice(7, 20);
        idTimes.noteTime(seq, idTimeOf(/["\\]/.test(head) ? (JSON.parse(text) as { id: string }).id : head));
      });
      after = Math.max(after, row.first + row.events.length - 1);
    }
    lo = rows[rows.length - 1]!.first + 1;
  }
}

/** Reads every summary and the trailing segments in one read transaction, so both show the same moment. */
export async function loadState(db: PlantDatabase, window = INDEX_WINDOW): Promise<StoreState> {
  window = Math.max(window, 1);
  return db.transaction('r', [db.summaries, db.segments, db.meta], async () => {
    const columns = new EventColumns();
    const idTimes = new IdTimes();
    const oldTimes = new BlockSpans();
    const oldTypes = new OldTypes();
    const firsts: number[] = [];
    const lastRow = await db.summaries.orderBy('first').last();
    // Segments that end this far back start outside the window; the trailing segments that
    // may still merge (at most SEGMENT_MAX_EVENTS events together) are always inside it.
    const windowFrom = lastRow ? lastRow.first + lastRow.count - 1 - Math.max(window, SEGMENT_MAX_EVENTS) : 0;
    const lastTs = { value: Number.NEGATIVE_INFINITY };
    for (;;) {
      const rows = await db.summaries.where('first').above(columns.length).limit(OPEN_CHUNK).toArray();
      if (rows.length === 0) break;
      for (const row of rows) {
        if (columns.length === columns.base && row.first + row.count - 1 <= windowFrom) {
          loadOldSummary(columns, row, lastTs, oldTimes, oldTypes);
        } else {
          if (columns.length === columns.base && (row.ts[0] ?? lastTs.value) < lastTs.value) columns.timeOrdered = false;
          loadSummary(columns, row);
        }
        firsts.push(row.first);
      }
    }
    const stored = idTimes.load(await db.meta.where('key').startsWith(ID_TIMES_KEY).toArray(), columns.length);
    if (stored < columns.length) await readIdTimes(db, idTimes, stored);
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
    return { window, columns, idTimes, oldTimes, oldTypes, firsts, parts, headHash };
  });
}

/**
 * Moves the window on once it holds a quarter more than `state.window` events: the columns
 * of the segments before the last `window` events (never a segment that may still merge)
 * are dropped, their timestamps' spans kept in `oldTimes` and their segments noted in `oldTypes`.
 */
export function trimWindow(state: StoreState): void {
  const { columns, firsts, parts } = state;
  if (columns.length - columns.base < state.window * 1.25) return;
  const limit = Math.min(columns.length - state.window, (parts[0]?.first ?? columns.length + 1) - 1);
  const base = firsts[lastAtMost(firsts, limit + 1)]! - 1;
  if (base <= columns.base) return;
  state.oldTimes.add(columns.base + 1, columns.ts.subarray(0, base - columns.base));
  for (let at = lastAtMost(firsts, columns.base + 1); at < firsts.length && firsts[at]! <= base; at++) {
    const first = firsts[at]!;
    const end = (firsts[at + 1] ?? columns.length + 1) - 1;
    state.oldTypes.note(first, new Set(columns.type.subarray(first - columns.base - 1, end - columns.base)));
  }
  for (const first of [...columns.textFilters.keys()]) if (first <= base) columns.textFilters.delete(first);
  columns.evict(base);
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
