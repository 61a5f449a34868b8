/**
 * What the journal costs an append: the same events appended through main's store client to
 * a store host on a fresh on-disk profile, once straight and once through the JournaledStore
 * (each batch also written to the journal and fdatasync'ed before the append resolves). Both
 * runs take 100 events per append with 64 appends outstanding, like the store section, and
 * alternate which goes first from one run to the next.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataDirStore } from '../../main/audit/dataDirStore';
import { Journal } from '../../main/store/journal';
import { JournaledStore } from '../../main/store/journaledStore';
import type { PlantEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';
import { median, perSecond, round } from './stats';
import { telemetryEvents } from './workload';
import type { SectionSettings } from './section';

const PER_APPEND = 100;
const IN_FLIGHT = 64;

export type JournalBenchSettings = SectionSettings;

async function appendAll(store: EventStore, events: readonly PlantEvent[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < events.length) {
      const from = next;
      next += PER_APPEND;
      await store.append(events.slice(from, from + PER_APPEND));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return perSecond(events.length, performance.now() - started);
}

async function oneRun(events: readonly PlantEvent[], journaled: boolean): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
  const opened = await openDataDirStore(dataDir, { mustExist: false });
  try {
    if (!journaled) return await appendAll(opened.store, events);
    const journal = await Journal.open(dataDir);
    const store = new JournaledStore({ store: opened.store, journal, dataDir, databaseId: null });
    const rate = await appendAll(store, events);
    await store.close();
    return rate;
  } finally {
    await opened.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureJournal(settings: JournalBenchSettings): Promise<Record<string, number | null>> {
  const count = settings.quick ? 20_000 : 100_000;
  const without: number[] = [];
  const withJournal: number[] = [];
  for (let run = 0; run < settings.runs; run++) {
    settings.log(`journal run ${run + 1}/${settings.runs} (${count} events through the store client, with and without the journal)`);
    for (const journaled of run % 2 === 0 ? [false, true] : [true, false]) {
      // Fresh events each time: ids must not repeat across runs (they do not share a store, but the work should be the same).
      const rate = await oneRun(telemetryEvents(count), journaled);
      (journaled ? withJournal : without).push(rate);
    }
  }
  return {
    store_journal_events: count,
    store_append_client_events_per_s: round(median(without)),
    store_append_with_journal_events_per_s: round(median(withJournal)),
    store_append_with_journal_vs_without: round(median(withJournal.map((rate, i) => rate / (without[i] as number)))),
  };
}
