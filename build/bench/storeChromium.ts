/**
 * The store benchmark on Chromium's IndexedDB, on disk: one run launches Chromium on a fresh
 * profile, writes the same events through the Dexie store, through raw IndexedDB with the
 * store's indexes, and packed 100 to a record, replays them, then closes Chromium and
 * deletes the profile. The page does the timing (build/bench/page/storeBenchPage.ts).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { DEFAULT_STORE_ENTRY, openStorePage } from '../../test/support/browserPage';
import type { BenchPageApi } from './page/storeBenchPage';
import type { RawDurability } from './page/rawIdb';
import { perSecond } from './stats';

const BENCH_PAGE_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'page', 'storeBenchPage.ts');

/** The durability PlantDatabase gives every write transaction by default (renderer/store-host/plantDatabase.ts). */
export const STORE_DURABILITY: RawDurability = 'strict';

export interface StoreRunOptions {
  readonly events: number;
  /** Events per transaction of the raw writers. */
  readonly perTransaction: number;
  /** Events per append of the Dexie store, and appends outstanding at once (group commit joins them). */
  readonly perAppend: number;
  readonly inFlight: number;
  readonly packedPerRecord: number;
  /** Rotates the order of the three writers (Dexie, raw, packed), so that none always writes first or last. */
  readonly rotation: number;
  readonly log: (line: string) => void;
}

export interface StoreRunFigures {
  readonly appendPerS: number;
  readonly rawPerS: number;
  /** Raw IndexedDB writing the same rows, with the per-event work (check, number, hash, pack) timed too. */
  readonly rawWithWorkPerS: number;
  readonly packedPerS: number;
  readonly replayPerS: number;
  readonly rawReadPerS: number;
  /** Raw IndexedDB reading the store's segment rows and parsing every event (no store code): replay's floor. */
  readonly segmentParsePerS: number;
  /**
   * Growth of the profile's IndexedDB folder during the Dexie append, per event; only when
   * that append wrote first into the empty profile (otherwise the other writers' compactions
   * blur it). LevelDB's log not yet compacted counts: it is on disk.
   */
  readonly diskBytesPerEvent?: number;
  /** The Dexie append again into fresh databases, once with the own SHA-256 and once with @noble/hashes. */
  readonly appendOwnShaPerS: number;
  readonly appendNobleShaPerS: number;
  readonly meanEventBytes: number;
  /** Whether a raw record has exactly the fields of the Dexie store's record. */
  readonly sameRecords: boolean;
  readonly chromium: string;
}

type BenchMethod = keyof BenchPageApi;

/** Calls `window.__bench[name](...args)` in the page. */
function bench<K extends BenchMethod>(page: Page, name: K, ...args: Parameters<BenchPageApi[K]>): Promise<Awaited<ReturnType<BenchPageApi[K]>>> {
  return page.evaluate(
    ({ name, args }) => (globalThis as unknown as { __bench: Record<string, (...a: unknown[]) => unknown> }).__bench[name]?.(...args),
    { name, args: args as unknown[] },
  ) as Promise<Awaited<ReturnType<BenchPageApi[K]>>>;
}

/** Bytes of every file under `path` (0 when it does not exist). */
export function folderBytes(path: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += statSync(full, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

export async function measureStoreRun(options: StoreRunOptions): Promise<StoreRunFigures> {
  const { events, perTransaction, log } = options;
  const profileDir = mkdtempSync(join(tmpdir(), 'plant-bench-profile-'));
  const indexedDbDir = join(profileDir, 'Default', 'IndexedDB');
  try {
    const opened = await openStorePage({ profileDir, entry: [DEFAULT_STORE_ENTRY, BENCH_PAGE_ENTRY] });
    try {
      const { page } = opened;
      const cdp = await opened.context.newCDPSession(page);
      const chromium = ((await cdp.send('Browser.getVersion')) as { product: string }).product;
      const { meanBytes } = await bench(page, 'prepare', events);
      const shapes = await bench(page, 'storeShapes');

      let append = { events: 0, ms: 0 };
      let diskBytes: number | undefined;
      const dexie = async (first: boolean) => {
        const before = folderBytes(indexedDbDir);
        append = await bench(page, 'dexieAppend', 'bench-dexie', options.perAppend, options.inFlight);
        if (first) diskBytes = folderBytes(indexedDbDir) - before;
        log(`  dexie append: ${Math.round(perSecond(append.events, append.ms))} events/s`);
      };
      let raw = { events: 0, ms: 0 };
      const rawIdb = async () => {
        raw = await bench(page, 'rawAppend', 'bench-raw', shapes, perTransaction, STORE_DURABILITY);
        log(`  raw IndexedDB, the store's segment and summary rows, ${perTransaction} events a transaction: ${Math.round(perSecond(raw.events, raw.ms))} events/s`);
      };
      let rawWork = { events: 0, ms: 0 };
      const rawWithWork = async () => {
        rawWork = await bench(page, 'rawAppendWithEventWork', 'bench-raw-work', shapes, perTransaction, STORE_DURABILITY);
        log(`  raw IndexedDB, the same rows with the per-event work (check, number, hash, pack) timed too: ${Math.round(perSecond(rawWork.events, rawWork.ms))} events/s`);
      };
      let packed = { events: 0, ms: 0 };
      const rawPacked = async () => {
        packed = await bench(page, 'packedAppend', 'bench-packed', options.packedPerRecord, perTransaction, STORE_DURABILITY);
        log(`  raw packed ${options.packedPerRecord}/record: ${Math.round(perSecond(packed.events, packed.ms))} events/s`);
      };
      const writers = [dexie, rawIdb, rawWithWork, rawPacked];
      for (let i = 0; i < writers.length; i++) await writers[(i + options.rotation) % writers.length]?.(i === 0);
      const shaRates = { own: 0, noble: 0 };
      for (const which of options.rotation % 2 === 0 ? (['own', 'noble'] as const) : (['noble', 'own'] as const)) {
        await bench(page, 'useSha256', which);
        const timing = await bench(page, 'dexieAppend', `bench-sha-${which}`, options.perAppend, options.inFlight);
        await bench(page, 'useSha256', 'own');
        shaRates[which] = perSecond(timing.events, timing.ms);
        log(`  dexie append with the ${which === 'own' ? 'own' : '@noble/hashes'} SHA-256: ${Math.round(shaRates[which])} events/s`);
      }
      // Replay and the raw read of the same database take turns going first (the page cache warms for the second).
      let replay = { events: 0, ms: 0 };
      const dexieReplay = async () => {
        replay = await bench(page, 'dexieReplay', 'bench-dexie');
        if (replay.events !== events) throw new Error(`replay folded ${replay.events} events, expected ${events}`);
        log(`  dexie replay: ${Math.round(perSecond(replay.events, replay.ms))} events/s`);
      };
      let rawRead = { events: 0, ms: 0 };
      const rawReadAll = async () => {
        rawRead = await bench(page, 'rawReadAll', 'bench-dexie', perTransaction);
        log(`  raw getAll read: ${Math.round(perSecond(rawRead.events, rawRead.ms))} events/s`);
      };
      const floor = await bench(page, 'segmentReadFloor', 'bench-dexie');
      if (floor.events !== events) throw new Error(`the segment read found ${floor.events} events, expected ${events}`);
      log(`  raw segment read + JSON.parse: ${Math.round(perSecond(floor.events, floor.ms))} events/s`);
      const readers = [dexieReplay, rawReadAll];
      for (let i = 0; i < readers.length; i++) await readers[(i + options.rotation) % readers.length]?.();

      const [dexieFields, rawFields] = await bench(page, 'recordFields', ['bench-dexie', 'bench-raw'], 1);
      const sameRecords = JSON.stringify(dexieFields) === JSON.stringify(rawFields);
      if (!sameRecords) {
        log(`  WARNING: raw records differ from the Dexie store's: ${JSON.stringify(rawFields)} vs ${JSON.stringify(dexieFields)}`);
      }
      return {
        appendPerS: perSecond(append.events, append.ms),
        rawPerS: perSecond(raw.events, raw.ms),
        rawWithWorkPerS: perSecond(rawWork.events, rawWork.ms),
        packedPerS: perSecond(packed.events, packed.ms),
        replayPerS: perSecond(replay.events, replay.ms),
        rawReadPerS: perSecond(rawRead.events, rawRead.ms),
        segmentParsePerS: perSecond(floor.events, floor.ms),
        ...(diskBytes === undefined ? {} : { diskBytesPerEvent: diskBytes / events }),
        appendOwnShaPerS: shaRates.own,
        appendNobleShaPerS: shaRates.noble,
        meanEventBytes: meanBytes,
        sameRecords,
        chromium,
      };
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}
