/**
 * What the operator is told while the event store is rebuilt from the journal. A rebuild of a
 * large history takes minutes; without a word the console looks hung. The reporter turns the
 * rebuild's progress into plain sentences, at most one a second (the first and the last always),
 * with how much is done and roughly how long is left.
 */
import type { RebuildProgress } from './rebuild';

export interface RebuildReport {
  readonly sentence: string;
  /** Done so far, from 0 to 1 (for a progress bar). */
  readonly fraction: number;
}

export interface ReporterOptions {
  readonly now?: () => number;
  /** The least time between two reports (default one second). */
  readonly everyMs?: number;
}

const count = (value: number): string => value.toLocaleString('en-US');

function timeLeft(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

/** One sentence for `done` of `total` events rebuilt, `elapsedMs` after the rebuild began. */
export function describeRebuild(done: number, total: number, elapsedMs: number): RebuildReport {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const head = `Rebuilding the event store from the journal: ${count(done)} of ${count(total)} events (${Math.floor(fraction * 100)}%)`;
  if (done >= total) return { sentence: `${head}, done.`, fraction };
  // An estimate from the rate so far is only worth saying once there is a rate.
  if (done === 0 || elapsedMs < 1000) return { sentence: `${head}…`, fraction };
  return { sentence: `${head}, about ${timeLeft(((total - done) * elapsedMs) / done)} left…`, fraction };
}

/** A progress callback for rebuildFromJournal that passes throttled reports to `report`. */
export function rebuildReporter(report: (progress: RebuildReport) => void, options: ReporterOptions = {}): (progress: RebuildProgress) => void {
  const now = options.now ?? Date.now;
  const every = options.everyMs ?? 1000;
  let started: number | null = null;
  let last = -Infinity;
  return ({ events, total }) => {
    const at = now();
    started ??= at;
    const final = events >= total;
    if (!final && events > 0 && at - last < every) return;
    last = at;
    report(describeRebuild(events, total, at - started));
  };
}
