/**
 * The bridge's cost in browser mode: publishes through `window.plant` (page → WebSocket →
 * host → bus → store host) against the same workload published on the host's bus directly,
 * with the same store (one host, one store host, on an on-disk profile). Single publishes
 * are sequential and awaited one by one; batches are `publishBatch` of 1,000 events.
 *
 * The page is the bridge alone (renderer/bridge/wsBridge.ts, bundled), served at the host's
 * own origin by Playwright's routing so that the host lets its socket in: the console's UI,
 * which re-renders on every push of the events being published, would otherwise be measured
 * along with the bridge.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { ensureRendererBuilt } from '../../main/web/rendererBuild';
import { startWebHost, type WebHost } from '../../main/web/server';
import { bundleForBrowser } from '../../test/support/browserPage';
import { CHROMIUM_ARGS, CHROMIUM_MISSING, findChromium } from '../../test/support/chromium';
import { median, percentile, perSecond, round } from './stats';
import { telemetryInputs, type TelemetryInput } from './workload';

export interface BridgeBenchSettings {
  readonly runs: number;
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

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

const WS_BRIDGE = fileURLToPath(new URL('../../renderer/bridge/wsBridge.ts', import.meta.url));

async function openBridgePage(browser: Browser, host: WebHost): Promise<Page> {
  const script = await bundleForBrowser(`import { installWsBridge } from ${JSON.stringify(WS_BRIDGE)};\ninstallWsBridge();\n`, tmpdir(), 'the bridge');
  const page = await browser.newPage();
  const url = `http://127.0.0.1:${host.port}/bench-bridge.html?token=${host.token}`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>bridge</title><script type="module">${script}</script>` }));
  await page.goto(url);
  await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<PagePlant>).plant));
  return page;
}

type PagePlant = { plant: { events: { publish(input: unknown): Promise<unknown>; publishBatch(inputs: unknown[]): Promise<unknown[]> } } };

async function bridgeSingle(page: Page, inputs: readonly TelemetryInput[]): Promise<SingleRun> {
  const { ms, latencies } = await page.evaluate(async (inputs) => {
    const { plant } = globalThis as unknown as PagePlant;
    const latencies: number[] = [];
    const started = performance.now();
    for (const input of inputs) {
      const before = performance.now();
      await plant.events.publish(input);
      latencies.push(performance.now() - before);
    }
    return { ms: performance.now() - started, latencies };
  }, inputs as unknown[]);
  return singleRun(inputs.length, ms, latencies);
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

async function bridgeBatched(page: Page, batches: readonly TelemetryInput[][]): Promise<number> {
  const ms = await page.evaluate(async (batches) => {
    const { plant } = globalThis as unknown as PagePlant;
    const started = performance.now();
    for (const batch of batches) await plant.events.publishBatch(batch);
    return performance.now() - started;
  }, batches as unknown[][]);
  return perSecond(batches.length * BATCH_SIZE, ms);
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
  // A routed page has no network address of its own, so Chromium's local-network checks
  // would keep it from the loopback host; the real console page, served by the host, needs no such flag.
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'] });
  try {
    host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    const page = await openBridgePage(browser, host);

    const inputs = telemetryInputs(singles);
    const batches = Array.from({ length: batchCount }, (_, b) => telemetryInputs(BATCH_SIZE).map((input) => ({ ...input, payload: { ...input.payload, batch: b } })));
    await bridgeSingle(page, inputs.slice(0, 50));
    await directSingle(host, inputs.slice(0, 50));

    const bridge: SingleRun[] = [];
    const direct: SingleRun[] = [];
    const bridgeBatch: number[] = [];
    const directBatch: number[] = [];
    for (let run = 0; run < settings.runs; run++) {
      const bridgeFirst = run % 2 === 0;
      for (const which of bridgeFirst ? ['bridge', 'direct'] : ['direct', 'bridge']) {
        if (which === 'bridge') bridge.push(await bridgeSingle(page, inputs));
        else direct.push(await directSingle(host, inputs));
      }
      for (const which of bridgeFirst ? ['bridge', 'direct'] : ['direct', 'bridge']) {
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
    await browser.close();
    await host?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
