// A station catching up keeps several batches in hand (main/plant/consumeBatches.ts): the
// next is decoded while the one before is being stored. Here the store answers slowly, and
// a batch holding the station's own events (not byte for byte as it sent them) must look them
// up first, which gives a later batch every chance to overtake it: the events must still be stored in stream order, each
// once, and every message acknowledged only after its commit (nothing is behind at the end).
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeEvent } from '../../main/plant/wireEvent';
import { createEvent } from '../../shared/events/create';
import type { PlantEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { NatsServer, natsMissing } from '../support/natsServer';
import { allEvents, startStation, type Station } from '../support/plantStations';

const BACKLOG = 3_000;
const stations: Station[] = [];
let server: NatsServer | null = null;

afterAll(async () => {
  for (const station of stations) await station.core.close();
  await server?.stop();
});

/** An in-memory store whose look-ups and appends take a while, as a store in another process does. */
function slowStore(): InMemoryEventStore {
  const store = new InMemoryEventStore();
  const get = store.get.bind(store);
  const append = store.append.bind(store);
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  store.get = async (id) => (await later(40), get(id));
  store.append = async (events, deliveries) => (await later(10), append(events, deliveries));
  return store;
}

describe.skipIf(natsMissing())('catching up with several batches in hand', () => {
  it('stores the backlog in stream order, each event once, however slowly the store answers', async () => {
    server = await NatsServer.start();
    const maker = await startStation('maker', { servers: [server.url] });
    await vi.waitFor(() => expect(maker.core.plant?.status().state).toBe('connected'), { timeout: 20_000 });
    await maker.core.close();

    const store = slowStore();
    const nc = await connect({ servers: server.url });
    const js = jetstream(nc);
    const from = (station: string) => {
      const h = headers();
      h.set('Plant-Station', station);
      return h;
    };
    // The stream's order: telemetry from A, and every 700th message one of C's own notes, which C already holds.
    const order: PlantEvent[] = [];
    for (let i = 0; i < BACKLOG; i++) {
      const telemetry = createEvent('equipment.telemetry.recorded', { equipmentId: 'rig-1', lineId: 'line-1', temperature: 20 + (i % 7), n: i }, { source: 'a' });
      order.push(telemetry);
      await js.publish('plant.equipment.telemetry.recorded', encodeEvent(telemetry), { msgID: telemetry.id, headers: from('a') });
      if (i % 700 === 350) {
        const mine = createEvent('operator.note.added', { note: `c's own note ${i}` }, { source: 'c' });
        await store.append([{ ...mine, status: 'PUBLISHED' }]);
        order.push(mine);
        // Written by another encoder (keys in another order): C cannot know it by its bytes and looks it up.
        const reordered = Object.fromEntries(Object.entries(JSON.parse(new TextDecoder().decode(encodeEvent(mine))) as object).reverse());
        await js.publish('plant.operator.note.added', new TextEncoder().encode(JSON.stringify(reordered)), { msgID: mine.id, headers: from('c') });
      }
    }
    await nc.close();

    const c = await startStation('c', { servers: [server.url] }, store);
    stations.push(c);
    await vi.waitFor(() => expect(c.core.plant?.status()).toMatchObject({ state: 'connected', behind: 0, received: order.length }), { timeout: 90_000, interval: 100 });
    const stored = (await allEvents(store)).filter((e) => e.type === 'equipment.telemetry.recorded' || e.type === 'operator.note.added');
    const ownIds = new Set(order.filter((e) => e.type === 'operator.note.added').map((e) => e.id));
    // C's own notes were stored before the catch-up; the rest follows in the stream's order.
    expect(stored.filter((e) => !ownIds.has(e.id)).map((e) => e.id)).toEqual(order.filter((e) => !ownIds.has(e.id)).map((e) => e.id));
    expect(stored.filter((e) => ownIds.has(e.id))).toHaveLength(ownIds.size);
    expect(c.core.plant?.status()).toMatchObject({ rejected: 0 });
  }, 120_000);
});
