/**
 * Pure helpers shared by every EventStore: checking an EventQuery, turning it into a
 * predicate, page sizes, opaque cursors and the plan of one page read.
 *
 * A page is read by scanning `seq` in one direction from an exclusive bound. A forward page
 * scans in the query's order; a page reached through `prevCursor` scans the other way and is
 * turned round before it is returned, so both directions list events in the query's order.
 */
import { EVENT_STATUSES, PRIORITIES, STATUS_RANK } from '../events/event';
import type { EventStatus, StoredEvent } from '../events/event';
import { compilePattern } from '../events/patterns';
import { EventValidationError } from '../events/validate';
import type { EventPage, EventQuery, GetEventsByTypeOptions, ReplayOptions, Snapshot } from './eventStore';

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 1000;

export type SeqOrder = 'asc' | 'desc';

const QUERY_FIELDS = new Set([
  'types', 'sources', 'priorities', 'statuses', 'from', 'to', 'correlationId', 'subject', 'text', 'cursor', 'limit', 'order',
]);

function reject(field: string, rule: string): never {
  throw new EventValidationError(field, rule);
}

function checkStringList(value: unknown, field: string, allowed?: readonly string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) reject(field, 'must be an array of strings');
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || item.length === 0) reject(`${field}[${i}]`, 'must be a non-empty string');
    if (allowed && !allowed.includes(item)) reject(`${field}[${i}]`, `must be one of ${allowed.join(', ')}`);
  });
}

function checkTime(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    reject(field, 'must be a finite number of milliseconds');
  }
}

function checkText(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'string') reject(field, 'must be a string');
}

/** Checks the shape of a query; throws an EventValidationError naming the first bad field. */
export function validateEventQuery(candidate: unknown): EventQuery {
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) reject('query', 'must be an object');
  const query = candidate as Record<string, unknown>;
  for (const key of Object.keys(query)) if (!QUERY_FIELDS.has(key)) reject(key, 'is not a query field');
  checkStringList(query.types, 'types');
  (query.types as string[] | undefined)?.forEach((pattern, i) => compileTypePattern(pattern, `types[${i}]`));
  checkStringList(query.sources, 'sources');
  checkStringList(query.priorities, 'priorities', PRIORITIES);
  checkStringList(query.statuses, 'statuses', EVENT_STATUSES);
  checkTime(query.from, 'from');
  checkTime(query.to, 'to');
  for (const field of ['correlationId', 'subject', 'text', 'cursor'] as const) checkText(query[field], field);
  if (query.order !== undefined && query.order !== 'asc' && query.order !== 'desc') reject('order', "must be 'asc' or 'desc'");
  pageSize(query.limit);
  return query as EventQuery;
}

/** A page size from a query's `limit`: 1..1000, 200 when absent. */
export function pageSize(limit: unknown): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    reject('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

function compileTypePattern(pattern: string, field: string): (type: string) => boolean {
  try {
    return compilePattern(pattern);
  } catch (error) {
    const rule = error instanceof EventValidationError ? error.rule : String(error);
    return reject(field, rule);
  }
}

/**
 * One predicate for every filter of the query (cursor, limit and order aside). An empty
 * list (`types: []`) is taken as "no constraint", as a filter panel with nothing ticked.
 */
export function compileQuery(query: EventQuery): (event: StoredEvent) => boolean {
  const tests: ((event: StoredEvent) => boolean)[] = [];
  if (query.types?.length) {
    const matchers = query.types.map((pattern, i) => compileTypePattern(pattern, `types[${i}]`));
    tests.push((e) => matchers.some((matches) => matches(e.type)));
  }
  if (query.sources?.length) {
    const sources = new Set(query.sources);
    tests.push((e) => sources.has(e.source));
  }
  if (query.priorities?.length) {
    const priorities = new Set<string>(query.priorities);
    tests.push((e) => priorities.has(e.priority));
  }
  if (query.statuses?.length) {
    const statuses = new Set<string>(query.statuses);
    tests.push((e) => statuses.has(e.status));
  }
  const { from, to, correlationId, subject, text } = query;
  if (from !== undefined) tests.push((e) => e.timestamp >= from);
  if (to !== undefined) tests.push((e) => e.timestamp <= to);
  if (correlationId !== undefined) tests.push((e) => e.correlationId === correlationId);
  if (subject !== undefined) tests.push((e) => e.subject === subject);
  if (text !== undefined && text.length > 0) {
    const needle = text.toLowerCase();
    tests.push((e) => JSON.stringify(e.payload).toLowerCase().includes(needle));
  }
  return (event) => tests.every((test) => test(event));
}

/** The seed's `getEventsByType` as a predicate plus an optional cap on the result. */
export function compileTypeOptions(pattern: string, options: GetEventsByTypeOptions = {}) {
  if (typeof pattern !== 'string') reject('pattern', 'must be a string');
  const matchesType = compileTypePattern(pattern, 'pattern');
  const { filter, from, to, limit } = options;
  if (filter !== undefined && typeof filter !== 'function') reject('filter', 'must be a function');
  checkTime(from, 'from');
  checkTime(to, 'to');
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) reject('limit', 'must be a positive integer');
  const matches = (e: StoredEvent): boolean =>
    matchesType(e.type) && (from === undefined || e.timestamp >= from) && (to === undefined || e.timestamp <= to) && (!filter || filter(e));
  return { matches, limit: limit ?? Number.POSITIVE_INFINITY, exactType: pattern.includes('*') ? undefined : pattern };
}

/**
 * True when a status may replace another: it must rank strictly higher, except that a FAILED
 * event becomes PROCESSED when its dead letters were redriven and then processed.
 */
export function isForwardStatus(from: EventStatus, to: EventStatus): boolean {
  return STATUS_RANK[to] > STATUS_RANK[from] || (from === 'FAILED' && to === 'PROCESSED');
}

// ---- cursors ------------------------------------------------------------------------------

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

// ---- page plans ---------------------------------------------------------------------------

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

// ---- replay -------------------------------------------------------------------------------

export interface ReplayPlan {
  /** Types and subject of the replay. */
  readonly matches: (event: StoredEvent) => boolean;
  readonly toSeq: number;
  readonly toTime: number;
}

/** Checks the filters and bounds of a replay. */
export function checkReplayOptions<S>(options: ReplayOptions<S>): ReplayPlan {
  if (typeof options.reducer !== 'function') reject('reducer', 'must be a function');
  checkStringList(options.types, 'types');
  checkText(options.subject, 'subject');
  checkText(options.snapshotKey, 'snapshotKey');
  checkTime(options.toSeq, 'toSeq');
  checkTime(options.toTime, 'toTime');
  const matches = compileQuery({
    ...(options.types ? { types: options.types } : {}),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
  });
  return { matches, toSeq: options.toSeq ?? Number.POSITIVE_INFINITY, toTime: options.toTime ?? Number.POSITIVE_INFINITY };
}

/**
 * Folds a seq-ordered chunk. `done` says an event past `toSeq` was seen, so later chunks
 * need not be read. `toTime` cannot stop a replay early: timestamps need not follow seq.
 */
export function foldChunk<S>(
  events: readonly StoredEvent[], plan: ReplayPlan, reducer: (state: S, event: StoredEvent) => S, initial: S,
): { state: S; folded: number; seq: number | undefined; done: boolean } {
  let state = initial;
  let folded = 0;
  let seq: number | undefined;
  for (const event of events) {
    if (event.seq > plan.toSeq) return { state, folded, seq, done: true };
    if (event.timestamp > plan.toTime || !plan.matches(event)) continue;
    state = reducer(state, event);
    folded += 1;
    seq = event.seq;
  }
  return { state, folded, seq, done: false };
}

/** The first snapshot (newest first) a replay bounded by `toSeq` and `toTime` may start from. */
export function nearestOf(newestFirst: Iterable<Snapshot>, bounds: { toSeq?: number; toTime?: number }): Snapshot | null {
  const toSeq = bounds.toSeq ?? Number.POSITIVE_INFINITY;
  const toTime = bounds.toTime ?? Number.POSITIVE_INFINITY;
  for (const snapshot of newestFirst) if (snapshot.seq <= toSeq && snapshot.maxTimestamp <= toTime) return snapshot;
  return null;
}

/** Stops a replay with an AbortError when its signal fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') throw reason;
  throw new DOMException('The replay was aborted', 'AbortError');
}
