/**
 * Hours, not minutes (`--only soak`): 2,000 telemetry messages a second through the whole
 * product path (real Mosquitto → host → on-disk store host → pushes) for 10 minutes (1 with
 * --quick), with the console open in two Chromium windows, one on the timeline and one on
 * the equipment board. Figures:
 *
 * - the resident memory growth of every process, extrapolated to an hour from a
 *   least-squares line over the run's second half (the first half is warm-up: caches,
 *   JIT, the store's first segments): the host (this Node process, which also runs the
 *   publisher's worker thread), the largest of any Chromium process, and one key per
 *   process by what it serves and its role (soakMemory.ts), e.g. `…_timeline_renderer`;
 * - the JavaScript heap of the host and of each console window, sampled the same way
 *   (`soak_js_heap_growth_mb_per_hour_<host|timeline|equipment>`), and what is left of it
 *   after a forced full collection at a quarter and at the end of the run
 *   (`soak_js_live_heap_growth_mb_per_hour_<…>`: a leak shows there, the collector's rhythm does not);
 * - events lost: sent by the source minus stored;
 * - the timeline window's p95 frame time while the events arrive.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../main/web/server';
import { boundHostHeapGrowth } from '../../main/platform/hostHeap';
import { CHROMIUM_ARGS } from '../../test/support/chromium';
import { MosquittoBroker } from '../../test/support/mosquitto';
import { connectConsole, CONSOLE_BROKER_CONFIG, MqttSource } from './mqttSource';
import { openPlainPage, type PlainPage } from './plainPage';
import { growthFigures, HeapTrail, HostMemoryTrail, MemoryTrail } from './soakMemory';
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
    // The host runs in this process: bound its heap's growth as the product's host does (cli.ts, Electron's main).
    boundHostHeapGrowth();
    host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    const core = host.core;
    await connectConsole(host, broker.url);
    const timeline = await openView(executablePath, host, 'timeline');
    const equipment = await openView(executablePath, host, 'equipment');
    pages.push(timeline, equipment);
    source = await MqttSource.start(broker.url);

    const windows = new Map<number, string>();
    if (timeline.pid !== undefined) windows.set(timeline.pid, 'timeline');
    if (equipment.pid !== undefined) windows.set(equipment.pid, 'equipment');
    const trail = new MemoryTrail(windows);
    const heaps = new HeapTrail(new Map([['timeline', timeline], ['equipment', equipment]]));
    const hostMemory = new HostMemoryTrail();
    const sample = () => {
      trail.sample();
      hostMemory.sample();
      heaps.sample().catch((error: unknown) => log(`soak: a heap sample failed: ${String(error)}`));
    };
    sample();
    const sampler = setInterval(sample, quick ? 2_000 : 5_000);
    log(`soak: ${RATE} events/s for ${seconds} s, the console open on the timeline and the equipment board`);
    const done = source.publish({ phase: 'soak', rate: RATE, seconds });
    // The frames of the run's second half, when the store and the pages are past their start.
    // The first forced collection in the first half, which neither the memory trails (their
    // second half) nor the frames see; the last once the path has caught up.
    await sleep((seconds * 1000) / 4);
    await heaps.collected();
    await sleep((seconds * 1000) / 4);
    await timeline.evaluate(FRAME_RECORDER);
    const sent = await done;
    clearInterval(sampler);
    const frames = await timeline.evaluate<number[]>('(globalThis.__framesStop = true, globalThis.__frames)');

    // What the timeline holds at the end: its live list is bounded (a page heap still filling
    // towards that bound is not a leak).
    const timelineRows = await timeline.evaluate<number>(`Number((document.querySelector('[data-testid="loaded-count"]')?.textContent ?? '').split(' ')[0].replaceAll(',', ''))`);
    // Everything sent should be stored once the path has caught up; wait while the count still grows.
    // How long that takes says whether the path kept up or built a backlog (held in memory meanwhile).
    const sentAt = performance.now();
    let stored = 0;
    for (let still = 0; still < 10; await sleep(1_000)) {
      const now = await core.store.count({ types: [TELEMETRY] });
      still = now === stored ? still + 1 : 0;
      stored = now;
      if (stored >= sent.sent) break;
    }
    const catchUpS = (performance.now() - sentAt) / 1000;
    // Caught up: nothing is in flight any more that the last collection would count as kept.
    await heaps.collected();
    const heapGrowth = heaps.figures();
    const growth = trail.growth();
    const hostGrowth = growth.find((g) => g.pid === process.pid)?.mbPerHour ?? Number.NaN;
    const chromium = growth.filter((g) => g.pid !== process.pid && /renderer|gpu|browser|utility|zygote/.test(g.name));
    const chromiumWorst = chromium.reduce((worst, g) => Math.max(worst, g.mbPerHour), Number.NEGATIVE_INFINITY);
    const worst = Math.max(hostGrowth, chromiumWorst);
    for (const g of growth) log(`soak: pid ${g.pid} (${g.name}) ${g.mbPerHour.toFixed(1)} MB/h`);
    log(`soak: JavaScript heap growth (MB/h): ${JSON.stringify(heapGrowth)}`);
    const hostFigures = hostMemory.figures();
    log(`soak: the host's memory (MB/h, MB at the end): ${JSON.stringify(hostFigures)}`);
    const lost = sent.sent - stored;
    log(`soak: sent ${sent.sent} (acknowledged ${sent.acked}), stored ${stored}; ${frames.length} frames measured`);
    return {
      soak_seconds: seconds,
      soak_broker_config: CONSOLE_BROKER_CONFIG.join('; '),
      soak_rate_events_per_s: RATE,
      soak_rss_growth_mb_per_hour: round(worst),
      soak_rss_growth_mb_per_hour_host: round(hostGrowth),
      soak_rss_growth_mb_per_hour_chromium: round(chromiumWorst),
      ...growthFigures(growth),
      ...heapGrowth,
      ...hostFigures,
      soak_events_sent: sent.sent,
      soak_events_lost: lost,
      soak_catch_up_s: round(catchUpS),
      soak_timeline_rows_loaded: timelineRows,
      soak_ui_p95_frame_ms: round(percentile(frames, 95)),
      soak_rss_goal_mb_per_hour: GOAL_MB_PER_HOUR,
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
