import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, DEFAULT_RETRY } from '../../main/bus/backoff';
import { BusOverloadError } from '../../main/bus/errors';
import { EventBus } from '../../main/bus/eventBus';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

afterEach(() => {
  vi.useRealTimers();
});

describe('backoff', () => {
  it('doubles from the base delay, caps it, and jitters downwards', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, policy, () => 1)).toBe(200);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(300);
  });
});

describe('event bus: retries and dead letters', () => {
  it('retries a failing handler with exponential backoff, then succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store, random: () => 0, retry: { baseDelayMs: 100, maxAttempts: 5 } });
    const attemptsAt: number[] = [];
    bus.addHandler(
      'quality.check.failed',
      async () => {
        attemptsAt.push(Date.now());
        if (attemptsAt.length < 3) throw new Error(`sensor offline (${attemptsAt.length})`);
      },
      { name: 'qa' },
    );
    const event = await bus.publish({ type: 'quality.check.failed', payload: { equipmentId: 'e-1' } });
    await vi.advanceTimersByTimeAsync(99);
    expect(attemptsAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attemptsAt).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(attemptsAt).toHaveLength(3);
    expect(attemptsAt.map((t) => t - attemptsAt[0]!)).toEqual([0, 100, 300]);
    await vi.advanceTimersByTimeAsync(10);
    await bus.drain();
    const delivery = await store.getDelivery(event.id, 'qa');
    expect(delivery).toMatchObject({ status: 'PROCESSED', attempts: 3 });
    expect(delivery?.errors.map((e) => e.message)).toEqual(['sensor offline (1)', 'sensor offline (2)']);
    expect(bus.metrics().subscribers[0]).toMatchObject({ retries: 2, failedAttempts: 2, processed: 1 });
    await bus.close();
  });

  it('dead-letters after the last attempt; lists, inspects, redrives and discards', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store, random: () => 0, retry: { baseDelayMs: 10 } });
    let healthy = false;
    let processed = 0;
    bus.addHandler(
      'maintenance.*',
      async () => {
        if (!healthy) throw new Error('planning service unreachable');
        processed++;
      },
      { name: 'planner', maxAttempts: 3 },
    );
    const first = await bus.publish({ type: 'maintenance.scheduled', payload: { equipmentId: 'a' } });
    const second = await bus.publish({ type: 'maintenance.scheduled', payload: { equipmentId: 'b' } });
    await vi.advanceTimersByTimeAsync(1_000);
    await bus.drain();

    const letters = await bus.deadLetters.list();
    expect(letters.map((l) => l.event.id)).toEqual([first.id, second.id]);
    expect(letters[0]?.delivery).toMatchObject({ subscriber: 'planner', status: 'FAILED', attempts: 3, lastError: 'planning service unreachable' });
    expect(letters[0]?.delivery.errors).toHaveLength(3);
    expect((await store.get(first.id))?.status).toBe('FAILED');
    expect(bus.metrics().deadLetters).toBe(2);
    expect((await bus.deadLetters.inspect(`${first.id}/planner`))?.event.id).toBe(first.id);
    expect(await bus.deadLetters.inspect(`${first.id}/nobody`)).toBeNull();

    // An unknown id fails the whole call and changes nothing.
    await expect(bus.deadLetters.redrive([first.id, 'no-such-event'])).rejects.toThrow(/no dead letter named "no-such-event"/);
    expect(await bus.deadLetters.list()).toHaveLength(2);

    healthy = true;
    expect(await bus.deadLetters.redrive([`${first.id}/planner`])).toBe(1);
    await bus.drain();
    expect(processed).toBe(1);
    expect(await store.getDelivery(first.id, 'planner')).toMatchObject({ status: 'PROCESSED', attempts: 1 });
    expect((await store.get(first.id))?.status).toBe('PROCESSED');

    await expect(bus.deadLetters.discard([second.id], '  ')).rejects.toThrow(/reason/);
    expect(await bus.deadLetters.discard([second.id], 'duplicate work order, closed by hand')).toBe(1);
    expect(await bus.deadLetters.list()).toEqual([]);
    expect(await store.getDelivery(second.id, 'planner')).toMatchObject({ discardReason: 'duplicate work order, closed by hand' });
    await bus.close();
  });
});

describe('event bus: backpressure', () => {
  it('makes publish wait while a queue is full, then go through when room frees', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store, publishTimeoutMs: 5_000 });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    bus.addHandler('equipment.*', () => held, { name: 'slow', queueCapacity: 2 });
    await bus.publish({ type: 'equipment.status.changed', payload: { n: 0 } }); // taken by the handler
    await bus.publish({ type: 'equipment.status.changed', payload: { n: 1 } });
    await bus.publish({ type: 'equipment.status.changed', payload: { n: 2 } });
    let done = false;
    const waiting = bus.publish({ type: 'equipment.status.changed', payload: { n: 3 } }).then(() => (done = true));
    // All but the last millisecond of its wait: still waiting, nothing stored for it.
    await vi.advanceTimersByTimeAsync(4_999);
    expect(done).toBe(false);
    expect(await store.count()).toBe(3);
    release();
    await waiting;
    await bus.drain();
    expect(await store.count()).toBe(4);
    await bus.close();
  });

  it('lets many waiting publishers through in order as room frees, without overload', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store, publishTimeoutMs: 10_000 });
    const seen: number[] = [];
    bus.addHandler(
      'equipment.*',
      async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 0));
        seen.push((event.payload as { n: number }).n);
      },
      { name: 'slow', queueCapacity: 10 },
    );
    const published = await Promise.all(Array.from({ length: 500 }, (_, n) => bus.publish({ type: 'equipment.status.changed', payload: { n } })));
    await bus.drain();
    expect(published.map((e) => (e.payload as { n: number }).n)).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(published.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, n) => n + 1));
    expect(seen).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(bus.metrics().subscribers[0]?.queueDepth).toBe(0);
    // Publishers let in are not kept: they hold their events.
    expect((bus as unknown as { admission: { waitOrder: unknown[] } }).admission.waitOrder).toHaveLength(0);
    await bus.close();
  });

  it('times out each waiting publish after its own full wait, and only those still waiting', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store, publishTimeoutMs: 1_000 });
    const release: (() => void)[] = [];
    bus.addHandler('equipment.*', () => new Promise<void>((resolve) => release.push(resolve)), { name: 'gated', queueCapacity: 1 });
    const publish = (n: number) => bus.publish({ type: 'equipment.status.changed', payload: { n } });
    await publish(0); // being handled
    await publish(1); // fills the queue
    const outcomes: string[] = [];
    const track = (n: number, attempt: Promise<unknown>) =>
      attempt.then(
        () => outcomes.push(`${n} in at ${Date.now()}`),
        (error: Error) => outcomes.push(`${n} ${error.name} at ${Date.now()}`),
      );
    const waiting = [track(2, publish(2))];
    await vi.advanceTimersByTimeAsync(400);
    waiting.push(track(3, publish(3)));
    await vi.advanceTimersByTimeAsync(400);
    waiting.push(track(4, publish(4)));
    await vi.advanceTimersByTimeAsync(100);
    release.shift()?.(); // room for the oldest waiter (2), at 900 ms
    await vi.advanceTimersByTimeAsync(1_200);
    await Promise.all(waiting);
    const start = outcomes.length > 0 ? Number(outcomes[0]!.split(' at ')[1]) - 900 : 0;
    expect(outcomes.map((o) => o.replace(/at (\d+)/, (_, t: string) => `at ${Number(t) - start}`))).toEqual([
      '2 in at 900',
      '3 BusOverloadError at 1400',
      '4 BusOverloadError at 1800',
    ]);
    expect((await store.query({})).events.map((e) => (e.payload as { n: number }).n)).toEqual([0, 1, 2]);
    for (const resolve of release) resolve();
  });

  it('fails with an overload error after the timeout and stores nothing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store, publishTimeoutMs: 1_000 });
    bus.addHandler('equipment.*', () => new Promise(() => {}), { name: 'stuck', queueCapacity: 1 });
    await bus.publish({ type: 'equipment.status.changed', payload: {} });
    await bus.publish({ type: 'equipment.status.changed', payload: {} });
    const attempt = bus.publish({ type: 'equipment.status.changed', payload: { lost: true } });
    const outcome = expect(attempt).rejects.toThrow(BusOverloadError);
    await vi.advanceTimersByTimeAsync(1_000);
    await outcome;
    await expect(attempt).rejects.toThrow(/queue of subscriber "stuck" stayed full \(1 events\) for 1000 ms; the event was not published/);
    expect(await store.count()).toBe(2);
    // Publishes that match no full queue still go through.
    await bus.publish({ type: 'quality.check.failed', payload: {} });
    expect(await store.count()).toBe(3);
  });
});
