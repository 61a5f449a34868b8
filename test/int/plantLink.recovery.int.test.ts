// The plant link through failures, against a real nats-server: the server killed (SIGKILL)
// in the middle of a burst and started again, and one station cut off the network while it
// and another keep working. Afterwards every station holds the same events, each once, and
// the same alarm states; nothing a station stored is lost.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inProcessApi } from '../support/inProcessApi';
import { NatsServer, natsMissing } from '../support/natsServer';
import { alarmStates, duplicateIds, idsOf, startStation, type Station } from '../support/plantStations';
import { TcpProxy } from '../support/tcpProxy';

const stations: Station[] = [];
let server: NatsServer;
let proxy: TcpProxy | null = null;
const SHARED = ['operator.note.added', 'equipment.telemetry.recorded', 'alarm.raised', 'alarm.acknowledged', 'alarm.rules.changed'];

const note = (station: string, i: number) => ({ type: 'operator.note.added', payload: { note: `${station} note ${i}` } });
const WAIT = { timeout: 30_000, interval: 100 };

describe.skipIf(natsMissing())('the plant link through failures', () => {
  beforeEach(async () => {
    server = await NatsServer.start();
  });
  afterEach(async () => {
    for (const station of stations.splice(0)) await station.core.close();
    await proxy?.stop();
    proxy = null;
    await server?.stop();
  });

  async function sameEverywhere(): Promise<string[]> {
    let ids: string[] = [];
    await vi.waitFor(async () => {
      const each = await Promise.all(stations.map((s) => idsOf(s.store, SHARED)));
      ids = each[0] ?? [];
      for (const other of each) expect(other).toEqual(ids);
    }, WAIT);
    for (const station of stations) expect(await duplicateIds(station.store)).toEqual([]);
    return ids;
  }

  it('keeps every event stored at any station when the server is killed mid-burst and restarted', async () => {
    for (const name of ['a', 'b', 'c']) stations.push(await startStation(name, { servers: [server.url] }));
    await vi.waitFor(() => expect(stations.every((s) => s.core.plant?.status().state === 'connected')).toBe(true), WAIT);
    const [a, b] = stations as [Station, Station];

    const resolved: string[] = [];
    const burst = async (station: Station, count: number) => {
      for (let i = 0; i < count; i++) resolved.push((await station.core.bus.publish(note(station.name, i))).id);
    };
    const bursts = Promise.all([burst(a, 400), burst(b, 400)]);
    await vi.waitFor(() => expect(resolved.length).toBeGreaterThan(150), WAIT);
    await server.kill();
    await bursts;
    // Offline, the stations went on storing; what they made waits in their outboxes.
    await vi.waitFor(() => expect(a.core.plant?.status().state).toBe('offline'), WAIT);
    await a.core.bus.publish(note('a', 1000)).then((e) => resolved.push(e.id));
    expect(a.core.plant?.status().waiting).toBeGreaterThan(0);

    await server.resume();
    const ids = await sameEverywhere();
    expect(ids).toEqual(expect.arrayContaining(resolved));
    expect(ids).toHaveLength(resolved.length);
    await vi.waitFor(() => expect(stations.map((s) => s.core.plant?.status().waiting)).toEqual([0, 0, 0]), WAIT);
  }, 90_000);

  it('brings a station cut off the network back to the same events and alarm states', async () => {
    proxy = await TcpProxy.start(server.port);
    stations.push(await startStation('a', { servers: [server.url] }));
    stations.push(await startStation('b', { servers: [server.url] }));
    stations.push(await startStation('c', { servers: [proxy.url] }));
    await vi.waitFor(() => expect(stations.every((s) => s.core.plant?.status().state === 'connected')).toBe(true), WAIT);
    const [a, , c] = stations as [Station, Station, Station];
    const rule = { id: 'pressure-high', name: 'Pressure high', kind: 'threshold', enabled: true, priority: 'HIGH', field: 'pressure', comparator: 'above', limit: 10 };
    await inProcessApi(a.core).api.rules.create(rule as never);
    const telemetry = (equipmentId: string, pressure: number) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId, lineId: 'line-1', pressure } });
    await a.core.bus.publish(telemetry('press-1', 20));
    for (const station of stations) await vi.waitFor(() => expect(alarmStates(station)).toHaveLength(1), WAIT);

    proxy.cut();
    await vi.waitFor(() => expect(c.core.plant?.status().state).toBe('offline'), WAIT);
    // Both sides work on: A raises another alarm, C's operator acknowledges the first one.
    for (let i = 0; i < 50; i++) await a.core.bus.publish(note('a', i));
    await a.core.bus.publish(telemetry('press-2', 30));
    for (let i = 0; i < 50; i++) await c.core.bus.publish(note('c', i));
    const [first] = c.core.alarms.active();
    await inProcessApi(c.core).api.alarms.acknowledge([first!.alarmId], 'acknowledged while cut off');
    expect(c.core.plant?.status()).toMatchObject({ state: 'offline', waiting: expect.any(Number) });
    expect(c.core.plant!.status().waiting).toBeGreaterThanOrEqual(51);

    proxy.mend();
    await sameEverywhere();
    await vi.waitFor(() => {
      const states = stations.map(alarmStates);
      expect(states[0]).toHaveLength(2);
      for (const state of states) expect(state).toEqual(states[0]);
    }, WAIT);
    expect(alarmStates(a)).toContain(`${first!.alarmId}:ACTIVE_ACK`);
  }, 90_000);
});
