/**
 * The Dexie store's delivery records. A fresh event's deliveries sit in the `deliveryBatches`
 * row of its append (deliveryBatches.ts says why and how); every other record is one
 * `deliveries` row per (event, subscriber), with the pending ones findable per subscriber
 * through `pendingSeq` (plantDatabase.ts says why) and the dead letters through
 * `deadLetteredAt`. A `deliveries` row, when there is one, is the record.
 *
 * Writes must run one at a time (the store's write queue runs them): a batch row is read,
 * changed and written back. A delivery's record moves to the table once (its entry is then
 * KEPT) and never back, so the batch and the table never both hold it; the bus writes no
 * record of an event before its append has stored it.
 */
import { Dexie } from 'dexie';
import type { DeadLetter, DeliveryRecord } from '../../shared/store/eventStore';
import type { DeliveryRow, PlantDatabase } from './plantDatabase';
import type { SegmentReader } from './segmentReader';
import { entryOf, isPlain, KEPT, pendingEntries, plainEntriesAt, recordAt, setEntry, withPending } from './deliveryBatches';
import type { DeliveryBatchRow } from './deliveryBatches';

export function toRow(record: DeliveryRecord): DeliveryRow {
  const pending = record.status !== 'PROCESSED' && record.deadLetteredAt === undefined;
  return pending ? { ...record, pendingSeq: record.seq } : record;
}

function fromRow(row: DeliveryRow): DeliveryRecord {
  const { pendingSeq: _pendingSeq, ...record } = row;
  return record;
}

/** A row of `seen` holding `seq`, or undefined when none was read yet. */
function seenBatch(seen: ReadonlyMap<number, DeliveryBatchRow>, seq: number): DeliveryBatchRow | undefined {
  for (const row of seen.values()) if (row.first <= seq && seq <= row.last) return row;
  return undefined;
}

/** `row` when it holds `seq` (and then remembered in `seen`), else null. */
function batchHolding(seq: number, row: DeliveryBatchRow | undefined, seen?: Map<number, DeliveryBatchRow>): DeliveryBatchRow | null {
  if (!row || seq > row.last) return null;
  seen?.set(row.first, row);
  return row;
}

export class DeliveryTable {
  constructor(
    private readonly db: PlantDatabase,
    private readonly segments: SegmentReader,
  ) {}

  /** Call from the store's write queue only. */
  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { db } = this;
    // Read before the transaction: an event before the index's window is checked on its summary.
    const stored = await this.segments.idsStoredAt(records);
    await db.transaction('rw', [db.deliveries, db.deliveryBatches], async () => {
      const batches = new Map<number, DeliveryBatchRow>();
      const changed = new Set<DeliveryBatchRow>();
      const rows = new Map<string, DeliveryRow>();
      for (const [i, record] of records.entries()) {
        // Only Dexie's own promises may be awaited inside its transaction.
        let row = stored[i] ? seenBatch(batches, record.seq) : null;
        if (row === undefined) row = batchHolding(record.seq, await this.lastBatchFrom(record.seq), batches);
        const at = row ? entryOf(row, record.seq, record.subscriber) : -1;
        const key = `${record.subscriber}\u0000${record.eventId}`;
        if (row && at >= 0 && row.state[at] !== KEPT && isPlain(record)) {
          setEntry(row, at, record);
          changed.add(row);
          continue;
        }
        rows.set(key, toRow(record));
        if (row && at >= 0) {
          setEntry(row, at, null);
          changed.add(row);
        }
      }
      if (rows.size > 0) await db.deliveries.bulkPut([...rows.values()]);
      if (changed.size > 0) await db.deliveryBatches.bulkPut([...changed].map(withPending));
    });
  }

  async getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    const seqs = await this.segments.seqsWithIdHashes(eventId);
    return this.reading(async () => {
      const row = await this.db.deliveries.get([eventId, subscriber]);
      if (row) return fromRow(row);
      for (const seq of seqs) {
        const batch = await this.batchOf(seq);
        const at = batch ? entryOf(batch, seq, subscriber) : -1;
        if (batch && at >= 0) return recordAt(batch, at, eventId);
      }
      return null;
    });
  }

  async pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    // Both tables as of one moment: an append committed between two reads would be listed
    // as pending, and delivered twice (once fresh, once recovered).
    const [rows, batches] = await this.reading(() =>
      Promise.all([
        this.db.deliveries.where('[subscriber+pendingSeq]').between([subscriber, Dexie.minKey], [subscriber, Dexie.maxKey]).toArray(),
        this.db.deliveryBatches.where('pendingSubs').equals(subscriber).toArray(),
      ]),
    );
    const records = rows.map(fromRow);
    const entries = batches.flatMap((batch) => pendingEntries(batch, subscriber).map((at) => ({ batch, at })));
    if (entries.length > 0) {
      const ids = new Map((await this.segments.eventsAt(entries.map(({ batch, at }) => batch.seq[at]!))).map((event) => [event.seq, event.id]));
      for (const { batch, at } of entries) {
        const id = ids.get(batch.seq[at]!);
        if (id !== undefined) records.push(recordAt(batch, at, id));
      }
      records.sort((a, b) => a.seq - b.seq);
    }
    return records;
  }

  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    const seqs = await this.segments.seqsWithIdHashes(eventId);
    return this.reading(async () => {
      const records = (await this.db.deliveries.where('eventId').equals(eventId).toArray()).map(fromRow);
      for (const seq of seqs) {
        const batch = await this.batchOf(seq);
        if (batch) for (const at of plainEntriesAt(batch, seq)) records.push(recordAt(batch, at, eventId));
      }
      return records;
    });
  }

  /** Runs `read` on both delivery tables in one read transaction (a record moves between them). */
  private reading<T>(read: () => Promise<T>): Promise<T> {
    return this.db.transaction('r', [this.db.deliveries, this.db.deliveryBatches], read);
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const rows = await this.db.deliveries.where('deadLetteredAt').aboveOrEqual(Dexie.minKey).toArray();
    const letters = rows.filter((row) => row.discardedAt === undefined).map(fromRow);
    letters.sort((a, b) => a.deadLetteredAt! - b.deadLetteredAt! || a.seq - b.seq);
    const head = this.segments.columns.length;
    const seqs = [...new Set(letters.map((d) => d.seq))].filter((seq) => seq >= 1 && seq <= head).sort((a, b) => a - b);
    const bySeq = new Map((await this.segments.eventsAt(seqs)).map((event) => [event.seq, event]));
    return letters.flatMap((delivery) => {
      const event = bySeq.get(delivery.seq);
      return event ? [{ delivery, event }] : [];
    });
  }

  /** The batch row holding `seq`, if any. */
  private async batchOf(seq: number): Promise<DeliveryBatchRow | null> {
    return batchHolding(seq, await this.lastBatchFrom(seq));
  }

  /** The last batch row starting at or before `seq`. */
  private lastBatchFrom(seq: number): Promise<DeliveryBatchRow | undefined> {
    return this.db.deliveryBatches.where('first').belowOrEqual(seq).last();
  }
}
