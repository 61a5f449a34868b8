/**
 * The plan of a replay: its filters and bounds checked, chunks of events folded in seq
 * order, the snapshot it may start from, and stopping when its signal fires.
 */
import type { StoredEvent } from '../events/event';
import type { ReplayOptions, Snapshot } from './eventStore';
import { checkStringList, checkText, checkTime, compileQuery, reject } from './queryMatch';

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
