// The main-process core behind window.plant, over the store RPC to a Dexie store: the path a
// renderer call takes, minus the transport.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { METHOD_NAMES } from '../../shared/api/contract';
import type { StoredEvent } from '../../shared/events/event';
import { inProcessApi } from '../support/inProcessApi';
import { fakeStoreHost } from '../support/storeHost';

const T0 = Date.UTC(2026, 10, 27, 6, 0);

async function startCore(factory = new IDBFactory()): Promise<PlantCore> {
  const host = await fakeStoreHost(() => DexieEventStore.open('plant', { indexedDB: factory, IDBKeyRange }));
  return createPlantCore({ store: host.client, storeStatus: () => ({ connected: host.client.connected, restarts: host.client.restarts }) });
}

describe('window.plant over the core', () => {
  let core: PlantCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  it('publishes, gets, queries and pushes live events', async () => {
    core = await startCore();
    const { api } = inProcessApi(core);
    const live: StoredEvent[] = [];
    let unsubscribe = () => {};
    await new Promise<void>((onReady) => (unsubscribe = api.events.subscribe('equipment.*', (event) => live.push(event), { onReady })));

    const stored = await api.events.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'press-1', newStatus: 'running' } });
    expect(stored).toMatchObject({ seq: 1, status: 'PUBLISHED', source: 'plant-event-console' });
    expect(typeof stored.timestamp).toBe('number');
    await api.events.publishBatch([
      { type: 'quality.check.failed', payload: { equipmentId: 'press-1' } },
      { type: 'equipment.status.changed', payload: { equipmentId: 'press-2', newStatus: 'down' }, priority: 'HIGH' },
    ]);
    expect((await api.events.get(stored.id))?.id).toBe(stored.id);
    expect(await api.events.get('no-such-id')).toBeNull();
    const page = await api.events.query({ types: ['equipment.*'], order: 'desc' });
    expect(page.events.map((e) => e.seq)).toEqual([3, 1]);
    await vi.waitFor(() => expect(live.map((e) => e.seq)).toEqual([1, 3]));
    unsubscribe();
  });

  it('lists equipment state and rebuilds it at a past time', async () => {
    core = await startCore();
    const { api } = inProcessApi(core);
    await api.events.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'press-1', newStatus: 'running' }, timestamp: T0 });
    await api.events.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'press-1', newStatus: 'down', reason: 'jam' }, timestamp: T0 + 60_000 });
    await api.events.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'oven-1', newStatus: 'idle' }, timestamp: T0 });
    const list = await api.equipment.list();
    expect(list.map((s) => [s.equipmentId, s.status])).toEqual([['oven-1', 'idle'], ['press-1', 'down']]);
    expect((await api.equipment.stateAt('press-1', T0 + 30_000)).status).toBe('running');
    expect((await api.equipment.stateAt('press-1', T0 - 1)).status).toBe('unknown');
  });

  it('rebuilds the equipment list from the store when it starts again', async () => {
    const factory = new IDBFactory();
    core = await startCore(factory);
    await inProcessApi(core).api.events.publish({ type: 'equipment.status.changed', payload: { equipmentId: 'mill-3', newStatus: 'maintenance' } });
    await core.close();
    core = await startCore(factory);
    expect((await inProcessApi(core).api.equipment.list()).map((s) => s.status)).toEqual(['maintenance']);
  });

  it('answers metrics and dead letters', async () => {
    core = await startCore();
    const { api } = inProcessApi(core);
    await api.events.publish({ type: 'maintenance.scheduled', payload: {} });
    const metrics = await api.metrics.get();
    expect(metrics.store).toMatchObject({ events: 1, headSeq: 1, connected: true, restarts: 0 });
    expect(metrics.bus.published).toBe(1);
    expect(await api.deadLetters.list()).toEqual([]);
    await expect(api.deadLetters.redrive(['nope'])).rejects.toThrow(/no dead letter named "nope"/);
  });

  it('refuses bad input with a message naming the problem, and keeps working', async () => {
    core = await startCore();
    const { api, clientId, dispatch } = inProcessApi(core);
    const refusals: [() => Promise<unknown>, RegExp][] = [
      [() => api.events.publish({ type: 'Bad Type', payload: {} }), /^events\.publish: event\.type: must be two or more lowercase segments/],
      [() => api.events.publish({ payload: {} } as never), /event\.type: is required/],
      [() => api.events.publish({ type: 'a.b', payload: { big: 'x'.repeat(300 * 1024) } }), /event\.payload: .*256 KiB/],
      [() => api.events.publish({ type: 'a.b', payload: {}, status: 'PROCESSED' } as never), /event\.status: is not an event field/],
      [() => api.events.publishBatch('nope' as never), /events: must be a list/],
      [() => api.events.query({ limit: 5000 }), /limit/],
      [() => api.events.query({ bogus: 1 } as never), /bogus: is not a query field/],
      [() => api.events.get(42 as never), /id: /],
      [() => api.equipment.stateAt('press-1', Number.NaN), /timestampMs: must be a finite number/],
      [() => api.deadLetters.discard([], 'x'), /ids: must name at least one/],
    ];
    for (const [attempt, message] of refusals) await expect(attempt()).rejects.toThrow(message);
    for (const method of ['events.drop', '__proto__', 'constructor', 42]) {
      const envelope = await dispatch(method, [], { clientId });
      expect(envelope).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
    expect(await dispatch('events.get', 'not-a-list', { clientId })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'events.get: arguments: must be a list' } });
    expect(await core.store.headSeq()).toBe(0);
    expect((await api.events.publish({ type: 'still.working', payload: {} })).seq).toBe(1);
  });

  it('has a handler for every contract method', async () => {
    core = await startCore();
    const { clientId, dispatch } = inProcessApi(core);
    for (const method of METHOD_NAMES) {
      const envelope = await dispatch(method, ['wrong', 'arguments', 'entirely'], { clientId });
      expect(envelope, method).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
  });
});
