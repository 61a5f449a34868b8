/**
 * Checks a store's whole hash chain, page by page in seq order, through the EventStore
 * contract only, so it works on every store (in memory, Dexie, the store client over RPC).
 * It names the first event that breaks the chain and why: a missing or wrong hash (the event
 * or one before it changed), a gap in seq (an event was removed), or a recorded head that
 * the events do not reach (events removed from the end).
 */
import type { StoredEvent } from '../events/event';
import type { EventStore } from '../store/eventStore';
import { MAX_PAGE_SIZE } from '../store/queryMatch';
import { GENESIS_HASH, HASH_PATTERN, hasChainHead, storeHashOf } from './chain';

export type ChainVerdict =
  | { readonly ok: true; readonly events: number; readonly headSeq: number; readonly headHash: string }
  | {
      readonly ok: false;
      /** Events checked and found intact before the break. */
      readonly events: number;
      /** The seq of the first event that breaks the chain. */
      readonly seq: number;
      /** Its id, when the event is there (not for a removed one). */
      readonly eventId?: string;
      readonly reason: string;
    };

export interface VerifyChainOptions {
  readonly signal?: AbortSignal;
  /** Called after each page with the events checked so far. */
  readonly onProgress?: (checked: number) => void;
}

function breakAt(events: number, seq: number, reason: string, event?: StoredEvent): ChainVerdict {
  return { ok: false, events, seq, reason, ...(event ? { eventId: event.id } : {}) };
}

export async function verifyStoreChain(store: EventStore, options: VerifyChainOptions = {}): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let cursor: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    const page = await store.query({ order: 'asc', limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    for (const event of page.events) {
      const checked = expectedSeq - 1;
      if (event.seq !== expectedSeq) {
        return breakAt(checked, expectedSeq, `event seq ${expectedSeq} is missing (the next stored event is seq ${event.seq}, id ${event.id})`);
      }
      if (typeof event.hash !== 'string' || !HASH_PATTERN.test(event.hash)) {
        return breakAt(checked, event.seq, 'the event has no hash', event);
      }
      const want = storeHashOf(prev, event);
      if (event.hash !== want) {
        return breakAt(checked, event.seq, `hash mismatch: stored ${event.hash}, computed ${want} (the event, or its position, changed)`, event);
      }
      prev = event.hash;
      expectedSeq += 1;
    }
    options.onProgress?.(expectedSeq - 1);
    if (!page.nextCursor || page.events.length === 0) break;
    cursor = page.nextCursor;
  }
  const events = expectedSeq - 1;
  const headSeq = await store.headSeq();
  if (headSeq !== events) return breakAt(events, events + 1, `the store's head is seq ${headSeq} but the chain ends at seq ${events}`);
  if (hasChainHead(store)) {
    const recorded = await store.chainHead();
    if (recorded.seq !== events || recorded.hash !== prev) {
      const seq = recorded.seq > events ? events + 1 : Math.max(recorded.seq, 1);
      return breakAt(events, seq, `the recorded chain head (seq ${recorded.seq}, hash ${recorded.hash}) does not match the events (seq ${events}, hash ${prev}): events were removed or changed at the end`);
    }
  }
  return { ok: true, events, headSeq: events, headHash: prev };
}
