// The outbox's publisher (main/plant/streamPublisher.ts) against a real nats-server: every
// publish is settled exactly once, by the stream's acknowledgement (a repeated message id
// as a duplicate), by its refusal, by a timeout when nobody answers, or by the publisher's
// closing. The outbox resends on every failure, so a publish that never settles would hold
// its event back for good.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamPublisher } from '../../main/plant/streamPublisher';
import { NatsServer, natsMissing } from '../support/natsServer';

let server: NatsServer | null = null;
let nc: NatsConnection | null = null;

afterEach(async () => {
  await nc?.close();
  nc = null;
  await server?.stop();
  server = null;
});

async function connected(): Promise<NatsConnection> {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'PLANT', subjects: ['plant.>'], duplicate_window: 60_000_000_000 });
  return nc;
}

type Outcome = { error: string | null; duplicate: boolean };

function publish(publisher: StreamPublisher, subject: string, id: string): Promise<Outcome> {
  return new Promise((resolve) => publisher.publish(subject, new TextEncoder().encode(`{"id":"${id}"}`), id, (error, duplicate) => resolve({ error: error?.message ?? null, duplicate })));
}

describe.skipIf(natsMissing())('the plant stream publisher', () => {
  it('settles each publish with the acknowledgement, a repeated id as a duplicate, many in flight at once', async () => {
    const publisher = new StreamPublisher(await connected(), 'PLANT', 'a');
    const ids = Array.from({ length: 2_000 }, (_, i) => `id-${i}`);
    const first = await Promise.all(ids.map((id) => publish(publisher, 'plant.operator.note.added', id)));
    expect(first.filter((o) => o.error === null && !o.duplicate)).toHaveLength(ids.length);
    const again = await publish(publisher, 'plant.operator.note.added', 'id-7');
    expect(again).toEqual({ error: null, duplicate: true });
    const jsm = await jetstreamManager(nc!);
    expect((await jsm.streams.info('PLANT')).state.messages).toBe(ids.length);
    // Each message carries its own id, the station and the stream it was meant for.
    const last = await jsm.streams.getMessage('PLANT', { seq: ids.length });
    expect(['Nats-Msg-Id', 'Plant-Station', 'Nats-Expected-Stream'].map((key) => last!.header.get(key))).toEqual([ids.at(-1), 'a', 'PLANT']);
    expect(publisher.inFlight).toBe(0);
    publisher.close();
  });

  it('fails a publish no stream takes, one nobody answers (after the timeout), and those still waiting when it closes', async () => {
    const conn = await connected();
    const publisher = new StreamPublisher(conn, 'PLANT', 'a', 200);
    expect((await publish(publisher, 'elsewhere.x', 'n-1')).error).toMatch(/no stream took the message/);
    // A plain subscriber that never answers: the server has a responder, the stream never acknowledges.
    conn.subscribe('silent.x');
    expect((await publish(publisher, 'silent.x', 's-1')).error).toMatch(/did not acknowledge/);
    const closing = new StreamPublisher(conn, 'PLANT', 'a', 60_000);
    const pending = publish(closing, 'silent.x', 's-3');
    closing.close();
    expect((await pending).error).toMatch(/closed before the stream acknowledged/);
    expect((await publish(closing, 'plant.operator.note.added', 's-4')).error).toMatch(/is closed/);
    publisher.close();
  });
});
