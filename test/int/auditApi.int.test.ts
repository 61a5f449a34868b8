// Audit through window.plant: export, verify the file and the store's chain, import into
// another workstation's store, with the export itself recorded as an event.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { inProcessApi } from '../support/inProcessApi';

const cores: PlantCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function start(store = new InMemoryEventStore()) {
  const core = await createPlantCore({ store, healthEverySeconds: 0, user: 'auditor' });
  cores.push(core);
  return { core, store, api: inProcessApi(core).api };
}

describe('audit through window.plant', () => {
  it('exports, verifies, and imports on another workstation with the same events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plant-audit-api-'));
    const plant = await start();
    await plant.api.events.publishBatch(
      Array.from({ length: 30 }, (_, i) => ({ type: 'equipment.status.changed', payload: { equipmentId: `eq-${i % 3}`, newStatus: i % 2 ? 'running' : 'idle' } })),
    );
    const out = join(dir, 'shift.ndjson');
    const exported = await plant.api.audit.export({ out, format: 'ndjson', filters: { types: ['equipment.*'] } });
    expect(exported).toMatchObject({ count: 30, file: out });
    const verdict = await plant.api.audit.verifyFile(out);
    expect(verdict).toMatchObject({ ok: true, events: 30, headHash: exported.headHash });
    expect(await plant.api.audit.verifyStore()).toMatchObject({ ok: true });
    const recorded = await plant.api.events.query({ types: ['audit.log.exported'] });
    expect(recorded.events[0]?.payload).toMatchObject({ count: 30, headHash: exported.headHash });
    expect(await plant.api.audit.status()).toMatchObject({ running: false, kind: 'verifyStore' });

    const review = await start();
    const imported = await review.api.audit.import({ path: out });
    expect(imported).toMatchObject({ verified: true, report: { imported: 30 } });
    expect((await review.api.equipment.list()).map((s) => s.equipmentId)).toEqual(['eq-0', 'eq-1', 'eq-2']);
    const again = await review.api.audit.import({ path: out });
    expect(again.report).toMatchObject({ imported: 0, skippedDuplicates: 30 });
  });

  it('names the first bad line of a changed file and refuses to import it unless accepted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plant-audit-api-'));
    const plant = await start();
    await plant.api.events.publishBatch(Array.from({ length: 5 }, (_, i) => ({ type: 'quality.check.failed', payload: { equipmentId: 'mill-1', n: i } })));
    const out = join(dir, 'x.ndjson');
    await plant.api.audit.export({ out, format: 'ndjson' });
    const lines = readFileSync(out, 'utf8').split('\n');
    const changed = lines.findIndex((line) => line.includes('"n":1'));
    expect(changed).toBeGreaterThanOrEqual(0);
    lines[changed] = (lines[changed] as string).replace('"n":1', '"n":7');
    writeFileSync(out, lines.join('\n'));
    expect(await plant.api.audit.verifyFile(out)).toMatchObject({ ok: false, line: changed + 1 });
    const review = await start();
    await expect(review.api.audit.import({ path: out })).rejects.toThrow(new RegExp(`line ${changed + 1}\\b`));
    expect(await review.store.headSeq()).toBe(0);
    const accepted = await review.api.audit.import({ path: out, acceptBroken: true });
    expect(accepted.verified).toBe(false);
  });

  it('refuses relative paths and unknown formats by name', async () => {
    const { api } = await start();
    await expect(api.audit.export({ out: 'x.ndjson', format: 'ndjson' })).rejects.toThrow(/request\.out: must be an absolute path/);
    await expect(api.audit.export({ out: '/tmp/x.xml', format: 'xml' } as never)).rejects.toThrow(/request\.format/);
    await expect(api.audit.verifyFile('relative.ndjson')).rejects.toThrow(/path: must be an absolute path/);
    expect(await api.audit.cancel()).toBe(false);
  });
});
