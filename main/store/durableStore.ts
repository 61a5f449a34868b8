/**
 * Opening the event store of a data folder durably: the journal and the anchor are read, the
 * store is opened and checked against them (storeCheck.ts), and a store found lost, reset,
 * rolled back or unreadable is never used as it is: its profile is moved aside (kept, never
 * deleted), a fresh store is opened and rebuilt from the journal. The caller then records a
 * `store.recovered` event with the returned report, so the operator is told.
 *
 * The composition root supplies how to open its store and how to move its files aside.
 */
import type { AppendInput, EventStore } from '../../shared/store/eventStore';
import { readAnchor, writeAnchor, type Anchor } from './anchor';
import { Journal } from './journal';
import { JournaledStore } from './journaledStore';
import { rebuildFromJournal, type RebuildProgress } from './rebuild';
import { checkStore, type StoreVerdict } from './storeCheck';

export interface OpenedStore<S extends EventStore> {
  readonly store: S;
  close(): Promise<void>;
}

export interface StoreOpener<S extends EventStore> {
  open(): Promise<OpenedStore<S>>;
  /** Moves the store's files aside (renamed, never deleted); resolves with where they went. */
  moveAside(): Promise<string>;
}

export interface StoreRecovery {
  readonly damage: string;
  readonly sentence: string;
  readonly storeSeq: number;
  readonly recordedSeq: number;
  readonly rebuiltEvents: number;
  readonly movedTo: string;
}

export interface DurableStore<S extends EventStore> {
  /** The store to give the core: appends go to the store and to the journal. */
  readonly store: JournaledStore;
  /** The store underneath (the store host's client). */
  readonly inner: S;
  readonly recovery: StoreRecovery | null;
  /** Closes the journal (writing the anchor) and then the store underneath. */
  close(): Promise<void>;
}

export interface DurableOptions {
  readonly log?: (line: string) => void;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Runs before every append and may refuse it by throwing (the disk watch). */
  readonly admit?: (events: readonly AppendInput[]) => void;
}

/**
 * Opens the store, and once more if that fails. One start that failed (a store host page that
 * was not ready in time on a loaded machine, a Chromium that exited at start) says nothing
 * about the store, and calling the store unreadable then moves a sound one aside and rebuilds
 * it from the journal. A store that cannot be read fails the second time as well.
 */
async function openTryingTwice<S extends EventStore>(opener: StoreOpener<S>, log: (line: string) => void): Promise<OpenedStore<S>> {
  try {
    return await opener.open();
  } catch (error) {
    log(`event store: it did not open (${(error as Error).message}); trying once more`);
    return opener.open();
  }
}

export async function openDurableStore<S extends EventStore>(dataDir: string, opener: StoreOpener<S>, options: DurableOptions = {}): Promise<DurableStore<S>> {
  const log = options.log ?? (() => undefined);
  const journal = await Journal.open(dataDir);
  const anchorRead = readAnchor(dataDir);
  if (!anchorRead.ok) log(`store anchor: ${anchorRead.reason}; checking against the journal alone`);
  const anchor: Anchor | null = anchorRead.ok ? anchorRead.anchor : null;
  let opened: OpenedStore<S> | null = null;
  let verdict: StoreVerdict;
  try {
    opened = await openTryingTwice(opener, log);
    verdict = await checkStore(opened.store, journal, anchor);
  } catch (error) {
    // Nothing recorded, nothing to recover: a store that cannot open is the caller's problem.
    if (journal.head.seq === 0) {
      await opened?.close();
      await journal.close();
      throw error;
    }
    verdict = { ok: false, damage: 'unreadable', storeSeq: 0, recordedSeq: journal.head.seq, sentence: `the event store cannot be read (${(error as Error).message})` };
  }
  let recovery: StoreRecovery | null = null;
  if (!verdict.ok) {
    log(`event store: ${verdict.sentence}`);
    if (journal.head.seq < verdict.recordedSeq) {
      await opened?.close();
      await journal.close();
      throw new Error(`${verdict.sentence}; the journal holds only up to seq ${journal.head.seq}, so it cannot restore them: restore a backup (npm run audit -- restore FILE --data-dir DIR)`);
    }
    await opened?.close();
    let movedTo: string;
    try {
      movedTo = await opener.moveAside();
    } catch (error) {
      await journal.close();
      throw new Error(`${verdict.sentence}; ${(error as Error).message}`);
    }
    log(`event store: the damaged store was moved to ${movedTo}; rebuilding ${journal.head.seq} events from the journal…`);
    opened = await opener.open();
    const rebuiltEvents = await rebuildFromJournal(opened.store, dataDir, journal.head.seq, options.onProgress);
    log(`event store: rebuilt ${rebuiltEvents} events from the journal`);
    recovery = { damage: verdict.damage, sentence: verdict.sentence, storeSeq: verdict.storeSeq, recordedSeq: verdict.recordedSeq, rebuiltEvents, movedTo };
  } else if (verdict.copiedToJournal > 0) {
    log(`journal: ${verdict.copiedToJournal} events committed just before the last stop were copied into the journal`);
  }
  const inner = (opened as OpenedStore<S>).store;
  const databaseId = (await inner.getBySeq(1))?.id ?? null;
  await writeAnchor(dataDir, { databaseId, seq: journal.head.seq, hash: journal.head.storeHash });
  const store = new JournaledStore({ store: inner, journal, dataDir, databaseId, ...(options.admit ? { admit: options.admit } : {}) });
  const close = (opened as OpenedStore<S>).close;
  return {
    store,
    inner,
    recovery,
    async close() {
      await store.close();
      await close();
    },
  };
}
