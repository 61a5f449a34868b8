// What the PostgreSQL store promises beyond the contract, on a real PostgreSQL 15 started
// here: two writers on one database interleave without a gap or a broken chain; the
// database itself refuses changes to stored events; a newer schema is refused untouched, an
// older one upgraded; strings PostgreSQL text cannot hold come back exactly; no error
// carries the credentials.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { PostgresUnavailableError } from '../../main/store/postgres/pgConnection';
import { makeDelivery, makeEvents } from '../support/events';
import { freePort } from '../support/ports';
import type { PostgresServer } from '../support/postgresServer';
import { postgresAvailable, serverForThisFile } from '../support/postgresServer';
import { TO_VERSION_2 } from '../support/postgresStore';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got a result');
}

describe.skipIf(!postgresAvailable())('PostgresEventStore beyond the contract', () => {
  let server!: PostgresServer;
  serverForThisFile((started) => (server = started));

  it('interleaves two writers on one database gap-free, each batch contiguous, the chain intact', async () => {
    const url = server.url(await server.createDatabase());
    const [a, b] = await Promise.all([PostgresEventStore.open({ url }), PostgresEventStore.open({ url })]);
    try {
      const batches = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).append(makeEvents(25))));
      const seqs = batches.flat().map((event) => event.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
      for (const batch of batches) expect(batch.map((e) => e.seq)).toEqual(batch.map((_, i) => batch[0]!.seq + i));
      expect(await verifyStoreChain(a)).toMatchObject({ ok: true, events: 600, headSeq: 600 });
      expect((await b.chainHead()).seq).toBe(600);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE of stored events, and a chain head moved back, in the database', async () => {
    const database = await server.createDatabase();
    const store = await PostgresEventStore.open({ url: server.url(database) });
    try {
      const stored = await store.append(makeEvents(3));
      for (const sql of ["UPDATE plant_events SET source = 'someone-else' WHERE seq = 2", 'DELETE FROM plant_events WHERE seq = 3', 'TRUNCATE plant_events']) {
        expect((await rejection(server.sql(sql, database))).message).toMatch(/plant_events is append-only/);
      }
      expect((await rejection(server.sql('UPDATE chain_head SET seq = 1', database))).message).toMatch(/chain_head only moves forward/);
      expect(await store.getBySeq(2)).toEqual(stored[1]);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 3 });
    } finally {
      await store.close();
    }
  });

  it('refuses a database of a newer schema version in one sentence and changes nothing', async () => {
    const database = await server.createDatabase();
    await (await PostgresEventStore.open({ url: server.url(database) })).close();
    await server.sql('INSERT INTO schema_version (version) VALUES (99)', database);
    const error = await rejection(PostgresEventStore.open({ url: server.url(database) }));
    expect(error.message).toMatch(/^The PostgreSQL event store at 127\.0\.0\.1:\d+\/\w+ has schema version 99, newer than this console's 3: open it with a newer version of the console; nothing was changed\.$/);
    expect((await server.sql('SELECT max(version) AS v FROM schema_version', database)).rows[0].v).toBe(99);
  });

  it('upgrades a database of schema version 1 to the covering time index, with every event as it was', async () => {
    const database = await server.createDatabase();
    const url = server.url(database);
    let store = await PostgresEventStore.open({ url });
    const stored = await store.append(makeEvents(30));
    await store.close();
    // The database as version 1 left it: its own time index, no covering one.
    await server.sql(`${TO_VERSION_2} DROP INDEX plant_events_ts_cover; CREATE INDEX plant_events_ts ON plant_events (ts); DELETE FROM schema_version WHERE version = 2`, database);
    store = await PostgresEventStore.open({ url });
    try {
      const indexes = (await server.sql("SELECT indexname FROM pg_indexes WHERE tablename = 'plant_events' AND indexname LIKE 'plant_events_ts%'", database)).rows;
      expect(indexes).toEqual([{ indexname: 'plant_events_ts_cover' }]);
      expect((await server.sql('SELECT max(version) AS v FROM schema_version', database)).rows[0].v).toBe(3);
      const window = { from: stored[5]!.timestamp, to: stored[24]!.timestamp };
      expect((await store.query({ ...window, order: 'desc', limit: 8 })).events.map((e) => e.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18]);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 30 });
    } finally {
      await store.close();
    }
  });

  it('keeps NUL characters and lone surrogates in source, subject and correlation id exactly, and finds them', async () => {
    const store = await PostgresEventStore.open({ url: server.url(await server.createDatabase()) });
    try {
      const odd = ['nul\u0000inside', 'lone \ud800 high', 'lone \udc00 low', '"nul\\u0000inside"'];
      const stored = await store.append(makeEvents(4, (i) => ({ source: odd[i]!, correlationId: odd[i]!, payload: { equipmentId: odd[i]!, note: odd[i]! } })));
      for (const [i, text] of odd.entries()) {
        expect(await store.get(stored[i]!.id)).toEqual(stored[i]);
        expect((await store.query({ sources: [text] })).events).toEqual([stored[i]]);
        expect((await store.query({ subject: text })).events).toEqual([stored[i]]);
        expect((await store.query({ correlationId: text })).events).toEqual([stored[i]]);
      }
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 4 });
    } finally {
      await store.close();
    }
  });

  it('runs a station on the least-privilege role the README shows, which cannot change a stored event', async () => {
    const database = await server.createDatabase();
    await (await PostgresEventStore.open({ url: server.url(database) })).close();
    const grants = readFileSync(new URL('../../main/store/postgres/stationRole.sql', import.meta.url), 'utf8').replace(/\bplant\b(?=\s+TO)/, database);
    await server.sql(grants, database);
    const station = await PostgresEventStore.open({ url: server.url(database, 'plant_station') });
    try {
      const stored = await station.append(makeEvents(3), [['audit'], [], []]);
      await station.updateStatuses([{ eventId: stored[0]!.id, status: 'PROCESSED' }]);
      await station.putDeliveries([makeDelivery(stored[0]!.id, 1, 'audit', { status: 'PROCESSED', attempts: 1 })]);
      await station.saveSnapshot({ key: 'all', seq: 3, maxTimestamp: stored[2]!.timestamp, state: { n: 3 }, createdAt: 1 });
      expect((await station.get(stored[0]!.id))?.status).toBe('PROCESSED');
      expect(await verifyStoreChain(station)).toMatchObject({ ok: true, events: 3 });
      const client = new pg.Client({ connectionString: server.url(database, 'plant_station') });
      await client.connect();
      try {
        for (const sql of ['UPDATE plant_events SET source = $$x$$', 'DELETE FROM plant_events', 'CREATE TABLE sneaky (a int)']) {
          expect((await rejection(client.query(sql))).message).toMatch(/permission denied/);
        }
      } finally {
        await client.end();
      }
    } finally {
      await station.close();
    }
  });

  it('names the server but neither user nor password when it cannot be reached', async () => {
    const port = await freePort();
    const password = 'S3cret-Pa55word';
    const error = await rejection(PostgresEventStore.open({ url: `postgres://station_a:${password}@127.0.0.1:${port}/plant`, waitMs: 300 }));
    expect(error).toBeInstanceOf(PostgresUnavailableError);
    expect(error.message).toContain(`127.0.0.1:${port}/plant cannot be reached`);
    expect(error.message).not.toContain(password);
    expect(error.message).not.toContain('station_a');
    expect(String(error.stack)).not.toContain(password);
  });
});
