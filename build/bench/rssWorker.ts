/**
 * The memory sampler's thread (rss.ts): samples every `intervalMs` (Pss at every tenth
 * sample) and keeps the peaks, in KiB, in the shared array the main thread reads at the end.
 */
import { workerData } from 'node:worker_threads';
import { PeakTracker } from './rss';

const { intervalMs, shared } = workerData as { intervalMs: number; shared: Float64Array };
const tracker = new PeakTracker(10);
const sample = () => {
  tracker.sample();
  tracker.peaksKb().forEach((kb, i) => (shared[i] = kb));
};
sample();
setInterval(sample, intervalMs);
