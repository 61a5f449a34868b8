/**
 * The bridge's cost in browser mode: publishes through `window.plant` (page → WebSocket →
 * host → bus → store host) against the same workload published on the host's bus directly,
 * with the same store (one host, one store host, on an on-disk profile). Single publishes
 * are sequential and awaited one by one; batches are `publishBatch` of 1,000 events.
 *
 * The page is the bridge alone (renderer/bridge/wsBridge.ts, bundled), installed in a page
 * at the host's own origin so that the host lets its socket in: the console's UI, which
 * re-renders on every push of the events being published, would otherwise be measured along
 * with the bridge. Chromium is driven without Playwright here (plainPage.ts): Playwright's
 * network instrumentation copied every frame of the socket, the very traffic measured, out
 * to this process. Both paths are warmed up first, and each timed phase starts with the
 * host's own subscribers idle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRendererBuilt } from '../../main/platform/rendererBuild';
import { startWebHost, type WebHost } from '../../main/web/server';
import { CHROMIUM_MISSING, findChromium } from '../../test/support/chromium';
import { openBridgePage } from './bridgePage';
import { cpuMsOf } from './profileSummary';
import { descendantsOf, readProcesses } from './rss';
import { median, percentile, perSecond, round } from './stats';
import { telemetryInputs, type TelemetryInput } from './workload';
import { cleanUp, type SectionSettings } from './section';

export type BridgeBenchSettings = SectionSettings;

const BATCH_SIZE = 1_000;
/** Batches published on one path before the other path's turn. */
const ROUND_BATCHES = 10;
/** The target: the bridge costs at most 20% of throughput. */
const TARGET_RATIO = 0.8;

interface SingleRun {
  readonly perS: number;
  readonly p50: number;
  readonly p99: number;
}

function singleRun(count: number, ms: number, latencies: readonly number[]): SingleRun {
  return { perS: perSecond(count, ms), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** The page side of the benchmark: the bridge alone, at the host's origin (so the host lets its socket in). */
interface BridgePage {
  /** Hands the page what the next phase publishes (outside the phase: a large script to compile). */
  load(work: readonly TelemetryInput[] | readonly TelemetryInput[][]): Promise<void>;
  singles(): Promise<{ ms: number; latencies: number[] }>;
  /** Publishes the loaded batches `from` to `to` (not included), one awaited at a time; the ms it took. */
  batches(from: number, to: number): Promise<number>;
  close(): Promise<void>;
}

async function openPublishingPage(executablePath: string, host: WebHost): Promise<BridgePage> {
  const page = await openBridgePage(executablePath, host, 'bench-bridge');
  return {
    load: (work) => page.evaluate(`globalThis.__work = ${JSON.stringify(work)}; undefined`),
    singles: () =>
      page.evaluate(`(async (inputs) => {
        const latencies = [];
        const started = performance.now();
        for (const input of inputs) {
          const before = performance.now();
          await globalThis.plant.events.publish(input);
          latencies.push(performance.now() - before);
        }
        return { ms: performance.now() - started, latencies };
      })(globalThis.__work)`),
    batches: (from, to) =>
      page.evaluate(`(async (batches) => {
        const started = performance.now();
        for (const batch of batches) await globalThis.plant.events.publishBatch(batch);
        return performance.now() - started;
      })(globalThis.__work.slice(${from}, ${to}))`),
    close: () => page.close(),
  };
}

/**
 * CPU ms so far of every process of the benchmark (this host, the store host's Chromium, the
 * page's Chromium): a phase's CPU per event is a figure a loaded machine bends far less than
 * its rate, which waits on two cores shared with everything else.
 */
function cpuMsAll(): number {
  return [process.pid, ...descendantsOf(process.pid, readProcesses())].reduce((sum, pid) => sum + cpuMsOf(`/proc/${pid}/stat`), 0);
}

/** Runs `phase` and adds its CPU ms per 1,000 events to `into`. */
async function withCpu<T>(events: number, into: number[], phase: () => Promise<T>): Promise<T> {
  const before = cpuMsAll();
  const result = await phase();
  into.push(((cpuMsAll() - before) * 1000) / events);
  return result;
}

/** The singles loaded into the page, published; `count` of them. */
async function bridgeSingle(page: BridgePage, count: number): Promise<SingleRun> {
  const { ms, latencies } = await page.singles();
  return singleRun(count, ms, latencies);
}

async function directSingle(host: WebHost, inputs: readonly TelemetryInput[]): Promise<SingleRun> {
  const latencies: number[] = [];
  const started = performance.now();
  for (const input of inputs) {
    const before = performance.now();
    await host.core.bus.publish(input);
    latencies.push(performance.now() - before);
  }
  return singleRun(inputs.length, performance.now() - started, latencies);
}

/** The ms it took to publish `batches` on the host's bus, one awaited at a time. */
async function directBatched(host: WebHost, batches: readonly TelemetryInput[][]): Promise<number> {
  const started = performance.now();
  for (const batch of batches) await host.core.bus.publishBatch(batch);
  return performance.now() - started;
}

export async function measureBridge(settings: BridgeBenchSettings): Promise<Record<string, number | boolean | null>> {
  const { log } = settings;
  const singles = settings.quick ? 300 : 2_000;
  // Per path and run. Ten (about 0.3 s) could not resolve the bridge's 5-6 ms per batch on a
  // loaded machine; the batches go in rounds of ROUND_BATCHES, bridge and direct alternating
  // within the run, so that both paths see the same moments of the machine, and the ratio is
  // the median over every round of every run (the same batches on both paths).
  const batchCount = settings.quick ? 40 : 100;
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_MISSING);
  await ensureRendererBuilt(log);
  const dataDir = mkdtempSync(join(tmpdir(), 'plant-bench-bridge-'));
  let host: WebHost | undefined;
  let page: BridgePage | undefined;
  try {
    host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    page = await openPublishingPage(executablePath, host);

    const inputs = telemetryInputs(singles);
    const batches = Array.from({ length: batchCount }, (_, b) => telemetryInputs(BATCH_SIZE).map((input) => ({ ...input, payload: { ...input.payload, batch: b } })));
    // Warm both paths up (single and batched) before anything is timed.
    const warmBatch = [telemetryInputs(BATCH_SIZE).map((input) => ({ ...input, payload: { ...input.payload, batch: -1 } }))];
    await page.load(inputs.slice(0, 50));
    await bridgeSingle(page, 50);
    await directSingle(host, inputs.slice(0, 50));
    await page.load(warmBatch);
    await page.batches(0, 1);
    await directBatched(host, warmBatch.map((batch) => batch.map((input) => ({ ...input, payload: { ...input.payload, batch: -2 } }))));
    // Each timed phase starts with the host idle: the console's own subscribers (projector,
    // alarms, aggregates) have caught up with what the phase before published.
    const idle = () => (host as WebHost).core.bus.drain();

    const bridge: SingleRun[] = [];
    const direct: SingleRun[] = [];
    const bridgeBatch: number[] = [];
    const directBatch: number[] = [];
    /** Per round: direct ms over bridge ms for the same batches, which is bridge rate over direct rate. */
    const roundRatios: number[] = [];
    const cpu = { bridgeSingle: [] as number[], directSingle: [] as number[], bridgeBatch: [] as number[], directBatch: [] as number[] };
    const batchEvents = batchCount * BATCH_SIZE;
    for (let run = 0; run < settings.runs; run++) {
      const bridgeFirst = run % 2 === 0;
      for (const which of bridgeFirst ? ['bridge', 'direct'] : ['direct', 'bridge']) {
        await idle();
        if (which === 'bridge') {
          await page.load(inputs);
          bridge.push(await withCpu(singles, cpu.bridgeSingle, () => bridgeSingle(page as BridgePage, singles)));
        } else direct.push(await withCpu(singles, cpu.directSingle, () => directSingle(host as WebHost, inputs)));
      }
      await page.load(batches);
      const ms = { bridge: 0, direct: 0 };
      const cpuMs = { bridge: 0, direct: 0 };
      for (let from = 0; from < batchCount; from += ROUND_BATCHES) {
        const to = Math.min(from + ROUND_BATCHES, batchCount);
        const lap = { bridge: 0, direct: 0 };
        const roundBridgeFirst = (from / ROUND_BATCHES) % 2 === (bridgeFirst ? 0 : 1);
        for (const which of roundBridgeFirst ? (['bridge', 'direct'] as const) : (['direct', 'bridge'] as const)) {
          await idle();
          const before = cpuMsAll();
          lap[which] = which === 'bridge' ? await (page as BridgePage).batches(from, to) : await directBatched(host as WebHost, batches.slice(from, to));
          cpuMs[which] += cpuMsAll() - before;
          ms[which] += lap[which];
        }
        roundRatios.push(lap.direct / lap.bridge);
      }
      bridgeBatch.push(perSecond(batchEvents, ms.bridge));
      directBatch.push(perSecond(batchEvents, ms.direct));
      cpu.bridgeBatch.push((cpuMs.bridge * 1000) / batchEvents);
      cpu.directBatch.push((cpuMs.direct * 1000) / batchEvents);
      const last = <T>(list: readonly T[]) => list[list.length - 1] as T;
      log(
        `bridge run ${run + 1}/${settings.runs}: single ${Math.round(last(bridge).perS)}/s (p50 ${last(bridge).p50.toFixed(2)} ms) vs direct ${Math.round(last(direct).perS)}/s; ` +
          `batched ${Math.round(last(bridgeBatch))} vs ${Math.round(last(directBatch))} events/s`,
      );
    }
    const singleRatio = round(median(bridge.map((b, i) => b.perS / (direct[i] as SingleRun).perS)));
    const batchedRatio = round(median(roundRatios));
    return {
      bridge_single_publishes: singles,
      bridge_batch_size: BATCH_SIZE,
      bridge_batches: batchCount,
      bridge_publish_single_per_s: round(median(bridge.map((r) => r.perS))),
      bridge_publish_p50_ms: round(median(bridge.map((r) => r.p50))),
      bridge_publish_p99_ms: round(median(bridge.map((r) => r.p99))),
      bridge_publish_batched_events_per_s: round(median(bridgeBatch)),
      direct_publish_single_per_s: round(median(direct.map((r) => r.perS))),
      direct_publish_p50_ms: round(median(direct.map((r) => r.p50))),
      direct_publish_p99_ms: round(median(direct.map((r) => r.p99))),
      direct_publish_batched_events_per_s: round(median(directBatch)),
      bridge_cpu_ms_per_1000_single: round(median(cpu.bridgeSingle)),
      direct_cpu_ms_per_1000_single: round(median(cpu.directSingle)),
      bridge_cpu_ms_per_1000_batched: round(median(cpu.bridgeBatch)),
      direct_cpu_ms_per_1000_batched: round(median(cpu.directBatch)),
      // Direct over bridge, like the rate ratios: 1 when the bridge costs nothing.
      bridge_vs_direct_single_cpu: round(median(cpu.directSingle) / median(cpu.bridgeSingle)),
      bridge_vs_direct_batched_cpu: round(median(cpu.directBatch) / median(cpu.bridgeBatch)),
      bridge_vs_direct_single: singleRatio,
      bridge_vs_direct_batched: batchedRatio,
      target_bridge_single_met: singleRatio >= TARGET_RATIO,
      target_bridge_batched_met: batchedRatio >= TARGET_RATIO,
    };
  } finally {
    await cleanUp(log, 'bridge', [() => page?.close(), () => host?.close(), () => rmSync(dataDir, { recursive: true, force: true })]);
  }
}
