// A station catching up a backlog takes it in batches (main/plant/consumeBatches.ts): every
// valid event of the backlog is stored once and in stream order, an event it already holds
// (its own, with the same content) is not stored again, a bad message and an id reused with
// other content in the middle of a batch are kept as rejected, and the link ends up behind by
// nothing. Written straight into a real JetStream before the station first connects.
//
// Several batches are in hand at once (the next is decoded while the one before is stored).
// With a store that answers slowly, and a batch holding the station's own events (not byte
// for byte as it sent them) that must look them up first, a later batch has every chance to
// overtake it: the events must still be stored in stream order, each once.
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEvent } from '../../main/plant/wireEvent';
import { createEvent } from '../../shared/events/create';
import type { PlantEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { NatsServer, natsMissing } from '../support/natsServer';
import { allEvents, startStation, type Station } from '../support/plantStations';

const BACKLOG = 1_200;
const SLOW_BACKLOG = 3_000;
const stations: Station[] = [];
let server: NatsServer | null = null;

afterEach(async () => {
  for (const station of stations.splice(0)) await station.core.close();
  await server?.stop();
  server = null;
});

/** A server whose stream a first station made before it left, and a client to write into it. */
async function plantWithStream() {
  server = await NatsServer.start();
  const maker = await startStation('maker', { servers: [server.url] });
  await vi.waitFor(() => expect(maker.core.plant?.status().state).toBe('connected'), { timeout: 20_000 });
  await maker.core.close();
  const nc = await connect({ servers: server.url });
  const from = (station: string) => {
    const h = headers();
    h.set('Plant-Station', station);
    return h;
  };
  return { url: server.url, nc, js: jetstream(nc), from };
}

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

describe.skipIf(natsMissing())('catching up a backlog', () => {
  it('stores every event of the backlog once, in order, and keeps the bad ones as rejected', async () => {
    const { url, nc, js, from } = await plantWithStream();
    const mine = createEvent('operator.note.added', { note: 'made at c before it went away' }, { source: 'c' });
    const store = new InMemoryEventStore();
    await store.append([{ ...mine, status: 'PUBLISHED' }]);

    const backlog = Array.from({ length: BACKLOG }, (_, i) => createEvent('equipment.telemetry.recorded', { equipmentId: 'rig-9', lineId: 'line-1', temperature: 20 + (i % 50), n: i }, { source: 'a' }));
    for (const [i, event] of backlog.entries()) {
      await js.publish('plant.equipment.telemetry.recorded', encodeEvent(event), { msgID: event.id, headers: from('a') });
      if (i === 300) await js.publish('plant.operator.note.added', encodeEvent(mine), { msgID: mine.id, headers: from('c') });
      if (i === 600) await js.publish('plant.operator.note.added', new TextEncoder().encode('{"not": "an event"'), { headers: from('a') });
      if (i === 900) await js.publish('plant.operator.note.added', encodeEvent({ ...mine, payload: { note: 'forged' } }), { headers: from('a') });
    }
    await nc.close();

    const c = await startStation('c', { servers: [url] }, store);
    stations.push(c);
    await vi.waitFor(() => expect(c.core.plant?.status()).toMatchObject({ state: 'connected', behind: 0, received: BACKLOG + 3 }), { timeout: 60_000, interval: 100 });
    const stored = await allEvents(store);
    expect(stored.filter((e) => e.type === 'equipment.telemetry.recorded').map((e) => e.id)).toEqual(backlog.map((e) => e.id));
    expect(stored.filter((e) => e.id === mine.id)).toHaveLength(1);
    const rejected = stored.filter((e) => e.type === 'plant.message.rejected').map((e) => (e.payload as { code: string }).code);
    expect(rejected).toEqual(['not-json', 'id-conflict']);
    expect(c.core.plant?.status().rejected).toBe(2);
  }, 120_000);

  it('stores the backlog in stream order, each event once, however slowly the store answers', async () => {
    const { url, nc, js, from } = await plantWithStream();
    const store = slowStore();
    // The stream's order: telemetry from A, and every 700th message one of C's own notes, which C already holds.
    const order: PlantEvent[] = [];
    for (let i = 0; i < SLOW_BACKLOG; i++) {
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

    const c = await startStation('c', { servers: [url] }, store);
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
