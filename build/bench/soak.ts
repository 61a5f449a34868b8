/**
 * Hours, not minutes (`--only soak`): 2,000 telemetry messages a second through the whole
 * product path (real Mosquitto → host → on-disk store host → pushes) for 10 minutes (1 with
 * --quick), with the console open in two Chromium windows, one on the timeline and one on
 * the equipment board. Figures:
 *
 * - the resident memory growth of every process, extrapolated to an hour from a
 *   least-squares line over the run's second half (the first half is warm-up: caches,
 *   JIT, the store's first segments): the host (this Node process, which also runs the
 *   publisher's worker thread) and the largest of any Chromium process;
 * - events lost: sent by the source minus stored;
 * - the timeline window's p95 frame time while the events arrive.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../main/web/server';
import { CHROMIUM_ARGS } from '../../test/support/chromium';
import { MosquittoBroker } from '../../test/support/mosquitto';
import { slopePerSecond } from './e2e';
import { connectConsole, CONSOLE_BROKER_CONFIG, MqttSource } from './mqttSource';
import { openPlainPage, type PlainPage } from './plainPage';
import { descendantsOf, kbField, readProcesses } from './rss';
import { percentile, round } from './stats';
import { chromiumWithRenderer, cleanUp, type SingleRunSettings } from './section';

export type SoakSettings = SingleRunSettings;

const RATE = 2_000;
const GOAL_MB_PER_HOUR = 50;
const TELEMETRY = 'equipment.telemetry.recorded';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the console in its own Chromium and shows one of its views. */
async function openView(executablePath: string, host: WebHost, view: string): Promise<PlainPage> {
  const page = await openPlainPage(executablePath, [...CHROMIUM_ARGS, '--window-size=1400,987'], host.url);
  await page.waitFor(`document.querySelector('[data-testid="nav-${view}"]')`, 30_000);
  await page.evaluate(`document.querySelector('[data-testid="nav-${view}"]').click()`);
  return page;
}

/** Frame times of the page from now on, kept in the page. */
const FRAME_RECORDER = `(() => {
  const frames = [];
  globalThis.__frames = frames;
  let last = performance.now();
  const tick = (now) => { frames.push(now - last); last = now; if (!globalThis.__framesStop) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

function residentKb(pid: number): number | undefined {
  try {
    return kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    return undefined;
  }
}

/** Resident memory samples per process of the benchmark (this process and its descendants). */
class MemoryTrail {
  readonly samples = new Map<number, { command: string; kb: number[]; at: number[] }>();

  sample(): void {
    const processes = readProcesses();
    for (const pid of [process.pid, ...descendantsOf(process.pid, processes)]) {
      const kb = residentKb(pid);
      if (kb === undefined) continue;
      const trail = this.samples.get(pid) ?? { command: pid === process.pid ? 'host' : (processes.get(pid)?.command ?? '?'), kb: [], at: [] };
      trail.kb.push(kb);
      trail.at.push(performance.now());
      this.samples.set(pid, trail);
    }
  }

  /** MB per hour from the second half of each process's samples; processes seen in fewer than 4 samples are left out. */
  growth(): { pid: number; command: string; mbPerHour: number }[] {
    const out: { pid: number; command: string; mbPerHour: number }[] = [];
    for (const [pid, trail] of this.samples) {
      if (trail.kb.length < 4) continue;
      const half = trail.kb.slice(Math.floor(trail.kb.length / 2));
      const spacingS = (trail.at[trail.at.length - 1]! - trail.at[0]!) / 1000 / (trail.at.length - 1);
      out.push({ pid, command: trail.command, mbPerHour: (slopePerSecond(half) / spacingS / 1024) * 3600 });
    }
    return out;
  }
}

export async function measureSoak(settings: SoakSettings): Promise<Record<string, number | boolean | string | null>> {
  const { log, quick } = settings;
  const executablePath = await chromiumWithRenderer(log);
  const seconds = quick ? 60 : 600;
  const broker = await MosquittoBroker.start({ config: CONSOLE_BROKER_CONFIG });
  const dataDir = mkdtempSync(join(tmpdir(), 'plant-bench-soak-'));
  let host: WebHost | undefined;
  let source: MqttSource | undefined;
  const pages: PlainPage[] = [];
  try {
    host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    const core = host.core;
    await connectConsole(host, broker.url);
    const timeline = await openView(executablePath, host, 'timeline');
    pages.push(timeline, await openView(executablePath, host, 'equipment'));
    source = await MqttSource.start(broker.url);

    const trail = new MemoryTrail();
    trail.sample();
    const sampler = setInterval(() => trail.sample(), quick ? 2_000 : 5_000);
    log(`soak: ${RATE} events/s for ${seconds} s, the console open on the timeline and the equipment board`);
    const done = source.publish({ phase: 'soak', rate: RATE, seconds });
    // The frames of the run's second half, when the store and the pages are past their start.
    await sleep((seconds * 1000) / 2);
    await timeline.evaluate(FRAME_RECORDER);
    const sent = await done;
    clearInterval(sampler);
    const frames = await timeline.evaluate<number[]>('(globalThis.__framesStop = true, globalThis.__frames)');

    // Everything sent should be stored once the path has caught up; wait while the count still grows.
    let stored = 0;
    for (let still = 0; still < 10; await sleep(1_000)) {
      const now = await core.store.count({ types: [TELEMETRY] });
      still = now === stored ? still + 1 : 0;
      stored = now;
      if (stored >= sent.sent) break;
    }
    const growth = trail.growth();
    const hostGrowth = growth.find((g) => g.pid === process.pid)?.mbPerHour ?? Number.NaN;
    const chromium = growth.filter((g) => g.pid !== process.pid && /chrom/i.test(g.command));
    const chromiumWorst = chromium.reduce((worst, g) => Math.max(worst, g.mbPerHour), Number.NEGATIVE_INFINITY);
    const worst = Math.max(hostGrowth, chromiumWorst);
    for (const g of growth) log(`soak: pid ${g.pid} (${g.command}) ${g.mbPerHour.toFixed(1)} MB/h`);
    const lost = sent.sent - stored;
    log(`soak: sent ${sent.sent} (acknowledged ${sent.acked}), stored ${stored}; ${frames.length} frames measured`);
    return {
      soak_seconds: seconds,
      soak_broker_config: CONSOLE_BROKER_CONFIG.join('; '),
      soak_rate_events_per_s: RATE,
      soak_rss_growth_mb_per_hour: round(worst),
      soak_rss_growth_mb_per_hour_host: round(hostGrowth),
      soak_rss_growth_mb_per_hour_chromium: round(chromiumWorst),
      soak_events_sent: sent.sent,
      soak_events_lost: lost,
      soak_ui_p95_frame_ms: round(percentile(frames, 95)),
      target_soak_rss_met: worst <= GOAL_MB_PER_HOUR,
      target_soak_lost_met: lost === 0,
    };
  } finally {
    await cleanUp(log, 'soak', [
      () => source?.close(),
      ...pages.map((page) => () => page.close()),
      () => host?.close(),
      () => broker.stop(),
      () => rmSync(dataDir, { recursive: true, force: true }),
    ]);
  }
}
