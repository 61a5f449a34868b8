// What the plant stream may hold that is not a valid event, written straight into a real
// JetStream by another client: each message is kept once as `plant.message.rejected` with
// its reason, acknowledged (no redelivery loop, also across a restart), nothing stored is
// changed, and the link goes on with the next valid event. And the two ways a station can be
// refused (wrong credentials, a TLS mismatch) each say so in one sentence, with no secret in it.
import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlantCore } from '../../main/core/plantCore';
import { checkPlantSettings } from '../../main/plant/plantSettings';
import type { StoredEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { NatsServer, natsMissing } from '../support/natsServer';
import { allEvents, startStation, type Station } from '../support/plantStations';

const stations: Station[] = [];
const servers: NatsServer[] = [];
let raw: NatsConnection | null = null;
const WAIT = { timeout: 20_000, interval: 100 };

afterEach(async () => {
  for (const station of stations.splice(0)) await station.core.close();
  await raw?.close();
  raw = null;
  for (const server of servers.splice(0)) await server.stop();
});

async function rejections(station: Station): Promise<StoredEvent[]> {
  return (await allEvents(station.store)).filter((e) => e.type === 'plant.message.rejected');
}

describe.skipIf(natsMissing())('hostile content on the plant stream', () => {
  it('keeps each bad message once as rejected with its reason, and changes nothing else', async () => {
    const server = await NatsServer.start();
    servers.push(server);
    const a = await startStation('a', { servers: [server.url] });
    const b = await startStation('b', { servers: [server.url] });
    stations.push(a, b);
    await vi.waitFor(() => expect(stations.every((s) => s.core.plant?.status().state === 'connected')).toBe(true), WAIT);
    const original = await a.core.bus.publish({ type: 'operator.note.added', payload: { note: 'the real note' } });
    await vi.waitFor(async () => expect(await b.store.get(original.id)).not.toBeNull(), WAIT);
    const before = await b.store.get(original.id);

    raw = await connect({ servers: server.url });
    const js = jetstream(raw);
    const h = headers();
    h.set('Plant-Station', 'intruder');
    const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
    const valid = (type: string, payload: unknown) => ({ id: newEventId(), type, source: 'x', timestamp: Date.now(), payload, priority: 'NORMAL', metadata: {} });
    const hostile: [string, Uint8Array, string][] = [
      ['plant.operator.note.added', text('{"type": "operator.note.added", "payload": '), 'not-json'],
      ['plant.operator.note.added', text({ ...valid('operator.note.added', {}), id: 12, priority: 'URGENT' }), 'invalid-event'],
      ['plant.operator.note.added', text(valid('operator.note.added', { note: 'x'.repeat(300 * 1024) })), 'invalid-event'],
      ['plant.operator.note.added', text({ ...valid('operator.note.added', { note: 'a forged note' }), id: original.id }), 'id-conflict'],
      ['plant.equipment.status.changed', text(valid('operator.note.added', { note: 'on the wrong subject' })), 'subject-mismatch'],
      ['plant.operator.note.added', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), 'bad-encoding'],
      ['plant.operator.note.added', text([1, 2, 3]), 'invalid-event'],
    ];
    for (const [subject, body] of hostile) await js.publish(subject, body, { headers: h });
    const after = valid('operator.note.added', { note: 'a good note after the bad ones' });
    await js.publish('plant.operator.note.added', text(after), { headers: h });

    for (const station of stations) {
      await vi.waitFor(async () => expect(await station.store.get(after.id)).not.toBeNull(), WAIT);
      const rejected = await rejections(station);
      // Sorted: messages are handled several at a time, and the id check takes a look-up more.
      expect(rejected.map((e) => (e.payload as { code: string }).code).sort()).toEqual(hostile.map(([, , code]) => code).sort());
      for (const event of rejected) expect((event.payload as { reason: string }).reason).toMatch(/\S/);
      // The stored event with that id is as it was.
      expect(await station.store.get(original.id)).toMatchObject({ payload: { note: 'the real note' } });
      // Nothing else came in: the note, the good one after, and the rejections.
      expect((await allEvents(station.store)).filter((e) => e.type === 'operator.note.added').map((e) => e.id).sort()).toEqual([original.id, after.id].sort());
    }
    expect(await b.store.get(original.id)).toEqual(before);
    const conflict = (await rejections(b)).find((e) => (e.payload as { code: string }).code === 'id-conflict');
    expect((conflict?.payload as { reason: string }).reason).toBe(`the event id ${original.id} is already stored here with other content`);
    // Rejections are the station's own notes: they are not sent to the stream.
    expect(b.core.plant?.status().published).toBe(0);

    // A restart takes nothing again: every bad message was acknowledged.
    await b.core.close();
    stations.splice(stations.indexOf(b), 1);
    const again = await startStation('b', { servers: [server.url] }, b.store);
    stations.push(again);
    const last = await a.core.bus.publish({ type: 'operator.note.added', payload: { note: 'after the restart' } });
    await vi.waitFor(async () => expect(await again.store.get(last.id)).not.toBeNull(), WAIT);
    expect(await rejections(again)).toHaveLength(hostile.length);
  }, 60_000);
});

describe.skipIf(natsMissing())('a station the server refuses', () => {
  it('says in one sentence that the credentials are wrong, shows no secret, and keeps working locally', async () => {
    const server = await NatsServer.start({ users: { plant: 'right-Pa55word' } });
    servers.push(server);
    const settings = checkPlantSettings({ servers: [server.url], station: 'a', user: 'plant', password: 'wrong-Pa55word' });
    const store = new InMemoryEventStore();
    const core = await createPlantCore({ store, healthEverySeconds: 0, plant: settings });
    stations.push({ name: 'a', core, store });
    await vi.waitFor(() => expect(core.plant?.status().lastError?.message).toBe(
      `${server.url} refused to sign this station in (authorization violation): check the user name and password, the token or the NKey seed.`,
    ), WAIT);
    expect(core.plant?.status().state).toBe('offline');
    expect(JSON.stringify(await core.metrics())).not.toContain('Pa55word');
    const local = await core.bus.publish({ type: 'operator.note.added', payload: { note: 'kept locally' } });
    expect(await store.get(local.id)).not.toBeNull();
    expect(core.plant?.status().waiting).toBeGreaterThanOrEqual(1);

    const right = await startStation('b', { servers: [server.url], user: 'plant', password: 'right-Pa55word' });
    stations.push(right);
    await vi.waitFor(() => expect(right.core.plant?.status().state).toBe('connected'), WAIT);
  }, 60_000);

  it('says in one sentence that TLS failed and why, and connects with the plant CA and a client certificate', async () => {
    const server = await NatsServer.start({ tls: true });
    servers.push(server);
    const certs = server.certificates!;
    const untrusting = await startStation('a', { servers: [server.url] });
    stations.push(untrusting);
    await vi.waitFor(() => expect(untrusting.core.plant?.status().lastError?.message).toBe(
      `TLS with ${server.url} failed: the server's certificate is not signed by a trusted CA (unable to verify the first certificate); give the plant's CA with --plant-tls-ca.`,
    ), WAIT);
    const noClientCert = await startStation('b', { servers: [server.url], tls: { caFile: certs.caFile } });
    stations.push(noClientCert);
    await vi.waitFor(() => expect(noClientCert.core.plant?.status().lastError?.message).toMatch(/^tls:\/\/127\.0\.0\.1:\d+ did not complete the connection within 5 s \(a server that requires a client certificate closes the connection without one: give --plant-tls-cert and --plant-tls-key\)\.$/), WAIT);
    const trusted = await startStation('c', { servers: [server.url], tls: { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile } });
    stations.push(trusted);
    await vi.waitFor(() => expect(trusted.core.plant?.status().state).toBe('connected'), WAIT);
  }, 60_000);
});
