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

/** An axis tick as a person reads it: at most 3 significant digits, thousands as k and millions as M, never "0.000…". */
export function formatAxisNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (abs !== 0 && abs < 0.01) return value.toExponential(0);
  return String(Number(value.toPrecision(3)));
}
