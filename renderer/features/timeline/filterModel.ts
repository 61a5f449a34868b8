/**
 * The timeline's filter as the operator edits it, and the store query it stands for. Pure:
 * kept in settings as JSON, turned into an EventQuery for `events.query`, and into a
 * predicate for the live tail (the same one the store applies).
 */
import { EVENT_STATUSES, PRIORITIES, type EventStatus, type JsonValue, type Priority, type StoredEvent } from '../../../shared/events/event';
import { compilePattern } from '../../../shared/events/patterns';
import type { EventQuery } from '../../../shared/store/eventStore';
import { compileQuery } from '../../../shared/store/queryMatch';
import { errorMessage } from '../../common/format';

export const QUICK_RANGES = [
  { id: '5m', label: 'Last 5 min', ms: 5 * 60_000 },
  { id: '15m', label: 'Last 15 min', ms: 15 * 60_000 },
  { id: '1h', label: 'Last 1 h', ms: 60 * 60_000 },
  { id: '8h', label: 'Last 8 h', ms: 8 * 60 * 60_000 },
  { id: '24h', label: 'Last 24 h', ms: 24 * 60 * 60_000 },
  { id: '7d', label: 'Last 7 d', ms: 7 * 24 * 60 * 60_000 },
] as const;
export type QuickRangeId = (typeof QUICK_RANGES)[number]['id'];

export interface TimelineFilter {
  readonly types: string[];
  readonly sources: string[];
  readonly priorities: Priority[];
  readonly statuses: EventStatus[];
  /** A quick range counts back from now; when set, `from` and `to` are ignored. */
  readonly quickRange: QuickRangeId | null;
  readonly from: number | null;
  readonly to: number | null;
  readonly correlationId: string;
  readonly subject: string;
  readonly text: string;
}

export const EMPTY_FILTER: TimelineFilter = {
  types: [], sources: [], priorities: [], statuses: [], quickRange: null, from: null, to: null, correlationId: '', subject: '', text: '',
};

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : []);
const timeOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A filter read back from settings: unknown or malformed fields fall back to empty. */
export function readFilter(value: JsonValue | undefined): TimelineFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return EMPTY_FILTER;
  const quick = QUICK_RANGES.find((r) => r.id === value.quickRange)?.id ?? null;
  return {
    types: strings(value.types),
    sources: strings(value.sources),
    priorities: strings(value.priorities).filter((p): p is Priority => (PRIORITIES as readonly string[]).includes(p)),
    statuses: strings(value.statuses).filter((s): s is EventStatus => (EVENT_STATUSES as readonly string[]).includes(s)),
    quickRange: quick,
    from: timeOrNull(value.from),
    to: timeOrNull(value.to),
    correlationId: text(value.correlationId),
    subject: text(value.subject),
    text: text(value.text),
  };
}

export function filterToJson(filter: TimelineFilter): JsonValue {
  return { ...filter } as unknown as JsonValue;
}

/** The first bad type pattern, as a message; null when every pattern is valid. */
export function patternProblem(patterns: readonly string[]): string | null {
  for (const pattern of patterns) {
    try {
      compilePattern(pattern);
    } catch (error) {
      return `"${pattern}": ${errorMessage(error)}`;
    }
  }
  return null;
}

/** The store query for a filter (newest first), as of `now`. */
export function toQuery(filter: TimelineFilter, now: number): EventQuery {
  const query: { -readonly [K in keyof EventQuery]: EventQuery[K] } = { order: 'desc' };
  if (filter.types.length) query.types = [...filter.types];
  if (filter.sources.length) query.sources = [...filter.sources];
  if (filter.priorities.length) query.priorities = [...filter.priorities];
  if (filter.statuses.length) query.statuses = [...filter.statuses];
  const quick = QUICK_RANGES.find((r) => r.id === filter.quickRange);
  if (quick) query.from = now - quick.ms;
  else {
    if (filter.from !== null) query.from = filter.from;
    if (filter.to !== null) query.to = filter.to;
  }
  if (filter.correlationId.trim()) query.correlationId = filter.correlationId.trim();
  if (filter.subject.trim()) query.subject = filter.subject.trim();
  if (filter.text.trim()) query.text = filter.text.trim();
  return query;
}

/**
 * The live tail's test for a new event. A quick range's lower bound moves with time, and a
 * new event is always inside it, so only an absolute `to` bound can exclude a new event.
 */
export function livePredicate(filter: TimelineFilter): (event: StoredEvent) => boolean {
  const { from: _from, ...rest } = toQuery(filter, 0);
  return compileQuery(filter.quickRange ? rest : toQuery(filter, 0));
}

export function activeFilterCount(filter: TimelineFilter): number {
  let n = 0;
  for (const list of [filter.types, filter.sources, filter.priorities, filter.statuses]) if (list.length) n++;
  if (filter.quickRange || filter.from !== null || filter.to !== null) n++;
  for (const t of [filter.correlationId, filter.subject, filter.text]) if (t.trim()) n++;
  return n;
}
