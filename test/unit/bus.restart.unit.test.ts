import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { idempotent } from '../../main/bus/idempotent';
import type { StoredEvent } from '../../shared/events/event';
import type { DeliveryRecord, EventStore } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

/** The same store, seen through a process that dies before it can record acknowledgements. */
function losingAcks(store: EventStore): EventStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'putDeliveries') {
        return async (records: readonly DeliveryRecord[]) => {
          const kept = records.filter((r) => r.status !== 'PROCESSED');
          if (kept.length > 0) await target.putDeliveries(kept);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('event bus: at least once across restarts', () => {
  it('delivers again, on the next start, every delivery that was not acknowledged', async () => {
    const store = new InMemoryEventStore();
    const first = new EventBus({ store });
    const handled: number[] = [];
    first.addHandler(
      'production.order.*',
      async (event) => {
        const n = (event.payload as { n: number }).n;
        if (n >= 3) return new Promise(() => {}); // the process dies while these are in hand
        handled.push(n);
      },
      { name: 'orders' },
    );
    const published = await first.publishBatch(Array.from({ length: 6 }, (_, n) => ({ type: 'production.order.started', payload: { n } })));
    await vi.waitFor(() => expect(handled).toEqual([0, 1, 2]));
    await first.close();
    expect(handled).toEqual([0, 1, 2]);
    expect((await store.pendingDeliveries('orders')).map((d) => d.seq)).toEqual([4, 5, 6]);

    const second = new EventBus({ store });
    const redelivered: number[] = [];
    second.addHandler(
      'production.order.*',
      async (event) => {
        redelivered.push((event.payload as { n: number }).n);
      },
      { name: 'orders' },
    );
    await second.drain();
    expect(redelivered).toEqual([3, 4, 5]);
    expect(await store.pendingDeliveries('orders')).toEqual([]);
    for (const event of published) expect((await store.get(event.id))?.status).toBe('PROCESSED');
    await second.close();
  });

  it('keeps a subscriber that was not registered at restart pending until it registers', async () => {
    const store = new InMemoryEventStore();
    const first = new EventBus({ store });
    first.addHandler('equipment.*', () => new Promise(() => {}), { name: 'projector' });
    await first.publish({ type: 'equipment.status.changed', payload: {} });
    await first.close();

    const second = new EventBus({ store });
    second.addHandler('equipment.*', async () => {}, { name: 'someone-else' });
    await second.drain();
    expect(await store.pendingDeliveries('projector')).toHaveLength(1);
    await second.close();
  });

  it('lets an idempotent consumer apply an event once although it is delivered twice', async () => {
    const store = new InMemoryEventStore();
    const applied: string[] = [];
    const seen = new Set<string>(); // the consumer's own durable record of applied ids
    const consumer = idempotent(async (event: StoredEvent) => {
      applied.push(event.id);
    }, seen);

    const crashing = new EventBus({ store: losingAcks(store) });
    crashing.addHandler('equipment.*', consumer, { name: 'projector' });
    const event = await crashing.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'x' } });
    await crashing.drain();
    expect(applied).toEqual([event.id]);
    expect(await store.pendingDeliveries('projector')).toHaveLength(1); // the acknowledgement was lost

    const restarted = new EventBus({ store });
    let calls = 0;
    restarted.addHandler(
      'equipment.*',
      async (e) => {
        calls++;
        await consumer(e);
      },
      { name: 'projector' },
    );
    await restarted.drain();
    expect(calls).toBe(1);
    expect(applied).toEqual([event.id]);
    expect(await store.pendingDeliveries('projector')).toEqual([]);
    await restarted.close();
  });
});
