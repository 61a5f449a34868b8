/**
 * At-least-once across the bridge: a publish retried with the same event id (after a lost
 * connection, when the first try may have been stored) is stored once and answered with the
 * stored event; window.plant gives every event its id on the caller's side.
 */
import { inProcessApi } from '../support/inProcessApi';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope, MethodName } from '../../shared/api/contract';
import { createPlantApi } from '../../shared/api/plantApi';
import { newEventId } from '../../shared/events/uuidv7';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';

const ctx = { clientId: 'test' };
let core: PlantCore | undefined;
afterEach(async () => core?.close());

async function start() {
  const store = new InMemoryEventStore();
  core = await createPlantCore({ store, healthEverySeconds: 0 });
  const { dispatch } = inProcessApi(core);
  return { store, call: (method: string, ...args: unknown[]) => dispatch(method, args, ctx) };
}

const note = (id: string, text = 'shift handover') => ({ id, type: 'operator.note.added', payload: { text } });

describe('publishing the same event id again', () => {
  it('answers a retry with the stored event instead of storing it twice or failing', async () => {
    const { store, call } = await start();
    const id = newEventId();
    const first = await call('events.publish', note(id));
    const retry = await call('events.publish', note(id));
    expect(first).toMatchObject({ ok: true, value: { id, seq: 1 } });
    expect(retry).toEqual(first);
    expect(await store.count({ types: ['operator.*'] })).toBe(1);
  });

  it('stores once when the retry arrives while the first try is still being stored', async () => {
    const { store, call } = await start();
    const id = newEventId();
    const [a, b] = await Promise.all([call('events.publish', note(id)), call('events.publish', note(id))]);
    expect(a).toMatchObject({ ok: true, value: { id } });
    expect(b).toEqual(a);
    expect(await store.count({ types: ['operator.*'] })).toBe(1);
  });

  it('stores only the new events of a retried batch, answering all in order', async () => {
    const { store, call } = await start();
    const [x, y, z] = [newEventId(), newEventId(), newEventId()];
    await call('events.publishBatch', [note(x, 'x'), note(y, 'y')]);
    const again = (await call('events.publishBatch', [note(x, 'x'), note(y, 'y'), note(z, 'z')])) as Envelope<{ id: string; seq: number }[]>;
    expect(again.ok && again.value.map((e) => [e.id, e.seq])).toEqual([[x, 1], [y, 2], [z, 3]]);
    expect(await store.count({ types: ['operator.*'] })).toBe(3);
  });

  it('asks the store about ids only when storing failed, not once per new event', async () => {
    const { store, call } = await start();
    let lookups = 0;
    const get = store.get.bind(store);
    store.get = (id: string) => ((lookups += 1), get(id));
    await call('events.publish', note(newEventId()));
    const batch = Array.from({ length: 100 }, (_, i) => note(newEventId(), `note ${i}`));
    expect(await call('events.publishBatch', batch)).toMatchObject({ ok: true });
    expect(lookups).toBe(0);
    expect(await store.count({ types: ['operator.*'] })).toBe(101);
  });

  it('refuses a batch holding an id of a different stored event, in one sentence, and stores none of it', async () => {
    const { store, call } = await start();
    const id = newEventId();
    await call('events.publish', note(id, 'first'));
    const answer = await call('events.publishBatch', [note(newEventId(), 'new'), note(id, 'something else')]);
    expect(answer).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: `events.publishBatch: event.id: ${id} is already the id of another event; give each event its own id` },
    });
    expect(await store.count({ types: ['operator.*'] })).toBe(1);
  });

  it('refuses an id that belongs to a different event, in one sentence', async () => {
    const { call } = await start();
    const id = newEventId();
    await call('events.publish', note(id, 'first'));
    expect(await call('events.publish', note(id, 'something else'))).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: `events.publish: event.id: ${id} is already the id of another event; give each event its own id` },
    });
  });
});

describe('window.plant', () => {
  it('gives each published event an id on the caller side, and a failed publish says which ids it sent', async () => {
    const sent: unknown[][] = [];
    let fail = true;
    const plant = createPlantApi({
      async call(method: MethodName, args: unknown[]): Promise<Envelope<unknown>> {
        sent.push(args);
        return fail ? { ok: false, error: { code: 'internal', message: 'the connection to the host was lost' } } : { ok: true, value: args[0] };
      },
      onPush: () => undefined,
    });
    const error = (await plant.events.publish({ type: 'operator.note.added', payload: {} }).catch((e: unknown) => e)) as { eventIds: string[] };
    const id = (sent[0]?.[0] as { id: string }).id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(error.eventIds).toEqual([id]);
    fail = false;
    await plant.events.publishBatch([{ type: 'operator.note.added', payload: {} }, { id, type: 'operator.note.added', payload: {} }]);
    const batch = sent[1]?.[0] as { id: string }[];
    expect(batch[1]?.id).toBe(id);
    expect(batch[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(batch[0]?.id).not.toBe(id);
  });
});

describe('an event published through the API passing for one received over the plant link', () => {
  it('is refused with one sentence, alone or in a batch, and nothing is stored', async () => {
    const { store, call } = await start();
    const claimed = { ...note(newEventId()), metadata: { plant: { station: 'line-side', streamSeq: 41 } } };
    const single = await call('events.publish', claimed);
    expect(single).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'events.publish: event.metadata.plant: is written only by the plant link, for events it received from the plant stream' } });
    const batch = await call('events.publishBatch', [note(newEventId()), claimed]);
    expect(batch).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('events[1].metadata.plant: is written only by the plant link') } });
    expect(await store.count({ types: ['operator.*'] })).toBe(0);
  });
});
