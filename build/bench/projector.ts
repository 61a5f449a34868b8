/**
 * The equipment projector's figures (../shared/design/BENCH.md):
 *
 * - `projector_events_per_s`: stored plant events fed through the live projector's apply
 *   path, in batches as the bus hands them over, snapshots included;
 * - `replay_1m_from_start_events_per_s` and `replay_1m_from_snapshot_events_per_s`: every
 *   equipment's state rebuilt over 1,000,000 stored events (100,000 with --quick), from the
 *   start and from the nearest board snapshot, as stored events per second.
 *
 * The events come from the plant simulator. The store is the in-memory one (printed as
 * `replay_1m_store: "memory"`): filling Chromium's IndexedDB with a million events per run
 * is left to the store benchmark, whose `replay_events_per_s` gives that store's read speed.
 */
import { EquipmentProjector } from '../../main/core/equipmentProjector';
import { createPlantConfig, createPlantState, generatePlantEvents, type PlantSimulationState } from '../../shared/domain/plantSimulation';
import { subjectOf, type StoredEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { median, perSecond, round } from './stats';
import type { Figures } from './section';

export const PROJECTOR_TARGETS = { liveEventsPerS: 20_000, replayFromStartEventsPerS: 100_000, snapshotSpeedup: 5 };
const BATCH = 500;
const SNAPSHOT_EVERY = 10_000;
const APPEND_BATCH = 1_000;
const GENERATE_CHUNK = 10_000;
/** The simulator's rate while generating: what the busiest plant would send. */
const GENERATE_RATE = 5_000;

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

/** Plant events in chunks, as the bus would publish them. */
function* plantChunks(total: number): Generator<PublishInput[]> {
  const config = createPlantConfig({ seed: 2024 });
  let state: PlantSimulationState = createPlantState(config, Date.UTC(2024, 0, 1, 6));
  for (let made = 0; made < total;) {
    const step = generatePlantEvents(config, state, Math.min(GENERATE_CHUNK, total - made), GENERATE_RATE);
    state = step.state;
    const events = step.events.slice(0, total - made);
    made += events.length;
    yield events;
  }
}

/** Stored-looking events without a store: numbered, PUBLISHED, with their subject. */
function storedEvents(total: number): StoredEvent[] {
  const stored: StoredEvent[] = [];
  for (const chunk of plantChunks(total)) {
    for (const input of chunk) {
      const subject = subjectOf(input.payload);
      stored.push({
        id: input.id!, type: input.type, source: input.source!, timestamp: input.timestamp!, payload: input.payload,
        priority: input.priority ?? 'NORMAL', status: 'PUBLISHED', metadata: {}, seq: stored.length + 1,
        ...(input.correlationId ? { correlationId: input.correlationId } : {}), ...(input.causationId ? { causationId: input.causationId } : {}),
        ...(subject ? { subject } : {}),
      });
    }
  }
  return stored;
}

/** Events per second through `apply`, batches of 500, snapshots every 10,000 saved to a store. */
async function liveRun(events: readonly StoredEvent[]): Promise<number> {
  const projector = new EquipmentProjector(new InMemoryEventStore());
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) projector.apply(events.slice(i, i + BATCH));
  await projector.flushSnapshots();
  return perSecond(events.length, performance.now() - started);
}

/**
 * A store holding `total` plant events and the snapshots the live projector took of them,
 * every 10,000 events from half an interval on (5,000, 15,000, …): the head is then half an
 * interval past the nearest snapshot, the average case.
 */
async function filledStore(total: number, log: (line: string) => void): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  const projector = new EquipmentProjector(store, { snapshotEvery: SNAPSHOT_EVERY });
  let firstSnapshot = false;
  for (const chunk of plantChunks(total)) {
    const inputs = chunk.map((input) => ({ ...input, status: 'PUBLISHED' as const, metadata: {}, priority: input.priority ?? 'NORMAL' }) as StoredEvent);
    for (let i = 0; i < inputs.length; i += APPEND_BATCH) {
      projector.apply(await store.append(inputs.slice(i, i + APPEND_BATCH)));
      if (!firstSnapshot && projector.stats().lastSeq >= SNAPSHOT_EVERY / 2) {
        firstSnapshot = true;
        void projector.snapshotNow();
      }
    }
    const seq = projector.stats().lastSeq;
    if (seq % 100_000 < chunk.length) log(`projector: ${seq} events stored`);
  }
  await projector.flushSnapshots();
  return store;
}

async function rebuildRate(store: InMemoryEventStore, useSnapshots: boolean, expectedHash: string | null): Promise<{ perS: number; hash: string; fromSnapshotSeq: number | null }> {
  const projector = new EquipmentProjector(store, { snapshotEvery: 0 });
  const head = await store.headSeq();
  const started = performance.now();
  const result = await projector.rebuild({ useSnapshots });
  const perS = perSecond(head, performance.now() - started);
  const hash = projector.hash();
  if (expectedHash !== null && hash !== expectedHash) throw new Error('the rebuilt boards differ: replay from a snapshot does not match replay from the start');
  return { perS, hash, fromSnapshotSeq: result.fromSnapshotSeq };
}

export async function benchProjector(settings: { quick: boolean; runs: number }, log: (line: string) => void): Promise<Figures> {
  const liveEvents = settings.quick ? 100_000 : 200_000;
  const replayEvents = settings.quick ? 100_000 : 1_000_000;
  const events = storedEvents(liveEvents);
  const live: number[] = [];
  for (let run = 0; run < settings.runs; run++) {
    collectGarbage();
    live.push(await liveRun(events));
    log(`projector live run ${run + 1}/${settings.runs}: ${Math.round(live[run] ?? 0)} events/s`);
  }

  log(`projector: filling the in-memory store with ${replayEvents} plant events`);
  const store = await filledStore(replayEvents, log);
  const fromStart: number[] = [];
  const fromSnapshot: number[] = [];
  let snapshotSeq: number | null = null;
  for (let run = 0; run < settings.runs; run++) {
    const order = run % 2 === 0 ? [false, true] : [true, false];
    let hash: string | null = null;
    for (const useSnapshots of order) {
      collectGarbage();
      const result = await rebuildRate(store, useSnapshots, hash);
      hash = result.hash;
      (useSnapshots ? fromSnapshot : fromStart).push(result.perS);
      if (useSnapshots) snapshotSeq = result.fromSnapshotSeq;
    }
    log(`replay run ${run + 1}/${settings.runs}: from start ${Math.round(fromStart[run] ?? 0)} events/s, from snapshot ${Math.round(fromSnapshot[run] ?? 0)} events/s`);
  }
  const startRate = median(fromStart);
  const snapshotRate = median(fromSnapshot);
  const speedup = median(fromSnapshot.map((value, i) => value / (fromStart[i] as number)));
  return {
    projector_events: liveEvents,
    projector_events_per_s: round(median(live)),
    replay_1m_events: replayEvents,
    replay_1m_store: 'memory',
    replay_1m_snapshot_seq: snapshotSeq,
    replay_1m_from_start_events_per_s: round(startRate),
    replay_1m_from_snapshot_events_per_s: round(snapshotRate),
    replay_1m_snapshot_vs_start: round(speedup),
    target_projector_met: median(live) >= PROJECTOR_TARGETS.liveEventsPerS,
    target_replay_1m_from_start_met: startRate >= PROJECTOR_TARGETS.replayFromStartEventsPerS,
    target_replay_1m_from_snapshot_met: speedup >= PROJECTOR_TARGETS.snapshotSpeedup,
  };
}
