// Sparkplug B ingest against a real Mosquitto, with a test edge node encoding with sparkplug-payload.
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { MqttIngest } from '../../main/ingest/mqttIngest';
import type { StoredEvent } from '../../shared/events/event';
import type { RejectedMessagePayload } from '../../shared/ingest/ingestEvents';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { findMosquitto, MOSQUITTO_MISSING, MosquittoBroker } from '../support/mosquitto';
import { TestEdgeNode, type DeviceBirth } from '../support/sparkplugEdgeNode';
import type { UMetric } from 'sparkplug-payload/lib/sparkplugbpayload';

const mosquitto = findMosquitto();
if (!mosquitto) console.warn(`Sparkplug ingest tests skipped: ${MOSQUITTO_MISSING}`);

/** A primary host: the MQTT ingest with Sparkplug on, over a bus and an in-memory store. */
type Host = { readonly store: InMemoryEventStore; readonly bus: EventBus; readonly ingest: MqttIngest };
const hosts: Host[] = [];
const nodes: TestEdgeNode[] = [];
let broker: MosquittoBroker;

const PRESS: DeviceBirth = {
  device: 'press-1',
  metrics: [
    { name: 'temperature', alias: 1, type: 'Double', value: 20.5, properties: { engUnit: { type: 'String', value: 'degC' } } },
    { name: 'speed', alias: 2, type: 'Int32', value: 100 },
    { name: 'cycles', alias: 3, type: 'UInt64', value: 12_345_678_901 },
  ],
};
const NODE_METRICS: UMetric[] = [{ name: 'cpu', alias: 10, type: 'Float', value: 0.5 }];

beforeAll(async () => {
  if (mosquitto) broker = await MosquittoBroker.start();
});

afterAll(async () => {
  await broker?.stop();
});

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.close().catch(() => {});
  for (const host of hosts.splice(0)) {
    await host.ingest.stop();
    await host.bus.close();
  }
});

async function startHost(sparkplug: Record<string, unknown> = {}): Promise<Host> {
  const store = new InMemoryEventStore();
  const bus = new EventBus({ store });
  const ingest = await MqttIngest.start({ bus, settings: { url: broker.url, topics: ['spBv1.0/#'], sparkplug }, onError: () => {} });
  const host = { store, bus, ingest };
  hosts.push(host);
  await vi.waitFor(() => expect(ingest.status()).toMatchObject({ state: 'connected', subscribed: true }), { timeout: 10_000 });
  return host;
}

async function edgeNode(node: string, births = { node: NODE_METRICS, devices: [PRESS] }, bdSeq = 0): Promise<TestEdgeNode> {
  const edge = await TestEdgeNode.connect(broker.url, 'line-1', node, births, bdSeq);
  nodes.push(edge);
  return edge;
}

type Fields = Record<string, unknown>;
async function eventsOf(store: InMemoryEventStore, type: string): Promise<(StoredEvent & { payload: Fields })[]> {
  return (await store.query({ types: [type], limit: 1000 })).events as (StoredEvent & { payload: Fields })[];
}

const rejectedReasons = async (store: InMemoryEventStore) => (await eventsOf(store, 'ingest.message.rejected')).map((event) => (event.payload as RejectedMessagePayload).reason);

describe.skipIf(!mosquitto)('Sparkplug B ingest from a Mosquitto broker', () => {
  it('reads births and data by alias into telemetry with units and quality, and brings the equipment online', async () => {
    const { store, ingest } = await startHost();
    const edge = await edgeNode('gw-1');
    await edge.birth();
    await edge.data('press-1', [
      { alias: 1, type: 'Double', value: 71.25, properties: { Quality: { type: 'Int32', value: 64 } } },
      { alias: 3, type: 'UInt64', value: 12_345_678_999 },
    ]);
    await edge.data(null, [{ alias: 10, type: 'Float', value: 0.75 }]);
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.telemetry.recorded')).toHaveLength(4));

    const telemetry = (await eventsOf(store, 'equipment.telemetry.recorded')).map((event) => event.payload);
    expect(telemetry).toEqual([
      { lineId: 'line-1', equipmentId: 'gw-1', cpu: 0.5 },
      { lineId: 'line-1', equipmentId: 'press-1', temperature: 20.5, speed: 100, cycles: 12_345_678_901, units: { temperature: 'degC' } },
      { lineId: 'line-1', equipmentId: 'press-1', temperature: 71.25, cycles: 12_345_678_999, units: { temperature: 'degC' }, quality: { temperature: 'uncertain' } },
      { lineId: 'line-1', equipmentId: 'gw-1', cpu: 0.75 },
    ]);
    const status = (await eventsOf(store, 'equipment.status.changed')).map((event) => [event.payload.equipmentId, event.payload.newStatus]);
    expect(status).toEqual([['gw-1', 'running'], ['press-1', 'running']]);
    expect((await eventsOf(store, 'equipment.telemetry.recorded'))[2]?.metadata).toMatchObject({ ingest: { origin: 'sparkplug', group: 'line-1', node: 'gw-1', device: 'press-1', message: 'DDATA', seq: 2 } });
    expect(ingest.metrics().sparkplug).toMatchObject({ births: 2, gaps: 0, rebirthRequests: 0 });
    expect(ingest.metrics().rejected).toBe(0);
  });

  it('asks for a rebirth when data comes before a birth, keeps the data as rejected, and reads what follows the answered rebirth', async () => {
    const { store, ingest } = await startHost();
    const edge = await edgeNode('gw-2');
    await edge.data('press-1', [{ alias: 1, type: 'Double', value: 1 }]);
    await vi.waitFor(() => expect(edge.rebirthRequests).toBe(1));
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.telemetry.recorded')).toHaveLength(2));
    expect(await rejectedReasons(store)).toEqual(['DDATA: DDATA from line-1/gw-2 before its NBIRTH']);
    expect((await eventsOf(store, 'ingest.message.rejected'))[0]?.payload).toMatchObject({ code: 'no-birth', rule: 'sparkplug', topic: 'spBv1.0/line-1/DDATA/gw-2/press-1' });

    await edge.data('press-1', [{ alias: 2, type: 'Int32', value: 7 }]);
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.telemetry.recorded')).toHaveLength(3));
    expect((await eventsOf(store, 'equipment.telemetry.recorded'))[2]?.payload).toEqual({ lineId: 'line-1', equipmentId: 'press-1', speed: 7 });
    expect(ingest.metrics().rejectedByCode['no-birth']).toBe(1);
  });

  it('rejects an alias the last birth did not define and asks for a rebirth', async () => {
    const { store } = await startHost();
    const edge = await edgeNode('gw-3');
    await edge.birth();
    edge.answerRebirth = false;
    await edge.data('press-1', [{ alias: 99, type: 'Double', value: 1 }]);
    await vi.waitFor(() => expect(edge.rebirthRequests).toBe(1));
    await vi.waitFor(async () => expect(await rejectedReasons(store)).toEqual(['DDATA: alias 99 was not defined by the last birth of line-1/gw-3/press-1']));
  });

  it('reports a seq gap as ingest.sequence.gap.detected, asks for a rebirth, and keeps the data', async () => {
    const { store, ingest } = await startHost();
    const edge = await edgeNode('gw-4');
    await edge.birth(); // NBIRTH seq 0, DBIRTH seq 1
    await edge.data('press-1', [{ alias: 2, type: 'Int32', value: 1 }]); // seq 2
    await edge.data('press-1', [{ alias: 2, type: 'Int32', value: 2 }], 5); // 3 and 4 missing
    await vi.waitFor(() => expect(edge.rebirthRequests).toBe(1));
    await vi.waitFor(async () => expect(await eventsOf(store, 'ingest.sequence.gap.detected')).toHaveLength(1));
    expect((await eventsOf(store, 'ingest.sequence.gap.detected'))[0]).toMatchObject({
      priority: 'HIGH',
      payload: { group: 'line-1', node: 'gw-4', expected: 3, received: 5, topic: 'spBv1.0/line-1/DDATA/gw-4/press-1' },
    });
    const speeds = (await eventsOf(store, 'equipment.telemetry.recorded')).map((event) => event.payload.speed);
    expect(speeds).toContain(2);
    expect(ingest.metrics().sparkplug?.gaps).toBe(1);
  });

  it('wraps seq from 255 to 0 without a gap', async () => {
    const { store, ingest } = await startHost();
    const edge = await edgeNode('gw-5');
    await edge.birth();
    for (let i = 0; i < 300; i++) await edge.data(null, [{ alias: 10, type: 'Float', value: i }]);
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.telemetry.recorded')).toHaveLength(302));
    expect(ingest.metrics().sparkplug?.gaps).toBe(0);
    expect(edge.rebirthRequests).toBe(0);
  });

  it('marks the node and its devices offline when the edge node connection dies (NDEATH will), and back on a new birth', async () => {
    const { store, ingest } = await startHost();
    const edge = await edgeNode('gw-6', { node: NODE_METRICS, devices: [PRESS] }, 3);
    await edge.birth();
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.status.changed')).toHaveLength(2));
    edge.kill();
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.status.changed')).toHaveLength(4), { timeout: 10_000 });
    const offline = (await eventsOf(store, 'equipment.status.changed')).slice(2).map((event) => [event.payload.equipmentId, event.payload.newStatus, event.priority]);
    expect(offline).toEqual([['gw-6', 'offline', 'HIGH'], ['press-1', 'offline', 'HIGH']]);

    const again = await edgeNode('gw-6', { node: NODE_METRICS, devices: [PRESS] }, 4);
    await again.birth();
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.status.changed')).toHaveLength(6));
    // The death of the first session arriving late (bdSeq 3) is stale and changes nothing.
    await again.send('NDEATH', null, { timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: 3 }] });
    await vi.waitFor(() => expect(ingest.metrics().sparkplug?.staleDeaths).toBe(1));
    const last = (await eventsOf(store, 'equipment.status.changed')).slice(4).map((event) => [event.payload.equipmentId, event.payload.newStatus]);
    expect(last).toEqual([['gw-6', 'running'], ['press-1', 'running']]);
    expect(await eventsOf(store, 'equipment.status.changed')).toHaveLength(6);
  });

  it('publishes STATE/<host id> ONLINE while connected and OFFLINE when it stops', async () => {
    const { ingest } = await startHost({ hostId: 'console-a' });
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const states: string[] = [];
    watcher.on('message', (_topic, body) => states.push(body.toString()));
    await watcher.subscribeAsync('STATE/console-a', { qos: 1 });
    await vi.waitFor(() => expect(states).toEqual(['ONLINE']));
    await ingest.stop();
    await vi.waitFor(() => expect(states).toEqual(['ONLINE', 'OFFLINE']));
    await watcher.endAsync();
  });

  it('maps metrics through the operator rules: another equipment, quality measurements, ignored metrics', async () => {
    const { store } = await startHost({
      rules: [
        { device: 'press-1', metric: 'speed', ignore: true },
        { device: 'press-1', metric: 'temperature', type: 'quality.measurement.recorded', equipmentId: 'P1-{node}' },
        { device: 'press-*', equipmentId: 'P1-{node}', lineId: 'L-{group}' },
      ],
    });
    const edge = await edgeNode('gw-7', { node: [], devices: [PRESS] });
    await edge.birth();
    await vi.waitFor(async () => expect(await eventsOf(store, 'quality.measurement.recorded')).toHaveLength(1));
    expect((await eventsOf(store, 'quality.measurement.recorded'))[0]?.payload).toEqual({ lineId: 'line-1', equipmentId: 'P1-gw-7', parameter: 'temperature', value: 20.5, unit: 'degC' });
    await vi.waitFor(async () => expect((await eventsOf(store, 'equipment.telemetry.recorded')).map((event) => event.payload)).toContainEqual({ lineId: 'L-line-1', equipmentId: 'P1-gw-7', cycles: 12_345_678_901 }));
  });
});
