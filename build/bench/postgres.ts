/**
 * The PostgreSQL store's figures (`--only pg`), on a PostgreSQL 15 server the benchmark
 * starts on a temporary folder (Debian's package, fsync on, loopback):
 * - pg_append_events_per_s: PostgresEventStore appends of BATCH events, one after another,
 *   against pg_raw_insert_events_per_s: the very rows the store wrote (seq, hash and JSON
 *   made beforehand), each batch one `INSERT … SELECT FROM unnest(…)` transaction into the
 *   same table with the same indexes. Alternating order, a fresh database each.
 * - pg_seed_grouped_events_per_s: the store with 16 appends outstanding (group commit).
 * - pg_replay_events_per_s: a replay of every event, against a raw keyset read of the rows.
 * - pg_query_<kind>_p95_ms: the Dexie store's query kinds (storeQueries.ts) over 1,000,000
 *   stored events (100,000 with --quick); free text through the blocks' keys (pgTextBlocks.ts), and once with a
 *   full-text index for comparison.
 */
import pg from 'pg';
import { useSha256HexOfText } from '../../shared/audit/sha256';
import type { StoredEvent } from '../../shared/events/event';
import { useNodeSha256 } from '../../main/store/nodeHash';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { eventColumns, INSERT_EVENTS } from '../../main/store/postgres/pgWriter';
import { PostgresServer } from '../../test/support/postgresServer';
import { median, percentile, perSecond, round } from './stats';
import { benchQueries } from './storeQueries';
import { plantMixEvent } from './workload';
import type { Figures, SectionSettings } from './section';

const BATCH = 500;
const SEED_IN_FLIGHT = 16;

export type PgBenchSettings = SectionSettings;

async function timeStoreAppends(url: string, events: number, offset: number): Promise<{ perS: number; stored: StoredEvent[] }> {
  const store = await PostgresEventStore.open({ url });
  const stored: StoredEvent[] = [];
  try {
    const started = performance.now();
    for (let at = 0; at < events; at += BATCH) {
      stored.push(...(await store.append(Array.from({ length: Math.min(BATCH, events - at) }, (_, i) => plantMixEvent(offset + at + i)))));
    }
    return { perS: perSecond(events, performance.now() - started), stored };
  } finally {
    await store.close();
  }
}

async function timeRawInserts(url: string, rows: readonly StoredEvent[]): Promise<number> {
  await (await PostgresEventStore.open({ url })).close();
  const batches: unknown[][] = [];
  for (let at = 0; at < rows.length; at += BATCH) batches.push(eventColumns(rows.slice(at, at + BATCH)));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    for (const columns of batches) {
      await client.query('BEGIN');
      await client.query(INSERT_EVENTS, columns);
      await client.query('COMMIT');
    }
    return perSecond(rows.length, performance.now() - started);
  } finally {
    await client.end();
  }
}

async function appendFigures(server: PostgresServer, settings: PgBenchSettings, events: number): Promise<Figures> {
  const store: number[] = [];
  const raw: number[] = [];
  let previous: StoredEvent[] = [];
  for (let run = 0; run < settings.runs; run++) {
    // The raw baseline inserts rows the store wrote. In odd runs it goes first, with the rows of the run before (the
    // same kind of events), so that neither side is always measured on the warmer server. Each writes into a new database.
    let rawPerS = 0;
    if (run % 2 === 1) rawPerS = await timeRawInserts(server.url(await server.createDatabase('bench_raw')), previous);
    const appended = await timeStoreAppends(server.url(await server.createDatabase('bench_store')), events, run * events);
    if (run % 2 === 0) rawPerS = await timeRawInserts(server.url(await server.createDatabase('bench_raw')), appended.stored);
    previous = appended.stored;
    store.push(appended.perS);
    raw.push(rawPerS);
    settings.log(`pg append run ${run + 1}/${settings.runs}: store ${Math.round(appended.perS)} events/s, raw INSERT … unnest ${Math.round(rawPerS)} events/s (${BATCH} per transaction)`);
  }
  return {
    pg_append_events: events,
    pg_events_per_transaction: BATCH,
    pg_append_events_per_s: round(median(store)),
    pg_raw_insert_events_per_s: round(median(raw)),
    pg_append_vs_raw: round(median(store.map((value, i) => value / raw[i]!))),
  };
}

async function seed(store: PostgresEventStore, events: number, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < events) {
      const from = next;
      next = Math.min(events, next + BATCH);
      await store.append(Array.from({ length: next - from }, (_, i) => plantMixEvent(from + i)));
      if (Math.floor(next / 100_000) > Math.floor(from / 100_000)) log(`  … ${next} events`);
    }
  };
  await Promise.all(Array.from({ length: SEED_IN_FLIGHT }, worker));
  return perSecond(events, performance.now() - started);
}

async function rawReplayPerS(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    let after = 0;
    let read = 0;
    for (;;) {
      const { rows } = await client.query<{ seq: string; body: string }>('SELECT seq, body FROM plant_events WHERE seq > $1 ORDER BY seq LIMIT 1000', [after]);
      if (rows.length === 0) break;
      for (const row of rows) JSON.parse(row.body);
      read += rows.length;
      after = Number(rows[rows.length - 1]!.seq);
    }
    return perSecond(read, performance.now() - started);
  } finally {
    await client.end();
  }
}

async function timeQueries(run: (i: number) => Promise<number>, count: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const found = await run(i);
    ms.push(performance.now() - started);
    if (found === 0) throw new Error(`query ${i} found nothing: the benchmark's queries do not fit its history`);
  }
  return ms;
}

async function historyFigures(server: PostgresServer, settings: PgBenchSettings, events: number): Promise<Figures> {
  const database = await server.createDatabase('bench_history');
  const url = server.url(database);
  const store = await PostgresEventStore.open({ url });
  const figures: Figures = { pg_query_store_events: events };
  try {
    settings.log(`pg history: appending ${events} events (${SEED_IN_FLIGHT} appends of ${BATCH} outstanding, group commit)`);
    figures.pg_seed_grouped_events_per_s = round(await seed(store, events, settings.log));
    await server.sql('VACUUM ANALYZE', database);
    const sizes = await server.sql('SELECT pg_database_size(current_database()) AS bytes', database);
    figures.pg_disk_bytes_per_event = round(Number(sizes.rows[0].bytes) / events);

    const replays: number[] = [];
    const raws: number[] = [];
    for (let run = 0; run < Math.min(settings.runs, 2); run++) {
      const started = performance.now();
      const done = await store.replay({ reducer: (n: number) => n + 1, initial: 0 });
      replays.push(perSecond(done.folded, performance.now() - started));
      raws.push(await rawReplayPerS(url));
      settings.log(`  replay: ${Math.round(replays[run]!)} events/s; raw keyset read and parse ${Math.round(raws[run]!)} events/s`);
    }
    figures.pg_replay_events_per_s = round(median(replays));
    figures.pg_replay_raw_select_events_per_s = round(median(raws));
    figures.pg_replay_vs_raw_select = round(median(replays.map((value, i) => value / raws[i]!)));

    for (const [kind, queries] of Object.entries(benchQueries(events))) {
      const ms = await timeQueries(async (i) => (await store.query(queries[i]!)).events.length, queries.length);
      figures[`pg_query_${kind}_p95_ms`] = round(percentile(ms, 95));
      figures[`pg_query_${kind}_p50_ms`] = round(median(ms));
      settings.log(`  ${kind}: p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms over ${ms.length} queries`);
    }
    figures.pg_query_text_index = 'text_blocks';
    figures.pg_query_text_fts_p95_ms = round(await fullTextP95(server, database, benchQueries(events).text!.map((q) => q.text!), settings.log));
  } finally {
    await store.close();
  }
  return figures;
}

/**
 * The same free-text queries answered by a full-text index instead (the other choice the
 * issue names), for comparison only: it matches whole words, not the substring the store's
 * contract asks for (`code-1` inside `code-17`), so it could not replace pg_trgm anyway.
 */
async function fullTextP95(server: PostgresServer, database: string, texts: readonly string[], log: (line: string) => void): Promise<number> {
  const started = performance.now();
  await server.sql("CREATE INDEX bench_fts ON plant_events USING gin (to_tsvector('simple', payload_lc))", database);
  log(`  full-text index built in ${Math.round((performance.now() - started) / 1000)} s`);
  const client = new pg.Client({ connectionString: server.url(database) });
  await client.connect();
  try {
    const ms = await timeQueries(async (i) => (await client.query(
      "SELECT seq, body FROM plant_events WHERE to_tsvector('simple', payload_lc) @@ phraseto_tsquery('simple', $1) ORDER BY seq DESC LIMIT 201",
      [texts[i % texts.length]!.replace(/"/g, '')],
    )).rowCount ?? 0, texts.length * 5);
    log(`  text by full-text search: p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`);
    return percentile(ms, 95);
  } finally {
    await client.end();
  }
}

export async function measurePostgres(settings: PgBenchSettings): Promise<Figures> {
  const server = await PostgresServer.start();
  try {
    // The audit chain's SHA-256 as the PostgreSQL store has it in the product (every Node entry point uses node:crypto);
    // the portable one again afterwards, for the sections that follow.
    useNodeSha256();
    const appendEvents = settings.quick ? 20_000 : 100_000;
    const history = settings.quick ? 100_000 : 1_000_000;
    return {
      ...(await appendFigures(server, settings, appendEvents)),
      ...(await historyFigures(server, settings, history)),
      ...(settings.quick ? { pg_quick_note: `--quick: ${appendEvents} appended events and ${history} stored events instead of 100,000 and 1,000,000` } : {}),
    };
  } finally {
    useSha256HexOfText();
    await server.stop();
  }
}
