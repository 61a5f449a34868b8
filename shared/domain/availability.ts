/**
 * Availability over the last shift, kept inside the equipment state: running time divided by
 * the time with a known status, within the window that ends at the equipment's latest event.
 * Pure and plain JSON (it is part of the stored snapshots); never mutates what it is given.
 */

/** The last shift the availability figure covers. */
export const AVAILABILITY_WINDOW_MS = 8 * 60 * 60 * 1000;
/** Closed status intervals kept at most (older ones are dropped even inside the window). */
export const MAX_STATUS_INTERVALS = 500;

export interface StatusInterval {
  status: string;
  from: number;
  to: number;
}

export interface AvailabilityState {
  windowMs: number;
  /** Closed status intervals that end inside the window, oldest first; the open one is the current status. */
  intervals: StatusInterval[];
  runningMs: number;
  /** Time with a known status inside the window. */
  knownMs: number;
  /** `runningMs / knownMs`; null while no status has lasted any time. */
  ratio: number | null;
  /** The end of the window: the latest event time seen. */
  at: number | null;
}

/** The current status and since when (null before any status is known). */
export interface CurrentStatus {
  readonly status: string;
  readonly statusSince: number | null;
}

export function initialAvailability(): AvailabilityState {
  return { windowMs: AVAILABILITY_WINDOW_MS, intervals: [], runningMs: 0, knownMs: 0, ratio: null, at: null };
}

/**
 * The availability after an event at `at`: when the status changed, the previous status
 * (`before`) closes as an interval; the window ends at the latest time seen so far.
 */
export function advanceAvailability(
  previous: AvailabilityState, before: CurrentStatus, after: CurrentStatus, statusChanged: boolean, at: number,
): AvailabilityState {
  let intervals = previous.intervals;
  if (statusChanged && before.statusSince !== null) {
    const from = before.statusSince;
    intervals = [...intervals, { status: before.status, from, to: Math.max(from, at) }];
    if (intervals.length > MAX_STATUS_INTERVALS) intervals = intervals.slice(intervals.length - MAX_STATUS_INTERVALS);
  }
  return measure(intervals, after, Math.max(previous.at ?? at, at));
}

/** Availability as of `now` (a display that ticks between events); nothing is changed. */
export function availabilityAt(state: CurrentStatus & { readonly availability: AvailabilityState }, now: number): AvailabilityState {
  return measure(state.availability.intervals, state, Math.max(state.availability.at ?? now, now));
}

function measure(intervals: StatusInterval[], current: CurrentStatus, end: number): AvailabilityState {
  const start = end - AVAILABILITY_WINDOW_MS;
  let first = 0;
  while (first < intervals.length && (intervals[first] as StatusInterval).to <= start) first++;
  const kept = first === 0 ? intervals : intervals.slice(first);
  // Sums in plain loop variables: a helper closing over them costs a context and a boxed number
  // per interval on every event the projector folds.
  let runningMs = 0;
  let knownMs = 0;
  for (const interval of kept) {
    const span = spanIn(start, interval.from, interval.to);
    knownMs += span;
    if (interval.status === 'running') runningMs += span;
  }
  if (current.statusSince !== null) {
    const span = spanIn(start, current.statusSince, end);
    knownMs += span;
    if (current.status === 'running') runningMs += span;
  }
  return { windowMs: AVAILABILITY_WINDOW_MS, intervals: kept, runningMs, knownMs, ratio: knownMs > 0 ? runningMs / knownMs : null, at: end };
}

/** How much of `from`..`to` lies after `start`. */
function spanIn(start: number, from: number, to: number): number {
  return Math.max(0, to - Math.max(from, start));
}

/** True when `value` has the shape of an AvailabilityState (a state read back from a snapshot). */
export function isAvailabilityState(value: unknown): value is AvailabilityState {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Partial<Record<keyof AvailabilityState, unknown>>;
  return (
    Array.isArray(a.intervals) &&
    a.intervals.every((i: unknown) => typeof i === 'object' && i !== null && typeof (i as StatusInterval).status === 'string' &&
      Number.isFinite((i as StatusInterval).from) && Number.isFinite((i as StatusInterval).to)) &&
    typeof a.runningMs === 'number' && typeof a.knownMs === 'number' &&
    (a.ratio === null || typeof a.ratio === 'number') && (a.at === null || typeof a.at === 'number')
  );
}
