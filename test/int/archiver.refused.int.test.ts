// Valid events that PostgreSQL would not take as they are, through the archiver (real
// nats-server and PostgreSQL 15, both started here): values its text or its indexes cannot
// hold are archived exactly; an event that a constraint of the database's owner refuses is
// kept once as `plant.message.rejected` with PostgreSQL's reason and acknowledged, while the
// rest of its batch is stored, instead of failing the batch each time it comes again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import type { PlantEvent } from '../../shared/events/event';
import { archiveHarness, SLOW } from '../support/archiveHarness';
import { makeEvents } from '../support/events';
import { natsMissing } from '../support/natsServer';
import { postgresAvailable, serverForThisFile, type PostgresServer } from '../support/postgresServer';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** Text that does not compress, so that PostgreSQL cannot squeeze it into an index entry. */
function randomText(length: number): string {
  let state = length;
  return Array.from({ length }, () => String.fromCharCode(0x21 + ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) % 0x5e))).join('');
}

/** Payload and metadata values that pass the event schema but not PostgreSQL's text or B-tree indexes as they are. */
const HOSTILE: Record<string, unknown>[] = [
  { payload: { equipmentId: randomText(3_000) } },
  { payload: { equipmentId: randomText(20_000) } },
  { payload: { equipmentId: `nul\u0000${randomText(3_000)}` } },
  { payload: { equipmentId: 'press-1', note: 'nul \u0000 inside', 'key\u0000': 1 } },
  { payload: { equipmentId: 'press-1', note: 'lone \ud800 high and \udc00 low' } },
  { payload: { equipmentId: 'press-1' }, metadata: { note: 'nul \u0000 and lone \udbff' } },
  { payload: { equipmentId: 'press-1', big: 1.7976931348623157e308, small: 5e-324, negative: -1e-300 } },
  { payload: { equipmentId: 'press-1', note: randomText(100_000) } },
];

describe.skipIf(natsMissing() || !postgresAvailable())('the archiver with events PostgreSQL does not take as they are', () => {
  let pg!: PostgresServer;
  serverForThisFile((started) => (pg = started));

  async function setUp(prepare?: (database: string) => Promise<unknown>) {
    const harness = await archiveHarness(pg, cleanups, prepare);
    const bodies = async () => (await harness.rows()).map((row) => JSON.parse(row.body) as PlantEvent);
    return { ...harness, bodies };
  }

  it('archives values PostgreSQL text and indexes cannot hold as they are, exactly, in one go', { timeout: 120_000 }, async () => {
    const { store, publisher, lines, startArchiver } = await setUp();
    const events = makeEvents(HOSTILE.length, (i) => HOSTILE[i]!);
    await publisher.publish(events);
    const archiver = await startArchiver();
    await vi.waitFor(() => expect(archiver.status().stored).toBe(events.length), SLOW);
    for (const event of events) {
      const stored = await store.get(event.id);
      expect({ ...stored!.metadata, plant: undefined }).toEqual({ ...event.metadata, plant: undefined });
      expect(stored!.payload).toEqual(event.payload);
      expect((await store.query({ subject: (event.payload as { equipmentId: string }).equipmentId })).events.map((e) => e.id)).toContain(event.id);
    }
    expect(archiver.status()).toMatchObject({ rejected: 0, duplicates: 0 });
    expect(lines.filter((line) => /was not stored/.test(line))).toEqual([]);
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: events.length });
  });

  it('keeps an event a constraint refuses as rejected with the reason, stores the rest of its batch, and acknowledges both', { timeout: 120_000 }, async () => {
    const { nats, store, publisher, lines, startArchiver, bodies } = await setUp((database) =>
      pg.sql("ALTER TABLE plant_events ADD CONSTRAINT no_retired_press CHECK (subject IS DISTINCT FROM 'press-retired')", database));
    const events = makeEvents(40, (i) => ({ payload: { equipmentId: i % 13 === 5 ? 'press-retired' : `press-${i}` } }));
    const refused = events.filter((event) => (event.payload as { equipmentId: string }).equipmentId === 'press-retired');
    await publisher.publish(events);
    let archiver = await startArchiver();
    await vi.waitFor(() => expect(archiver.status().stored).toBe(events.length), SLOW);

    const archived = await bodies();
    expect(archived.map((e) => e.id).filter((id) => events.some((event) => event.id === id)).sort())
      .toEqual(events.filter((event) => !refused.includes(event)).map((e) => e.id).sort());
    const rejected = archived.filter((e) => e.type === 'plant.message.rejected');
    expect(rejected).toHaveLength(refused.length);
    for (const event of refused) {
      const payload = rejected.map((e) => e.payload as { code: string; reason: string; excerpt: string }).find((p) => p.reason.includes(event.id))!;
      expect(payload.code).toBe('store-refused');
      expect(payload.reason).toBe(`PostgreSQL refused the event ${event.id} (new row for relation "plant_events" violates check constraint "no_retired_press")`);
      expect(payload.excerpt).toContain(event.id);
    }
    expect(archiver.status()).toMatchObject({ rejected: refused.length, duplicates: 0 });
    expect(lines.filter((line) => /was not stored/.test(line))).toEqual([]);

    // Everything was acknowledged: the consumer has nothing pending, and a new run takes only what comes next.
    const nc = await connect({ servers: nats.url });
    try {
      const info = await (await jetstreamManager(nc)).consumers.info('PLANT', 'archiver');
      expect({ pending: info.num_pending, unacknowledged: info.num_ack_pending }).toEqual({ pending: 0, unacknowledged: 0 });
    } finally {
      await nc.close();
    }
    await archiver.stop();
    archiver = await startArchiver();
    const [next] = makeEvents(1);
    await publisher.publish([next!]);
    await vi.waitFor(() => expect(archiver.status().stored).toBe(1), SLOW);
    expect(await store.count()).toBe(events.length + 1);
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: events.length + 1 });
  });
});
