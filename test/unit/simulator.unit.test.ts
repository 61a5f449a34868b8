import { describe, expect, it, vi } from 'vitest';
import { BusOverloadError } from '../../main/bus/errors';
import { PlantSimulator, type PlantSimulatorOptions } from '../../main/producers/simulator';
import type { StoredEvent } from '../../shared/events/event';
import { EventValidationError, type PublishInput } from '../../shared/events/validate';
import { useFakeTimersFrom } from '../support/fakeClock';

const T0 = Date.UTC(2024, 0, 1, 6);

/** A bus that stores nothing and remembers what it was given; `fail` makes it reject. */
function fakeBus() {
  const published: PublishInput[] = [];
  const bus = {
    published,
    fail: null as Error | null,
    hang: false,
    async publishBatch(events: readonly PublishInput[]): Promise<StoredEvent[]> {
      if (bus.hang) return new Promise<StoredEvent[]>(() => {});
      if (bus.fail) throw bus.fail;
      published.push(...events);
      return [];
    },
  };
  return bus;
}

function simulator(bus: ReturnType<typeof fakeBus>, options: Partial<PlantSimulatorOptions> = {}) {
  return new PlantSimulator({ bus, onError: () => {}, ...options });
}

const inWindow = (events: PublishInput[], from: number, to: number) => events.filter((e) => e.timestamp! >= from && e.timestamp! < to).length;

useFakeTimersFrom(T0);

describe('plant simulator', () => {
  it('publishes at the configured rate on its timer, in batches', async () => {
    const bus = fakeBus();
    const sim = simulator(bus, { rate: 1_000 });
    sim.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await sim.stop();
    expect(bus.published.length).toBeGreaterThanOrEqual(9_800);
    expect(bus.published.length).toBeLessThanOrEqual(10_050);
    expect(sim.status()).toMatchObject({ running: false, published: bus.published.length, failedEvents: 0, rate: 1_000, equipment: 12 });
    expect(bus.published.every((e) => e.source === 'plant-simulator' && e.timestamp! < T0 + 10_000)).toBe(true);
  });

  it('changes rate while running', async () => {
    const bus = fakeBus();
    const sim = simulator(bus, { rate: 100 });
    sim.start();
    await vi.advanceTimersByTimeAsync(2_000);
    sim.setRate(5_000);
    await vi.advanceTimersByTimeAsync(2_000);
    sim.setRate(0);
    await vi.advanceTimersByTimeAsync(2_000);
    await sim.stop();
    expect(inWindow(bus.published, T0 + 200, T0 + 1_800)).toBeGreaterThan(140);
    expect(inWindow(bus.published, T0 + 200, T0 + 1_800)).toBeLessThan(180);
    expect(inWindow(bus.published, T0 + 2_200, T0 + 3_800)).toBeGreaterThan(7_800);
    expect(inWindow(bus.published, T0 + 2_200, T0 + 3_800)).toBeLessThan(8_200);
    expect(inWindow(bus.published, T0 + 4_100, T0 + 6_000)).toBe(0);
    expect(() => sim.setRate(-1)).toThrow(EventValidationError);
    expect(() => sim.setRate(Number.NaN)).toThrow(/^rate: /);
  });

  it('pauses and resumes without a burst or a gap in the plant', async () => {
    const bus = fakeBus();
    const sim = simulator(bus, { rate: 500 });
    sim.start();
    await vi.advanceTimersByTimeAsync(2_000);
    sim.pause();
    const atPause = bus.published.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(bus.published.length).toBe(atPause);
    expect(sim.status().paused).toBe(true);
    sim.resume();
    await vi.advanceTimersByTimeAsync(2_000);
    await sim.stop();
    const afterResume = bus.published.slice(atPause);
    expect(afterResume.length).toBeGreaterThan(900);
    expect(afterResume.length).toBeLessThan(1_100);
    expect(afterResume[0]!.timestamp).toBeGreaterThanOrEqual(T0 + 32_000);
  });

  it('does nothing when switched off', async () => {
    const bus = fakeBus();
    const sim = simulator(bus, { enabled: false, rate: 1_000 });
    sim.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(bus.published).toEqual([]);
    expect(sim.status()).toMatchObject({ enabled: false, running: false, simulatedTime: null });
  });

  it('counts and reports failed publishes, never throws, and goes on when the bus recovers', async () => {
    const bus = fakeBus();
    const errors: unknown[] = [];
    const sim = simulator(bus, { rate: 100, onError: (error) => errors.push(error) });
    bus.fail = new BusOverloadError('alarms', 10_000, 5_000);
    sim.start();
    await vi.advanceTimersByTimeAsync(1_000);
    const failed = sim.status();
    expect(failed.failedBatches).toBeGreaterThanOrEqual(9);
    expect(failed.failedEvents).toBeGreaterThanOrEqual(90);
    expect(failed.lastError).toMatch(/bus overloaded/);
    expect(errors[0]).toBeInstanceOf(BusOverloadError);
    bus.fail = null;
    await vi.advanceTimersByTimeAsync(1_000);
    await sim.stop();
    expect(bus.published.length).toBeGreaterThan(90);
    expect(sim.status().published).toBe(bus.published.length);
  });

  it('holds the plant when publishing falls behind, instead of piling up batches', async () => {
    const bus = fakeBus();
    bus.hang = true;
    const sim = simulator(bus, { rate: 1_000, maxInFlight: 3 });
    sim.start();
    await vi.advanceTimersByTimeAsync(5_000);
    const status = sim.status();
    expect(status.inFlight).toBe(3);
    expect(status.generated).toBeLessThan(400);
    expect(status.heldMs).toBeGreaterThan(4_000);
  });

  it('skips a long sleep instead of catching up with a burst', async () => {
    const bus = fakeBus();
    const sim = simulator(bus, { rate: 100 });
    sim.start();
    await vi.advanceTimersByTimeAsync(1_000);
    vi.setSystemTime(T0 + 3_600_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await sim.stop();
    expect(bus.published.length).toBeLessThan(300);
    expect(sim.status().heldMs).toBeGreaterThan(3_500_000);
  });

  it('rejects a bad plant, naming the field', () => {
    expect(() => simulator(fakeBus(), { plant: { lines: 100 } })).toThrow(/^lines: /);
    expect(() => simulator(fakeBus(), { rate: 1e9 })).toThrow(/^rate: /);
  });
});
