// A source's downtime is not the plant's silence (issue 12 §1): while the simulator is paused
// or the MQTT connection is down, no absence rule fires; once the source is back, a rule
// fires only after its full timeout passes with no data.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { INGEST_CONNECTION_CHANGED, type ConnectionState } from '../../shared/ingest/ingestEvents';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { handClock, letTick, type HandClock } from '../support/handClock';
import { inProcessApi } from '../support/inProcessApi';

const T0 = 1_700_000_000_000;
const SECOND = 1_000;
const TIMEOUT = 60 * SECOND; // the default "No telemetry" rule
const cores: PlantCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function start(time: HandClock) {
  const store = new InMemoryEventStore();
  const core = await createPlantCore({
    store,
    healthEverySeconds: 0,
    alarmClock: { now: time.monitorNow, tickMs: 5 },
    simulator: { rate: 20, tickMs: 20, now: time.now },
  });
  cores.push(core);
  return { core, store, api: inProcessApi(core).api };
}

async function absencesRaised(store: InMemoryEventStore, equipmentId?: string): Promise<string[]> {
  const { events } = await store.query({ types: ['alarm.raised'], limit: 1000 });
  return events
    .map((e) => e.payload as { ruleId?: string; equipmentId?: string })
    .filter((p) => p.ruleId === 'telemetry-missing' && (equipmentId === undefined || p.equipmentId === equipmentId))
    .map((p) => String(p.equipmentId));
}

/** Telemetry from equipment the simulator does not have (its plant has press-1, cnc-1, …), so only the test feeds it. */
const telemetry = (core: PlantCore, at: number) =>
  core.bus.publish({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'rig-9', lineId: 'line-1', temperature: 40 }, timestamp: at });

/** What the MQTT ingest publishes when its connection changes (mqttIngest.ts), without a broker. */
const connection = (core: PlantCore, state: ConnectionState, at: number, reason: string | null = null) =>
  core.bus.publish({
    type: INGEST_CONNECTION_CHANGED,
    source: 'mqtt',
    priority: state === 'connected' ? 'NORMAL' : 'HIGH',
    timestamp: at,
    payload: { subject: 'connection:plant', connection: 'plant', broker: 'mqtt://broker:1883', state, reason, attempt: 0, retryInMs: null },
  });

/**
 * The source is down from T0 for 90 s, longer than the rule's timeout, then back at `back`:
 * nothing is raised during the outage nor when it ends, and the rule fires for rig-9 only
 * after a full timeout from `back` with no data.
 */
async function expectCountingFromReturn(store: InMemoryEventStore, core: PlantCore, time: HandClock, sourceBack: () => Promise<unknown>): Promise<void> {
  time.set(T0 + 90 * SECOND);
  await letTick(time);
  await core.bus.drain();
  expect(await absencesRaised(store)).toEqual([]);

  await sourceBack();
  await letTick(time);
  await core.bus.drain();
  expect(await absencesRaised(store)).toEqual([]);

  time.set(T0 + 90 * SECOND + TIMEOUT - SECOND);
  await letTick(time);
  await core.bus.drain();
  expect(await absencesRaised(store, 'rig-9')).toEqual([]);

  time.set(T0 + 90 * SECOND + TIMEOUT + SECOND);
  await vi.waitFor(async () => expect(await absencesRaised(store, 'rig-9')).toEqual(['rig-9']));
}

describe('absence rules across an outage of a source', () => {
  it('given telemetry then the simulator paused for 90 s, when it resumes, then "No telemetry" waits a full timeout from the resume', async () => {
    const time = handClock(T0);
    const { core, store, api } = await start(time);
    await telemetry(core, T0);
    await api.simulator.pause();

    await expectCountingFromReturn(store, core, time, () => api.simulator.resume());
  });

  it('given telemetry then the MQTT connection lost for 90 s, when it reconnects, then "No telemetry" waits a full timeout from the reconnection', async () => {
    const time = handClock(T0);
    const { core, store } = await start(time);
    await telemetry(core, T0);
    await connection(core, 'disconnected', T0, 'connection lost');

    await expectCountingFromReturn(store, core, time, () => connection(core, 'connected', T0 + 90 * SECOND));
  });

  it('given the MQTT connection retrying with errors, when it is still down, then no absence fires; when it is stopped on purpose, then the rule counts from the stop', async () => {
    const time = handClock(T0);
    const { core, store } = await start(time);
    await telemetry(core, T0);
    await connection(core, 'error', T0, 'connect ECONNREFUSED');
    await connection(core, 'connecting', T0 + SECOND, 'reconnecting');
    time.set(T0 + 5 * TIMEOUT);
    await letTick(time);
    await core.bus.drain();
    expect(await absencesRaised(store)).toEqual([]);

    // The operator removes the connection: nothing will bring it back, so it no longer holds the rules.
    await connection(core, 'disconnected', T0 + 5 * TIMEOUT, 'ingest stopped');
    await letTick(time);
    time.set(T0 + 6 * TIMEOUT + SECOND);
    await vi.waitFor(async () => expect(await absencesRaised(store, 'rig-9')).toEqual(['rig-9']));
  });

  it('given the simulator paused while an absence alarm is already active, when it resumes, then the alarm stays active until telemetry comes', async () => {
    const time = handClock(T0);
    const { core, store, api } = await start(time);
    await telemetry(core, T0);
    time.set(T0 + TIMEOUT + SECOND);
    await vi.waitFor(async () => expect(await absencesRaised(store, 'rig-9')).toEqual(['rig-9']));

    await api.simulator.pause();
    time.set(T0 + 3 * TIMEOUT);
    await letTick(time);
    await api.simulator.resume();
    await letTick(time);
    expect(core.alarms.active().filter((a) => a.equipmentId === 'rig-9').map((a) => a.state)).toEqual(['ACTIVE_UNACK']);
  });
});
