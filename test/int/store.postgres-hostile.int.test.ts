// Values that pass the event schema but that PostgreSQL, left to itself, would refuse or
// change, on a real PostgreSQL 15 started here: each is stored, read back equal and found by
// its filters. And what PostgreSQL refuses anyway (a constraint the database's owner added)
// fails only the append that holds it, with one sentence, never the appends beside it.
import { describe, expect, it } from 'vitest';
import { PostgresRefusedError } from '../../main/store/postgres/pgConnection';
import { COLUMN_BYTES } from '../../main/store/postgres/pgRows';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import { makeEvents } from '../support/events';
import { postgresAvailable, serverForThisFile, type PostgresServer } from '../support/postgresServer';

/** Text that does not compress (PostgreSQL compresses a long index entry before it measures it). */
function noise(length: number, seed: number): string {
  let state = seed;
  let text = '';
  while (text.length < length) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    text += String.fromCharCode(0x21 + (state % 0x5e));
  }
  return text;
}

/** Subjects (payload `equipmentId`) PostgreSQL's B-tree index cannot hold as they are, or its text cannot hold at all. */
const HOSTILE_SUBJECTS: [string, string][] = [
  ['3,000 random characters', noise(3_000, 1)],
  ['10,000 random characters', noise(10_000, 2)],
  ['120,000 random characters', noise(120_000, 3)],
  ['random text with NUL characters', `\u0000${noise(4_000, 4)}\u0000`],
  ['random text with lone surrogates', `\ud800${noise(4_000, 5)}\udc00`],
  ['random text that begins with a double quote', `"${noise(4_000, 6)}"`],
  ['exactly at the limit', noise(COLUMN_BYTES, 7)],
  ['one byte over the limit', noise(COLUMN_BYTES + 1, 8)],
  ['a long text of repeated characters', 'x'.repeat(50_000)],
];

describe.skipIf(!postgresAvailable())('PostgresEventStore with values PostgreSQL cannot take as they are', () => {
  let server!: PostgresServer;
  serverForThisFile((started) => (server = started));

  it.each(HOSTILE_SUBJECTS)('stores a subject of %s, reads it back equal and finds it', async (_, subject) => {
    const store = await PostgresEventStore.open({ url: server.url(await server.createDatabase()) });
    try {
      const [plain, odd, after] = await store.append(makeEvents(3, (i) => ({
        payload: { equipmentId: i === 1 ? subject : `press-${i}`, note: subject },
        metadata: { echo: subject },
      })));
      expect(odd!.subject).toBe(subject);
      expect(await store.get(odd!.id)).toEqual(odd);
      expect((await store.query({ subject })).events).toEqual([odd]);
      expect((await store.query({ subject: `${subject} ` })).events).toEqual([]);
      expect((await store.query({ subject: 'press-0' })).events).toEqual([plain]);
      expect((await store.query({ order: 'asc' })).events).toEqual([plain, odd, after]);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 3 });
    } finally {
      await store.close();
    }
  });

  it('keeps quotes, backslashes, braces, commas and the word NULL exactly in every column it writes', async () => {
    const store = await PostgresEventStore.open({ url: server.url(await server.createDatabase()) });
    try {
      const texts = ['NULL', 'a "quoted", {braced} value', 'back\\slash \\" and \\\\', ' spaced ', '{}', '""', "it's"];
      const stored = await store.append(makeEvents(texts.length, (i) => ({
        source: texts[i]!, correlationId: texts[i]!, payload: { equipmentId: texts[i]!, note: texts[i]! }, metadata: { [texts[i]!]: texts[i]! },
      })));
      for (const [i, text] of texts.entries()) {
        expect(await store.get(stored[i]!.id)).toEqual(stored[i]);
        for (const query of [{ sources: [text] }, { subject: text }, { correlationId: text }]) expect((await store.query(query)).events).toEqual([stored[i]]);
      }
      expect((await store.query({ text: '{braced}' })).events).toEqual([stored[1]]);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: texts.length });
    } finally {
      await store.close();
    }
  });

  it('still finds a long subject that an earlier version stored as it was', async () => {
    const database = await server.createDatabase();
    const store = await PostgresEventStore.open({ url: server.url(database) });
    try {
      // Before long values were hashed, a subject PostgreSQL could compress into the index was kept plain.
      const subject = 'press-'.repeat(1_000);
      const [stored] = await store.append(makeEvents(1, () => ({ payload: { equipmentId: subject } })));
      await server.sql(`SET session_replication_role = 'replica'; UPDATE plant_events SET subject = '${subject}'`, database);
      expect((await server.sql('SELECT subject FROM plant_events', database)).rows[0].subject).toBe(subject);
      expect((await store.query({ subject })).events).toEqual([stored]);
    } finally {
      await store.close();
    }
  });

  it('keeps snapshots apart whose keys PostgreSQL text would merge, refuse or not index', async () => {
    const store = await PostgresEventStore.open({ url: server.url(await server.createDatabase()) });
    try {
      const keys = ['equipment:a\ud800', 'equipment:a\udc00', 'equipment:a\ufffd', 'equipment:nul\u0000', `equipment:${noise(5_000, 9)}`, '"equipment:quoted"'];
      for (const [i, key] of keys.entries()) await store.saveSnapshot({ key, seq: 1, maxTimestamp: 10, state: { i, key }, createdAt: 1 });
      for (const [i, key] of keys.entries()) {
        expect(await store.nearestSnapshot(key)).toEqual({ key, seq: 1, maxTimestamp: 10, state: { i, key }, createdAt: 1 });
      }
    } finally {
      await store.close();
    }
  });

  it('fails only the append PostgreSQL refuses, in one sentence, and stores the appends committed with it', async () => {
    const database = await server.createDatabase();
    const store = await PostgresEventStore.open({ url: server.url(database) });
    try {
      // A rule the database's owner added, which the console knows nothing of.
      await server.sql("ALTER TABLE plant_events ADD CONSTRAINT no_test_line CHECK (source <> 'test-line')", database);
      const appends = Array.from({ length: 6 }, (_, i) => makeEvents(4, () => ({ source: i === 2 ? 'test-line' : `line-${i}` })));
      const settled = await Promise.allSettled(appends.map((events) => store.append(events)));
      const refused = settled[2]!;
      expect(refused.status).toBe('rejected');
      const error = (refused as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(PostgresRefusedError);
      expect((error as PostgresRefusedError).code).toBe('store-refused');
      expect(error.message).toMatch(/^The PostgreSQL event store at 127\.0\.0\.1:\d+\/\w+ refused the request \(new row for relation "plant_events" violates check constraint "no_test_line"\): 4 events were not stored\.$/);
      for (const [i, outcome] of settled.entries()) if (i !== 2) expect(outcome.status).toBe('fulfilled');
      expect(await store.count()).toBe(20);
      expect(await store.count({ sources: ['test-line'] })).toBe(0);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 20 });
    } finally {
      await store.close();
    }
  });
});
