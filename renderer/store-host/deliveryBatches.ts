/**
 * Delivery records of fresh events, packed: one `deliveryBatches` row per append transaction
 * instead of one `deliveries` row per event and subscriber. IndexedDB's cost is per record
 * and per index entry, and a row per delivery (four index entries each, written again when
 * the delivery is processed) cost more than the events themselves.
 *
 * A batch row lists its entries (seq, subscriber) in seq order with each one's state and
 * time. Most deliveries only ever move PUBLISHED → DELIVERED → PROCESSED at their first
 * attempt; such a "plain" record is kept as the entry's state and time. Any other record
 * (an error, a retry, a dead letter, a discard) goes to the `deliveries` table as before and
 * the entry is marked KEPT: from then on the table's row is the record.
 *
 * `pendingSubs` names the subscribers with entries not yet processed (absent when none), a
 * multi-entry index, so a restart finds a subscriber's pending batches without a full scan.
 */
import type { DeliveryRecord, DeliveryStatus } from '../../shared/store/eventStore';

export interface DeliveryBatchRow {
  /** First seq of the append that wrote the row (the key). */
  readonly first: number;
  /** Last seq of that append. */
  readonly last: number;
  readonly subscribers: readonly string[];
  /** Per entry: index into `subscribers`. */
  readonly sub: Uint16Array;
  /** Per entry: the event's seq (ascending). */
  readonly seq: Float64Array;
  /** Per entry: PUBLISHED, DELIVERED, PROCESSED or KEPT (see the module comment). */
  readonly state: Uint8Array;
  /** Per entry: the record's `updatedAt`. */
  readonly at: Float64Array;
  readonly pendingSubs?: readonly string[];
}

const PLAIN_STATES: readonly DeliveryStatus[] = ['PUBLISHED', 'DELIVERED', 'PROCESSED'];
/** The entry's record lives in the `deliveries` table. */
export const KEPT = 3;
const PROCESSED = 2;

/** A record the batch row can hold: no error, no retry, no dead letter, attempts as a first delivery has them. */
export function isPlain(record: DeliveryRecord): boolean {
  const state = PLAIN_STATES.indexOf(record.status);
  if (state < 0 || record.attempts !== (state === 0 ? 0 : 1) || record.errors.length > 0) return false;
  return (
    record.lastError === undefined && record.nextAttemptAt === undefined && record.deadLetteredAt === undefined &&
    record.discardedAt === undefined && record.discardReason === undefined
  );
}

/** The row of one append: `deliveries[i]` lists the subscribers of the event at seq `first + i`. */
export function newBatch(first: number, last: number, deliveries: readonly (readonly string[] | undefined)[], now: number): DeliveryBatchRow | null {
  const subscribers: string[] = [];
  const codes = new Map<string, number>();
  const subs: number[] = [];
  const seqs: number[] = [];
  deliveries.forEach((names, i) => {
    if (!names) return;
    // A name listed twice gets one entry. A short list (the usual few subscribers) is checked on
    // itself: a Set for every event was garbage made on every append.
    const listed = names.length > 16 ? [...new Set(names)] : names;
    for (let k = 0; k < listed.length; k++) {
      const name = listed[k]!;
      if (listed.indexOf(name) < k) continue;
      let code = codes.get(name);
      if (code === undefined) {
        code = subscribers.push(name) - 1;
        codes.set(name, code);
      }
      subs.push(code);
      seqs.push(first + i);
    }
  });
  if (seqs.length === 0) return null;
  const n = seqs.length;
  return { first, last, subscribers, sub: Uint16Array.from(subs), seq: Float64Array.from(seqs), state: new Uint8Array(n), at: new Float64Array(n).fill(now), pendingSubs: subscribers };
}

/** Where (seq, subscriber) is in the row, or -1. */
export function entryOf(row: DeliveryBatchRow, seq: number, subscriber: string): number {
  const code = row.subscribers.indexOf(subscriber);
  if (code < 0) return -1;
  let lo = 0;
  let hi = row.seq.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (row.seq[mid]! < seq) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < row.seq.length && row.seq[i] === seq; i++) if (row.sub[i] === code) return i;
  return -1;
}

/** Entries of the row at `seq` whose record the row holds (not KEPT). */
export function plainEntriesAt(row: DeliveryBatchRow, seq: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < row.seq.length; i++) if (row.seq[i] === seq && row.state[i] !== KEPT) found.push(i);
  return found;
}

/** Entries of `subscriber` not yet processed, in seq order. */
export function pendingEntries(row: DeliveryBatchRow, subscriber: string): number[] {
  const code = row.subscribers.indexOf(subscriber);
  const found: number[] = [];
  for (let i = 0; i < row.seq.length; i++) if (row.sub[i] === code && row.state[i]! < PROCESSED) found.push(i);
  return found;
}

export function recordAt(row: DeliveryBatchRow, i: number, eventId: string): DeliveryRecord {
  const status = PLAIN_STATES[row.state[i]!] as DeliveryStatus;
  return { eventId, seq: row.seq[i]!, subscriber: row.subscribers[row.sub[i]!] as string, status, attempts: status === 'PUBLISHED' ? 0 : 1, errors: [], updatedAt: row.at[i]! };
}

/** Sets entry `i` from a plain record, or to KEPT when `record` is null. */
export function setEntry(row: DeliveryBatchRow, i: number, record: DeliveryRecord | null): void {
  row.state[i] = record ? PLAIN_STATES.indexOf(record.status) : KEPT;
  if (record) row.at[i] = record.updatedAt;
}

/** The row as it should be stored after its entries changed: `pendingSubs` recomputed. */
export function withPending(row: DeliveryBatchRow): DeliveryBatchRow {
  const pending = new Set<string>();
  for (let i = 0; i < row.seq.length; i++) if (row.state[i]! < PROCESSED) pending.add(row.subscribers[row.sub[i]!] as string);
  const { pendingSubs: _old, ...rest } = row;
  return pending.size > 0 ? { ...rest, pendingSubs: [...pending] } : rest;
}
