/**
 * The timeline benchmark's live phase: events published on the host's bus at a steady rate
 * (they reach the page as the console's live tail, through the store host and the pushes),
 * and, when asked, a CPU profile of the page while it scrolls during that flow.
 */
import { writeFileSync } from 'node:fs';
import type { WebHost } from '../../main/web/server';
import type { PlainPage } from './plainPage';
import type { CpuProfile } from './profileDevTools';
import { cpuMsOf, summarise } from './profileSummary';
import { descendantsOf, readProcesses } from './rss';
import { telemetryInputs } from './workload';

/** Publishes per second are sent in this many batches. */
const TICKS_PER_S = 20;

export interface LiveFeed {
  /** Events published so far. */
  readonly published: () => number;
  /** Stops publishing and waits for the last batch to be stored. */
  stop(): Promise<void>;
}

/** Publishes `perSecond` telemetry events a second on the host's bus until stopped. */
export function startLiveFeed(host: WebHost, perSecond: number, onError: (error: unknown) => void): LiveFeed {
  const perTick = Math.max(1, Math.round(perSecond / TICKS_PER_S));
  let published = 0;
  let last: Promise<unknown> = Promise.resolve();
  const started = performance.now();
  // Catches up by the clock, so that a late timer (a loaded machine) still gives the rate.
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond) - published;
    if (due < perTick) return;
    const batch = telemetryInputs(due);
    published += due;
    last = host.core.bus.publishBatch(batch).catch(onError);
  }, 1000 / TICKS_PER_S);
  return {
    published: () => published,
    async stop() {
      clearInterval(timer);
      await last;
    },
  };
}

/** Starts the page's CPU profiler; the returned function stops it and writes a summary (per 1,000 frames) to `file`. */
export async function profilePage(page: PlainPage, file: string): Promise<(frames: number) => Promise<void>> {
  await page.protocol('Profiler.enable');
  await page.protocol('Profiler.setSamplingInterval', { interval: 200 });
  await page.protocol('Profiler.start');
  return async (frames) => {
    const { profile } = (await page.protocol('Profiler.stop')) as { profile: CpuProfile };
    writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
    // summarise() counts per 1,000 units: here frames, so the figures are ms per frame.
    writeFileSync(file, `${summarise(profile, frames * 1000, 40).join('\n').replace(/1,000 events/g, 'frame')}\n`);
  };
}

/**
 * CPU ms so far of a page's Chromium, all its processes (renderer, GPU, browser): what a
 * frame costs, read from /proc, which a loaded machine changes far less than the frame time.
 */
export function chromiumCpuMs(page: PlainPage): number {
  if (page.pid === undefined) return Number.NaN;
  const pids = [page.pid, ...descendantsOf(page.pid, readProcesses())];
  return pids.reduce((sum, pid) => sum + cpuMsOf(`/proc/${pid}/stat`), 0);
}
