/**
 * The store's figures over a large history (BENCH.md `query_*`, `open_1m_to_first_query_ms`):
 * Chromium on a fresh on-disk profile; the page appends 1,000,000 events of a plant's mixed
 * history (100,000 with --quick) through the Dexie store with group commit, then Chromium
 * is closed and launched again on the profile, and the time from launch until the store
 * has opened and answered the timeline's first query is taken (from Node); then the first
 * page of 200 of many queries of each kind. Figures are measured inside the page (performance.now()).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import type { EventQuery } from '../../shared/store/eventStore';
import { DEFAULT_STORE_ENTRY, openStorePage } from '../../test/support/browserPage';
import type { BenchPageApi } from './page/storeBenchPage';
import { folderBytes } from './storeChromium';
import { median, percentile, perSecond, round } from './stats';
import { BENCH_BASE_TIME, MIX_FLOW, MIX_TEXT_TERM } from './workload';
import type { SingleRunSettings } from './section';

const BENCH_PAGE_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'page', 'storeBenchPage.ts');
const DB_NAME = 'bench-history';
/** Queries of each kind, each a different value (equipment, flow, time window…). */
const QUERIES_PER_KIND = 25;
const SEED_PER_APPEND = 500;
const SEED_IN_FLIGHT = 16;

export type QueryBenchSettings = SingleRunSettings;

function bench<K extends keyof BenchPageApi>(page: Page, name: K, ...args: Parameters<BenchPageApi[K]>): Promise<Awaited<ReturnType<BenchPageApi[K]>>> {
  return page.evaluate(
    ({ name, args }) => (globalThis as unknown as { __bench: Record<string, (...a: unknown[]) => unknown> }).__bench[name]?.(...args),
    { name, args: args as unknown[] },
  ) as Promise<Awaited<ReturnType<BenchPageApi[K]>>>;
}

/** A deterministic spread of `count` integers over [0, range). */
const spread = (count: number, range: number) => Array.from({ length: count }, (_, k) => Math.floor(((k * 7919) % count + 0.5) * (range / count)));

/** The queries of each kind over a history of `events` events (timestamps 10 ms apart), newest first like the timeline. */
export function benchQueries(events: number): Record<string, EventQuery[]> {
  const span = events * 10;
  const press = (k: number) => `press-${String(k % 50).padStart(3, '0')}`;
  // Ten-minute windows (60,000 events) spread over the whole history, so most pages are read cold.
  const tenMinutes = 600_000;
  const window = (k: number) => {
    const from = BENCH_BASE_TIME + (k % Math.max(1, span - tenMinutes));
    return { from, to: from + Math.min(tenMinutes, span) };
  };
  const picks = spread(QUERIES_PER_KIND, 1_000_000);
  const typePatterns = ['alarm.*', 'quality.*', 'equipment.status.*', 'order.*', 'quality.check.failed', 'equipment.*.changed'];
  // From common (a tenth of the events) to rare (the few events of one order, mid-history).
  const texts = [MIX_TEXT_TERM, 'material shortage', 'temperature high', 'shift-b', `"order-${Math.floor(events / 80)}"`];
  // Every other query newest first (the timeline's order, near the cached head), the others oldest first (read cold).
  const order = (i: number) => ({ order: i % 2 === 0 ? ('desc' as const) : ('asc' as const), limit: 200 });
  return {
    type: picks.map((k, i) => ({ ...order(i), types: [typePatterns[i % typePatterns.length] as string] })),
    subject: picks.map((k, i) => ({ ...order(i), subject: press(k) })),
    time: picks.map((k, i) => ({ ...order(i), ...window(k * 37) })),
    correlation: picks.map((k, i) => ({ ...order(i), correlationId: `flow-${k % Math.floor(events / MIX_FLOW)}` })),
    combined: picks.map((k, i) => ({ ...order(i), types: ['equipment.*'], subject: press(k), priorities: ['NORMAL', 'HIGH'] as const, ...window(k * 53) }) as EventQuery),
    text: picks.map((k, i) => ({ ...order(i), text: texts[i % texts.length] as string })),
  };
}

export async function measureStoreQueries(settings: QueryBenchSettings): Promise<Record<string, number | string | null>> {
  const events = settings.quick ? 100_000 : 1_000_000;
  const { log } = settings;
  const profileDir = mkdtempSync(join(tmpdir(), 'plant-bench-history-'));
  const indexedDbDir = join(profileDir, 'Default', 'IndexedDB');
  let opened = await openStorePage({ profileDir, entry: [DEFAULT_STORE_ENTRY, BENCH_PAGE_ENTRY] });
  try {
    {
      log(`store queries: appending ${events} events of a mixed plant history (group commit, ${SEED_IN_FLIGHT} appends of ${SEED_PER_APPEND} outstanding)`);
      const seeded = await bench(opened.page, 'seedMix', DB_NAME, events, SEED_PER_APPEND, SEED_IN_FLIGHT);
      const seedPerS = perSecond(seeded.events, seeded.ms);
      log(`  appended in ${Math.round(seeded.ms / 1000)} s: ${Math.round(seedPerS)} events/s`);
      const diskBytesPerEvent = folderBytes(indexedDbDir) / events;
      log(`  on disk: ${Math.round(diskBytesPerEvent)} bytes per event`);

      // From start: Chromium is closed and launched again on the same profile, the page
      // loads, the store opens and answers the timeline's first query; timed from Node.
      const starts: number[] = [];
      const opens: number[] = [];
      for (let run = 0; run < 3; run++) {
        await opened.close();
        const started = performance.now();
        opened = await openStorePage({ profileDir, entry: [DEFAULT_STORE_ENTRY, BENCH_PAGE_ENTRY] });
        const open = await bench(opened.page, 'openToFirstQuery', DB_NAME);
        starts.push(performance.now() - started);
        if (open.head !== events || open.events !== 200) throw new Error(`the reopened store holds ${open.head} events and answered ${open.events}`);
        opens.push(open.ms);
        log(`  start to first query: ${Math.round(starts[run]!)} ms (store open and query ${Math.round(open.ms)} ms, of which open ${Math.round(open.openMs)} ms)`);
      }
      const page = opened.page;
      const figures: Record<string, number | string | null> = {
        query_store_events: events,
        query_seed_events_per_s: round(seedPerS),
        open_1m_to_first_query_ms: round(median(starts)),
        open_1m_store_open_and_query_ms: round(median(opens)),
        query_disk_bytes_per_event: round(diskBytesPerEvent),
      };
      for (const [kind, queries] of Object.entries(benchQueries(events))) {
        const times = await bench(page, 'timeQueries', queries);
        const empty = times.filter((time) => time.events === 0).length;
        if (empty > 0) throw new Error(`${empty} of the ${kind} queries found nothing: the benchmark's queries do not fit its history`);
        const ms = times.map((time) => time.ms);
        figures[`query_${kind}_p95_ms`] = round(percentile(ms, 95));
        figures[`query_${kind}_p50_ms`] = round(median(ms));
        log(`  ${kind}: p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms over ${ms.length} queries`);
      }
      const rare = await bench(page, 'timeQueries', [{ order: 'desc', limit: 200, text: 'no such words anywhere' }]);
      figures.query_text_absent_ms = round(rare[0]?.ms ?? Number.NaN);
      log(`  text found nowhere: ${Math.round(rare[0]?.ms ?? 0)} ms`);
      await bench(page, 'closeQueried');
      return figures;
    }
  } finally {
    await opened.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}
