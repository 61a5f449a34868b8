/**
 * The Dexie store's delivery records: one row per (event, subscriber), with the pending ones
 * findable per subscriber through `pendingSeq` (plantDatabase.ts says why) and the dead
 * letters through `deadLetteredAt`.
 */
import { Dexie } from 'dexie';
import type { DeadLetter, DeliveryRecord } from '../../shared/store/eventStore';
import type { DeliveryRow, PlantDatabase } from './plantDatabase';
import type { SegmentReader } from './segmentReader';

export function toRow(record: DeliveryRecord): DeliveryRow {
  const pending = record.status !== 'PROCESSED' && record.deadLetteredAt === undefined;
  return pending ? { ...record, pendingSeq: record.seq } : record;
}

function fromRow(row: DeliveryRow): DeliveryRecord {
  const { pendingSeq: _pendingSeq, ...record } = row;
  return record;
}

export class DeliveryTable {
  constructor(
    private readonly db: PlantDatabase,
    private readonly segments: SegmentReader,
  ) {}

  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length > 0) await this.db.deliveries.bulkPut(records.map(toRow));
  }

  async getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    const row = await this.db.deliveries.get([eventId, subscriber]);
    return row ? fromRow(row) : null;
  }

  async pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    const rows = await this.db.deliveries
      .where('[subscriber+pendingSeq]')
      .between([subscriber, Dexie.minKey], [subscriber, Dexie.maxKey])
      .toArray();
    return rows.map(fromRow);
  }

  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    return (await this.db.deliveries.where('eventId').equals(eventId).toArray()).map(fromRow);
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
}
