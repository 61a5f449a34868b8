import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { HEALTH_EVENT_TYPE, SystemHealthReporter } from '../../main/producers/systemHealth';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { useFakeTimersFrom } from '../support/fakeClock';

const T0 = Date.UTC(2024, 0, 1, 6);

useFakeTimersFrom(T0);

describe('system health producer', () => {
  it('publishes system.bus.health.reported every interval with queue depths, rates, dead letters and store size', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store });
    const reports: StoredEvent[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    bus.addHandler('equipment.*', async () => blocked, { name: 'slow-view' });
    bus.addHandler(HEALTH_EVENT_TYPE, async (event) => void reports.push(event), { name: 'health-log' });
    await bus.publishBatch(Array.from({ length: 5 }, (_, i) => ({ type: 'equipment.status.changed', payload: { equipmentId: `press-${i}`, newStatus: 'running' } })));
    const health = new SystemHealthReporter({ bus, store, intervalMs: 5_000, storeStatus: () => ({ connected: true, restarts: 2 }) });
    health.start();
    await vi.advanceTimersByTimeAsync(15_000);
    await health.stop();
    expect(health.status()).toMatchObject({ running: false, reports: 3, failures: 0 });
    await vi.waitFor(() => expect(reports).toHaveLength(3));
    const first = reports[0]!;
    expect(first).toMatchObject({ type: HEALTH_EVENT_TYPE, source: 'system-health', priority: 'LOW', subject: 'system.bus' });
    const payload = first.payload as Record<string, unknown>;
    expect(payload).toMatchObject({ intervalMs: 5_000, published: 5, deadLetters: 0, store: { events: 5, headSeq: 5, connected: true, restarts: 2 } });
    const slow = (payload.queues as { subscriber: string; depth: number; inFlight: number }[]).find((q) => q.subscriber === 'slow-view')!;
    expect(slow.depth + slow.inFlight).toBe(5);
    expect(payload.queueDepth).toBe(slow.depth);
    expect((reports[2]!.payload as { store: { headSeq: number } }).store.headSeq).toBe(7);
    release();
    await bus.close();
  });

  it('counts and reports a failed report, and goes on', async () => {
    const errors: unknown[] = [];
    const bus = { metrics: () => { throw new Error('metrics unavailable'); }, publish: async () => { throw new Error('unused'); } };
    const health = new SystemHealthReporter({ bus, store: { headSeq: async () => 1 }, intervalMs: 1_000, onError: (e) => errors.push(e) });
    health.start();
    await vi.advanceTimersByTimeAsync(3_000);
    await health.stop();
    expect(health.status()).toMatchObject({ reports: 0, failures: 3, lastError: 'metrics unavailable' });
    expect(errors).toHaveLength(3);
    expect(() => new SystemHealthReporter({ bus, store: { headSeq: async () => 1 }, intervalMs: 0 })).toThrow(/^intervalMs: /);
  });
});
