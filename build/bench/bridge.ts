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
import { median, percentile, perSecond, round } from './stats';
import { telemetryInputs, type TelemetryInput } from './workload';
import { cleanUp, type SectionSettings } from './section';

export type BridgeBenchSettings = SectionSettings;

const BATCH_SIZE = 1_000;
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
  singles(inputs: readonly TelemetryInput[]): Promise<{ ms: number; latencies: number[] }>;
  batches(batches: readonly TelemetryInput[][]): Promise<number>;
  close(): Promise<void>;
}

async function openPublishingPage(executablePath: string, host: WebHost): Promise<BridgePage> {
  const page = await openBridgePage(executablePath, host, 'bench-bridge');
  return {
    singles: (inputs) =>
      page.evaluate(`(async (inputs) => {
        const latencies = [];
        const started = performance.now();
        for (const input of inputs) {
          const before = performance.now();
          await globalThis.plant.events.publish(input);
          latencies.push(performance.now() - before);
        }
        return { ms: performance.now() - started, latencies };
      })(${JSON.stringify(inputs)})`),
    batches: (batches) =>
      page.evaluate(`(async (batches) => {
        const started = performance.now();
        for (const batch of batches) await globalThis.plant.events.publishBatch(batch);
        return performance.now() - started;
      })(${JSON.stringify(batches)})`),
    close: () => page.close(),
  };
}

async function bridgeSingle(page: BridgePage, inputs: readonly TelemetryInput[]): Promise<SingleRun> {
  const { ms, latencies } = await page.singles(inputs);
  return singleRun(inputs.length, ms, latencies);
}

async function bridgeBatched(page: BridgePage, batches: readonly TelemetryInput[][]): Promise<number> {
  return perSecond(batches.length * BATCH_SIZE, await page.batches(batches));
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

async function directBatched(host: WebHost, batches: readonly TelemetryInput[][]): Promise<number> {
  const started = performance.now();
  for (const batch of batches) await host.core.bus.publishBatch(batch);
  return perSecond(batches.length * BATCH_SIZE, performance.now() - started);
}

export async function measureBridge(settings: BridgeBenchSettings): Promise<Record<string, number | boolean | null>> {
  const { log } = settings;
  const singles = settings.quick ? 300 : 2_000;
  const batchCount = settings.quick ? 3 : 10;
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
    await bridgeSingle(page, inputs.slice(0, 50));
    await directSingle(host, inputs.slice(0, 50));
    await bridgeBatched(page, warmBatch);
    await directBatched(host, warmBatch.map((batch) => batch.map((input) => ({ ...input, payload: { ...input.payload, batch: -2 } }))));
    // Each timed phase starts with the host idle: the console's own subscribers (projector,
    // alarms, aggregates) have caught up with what the phase before published.
    const idle = () => (host as WebHost).core.bus.drain();

    const bridge: SingleRun[] = [];
    const direct: SingleRun[] = [];
    const bridgeBatch: number[] = [];
    const directBatch: number[] = [];
    for (let run = 0; run < settings.runs; run++) {
      const bridgeFirst = run % 2 === 0;
      for (const which of bridgeFirst ? ['bridge', 'direct'] : ['direct', 'bridge']) {
        await idle();
        if (which === 'bridge') bridge.push(await bridgeSingle(page, inputs));
        else direct.push(await directSingle(host, inputs));
      }
      for (const which of bridgeFirst ? ['bridge', 'direct'] : ['direct', 'bridge']) {
        await idle();
        if (which === 'bridge') bridgeBatch.push(await bridgeBatched(page, batches));
        else directBatch.push(await directBatched(host, batches));
      }
      const last = <T>(list: readonly T[]) => list[list.length - 1] as T;
      log(
        `bridge run ${run + 1}/${settings.runs}: single ${Math.round(last(bridge).perS)}/s (p50 ${last(bridge).p50.toFixed(2)} ms) vs direct ${Math.round(last(direct).perS)}/s; ` +
          `batched ${Math.round(last(bridgeBatch))} vs ${Math.round(last(directBatch))} events/s`,
      );
    }
    const singleRatio = round(median(bridge.map((b, i) => b.perS / (direct[i] as SingleRun).perS)));
    const batchedRatio = round(median(bridgeBatch.map((b, i) => b / (directBatch[i] as number))));
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
      bridge_vs_direct_single: singleRatio,
      bridge_vs_direct_batched: batchedRatio,
      target_bridge_single_met: singleRatio >= TARGET_RATIO,
      target_bridge_batched_met: batchedRatio >= TARGET_RATIO,
    };
  } finally {
    await cleanUp(log, 'bridge', [() => page?.close(), () => host?.close(), () => rmSync(dataDir, { recursive: true, force: true })]);
  }
}
