/**
 * The memory sampler's thread (see rss.ts): samples every `intervalMs` until told to stop,
 * then sends the peaks back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RssProbe } from './rss';

const { root, intervalMs } = workerData as { root: number; intervalMs: number };
const probe = new RssProbe(root);
probe.sample();
const timer = setInterval(() => probe.sample(), intervalMs);
parentPort?.once('message', () => {
  clearInterval(timer);
  probe.sample();
  parentPort?.postMessage(probe.peaks());
});
