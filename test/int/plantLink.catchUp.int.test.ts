// A station catching up a backlog takes it in batches (main/plant/consumeBatches.ts): every
// valid event of the backlog is stored once and in stream order, an event it already holds
// (its own, with the same content) is not stored again, a bad message and an id reused with
// other content in the middle of a batch are kept as rejected, and the link ends up behind by
// nothing. Written straight into a real JetStream before the station first connects.
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeEvent } from '../../main/plant/wireEvent';
import { createEvent } from '../../shared/events/create';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { NatsServer, natsMissing } from '../support/natsServer';
import { allEvents, startStation, type Station } from '../support/plantStations';

const BACKLOG = 1_200;
const stations: Station[] = [];
let server: NatsServer | null = null;

afterAll(async () => {
  for (const station of stations) await station.core.close();
  await server?.stop();
});

describe.skipIf(natsMissing())('catching up a backlog', () => {
  it('stores every event of the backlog once, in order, and keeps the bad ones as rejected', async () => {
    server = await NatsServer.start();
    // The stream is made by a first station that then leaves.
    const maker = await startStation('maker', { servers: [server.url] });
    await vi.waitFor(() => expect(maker.core.plant?.status().state).toBe('connected'), { timeout: 20_000 });
    await maker.core.close();

    const mine = createEvent('operator.note.added', { note: 'made at c before it went away' }, { source: 'c' });
    const store = new InMemoryEventStore();
    await store.append([{ ...mine, status: 'PUBLISHED' }]);

    const nc = await connect({ servers: server.url });
    const js = jetstream(nc);
    const from = (station: string) => {
      const h = headers();
      h.set('Plant-Station', station);
      return h;
    };
    const backlog = Array.from({ length: BACKLOG }, (_, i) => createEvent('equipment.telemetry.recorded', { equipmentId: 'rig-9', lineId: 'line-1', temperature: 20 + (i % 50), n: i }, { source: 'a' }));
    for (const [i, event] of backlog.entries()) {
      await js.publish('plant.equipment.telemetry.recorded', encodeEvent(event), { msgID: event.id, headers: from('a') });
      if (i === 300) await js.publish('plant.operator.note.added', encodeEvent(mine), { msgID: mine.id, headers: from('c') });
      if (i === 600) await js.publish('plant.operator.note.added', new TextEncoder().encode('{"not": "an event"'), { headers: from('a') });
      if (i === 900) await js.publish('plant.operator.note.added', encodeEvent({ ...mine, payload: { note: 'forged' } }), { headers: from('a') });
    }
    await nc.close();

    const c = await startStation('c', { servers: [server.url] }, store);
    stations.push(c);
    await vi.waitFor(() => expect(c.core.plant?.status()).toMatchObject({ state: 'connected', behind: 0, received: BACKLOG + 3 }), { timeout: 60_000, interval: 100 });
    const stored = await allEvents(store);
    expect(stored.filter((e) => e.type === 'equipment.telemetry.recorded').map((e) => e.id)).toEqual(backlog.map((e) => e.id));
    expect(stored.filter((e) => e.id === mine.id)).toHaveLength(1);
    const rejected = stored.filter((e) => e.type === 'plant.message.rejected').map((e) => (e.payload as { code: string }).code);
    expect(rejected).toEqual(['not-json', 'id-conflict']);
    expect(c.core.plant?.status().rejected).toBe(2);
  }, 120_000);
});
