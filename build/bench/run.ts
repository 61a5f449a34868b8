/**
 * `npm run bench [-- --quick] [-- --runs N] [-- --only bus,store,journal,queries,bridge,projector,audit,timeline,e2e,soak,pg,sources,plant,archiver]`
 *
 * Measures the figures of ../shared/design/BENCH.md that this version has, each the median
 * of its runs, and prints progress on stderr and, as the last stdout line, one flat JSON
 * object. A baseline and the figure compared with it are measured in the same run, in an
 * order that changes from run to run, and their ratio is the median of the per-run ratios.
 */
import { benchAudit } from './audit';
import { measureBridge } from './bridge';
import { measureBus, measureEmitter } from './bus';
import { openProductStore } from './busStore';
import { benchProjector } from './projector';
import { RssSampler } from './rss';
import { measureStoreRun, STORE_DURABILITY } from './storeChromium';
import type { StoreRunFigures } from './storeChromium';
import { median, round } from './stats';
import { measureTimeline } from './timeline';
import { measureStoreQueries } from './storeQueries';
import { measureJournal } from './journal';
import { measureEndToEnd } from './e2e';
import { measureSoak } from './soak';
import { measureSources } from './sources';
import { measurePlant } from './plant';
import { telemetryInputs } from './workload';
import { measurePostgres } from './postgres';
import { benchOpcuaSource } from './opcuaSource';
import { measureArchiver } from './archiver';
import type { Figures } from './section';

interface Settings {
  readonly quick: boolean;
  readonly runs: number;
  /** The sections to run (all when absent). */
  readonly only?: ReadonlySet<Section>;
}

const SECTIONS = ['bus', 'store', 'journal', 'queries', 'bridge', 'projector', 'audit', 'timeline', 'e2e', 'soak', 'pg', 'sources', 'plant', 'archiver'] as const;
type Section = (typeof SECTIONS)[number];

function parseSettings(argv: readonly string[]): Settings {
  const valueOf = (flag: string) => {
    const at = argv.indexOf(flag);
    const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
    return inline ? inline.slice(flag.length + 1) : at >= 0 ? argv[at + 1] : undefined;
  };
  const runs = Number(valueOf('--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a whole number of at least 1, not ${valueOf('--runs')}`);
  const only = valueOf('--only')?.split(',');
  const unknown = only?.filter((name) => !(SECTIONS as readonly string[]).includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: a comma-separated list of ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
  return { quick: argv.includes('--quick'), runs, ...(only ? { only: new Set(only as Section[]) } : {}) };
}

/** #2's targets, and #7's for the store (append, replay, queries, open, disk). */
const TARGETS = {
  busEventsPerS1Sub: 100_000, appendVsRaw: 0.8, replayEventsPerS: 60_000,
  appendEventsPerS: 50_000, replayStoreEventsPerS: 300_000, queryP95Ms: 30, textP95Ms: 300, openMs: 2_000, diskBytesPerEvent: 400,
};
const BUS_IN_FLIGHT = 1_000;
const STORE_PER_TRANSACTION = 1_000;
/** The Dexie store's appends: 100 events each, up to 64 outstanding, so that group commit joins them. */
const STORE_PER_APPEND = 100;
const STORE_IN_FLIGHT = 64;
const PACKED_PER_RECORD = 100;

const log = (line: string) => process.stderr.write(`${line}\n`);
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The two measurements of one run, in an order that alternates from run to run. */
async function bothInTurn(run: number, first: () => Promise<void>, second: () => Promise<void>): Promise<void> {
  for (const measure of run % 2 === 0 ? [first, second] : [second, first]) {
    collectGarbage();
    await measure();
  }
}

async function benchBus(settings: Settings, events: number): Promise<Figures> {
  const inputs = telemetryInputs(events);
  const figures: Figures = { bus_events: events, bus_in_flight: BUS_IN_FLIGHT };
  for (const subscribers of [1, 10]) {
    const bus: number[] = [];
    const baseline: number[] = [];
    for (let run = 0; run < settings.runs; run++) {
      await bothInTurn(
        run,
        async () => void bus.push(await measureBus(inputs, subscribers, BUS_IN_FLIGHT)),
        async () => void baseline.push(await measureEmitter(inputs, subscribers)),
      );
      log(`bus ${subscribers} sub, run ${run + 1}/${settings.runs}: bus ${Math.round(bus[run] ?? 0)} events/s, EventEmitter ${Math.round(baseline[run] ?? 0)} events/s`);
    }
    figures[`bus_events_per_s_${subscribers}sub`] = round(median(bus));
    figures[`bus_baseline_events_per_s_${subscribers}sub`] = round(median(baseline));
    figures[`bus_vs_baseline_${subscribers}sub`] = round(median(bus.map((value, i) => value / (baseline[i] as number))));
  }
  return { ...figures, ...(await benchBusOnStore(settings, inputs)) };
}

/**
 * The same bus, 1 subscriber, on the product's store path (StoreClient → store host → Dexie
 * on an on-disk profile), each run beside the in-memory store measured again in that run.
 */
async function benchBusOnStore(settings: Settings, inputs: ReturnType<typeof telemetryInputs>): Promise<Figures> {
  const onStore: number[] = [];
  const inMemory: number[] = [];
  for (let run = 0; run < settings.runs; run++) {
    await bothInTurn(
      run,
      async () => {
        const product = await openProductStore(log);
        try {
          onStore.push(await measureBus(inputs, 1, BUS_IN_FLIGHT, product.store));
        } finally {
          await product.close();
        }
      },
      async () => void inMemory.push(await measureBus(inputs, 1, BUS_IN_FLIGHT)),
    );
    log(`bus 1 sub on the store path, run ${run + 1}/${settings.runs}: ${Math.round(onStore[run] ?? 0)} events/s, in-memory store ${Math.round(inMemory[run] ?? 0)} events/s`);
  }
  return {
    bus_events_per_s_1sub_store: round(median(onStore)),
    bus_events_per_s_1sub_inmemory_same_run: round(median(inMemory)),
    bus_store_vs_inmemory: round(median(onStore.map((value, i) => value / (inMemory[i] as number)))),
  };
}

async function benchStore(settings: Settings, events: number): Promise<Figures> {
  const runs: StoreRunFigures[] = [];
  for (let run = 0; run < settings.runs; run++) {
    log(`store run ${run + 1}/${settings.runs} (${events} events, Chromium on a fresh on-disk profile)`);
    collectGarbage();
    runs.push(
      await measureStoreRun({
        events, perTransaction: STORE_PER_TRANSACTION, perAppend: STORE_PER_APPEND, inFlight: STORE_IN_FLIGHT, packedPerRecord: PACKED_PER_RECORD, rotation: run, log,
      }),
    );
  }
  const of = (pick: (run: StoreRunFigures) => number | undefined) => {
    const values = runs.map(pick).filter((value): value is number => value !== undefined);
    return values.length === 0 ? null : round(median(values));
  };
  return {
    chromium: runs[0]?.chromium ?? null,
    store_events: events,
    store_events_per_transaction: STORE_PER_TRANSACTION,
    store_events_per_append: STORE_PER_APPEND,
    store_appends_in_flight: STORE_IN_FLIGHT,
    store_raw_same_records: runs.every((r) => r.sameRecords),
    store_durability: STORE_DURABILITY,
    event_bytes: of((r) => r.meanEventBytes),
    store_append_events_per_s: of((r) => r.appendPerS),
    store_raw_idb_events_per_s: of((r) => r.rawPerS),
    store_append_vs_raw: of((r) => r.appendPerS / r.rawPerS),
    store_raw_idb_with_event_work_events_per_s: of((r) => r.rawWithWorkPerS),
    store_append_vs_raw_with_event_work: of((r) => r.appendPerS / r.rawWithWorkPerS),
    store_limit_raw_packed_events_per_s: of((r) => r.packedPerS),
    store_append_vs_limit: of((r) => r.appendPerS / r.packedPerS),
    replay_events_per_s: of((r) => r.replayPerS),
    replay_raw_getall_events_per_s: of((r) => r.rawReadPerS),
    replay_vs_raw_getall: of((r) => r.replayPerS / r.rawReadPerS),
    replay_raw_segments_parse_events_per_s: of((r) => r.segmentParsePerS),
    replay_vs_raw_segments_parse: of((r) => r.replayPerS / r.segmentParsePerS),
    disk_bytes_per_event: of((r) => r.diskBytesPerEvent),
    store_append_own_sha256_events_per_s: of((r) => r.appendOwnShaPerS),
    store_append_noble_sha256_events_per_s: of((r) => r.appendNobleShaPerS),
    sha256_own_vs_noble: of((r) => r.appendOwnShaPerS / r.appendNobleShaPerS),
  };
}

interface Part {
  readonly section: Section;
  /** What failed, for the log line. */
  readonly what: string;
  /** The figure that holds the error when it failed. */
  readonly errorKey: string;
  readonly measure: () => Promise<Figures>;
}

function runs(settings: Settings, section: Section): boolean {
  return settings.only === undefined || settings.only.has(section);
}

/**
 * Between sections: collects what the last one left (a million-event in-memory store, say),
 * so that the next is not measured while the collector sweeps its predecessor's heap, and
 * gives the processes it stopped a moment to exit.
 */
async function settleBetweenSections(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const sizes = settings.quick ? { bus: 20_000, store: 20_000 } : { bus: 200_000, store: 100_000 };
  const rss = new RssSampler().start(200);
  const started = performance.now();
  let figures: Figures = { quick: settings.quick, runs: settings.runs, node: process.version };

  // One row a measurement, in the order they run; a failed one is named in the figures and the rest go on.
  const parts: readonly Part[] = [
    { section: 'bus', what: 'bus benchmark', errorKey: 'bus_error', measure: () => benchBus(settings, sizes.bus) },
    { section: 'store', what: 'store benchmark', errorKey: 'store_error', measure: () => benchStore(settings, sizes.store) },
    { section: 'journal', what: 'journal benchmark', errorKey: 'journal_error', measure: () => measureJournal({ runs: settings.runs, quick: settings.quick, log }) },
    { section: 'queries', what: 'store query benchmark', errorKey: 'queries_error', measure: () => measureStoreQueries({ quick: settings.quick, log }) },
    { section: 'bridge', what: 'bridge benchmark (browser mode)', errorKey: 'bridge_error', measure: () => measureBridge({ runs: settings.runs, quick: settings.quick, log }) },
    { section: 'projector', what: 'projector benchmark (equipment projector, replay over 1,000,000 events)', errorKey: 'projector_error', measure: () => benchProjector(settings, log) },
    { section: 'audit', what: 'audit benchmark (export and verify of 1,000,000 events)', errorKey: 'audit_error', measure: () => benchAudit(settings, log) },
    { section: 'timeline', what: 'timeline benchmark (operator UI in Chromium)', errorKey: 'timeline_error', measure: () => measureTimeline({ quick: settings.quick, log }) },
    { section: 'e2e', what: 'end-to-end benchmark (MQTT → host → store → page)', errorKey: 'e2e_error', measure: () => measureEndToEnd({ runs: settings.runs, quick: settings.quick, log }) },
    { section: 'soak', what: 'soak benchmark (2,000 events/s through the product path with the UI open)', errorKey: 'soak_error', measure: () => measureSoak({ quick: settings.quick, log }) },
    { section: 'pg', what: 'PostgreSQL store benchmark', errorKey: 'pg_error', measure: () => measurePostgres({ runs: settings.runs, quick: settings.quick, log }) },
    { section: 'sources', what: 'Sparkplug B source benchmark', errorKey: 'sparkplug_error', measure: () => measureSources({ runs: settings.runs, quick: settings.quick, log }) },
    { section: 'sources', what: 'OPC UA source benchmark', errorKey: 'opcua_error', measure: () => benchOpcuaSource({ quick: settings.quick, runs: settings.runs, log }) },
    { section: 'plant', what: 'plant link benchmark (NATS JetStream)', errorKey: 'plant_error', measure: () => measurePlant({ runs: settings.runs, quick: settings.quick, log }) },
    { section: 'archiver', what: 'archiver benchmark (plant stream → PostgreSQL)', errorKey: 'archiver_error', measure: () => measureArchiver({ runs: settings.runs, quick: settings.quick, log }) },
  ];
  let first = true;
  for (const part of parts) {
    if (!runs(settings, part.section)) continue;
    if (!first) await settleBetweenSections();
    first = false;
    try {
      figures = { ...figures, ...(await part.measure()) };
    } catch (error) {
      log(`${part.what} failed: ${errorText(error)}`);
      figures[part.errorKey] = errorText(error);
    }
  }

  const peaks = rss.stop();
  const met = (value: unknown, target: number) => (typeof value === 'number' ? value >= target : null);
  const allAtMost = (values: readonly unknown[], limit: number) =>
    values.every((value) => typeof value === 'number') ? values.every((value) => (value as number) <= limit) : null;
  figures = {
    ...figures,
    peak_rss_mb: round(peaks.maxProcessMb),
    peak_rss_node_mb: round(peaks.nodeMb),
    peak_rss_chromium_mb: round(peaks.chromiumMb),
    peak_pss_all_processes_mb: round(peaks.totalMb),
    target_bus_1sub_met: met(figures.bus_events_per_s_1sub, TARGETS.busEventsPerS1Sub),
    target_append_vs_raw_met: met(figures.store_append_vs_raw, TARGETS.appendVsRaw),
    target_append_vs_raw_with_event_work_met: met(figures.store_append_vs_raw_with_event_work, TARGETS.appendVsRaw),
    target_replay_met: met(figures.replay_events_per_s, TARGETS.replayEventsPerS),
    target_store_append_met: met(figures.store_append_events_per_s, TARGETS.appendEventsPerS),
    target_store_replay_met: met(figures.replay_events_per_s, TARGETS.replayStoreEventsPerS),
    target_queries_met: allAtMost(['query_type_p95_ms', 'query_subject_p95_ms', 'query_time_p95_ms', 'query_correlation_p95_ms', 'query_combined_p95_ms'].map((key) => figures[key]), TARGETS.queryP95Ms),
    target_query_text_met: allAtMost([figures.query_text_p95_ms], TARGETS.textP95Ms),
    target_open_met: allAtMost([figures.open_1m_to_first_query_ms], TARGETS.openMs),
    target_disk_met: allAtMost([figures.disk_bytes_per_event, figures.query_disk_bytes_per_event], TARGETS.diskBytesPerEvent),
    elapsed_s: round((performance.now() - started) / 1000),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
