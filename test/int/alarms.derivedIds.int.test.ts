/**
 * Alarm transitions found by the one-second tick (on- and off-delays, absence of data, down
 * too long, shelve expiry) get ids and times derived from their cause (issue 14 §2): two
 * stations fed the same events, whose ticks come at different moments, make the same events
 * with the same ids, so that the plant stream and every store keep one of each.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { decodeMessage, encodeEvent } from '../../main/plant/wireEvent';
import type { PublishInput } from '../../shared/events/validate';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { allEvents } from '../support/plantStations';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const cores: PlantCore[] = [];

afterAll(async () => {
  for (const core of cores) await core.close();
});

async function station() {
  let now = T0;
  const store = new InMemoryEventStore();
  const core = await createPlantCore({ store, healthEverySeconds: 0, alarmClock: { now: () => now, tickMs: 5 } });
  cores.push(core);
  return { core, store, setClock: (at: number) => void (now = at) };
}
type Station = Awaited<ReturnType<typeof station>>;

/** The alarm events of a station as id, type, alarm and time, in the order stored. */
async function alarmEvents(s: Station): Promise<string[]> {
  return (await allEvents(s.store)).filter((e) => e.type.startsWith('alarm.')).map((e) => `${e.id} ${e.type} ${String((e.payload as { alarmId?: string }).alarmId)} ${e.timestamp - T0}`);
}

/** Both stations take the same event (same id and time), as the plant link hands it on. */
async function feed(stations: Station[], input: PublishInput): Promise<void> {
  for (const s of stations) await s.core.bus.publish(input);
}

/** Moves each station's clock to its own moment past the deadline and waits until its tick made `count` alarm events. */
async function tickTo(stations: Station[], moments: number[], count: number): Promise<void> {
  stations.forEach((s, i) => s.setClock(moments[i] as number));
  for (const s of stations) await vi.waitFor(async () => expect(await alarmEvents(s)).toHaveLength(count), { timeout: 10_000, interval: 20 });
}

const telemetry = (n: number, at: number, temperature: number): PublishInput => ({
  id: `0190d0c0-0000-7000-8000-${String(n).padStart(12, '0')}`,
  type: 'equipment.telemetry.recorded',
  timestamp: at,
  payload: { equipmentId: 'rig-9', lineId: 'line-1', temperature },
});

describe('alarm transitions found by the tick', () => {
  it('get the same ids and times at two stations whose ticks come at different moments', async () => {
    const a = await station();
    const b = await station();
    const both = [a, b];

    // Too hot from T0: raised by the on-delay (5 s) at T0+5 s, whenever each tick notices it.
    await feed(both, telemetry(1, T0, 90));
    await tickTo(both, [T0 + 5_300, T0 + 6_900], 1);
    // Back to normal at T0+7 s: cleared by the off-delay (10 s) at T0+17 s.
    await feed(both, telemetry(2, T0 + 7 * SECOND, 40));
    await tickTo(both, [T0 + 17_200, T0 + 18_800], 2);
    // Silent from T0+7 s: no telemetry for a minute, raised at T0+67 s.
    await tickTo(both, [T0 + 67_400, T0 + 69_100], 3);
    // Down from T0+70 s: down too long after 15 minutes.
    await feed(both, { id: '0190d0c0-0000-7000-8000-000000000099', type: 'equipment.status.changed', timestamp: T0 + 70 * SECOND, payload: { equipmentId: 'rig-9', newStatus: 'down' } });
    await tickTo(both, [T0 + 70 * SECOND + 15 * MINUTE + 300, T0 + 70 * SECOND + 15 * MINUTE + 1_700], 4);

    // Shelved at A by its operator; B takes A's event as the plant link delivers it. The shelve runs out at the same time at both.
    const shelvedAt = T0 + 17 * MINUTE;
    a.setClock(shelvedAt);
    const missing = a.core.alarms.active().find((alarm) => alarm.ruleId === 'telemetry-missing');
    expect(missing?.state).toBe('ACTIVE_UNACK');
    await a.core.alarms.command('shelve', [missing!.alarmId], { reason: 'sensor swap', durationMs: 5 * MINUTE, user: 'olga' });
    const shelve = (await allEvents(a.store)).find((e) => e.type === 'alarm.shelved')!;
    const received = decodeMessage(encodeEvent(shelve), { subject: 'plant.alarm.shelved', streamSeq: 1, storedAt: shelvedAt, station: 'a' });
    if (!received.ok) throw new Error(received.reason);
    await b.core.bus.publish(received.event);
    await vi.waitFor(() => expect(b.core.alarms.active().find((alarm) => alarm.alarmId === missing!.alarmId)?.state).toBe('SHELVED'));
    await tickTo(both, [shelvedAt + 5 * MINUTE + 200, shelvedAt + 5 * MINUTE + 2_500], 6);

    const [atA, atB] = [await alarmEvents(a), await alarmEvents(b)];
    expect(atA).toEqual(atB);
    expect(atA.map((line) => line.split(' ').slice(1).join(' '))).toEqual([
      'alarm.raised temperature-high:rig-9 5000',
      'alarm.cleared temperature-high:rig-9 17000',
      'alarm.raised telemetry-missing:rig-9 67000',
      'alarm.raised down-too-long:rig-9 970001',
      `alarm.shelved telemetry-missing:rig-9 ${17 * MINUTE}`,
      `alarm.shelve.expired telemetry-missing:rig-9 ${22 * MINUTE}`,
    ]);
    // The same content too, so a copy arriving from the other station is taken as the same event, not as a conflict.
    const content = async (s: Station) => (await allEvents(s.store)).filter((e) => e.type.startsWith('alarm.') && e.type !== 'alarm.shelved').map((e) => JSON.stringify([e.id, e.payload, e.causationId ?? null]));
    expect(await content(a)).toEqual(await content(b));
  });
});
