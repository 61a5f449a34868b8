/**
 * An append in two stages, for stores whose append ends with work that need not hold up the
 * next one: the journaled store (main/store/journaledStore.ts) commits in the store host,
 * then syncs its journal file. `appendStaged` resolves once the store has committed (seqs are
 * given, the order is fixed), with `durable`, which resolves once the append is as safe as
 * the store's own `append` makes it. The bus sends its next append after the commit, so that
 * the journal's sync and the delivery of one batch overlap the next commit.
 *
 * A store without stages is staged trivially: committed and durable at once.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { AppendInput, EventStore } from '../../shared/store/eventStore';

export interface StagedAppend {
  /** Rejects when the append cannot be made durable; every later append then fails too (the journal chains them). */
  readonly durable: Promise<StoredEvent[]>;
}

export interface StagedAppendStore {
  appendStaged(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StagedAppend>;
}

function hasStages(store: EventStore): store is EventStore & StagedAppendStore {
  return typeof (store as Partial<StagedAppendStore>).appendStaged === 'function';
}

/** Resolves once `store` has committed the events (rejects if it refused them). */
export async function commitStage(store: EventStore, events: readonly AppendInput[], deliveries: readonly (readonly string[])[]): Promise<StagedAppend> {
  if (hasStages(store)) return store.appendStaged(events, deliveries);
  const stored = await store.append(events, deliveries);
  return { durable: Promise.resolve(stored) };
}
