/** The health view's rolling window of metric samples, and the series it charts. Pure. */
import type { PlantMetrics } from '../../../shared/api/metrics';

export const HISTORY_LENGTH = 90;

export function pushSample(history: readonly PlantMetrics[], sample: PlantMetrics, max = HISTORY_LENGTH): PlantMetrics[] {
  const next = [...history, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** The slowest subscriber's p95 processing time at each sample (ms). */
export function worstP95(sample: PlantMetrics): number {
  return sample.bus.subscribers.reduce((worst, s) => Math.max(worst, s.processingMs.p95), 0);
}

export function totalQueueDepth(sample: PlantMetrics): number {
  return sample.bus.subscribers.reduce((sum, s) => sum + s.queueDepth, 0);
}
