/**
 * The start-up check of the event store against what the data folder recorded outside it
 * (the journal's head and the anchor). A store that is behind, has another first event, or
 * another hash at the recorded seq lost or rewrote acknowledged history: the verdict names
 * the seqs in one sentence. A store ahead of the journal (a crash between the store's commit
 * and the journal's write) is fine: the check copies those events into the journal.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';
import type { Anchor } from './anchor';
import type { Journal, JournalHead } from './journal';

export type StoreDamage = 'lost' | 'reset' | 'rolled back' | 'unreadable';

export type StoreVerdict =
  | { readonly ok: true; readonly storeSeq: number; readonly copiedToJournal: number }
  | { readonly ok: false; readonly damage: StoreDamage; readonly storeSeq: number; readonly recordedSeq: number; readonly sentence: string };

/** What the data folder recorded as committed: the further of the journal's head and the anchor. */
export function recordedHead(journal: JournalHead, anchor: Anchor | null): { seq: number; hash: string } {
  return anchor && anchor.seq > journal.seq ? { seq: anchor.seq, hash: anchor.hash } : { seq: journal.seq, hash: journal.storeHash };
}

/** Compares the store with the journal head and anchor; reports damage, or passes. Does not write. */
export async function compareStore(store: EventStore, journal: JournalHead, anchor: Anchor | null): Promise<StoreVerdict> {
  const storeSeq = await store.headSeq();
  const recorded = recordedHead(journal, anchor);
  const damaged = (damage: StoreDamage, sentence: string): StoreVerdict => ({ ok: false, damage, storeSeq, recordedSeq: recorded.seq, sentence });
  if (anchor?.databaseId && storeSeq > 0) {
    const first = await store.getBySeq(1);
    if (first?.id !== anchor.databaseId) {
      return damaged('reset', `the event store was reset: its first event is ${first?.id ?? 'missing'}, but this data folder recorded ${anchor.databaseId} (another or a recreated database)`);
    }
  }
  if (storeSeq < recorded.seq) {
    if (storeSeq === 0) return damaged('lost', `the event store is empty, but this data folder recorded events 1 to ${recorded.seq} as stored: all ${recorded.seq} were lost`);
    return damaged('rolled back', `the event store ends at seq ${storeSeq}, but this data folder recorded events up to seq ${recorded.seq}: seqs ${storeSeq + 1} to ${recorded.seq} were lost (the store was rolled back or damaged)`);
  }
  if (recorded.seq > 0) {
    const atRecorded = await store.getBySeq(recorded.seq);
    if (atRecorded?.hash !== recorded.hash) {
      return damaged('rolled back', `the event store's event at seq ${recorded.seq} is not the one this data folder recorded (its hash differs): the history from there on was replaced`);
    }
  }
  return { ok: true, storeSeq, copiedToJournal: 0 };
}

/** Reads events `fromSeq..toSeq` of the store, in order, in chunks. */
async function* storeRange(store: EventStore, fromSeq: number, toSeq: number): AsyncGenerator<StoredEvent[]> {
  for (let start = fromSeq; start <= toSeq; start += 500) {
    const seqs = Array.from({ length: Math.min(500, toSeq - start + 1) }, (_, i) => start + i);
    const events = await Promise.all(seqs.map((seq) => store.getBySeq(seq)));
    const missing = events.findIndex((event) => event === null);
    if (missing >= 0) throw new Error(`the store has no event at seq ${start + missing} although its head is ${toSeq}`);
    yield events as StoredEvent[];
  }
}

/** compareStore, then copies into the journal what the store has beyond it. */
export async function checkStore(store: EventStore, journal: Journal, anchor: Anchor | null): Promise<StoreVerdict> {
  const verdict = await compareStore(store, journal.head, anchor);
  if (!verdict.ok || verdict.storeSeq <= journal.head.seq) return verdict;
  if (journal.head.seq > 0) {
    const atHead = await store.getBySeq(journal.head.seq);
    if (atHead?.hash !== journal.head.storeHash) {
      return { ok: false, damage: 'rolled back', storeSeq: verdict.storeSeq, recordedSeq: journal.head.seq,
        sentence: `the event store's event at seq ${journal.head.seq} is not the one the journal holds (its hash differs): the history from there on was replaced` };
    }
  }
  const from = journal.head.seq + 1;
  for await (const events of storeRange(store, from, verdict.storeSeq)) await journal.append(events);
  return { ...verdict, copiedToJournal: verdict.storeSeq - from + 1 };
}
