/**
 * The per-minute aggregator: a read model for charts counting events per minute, in total,
 * by type and by equipment (`payload.equipmentId`). A pure reducer over events with bounded
 * retention (the latest `retentionMinutes` minutes, 24 hours by default, counted back from
 * the newest minute seen) and a bounded number of keys per minute; plain JSON for snapshots.
 */
import type { JsonValue, PlantEvent } from '../events/event';
import { matchesPattern } from '../events/patterns';

export const MINUTE_MS = 60_000;
export const DEFAULT_RETENTION_MINUTES = 24 * 60;
/** Distinct types (or equipment) one minute keeps; the rest are counted under OTHER_KEY. */
export const MAX_KEYS_PER_MINUTE = 500;
export const OTHER_KEY = '(other)';
const MAX_SERIES_POINTS = 10_000;
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface MinuteCounts {
  /** The minute's start, in ms since the epoch (a multiple of MINUTE_MS). */
  minute: number;
  total: number;
  byType: Record<string, number>;
  byEquipment: Record<string, number>;
}

export interface AggregateState {
  retentionMinutes: number;
  /** Ascending by minute, without gaps' empty entries. */
  minutes: MinuteCounts[];
  /** Events older than the retained minutes when they arrived, not counted. */
  droppedLate: number;
}

export type AggregatedEvent = Pick<PlantEvent, 'type' | 'timestamp' | 'payload'>;

export type SeriesDimension = 'total' | 'type' | 'equipment';

/** One point of a per-minute series: the bucket start (ms) and its count. */
export interface AggregatePoint {
  readonly t: number;
  readonly count: number;
}

export interface SeriesQuery {
  from: number;
  to: number;
  by: SeriesDimension;
  /** For `type`: a type pattern (`equipment.*`); for `equipment`: an equipment id. Ignored for `total`. */
  key?: string;
  /** Minutes per point (default 1). */
  stepMinutes?: number;
}

export function initialAggregate(retentionMinutes = DEFAULT_RETENTION_MINUTES): AggregateState {
  if (!Number.isInteger(retentionMinutes) || retentionMinutes < 1) throw new RangeError('retentionMinutes must be a positive integer');
  return { retentionMinutes, minutes: [], droppedLate: 0 };
}

export function evolveAggregate(state: AggregateState, event: AggregatedEvent): AggregateState {
  return aggregateEvents(state, [event]);
}

/** Folds a batch of events (copying the state once for the whole batch). */
export function aggregateEvents(state: AggregateState, events: readonly AggregatedEvent[]): AggregateState {
  const minutes = [...state.minutes];
  const copied = new Set<MinuteCounts>();
  let droppedLate = state.droppedLate;
  for (const event of events) {
    if (!Number.isFinite(event.timestamp)) continue;
    const minute = Math.floor(event.timestamp / MINUTE_MS) * MINUTE_MS;
    const newest = minutes.at(-1)?.minute ?? minute;
    if (minute <= newest - state.retentionMinutes * MINUTE_MS) {
      droppedLate += 1;
      continue;
    }
    let index = findMinute(minutes, minute);
    let bucket = minutes[index];
    if (bucket === undefined || bucket.minute !== minute) {
      bucket = { minute, total: 0, byType: {}, byEquipment: {} };
      minutes.splice(index, 0, bucket);
      copied.add(bucket);
    } else if (!copied.has(bucket)) {
      bucket = { ...bucket, byType: { ...bucket.byType }, byEquipment: { ...bucket.byEquipment } };
      minutes[index] = bucket;
      copied.add(bucket);
    }
    bucket.total += 1;
    count(bucket.byType, event.type);
    const equipmentId = equipmentOf(event.payload);
    if (equipmentId !== null) count(bucket.byEquipment, equipmentId);
    index = 0;
    const newestNow = (minutes.at(-1) as MinuteCounts).minute;
    while ((minutes[index]?.minute ?? Infinity) <= newestNow - state.retentionMinutes * MINUTE_MS) index += 1;
    if (index > 0) minutes.splice(0, index);
  }
  return { retentionMinutes: state.retentionMinutes, minutes, droppedLate };
}

/** A chart series: one point per step from `from` (rounded down to a minute) up to `to`, zeros where nothing happened. */
export function aggregateSeries(state: AggregateState, query: SeriesQuery): AggregatePoint[] {
  const step = (query.stepMinutes ?? 1) * MINUTE_MS;
  if (!Number.isInteger(query.stepMinutes ?? 1) || step <= 0) throw new RangeError('stepMinutes must be a positive integer');
  const start = Math.floor(query.from / MINUTE_MS) * MINUTE_MS;
  if (!Number.isFinite(start) || !Number.isFinite(query.to) || query.to < start) throw new RangeError('from and to must be finite, with from <= to');
  const length = Math.floor((query.to - start) / step) + 1;
  if (length > MAX_SERIES_POINTS) throw new RangeError(`a series has at most ${MAX_SERIES_POINTS} points`);
  const points = Array.from({ length }, (_, i) => ({ t: start + i * step, count: 0 }));
  for (const bucket of state.minutes) {
    if (bucket.minute < start || bucket.minute > query.to) continue;
    const point = points[Math.floor((bucket.minute - start) / step)];
    if (point) point.count += countIn(bucket, query.by, query.key);
  }
  return points;
}

/** The keys (types or equipment) with the most events in [from, to], most first. */
export function topKeys(state: AggregateState, by: 'type' | 'equipment', range: { from: number; to: number; limit?: number }): { key: string; count: number }[] {
  const totals = new Map<string, number>();
  for (const bucket of state.minutes) {
    if (bucket.minute < Math.floor(range.from / MINUTE_MS) * MINUTE_MS || bucket.minute > range.to) continue;
    for (const [key, n] of Object.entries(by === 'type' ? bucket.byType : bucket.byEquipment)) totals.set(key, (totals.get(key) ?? 0) + n);
  }
  return [...totals.entries()]
    .map(([key, n]) => ({ key, count: n }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
    .slice(0, range.limit ?? 10);
}

function countIn(bucket: MinuteCounts, by: SeriesDimension, key: string | undefined): number {
  if (by === 'total' || key === undefined) return bucket.total;
  if (by === 'equipment') return bucket.byEquipment[key] ?? 0;
  if (!key.includes('*')) return bucket.byType[key] ?? 0;
  let sum = 0;
  for (const [type, n] of Object.entries(bucket.byType)) if (type !== OTHER_KEY && matchesPattern(key, type)) sum += n;
  return sum;
}

/** Binary search: the index of `minute`, or where it would be inserted. */
function findMinute(minutes: MinuteCounts[], minute: number): number {
  if ((minutes.at(-1)?.minute ?? -Infinity) < minute) return minutes.length;
  let low = 0;
  let high = minutes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((minutes[mid] as MinuteCounts).minute < minute) low = mid + 1;
    else high = mid;
  }
  return low;
}

function count(counts: Record<string, number>, key: string): void {
  const known = counts[key] !== undefined && Object.hasOwn(counts, key);
  const slot = UNSAFE_KEYS.has(key) || (!known && Object.keys(counts).length >= MAX_KEYS_PER_MINUTE) ? OTHER_KEY : key;
  counts[slot] = (counts[slot] ?? 0) + 1;
}

function equipmentOf(payload: JsonValue): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const id = payload.equipmentId;
  return typeof id === 'string' && id.length > 0 ? id : null;
}
