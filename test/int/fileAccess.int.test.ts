/**
 * Files through the API: a typed path is used only inside the folders the operator chose
 * (`fileFolders`; home and temporary folders until then), never in the data folder, and no
 * error ever quotes what is in the file.
 */
import { inProcessApi } from '../support/inProcessApi';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const SECRET = 'root:$y$j9T$Zq1oH1secretHASH:19000:0:99999:7:::';
const ctx = { clientId: 'test' };
let core: PlantCore | undefined;
afterEach(async () => core?.close());

async function start() {
  const root = mkdtempSync(join(tmpdir(), 'plant-files-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  core = await createPlantCore({ store: new InMemoryEventStore(), healthEverySeconds: 0, settingsFile: join(dataDir, 'settings.json') });
  await core.settings.set('theme', 'dark');
  const { dispatch } = inProcessApi(core);
  return { root, dataDir, core, call: (method: string, ...args: unknown[]) => dispatch(method, args, ctx) };
}

describe('files through the API', () => {
  it('never quotes a file it cannot use, whatever its name says (import as CSV or NDJSON, verify)', async () => {
    const { root, call } = await start();
    for (const name of ['shadow.csv', 'shadow.ndjson']) {
      const file = join(root, name);
      writeFileSync(file, `${SECRET}\nbin:*:19000:0:99999:7:::\n`);
      const imported = await call('import.start', { path: file });
      const verified = await call('audit.verifyFile', file);
      for (const answer of [imported, verified]) expect(JSON.stringify(answer), name).not.toMatch(/root|secret|bin:|19000/);
      expect(imported).toMatchObject({ ok: true, value: { imported: 0, invalid: expect.any(Number) } });
      expect(verified).toMatchObject({ ok: true, value: { ok: false, line: 1, reason: expect.stringMatching(/not valid JSON/) } });
    }
  });

  it('refuses a path outside the chosen folders in one sentence, without reading it', async () => {
    const { root, call } = await start();
    for (const [method, args] of [
      ['audit.verifyFile', ['/etc/passwd']],
      ['import.start', [{ path: '/etc/passwd', format: 'csv' }]],
      ['audit.import', [{ path: '/etc/passwd' }]],
      ['audit.export', [{ out: '/etc/plant-export.ndjson', format: 'ndjson' }]],
    ] as const) {
      expect(await call(method, ...args), method).toMatchObject({
        ok: false,
        error: { code: 'not-allowed', message: expect.stringMatching(/\/etc\/[a-z.-]+ is outside the folders chosen for files \(.*\); add its folder to the setting fileFolders or pick the file in a dialog$/) },
      });
    }
    // The operator narrows the folders through the settings: the temporary folder is then out too.
    const chosen = join(root, 'exports');
    mkdirSync(chosen);
    expect(await call('settings.set', 'fileFolders', [chosen])).toMatchObject({ ok: true });
    writeFileSync(join(root, 'elsewhere.ndjson'), '{}\n');
    expect(await call('audit.verifyFile', join(root, 'elsewhere.ndjson'))).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await call('audit.export', { out: join(chosen, 'shift.ndjson'), format: 'ndjson' })).toMatchObject({ ok: true });
    expect(await call('settings.set', 'fileFolders', ['relative/folder'])).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/must be an absolute folder/) } });
  });

  it("refuses the data folder's own files even inside an allowed folder, and allows what the operator picked in a dialog", async () => {
    const { dataDir, call, core: started } = await start();
    expect(await call('audit.verifyFile', join(dataDir, 'settings.json'))).toMatchObject({
      ok: false,
      error: { code: 'not-allowed', message: `audit.verifyFile: ${join(dataDir, 'settings.json')} is inside the data folder, whose files are the application's own; choose a file elsewhere` },
    });
    expect(await call('audit.verifyFile', '/etc/hostname')).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    started.files.allowPicked('/etc/hostname');
    expect(await call('audit.verifyFile', '/etc/hostname')).toMatchObject({ ok: true, value: { ok: false } });
  });
});
