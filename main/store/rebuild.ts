/**
 * Rebuilding an empty event store from the journal: the journal's events appended again in
 * order, batch by batch, each checked to come back with the seq and store hash the journal
 * recorded (so the rebuilt chain is the one that was acknowledged, not merely a similar one).
 */
import type { AppendInput, EventStore } from '../../shared/store/eventStore';
import type { StoredEvent } from '../../shared/events/event';
import { readJournal } from './journalReader';
import { listSegments } from './journal';

export interface RebuildProgress {
  readonly events: number;
  readonly total: number;
}

function appendInputOf(event: StoredEvent): AppendInput {
  const { seq: _seq, hash: _hash, subject: _subject, ...input } = event;
  return input;
}

/** Appends the journal of `dataDir` into `store` (which must be empty); resolves with the events rebuilt. */
export async function rebuildFromJournal(store: EventStore, dataDir: string, total: number, onProgress?: (progress: RebuildProgress) => void): Promise<number> {
  const first = listSegments(dataDir)[0];
  if (first && first.firstSeq !== 1) {
    throw new Error(`the journal starts at seq ${first.firstSeq} (older segments were pruned after an export): restore that export first (npm run audit -- restore FILE --data-dir DIR)`);
  }
  const head = await store.headSeq();
  if (head !== 0) throw new Error(`the store to rebuild must be empty, but it holds ${head} events`);
  let rebuilt = 0;
  onProgress?.({ events: 0, total });
  const verdict = await readJournal(dataDir, {
    onEvents: async (events) => {
      const stored = await store.append(events.map(appendInputOf));
      stored.forEach((event, i) => {
        const want = events[i] as StoredEvent;
        if (event.seq !== want.seq || event.hash !== want.hash) {
          throw new Error(`rebuilding: the journal's event ${want.id} came back as seq ${event.seq} with another hash than recorded at seq ${want.seq}`);
        }
      });
      rebuilt += stored.length;
      onProgress?.({ events: rebuilt, total });
    },
  });
  if (!verdict.ok) throw new Error(`the journal is damaged at ${verdict.segment} line ${verdict.line}: ${verdict.reason}; ${rebuilt} events were rebuilt before it`);
  return rebuilt;
}
