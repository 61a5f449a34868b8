/**
 * Review mode: a history opened only to be read (`--review`, or a data folder made by the
 * audit import). Nothing is ingested, no rule fires, no derived event or snapshot is
 * written. The core leaves its producers and writing consumers off; the API refuses every
 * method that would write; and the store itself refuses writes, so that anything missed
 * fails in one sentence instead of changing the history.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../../shared/store/eventStore';

export class ReviewModeError extends Error {
  override name = 'ReviewModeError';
  constructor(what: string) {
    super(`review mode: the history is only read here, so ${what} is refused`);
  }
}

const STORE_WRITES = ['append', 'updateStatuses', 'putDeliveries', 'saveSnapshot'] as const satisfies readonly (keyof EventStore)[];

/** The store with its write methods refusing; reads (and close) go through. */
export function readOnlyStore(store: EventStore): EventStore {
  const writes: ReadonlySet<string> = new Set(STORE_WRITES);
  return new Proxy(store, {
    get(target, key, receiver) {
      if (typeof key === 'string' && writes.has(key)) return () => Promise.reject(new ReviewModeError(`writing to the event store (${key})`));
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The marker a data folder made by the audit import carries: opening such a folder starts
 * in review mode, so that reviewing another station's history never adds to it.
 */
export const REVIEW_MARKER = 'review-only.json';

export function isReviewFolder(dataDir: string): boolean {
  return existsSync(join(dataDir, REVIEW_MARKER));
}

export function markReviewFolder(dataDir: string, why: { readonly importedFrom: string }): void {
  const note = { reason: 'made by the audit import: opened in review mode (history read only)', importedFrom: why.importedFrom, at: new Date().toISOString() };
  writeFileSync(join(dataDir, REVIEW_MARKER), `${JSON.stringify(note, null, 2)}\n`);
}
