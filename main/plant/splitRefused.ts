/**
 * A batch that a store refused for good (storeRefusal.ts) is split in halves, each half tried
 * again, and a half that is refused too split again, until each refused item stands alone;
 * everything the store takes is stored on the way. Both consumers of the plant stream do this
 * (the archiver, main/archiver/archiveBatch.ts, and a station's inbound link, inbound.ts), so
 * that one event the store will never take does not fail its whole batch for ever.
 *
 * The caller says what storing a part means (`store`, which throws when it was not stored) and
 * what to do with a failure this does not split: `settle` gets the items of the part and the
 * error, which is either a refusal of a single item (keep it as rejected) or not a refusal at
 * all (a duplicate id, a store that is away: the caller's own path, or throw). Parts are tried
 * in order, one after the other; a `settle` that throws ends the whole split with its error.
 */
import { isStoreRefusal } from './storeRefusal';

export type StorePart<T> = (part: readonly T[]) => Promise<void>;
export type SettleFailure<T> = (items: readonly T[], error: unknown) => Promise<void> | void;

/** `items` failed together with `error`: splits a refusal of several; hands anything else to `settle`. */
export async function splitRefused<T>(items: readonly T[], error: unknown, store: StorePart<T>, settle: SettleFailure<T>): Promise<void> {
  if (!isStoreRefusal(error) || items.length < 2) return settle(items, error);
  const half = items.length >> 1;
  for (const part of [items.slice(0, half), items.slice(half)]) {
    try {
      await store(part);
    } catch (partError) {
      await splitRefused(part, partError, store, settle);
    }
  }
}

/** Stores `items` in one piece, or, when the store refuses part of them, as `splitRefused` does. */
export async function storeSplittingRefusals<T>(items: readonly T[], store: StorePart<T>, settle: SettleFailure<T>): Promise<void> {
  try {
    await store(items);
  } catch (error) {
    await splitRefused(items, error, store, settle);
  }
}
