import { describe, expect, it } from 'vitest';
import { BOARD_SNAPSHOT_KEY, EquipmentProjector, equipmentSnapshotKey } from '../../main/core/equipmentProjector';
import { AVAILABILITY_WINDOW_MS, availabilityAt, evolveEquipment, initialEquipmentState } from '../../shared/domain/equipment';
import { canonicalJson, stateHash } from '../../shared/domain/stateHash';
import type { JsonValue, StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { equipmentEvent } from '../support/events';

const T0 = Date.UTC(2024, 0, 1, 6);
const HOUR = 3_600_000;

function status(equipmentId: string, newStatus: string, at: number) {
  return equipmentEvent('equipment.status.changed', equipmentId, { newStatus }, at);
}

describe('availability over the last shift', () => {
  it('given status intervals, it is running time over known time in the 8 hours before the latest event', () => {
    let seq = 0;
    const fold = (state: ReturnType<typeof initialEquipmentState>, type: string, payload: Record<string, JsonValue>, at: number) =>
      evolveEquipment(state, { type, timestamp: at, payload: { equipmentId: 'press-1', ...payload }, seq: ++seq });
    let state = initialEquipmentState();
    expect(state.availability.ratio).toBeNull();
    state = fold(state, 'equipment.status.changed', { newStatus: 'running' }, T0);
    state = fold(state, 'equipment.status.changed', { newStatus: 'down' }, T0 + 3 * HOUR);
    state = fold(state, 'equipment.status.changed', { newStatus: 'running' }, T0 + 4 * HOUR);
    state = fold(state, 'equipment.telemetry.recorded', { temperature: 40 }, T0 + 6 * HOUR);
    expect(state.availability).toMatchObject({ runningMs: 5 * HOUR, knownMs: 6 * HOUR, at: T0 + 6 * HOUR });
    expect(state.availability.ratio).toBeCloseTo(5 / 6, 12);
    // Ten hours in: the window starts at 2 h, so 1 h of the first run, then 1 h down, then 6 h running.
    state = fold(state, 'equipment.telemetry.recorded', { temperature: 41 }, T0 + 10 * HOUR);
    expect(state.availability).toMatchObject({ runningMs: 7 * HOUR, knownMs: AVAILABILITY_WINDOW_MS });
    // Later on, between events, a display asks for it as of now; the state is not changed.
    expect(availabilityAt(state, T0 + 13 * HOUR)).toMatchObject({ runningMs: 8 * HOUR, knownMs: 8 * HOUR, ratio: 1, intervals: [] });
    expect(state.availability.at).toBe(T0 + 10 * HOUR);
  });

  it('an event timestamped earlier than the last never makes a negative interval', () => {
    let state = evolveEquipment(initialEquipmentState(), { type: 'equipment.status.changed', timestamp: T0 + HOUR, payload: { equipmentId: 'a', newStatus: 'running' } });
    state = evolveEquipment(state, { type: 'equipment.status.changed', timestamp: T0, payload: { equipmentId: 'a', newStatus: 'idle' } });
    expect(state.availability.intervals.every((i) => i.to >= i.from)).toBe(true);
    expect(state.availability.runningMs).toBeGreaterThanOrEqual(0);
    expect(state.availability.knownMs).toBeGreaterThanOrEqual(state.availability.runningMs);
  });
});

describe('state hash', () => {
  it('ignores key order, tells different states apart, and is the 64-bit FNV-1a of canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], u: undefined })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
    expect(stateHash({ b: 1, a: 2 })).toBe(stateHash({ a: 2, b: 1 }));
    expect(stateHash({ a: 2, b: 1 })).not.toBe(stateHash({ a: 1, b: 2 }));
    expect(stateHash('a')).toMatch(/^[0-9a-f]{16}$/);
    // FNV-1a 64 of the bytes `"a"`: a known value computed independently with BigInt arithmetic.
    let h = 0xcbf29ce484222325n;
    for (const ch of '"a"') h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
    expect(stateHash('a')).toBe(h.toString(16).padStart(16, '0'));
  });
});

describe('equipment projector snapshots', () => {
  async function storeWith(events: ReturnType<typeof equipmentEvent>[]) {
    const store = new InMemoryEventStore();
    const stored = await store.append(events);
    return { store, stored };
  }

  it('saves a board snapshot and one snapshot per changed equipment every N events, and rebuilds from them', async () => {
    const events = Array.from({ length: 25 }, (_, i) => status(i % 2 === 0 ? 'press-1' : 'oven-1', i % 3 === 0 ? 'running' : 'idle', T0 + i * 1_000));
    const { store, stored } = await storeWith(events);
    const live = new EquipmentProjector(store, { snapshotEvery: 10 });
    for (const event of stored) live.apply([event]);
    live.apply(stored.slice(0, 5));
    await live.flushSnapshots();
    expect(live.stats()).toMatchObject({ lastSeq: 25, lastSnapshotSeq: 20, snapshotsSaved: 6, gaps: 0 });
    expect(await store.nearestSnapshot(BOARD_SNAPSHOT_KEY)).toMatchObject({ seq: 20, maxTimestamp: T0 + 19_000 });
    expect(await store.nearestSnapshot(equipmentSnapshotKey('press-1'))).toMatchObject({ seq: 19, maxTimestamp: T0 + 18_000 });
    expect(await store.nearestSnapshot(equipmentSnapshotKey('oven-1'))).toMatchObject({ seq: 20, maxTimestamp: T0 + 19_000 });

    const rebuilt = new EquipmentProjector(store, { snapshotEvery: 0 });
    expect(await rebuilt.rebuild()).toEqual({ folded: 5, seq: 25, fromSnapshotSeq: 20 });
    expect(rebuilt.hash()).toBe(live.hash());
    expect(await live.stateAt('press-1', T0 + 19_500)).toEqual(await live.stateAt('press-1', T0 + 19_500, { useSnapshots: false }));
  });

  it('ignores a board snapshot of another shape and replays from the start instead', async () => {
    const { store, stored } = await storeWith([status('press-1', 'running', T0), status('press-1', 'down', T0 + 1_000)]);
    await store.saveSnapshot({ key: BOARD_SNAPSHOT_KEY, seq: 1, maxTimestamp: T0, state: { states: { 'press-1': { status: 'bogus' } } }, createdAt: T0 });
    await store.saveSnapshot({ key: equipmentSnapshotKey('press-1'), seq: 1, maxTimestamp: T0, state: { status: 'bogus' }, createdAt: T0 });
    const projector = new EquipmentProjector(store, { snapshotEvery: 0 });
    expect(await projector.rebuild()).toMatchObject({ folded: 2, fromSnapshotSeq: null });
    expect(projector.get('press-1')).toMatchObject({ status: 'down', lastSeq: stored[1]!.seq });
    expect((await projector.stateAt('press-1', T0 + 500)).status).toBe('running');
  });

  it('reports a failed snapshot write and carries on', async () => {
    const { store, stored } = await storeWith(Array.from({ length: 4 }, (_, i) => status('press-1', 'idle', T0 + i)));
    const errors: unknown[] = [];
    store.saveSnapshot = async () => { throw new Error('disk full'); };
    const projector = new EquipmentProjector(store, { snapshotEvery: 2, onError: (error) => errors.push(error) });
    projector.apply(stored as StoredEvent[]);
    await projector.flushSnapshots();
    expect(projector.stats()).toMatchObject({ lastSeq: 4, snapshotFailures: 2, snapshotsSaved: 0 });
    expect(errors).toHaveLength(2);
    expect(() => new EquipmentProjector(store, { snapshotEvery: -1 })).toThrow(/^snapshotEvery: /);
  });
});
