// Absence of data, judged from the shared plant history: two stations, each on a server of
// its own so that neither sees the other's alarms, are fed the same history (a rule change
// naming two presses, then readings from one of them) and must make the same absence alarms,
// with the same ids and dated at the same deadlines: one station joins fresh and catches up,
// the other is restarted in the middle. Absence counts from the last reading in the history,
// or from the rule change for equipment never heard, never from a station's own start.
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RULES_CHANGED } from '../../main/consumers/alarmMonitor';
import { encodeEvent } from '../../main/plant/wireEvent';
import { createEvent } from '../../shared/events/create';
import type { PlantEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { NatsServer, natsMissing } from '../support/natsServer';
import { alarmStates, allEvents, startStation, type Station } from '../support/plantStations';

const TIMEOUT_MS = 20_000;
const WAIT = { timeout: 40_000, interval: 100 };
const servers: NatsServer[] = [];
const stations: Station[] = [];

afterEach(async () => {
  for (const station of stations.splice(0)) await station.core.close();
  for (const server of servers.splice(0)) await server.stop();
});

/** The history: a rule watching press-1 and press-9 for silence, then press-1's readings until 5 s ago. */
function history(now: number): { rules: PlantEvent; readings: PlantEvent[] } {
  const rule = { id: 'silent', name: 'No data for 20 s', enabled: true, priority: 'NORMAL', kind: 'absence', equipment: ['press-1', 'press-9'], timeoutMs: TIMEOUT_MS };
  const rules = createEvent(RULES_CHANGED, { rules: [rule], change: 'created', ruleId: 'silent', user: 'engineer' }, { source: 'station-a', timestamp: now - 10_000, priority: 'HIGH' });
  const readings = Array.from({ length: 6 }, (_, i) =>
    createEvent('equipment.telemetry.recorded', { equipmentId: 'press-1', lineId: 'line-1', temperature: 40 + i }, { source: 'station-a', timestamp: now - 10_000 + i * 1_000 }));
  return { rules, readings };
}

async function write(url: string, events: readonly PlantEvent[]): Promise<void> {
  const nc = await connect({ servers: url });
  const h = headers();
  h.set('Plant-Station', 'a');
  for (const event of events) await jetstream(nc).publish(`plant.${event.type}`, encodeEvent(event), { msgID: event.id, headers: h });
  await nc.close();
}

/** A server whose plant stream a first station made before it left. */
async function plantServer(): Promise<NatsServer> {
  const server = await NatsServer.start();
  servers.push(server);
  const maker = await startStation('maker', { servers: [server.url] });
  await vi.waitFor(() => expect(maker.core.plant?.status().state).toBe('connected'), WAIT);
  await maker.core.close();
  return server;
}

async function caughtUp(name: string, url: string, store: InMemoryEventStore, received: number): Promise<Station> {
  const station = await startStation(name, { servers: [url] }, store);
  stations.push(station);
  await vi.waitFor(() => expect(station.core.plant?.status()).toMatchObject({ state: 'connected', behind: 0, received }), WAIT);
  return station;
}

/** The absence alarms a station's store holds: id, alarm and time of each `alarm.*` event. */
async function absenceEvents(store: InMemoryEventStore): Promise<string[]> {
  return (await allEvents(store))
    .filter((e) => e.type.startsWith('alarm.') && e.type !== RULES_CHANGED)
    .map((e) => `${e.type} ${String((e.payload as { alarmId?: string }).alarmId)} ${e.timestamp} ${e.id}`)
    .sort();
}

describe.skipIf(natsMissing())('absence alarms from the shared history', () => {
  it('gives a fresh station and a restarted one the same absence alarms, ids and states', async () => {
    const now = Date.now();
    const { rules, readings } = history(now);
    const [one, two] = [await plantServer(), await plantServer()];
    await write(one.url, [rules, ...readings]);
    await write(two.url, [rules, ...readings]);

    // B joins fresh and catches up everything at once.
    const b = await caughtUp('b', one.url, new InMemoryEventStore(), 7);
    // C catches up, is stopped and starts again before any deadline, as after a restart.
    const storeC = new InMemoryEventStore();
    const first = await caughtUp('c', two.url, storeC, 7);
    await first.core.close();
    stations.splice(stations.indexOf(first), 1);
    const c = await caughtUp('c', two.url, storeC, 0);
    expect(Date.now()).toBeLessThan(now + TIMEOUT_MS - 10_000);

    // press-9, never heard: silent since the rule change; press-1: since its last reading.
    const expected = ['silent:press-1:ACTIVE_UNACK', 'silent:press-9:ACTIVE_UNACK'];
    for (const station of [b, c]) await vi.waitFor(() => expect(alarmStates(station)).toEqual(expected), WAIT);
    const [atB, atC] = [await absenceEvents(b.store), await absenceEvents(storeC)];
    expect(atB).toEqual(atC);
    expect(atB.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      `alarm.raised silent:press-1 ${now - 5_000 + TIMEOUT_MS}`,
      `alarm.raised silent:press-9 ${now - 10_000 + TIMEOUT_MS}`,
    ]);
  }, 90_000);
});
