/**
 * The PostgreSQL store's appender. Group commit: appends queued while a commit runs go
 * together into the next transaction, and each resolves only after that commit.
 *
 * Gap-free seq and the hash chain need one appender at a time per database, across
 * processes and stations: every append transaction first takes a transaction-scoped
 * advisory lock. An append is numbered and hashed when handed in, after the head this writer
 * expects (its own last write), and the transaction writes it only if the committed head is
 * still that one; otherwise (another store moved it, or nothing is expected yet) it reads the
 * head under the lock and numbers and hashes after it. The lock is released by the commit, so
 * the next appender sees these rows, and a reader can never see seq n + 1 before seq n.
 * Numbering ahead takes a round trip and the hashing out of the locked transaction.
 *
 * An invalid event, or one whose id is stored or taken earlier in the group, is refused
 * alone; a transaction that fails fails every append in it and stores nothing of them.
 * When PostgreSQL itself refuses rows (PostgresRefusedError), the group's appends go again
 * one transaction each, so that only the append holding them fails.
 */
import type pg from 'pg';
import { storeHashOf, type ChainHead } from '../../../shared/audit/chain';
import { jsonNumber } from '../../../shared/audit/canonical';
import { subjectOf } from '../../../shared/events/event';
import type { PlantEvent, StoredEvent } from '../../../shared/events/event';
import { sealEvent } from '../../../shared/events/sealed';
import { EventValidationError } from '../../../shared/events/validate';
import type { AppendInput } from '../../../shared/store/eventStore';
import { numberedCopy } from '../../../shared/store/numbered';
import { PostgresRefusedError, type PostgresConnection } from './pgConnection';
import { APPEND_LOCK } from './pgSchema';
import { arrayLiteral, numberElements, textElements } from './pgArrays';
import { bodyOf, bodyWithPayload, columnText, payloadText, priorityCode, statusCode } from './pgRows';
import { blockColumns, insertBlocks, prepareBlocks, type PreparedBlocks } from './pgTextBlocks';

/** Events one group commit writes at most. */
const MAX_GROUP_EVENTS = 10_000;

/** An append's columns that do not depend on seq, as array literal elements (pgArrays.ts), made before its transaction. */
interface PreparedColumns {
  readonly ids: string;
  readonly types: string;
  readonly sources: string;
  readonly timestamps: string;
  readonly priorities: string;
  readonly statuses: string;
  readonly subjects: string;
  readonly correlations: string;
  readonly bodies: string;
  readonly texts: string;
  readonly blocks: PreparedBlocks;
}

type AppendOp = {
  readonly events: readonly PlantEvent[];
  readonly columns: PreparedColumns;
  readonly deliveries: readonly (readonly string[])[];
  resolve(value: StoredEvent[]): void;
  reject(error: unknown): void;
  /** Numbered ahead of its transaction (PgWriter.tail), or null. */
  numbered: Numbered | null;
};

/** The events' rows as one array per column, for INSERT_EVENTS (tests and the benchmark's raw baseline insert rows this way). */
export function eventColumns(events: readonly StoredEvent[]): unknown[] {
  return [
    events.map((e) => e.seq), events.map((e) => e.id), events.map((e) => e.type), events.map((e) => columnText(e.source)),
    events.map((e) => e.timestamp), events.map((e) => priorityCode(e.priority)), events.map((e) => statusCode(e.status)),
    events.map((e) => columnText(e.subject)), events.map((e) => columnText(e.correlationId)), events.map((e) => e.hash),
    events.map(bodyOf), events.map(payloadText),
  ];
}

/**
 * Bodies and payload texts are JSON.stringify's output, which never holds a raw line feed, so
 * they travel as one text of lines that PostgreSQL splits (`string_to_array`) instead of an
 * array literal: quoting every double quote of every body cost 25 µs per event, joining the
 * lines 1 µs (20,000 plant-mix events, measured side by side). One pass over the events fills
 * every column, and the time's text is made once for the body and its column.
 */
function prepareColumns(events: readonly PlantEvent[]): PreparedColumns {
  const count = events.length;
  const ids: string[] = new Array<string>(count);
  const types: string[] = new Array<string>(count);
  const sources: string[] = new Array<string>(count);
  const timestamps: string[] = new Array<string>(count);
  const priorities: number[] = new Array<number>(count);
  const statuses: number[] = new Array<number>(count);
  const subjects: (string | null)[] = new Array<string | null>(count);
  const correlations: (string | null)[] = new Array<string | null>(count);
  const bodies: string[] = new Array<string>(count);
  const texts: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const event = events[i]!;
    const payload = JSON.stringify(event.payload);
    const time = jsonNumber(event.timestamp);
    ids[i] = event.id;
    types[i] = event.type;
    sources[i] = columnText(event.source);
    timestamps[i] = time;
    priorities[i] = priorityCode(event.priority);
    statuses[i] = statusCode(event.status);
    subjects[i] = columnText(subjectOf(event.payload));
    correlations[i] = columnText(event.correlationId);
    bodies[i] = bodyWithPayload(event, payload, time);
    texts[i] = payload.toLowerCase();
  }
  return {
    ids: textElements(ids), types: textElements(types), sources: textElements(sources), timestamps: timestamps.join(','),
    priorities: numberElements(priorities), statuses: numberElements(statuses), subjects: textElements(subjects), correlations: textElements(correlations),
    bodies: bodies.join('\n'), texts: texts.join('\n'), blocks: prepareBlocks(texts),
  };
}

/** The group's rows in WRITE_EVENTS' column order: array literals, and the bodies and texts as lines. */
function groupColumns(ops: readonly AppendOp[], stored: readonly StoredEvent[]): string[] {
  const joined = (column: Exclude<keyof PreparedColumns, 'blocks' | 'bodies' | 'texts'>) => arrayLiteral(ops.map((op) => op.columns[column]));
  return [
    arrayLiteral([numberElements(stored.map((e) => e.seq))]), joined('ids'), joined('types'), joined('sources'), joined('timestamps'),
    joined('priorities'), joined('statuses'), joined('subjects'), joined('correlations'), arrayLiteral([textElements(stored.map((e) => e.hash))]),
    ops.map((op) => op.columns.bodies).join('\n'), ops.map((op) => op.columns.texts).join('\n'),
  ];
}

export const INSERT_EVENTS = `INSERT INTO plant_events (seq, id, type, source, ts, priority, status0, subject, correlation_id, hash, body, payload_lc)
  SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::int2[], $7::int2[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`;

/** INSERT_EVENTS as the appender sends it: bodies and payload texts as lines (prepareColumns). */
const WRITE_EVENTS = INSERT_EVENTS.replace('$11::text[], $12::text[]', "string_to_array($11::text, E'\\n'), string_to_array($12::text, E'\\n')");

/**
 * The group's rows, written only when the chain head is still ($19, $20), the head the rows
 * were numbered after: the UPDATE's row count says whether they were.
 */
const WRITE_GROUP = `WITH guard AS (SELECT FROM chain_head WHERE seq = $19 AND hash = $20),
  events AS (${WRITE_EVENTS} WHERE EXISTS (SELECT FROM guard)),
  deliveries AS (INSERT INTO deliveries (subscriber, event_id, seq, status, record)
    SELECT d.subscriber, d.event_id, d.seq, 'PUBLISHED', d.record FROM unnest($13::text[], $14::text[], $15::int8[], $16::text[]) AS d(subscriber, event_id, seq, record)
    WHERE EXISTS (SELECT FROM guard)),
  blocks AS (${insertBlocks(21, 22, 23)} WHERE EXISTS (SELECT FROM guard))
  UPDATE chain_head SET seq = $17, hash = $18 WHERE seq = $19 AND hash = $20`;

/**
 * WRITE_GROUP is prepared once per connection (a named statement): PostgreSQL then no longer
 * parses and plans its five parts for every transaction.
 */
const WRITE_GROUP_NAME = 'plant_write_group';

/** Appends numbered and hashed after `after`: what `resolve` hands back once written. */
interface Numbered {
  readonly after: ChainHead;
  readonly stored: StoredEvent[];
}

/** The events numbered and hashed after `head`. */
function numberAfter(head: ChainHead, events: readonly PlantEvent[]): Numbered {
  let seq = head.seq;
  let prevHash = head.hash;
  const stored = events.map((event) => {
    const numbered = numberedCopy(event, ++seq, subjectOf(event.payload));
    numbered.hash = prevHash = storeHashOf(prevHash, numbered);
    return Object.freeze(numbered) as StoredEvent;
  });
  return { after: head, stored };
}

const lastOf = (numbered: Numbered): ChainHead => {
  const last = numbered.stored[numbered.stored.length - 1]!;
  return { seq: last.seq, hash: last.hash! };
};

export class PgWriter {
  private readonly ops: AppendOp[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  /**
   * The chain head after the last append queued, as this writer expects it (null: not known). An
   * append is numbered and hashed after it when handed in, before its transaction, so that the
   * transaction only checks the head is still that one and writes; another writer having moved it,
   * or an id already stored, sends the group through the careful way (head read under the lock).
   */
  private tail: ChainHead | null = null;

  constructor(private readonly db: PostgresConnection) {}

  async append(events: readonly AppendInput[], deliveries: readonly (readonly string[])[] = []): Promise<StoredEvent[]> {
    const sealed = events.map((event) => sealEvent(event));
    const ids = new Set<string>();
    for (const { id } of sealed) {
      if (ids.has(id)) throw new EventValidationError('id', `duplicate id ${id}`);
      ids.add(id);
    }
    if (sealed.length === 0) return [];
    if (this.closed) throw new Error('the event store is closed');
    return new Promise<StoredEvent[]>((resolve, reject) => {
      const op: AppendOp = { events: sealed, columns: prepareColumns(sealed), deliveries, resolve, reject, numbered: null };
      this.number(op);
      this.ops.push(op);
      this.draining ??= this.drain();
    });
  }

  /** Refuses what is still queued and waits for the commit in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const op of this.ops.splice(0)) op.reject(new Error('the event store closed before this write started'));
    await this.draining;
  }

  private number(op: AppendOp): void {
    op.numbered = this.tail && numberAfter(this.tail, op.events);
    this.tail = op.numbered && lastOf(op.numbered);
  }

  /** After a commit that did not go as numbered: the queued appends again after the head now known (or none). */
  private renumber(head: ChainHead | null): void {
    this.tail = head;
    for (const op of this.ops) this.number(op);
  }

  private async drain(): Promise<void> {
    try {
      while (this.ops.length > 0) {
        const group: AppendOp[] = [];
        let count = 0;
        while (this.ops.length > 0 && (group.length === 0 || count + this.ops[0]!.events.length <= MAX_GROUP_EVENTS)) {
          const op = this.ops.shift()!;
          group.push(op);
          count += op.events.length;
        }
        await this.commit(group);
      }
    } finally {
      this.draining = null;
    }
  }

  private async commit(group: readonly AppendOp[]): Promise<void> {
    const what = `${group.reduce((n, op) => n + op.events.length, 0)} events were not stored`;
    let written: { accepted: AppendOp[]; stored: StoredEvent[][]; head: ChainHead | null };
    try {
      written = await this.db.transaction(what, async (client) => {
        if (isChained(group)) {
          const stored = group.map((op) => op.numbered!.stored);
          const head = lastOf(group[group.length - 1]!.numbered!);
          if (await writeGroup(client, group, stored, group[0]!.numbered!.after, head)) return { accepted: [...group], stored, head: null };
        }
        return this.writeCarefully(client, group);
      }, `BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
    } catch (error) {
      if (error instanceof PostgresRefusedError && group.some((op) => op.numbered)) {
        // An id stored already, or rows PostgreSQL refuses: told apart the careful way.
        for (const op of group) op.numbered = null;
        return this.commit(group);
      }
      this.renumber(null);
      if (error instanceof PostgresRefusedError && group.length > 1) {
        for (const op of group) await this.commit([op]);
        return;
      }
      // Every append of the group not refused on its own fails with the transaction (a settled promise ignores this).
      for (const op of group) op.reject(error);
      return;
    }
    if (written.head) this.renumber(written.head);
    written.accepted.forEach((op, i) => op.resolve(written.stored[i]!));
  }

  /** Reads the head and the ids taken under the lock, refuses the appends repeating one, and writes the others after that head. */
  private async writeCarefully(client: pg.PoolClient, group: readonly AppendOp[]): Promise<{ accepted: AppendOp[]; stored: StoredEvent[][]; head: ChainHead }> {
    const ids = group.flatMap((op) => op.events.map((event) => event.id));
    const found = await client.query<{ seq: string; hash: string; taken: string[] }>(
      'SELECT h.seq, h.hash, ARRAY(SELECT id FROM plant_events WHERE id = ANY($1::text[])) AS taken FROM chain_head h',
      [ids],
    );
    const row = found.rows[0];
    if (!row) throw new Error('the chain_head row is missing: the database was changed by hand');
    const taken = new Set(row.taken);
    const accepted: AppendOp[] = [];
    for (const op of group) {
      const repeated = op.events.find((event) => taken.has(event.id));
      if (repeated) {
        op.reject(new EventValidationError('id', `duplicate id ${repeated.id}`));
        continue;
      }
      for (const event of op.events) taken.add(event.id);
      accepted.push(op);
    }
    let head: ChainHead = { seq: Number(row.seq), hash: row.hash };
    const before = head;
    const stored = accepted.map((op) => {
      const numbered = numberAfter(head, op.events);
      head = lastOf(numbered);
      return numbered.stored;
    });
    if (accepted.length > 0) await writeGroup(client, accepted, stored, before, head);
    return { accepted, stored, head };
  }
}

/** Whether every append of the group was numbered, each after the one before it. */
function isChained(group: readonly AppendOp[]): boolean {
  return group.every((op, i) => {
    if (!op.numbered) return false;
    const previous = i === 0 ? null : group[i - 1]!.numbered;
    return !previous || (op.numbered.after.seq === lastOf(previous).seq && op.numbered.after.hash === lastOf(previous).hash);
  });
}

/** Writes the group's rows if the chain head is still `before`; whether it was. */
async function writeGroup(client: pg.PoolClient, ops: readonly AppendOp[], stored: readonly StoredEvent[][], before: ChainHead, head: ChainHead): Promise<boolean> {
  const [subscribers, deliveryIds, deliverySeqs, records] = deliveryColumns(ops, stored);
  const result = await client.query({ name: WRITE_GROUP_NAME, text: WRITE_GROUP, values: [
    ...groupColumns(ops, stored.flat()), subscribers, deliveryIds, deliverySeqs, records, head.seq, head.hash, before.seq, before.hash,
    ...blockColumns(ops.map((op) => op.columns.blocks), before.seq + 1),
  ] });
  return result.rowCount === 1;
}

/** The PUBLISHED delivery records the appends ask for, one array per column. */
function deliveryColumns(ops: readonly AppendOp[], stored: readonly StoredEvent[][]): [string[], string[], number[], string[]] {
  const columns: [string[], string[], number[], string[]] = [[], [], [], []];
  const now = Date.now();
  ops.forEach((op, i) => stored[i]!.forEach((event, j) => {
    for (const subscriber of new Set(op.deliveries[j] ?? [])) {
      columns[0].push(subscriber);
      columns[1].push(event.id);
      columns[2].push(event.seq);
      columns[3].push(JSON.stringify({ eventId: event.id, seq: event.seq, subscriber, status: 'PUBLISHED', attempts: 0, errors: [], updatedAt: now }));
    }
  }));
  return columns;
}
