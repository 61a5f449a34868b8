// The MQTT half of "a source's downtime is not the plant's silence" (issue 12 §1) against a
// real Mosquitto: the broker goes away for longer than the absence timeout and comes back;
// the ingest's own connection events hold the absence rules, and the reconnection restarts them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { INGEST_CONNECTION_CHANGED } from '../../shared/ingest/ingestEvents';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { inProcessApi } from '../support/inProcessApi';
import { brokerForTests, type MosquittoBroker } from '../support/mosquitto';

const T0 = 1_700_000_000_000;
const SECOND = 1_000;
const TIMEOUT = 60 * SECOND; // the default "No telemetry" rule
let broker: MosquittoBroker;
const cores: PlantCore[] = [];
brokerForTests((started) => (broker = started));
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function absencesRaised(store: InMemoryEventStore): Promise<string[]> {
  const { events } = await store.query({ types: ['alarm.raised'], limit: 1000 });
  return events.map((e) => e.payload as { ruleId?: string; equipmentId?: string }).filter((p) => p.ruleId === 'telemetry-missing').map((p) => String(p.equipmentId));
}

/** Waits until the ingest's event for one of `states` is stored, so the alarm monitor has folded it. */
async function connectionEvent(store: InMemoryEventStore, states: string[], after: number): Promise<void> {
  await vi.waitFor(async () => {
    const { events } = await store.query({ types: [INGEST_CONNECTION_CHANGED], limit: 1000 });
    expect(events.some((e) => e.seq > after && states.includes((e.payload as { state: string }).state))).toBe(true);
  }, { timeout: 10_000 });
}

describe('absence rules across an MQTT outage', () => {
  it('given telemetry then the broker gone for 90 s, when the connection is back, then "No telemetry" waits a full timeout from the reconnection', async () => {
    let now = T0;
    let ticks = 0;
    const store = new InMemoryEventStore();
    const core = await createPlantCore({ store, healthEverySeconds: 0, alarmClock: { now: () => (ticks++, now), tickMs: 5 } });
    cores.push(core);
    const letTick = async () => {
      const seen = ticks;
      await vi.waitFor(() => expect(ticks).toBeGreaterThan(seen + 3));
    };
    const { api } = inProcessApi(core);
    await api.mqtt.configure({ url: broker.url, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
    await connectionEvent(store, ['connected'], 0);
    await core.bus.publish({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'rig-9', lineId: 'line-1', temperature: 40 }, timestamp: T0 });

    const beforeOutage = await store.headSeq();
    await broker.pause();
    // A lost connection is `disconnected`, or `error` when the socket reported one first.
    await connectionEvent(store, ['disconnected', 'error'], beforeOutage);
    now = T0 + 90 * SECOND;
    await letTick();
    expect(await absencesRaised(store)).toEqual([]);

    const beforeReturn = await store.headSeq();
    await broker.resume();
    await connectionEvent(store, ['connected'], beforeReturn);
    await letTick();
    expect(await absencesRaised(store)).toEqual([]);

    now = T0 + 90 * SECOND + TIMEOUT - SECOND;
    await letTick();
    expect(await absencesRaised(store)).toEqual([]);
    now = T0 + 90 * SECOND + TIMEOUT + SECOND;
    await vi.waitFor(async () => expect(await absencesRaised(store)).toEqual(['rig-9']));
  });
});
