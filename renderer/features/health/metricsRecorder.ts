/**
 * The health view's history lives here, outside the view: once the view has been opened, the
 * samples keep coming every 2 s for the life of the page, so leaving the view and coming back
 * shows the charts where they were, not empty.
 */
import { useSyncExternalStore } from 'react';
import type { PlantMetrics } from '../../../shared/api/metrics';
import type { PlantApi } from '../../../shared/api/plantApi';
import { errorMessage } from '../../common/format';
import { pushSample } from './metricsHistory';

const POLL_MS = 2_000;

interface Snapshot {
  readonly history: readonly PlantMetrics[];
  readonly error: string | null;
}

class MetricsRecorder {
  private snapshot: Snapshot = { history: [], error: null };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly plant: PlantApi) {
    this.poll();
    setInterval(() => this.poll(), POLL_MS);
  }

  private poll(): void {
    this.plant.metrics.get().then(
      (m) => this.set({ history: pushSample(this.snapshot.history, m), error: null }),
      (e: unknown) => this.set({ ...this.snapshot, error: `Reading the metrics: ${errorMessage(e)}` }),
    );
  }

  private set(next: Snapshot): void {
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly get = (): Snapshot => this.snapshot;
}

const recorders = new WeakMap<PlantApi, MetricsRecorder>();

export function useMetricsHistory(plant: PlantApi): Snapshot {
  let recorder = recorders.get(plant);
  if (!recorder) recorders.set(plant, (recorder = new MetricsRecorder(plant)));
  return useSyncExternalStore(recorder.subscribe, recorder.get);
}
