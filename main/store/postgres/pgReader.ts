/**
 * The PostgreSQL store's reads: events by id and seq, query pages with their cursors, counts,
 * and snapshots. Validation, cursors and page building are the shared ones
 * (shared/store/pagePlan.ts), so every store pages alike.
 */
import type { StoredEvent } from '../../../shared/events/event';
import type { EventPage, EventQuery, Snapshot } from '../../../shared/store/eventStore';
import { finishPage, planPage } from '../../../shared/store/pagePlan';
import type { PostgresConnection } from './pgConnection';
import { conditionsOf, KNOWN_TYPES_SQL, SqlParams, whereClause } from './pgFilters';
import { FIND_BLOCKS_SQL, joinRanges } from './pgTextBlocks';
import { columnText, EVENT_COLUMNS, EVENT_FROM, eventOf } from './pgRows';
import type { EventRow } from './pgRows';

interface SnapshotRow {
  key: string;
  seq: string;
  max_ts: number;
  created_at: number;
  state: string;
}

export class PgReader {
  constructor(private readonly db: PostgresConnection) {}

  private readonly knownTypes = async (): Promise<string[]> => (await this.db.query<{ type: string }>(KNOWN_TYPES_SQL)).rows.map((row) => row.type);

  private readonly findBlocks = async (keys: readonly number[]): Promise<[number, number][]> =>
    joinRanges((await this.db.query<{ first_seq: string; last_seq: string }>(FIND_BLOCKS_SQL, [keys])).rows);

  private async events(where: string, values: readonly unknown[], tail = ''): Promise<StoredEvent[]> {
    const result = await this.db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} ${where} ${tail}`, values);
    return result.rows.map(eventOf);
  }

  async get(id: string): Promise<StoredEvent | null> {
    if (typeof id !== 'string') return null;
    return (await this.events('WHERE e.id = $1', [id]))[0] ?? null;
  }

  /** The stored events among `ids`, in no particular order (one statement, for a batch's look-up). */
  async getMany(ids: readonly string[]): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    return this.events('WHERE e.id = ANY($1::text[])', [ids]);
  }

  async getBySeq(seq: number): Promise<StoredEvent | null> {
    if (!Number.isSafeInteger(seq) || seq < 1) return null;
    return (await this.events('WHERE e.seq = $1', [seq]))[0] ?? null;
  }

  async query(query: EventQuery): Promise<EventPage> {
    const plan = planPage(query);
    const params = new SqlParams();
    const conditions = await conditionsOf(query, params, this.knownTypes, this.findBlocks);
    if (plan.after !== undefined) conditions.push(`e.seq ${plan.scan === 'asc' ? '>' : '<'} ${params.add(plan.after)}::int8`);
    const order = plan.scan === 'asc' ? 'ASC' : 'DESC';
    const page = `ORDER BY e.seq ${order} LIMIT ${plan.limit + 1}`;
    if (query.from === undefined || query.to === undefined || query.correlationId !== undefined) {
      return finishPage(plan, await this.events(whereClause(conditions), params.values, page));
    }
    // A time window: the planner would walk seq and read each row's time until the page is full, reading every
    // event before the window (it takes matches to be spread evenly over seq). `seq + 0` cannot be read in order
    // from an index, so the page's seqs are picked from the time index and sorted, then only their rows are read.
    // Events are appended about in time order, so the window is read in the page's direction (newest first read
    // backwards): the sort keeping the best page then rarely takes a row in, which cost a third more CPU otherwise.
    // A forward read needs no subquery, whose extra step costs more than it saves there.
    const where = whereClause(conditions);
    const picked = plan.scan === 'asc'
      ? `SELECT e.seq FROM ${EVENT_FROM} ${where} ORDER BY e.seq + 0 ASC LIMIT ${plan.limit + 1}`
      : `SELECT w.seq FROM (SELECT e.seq FROM ${EVENT_FROM} ${where} ORDER BY e.ts DESC) w ORDER BY w.seq + 0 DESC LIMIT ${plan.limit + 1}`;
    return finishPage(plan, await this.windowEvents(`WHERE e.seq IN (${picked})`, params.values, `ORDER BY e.seq ${order}`));
  }

  /**
   * A time window's page, without parallel workers: the planner splits the window's index scan among two of them,
   * which at 1,000,000 events took longer (p50 28 ms quiet) than one process alone (about 11 ms of CPU), and took
   * CPU from everything else on the machine.
   */
  private async windowEvents(where: string, values: readonly unknown[], tail: string): Promise<StoredEvent[]> {
    const result = await this.db.transaction('the read failed', (client) =>
      client.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} ${where} ${tail}`, values as unknown[]), 'BEGIN READ ONLY; SET LOCAL max_parallel_workers_per_gather = 0');
    return result.rows.map(eventOf);
  }

  async count(query: EventQuery = {}): Promise<number> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    planPage(filters);
    const params = new SqlParams();
    const where = whereClause(await conditionsOf(filters, params, this.knownTypes, this.findBlocks));
    const result = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${EVENT_FROM} ${where}`, params.values);
    return Number(result.rows[0]?.n ?? 0);
  }

  async headSeq(): Promise<number> {
    const result = await this.db.query<{ head: string | null }>('SELECT max(seq) AS head FROM plant_events');
    return Number(result.rows[0]?.head ?? 0);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.db.query(
      `INSERT INTO snapshots (key, seq, max_ts, created_at, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key, seq) DO UPDATE SET max_ts = EXCLUDED.max_ts, created_at = EXCLUDED.created_at, state = EXCLUDED.state`,
      [columnText(snapshot.key), snapshot.seq, snapshot.maxTimestamp, snapshot.createdAt, JSON.stringify(snapshot.state)],
      'the snapshot was not saved',
    );
  }

  async nearestSnapshot(key: string, bounds: { toSeq?: number; toTime?: number } = {}): Promise<Snapshot | null> {
    const params = new SqlParams();
    const conditions = [`key = ${params.add(columnText(key))}`];
    if (bounds.toSeq !== undefined) conditions.push(`seq <= ${params.add(bounds.toSeq)}::float8`);
    if (bounds.toTime !== undefined) conditions.push(`max_ts <= ${params.add(bounds.toTime)}::float8`);
    const result = await this.db.query<SnapshotRow>(`SELECT * FROM snapshots WHERE ${conditions.join(' AND ')} ORDER BY seq DESC LIMIT 1`, params.values);
    const row = result.rows[0];
    if (!row) return null;
    return { key, seq: Number(row.seq), maxTimestamp: row.max_ts, state: JSON.parse(row.state) as Snapshot['state'], createdAt: row.created_at };
  }
}
