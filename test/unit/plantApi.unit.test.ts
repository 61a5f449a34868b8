import { describe, expect, it, vi } from 'vitest';
import type { Envelope, MethodName } from '../../shared/api/contract';
import { createPlantApi, type EventPushMessage } from '../../shared/api/plantApi';
import type { StoredEvent } from '../../shared/events/event';

/** A transport to a fake main that keeps subscriptions per connection, as the host does. */
function fakeMain() {
  let connection = 1;
  let nextId = 1;
  const subscriptions = new Map<string, { pattern: string; connection: number }>();
  let push: (message: EventPushMessage) => void = () => {};
  let reconnected: () => void = () => {};
  const transport = {
    async call(method: MethodName, args: unknown[]): Promise<Envelope<unknown>> {
      if (method === 'events.subscribe') {
        const id = `sub-${nextId++}`;
        subscriptions.set(id, { pattern: args[0] as string, connection });
        return { ok: true, value: { subscriptionId: id } };
      }
      if (method === 'events.unsubscribe') return { ok: true, value: subscriptions.delete(args[0] as string) };
      if (method === 'events.get') return { ok: false, error: { code: 'invalid-input', message: 'events.get: id: must be a string' } };
      return { ok: true, value: null };
    },
    onPush: (listener: (message: EventPushMessage) => void) => void (push = listener),
    onReconnect: (listener: () => void) => void (reconnected = listener),
  };
  const event = (seq: number) => ({ id: `e${seq}`, seq, type: 'equipment.status.changed' }) as StoredEvent;
  return {
    transport,
    /** main pushes an event to every subscription it holds on the current connection. */
    publish(seq: number) {
      const items = [...subscriptions].filter(([, s]) => s.connection === connection).map(([id]) => ({ subscriptionId: id, events: [event(seq)], dropped: 0 }));
      if (items.length > 0) push({ channel: 'push:events', items });
    },
    /** The socket drops and comes back: main has forgotten the old subscriptions. */
    reconnect() {
      connection++;
      subscriptions.clear();
      reconnected();
    },
    subscriptions,
  };
}

describe('window.plant', () => {
  it('unwraps envelopes: values resolve, errors reject with the message', async () => {
    const main = fakeMain();
    const plant = createPlantApi(main.transport);
    await expect(plant.events.get(42 as never)).rejects.toThrow('events.get: id: must be a string');
    expect(await plant.metrics.get()).toBeNull();
  });

  it("carries the envelope's error code on the rejected Error, so a caller can act on it", async () => {
    const plant = createPlantApi(fakeMain().transport);
    await expect(plant.events.get(42 as never)).rejects.toMatchObject({ code: 'invalid-input', message: 'events.get: id: must be a string' });
  });

  it('subscribes again after a reconnect, so live events keep arriving', async () => {
    const main = fakeMain();
    const plant = createPlantApi(main.transport);
    const seen: number[] = [];
    let resumed = 0;
    let ready = 0;
    const unsubscribe = plant.events.subscribe('equipment.*', (event) => seen.push(event.seq), { onReady: () => ready++, onResumed: () => resumed++ });
    await vi.waitFor(() => expect(ready).toBe(1));
    main.publish(1);
    main.reconnect();
    await vi.waitFor(() => expect(resumed).toBe(1));
    main.publish(2);
    expect(seen).toEqual([1, 2]);
    unsubscribe();
    await vi.waitFor(() => expect(main.subscriptions.size).toBe(0));
    // A subscription still held: once it is back after the next reconnect, the dropped one had its chance to come back too.
    let witnessBack = 0;
    plant.events.subscribe('alarm.*', () => undefined, { onReady: () => ready++, onResumed: () => witnessBack++ });
    await vi.waitFor(() => expect(ready).toBe(2));
    main.reconnect();
    await vi.waitFor(() => expect(witnessBack).toBe(1));
    expect([...main.subscriptions.values()].map((held) => held.pattern)).toEqual(['alarm.*']);
    expect(resumed).toBe(1);
  });
});
