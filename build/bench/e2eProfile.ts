/**
 * Where the time per event goes on the product path (issue 17 §4):
 *
 *   node --max-semi-space-size=32 --import tsx build/bench/e2eProfile.ts [--rate 2000] [--seconds 20] [--out folder] [--cpu-only]
 *
 * The host runs in this process, so Node's flags here are the host's: give it the young
 * generation the product's host starts with (main/platform/hostHeap.ts, HOST_V8_FLAGS).
 * Runs the e2e section's setup (real Mosquitto, browser-mode host with its on-disk store
 * host, every default consumer, a page subscribed to every event), publishes at one fixed
 * rate, and meanwhile records:
 * - the CPU time of every process on the path (/proc), as ms per 1,000 events;
 * - a CPU profile of the host (this process, through `node:inspector`) and of the store-host
 *   page (the DevTools protocol), summarised as self time per function and per file, again
 *   per 1,000 events. The profiles themselves are written to `--out` for DevTools.
 * A profiling tool, not a benchmark figure: profilers slow what they watch (sampling every
 * 200 µs costs each profiled thread some CPU), so `--cpu-only` leaves them off and reports
 * the CPU per process alone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { STORE_HOST_CHROMIUM_ARGS } from '../../main/platform/chromium';
import { ensureRendererBuilt } from '../../main/platform/rendererBuild';
import { startWebHost } from '../../main/web/server';
import { boundHostHeapGrowth } from '../../main/platform/hostHeap';
import { CHROMIUM_MISSING, findChromium } from '../../test/support/chromium';
import { MosquittoBroker } from '../../test/support/mosquitto';
import { openBridgePage } from './bridgePage';
import { pageHas, received, RECORDER } from './e2e';
import { connectConsole, CONSOLE_BROKER_CONFIG, MqttSource } from './mqttSource';
import { connectDevTools, type CpuProfile } from './profileDevTools';
import { cpuByProcess, summarise } from './profileSummary';

/** Counts the store calls the bus makes from now on that each cost the store host a transaction whatever their size. */
function countWrites(store: object): Record<'appendStaged' | 'updateStatuses' | 'putDeliveries', { calls: number; items: number }> {
  const counts = { appendStaged: { calls: 0, items: 0 }, updateStatuses: { calls: 0, items: 0 }, putDeliveries: { calls: 0, items: 0 } };
  const methods = store as Record<string, ((items: readonly unknown[], ...rest: unknown[]) => Promise<unknown>) | undefined>;
  for (const name of Object.keys(counts) as (keyof typeof counts)[]) {
    const original = methods[name];
    if (!original) throw new Error(`the host's store has no ${name} to count`);
    methods[name] = (items, ...rest) => {
      counts[name].calls++;
      counts[name].items += items.length;
      return original.call(store, items, ...rest);
    };
  }
  return counts;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '2000' }, seconds: { type: 'string', default: '20' }, out: { type: 'string' }, 'cpu-only': { type: 'boolean', default: false } } });
  const profiling = !values['cpu-only'];
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  if (!(rate > 0) || !(seconds > 0)) throw new Error('--rate and --seconds: positive numbers');
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'plant-profile-'));
  mkdirSync(out, { recursive: true });
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_MISSING);
  await ensureRendererBuilt(log);
  // The store host's Chromium opens a DevTools port for this run only (it names it in its profile).
  (STORE_HOST_CHROMIUM_ARGS as unknown as string[]).push('--remote-debugging-port=0');

  const broker = await MosquittoBroker.start({ config: CONSOLE_BROKER_CONFIG });
  const dataDir = mkdtempSync(join(tmpdir(), 'plant-profile-data-'));
  // The host runs in this process: bound its heap's growth as the product's host does (cli.ts, Electron's main).
  boundHostHeapGrowth();
  const host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
  const page = await openBridgePage(executablePath, host, 'profile-e2e');
  const session = new Session();
  const devTools = await connectDevTools(join(dataDir, 'chromium-profile'));
  const publisher = await MqttSource.start(broker.url);
  try {
    await page.evaluate(RECORDER);
    await connectConsole(host, broker.url);
    const warm = await publisher.publish({ phase: 'warm', rate: 1_000, seconds: 3 });
    if (!(await pageHas(page, 'warm', warm.acked, 30_000))) throw new Error('the page did not receive the warm-up events');
    await host.core.bus.drain();

    if (profiling) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      await devTools.start();
    }
    const writes = countWrites(host.core.store);
    const storeProfile = join(dataDir, 'chromium-profile');
    const before = cpuByProcess(process.pid, storeProfile);
    const started = performance.now();
    const done = await publisher.publish({ phase: 'profiled', rate, seconds });
    const caughtUp = await pageHas(page, 'profiled', done.acked, 60_000);
    await host.core.bus.drain();
    const wallMs = performance.now() - started;
    const after = cpuByProcess(process.pid, storeProfile);
    const hostProfile = profiling ? ((await session.post('Profiler.stop')).profile as CpuProfile) : null;
    const storeHostProfile = profiling ? await devTools.stop() : null;

    const events = done.acked;
    if (hostProfile) writeFileSync(join(out, 'host.cpuprofile'), JSON.stringify(hostProfile));
    if (storeHostProfile) writeFileSync(join(out, 'store-host.cpuprofile'), JSON.stringify(storeHostProfile));
    const lines = [
      `# e2e ${profiling ? 'profile' : 'CPU'}: ${rate}/s for ${seconds} s, ${events} events acknowledged by the broker, ${await received(page, 'profiled')} on the page${caughtUp ? '' : ' (the page did NOT catch up within 60 s)'}; ${(wallMs / 1000).toFixed(1)} s until drained`,
      '',
      ...Object.entries(writes).map(([name, { calls, items }]) => `- ${name}: ${calls} calls, ${(items / Math.max(1, calls)).toFixed(1)} items each on average`),
      '',
      '## CPU per process (ms per 1,000 events)',
      ...[...after.entries()].map(([name, ms]) => `- ${name}: ${(((ms - (before.get(name) ?? 0)) * 1000) / events).toFixed(1)}`),
      ...(hostProfile ? ['', '## host (Node main thread), self time', ...summarise(hostProfile, events)] : []),
      ...(storeHostProfile ? ['', '## store host page (renderer main thread), self time', ...summarise(storeHostProfile, events)] : []),
    ];
    writeFileSync(join(out, 'summary.md'), `${lines.join('\n')}\n`);
    process.stdout.write(`${lines.join('\n')}\n\n(profiles in ${out})\n`);
  } finally {
    if (profiling) session.disconnect();
    devTools.close();
    await publisher.close();
    await page.close();
    await host.close();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
