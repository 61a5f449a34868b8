import { describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { EventValidationError } from '../../shared/events/validate';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { generateInvalidEvents, generateInvalidPublishInputs } from '../support/invalidEvents';

async function snapshotOf(store: InMemoryEventStore): Promise<string> {
  const page = await store.query({ limit: 1000 });
  return JSON.stringify([await store.headSeq(), page.events, await store.pendingDeliveries('watcher')]);
}

describe('event bus: bad input', () => {
  it('refuses 1,200 invalid publish inputs and 1,200 invalid events, naming the field, and stores nothing', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store });
    let delivered = 0;
    bus.addHandler('*.*', async () => void delivered++, { name: 'watcher' });
    await bus.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'kept' } });
    await bus.drain();
    const before = await snapshotOf(store);

    // The bus takes an object with a `status` as a full event and one without as a producer
    // input. So an input whose one defect is a stray `status`, or an event whose one defect is
    // a missing `status`, is no defect here (the bridge takes only inputs and the store only
    // events: their tests cover those cases).
    const hasStatus = (c: { event: unknown }) => typeof c.event === 'object' && c.event !== null && Object.hasOwn(c.event, 'status');
    const inputs = generateInvalidPublishInputs(1400, 7).filter((c) => !hasStatus(c));
    const events = generateInvalidEvents(1400, 8).filter(hasStatus);
    const cases = [...inputs.slice(0, 1200), ...events.slice(0, 1200)];
    let refused = 0;
    for (const { description, event, expectedField } of cases) {
      const outcome = await bus.publish(event as never).then(
        () => 'published',
        (error: unknown) => error,
      );
      expect(outcome, description).toBeInstanceOf(EventValidationError);
      expect((outcome as EventValidationError).field, description).toBe(expectedField);
      expect((outcome as Error).message, description).toContain(expectedField);
      refused++;
    }
    await bus.drain();
    expect(refused).toBe(2400);
    expect(await snapshotOf(store)).toBe(before);
    expect(delivered).toBe(1);
    await bus.close();
  });

  it('refuses a whole batch when one of its events is invalid, naming its place', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store });
    const batch = [
      { type: 'production.order.started', payload: { orderId: 'o-1' } },
      { type: 'production.order.started', payload: { orderId: 'o-2', bad: Number.NaN } },
    ];
    await expect(bus.publishBatch(batch as never)).rejects.toThrow(/^events\[1\]\.payload\.bad: /);
    expect(await store.count()).toBe(0);
    await expect(bus.publishBatch('not a list' as never)).rejects.toThrow(/events: must be an array/);
    await bus.close();
  });

  it('refuses a second event with an id already stored, and keeps the first', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store });
    const first = await bus.publish({ type: 'quality.check.failed', payload: { n: 1 } });
    await expect(bus.publish({ id: first.id, type: 'quality.check.failed', payload: { n: 2 } })).rejects.toThrow(first.id);
    expect(await store.count()).toBe(1);
    expect((await store.get(first.id))?.payload).toEqual({ n: 1 });
    await bus.close();
  });

  it('refuses bad patterns and handler options with errors that name them', () => {
    const bus = new EventBus({ store: new InMemoryEventStore() });
    expect(() => bus.addHandler('Equipment.*', async () => {})).toThrow(/pattern/);
    expect(() => bus.addHandler('equipment.*', async () => {}, { maxAttempts: 0 })).toThrow(/^maxAttempts: /);
    expect(() => bus.addHandler('equipment.*', async () => {}, { queueCapacity: 1.5 })).toThrow(/^queueCapacity: /);
    bus.addHandler('equipment.*', async () => {}, { name: 'projector' });
    expect(() => bus.addHandler('quality.*', async () => {}, { name: 'projector' })).toThrow(/"projector" is already registered/);
  });
});
