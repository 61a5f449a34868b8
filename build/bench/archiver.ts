/**
 * The archiver's figure (`--only archiver`), on a nats-server and a PostgreSQL 15 server the
 * benchmark starts (Debian's packages, loopback, fsync on):
 * - archiver_events_per_s: a stream already holding N events (the plant mix) taken by the
 *   archiver, from its start until every event is committed in a fresh database, exactly once;
 * - archiver_raw_consume_events_per_s: the JetStream client alone pulling and acknowledging the
 *   same N messages through a durable consumer with the same pull size, nothing stored;
 * - archiver_store_append_events_per_s: the PostgreSQL store appending the same events in the
 *   appends of 1,000, one after another, nothing consumed (the archiver hands in 250 at a time,
 *   several at once, and the store commits those queued together).
 * Each run measures the three in an order that turns from run to run, each on a consumer and a
 * database of its own; the ratios are the medians of the per-run ratios.
 */
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Archiver } from '../../main/archiver/archiver';
import { ensureConsumer } from '../../main/plant/consume';
import { checkPlantSettings } from '../../main/plant/plantSettings';
import { useNodeSha256 } from '../../main/store/nodeHash';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { useSha256HexOfText } from '../../shared/audit/sha256';
import type { PlantEvent } from '../../shared/events/event';
import { NatsServer } from '../../test/support/natsServer';
import { PlantPublisher } from '../../test/support/plantPublisher';
import { PostgresServer } from '../../test/support/postgresServer';
import { median, perSecond, round } from './stats';
import { plantMixEvent } from './workload';
import type { Figures, SectionSettings } from './section';

const GOAL_EVENTS_PER_S = 20_000;
/** Appends of the store alone, as the archiver's transactions were before it handed in 250 at a time (the store joins them); pulls of 6,000 messages as the archiver's. */
const BATCH = 1_000;
const PULL = 6_000;

export type ArchiverBenchSettings = SectionSettings;

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function timeArchiver(nats: NatsServer, url: string, consumer: string, count: number): Promise<{ perS: number; redelivered: number }> {
  const store = await PostgresEventStore.open({ url });
  try {
    const plant = checkPlantSettings({ servers: [nats.url], station: consumer });
    const started = performance.now();
    const archiver = await Archiver.start({ plant, consumer, target: store, log: () => undefined });
    try {
      await until('the archiver to store the stream', () => archiver.status().stored >= count, 600_000);
      const ms = performance.now() - started;
      // Messages the server sent again (their ack wait ran out while they waited in the client) are counted, not stored twice.
      const rows = await store.headSeq();
      if (rows !== count) throw new Error(`the archive holds ${rows} events, not the stream's ${count}`);
      return { perS: perSecond(count, ms), redelivered: archiver.status().duplicates };
    } finally {
      await archiver.stop();
    }
  } finally {
    await store.close();
  }
}

async function timeRawConsume(nc: NatsConnection, durable: string, count: number): Promise<number> {
  await ensureConsumer(nc, 'PLANT', durable);
  const started = performance.now();
  const messages = await (await jetstream(nc).consumers.get('PLANT', durable)).consume({ max_messages: PULL, expires: 5_000 });
  let taken = 0;
  for await (const message of messages) {
    message.ack();
    if (++taken === count) break;
  }
  const ms = performance.now() - started;
  await messages.close();
  await nc.flush();
  return perSecond(count, ms);
}

async function timeStoreAppends(url: string, events: readonly PlantEvent[]): Promise<number> {
  const store = await PostgresEventStore.open({ url });
  try {
    const started = performance.now();
    for (let at = 0; at < events.length; at += BATCH) await store.append(events.slice(at, at + BATCH));
    return perSecond(events.length, performance.now() - started);
  } finally {
    await store.close();
  }
}

export async function measureArchiver(settings: ArchiverBenchSettings): Promise<Figures> {
  const count = settings.quick ? 20_000 : 100_000;
  const [pg, nats] = await Promise.all([PostgresServer.start(), NatsServer.start()]);
  let nc: NatsConnection | undefined;
  try {
    // The audit chain's SHA-256 as `npm run archiver` has it (node:crypto); the portable one again afterwards.
    useNodeSha256();
    const events = Array.from({ length: count }, (_, i) => plantMixEvent(i));
    const publisher = await PlantPublisher.connect(nats.url);
    try {
      await publisher.publish(events);
    } finally {
      await publisher.close();
    }
    settings.log(`archiver: ${count} events in the stream`);
    nc = await connect({ servers: nats.url });
    const archived: number[] = [];
    let redelivered = 0;
    const consumed: number[] = [];
    const appended: number[] = [];
    for (let run = 0; run < settings.runs; run++) {
      const steps = [
        async () => {
          const done = await timeArchiver(nats, pg.url(await pg.createDatabase('bench_archive')), `bench-archiver-${run}`, count);
          archived.push(done.perS);
          redelivered = Math.max(redelivered, done.redelivered);
        },
        async () => void consumed.push(await timeRawConsume(nc!, `bench-raw-${run}`, count)),
        async () => void appended.push(await timeStoreAppends(pg.url(await pg.createDatabase('bench_append')), events)),
      ];
      for (let i = 0; i < steps.length; i++) await steps[(i + run) % steps.length]!();
      settings.log(`archiver run ${run + 1}/${settings.runs}: archiver ${Math.round(archived[run]!)} events/s; JetStream consume alone ${Math.round(consumed[run]!)}/s; store appends of ${BATCH} alone ${Math.round(appended[run]!)}/s`);
    }
    const perS = median(archived);
    return {
      archiver_events: count,
      archiver_events_per_s: round(perS),
      archiver_redelivered_max: redelivered,
      archiver_raw_consume_events_per_s: round(median(consumed)),
      archiver_store_append_events_per_s: round(median(appended)),
      archiver_vs_raw_consume: round(median(archived.map((value, i) => value / consumed[i]!))),
      archiver_vs_store_append: round(median(archived.map((value, i) => value / appended[i]!))),
      target_archiver_met: perS >= GOAL_EVENTS_PER_S,
    };
  } finally {
    await nc?.close().catch(() => undefined);
    await Promise.all([pg.stop(), nats.stop()]);
    useSha256HexOfText();
  }
}
