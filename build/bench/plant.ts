/**
 * The plant link (issue 14), against a real nats-server with JetStream (Debian's):
 * - `plant_publish_events_per_s`: a station's events published, until the stream
 *   acknowledged every one (its outbox empty), next to `plant_raw_jetstream_publish_per_s`,
 *   the JetStream client alone publishing the same bodies with the same message ids and
 *   headers, the same connection options and as many in flight; their ratio beside them;
 * - `plant_fanout_p50_ms` / `_p99_ms`: published at station A at 1,000 events/s until stored
 *   and pushed (the bus's tap) at station B;
 * - `plant_catch_up_events_per_s`: a browser-mode host on its on-disk store (Chromium's
 *   IndexedDB, journal and all) taking a backlog already in the stream, timed from its link
 *   being switched on (the console's own start is logged, not timed), next to
 *   `plant_raw_jetstream_consume_per_s`, the client alone taking and acknowledging the same
 *   backlog through a durable consumer of its own, and their ratio.
 * Stations A and B are in-process cores on in-memory stores: the link is measured, not the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { checkPlantSettings } from '../../main/plant/plantSettings';
import { encodeEvent, STATION_HEADER } from '../../main/plant/wireEvent';
import { ensureRendererBuilt } from '../../main/platform/rendererBuild';
import { useNodeSha256 } from '../../main/store/nodeHash';
import { startWebHost } from '../../main/web/server';
import { createEvent } from '../../shared/events/create';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { NatsServer } from '../../test/support/natsServer';
import { cpuByProcess, cpuMsOf } from './profileSummary';
import { descendantsOf, readProcesses } from './rss';
import { median, round } from './stats';
import { telemetryInputs } from './workload';

const TYPE = 'bench.sample.recorded';
const IN_FLIGHT = 512;
/** The publish warm-up: each side publishes this many events this many times before any run is timed. */
const WARM_UP_EVENTS = 20_000;
const WARM_UP_ROUNDS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU ms so far: this process's main thread, all its threads, and the nats-server it started (from /proc). */
interface CpuNow {
  readonly main: number;
  readonly all: number;
  readonly nats: number;
}

function cpuNow(): CpuNow {
  const processes = readProcesses();
  const nats = descendantsOf(process.pid, processes).filter((pid) => /nats-server/.test(processes.get(pid)?.command ?? ''));
  return {
    main: cpuMsOf(`/proc/${process.pid}/task/${process.pid}/stat`),
    all: cpuMsOf(`/proc/${process.pid}/stat`),
    nats: nats.reduce((sum, pid) => sum + cpuMsOf(`/proc/${pid}/stat`), 0),
  };
}

/** What one publish run measured: its rate, and CPU ms per 1,000 events of each side while it was timed. */
interface PublishRun {
  readonly rate: number;
  readonly cpu: CpuNow;
}

function runOf(count: number, startedAt: number, cpuBefore: CpuNow): PublishRun {
  const rate = count / ((performance.now() - startedAt) / 1000);
  const after = cpuNow();
  const per1000 = (ms: number) => (ms * 1000) / count;
  return { rate, cpu: { main: per1000(after.main - cpuBefore.main), all: per1000(after.all - cpuBefore.all), nats: per1000(after.nats - cpuBefore.nats) } };
}

/** CPU per 1,000 events of a run: the publishing process's threads and nats-server. */
function cpuTotal(run: PublishRun): number {
  return run.cpu.all + run.cpu.nats;
}

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function station(name: string, url: string): Promise<PlantCore> {
  const core = await createPlantCore({ store: new InMemoryEventStore(), healthEverySeconds: 0, plant: checkPlantSettings({ servers: [url], station: name }) });
  await until(`station ${name} to connect`, () => core.plant?.status().state === 'connected', 15_000);
  return core;
}

async function freshStream(server: NatsServer): Promise<void> {
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete('PLANT').catch(() => false);
  await nc.close();
}

async function stationPublish(server: NatsServer, count: number): Promise<PublishRun> {
  await freshStream(server);
  const core = await station('bench-a', server.url);
  try {
    // The same events as the raw client's, made before the clock starts as its are (ids included).
    const inputs = telemetryInputs(count).map((input) => createEvent(TYPE, input.payload, { source: input.source }));
    const cpuBefore = cpuNow();
    const started = performance.now();
    for (let i = 0; i < inputs.length; i += 500) await core.bus.publishBatch(inputs.slice(i, i + 500));
    // Acknowledged: every event's publish answered by the stream, and nothing left waiting (a resend would count twice in `published`).
    await until('the outbox to empty', () => (core.plant?.status().published ?? 0) >= count && core.plant?.status().waiting === 0, 120_000);
    return runOf(count, started, cpuBefore);
  } finally {
    await core.close();
  }
}

async function rawPublish(server: NatsServer, count: number): Promise<PublishRun> {
  await freshStream(server);
  // The stream as the link makes it: let a station create it, then publish beside it.
  const core = await station('bench-raw', server.url);
  await core.close();
  const bodies = telemetryInputs(count).map((input) => createEvent(TYPE, input.payload, { source: input.source }));
  // The client as the station configures it (no async traces), and the same headers as its messages.
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  try {
    const js = jetstream(nc);
    const h = headers();
    h.set(STATION_HEADER, 'bench-raw');
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const event = bodies[next++]!;
        await js.publish(`plant.${TYPE}`, encodeEvent(event), { msgID: event.id, headers: h, expect: { streamName: 'PLANT' } });
      }
    };
    const cpuBefore = cpuNow();
    const started = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return runOf(count, started, cpuBefore);
  } finally {
    await nc.close();
  }
}

async function fanout(server: NatsServer, seconds: number): Promise<number[]> {
  await freshStream(server);
  const a = await station('bench-a', server.url);
  const b = await station('bench-b', server.url);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const untap = b.bus.onPublished((events) => {
    const now = performance.now();
    for (const event of events) {
      const sent = sentAt.get(event.id);
      if (sent !== undefined) latencies.push(now - sent);
    }
  });
  try {
    const total = seconds * 1000;
    const started = performance.now();
    const publishes: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      // 1,000 events/s, one at a time as operators and sources make them.
      const due = started + i;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const event = createEvent(TYPE, { n: i, equipmentId: 'press-1' }, { source: 'bench' });
      sentAt.set(event.id, performance.now());
      publishes.push(a.bus.publish(event));
    }
    await Promise.all(publishes);
    await until('station B to have every event', () => latencies.length >= total, 60_000);
    return latencies;
  } finally {
    untap();
    await a.close();
    await b.close();
  }
}

/**
 * The baseline of the catch-up: the JetStream client alone taking the same backlog through a
 * durable consumer of its own and acknowledging each message, storing nothing.
 */
async function rawConsume(server: NatsServer, count: number): Promise<{ rate: number; cpu: CpuNow }> {
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add('PLANT', { durable_name: 'bench-raw', ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 });
    const messages = await (await jetstream(nc).consumers.get('PLANT', 'bench-raw')).consume({ max_messages: 1_000 });
    const cpuBefore = cpuNow();
    const started = performance.now();
    let taken = 0;
    for await (const msg of messages) {
      msg.ack();
      if (++taken >= count) break;
    }
    const { rate, cpu } = runOf(count, started, cpuBefore);
    await messages.close();
    await jsm.consumers.delete('PLANT', 'bench-raw');
    return { rate, cpu };
  } finally {
    await nc.close();
  }
}

/** What a catch-up measured: the station's rate and CPU per 1,000 events (its host, nats-server, its store host's Chromium), and the raw client's. */
interface CatchUp {
  readonly station: number;
  readonly cpu: CpuNow;
  readonly storeHostCpu: number;
  readonly raw: PublishRun;
}

/** CPU ms so far of the store host's Chromium processes (its profile folder tells them from other Chromiums). */
function storeHostCpu(dataDir: string): number {
  let sum = 0;
  for (const [name, ms] of cpuByProcess(process.pid, join(dataDir, 'chromium-profile'))) if (name.startsWith('store host')) sum += ms;
  return sum;
}

async function catchUp(server: NatsServer, count: number, log: (line: string) => void): Promise<CatchUp> {
  await freshStream(server);
  const seeder = await station('bench-seed', server.url);
  await seeder.close();
  const nc = await connect({ servers: server.url });
  const js = jetstream(nc);
  const h = headers();
  h.set(STATION_HEADER, 'bench-seed');
  const inputs = telemetryInputs(count);
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < inputs.length) {
      const i = next++;
      const event = createEvent(TYPE, inputs[i]!.payload, { source: 'bench' });
      await js.publish(`plant.${TYPE}`, encodeEvent(event), { msgID: event.id, headers: h });
    }
  }));
  await nc.close();
  const raw = await rawConsume(server, count);
  log(`plant catch-up: ${count} events in the stream (the client alone takes them at ${Math.round(raw.rate)}/s); starting a browser-mode station on an on-disk store`);
  await ensureRendererBuilt(log);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-plant-'));
  // The console starts first (Chromium, its store host, the consumers' rebuild), then the link
  // is switched on as an operator would: the catch-up is timed from there, the start is not.
  const opening = performance.now();
  const host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
  log(`plant catch-up: the console started in ${Math.round(performance.now() - opening)} ms (not timed)`);
  try {
    const cpuBefore = cpuNow();
    const storeHostBefore = storeHostCpu(dataDir);
    const started = performance.now();
    await host.core.plantLink.configure({ servers: [server.url], station: 'bench-catch-up' });
    await until('the station to catch up', () => (host.core.plant?.status().received ?? 0) >= count && host.core.plant?.status().behind === 0, 600_000);
    const { rate, cpu } = runOf(count, started, cpuBefore);
    return { station: rate, cpu, storeHostCpu: ((storeHostCpu(dataDir) - storeHostBefore) * 1000) / count, raw };
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measurePlant(settings: { runs: number; quick: boolean; log: (line: string) => void }): Promise<Record<string, number | boolean>> {
  const { log } = settings;
  const server = await NatsServer.start();
  // The stations' stores hash with node:crypto, as every console's Node process does (main/web/server.ts, the desktop app);
  // with --only plant nothing had switched it on before the publish runs, which then timed the portable SHA-256 (the
  // catch-up's web host switched it on only after them). Left on, as a web host leaves it.
  useNodeSha256();
  try {
    const count = settings.quick ? 5_000 : 20_000;
    // Rounds of each first, not counted, until the code is compiled: the station's path (bus, store, consumers, outbox,
    // its echoes) costs its process 81, 50, then 32-38 ms of CPU per 1,000 events in its first, second and later rounds of
    // 20,000 (the raw client 36, then 24), so a short warm-up left the first runs timing the JIT, and the ratio swung with it.
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      await stationPublish(server, WARM_UP_EVENTS);
      await rawPublish(server, WARM_UP_EVENTS);
    }
    const station: PublishRun[] = [];
    const raw: PublishRun[] = [];
    const ratios: number[] = [];
    for (let run = 0; run < settings.runs; run++) {
      const order = run % 2 === 0 ? (['station', 'raw'] as const) : (['raw', 'station'] as const);
      const got: Partial<Record<'station' | 'raw', PublishRun>> = {};
      for (const which of order) got[which] = which === 'station' ? await stationPublish(server, count) : await rawPublish(server, count);
      const [s, r] = [got.station!, got.raw!];
      station.push(s);
      raw.push(r);
      ratios.push(s.rate / r.rate);
      const cpu = (c: CpuNow) => `CPU per 1,000: main thread ${c.main.toFixed(1)} ms, all threads ${c.all.toFixed(1)}, nats-server ${c.nats.toFixed(1)}`;
      log(`plant publish run ${run + 1}/${settings.runs}: station ${Math.round(s.rate)} events/s (${cpu(s.cpu)}), raw JetStream ${Math.round(r.rate)} events/s (${cpu(r.cpu)}), ratio ${(s.rate / r.rate).toFixed(3)}`);
    }
    const latencies = await fanout(server, settings.quick ? 3 : 10);
    latencies.sort((x, y) => x - y);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    log(`plant fan-out: ${latencies.length} events at 1,000/s, p50 ${at(50).toFixed(1)} ms, p99 ${at(99).toFixed(1)} ms`);
    const backlog = settings.quick ? 20_000 : 100_000;
    const caught = await catchUp(server, backlog, log);
    const catchUpRate = caught.station;
    log(
      `plant catch-up: ${backlog} events at ${Math.round(catchUpRate)} events/s (CPU per 1,000: host main thread ${caught.cpu.main.toFixed(1)} ms, all threads ${caught.cpu.all.toFixed(1)}, store host ${caught.storeHostCpu.toFixed(1)}, nats-server ${caught.cpu.nats.toFixed(1)}), the JetStream client alone ${Math.round(caught.raw.rate)}/s (all threads ${caught.raw.cpu.all.toFixed(1)}, nats-server ${caught.raw.cpu.nats.toFixed(1)})`,
    );
    return {
      plant_publish_events_per_s: round(median(station.map((r) => r.rate))),
      plant_raw_jetstream_publish_per_s: round(median(raw.map((r) => r.rate))),
      plant_publish_vs_raw: round(median(ratios)),
      plant_publish_vs_raw_lowest: round(Math.min(...ratios)),
      // The same comparison by CPU, which a loaded machine moves far less than the rates: the raw run's CPU per 1,000 events
      // (its process, all threads, and nats-server) over the station's, median over the runs.
      plant_publish_vs_raw_by_cpu: round(median(station.map((s, i) => cpuTotal(raw[i]!) / cpuTotal(s)))),
      // CPU per 1,000 events while each was timed (medians over the runs): the publishing process (its main thread, and all its threads) and nats-server.
      plant_publish_cpu_main_ms_per_1000: round(median(station.map((r) => r.cpu.main))),
      plant_publish_cpu_all_ms_per_1000: round(median(station.map((r) => r.cpu.all))),
      plant_publish_nats_cpu_ms_per_1000: round(median(station.map((r) => r.cpu.nats))),
      plant_raw_publish_cpu_main_ms_per_1000: round(median(raw.map((r) => r.cpu.main))),
      plant_raw_publish_cpu_all_ms_per_1000: round(median(raw.map((r) => r.cpu.all))),
      plant_raw_publish_nats_cpu_ms_per_1000: round(median(raw.map((r) => r.cpu.nats))),
      plant_fanout_p50_ms: round(at(50)),
      plant_fanout_p99_ms: round(at(99)),
      plant_catch_up_events: backlog,
      plant_catch_up_events_per_s: round(catchUpRate),
      plant_raw_jetstream_consume_per_s: round(caught.raw.rate),
      plant_catch_up_vs_raw_consume: round(catchUpRate / caught.raw.rate),
      // CPU per 1,000 events of the catch-up, which a loaded machine moves far less than its rate: the host (main thread, all
      // threads), its store host's Chromium processes and nats-server; beside them the raw client's process and nats-server.
      plant_catch_up_cpu_main_ms_per_1000: round(caught.cpu.main),
      plant_catch_up_cpu_all_ms_per_1000: round(caught.cpu.all),
      plant_catch_up_store_host_cpu_ms_per_1000: round(caught.storeHostCpu),
      plant_catch_up_nats_cpu_ms_per_1000: round(caught.cpu.nats),
      plant_raw_consume_cpu_all_ms_per_1000: round(caught.raw.cpu.all),
      plant_raw_consume_nats_cpu_ms_per_1000: round(caught.raw.cpu.nats),
      target_plant_publish_vs_raw_met: median(ratios) >= 0.7,
      target_plant_fanout_p99_met: at(99) <= 250,
      target_plant_catch_up_met: catchUpRate >= 20_000,
    };
  } finally {
    await server.stop();
  }
}
