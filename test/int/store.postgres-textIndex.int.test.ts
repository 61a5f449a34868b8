// The PostgreSQL store's free-text index (blocks of events with their words' keys, instead
// of pg_trgm over every event), on a real PostgreSQL 15 started here: a database of schema
// version 2 opens, migrates and answers text queries as before; text queries over many
// blocks, in both orders and across pages, find exactly what a plain scan finds.
import { describe, expect, it } from 'vitest';
import type { EventQuery, EventStore } from '../../shared/store/eventStore';
import type { StoredEvent } from '../../shared/events/event';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { BLOCK_EVENTS } from '../../main/store/postgres/pgTextBlocks';
import { makeEvents } from '../support/events';
import type { PostgresServer } from '../support/postgresServer';
import { postgresAvailable, serverForThisFile } from '../support/postgresServer';
import { TO_VERSION_2 } from '../support/postgresStore';

const TEXTS = ['Bearing NOISE', 'order-125', '"order-125"', 'order-1250', 'ss-0', '%', '_', '\\', '"', 'ür', '温', 'line 3', 'no such words', 'x'];

/** Every event of the query, page after page, and what a scan of `all` finds for it. */
async function pagedAndScanned(store: EventStore, all: readonly StoredEvent[], query: EventQuery): Promise<[number[], number[]]> {
  const seqs: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ ...query, limit: 7, cursor });
    seqs.push(...page.events.map((e) => e.seq));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const text = query.text!.toLowerCase();
  const found = all.filter((e) => JSON.stringify(e.payload).toLowerCase().includes(text)).map((e) => e.seq);
  return [seqs, query.order === 'desc' ? found.reverse() : found];
}

/** Events whose notes spread the texts over several blocks, some blocks without any of them. */
function notedEvents(count: number, from: number) {
  return makeEvents(count, (i) => {
    const n = from + i;
    const note = n % 97 === 5 ? 'operator reports bearing noise on line 3' : n % 13 === 0 ? `order-${n} 100% done_ \\ "ürün" 温度` : `sample ${n}`;
    return { payload: { equipmentId: `press-${n % 11}`, note } };
  });
}

describe.skipIf(!postgresAvailable())('PostgresEventStore free text', () => {
  let server!: PostgresServer;
  serverForThisFile((started) => (server = started));

  it('finds over many blocks, in both orders and page by page, exactly the events a scan finds, and counts them', async () => {
    const store = await PostgresEventStore.open({ url: server.url(await server.createDatabase()) });
    try {
      const all: StoredEvent[] = [];
      // One append larger than a block, then small ones: blocks of several sizes.
      all.push(...await store.append(notedEvents(BLOCK_EVENTS + 300, 0)));
      for (let i = 0; i < 12; i++) all.push(...await store.append(notedEvents(40, all.length)));
      // Appends handed in together commit together and share blocks.
      const from = all.length;
      const together = await Promise.all(Array.from({ length: 9 }, (_, i) => store.append(notedEvents(130, from + i * 130))));
      all.push(...together.flat());
      for (const text of TEXTS) {
        for (const order of ['asc', 'desc'] as const) {
          const [paged, scanned] = await pagedAndScanned(store, all, { text, order });
          expect(paged, `${text} ${order}`).toEqual(scanned);
        }
        const expected = all.filter((e) => JSON.stringify(e.payload).toLowerCase().includes(text.toLowerCase())).length;
        expect(await store.count({ text }), text).toBe(expected);
      }
      expect(await store.count({ text: 'bearing noise' })).toBeGreaterThan(10);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('migrates a database of schema version 2 (pg_trgm) and answers its text queries the same, before and after new appends', async () => {
    const database = await server.createDatabase();
    const url = server.url(database);
    let store = await PostgresEventStore.open({ url });
    const before = await store.append(notedEvents(BLOCK_EVENTS + 150, 0));
    expect((await server.sql('SELECT count(*)::int AS n FROM text_blocks', database)).rows[0].n).toBe(2);
    const answers = await Promise.all(TEXTS.map((text) => store.query({ text, order: 'desc', limit: 500 })));
    await store.close();
    await server.sql(TO_VERSION_2, database);
    store = await PostgresEventStore.open({ url });
    try {
      expect((await server.sql('SELECT max(version) AS v FROM schema_version', database)).rows[0].v).toBe(3);
      const indexes = (await server.sql("SELECT indexname FROM pg_indexes WHERE tablename IN ('plant_events', 'text_blocks') AND indexdef LIKE '%gin%'", database)).rows;
      expect(indexes).toEqual([{ indexname: 'text_blocks_keys' }]);
      for (const [i, text] of TEXTS.entries()) expect(await store.query({ text, order: 'desc', limit: 500 }), text).toEqual(answers[i]);
      const after = await store.append(notedEvents(200, before.length));
      const [paged, scanned] = await pagedAndScanned(store, [...before, ...after], { text: 'bearing noise', order: 'asc' });
      expect(paged).toEqual(scanned);
    } finally {
      await store.close();
    }
  }, 120_000);
});
