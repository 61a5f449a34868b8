/**
 * The PostgreSQL store's delivery records and dead letters, and the moves of event statuses.
 * Neither touches `plant_events`, which is append-only.
 */
import { EVENT_STATUSES } from '../../../shared/events/event';
import type { EventStatus } from '../../../shared/events/event';
import type { DeadLetter, DeliveryRecord, StatusUpdate } from '../../../shared/store/eventStore';
import { isForwardStatus } from '../../../shared/store/queryMatch';
import type { PostgresConnection } from './pgConnection';
import { EVENT_COLUMNS, EVENT_FROM, eventOf } from './pgRows';
import type { EventRow } from './pgRows';
import { statusCode } from './pgRows';

const recordOf = (row: { record: string }): DeliveryRecord => JSON.parse(row.record) as DeliveryRecord;

/** Codes ranked as STATUS_RANK ranks statuses (PROCESSED and FAILED both last), in SQL. */
const RANK = (column: string): string => `least(${column}, 3)`;

export class PgDeliveries {
  constructor(private readonly db: PostgresConnection) {}

  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    // One row per key, the last given winning, as a sequence of puts would leave it.
    const byKey = new Map<string, DeliveryRecord>();
    for (const record of records) byKey.set(JSON.stringify([record.subscriber, record.eventId]), record);
    const rows = [...byKey.values()];
    await this.db.query(
      `INSERT INTO deliveries (subscriber, event_id, seq, status, dead_lettered_at, discarded_at, record)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::float8[], $6::float8[], $7::text[])
       ON CONFLICT (subscriber, event_id) DO UPDATE SET seq = EXCLUDED.seq, status = EXCLUDED.status,
         dead_lettered_at = EXCLUDED.dead_lettered_at, discarded_at = EXCLUDED.discarded_at, record = EXCLUDED.record`,
      [
        rows.map((r) => r.subscriber), rows.map((r) => r.eventId), rows.map((r) => r.seq), rows.map((r) => r.status),
        rows.map((r) => r.deadLetteredAt ?? null), rows.map((r) => r.discardedAt ?? null), rows.map((r) => JSON.stringify(r)),
      ],
      'the delivery records were not stored',
    );
  }

  async getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    const result = await this.db.query<{ record: string }>('SELECT record FROM deliveries WHERE subscriber = $1 AND event_id = $2', [subscriber, eventId]);
    return result.rows[0] ? recordOf(result.rows[0]) : null;
  }

  async pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    const result = await this.db.query<{ record: string }>(
      "SELECT record FROM deliveries WHERE subscriber = $1 AND status <> 'PROCESSED' AND dead_lettered_at IS NULL ORDER BY seq",
      [subscriber],
    );
    return result.rows.map(recordOf);
  }

  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    const result = await this.db.query<{ record: string }>('SELECT record FROM deliveries WHERE event_id = $1', [eventId]);
    // Sorted here by code units, as the other stores sort, whatever the database's collation.
    return result.rows.map(recordOf).sort((a, b) => (a.subscriber < b.subscriber ? -1 : a.subscriber > b.subscriber ? 1 : 0));
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const result = await this.db.query<EventRow & { record: string }>(
      `SELECT d.record, ${EVENT_COLUMNS} FROM deliveries d JOIN ${EVENT_FROM} ON e.id = d.event_id
       WHERE d.dead_lettered_at IS NOT NULL AND d.discarded_at IS NULL ORDER BY d.dead_lettered_at, d.seq`,
    );
    return result.rows.map((row) => ({ delivery: recordOf(row), event: eventOf(row) }));
  }

  /**
   * Moves statuses forward. Several updates of one event fold in order here; the database
   * keeps the move only if it is still forward when written, so two stores moving the same
   * event cannot move it back.
   */
  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    const wanted = updates.filter((u) => typeof u?.eventId === 'string' && EVENT_STATUSES.includes(u.status));
    if (wanted.length === 0) return;
    const current = await this.db.query<{ id: string; seq: string; status: number }>(
      `SELECT e.id, e.seq, coalesce(s.status, e.status0) AS status FROM ${EVENT_FROM} WHERE e.id = ANY($1::text[])`,
      [[...new Set(wanted.map((u) => u.eventId))]],
    );
    const state = new Map(current.rows.map((row) => [row.id, { seq: Number(row.seq), from: EVENT_STATUSES[row.status]!, to: EVENT_STATUSES[row.status]! }]));
    for (const { eventId, status } of wanted) {
      const entry = state.get(eventId);
      if (entry && isForwardStatus(entry.to, status)) entry.to = status;
    }
    const moves = [...state.values()].filter((entry) => entry.to !== entry.from);
    if (moves.length === 0) return;
    await this.db.query(
      `INSERT INTO event_status (seq, status) SELECT * FROM unnest($1::int8[], $2::int2[])
       ON CONFLICT (seq) DO UPDATE SET status = EXCLUDED.status
       WHERE ${RANK('EXCLUDED.status')} > ${RANK('event_status.status')} OR (event_status.status = ${statusCode('FAILED')} AND EXCLUDED.status = ${statusCode('PROCESSED')})`,
      [moves.map((m) => m.seq), moves.map((m) => statusCode(m.to as EventStatus))],
      'the status changes were not stored',
    );
  }
}
