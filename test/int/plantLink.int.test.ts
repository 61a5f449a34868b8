// The plant link over a real nats-server with JetStream: three stations (in-process cores
// with their own stores) share one history and one alarm state; what a station made keeps
// no origin, what it received names the station and the stream sequence it came with.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { originOf } from '../../shared/events/plantOrigin';
import { inProcessApi } from '../support/inProcessApi';
import { NatsServer, natsMissing } from '../support/natsServer';
import { alarmStates, duplicateIds, idsOf, startStation, type Station } from '../support/plantStations';

const stations: Station[] = [];
let server: NatsServer;

describe.skipIf(natsMissing())('the plant link between three stations', () => {
  // A server of its own for each test: one stream may take plant.> on a server.
  beforeEach(async () => {
    server = await NatsServer.start();
  });
  afterEach(async () => {
    for (const station of stations.splice(0)) await station.core.close();
    await server?.stop();
  });

  async function three(): Promise<[Station, Station, Station]> {
    for (const name of ['a', 'b', 'c']) stations.push(await startStation(name, { servers: [server.url] }));
    await vi.waitFor(() => expect(stations.map((s) => s.core.plant?.status().state)).toEqual(['connected', 'connected', 'connected']), { timeout: 10_000 });
    return stations as [Station, Station, Station];
  }

  it('takes an event published at A into B and C once each, naming where it came from', async () => {
    const [a, b, c] = await three();
    const event = await a.core.bus.publish({ type: 'operator.note.added', payload: { note: 'shift change at line 1' } });

    for (const station of [b, c]) {
      await vi.waitFor(async () => expect(await station.store.get(event.id)).not.toBeNull(), { timeout: 10_000 });
      const copy = await station.store.get(event.id);
      expect(copy?.payload).toEqual({ note: 'shift change at line 1' });
      expect(originOf(copy!)).toEqual({ station: 'a', streamSeq: expect.any(Number) });
    }
    // A's own copy is as A made it; the stream sent it back to A too, and A kept one.
    expect(originOf((await a.store.get(event.id))!)).toBeUndefined();
    await vi.waitFor(() => expect(a.core.plant?.status()).toMatchObject({ waiting: 0, published: 1 }));
    await vi.waitFor(() => expect(a.core.plant?.status().received).toBeGreaterThanOrEqual(1));
    for (const station of [a, b, c]) {
      expect(await idsOf(station.store, ['operator.note.added'])).toEqual([event.id]);
      expect(await duplicateIds(station.store)).toEqual([]);
    }
    // B and C sent nothing back: the stream holds A's event once.
    expect(b.core.plant?.status().published).toBe(0);
    expect(c.core.plant?.status().published).toBe(0);
  });

  it('shows an alarm acknowledged at B as acknowledged at A and C, raised once everywhere', async () => {
    const [a, b, c] = await three();
    const apiA = inProcessApi(a.core).api;
    const apiB = inProcessApi(b.core).api;
    const rule = { id: 'pressure-high', name: 'Pressure high', kind: 'threshold', enabled: true, priority: 'HIGH', field: 'pressure', comparator: 'above', limit: 10 };
    await apiA.rules.create(rule as never);
    for (const station of stations) await vi.waitFor(() => expect(station.core.alarms.rules().map((r) => r.id)).toContain('pressure-high'), { timeout: 10_000 });

    await apiA.events.publish({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'press-1', lineId: 'line-1', pressure: 25 } });
    for (const station of stations) await vi.waitFor(() => expect(alarmStates(station)).toHaveLength(1), { timeout: 10_000 });
    const [alarm] = await apiB.alarms.list();
    expect(alarm?.state).toBe('ACTIVE_UNACK');

    expect(await apiB.alarms.acknowledge([alarm!.alarmId], 'valve checked at line side')).toEqual({ applied: [alarm!.alarmId], rejected: [] });
    for (const station of [a, c]) {
      await vi.waitFor(() => expect(alarmStates(station)).toEqual([`${alarm!.alarmId}:ACTIVE_ACK`]), { timeout: 10_000 });
    }
    // Each station derived the raise from the same telemetry: one id, kept once in every store.
    for (const station of stations) {
      await vi.waitFor(async () => expect(await idsOf(station.store, ['alarm.raised', 'alarm.acknowledged'])).toHaveLength(2), { timeout: 10_000 });
      expect(await duplicateIds(station.store)).toEqual([]);
    }
    const raised = await Promise.all(stations.map((s) => idsOf(s.store, ['alarm.raised'])));
    expect(new Set(raised.map((ids) => ids.join()))).toHaveProperty('size', 1);
    expect(await idsOf(a.store, ['plant.message.rejected'])).toEqual([]);
  });
});
