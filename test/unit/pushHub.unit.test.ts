import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_PENDING_EVENTS, PushHub, type EventPush } from '../../main/core/pushHub';
import type { StoredEvent } from '../../shared/events/event';

const event = (seq: number, type = 'equipment.telemetry.recorded'): StoredEvent =>
  ({ id: `e${seq}`, seq, type, source: 's', timestamp: seq, payload: {}, priority: 'NORMAL', status: 'PUBLISHED', metadata: {} }) as StoredEvent;

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
afterEach(() => vi.useRealTimers());

/** A hub and what it sent to each window, by window id; each push's text is checked against the push itself. */
function hubWith(...windows: string[]) {
  const hub = new PushHub();
  const sent = new Map<string, EventPush[]>();
  const texts = new Map<string, string[]>();
  for (const id of windows) {
    const pushes: EventPush[] = [];
    const sentTexts: string[] = [];
    sent.set(id, pushes);
    texts.set(id, sentTexts);
    hub.connect(id, (push, text) => {
      pushes.push(push);
      sentTexts.push(text());
      // A socket client receives the text: it must carry exactly the events of the push, in order.
      expect(sentTexts.at(-1)).toBe(JSON.stringify(push));
    });
  }
  return { hub, pushesOf: (id: string) => sent.get(id)!, textsOf: (id: string) => texts.get(id)! };
}

describe('push hub', () => {
  it('sends a flood as at most 60 messages a second per window, losing nothing', async () => {
    const { hub, pushesOf } = hubWith('window-1');
    const pushes = pushesOf('window-1');
    hub.subscribe('window-1', 'equipment.*');
    for (let ms = 0; ms < 2_000; ms++) {
      hub.publish([event(2 * ms + 1), event(2 * ms + 2)]); // 1,000 events a second
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(pushes.length).toBeLessThanOrEqual(2 * 60 + 1);
    expect(pushes.length).toBeGreaterThan(100);
    expect(pushes.flatMap((p) => p.items.flatMap((item) => item.events.map((e) => e.seq)))).toEqual(Array.from({ length: 4_000 }, (_, i) => i + 1));
  });

  it('gathers the news of several subscriptions of one window into one message', async () => {
    const { hub, pushesOf } = hubWith('w');
    const pushes = pushesOf('w');
    hub.subscribe('w', 'alarm.*');
    hub.subscribe('w', 'equipment.*');
    hub.subscribe('w', '*');
    hub.publish([event(1, 'alarm.raised'), event(2, 'equipment.status.changed')]);
    await vi.advanceTimersByTimeAsync(20);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.items.map((item) => item.events.length)).toEqual([1, 1, 2]);
  });

  it('delivers only what matches each subscription, to its own window', async () => {
    const { hub, pushesOf } = hubWith('a', 'b');
    const [a, b] = [pushesOf('a'), pushesOf('b')];
    const alarms = hub.subscribe('a', 'alarm.*');
    hub.subscribe('b', '*');
    hub.publish([event(1, 'alarm.raised'), event(2, 'equipment.status.changed')]);
    await vi.advanceTimersByTimeAsync(20);
    expect(a).toEqual([{ channel: 'push:events', items: [{ subscriptionId: alarms, events: [event(1, 'alarm.raised')], dropped: 0 }] }]);
    expect(b[0]?.items[0]?.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(hub.unsubscribe('a', alarms)).toBe(true);
    hub.publish([event(3, 'alarm.cleared')]);
    await vi.advanceTimersByTimeAsync(20);
    expect(a).toHaveLength(1);
    expect(() => hub.subscribe('nobody', '*')).toThrow(/not connected/);
  });

  it("writes a window's text from runs of several batches and subscriptions, as the push itself", async () => {
    const { hub, pushesOf } = hubWith('w');
    const pushes = pushesOf('w');
    const alarms = hub.subscribe('w', 'alarm.*');
    const all = hub.subscribe('w', '*');
    hub.publish([event(1, 'alarm.raised'), event(2), event(3, 'alarm.cleared'), event(4, 'alarm.acknowledged')]);
    hub.publish([event(5), event(6, 'alarm.raised')]);
    hub.publish([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(pushes).toHaveLength(1);
    const seqs = (id: string) => pushes[0]?.items.find((item) => item.subscriptionId === id)?.events.map((e) => e.seq);
    expect(seqs(alarms)).toEqual([1, 3, 4, 6]);
    expect(seqs(all)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('turns a batch into JSON once for every window that takes all of it', async () => {
    const { hub, textsOf } = hubWith('a', 'b', 'c');
    for (const id of ['a', 'b', 'c']) hub.subscribe(id, '*');
    const batch = [event(1), event(2), event(3)];
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      hub.publish(batch);
      await vi.advanceTimersByTimeAsync(20);
      expect(stringify.mock.calls.filter(([value]) => value === batch)).toHaveLength(1);
      expect(stringify.mock.calls.filter(([value]) => (value as { seq?: unknown } | null)?.seq !== undefined)).toHaveLength(0);
    } finally {
      stringify.mockRestore();
    }
    expect(new Set(['a', 'b', 'c'].map((id) => textsOf(id)[0]?.replace(/"subscriptionId":"[^"]*"/, '')))).toHaveProperty('size', 1);
  });

  it('keeps a slow window bounded across batches, and says how many it left out', async () => {
    const { hub, pushesOf } = hubWith('slow');
    const pushes = pushesOf('slow');
    hub.subscribe('slow', '*');
    const half = MAX_PENDING_EVENTS / 2;
    for (let b = 0; b < 3; b++) hub.publish(Array.from({ length: half }, (_, i) => event(b * half + i + 1)));
    await vi.advanceTimersByTimeAsync(20);
    expect(pushes[0]?.items[0]?.events.map((e) => e.seq)).toEqual(Array.from({ length: MAX_PENDING_EVENTS }, (_, i) => i + 1));
    expect(pushes[0]?.items[0]?.dropped).toBe(half);
  });

  it('counts what a window could not keep instead of holding it without bound', async () => {
    const { hub, pushesOf } = hubWith('slow');
    const pushes = pushesOf('slow');
    hub.subscribe('slow', '*');
    hub.publish(Array.from({ length: MAX_PENDING_EVENTS + 250 }, (_, i) => event(i + 1)));
    await vi.advanceTimersByTimeAsync(20);
    expect(pushes[0]?.items[0]?.events).toHaveLength(MAX_PENDING_EVENTS);
    expect(pushes[0]?.items[0]?.dropped).toBe(250);
  });
});
