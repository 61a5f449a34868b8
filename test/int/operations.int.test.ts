// The plant's consumers and operations behind window.plant: alarms from plant events, the
// ISA-18.2 commands, rules as events, the quality-hold process manager, restarts without
// duplicate reactions, the simulator, settings and aggregates.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlantCore, type PlantCore, type PlantCoreOptions } from '../../main/core/plantCore';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { inProcessApi } from '../support/inProcessApi';

const cores: PlantCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function start(store = new InMemoryEventStore(), options: Partial<PlantCoreOptions> = {}) {
  const core = await createPlantCore({ store, healthEverySeconds: 0, user: 'j.doe', ...options });
  cores.push(core);
  return { core, store, api: inProcessApi(core).api };
}

async function alarmEvents(store: InMemoryEventStore): Promise<StoredEvent[]> {
  return (await store.query({ types: ['alarm.*'], limit: 1000 })).events.filter((e) => e.type !== 'alarm.rules.changed');
}

const hot = (equipmentId: string, pressure: number) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId, lineId: 'line-1', pressure } });

/** A threshold rule without delays, so that one reading raises or clears it. */
const PRESSURE_RULE = { id: 'pressure-high', name: 'Pressure high', kind: 'threshold', enabled: true, priority: 'HIGH', field: 'pressure', comparator: 'above', limit: 10 };
const limit = PRESSURE_RULE.limit;

describe('alarms through window.plant', () => {
  it('raises, acknowledges, shelves and clears exactly the expected alarms', async () => {
    const { core, store, api } = await start();
    await api.rules.create(PRESSURE_RULE as never);

    await api.events.publish(hot('press-1', limit + 10));
    await api.events.publish(hot('press-2', limit + 12));
    await vi.waitFor(async () => expect((await api.alarms.list()).map((a) => a.equipmentId).sort()).toEqual(['press-1', 'press-2']));
    const [a1, a2] = (await api.alarms.list()).sort((x, y) => x.equipmentId.localeCompare(y.equipmentId));
    expect(a1?.state).toBe('ACTIVE_UNACK');

    const ack = await api.alarms.acknowledge([a1!.alarmId], 'cooling water checked');
    expect(ack).toEqual({ applied: [a1!.alarmId], rejected: [] });
    expect((await api.alarms.list()).find((a) => a.alarmId === a1!.alarmId)?.state).toBe('ACTIVE_ACK');
    const again = await api.alarms.acknowledge([a1!.alarmId], '');
    expect(again.applied).toEqual([]);
    expect(again.rejected[0]?.alarmId).toBe(a1!.alarmId);

    await expect(api.alarms.shelve([a2!.alarmId], { reason: '', durationMs: 3_600_000 })).rejects.toThrow(/shelve\.reason: a shelve needs a reason/);
    await api.alarms.shelve([a2!.alarmId], { reason: 'sensor being replaced', durationMs: 3_600_000 });
    expect((await api.alarms.list()).find((a) => a.alarmId === a2!.alarmId)?.state).toBe('SHELVED');

    await api.events.publish(hot('press-1', limit - 5));
    await vi.waitFor(async () => expect((await api.alarms.list()).map((a) => a.alarmId)).toEqual([a2!.alarmId]));
    await core.bus.drain();
    const types = (await alarmEvents(store)).map((e) => `${e.type}:${(e.payload as { equipmentId: string }).equipmentId}`);
    expect(types).toEqual([
      'alarm.raised:press-1',
      'alarm.raised:press-2',
      'alarm.acknowledged:press-1',
      'alarm.shelved:press-2',
      'alarm.cleared:press-1',
      'alarm.normalized:press-1',
    ]);
    const acknowledged = (await alarmEvents(store)).find((e) => e.type === 'alarm.acknowledged');
    expect(acknowledged?.payload).toMatchObject({ note: 'cooling water checked', user: 'j.doe' });
    const history = await api.alarms.history({ alarmId: a1!.alarmId, order: 'asc', types: ['alarm.raised', 'alarm.acknowledged', 'alarm.cleared', 'alarm.normalized'] });
    expect(history.events.map((e) => e.type)).toEqual(['alarm.raised', 'alarm.acknowledged', 'alarm.cleared', 'alarm.normalized']);
  });

  it('keeps rules as events: create, update and delete, with bad rules refused by field', async () => {
    const { store, api } = await start();
    const before = (await api.rules.list()).length;
    const rule = { id: 'oven-hot', name: 'Oven too hot', kind: 'threshold', enabled: true, priority: 'HIGH', field: 'temperature', comparator: 'above', limit: 250 };
    await api.rules.create(rule as never);
    expect((await api.rules.list()).map((r) => r.id)).toContain('oven-hot');
    await expect(api.rules.create(rule as never)).rejects.toThrow(/rule\.id: a rule with id "oven-hot" exists already/);
    await expect(api.rules.create({ ...rule, id: 'x', limit: 'hot' } as never)).rejects.toThrow(/rule\.limit: must be a finite number/);
    await expect(api.rules.update({ ...rule, id: 'nope' } as never)).rejects.toThrow(/no rule with id "nope"/);
    await api.rules.update({ ...rule, limit: 260 } as never);
    expect((await api.rules.list()).find((r) => r.id === 'oven-hot')).toMatchObject({ limit: 260 });
    await api.rules.delete('oven-hot');
    expect(await api.rules.list()).toHaveLength(before);
    const changes = (await store.query({ types: ['alarm.rules.changed'] })).events.map((e) => (e.payload as { change: string }).change);
    expect(changes).toEqual(['created', 'updated', 'deleted']);

    // A restart takes the rules from the last change.
    await api.rules.create({ ...rule, id: 'kept' } as never);
    const restarted = await start(store);
    expect((await restarted.api.rules.list()).map((r) => r.id)).toContain('kept');
  });

  it('puts an equipment on hold and schedules maintenance after three failed checks, once', async () => {
    const { core, store, api } = await start();
    for (let i = 0; i < 3; i++) await api.events.publish({ type: 'quality.check.failed', payload: { equipmentId: 'mill-7', lineId: 'line-2' } });
    await vi.waitFor(async () => expect((await store.query({ types: ['equipment.hold.requested'] })).events).toHaveLength(1));
    await core.bus.drain();
    const [hold] = (await store.query({ types: ['equipment.hold.requested'] })).events;
    const [raised] = (await store.query({ types: ['alarm.raised'] })).events;
    const maintenance = (await store.query({ types: ['maintenance.scheduled'] })).events;
    expect(maintenance).toHaveLength(1);
    expect(hold?.causationId).toBe(raised?.id);
    expect(maintenance[0]?.correlationId).toBe(hold?.correlationId);

    // Redelivering the trigger (a restart before the acknowledgement) adds nothing.
    const count = await store.headSeq();
    await core.close();
    cores.splice(cores.indexOf(core), 1);
    await store.putDeliveries([{ ...(await store.getDelivery(raised!.id, 'quality-hold'))!, status: 'DELIVERED' }]);
    const again = await start(store);
    await again.core.bus.drain();
    expect((await store.query({ types: ['equipment.hold.requested', 'maintenance.scheduled'] })).events).toHaveLength(2);
    expect(await store.headSeq()).toBe(count);
  });

  it('catches up from an older snapshot after a crash without publishing any alarm twice', async () => {
    const store = new InMemoryEventStore();
    const first = await start(store, { alarmSnapshotEvery: 4 });
    await first.api.rules.create(PRESSURE_RULE as never);
    for (let i = 0; i < 24; i++) await first.api.events.publish(hot(`eq-${i % 3}`, i % 4 ? limit + 5 : limit - 4));
    await first.api.alarms.acknowledge([(await first.api.alarms.list())[0]!.alarmId], 'seen');
    await first.core.bus.drain();
    const before = (await alarmEvents(store)).map((e) => e.id);
    const states = (await first.api.alarms.list()).map((a) => `${a.alarmId}=${a.state}`).sort();
    await first.core.close();
    cores.splice(cores.indexOf(first.core), 1);

    // As if the process had died 15 events after an earlier snapshot: the tail is folded again.
    const head = await store.headSeq();
    const older = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'nearestSnapshot') return (name: string) => target.nearestSnapshot(name, { toSeq: head - 15 });
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const second = await start(older as InMemoryEventStore);
    await second.core.bus.drain();
    expect((await alarmEvents(store)).map((e) => e.id)).toEqual(before);
    expect((await second.api.alarms.list()).map((a) => `${a.alarmId}=${a.state}`).sort()).toEqual(states);
  });

  it('restarts from its snapshot without publishing any alarm twice', async () => {
    const store = new InMemoryEventStore();
    const first = await start(store);
    await first.api.rules.create(PRESSURE_RULE as never);
    for (let i = 0; i < 21; i++) await first.api.events.publish(hot(`eq-${i % 4}`, i % 3 ? limit + 5 : limit - 4));
    await first.core.bus.drain();
    const before = (await alarmEvents(store)).map((e) => e.id);
    expect(before.length).toBeGreaterThan(4);
    expect((await first.api.alarms.list()).length).toBeGreaterThan(0);
    await first.core.close();
    cores.splice(cores.indexOf(first.core), 1);

    const second = await start(store);
    await second.core.bus.drain();
    expect((await alarmEvents(store)).map((e) => e.id)).toEqual(before);
    expect((await second.api.alarms.list()).map((a) => a.alarmId).sort()).toEqual(
      (await first.core.alarms.active()).map((a) => a.alarmId).sort(),
    );
  });
});

describe('operations through window.plant', () => {
  it('runs the simulator, changes its rate, pauses it, and says when it is off', async () => {
    const { api } = await start(new InMemoryEventStore(), { simulator: { rate: 200, tickMs: 20 } });
    await vi.waitFor(async () => expect((await api.metrics.get()).store.events).toBeGreaterThan(20));
    expect(await api.simulator.setRate(50)).toMatchObject({ rate: 50, running: true });
    expect(await api.simulator.pause()).toMatchObject({ paused: true });
    await expect(api.simulator.setRate(-1)).rejects.toThrow(/rate: must be at least 0/);
    expect((await api.equipment.list()).length).toBeGreaterThan(0);

    const off = await start();
    expect(await off.api.simulator.status()).toBeNull();
    await expect(off.api.simulator.pause()).rejects.toThrow(/simulator is switched off/);
  });

  it('keeps settings in main across restarts, refusing what is not JSON', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plant-settings-')), 'settings.json');
    const { api } = await start(new InMemoryEventStore(), { settingsFile: file });
    await api.settings.set('ui.lastView', 'alarms');
    await api.settings.set('timeline.filters', { types: ['equipment.*'] });
    await expect(api.settings.set('bad key!', 1)).rejects.toThrow(/key: must be 1–100 letters/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'ui.lastView': 'alarms', 'timeline.filters': { types: ['equipment.*'] } });
    const again = await start(new InMemoryEventStore(), { settingsFile: file });
    expect(await again.api.settings.get()).toMatchObject({ 'ui.lastView': 'alarms' });
  });

  it('counts events per minute by type and equipment', async () => {
    const { api } = await start();
    const now = Date.now();
    await api.events.publishBatch([hot('a', 1), hot('a', 2), hot('b', 3), { type: 'quality.check.failed', payload: { equipmentId: 'a' } }]);
    const total = await api.aggregates.series({ from: now - 60_000, to: now + 60_000, by: 'total' });
    expect(total.reduce((sum, p) => sum + p.count, 0)).toBe(4);
    const ofA = await api.aggregates.series({ from: now - 60_000, to: now + 60_000, by: 'equipment', key: 'a' });
    expect(ofA.reduce((sum, p) => sum + p.count, 0)).toBe(3);
  });

  it('counts the stored history once after a restart, and new events as they come', async () => {
    const store = new InMemoryEventStore();
    const first = await start(store);
    const now = Date.now();
    await first.api.events.publishBatch([hot('a', 1), hot('a', 2), hot('b', 3)]);
    await first.core.close();
    cores.splice(cores.indexOf(first.core), 1);
    const second = await start(store);
    await second.api.events.publish(hot('a', 4));
    await second.core.aggregates.filled();
    const total = await second.api.aggregates.series({ from: now - 60_000, to: now + 60_000, by: 'total' });
    expect(total.reduce((sum, p) => sum + p.count, 0)).toBe(4);
  });

  it('refuses imports of relative paths and reports a missing file', async () => {
    const { api } = await start();
    await expect(api.import.start({ path: 'events.ndjson' })).rejects.toThrow(/request\.path: must be an absolute path/);
    const missing = join(tmpdir(), 'plant-no-such-file.ndjson');
    await expect(api.import.start({ path: missing })).rejects.toMatchObject({ code: 'invalid-input', message: `import.start: path: ${missing} does not exist` });
    expect(await api.import.status()).toMatchObject({ running: false });
  });
});
