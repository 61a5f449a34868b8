import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

/** A promise with its resolve function, to hold a handler until a test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('event bus: the seed flow', () => {
  let bus: EventBus | undefined;
  afterEach(async () => {
    await bus?.close();
  });

  it("runs the seed's notification example as written", async () => {
    const store = new InMemoryEventStore();
    bus = new EventBus({ store });
    const eventProducer = bus;
    const eventConsumer = bus;
    const received: StoredEvent[] = [];

    // Consumer
    eventConsumer.addHandler('equipment.status.changed', async (event) => {
      received.push(event);
    });
    // Producer
    await eventProducer.createAndPublishEvent('equipment.status.changed', {
      equipmentId: 'equip-123',
      newStatus: 'maintenance',
      oldStatus: 'operational',
    });
    await bus.drain();

    expect(received).toHaveLength(1);
    expect(received[0]?.payload).toEqual({ equipmentId: 'equip-123', newStatus: 'maintenance', oldStatus: 'operational' });
    const stored = await store.get(received[0]!.id);
    expect(stored?.status).toBe('PROCESSED');
    expect((await store.deliveriesOf(received[0]!.id)).map((d) => d.status)).toEqual(['PROCESSED']);
  });

  it("accepts the seed's event-carried state example, Date and all", async () => {
    const store = new InMemoryEventStore();
    bus = new EventBus({ store });
    const when = new Date(Date.UTC(2026, 10, 27, 8, 0));
    const event = await bus.createAndPublishEvent('quality.measurement.recorded', {
      equipmentId: 'equip-123',
      parameter: 'dimension',
      value: 10.5,
      timestamp: when,
      isWithinSpec: true,
      lowerLimit: 10.0,
      upperLimit: 11.0,
    });
    expect(event.payload).toMatchObject({ timestamp: when.toISOString(), isWithinSpec: true });
    expect((await store.get(event.id))?.payload).toEqual(event.payload);
  });

  it('stores the event as PUBLISHED before publish resolves and before any delivery', async () => {
    const store = new InMemoryEventStore();
    bus = new EventBus({ store });
    const seenInStore: (string | undefined)[] = [];
    bus.addHandler('equipment.*', async (event) => {
      seenInStore.push((await store.get(event.id))?.id);
    });
    const published = await bus.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'p-1' } });
    expect(published.status).toBe('PUBLISHED');
    expect(published.seq).toBe(1);
    expect(await store.get(published.id)).not.toBeNull();
    await bus.drain();
    expect(seenInStore).toEqual([published.id]);
  });

  it('moves each delivery to DELIVERED while the handler runs, then PROCESSED', async () => {
    const store = new InMemoryEventStore();
    bus = new EventBus({ store });
    const hold = gate();
    bus.addHandler('maintenance.scheduled', () => hold.promise, { name: 'planner' });
    const event = await bus.publish({ type: 'maintenance.scheduled', payload: { equipmentId: 'm-1' } });
    await vi.waitFor(async () => expect((await store.getDelivery(event.id, 'planner'))?.status).toBe('DELIVERED'));
    expect((await store.get(event.id))?.status).toBe('DELIVERED');
    hold.open();
    await bus.drain();
    expect(await store.getDelivery(event.id, 'planner')).toMatchObject({ status: 'PROCESSED', attempts: 1 });
    expect((await store.get(event.id))?.status).toBe('PROCESSED');
  });

  it('delivers in order of publication within one priority', async () => {
    bus = new EventBus({ store: new InMemoryEventStore() });
    const order: number[] = [];
    bus.addHandler('production.order.*', async (event) => {
      order.push((event.payload as { n: number }).n);
    });
    await Promise.all(Array.from({ length: 200 }, (_, n) => bus!.publish({ type: 'production.order.started', payload: { n } })));
    await bus.drain();
    expect(order).toEqual(Array.from({ length: 200 }, (_, n) => n));
  });

  it('delivers CRITICAL ahead of HIGH ahead of NORMAL ahead of LOW', async () => {
    bus = new EventBus({ store: new InMemoryEventStore() });
    const hold = gate();
    const order: string[] = [];
    bus.addHandler('alarm.*', async (event) => {
      if (event.payload === 'first') await hold.promise;
      order.push(`${event.priority}:${String(event.payload)}`);
    });
    await bus.publish({ type: 'alarm.raised', payload: 'first', priority: 'LOW' });
    for (const [priority, payload] of [
      ['LOW', 'a'],
      ['NORMAL', 'b'],
      ['CRITICAL', 'c'],
      ['HIGH', 'd'],
      ['CRITICAL', 'e'],
      ['LOW', 'f'],
    ] as const) {
      await bus.publish({ type: 'alarm.raised', payload, priority });
    }
    hold.open();
    await bus.drain();
    expect(order).toEqual(['LOW:first', 'CRITICAL:c', 'CRITICAL:e', 'HIGH:d', 'NORMAL:b', 'LOW:a', 'LOW:f']);
  });

  it('gives every matching subscriber its own delivery and the event PROCESSED only when all are done', async () => {
    const store = new InMemoryEventStore();
    bus = new EventBus({ store });
    const hold = gate();
    bus.addHandler('equipment.*', async () => {}, { name: 'fast' });
    bus.addHandler('equipment.status.changed', () => hold.promise, { name: 'slow' });
    bus.addHandler('quality.*', async () => {}, { name: 'other' });
    const event = await bus.publish({ type: 'equipment.status.changed', payload: {} });
    await vi.waitFor(async () => expect((await store.getDelivery(event.id, 'fast'))?.status).toBe('PROCESSED'));
    expect((await store.get(event.id))?.status).toBe('DELIVERED');
    hold.open();
    await bus.drain();
    expect((await store.deliveriesOf(event.id)).map((d) => d.subscriber).sort()).toEqual(['fast', 'slow']);
    expect((await store.get(event.id))?.status).toBe('PROCESSED');
  });

  it('stops delivering to a handler once unsubscribed', async () => {
    bus = new EventBus({ store: new InMemoryEventStore() });
    let calls = 0;
    const unsubscribe = bus.addHandler('equipment.*', async () => {
      calls++;
    });
    await bus.publish({ type: 'equipment.status.changed', payload: {} });
    await bus.drain();
    unsubscribe();
    await bus.publish({ type: 'equipment.status.changed', payload: {} });
    await bus.drain();
    expect(calls).toBe(1);
  });

  it('hands batch handlers arrays of at most maxSize events', async () => {
    bus = new EventBus({ store: new InMemoryEventStore() });
    const sizes: number[] = [];
    bus.addHandler(
      'equipment.telemetry.recorded',
      async (events: StoredEvent[]) => {
        sizes.push(events.length);
      },
      { batch: { maxSize: 10, maxWaitMs: 5 } },
    );
    await bus.publishBatch(Array.from({ length: 25 }, (_, i) => ({ type: 'equipment.telemetry.recorded', payload: { i } })));
    await bus.drain();
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('commits concurrent publishes together (group commit)', async () => {
    const store = new InMemoryEventStore();
    const append = vi.spyOn(store, 'append');
    bus = new EventBus({ store });
    const events = await Promise.all(Array.from({ length: 500 }, (_, i) => bus!.publish({ type: 'equipment.telemetry.recorded', payload: { i } })));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(append.mock.calls.length).toBeLessThan(5);
  });

  it('reports counts, queue depths and processing-time percentiles', async () => {
    bus = new EventBus({ store: new InMemoryEventStore() });
    bus.addHandler('equipment.*', async () => {}, { name: 'projector' });
    await bus.publishBatch(Array.from({ length: 50 }, () => ({ type: 'equipment.status.changed', payload: {} })));
    await bus.drain();
    const metrics = bus.metrics();
    expect(metrics.published).toBe(50);
    expect(metrics.processed).toBe(50);
    expect(metrics.publishedPerSecond).toBeGreaterThan(0);
    const projector = metrics.subscribers.find((s) => s.name === 'projector');
    expect(projector).toMatchObject({ processed: 50, queueDepth: 0, deadLetters: 0, retries: 0 });
    expect(projector!.processingMs.p99).toBeGreaterThanOrEqual(projector!.processingMs.p50);
  });
});
