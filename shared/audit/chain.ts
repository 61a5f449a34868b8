/**
 * The store's hash chain. Every stored event carries `hash`:
 *
 *   hash_n = SHA-256( UTF-8( hash_{n-1} + canonicalJson(chainForm(event_n)) ) )
 *
 * with hash_0 = GENESIS_HASH (64 zeros) and hashes written as 64 lowercase hex digits, so the
 * whole history is one chain: changing, removing, inserting or moving any event breaks every
 * hash after it.
 *
 * `chainForm` is what happened, as the store numbered it: id, type, source, timestamp,
 * payload, priority, metadata, correlationId and causationId when present, and seq. Left out:
 * `status` (the delivery status moves forward after the append, by design), `subject` (derived
 * from the payload) and the hash itself.
 */
import type { StoredEvent } from '../events/event';
import { canonicalJson, jsonNumber, jsonString } from './canonical';
import { sha256HexOfText } from './sha256';

export const GENESIS_HASH = '0'.repeat(64);
export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The head of a chain: the last event's seq and hash (0 and GENESIS_HASH when empty). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_CHAIN: ChainHead = Object.freeze({ seq: 0, hash: GENESIS_HASH });

/** The next link: SHA-256 over the previous hash and the canonical text, as UTF-8. */
export function chainHash(prevHash: string, canonicalText: string): string {
  return sha256HexOfText(prevHash + canonicalText);
}

type ChainInput = Pick<StoredEvent, 'id' | 'type' | 'source' | 'timestamp' | 'payload' | 'priority' | 'metadata' | 'correlationId' | 'causationId' | 'seq'>;

/** A string field as JSON.stringify writes it (anything else too, as the chain text always did). */
function text(value: unknown): string {
  return typeof value === 'string' ? jsonString(value) : `${JSON.stringify(value)}`;
}

/** A number field as canonicalJson writes it (which also refuses what is not a finite number). */
function number(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? jsonNumber(value) : canonicalJson(value);
}

/**
 * The canonical text a store hash covers (see above): canonicalJson of those fields, written
 * member by member in sorted key order (appends pay for it, so no object is built and sorted;
 * a unit test checks it against canonicalJson).
 */
export function chainText(event: ChainInput): string {
  let out = '{';
  if (event.causationId !== undefined) out += '"causationId":' + text(event.causationId) + ',';
  if (event.correlationId !== undefined) out += '"correlationId":' + text(event.correlationId) + ',';
  return (
    out + '"id":' + text(event.id) + ',"metadata":' + canonicalJson(event.metadata) + ',"payload":' + canonicalJson(event.payload) +
    ',"priority":' + text(event.priority) + ',"seq":' + number(event.seq) + ',"source":' + text(event.source) +
    ',"timestamp":' + number(event.timestamp) + ',"type":' + text(event.type) + '}'
  );
}

/** The store hash of `event`, chained after `prevHash`. */
export function storeHashOf(prevHash: string, event: ChainInput): string {
  return chainHash(prevHash, chainText(event));
}

/** A store that can name its recorded chain head (kept apart from the events, e.g. in a meta table). */
export interface ChainHeadReader {
  chainHead(): Promise<ChainHead>;
}

export function hasChainHead(store: object): store is ChainHeadReader {
  return typeof (store as Partial<ChainHeadReader>).chainHead === 'function';
}
