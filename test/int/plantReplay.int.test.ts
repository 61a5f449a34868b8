/**
 * The simulated plant through the real bus into the in-memory store, for 60 simulated seconds
 * at 1,000 events/s (fake time), watched by the live equipment projector. The live board must
 * equal a full replay and a snapshot-plus-tail replay; stateAt and diff must agree with the
 * stored events.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { BOARD_SNAPSHOT_KEY, EquipmentProjector, equipmentSnapshotKey } from '../../main/core/equipmentProjector';
import { PlantSimulator } from '../../main/producers/simulator';
import { AVAILABILITY_WINDOW_MS } from '../../shared/domain/equipment';
import { stateHash } from '../../shared/domain/stateHash';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const T0 = Date.UTC(2024, 0, 1, 6);
/** A plant where things happen within a minute: orders, stops, breakdowns and repairs. */
const FAST_PLANT = {
  seed: 11,
  timing: {
    orderMs: [10_000, 25_000], idleBetweenOrdersMs: [1_000, 5_000], measurementEveryMs: [500, 1_500], meanTimeToFailureMs: 25_000,
    maintenanceDelayMs: [1_000, 3_000], repairMs: [3_000, 8_000], meanTimeBetweenStopsMs: 30_000, stopMs: [1_000, 3_000],
  },
} as const;

const store = new InMemoryEventStore();
const live = new EquipmentProjector(store, { snapshotEvery: 5_000, onError: (error) => { throw error; } });
let events: StoredEvent[] = [];
let simulator: PlantSimulator;

beforeAll(async () => {
  vi.useFakeTimers({ now: T0 });
  const bus = new EventBus({ store, onError: (error) => { throw error; } });
  await live.rebuild();
  bus.onPublished((published) => live.apply(published));
  simulator = new PlantSimulator({ bus, rate: 1_000, plant: FAST_PLANT, onError: (error) => { throw error; } });
  simulator.start();
  await vi.advanceTimersByTimeAsync(60_000);
  await simulator.stop();
  await bus.close();
  await live.flushSnapshots();
  vi.useRealTimers();
  const head = await store.headSeq();
  events = (await Promise.all(Array.from({ length: head }, (_, i) => store.getBySeq(i + 1)))) as StoredEvent[];
}, 60_000);

afterAll(() => vi.useRealTimers());

const ofEquipment = (id: string, type?: string) =>
  events.filter((e) => (e.payload as { equipmentId?: string }).equipmentId === id && (type === undefined || e.type === type));

describe('plant → bus → store → equipment projector', () => {
  it('stored about 60,000 events in 60 simulated seconds, all published', async () => {
    expect(events.length).toBeGreaterThanOrEqual(59_000);
    expect(events.length).toBeLessThanOrEqual(60_100);
    expect(simulator.status()).toMatchObject({ failedEvents: 0, published: events.length, heldMs: 0 });
    expect(live.list()).toHaveLength(12);
    expect(live.stats()).toMatchObject({ lastSeq: events.length, gaps: 0, snapshotFailures: 0 });
    const types = new Set(events.map((e) => e.type));
    for (const type of ['equipment.status.changed', 'production.order.completed', 'quality.check.failed', 'maintenance.completed']) expect(types).toContain(type);
  });

  it('the live board equals a full replay (same hash)', async () => {
    const full = new EquipmentProjector(store, { snapshotEvery: 0 });
    const result = await full.rebuild({ useSnapshots: false });
    expect(result).toMatchObject({ fromSnapshotSeq: null, seq: events.length });
    expect(result.folded).toBe(events.length);
    expect(full.hash()).toBe(live.hash());
    expect(full.list()).toEqual(live.list());
  });

  it('the live board equals a replay from the nearest board snapshot plus the tail', async () => {
    const snapshot = await store.nearestSnapshot(BOARD_SNAPSHOT_KEY);
    expect(snapshot!.seq).toBeGreaterThan(events.length - 5_000);
    const fromSnapshot = new EquipmentProjector(store, { snapshotEvery: 0 });
    const result = await fromSnapshot.rebuild();
    expect(result.fromSnapshotSeq).toBe(snapshot!.seq);
    expect(result.folded).toBe(events.length - snapshot!.seq);
    expect(fromSnapshot.hash()).toBe(live.hash());
  });

  it('stateAt from the nearest per-equipment snapshot equals stateAt from the start, and the live state at the end', async () => {
    for (const state of live.list()) {
      const id = state.equipmentId!;
      expect(await store.nearestSnapshot(equipmentSnapshotKey(id))).not.toBeNull();
      for (const t of [T0 + 7_500, T0 + 31_234, T0 + 59_999]) {
        const fromSnapshot = await live.stateAt(id, t);
        const fromStart = await live.stateAt(id, t, { useSnapshots: false });
        expect(stateHash(fromSnapshot)).toBe(stateHash(fromStart));
        expect(fromSnapshot.lastEventAt!).toBeLessThanOrEqual(t);
      }
      expect(await live.stateAt(id, T0 + 60_000)).toEqual(state);
    }
  });

  it('availability over the shift is running time over known time, from the status events', () => {
    for (const state of live.list()) {
      const changes = ofEquipment(state.equipmentId!, 'equipment.status.changed');
      const end = state.availability.at!;
      let running = 0;
      let known = 0;
      changes.forEach((change, i) => {
        const until = changes[i + 1]?.timestamp ?? end;
        const span = until - Math.max(change.timestamp, end - AVAILABILITY_WINDOW_MS);
        known += Math.max(0, span);
        if ((change.payload as { newStatus: string }).newStatus === 'running') running += Math.max(0, span);
      });
      expect(state.availability.knownMs).toBe(known);
      expect(state.availability.runningMs).toBe(running);
      expect(state.availability.ratio).toBeCloseTo(running / known, 12);
    }
  });

  it('diff names each changed field with the events that changed it', async () => {
    const id = 'press-1';
    const statusChanges = ofEquipment(id, 'equipment.status.changed');
    expect(statusChanges.length).toBeGreaterThan(4);
    const change = statusChanges[Math.floor(statusChanges.length / 2)]!;
    const previous = statusChanges[statusChanges.indexOf(change) - 1]!;

    const one = await live.diff(id, change.timestamp - 1, change.timestamp);
    const status = one.changes.find((c) => c.path === 'status')!;
    expect(status).toMatchObject({ before: (previous.payload as { newStatus: string }).newStatus, after: (change.payload as { newStatus: string }).newStatus });
    expect(status.causes.map((c) => c.id)).toEqual([change.id]);
    expect(status.causes[0]).toEqual({ id: change.id, seq: change.seq, type: change.type, timestamp: change.timestamp });
    expect(one.changes.find((c) => c.path === 'reason')?.causes.map((c) => c.id)).toEqual([change.id]);

    const [from, to] = [T0 + 10_000, T0 + 50_000];
    const window = await live.diff(id, from, to);
    expect(window.before).toEqual(await live.stateAt(id, from));
    expect(window.after).toEqual(await live.stateAt(id, to));
    const inWindow = ofEquipment(id).filter((e) => e.timestamp > from && e.timestamp <= to);
    expect(window.events).toBe(inWindow.length);
    const statusInWindow = inWindow.filter((e) => e.type === 'equipment.status.changed');
    expect(statusInWindow.length).toBeGreaterThan(1);
    const since = window.changes.find((c) => c.path === 'statusSince')!;
    expect(since).toMatchObject({ before: window.before.statusSince, after: statusInWindow.at(-1)!.timestamp, causeCount: statusInWindow.length });
    expect(since.causes.map((c) => c.id)).toEqual(statusInWindow.map((e) => e.id));
    expect(window.changes.some((c) => c.path === 'status')).toBe(window.before.status !== window.after.status);
    const outOfSpec = inWindow.filter((e) => e.type === 'quality.measurement.recorded' && (e.payload as { isWithinSpec: boolean }).isWithinSpec === false);
    const count = window.changes.find((c) => c.path === 'outOfSpecCount');
    if (outOfSpec.length === 0) expect(count).toBeUndefined();
    else expect(count).toMatchObject({ before: window.before.outOfSpecCount, after: window.before.outOfSpecCount + outOfSpec.length, causes: outOfSpec.map((e) => ({ id: e.id, seq: e.seq, type: e.type, timestamp: e.timestamp })) });
    expect(window.changes.map((c) => c.path)).not.toContain('eventCount');
    expect(await live.diff(id, to, to)).toMatchObject({ changes: [], events: 0 });
    await expect(live.diff(id, to, from)).rejects.toThrow(/^to: /);
  });
});
