// A restart is not the plant's silence (issue 12 §1): absence rules count from when the
// console is back, so stopping it for longer than their timeout raises nothing by itself.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { AlarmMonitor } from '../../main/consumers/alarmMonitor';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { handClock, letTick, type HandClock } from '../support/handClock';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const monitors: AlarmMonitor[] = [];
afterEach(async () => {
  for (const monitor of monitors.splice(0)) await monitor.stop();
});

async function startMonitor(bus: EventBus, store: InMemoryEventStore, time: HandClock): Promise<AlarmMonitor> {
  const monitor = new AlarmMonitor({ bus, store, now: time.monitorNow, tickMs: 5 });
  monitors.push(monitor);
  await monitor.start();
  return monitor;
}

const raisedAbsences = async (store: InMemoryEventStore) =>
  (await store.query({ types: ['alarm.raised'], limit: 100 })).events.filter((e) => (e.payload as { ruleId?: string }).ruleId === 'telemetry-missing');

describe('absence rules across a restart of the console', () => {
  it('given telemetry before a 90 s stop, when the console starts again, then no "No telemetry" alarm is raised until the timeout passes after the restart', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ source: 'test', store });
    const time = handClock(T0);
    const first = await startMonitor(bus, store, time);
    for (const equipmentId of ['press-1', 'press-2', 'oven-1']) {
      await bus.publish({ type: 'equipment.telemetry.recorded', payload: { equipmentId, lineId: 'line-1', temperature: 40 }, timestamp: T0 });
    }
    await letTick(time);
    await first.stop();
    monitors.splice(monitors.indexOf(first), 1);

    time.set(T0 + 90_000); // the console was off for 90 s, longer than the rule's 60 s
    const second = await startMonitor(bus, store, time);
    await letTick(time);
    await bus.drain();
    expect(await raisedAbsences(store)).toEqual([]);
    expect(second.active()).toEqual([]);

    // The plant really goes silent: a minute after the restart, the rule fires for each.
    time.set(T0 + 90_000 + MINUTE + 1_000);
    await vi.waitFor(async () => expect((await raisedAbsences(store)).length).toBe(3));
  });

  it('given an absence alarm already raised before the stop, when the console starts again, then it stays active until telemetry comes', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ source: 'test', store });
    const time = handClock(T0);
    const first = await startMonitor(bus, store, time);
    await bus.publish({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'press-1', lineId: 'line-1', temperature: 40 }, timestamp: T0 });
    time.set(T0 + MINUTE + 1_000);
    await vi.waitFor(async () => expect((await raisedAbsences(store)).length).toBe(1));
    await first.stop();
    monitors.splice(monitors.indexOf(first), 1);

    time.set(T0 + 5 * MINUTE);
    const second = await startMonitor(bus, store, time);
    await letTick(time);
    expect(second.active().map((a) => `${a.alarmId}=${a.state}`)).toEqual(['telemetry-missing:press-1=ACTIVE_UNACK']);
    await bus.publish({ type: 'equipment.telemetry.recorded', payload: { equipmentId: 'press-1', lineId: 'line-1', temperature: 40 }, timestamp: T0 + 5 * MINUTE });
    await vi.waitFor(() => expect(second.active().map((a) => a.state)).toEqual(['RTN_UNACK']));
  });
});
