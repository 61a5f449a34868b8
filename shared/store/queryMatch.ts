/**
 * Pure helpers shared by every EventStore: checking an EventQuery and turning it into a
 * predicate, page sizes, and whether a status may replace another. Pages and cursors are in
 * pagePlan.ts, replays in replayPlan.ts.
 */
import { EVENT_STATUSES, PRIORITIES, STATUS_RANK } from '../events/event';
import type { EventStatus, StoredEvent } from '../events/event';
import { compilePattern } from '../events/patterns';
import { EventValidationError } from '../events/validate';
import type { EventQuery, GetEventsByTypeOptions } from './eventStore';

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 1000;

const QUERY_FIELDS = new Set([
  'types', 'sources', 'priorities', 'statuses', 'from', 'to', 'correlationId', 'subject', 'text', 'cursor', 'limit', 'order',
]);

export function reject(field: string, rule: string): never {
  throw new EventValidationError(field, rule);
}

export function checkStringList(value: unknown, field: string, allowed?: readonly string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) reject(field, 'must be an array of strings');
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || item.length === 0) reject(`${field}[${i}]`, 'must be a non-empty string');
    if (allowed && !allowed.includes(item)) reject(`${field}[${i}]`, `must be one of ${allowed.join(', ')}`);
  });
}

export function checkTime(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    reject(field, 'must be a finite number of milliseconds');
  }
}

export function checkText(value: unknown, field: string): void {
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
  // A loop, not every(): no closure made per event tested (a console window tests each live one).
  return (event) => {
    for (const test of tests) if (!test(event)) return false;
    return true;
  };
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
