// MQTT ingest against a real Mosquitto broker that the test starts on a free loopback port.
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { MqttIngest } from '../../main/ingest/mqttIngest';
import { IngestConfigError } from '../../shared/ingest/errors';
import { countRejectedIngest, listRejectedIngest } from '../../main/ingest/rejectedIngest';
import type { StoredEvent } from '../../shared/events/event';
import type { ConnectionChangedPayload, RejectedMessagePayload } from '../../shared/ingest/ingestEvents';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { brokerForTests, type MosquittoBroker } from '../support/mosquitto';

const ID = '018f3a5c-1b2d-7abc-8def-0123456789ab';
const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 400 };

interface Rig {
  store: InMemoryEventStore;
  bus: EventBus;
  ingest: MqttIngest;
}

let broker: MosquittoBroker;
const rigs: Rig[] = [];

brokerForTests((started) => (broker = started));

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.ingest.stop();
    await rig.bus.close();
  }
});

async function startIngest(settings: Record<string, unknown>, url = broker.url): Promise<Rig> {
  const store = new InMemoryEventStore();
  const bus = new EventBus({ store });
  const ingest = await MqttIngest.start({ bus, settings: { url, reconnect: FAST_RECONNECT, ...settings }, random: () => 0, onError: () => {} });
  const rig = { store, bus, ingest };
  rigs.push(rig);
  return rig;
}

async function subscribed(ingest: MqttIngest): Promise<void> {
  await vi.waitFor(() => expect(ingest.status()).toMatchObject({ state: 'connected', subscribed: true }), { timeout: 10_000 });
}

async function publish(url: string, messages: [string, string | Buffer][]): Promise<void> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  for (const [topic, body] of messages) await client.publishAsync(topic, body, { qos: 1 });
  await client.endAsync();
}

async function readAll(store: InMemoryEventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ limit: 1000, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

async function eventsOf(store: InMemoryEventStore, type: string): Promise<StoredEvent[]> {
  return (await readAll(store)).filter((event) => event.type === type);
}

async function connectionStates(store: InMemoryEventStore): Promise<ConnectionChangedPayload[]> {
  return (await eventsOf(store, 'ingest.connection.changed')).map((event) => event.payload as ConnectionChangedPayload);
}

describe('MQTT ingest from a Mosquitto broker', () => {
  it('maps messages on the default topics to events on the bus, with the topic and rule in metadata', async () => {
    const { store, ingest } = await startIngest({});
    await subscribed(ingest);
    await publish(broker.url, [
      ['plant/line-1/press-1/status', JSON.stringify({ status: 'down', reason: 'jam', timestamp: '2024-05-01T08:00:00Z' })],
      ['plant/line-1/oven-2/telemetry', JSON.stringify({ temperature: 212.5, speed: 1.2 })],
      ['plant/line-2/cnc-3/quality/diameter', JSON.stringify({ value: 10.07, lowerLimit: 9.95, upperLimit: 10.05 })],
      ['plant/events', JSON.stringify({ id: ID, type: 'maintenance.completed', payload: { equipmentId: 'press-1' } })],
    ]);
    await vi.waitFor(async () => expect(await store.count({ types: ['equipment.*', 'quality.*', 'maintenance.*'] })).toBe(4));

    const [status] = await eventsOf(store, 'equipment.status.changed');
    expect(status).toMatchObject({
      source: 'mqtt-ingest',
      timestamp: Date.UTC(2024, 4, 1, 8),
      payload: { lineId: 'line-1', equipmentId: 'press-1', newStatus: 'down', reason: 'jam' },
      metadata: { ingest: { origin: 'mqtt', topic: 'plant/line-1/press-1/status', rule: 'equipment status' } },
      subject: 'press-1',
    });
    expect((await eventsOf(store, 'equipment.telemetry.recorded'))[0]?.payload).toEqual({ temperature: 212.5, speed: 1.2, lineId: 'line-1', equipmentId: 'oven-2' });
    expect((await eventsOf(store, 'quality.measurement.recorded'))[0]?.payload).toMatchObject({ equipmentId: 'cnc-3', parameter: 'diameter', value: 10.07 });
    expect(await store.get(ID)).toMatchObject({ type: 'maintenance.completed', source: 'mqtt-ingest' });
    expect(ingest.metrics()).toMatchObject({ received: 4, mapped: 4, rejected: 0, lost: 0 });
  });

  it('keeps every unmappable or invalid message as a rejected-ingest event with its reason, counts it, and stores nothing else for it', async () => {
    const { store, ingest } = await startIngest({ topics: ['plant/#', 'factory/#'] });
    await subscribed(ingest);
    const large = JSON.stringify({ status: 'down', reason: 'x'.repeat(300 * 1024) });
    await publish(broker.url, [
      ['factory/l1/p1/status', JSON.stringify({ status: 'down' })],
      ['plant/l1/p1/status', 'down'],
      ['plant/l1/p1/status', JSON.stringify({ status: 'flying' })],
      ['plant/l1/p1/quality/d', JSON.stringify({ value: 'ten' })],
      ['plant/events', JSON.stringify({ type: 'Bad.Type', payload: {} })],
      ['plant/l1/p1/telemetry', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
      ['plant/l1/p1/status', large],
      ['plant/l1/p1/status', JSON.stringify({ status: 'running' })],
    ]);
    await vi.waitFor(async () => expect(await countRejectedIngest(store)).toBe(7));
    await ingest.idle();

    const rejected = (await listRejectedIngest(store)).events.map((event) => event.payload as RejectedMessagePayload).reverse();
    expect(rejected.map((r) => [r.topic, r.code, r.rule])).toEqual([
      ['factory/l1/p1/status', 'no-rule', null],
      ['plant/l1/p1/status', 'bad-body', 'equipment status'],
      ['plant/l1/p1/status', 'bad-field', 'equipment status'],
      ['plant/l1/p1/quality/d', 'bad-field', 'quality measurement'],
      ['plant/events', 'invalid-event', 'published events'],
      ['plant/l1/p1/telemetry', 'bad-encoding', null],
      ['plant/l1/p1/status', 'too-large', null],
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'no mapping rule matches topic "factory/l1/p1/status"',
      expect.stringContaining('body is not valid JSON'),
      'payload.newStatus: must be one of "running", "idle", "maintenance", "down" (got string "flying")',
      expect.stringContaining('payload.value: must be a number (got string "ten"'),
      'type: must be two or more lowercase segments of [a-z0-9-] joined by dots',
      'body is not valid UTF-8 text',
      `body is ${Buffer.byteLength(large)} bytes; at most 262144 are accepted`,
    ]);
    expect(rejected[1]).toMatchObject({ excerpt: 'down', excerptEncoding: 'utf8', truncated: false, bytes: 4, connection: 'default', subject: 'mqtt:default' });
    expect(rejected[5]).toMatchObject({ excerpt: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), excerptEncoding: 'base64' });
    expect(rejected[6]).toMatchObject({ truncated: true, bytes: Buffer.byteLength(large) });
    expect(rejected[6]?.excerpt).toHaveLength(1024);

    // Only the one good message became a domain event; nothing else was stored for the rejected ones.
    const domain = (await readAll(store)).filter((event) => !event.type.startsWith('ingest.'));
    expect(domain.map((event) => [event.type, (event.payload as { newStatus?: string }).newStatus])).toEqual([['equipment.status.changed', 'running']]);
    expect(ingest.metrics()).toMatchObject({
      received: 8,
      mapped: 1,
      rejected: 7,
      rejectedByCode: { 'no-rule': 1, 'bad-body': 1, 'bad-field': 2, 'invalid-event': 1, 'bad-encoding': 1, 'too-large': 1 },
    });
  });

  it('reconnects with growing delays after the broker stops, reporting each state as an event', async () => {
    const { store, ingest } = await startIngest({});
    await subscribed(ingest);
    await broker.pause();
    await vi.waitFor(async () => expect((await connectionStates(store)).filter((s) => s.state === 'error').length).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    await broker.resume();
    await subscribed(ingest);
    await publish(broker.url, [['plant/l1/p9/status', JSON.stringify({ status: 'idle' })]]);
    await vi.waitFor(async () => expect(await eventsOf(store, 'equipment.status.changed')).toHaveLength(1), { timeout: 10_000 });

    const states = await connectionStates(store);
    expect(states.slice(0, 3).map((s) => [s.state, s.reason])).toEqual([
      ['connecting', null],
      ['connected', null],
      ['disconnected', 'connection lost'],
    ]);
    const errors = states.filter((s) => s.state === 'error');
    expect(errors[0]?.reason).toContain('ECONNREFUSED');
    // random() = 0 takes the jitter out: 50 ms, then doubled per failed attempt up to 400 ms.
    expect(states[2]?.retryInMs).toBe(50);
    expect(errors.slice(0, 3).map((s) => s.retryInMs)).toEqual([100, 200, 400]);
    expect(states.at(-1)).toMatchObject({ state: 'connected', attempt: 0, broker: broker.url });
    expect(states.at(-2)).toMatchObject({ state: 'connecting', reason: 'reconnecting' });
    expect(ingest.metrics().connects).toBe(2);

    await ingest.stop();
    expect((await connectionStates(store)).at(-1)).toMatchObject({ state: 'disconnected', reason: 'ingest stopped' });
  });
});

describe('MQTT ingest with credentials', () => {
  let secured: MosquittoBroker;
  brokerForTests((started) => (secured = started), { users: { ops: 'right-password' } });

  it('connects with the right password, and reports the refusal (and keeps retrying) with a wrong one, never storing the password', async () => {
    const good = await startIngest({ username: 'ops', password: 'right-password' }, secured.url);
    await subscribed(good.ingest);
    const bad = await startIngest({ username: 'ops', password: 'wrong-password' }, secured.url);
    await vi.waitFor(async () => expect((await connectionStates(bad.store)).filter((s) => s.state === 'error').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    const states = await connectionStates(bad.store);
    expect(states.find((s) => s.state === 'error')?.reason).toBe('Connection refused: Not authorized');
    expect(states.some((s) => s.state === 'connected')).toBe(false);
    expect(bad.ingest.publicSettings()).toMatchObject({ username: 'ops', hasPassword: true });
    for (const rig of [good, bad]) {
      expect(JSON.stringify(await readAll(rig.store))).not.toMatch(/right-password|wrong-password/);
    }
  });
});

describe('MQTT ingest over TLS', () => {
  let tls: MosquittoBroker;
  brokerForTests((started) => (tls = started), { tls: true });

  it('connects with the CA and a client certificate read from files, and refuses a broker it cannot verify', async () => {
    const certs = tls.certificates;
    if (!certs) throw new Error('the TLS broker has no certificates');
    const clientCert = { certFile: certs.clientCertFile, keyFile: certs.clientKeyFile };
    const trusted = await startIngest({ tls: { caFile: certs.caFile, ...clientCert } }, tls.url);
    await subscribed(trusted.ingest);
    expect(trusted.ingest.status().broker).toBe(tls.url);

    const untrusted = await startIngest({ tls: clientCert }, tls.url);
    await vi.waitFor(async () => expect((await connectionStates(untrusted.store)).some((s) => s.state === 'error')).toBe(true), { timeout: 10_000 });
    const refusal = (await connectionStates(untrusted.store)).find((s) => s.state === 'error');
    expect(refusal?.reason).toMatch(/certificate/i);

    const lax = await startIngest({ tls: { ...clientCert, rejectUnauthorized: false } }, tls.url);
    await subscribed(lax.ingest);
  });

  it('names the TLS setting whose file cannot be read, before connecting', async () => {
    const start = MqttIngest.start({ bus: { publishBatch: async () => [] }, settings: { url: tls.url, tls: { caFile: '/nonexistent/ca.pem' } } });
    await expect(start).rejects.toThrow(IngestConfigError);
    await expect(start).rejects.toThrow('tls.caFile: cannot be read (ENOENT: /nonexistent/ca.pem)');
  });
});
