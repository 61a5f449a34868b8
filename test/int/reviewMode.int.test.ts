// Review mode (issue 12 §1): a history opened only to be read. Nothing is ingested, no rule
// fires, no derived event or snapshot is written, and writes through the API are refused in
// one sentence; the alarm states are the ones the history recorded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { isReviewFolder, markReviewFolder, readOnlyStore, ReviewModeError } from '../../main/core/reviewMode';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { equipmentEvent } from '../support/events';
import { inProcessApi } from '../support/inProcessApi';

const dir = mkdtempSync(join(tmpdir(), 'review-mode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRESSURE_RULE = { id: 'pressure-high', name: 'Pressure high', kind: 'threshold', enabled: true, priority: 'HIGH', field: 'pressure', comparator: 'above', limit: 10 };
const reading = (equipmentId: string, pressure: number) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId, lineId: 'line-1', pressure } });

/** A history with one alarm raised live, then readings appended as an import does (no reactions of their own). */
async function recordedHistory(): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  const live = await createPlantCore({ store, healthEverySeconds: 0 });
  const { api } = inProcessApi(live);
  await api.rules.create(PRESSURE_RULE as never);
  await api.events.publish(reading('press-1', 15));
  await vi.waitFor(async () => expect((await api.alarms.list()).map((a) => a.state)).toEqual(['ACTIVE_UNACK']));
  await live.close();
  // Older readings of another press, long silent: live, they would raise its pressure and absence alarms.
  const old = Date.now() - 10 * 60_000;
  await store.append([equipmentEvent('equipment.telemetry.recorded', 'press-9', { lineId: 'line-1', pressure: 30 }, old)]);
  return store;
}

describe('a core in review mode', () => {
  let core: PlantCore;

  it('reads the recorded alarm states, evaluates nothing, and refuses every write in one sentence', async () => {
    const store = await recordedHistory();
    const head = await store.headSeq();
    const snapshot = await store.nearestSnapshot('alarm-engine');
    core = await createPlantCore({ store, review: true, simulator: { rate: 200, tickMs: 20 }, healthEverySeconds: 1 });
    const { api } = inProcessApi(core);

    expect(core.simulator).toBeNull();
    expect(await api.simulator.status()).toBeNull();
    expect((await api.metrics.get()).review).toBe(true);
    expect((await api.alarms.list()).map((a) => `${a.alarmId}=${a.state}`)).toEqual(['pressure-high:press-1=ACTIVE_UNACK']);
    expect((await api.equipment.list()).map((e) => e.equipmentId).sort()).toEqual(['press-1', 'press-9']);

    const refusals: [string, () => Promise<unknown>, string][] = [
      ['events.publish', () => api.events.publish(reading('press-1', 20) as never), 'publishing an event'],
      ['events.publishBatch', () => api.events.publishBatch([reading('press-1', 20) as never]), 'publishing events'],
      ['alarms.acknowledge', () => api.alarms.acknowledge(['pressure-high:press-1'], 'seen'), 'acknowledging alarms'],
      ['rules.create', () => api.rules.create({ ...PRESSURE_RULE, id: 'other' } as never), 'creating an alarm rule'],
      ['simulator.resume', () => api.simulator.resume(), 'running the plant simulator'],
      ['import.start', () => api.import.start({ path: join(dir, 'x.ndjson'), format: 'ndjson' } as never), 'importing events'],
      ['deadLetters.redrive', () => api.deadLetters.redrive(['00000000-0000-7000-8000-000000000000']), 'redriving dead letters'],
    ];
    for (const [method, call, what] of refusals) {
      const error = await call().then(() => null, (e: unknown) => e as Error & { code?: string });
      expect(error?.message, method).toBe(`${method}: review mode: the history is only read here, so ${what} is refused`);
    }

    // An export only reads: it works and is not recorded as an event.
    const out = join(dir, 'review.ndjson');
    const exported = await api.audit.export({ out, format: 'ndjson' });
    expect(existsSync(out)).toBe(true);
    expect(exported.recordedEventId).toBeUndefined();

    // Live, starting on this history would have raised press-9's alarm from its stored reading
    // (alarms.list above shows it was not), and closing would have saved snapshots.
    await core.close();
    expect(await store.headSeq()).toBe(head);
    expect(await store.nearestSnapshot('alarm-engine')).toEqual(snapshot);
  });
});

describe('the read-only store and the review marker', () => {
  it('refuses appends, status writes and snapshots in one sentence, and passes reads through', async () => {
    const store = new InMemoryEventStore();
    const read = readOnlyStore(store);
    await expect(read.append([reading('p', 1) as never])).rejects.toThrow(new ReviewModeError('writing to the event store (append)'));
    await expect(read.saveSnapshot({ key: 'k', seq: 1, maxTimestamp: 1, createdAt: 1, state: {} })).rejects.toBeInstanceOf(ReviewModeError);
    await expect(read.updateStatuses([])).rejects.toBeInstanceOf(ReviewModeError);
    expect(await read.headSeq()).toBe(0);
  });

  it('marks a data folder made by the import, which then opens in review mode', () => {
    const folder = mkdtempSync(join(dir, 'imported-'));
    expect(isReviewFolder(folder)).toBe(false);
    markReviewFolder(folder, { importedFrom: '/exports/station-b.ndjson' });
    expect(isReviewFolder(folder)).toBe(true);
  });
});
