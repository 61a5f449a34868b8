/**
 * Hours, not minutes (`--only soak`): 2,000 telemetry messages a second through the whole
 * product path (real Mosquitto → host → on-disk store host → pushes) for 10 minutes (1 with
 * --quick), with the console open in two Chromium windows, one on the timeline and one on
 * the equipment board. Figures:
 *
 * - the resident memory growth of every process, extrapolated to an hour from a
 *   least-squares line over the run's second half (the first half is warm-up: caches,
 *   JIT, the store's first segments): the host (`…_host`: a child process of its own,
 *   started as `npm run web` starts the product's host, soakControl.ts; until then it was this
 *   benchmark's process, which also runs Playwright's driver, the DevTools sessions, the
 *   trails and the seeding, and ended 800-900 MB), the benchmark's own process (`…_bench`),
 *   the largest of any Chromium process, and one key per process by what it serves and its
 *   role (soakMemory.ts), e.g. `…_timeline_renderer` (the MQTT publisher: `…_publisher`);
 * - the host process's memory as V8 counts it (`soak_host_<rss|heap_total|external|…>_…`),
 *   what lies outside it (`soak_host_native_…`: resident less V8's heap and external memory)
 *   and its resident memory by kind of mapping (`soak_host_smaps_<kind>_…`, smaps.ts: glibc's
 *   heap and arenas, other anonymous mappings, files), and its CPU per 1,000 events;
 * - the JavaScript heap of the host and of each console window, sampled the same way
 *   (`soak_js_heap_growth_mb_per_hour_<host|timeline|equipment>`), and what is left of it
 *   after a forced full collection at a quarter and at the end of the run
 *   (`soak_js_live_heap_growth_mb_per_hour_<…>`: a leak shows there, the collector's rhythm does not);
 * - the same for the store host's page, whose Chromium opens a DevTools port in this run only:
 *   `soak_store_host_live_heap_growth_mb_per_hour` (its live heap after those collections),
 *   `soak_js_heap_growth_mb_per_hour_store_host` (as sampled) and its renderer's resident memory
 *   and Blink heap after the collections (`soak_renderer_rss_after_gc_…_store_host`), which
 *   tell a store host that keeps what it allocates from one whose collector or allocator merely
 *   has not given memory back (`soak_rss_growth_mb_per_hour_store_host_renderer`, unforced);
 * - events lost: sent by the source minus stored;
 * - the timeline window's p95 frame time while the events arrive;
 * - the store host once its index window is full (`soak_full_window_…`, a second, shorter run
 *   with a small window: see measureFullWindow).
 *
 * The main run's store starts with history (seedHistory): SEEDED_EVENTS events written through
 * the store's own append path before the console windows open and before sampling starts, so
 * that the store host's index window is full and moving during the run, as in a plant that has
 * run for hours. Without it, the store host's figure was the window's one-time fill (about 9 of
 * the 10 minutes at 2,000 events/s), which a 10-minute run cannot tell from growth that goes on
 * for hours. What that fill costs is kept apart: `soak_fresh_store_window_mb`, the store host
 * renderer's resident memory after the seeding (the least over 10 idle seconds) less before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../test/support/chromium';
import { MosquittoBroker } from '../../test/support/mosquitto';
import { CONSOLE_BROKER_CONFIG, MqttSource } from './mqttSource';
import { openPlainPage, type PlainPage } from './plainPage';
import { descendantsOf, readProcesses } from './rss';
import { MAPPING_KINDS, SmapsTrail } from './smaps';
import { HostChild } from './soakControl';
import { commandLine, roleOf } from './profileSummary';
import { connectStoreHostPage, type StoreHostSession } from './profileDevTools';
import { growthFigures, HeapTrail, HostMemoryTrail, MemoryTrail, RendererTrail, residentKb, type Growth, type WatchedPage } from './soakMemory';
import { percentile, round } from './stats';
import { chromiumWithRenderer, cleanUp, type Figures, type SingleRunSettings } from './section';
import { chromiumCpuMs } from './timelineLive';

export type SoakSettings = SingleRunSettings;

const RATE = 2_000;
const GOAL_MB_PER_HOUR = 50;
const TELEMETRY = 'equipment.telemetry.recorded';
/**
 * The store host's index window in the full-window run: full (and moved on every 8,192 events
 * after) within its first 20 s at 2,000 events/s, where the product's 1,048,576 would take 10 minutes.
 */
const SMALL_WINDOW = 32_768;

/**
 * History written before the main run: more than the store host's index window and the quarter
 * it grows by before it moves on (1,048,576 and 1,310,720 events, storeState.ts), so the window
 * has moved once and stays full. A type of its own, so that the live events are counted apart.
 */
const SEEDED_EVENTS = 1_400_000;
const SEEDED_TYPE = 'equipment.telemetry.imported';
const SEED_PER_APPEND = 2_000;
const SEED_IN_FLIGHT = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the console in its own Chromium and shows one of its views. */
async function openView(executablePath: string, host: HostChild, view: string): Promise<PlainPage> {
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

/** The product path of a run: Mosquitto, and the console host on an on-disk store host, connected to it. */
interface SoakPath {
  readonly broker: MosquittoBroker;
  readonly dataDir: string;
  host?: HostChild;
  source?: MqttSource;
}

/** Starts the host (its store host's Chromium with a DevTools port when `devTools`) and connects it to the broker. */
async function startPath(path: SoakPath, log: (line: string) => void, indexWindow?: number, devTools = false): Promise<HostChild> {
  path.host = await HostChild.start({ dataDir: path.dataDir, log, devTools, ...(indexWindow === undefined ? {} : { indexWindow }) });
  await path.host.ask({ op: 'connect', brokerUrl: path.broker.url });
  return path.host;
}

/**
 * The store host's page, watched like a console window (its heap, its renderer's memory) over
 * the DevTools port startPath opened: `session` is closed with the run.
 */
async function watchStoreHost(path: SoakPath, host: HostChild): Promise<{ page: WatchedPage; session: StoreHostSession }> {
  const session = await connectStoreHostPage(join(path.dataDir, 'chromium-profile'));
  return { page: { pid: await host.storeHostPid(), protocol: (method, params) => session.send(method, params) }, session };
}

/** The host's and the publisher's processes by the names their memory figures go by. */
const processNames = (host: HostChild, source: MqttSource) => new Map([[host.pid, 'host'], ...(source.pid === undefined ? [] : [[source.pid, 'publisher'] as const])]);

/** Resident MB of the store host's largest renderer (its page; Chromium keeps a spare beside it). */
async function storeHostRendererMb(host: HostChild): Promise<number> {
  const pid = await host.storeHostPid();
  if (pid === undefined) return Number.NaN;
  const processes = readProcesses();
  let kb = Number.NaN;
  for (const child of descendantsOf(pid, processes)) {
    if (roleOf(commandLine(child)) !== 'renderer') continue;
    const rss = residentKb(child);
    if (rss !== undefined && !(rss <= kb)) kb = rss;
  }
  return kb / 1024;
}

/**
 * Writes SEEDED_EVENTS telemetry events of the last hours into the store through its own append
 * path (the store the bus appends to), generated in the host process (soakHost.ts), ending now
 * and spaced as at 2,000 events a second, so the live events follow them in time.
 */
async function seedHistory(host: HostChild, log: (line: string) => void): Promise<{ seconds: number; windowMb: number }> {
  const before = await storeHostRendererMb(host);
  const started = performance.now();
  await host.ask({ op: 'seed', events: SEEDED_EVENTS, type: SEEDED_TYPE, ratePerS: RATE, perAppend: SEED_PER_APPEND, inFlight: SEED_IN_FLIGHT });
  const seconds = (performance.now() - started) / 1000;
  // The least over 10 idle seconds: the page's collector frees what the burst left at its own time.
  let after = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 10; k++) {
    await sleep(1_000);
    after = Math.min(after, await storeHostRendererMb(host));
  }
  const windowMb = after - before;
  log(`soak: seeded ${SEEDED_EVENTS} events of history in ${seconds.toFixed(1)} s; the store host renderer grew by ${windowMb.toFixed(1)} MB`);
  return { seconds, windowMb };
}

/** Runs `body` on a fresh path, then stops it (after `more()`, the run's own clean-up steps). */
async function onPath<T>(log: (line: string) => void, body: (path: SoakPath) => Promise<T>, more: () => (() => unknown)[] = () => []): Promise<T> {
  const path: SoakPath = { broker: await MosquittoBroker.start({ config: CONSOLE_BROKER_CONFIG }), dataDir: mkdtempSync(join(tmpdir(), 'plant-bench-soak-')) };
  try {
    return await body(path);
  } finally {
    await cleanUp(log, 'soak', [
      () => path.source?.close(),
      ...more(),
      () => path.host?.close(),
      () => path.broker.stop(),
      () => rmSync(path.dataDir, { recursive: true, force: true }),
    ]);
  }
}

/**
 * Events stored once the path has caught up with `sent`: waits while the count still grows.
 * How long that takes says whether the path kept up or built a backlog (held in memory meanwhile).
 */
async function storedWhenCaughtUp(host: HostChild, sent: number): Promise<{ stored: number; catchUpS: number }> {
  const sentAt = performance.now();
  let stored = 0;
  for (let still = 0; still < 10; await sleep(1_000)) {
    const now = await host.count([TELEMETRY]);
    still = now === stored ? still + 1 : 0;
    stored = now;
    if (stored >= sent) break;
  }
  return { stored, catchUpS: (performance.now() - sentAt) / 1000 };
}

/**
 * The store host with a small index window. The main run starts with the product's window full
 * (seedHistory), which then moves on every 262,144 events (a quarter of it, storeState.ts): once
 * in a 10-minute run. This run (4 minutes, 1 with --quick), on a fresh store, keeps a window of
 * SMALL_WINDOW events, full within 20 s and moved on every 8,192 events after, so its second
 * half shows the store host over many moves: the older events' ids and spans, and whatever else
 * accumulates. No console window is open: their pushes come from the host, not the store host.
 */
async function measureFullWindow(quick: boolean, log: (line: string) => void): Promise<Figures> {
  const seconds = quick ? 60 : 240;
  return onPath(log, async (path) => {
    const host = await startPath(path, log, SMALL_WINDOW);
    const source = (path.source = await MqttSource.start(path.broker.url));
    const trail = new MemoryTrail(new Map(), processNames(host, source));
    trail.sample();
    const sampler = setInterval(() => trail.sample(), 2_000);
    log(`soak: the store host with an index window of ${SMALL_WINDOW} events: ${RATE} events/s for ${seconds} s`);
    const sent = await source.publish({ phase: 'soak-full-window', rate: RATE, seconds }).finally(() => clearInterval(sampler));
    const { stored } = await storedWhenCaughtUp(host, sent.sent);
    const growth = trail.growth().filter((g) => g.name === 'store_host_renderer');
    for (const g of growth) log(`soak, full window: pid ${g.pid} (${g.name}) ${g.mbPerHour.toFixed(1)} MB/h, ${g.mbEnd.toFixed(1)} MB at the end`);
    // The page's renderer is the largest (Chromium keeps a spare or two beside it).
    const page = growth.reduce<Growth | undefined>((largest, g) => (g.mbEnd > (largest?.mbEnd ?? -1) ? g : largest), undefined);
    return {
      soak_full_window_index_events: SMALL_WINDOW,
      soak_full_window_seconds: seconds,
      soak_full_window_events_lost: sent.sent - stored,
      soak_full_window_rss_growth_mb_per_hour_store_host_renderer: round(page?.mbPerHour ?? Number.NaN),
      soak_full_window_store_host_renderer_mb_end: round(page?.mbEnd ?? Number.NaN),
    };
  });
}

export async function measureSoak(settings: SoakSettings): Promise<Figures> {
  const { log, quick } = settings;
  const executablePath = await chromiumWithRenderer(log);
  const main = await measureMainRun(executablePath, quick, log);
  return { ...main, ...(await measureFullWindow(quick, log)) };
}

async function measureMainRun(executablePath: string, quick: boolean, log: (line: string) => void): Promise<Figures> {
  const seconds = quick ? 60 : 600;
  const pages: PlainPage[] = [];
  let storeHostSession: StoreHostSession | undefined;
  return onPath(log, async (path) => {
    const host = await startPath(path, log, undefined, true);
    const storeHost = await watchStoreHost(path, host);
    storeHostSession = storeHost.session;
    const seeded = await seedHistory(host, log);
    const timeline = await openView(executablePath, host, 'timeline');
    const equipment = await openView(executablePath, host, 'equipment');
    pages.push(timeline, equipment);
    const source = (path.source = await MqttSource.start(path.broker.url));

    const windows = new Map<number, string>();
    if (timeline.pid !== undefined) windows.set(timeline.pid, 'timeline');
    if (equipment.pid !== undefined) windows.set(equipment.pid, 'equipment');
    const trail = new MemoryTrail(windows, processNames(host, source));
    // The store host's page beside the windows: its live heap after the forced collections
    // (a quarter in, in the first half, which the resident trails' second half does not see,
    // and at the end) tells a leak from garbage and from memory the renderer has not given back.
    const watched = new Map<string, WatchedPage>([['timeline', timeline], ['equipment', equipment], ['store_host', storeHost.page]]);
    const heaps = new HeapTrail(watched, host);
    const hostMemory = new HostMemoryTrail();
    const smaps = new SmapsTrail(() => host.pid);
    const renderers = new RendererTrail(watched);
    renderers.start();
    const sample = () => {
      trail.sample();
      smaps.sample();
      host
        .memory()
        .then((memory) => {
          hostMemory.sample(memory);
          return heaps.sample(memory.heapUsed);
        })
        .catch((error: unknown) => log(`soak: a heap sample failed: ${String(error)}`));
      renderers.sample().catch((error: unknown) => log(`soak: a renderer sample failed: ${String(error)}`));
    };
    sample();
    const sampler = setInterval(sample, quick ? 2_000 : 5_000);
    log(`soak: ${RATE} events/s for ${seconds} s, the console open on the timeline and the equipment board`);
    // What each window's Chromium spends on the flow (all its processes), per 1,000 events sent.
    const cpuFrom = pages.map(chromiumCpuMs);
    // The host's CPU (all its threads) and the benchmark's, the same way.
    const hostCpuFrom = (await host.memory()).cpuMs;
    const benchCpuFrom = process.cpuUsage();
    const done = source.publish({ phase: 'soak', rate: RATE, seconds });
    // The frames of the run's second half, when the store and the pages are past their start.
    // The first forced collection in the first half, which neither the memory trails (their
    // second half) nor the frames see; the last once the path has caught up.
    await sleep((seconds * 1000) / 4);
    await heaps.collected();
    await renderers.afterCollection();
    await sleep((seconds * 1000) / 4);
    await timeline.evaluate(FRAME_RECORDER);
    const sent = await done;
    const cpu = pages.map((page, k) => round(((chromiumCpuMs(page) - (cpuFrom[k] as number)) * 1000) / sent.sent));
    const hostCpu = round((((await host.memory()).cpuMs - hostCpuFrom) * 1000) / sent.sent);
    const benchCpuUs = process.cpuUsage(benchCpuFrom);
    const benchCpu = round(((benchCpuUs.user + benchCpuUs.system) / 1000) * (1000 / sent.sent));
    clearInterval(sampler);
    const frames = await timeline.evaluate<number[]>('(globalThis.__framesStop = true, globalThis.__frames)');

    // What the timeline holds at the end: its live list is bounded (a page heap still filling
    // towards that bound is not a leak).
    const timelineRows = await timeline.evaluate<number>(`Number((document.querySelector('[data-testid="loaded-count"]')?.textContent ?? '').split(' ')[0].replaceAll(',', ''))`);
    // Everything sent should be stored once the path has caught up.
    const { stored, catchUpS } = await storedWhenCaughtUp(host, sent.sent);
    // Caught up: nothing is in flight any more that the last collection would count as kept.
    await heaps.collected();
    await renderers.afterCollection();
    const { soak_js_live_heap_growth_mb_per_hour_store_host: storeHostLiveHeap, ...heapFigures } = heaps.figures();
    const heapGrowth = { ...heapFigures, ...renderers.collectedFigures() };
    const growth = trail.growth();
    const hostGrowth = growth.find((g) => g.pid === host.pid)?.mbPerHour ?? Number.NaN;
    const bench = growth.find((g) => g.pid === process.pid);
    const chromium = growth.filter((g) => /renderer|gpu|browser|utility|zygote/.test(g.name));
    const chromiumWorst = chromium.reduce((worst, g) => Math.max(worst, g.mbPerHour), Number.NEGATIVE_INFINITY);
    const worst = Math.max(hostGrowth, chromiumWorst);
    for (const g of growth) log(`soak: pid ${g.pid} (${g.name}) ${g.mbPerHour.toFixed(1)} MB/h`);
    log(`soak: JavaScript heap growth (MB/h): ${JSON.stringify(heapGrowth)}`);
    const hostFigures = { ...hostMemory.figures(), ...smaps.figures('soak_host_smaps') };
    for (const [key, f] of Object.entries(renderers.figures())) log(`soak: ${key}: ${f.perHour}/h, ${f.end} at the end`);
    log(`soak: the host's memory (MB/h, MB at the end): ${JSON.stringify(hostFigures)}`);
    log(`soak: the host's resident memory by mapping at the end (MB): ${MAPPING_KINDS.map((kind) => `${kind} ${hostFigures[`soak_host_smaps_${kind}_mb_end`]}`).join(', ')}; V8's heap ${hostFigures.soak_host_heap_total_mb_end}, external ${hostFigures.soak_host_external_mb_end}`);
    const lost = sent.sent - stored;
    log(`soak: sent ${sent.sent} (acknowledged ${sent.acked}), stored ${stored}; ${frames.length} frames measured`);
    return {
      soak_seconds: seconds,
      soak_broker_config: CONSOLE_BROKER_CONFIG.join('; '),
      soak_rate_events_per_s: RATE,
      soak_seeded_events: SEEDED_EVENTS,
      soak_seeding_s: round(seeded.seconds),
      soak_fresh_store_window_mb: round(seeded.windowMb),
      soak_rss_growth_mb_per_hour: round(worst),
      soak_rss_growth_mb_per_hour_host: round(hostGrowth),
      soak_rss_growth_mb_per_hour_chromium: round(chromiumWorst),
      soak_bench_rss_mb_end: round(bench?.mbEnd ?? Number.NaN),
      ...growthFigures(growth),
      soak_store_host_live_heap_growth_mb_per_hour: storeHostLiveHeap ?? Number.NaN,
      ...heapGrowth,
      ...hostFigures,
      soak_events_sent: sent.sent,
      soak_events_lost: lost,
      soak_catch_up_s: round(catchUpS),
      soak_timeline_rows_loaded: timelineRows,
      soak_ui_p95_frame_ms: round(percentile(frames, 95)),
      soak_timeline_chromium_cpu_ms_per_1000_events: cpu[0] ?? Number.NaN,
      soak_equipment_chromium_cpu_ms_per_1000_events: cpu[1] ?? Number.NaN,
      soak_host_cpu_ms_per_1000_events: hostCpu,
      soak_bench_cpu_ms_per_1000_events: benchCpu,
      soak_rss_goal_mb_per_hour: GOAL_MB_PER_HOUR,
      target_soak_rss_met: worst <= GOAL_MB_PER_HOUR,
      target_soak_lost_met: lost === 0,
    };
  }, () => [() => storeHostSession?.close(), ...pages.map((page) => () => page.close())]);
}
