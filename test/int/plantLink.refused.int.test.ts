// A station whose local store is PostgreSQL (real nats-server and PostgreSQL 15, both started
// here) with a constraint of the database's owner that refuses some valid events from the
// stream: the link keeps each refused event once as `plant.message.rejected` with
// PostgreSQL's reason, stores every other event of its batch, and acknowledges them all,
// instead of handing the batch back to come again for ever. The link then goes on.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { durableName } from '../../main/plant/plantLink';
import { checkPlantSettings } from '../../main/plant/plantSettings';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { makeEvents } from '../support/events';
import { NatsServer, natsMissing } from '../support/natsServer';
import { PlantPublisher } from '../support/plantPublisher';
import { postgresAvailable, serverForThisFile, type PostgresServer } from '../support/postgresServer';

const cleanups: (() => Promise<unknown>)[] = [];
const WAIT = { timeout: 60_000, interval: 200 };
const REASON = 'new row for relation "plant_events" violates check constraint "no_retired_press"';

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

describe.skipIf(natsMissing() || !postgresAvailable())('a station on PostgreSQL refusing events from the stream', () => {
  let pg!: PostgresServer;
  serverForThisFile((started) => (pg = started));

  it('keeps each refused event once as rejected with the reason, stores the rest, and acknowledges all', { timeout: 120_000 }, async () => {
    const nats = await NatsServer.start();
    cleanups.push(() => nats.stop());
    const database = await pg.createDatabase('station');
    const store = await PostgresEventStore.open({ url: pg.url(database), waitMs: 2_000 });
    cleanups.push(() => store.close());
    await pg.sql("ALTER TABLE plant_events ADD CONSTRAINT no_retired_press CHECK (subject IS DISTINCT FROM 'press-retired')", database);
    const publisher = await PlantPublisher.connect(nats.url);
    cleanups.push(() => publisher.close());

    const events = makeEvents(60, (i) => ({ payload: { equipmentId: i % 13 === 5 ? 'press-retired' : `press-${i}` } }));
    const refused = events.filter((event) => (event.payload as { equipmentId: string }).equipmentId === 'press-retired');
    await publisher.publish(events, { station: 'a' });
    const core: PlantCore = await createPlantCore({ store, healthEverySeconds: 0, plant: checkPlantSettings({ servers: [nats.url], station: 'b' }) });
    cleanups.push(() => core.close());
    // `received` counts this station's own derived events coming back too (aggregates of what it took), so the store is what is checked.
    await vi.waitFor(() => expect(core.plant?.status()).toMatchObject({ rejected: refused.length, behind: 0 }), WAIT);

    for (const event of events) expect((await store.get(event.id))?.id).toBe(refused.includes(event) ? undefined : event.id);
    const rejections = (await store.query({ types: ['plant.message.rejected'], limit: 100 })).events.map((e) => e.payload as { code: string; reason: string; fromStation: string });
    expect(rejections.map((p) => p.reason).sort()).toEqual(refused.map((e) => `the local store refused the event ${e.id} (${REASON})`).sort());
    expect(rejections.every((p) => p.code === 'store-refused' && p.fromStation === 'a')).toBe(true);

    // Acknowledged, all of it: the station's durable consumer has nothing pending or awaiting an ack.
    const nc = await connect({ servers: nats.url });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    await vi.waitFor(async () => {
      const info = await jsm.consumers.info('PLANT', durableName('b'));
      expect({ pending: info.num_pending, unacknowledged: info.num_ack_pending, redelivered: info.num_redelivered }).toEqual({ pending: 0, unacknowledged: 0, redelivered: 0 });
    }, WAIT);

    // The link goes on: the next event is stored.
    const [next] = makeEvents(1, () => ({ payload: { equipmentId: 'press-7' } }));
    await publisher.publish([next!], { station: 'a' });
    await vi.waitFor(async () => expect((await store.get(next!.id))?.id).toBe(next!.id), WAIT);
    expect(core.plant?.status().rejected).toBe(refused.length);
  });
});
