// The outbox keeps hundreds of publishes in flight at once (main/plant/publishWindow.ts).
// Against a real nats-server killed (SIGKILL) in the middle of such a window: the position the
// station saves never passes an event the stream did not take, so after a restart of server
// and station every event the station stored is in the stream exactly once, and the outbox
// resumes from that position instead of sending its whole history again. While the link is
// up, the outbox takes the events from the bus as they are stored instead of reading them back.
import { jetstream, jetstreamManager, PubHeaders } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUTBOX_KEY } from '../../main/plant/outbox';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { NatsServer, natsMissing } from '../support/natsServer';
import { allEvents, startStation, type Station } from '../support/plantStations';

const EVENTS = 20_000;
/** The outbox's window (IN_FLIGHT in main/plant/outbox.ts). */
const WINDOW = 512;
const WAIT = { timeout: 60_000, interval: 20 };

let server: NatsServer | null = null;
const stations: Station[] = [];

afterEach(async () => {
  for (const station of stations.splice(0)) await station.core.close();
  await server?.stop();
  server = null;
});

/** Every message id in the stream, as often as it is there. */
async function idsInStream(url: string): Promise<string[]> {
  const nc = await connect({ servers: url });
  try {
    const total = (await (await jetstreamManager(nc)).streams.info('PLANT')).state.messages;
    const ids: string[] = [];
    if (total === 0) return ids;
    const messages = await (await jetstream(nc).consumers.get('PLANT')).consume({ max_messages: 1_000 });
    for await (const msg of messages) {
      ids.push(msg.headers?.get(PubHeaders.MsgIdHdr) ?? '');
      if (ids.length >= total) break;
    }
    await messages.close();
    return ids;
  } finally {
    await nc.close();
  }
}

const notes = Array.from({ length: EVENTS }, (_, i) => ({ type: 'operator.note.added', payload: { note: `note ${i}` } }));

/** A server, and station A on an in-memory store linked to it. */
async function linkedStation(): Promise<{ server: NatsServer; store: InMemoryEventStore; a: Station }> {
  const started = await NatsServer.start();
  server = started;
  const store = new InMemoryEventStore();
  const a = await startStation('a', { servers: [started.url] }, store);
  stations.push(a);
  await vi.waitFor(() => expect(a.core.plant?.status().state).toBe('connected'), WAIT);
  return { server: started, store, a };
}

describe.skipIf(natsMissing())('the outbox window when the server dies', () => {
  it('takes what it sends from the bus as it is stored, not by reading it back from the store', async () => {
    const { store, a } = await linkedStation();
    let readBack = 0;
    const query = store.query.bind(store);
    store.query = async (q) => {
      const page = await query(q);
      readBack += page.events.length;
      return page;
    };
    for (let i = 0; i < notes.length; i += 500) await a.core.bus.publishBatch(notes.slice(i, i + 500));
    await vi.waitFor(() => expect(a.core.plant?.status()).toMatchObject({ published: EVENTS, waiting: 0 }), WAIT);
    // The store is still read once a second for events written without the bus: those pages find next to nothing.
    expect(readBack).toBeLessThan(EVENTS / 20);
  }, 120_000);

  it('saves a position no later than the first unacknowledged event and resumes from it: each event in the stream once', async () => {
    const { server, store, a } = await linkedStation();
    const stored = (async () => {
      for (let i = 0; i < notes.length; i += 500) await a.core.bus.publishBatch(notes.slice(i, i + 500));
    })();
    // Killed while publishes are in flight: some acknowledged, many not.
    await vi.waitFor(() => expect(a.core.plant?.status().published).toBeGreaterThan(1_000), { timeout: 60_000, interval: 2 });
    await server.kill();
    await stored;
    await vi.waitFor(() => expect(a.core.plant?.status().state).toBe('offline'), WAIT);
    const publishedBeforeKill = a.core.plant!.status().published;
    expect(publishedBeforeKill).toBeLessThan(EVENTS);
    await a.core.close();
    stations.splice(0);

    const saved = (await store.nearestSnapshot(OUTBOX_KEY))?.seq ?? 0;
    const events = await allEvents(store);
    const notesStored = events.filter((e) => e.type === 'operator.note.added');
    expect(notesStored).toHaveLength(EVENTS);

    await server.resume();
    const before = new Set(await idsInStream(server.url));
    // Nothing at or before the saved position is missing from the stream.
    const missingBeforeSaved = notesStored.filter((e) => e.seq <= saved && !before.has(e.id));
    expect(missingBeforeSaved).toEqual([]);
    expect(saved).toBeGreaterThan(0);

    const again = await startStation('a', { servers: [server.url] }, store);
    stations.push(again);
    await vi.waitFor(() => expect(again.core.plant?.status()).toMatchObject({ state: 'connected', waiting: 0 }), WAIT);
    const after = await idsInStream(server.url);
    expect(after).toHaveLength(new Set(after).size);
    expect([...after].sort()).toEqual(notesStored.map((e) => e.id).sort());
    // It resumed at the saved position: only what came after it was sent again, and of that
    // only what the stream had taken without the station learning it (at most a window's
    // worth, those in flight at the kill) came back as a duplicate.
    const afterSaved = notesStored.filter((e) => e.seq > saved).length;
    const missingAtKill = EVENTS - before.size;
    expect(again.core.plant?.outbox.published).toBe(afterSaved);
    expect(again.core.plant?.outbox.duplicates).toBe(afterSaved - missingAtKill);
    expect(again.core.plant?.outbox.duplicates).toBeLessThanOrEqual(WINDOW);
  }, 180_000);
});
