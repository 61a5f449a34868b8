/**
 * `opcua_values_per_s`: monitored-item changes stored per second, sustained, from an
 * in-process node-opcua server through the console's OPC UA ingest, the bus and the on-disk
 * store of a browser-mode host; `opcua_raw_values_per_s`: node-opcua's client alone, counting
 * its change notifications for the same variables under the same offered load, in the same
 * run. The server (in a worker thread, opcuaServerWorker.ts) changes every variable on a
 * fixed period throughout; `opcua_server_values_per_s` is what it really set per second over
 * the runs (a loaded machine keeps it below the nominal `opcua_offered_values_per_s`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { AttributeIds, OPCUAClient, TimestampsToReturn } from 'node-opcua';
import { startWebHost, type WebHost } from '../../main/web/server';
import { median, perSecond, round } from './stats';
import type { Figures } from './section';

interface Options {
  readonly quick: boolean;
  readonly runs: number;
  readonly log: (line: string) => void;
}

const PUBLISHING_MS = 100;
const CHANGE_EVERY_MS = 50;

export async function benchOpcuaSource(options: Options): Promise<Figures> {
  const { quick, log } = options;
  const windowMs = quick ? 5_000 : 15_000;
  // Node 20 does not carry tsx's loader into workers: the worker loads its TypeScript through tsx's API (as audit.ts does).
  const entry = new URL('./opcuaServerWorker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(boot, { eval: true, workerData: { equipment: quick ? 50 : 100, readings: 20, changeEveryMs: CHANGE_EVERY_MS } });
  const [server] = (await once(worker, 'message')) as [{ endpointUrl: string; nodeIds: string[] }];
  const nodeIds = server.nodeIds;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-opcua-'));
  let host: WebHost | null = null;
  try {
    host = await startWebHost({ dataDir, core: { settingsFile: join(dataDir, 'settings.json'), healthEverySeconds: 0 } });
    const stored: number[] = [];
    const raw: number[] = [];
    let queueGrowth = 0;
    const serverBefore = await serverCount(worker);
    for (let run = 0; run < options.runs; run++) {
      const order = run % 2 === 0 ? (['raw', 'stored'] as const) : (['stored', 'raw'] as const);
      for (const which of order) {
        if (which === 'raw') raw.push(await rawRate(server.endpointUrl, nodeIds, windowMs));
        else {
          const measured = await storedRate(host, server.endpointUrl, nodeIds, windowMs);
          stored.push(measured.perSecond);
          queueGrowth = Math.max(queueGrowth, measured.queueGrowth);
        }
      }
      log(`opcua run ${run + 1}/${options.runs}: stored ${Math.round(stored[run] ?? 0)} values/s, node-opcua client alone ${Math.round(raw[run] ?? 0)} values/s`);
    }
    const serverAfter = await serverCount(worker);
    return {
      opcua_items: nodeIds.length,
      opcua_server_values_per_s: round(perSecond(serverAfter.made - serverBefore.made, serverAfter.at - serverBefore.at)),
      opcua_offered_values_per_s: round((nodeIds.length * 1000) / CHANGE_EVERY_MS),
      opcua_values_per_s: round(median(stored)),
      opcua_raw_values_per_s: round(median(raw)),
      opcua_vs_raw: round(median(stored.map((value, i) => value / (raw[i] as number)))),
      opcua_queue_growth_events: queueGrowth,
      target_opcua_met: median(stored) >= 10_000,
    };
  } finally {
    await host?.close();
    worker.postMessage('stop');
    await once(worker, 'message');
    await worker.terminate();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The values the server worker has set so far, and when it counted them (its own clock). */
async function serverCount(worker: Worker): Promise<{ made: number; at: number }> {
  worker.postMessage('count');
  const [count] = (await once(worker, 'message')) as [{ made: number; at: number }];
  return count;
}

/** node-opcua's client alone: change notifications counted over the window, after the first values. */
async function rawRate(endpointUrl: string, nodeIds: readonly string[], windowMs: number): Promise<number> {
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 1 } });
  await client.connect(endpointUrl);
  try {
    const session = await client.createSession();
    const subscription = await session.createSubscription2({ requestedPublishingInterval: PUBLISHING_MS, requestedLifetimeCount: 120, requestedMaxKeepAliveCount: 20, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 10 });
    let count = 0;
    const group = await subscription.monitorItems(
      nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
      { samplingInterval: 0, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    group.on('changed', () => count++);
    await sleep(1_000);
    const start = count;
    const started = performance.now();
    await sleep(windowMs);
    const rate = perSecond(count - start, performance.now() - started);
    await subscription.terminate();
    await session.close();
    return rate;
  } finally {
    await client.disconnect();
  }
}

/** The console's ingest into the on-disk store: events stored over the window, after a warm-up. */
async function storedRate(host: WebHost, endpointUrl: string, nodeIds: readonly string[], windowMs: number): Promise<{ perSecond: number; queueGrowth: number }> {
  const { core } = host;
  await core.opcua.configure({ endpointUrl, publishingIntervalMs: PUBLISHING_MS, samplingIntervalMs: 0, items: nodeIds.map((nodeId) => ({ nodeId })) });
  try {
    for (let waited = 0; core.opcua.metrics()?.state !== 'connected' || (core.opcua.metrics()?.received ?? 0) < nodeIds.length; waited += 100) {
      if (waited > 60_000) throw new Error('the OPC UA ingest did not connect and receive the first values within 60 s');
      await sleep(100);
    }
    await sleep(1_000);
    const before = { seq: await core.store.headSeq(), queued: core.opcua.metrics()?.queued ?? 0 };
    const started = performance.now();
    await sleep(windowMs);
    const after = { seq: await core.store.headSeq(), queued: core.opcua.metrics()?.queued ?? 0 };
    return { perSecond: perSecond(after.seq - before.seq, performance.now() - started), queueGrowth: after.queued - before.queued };
  } finally {
    await core.opcua.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
