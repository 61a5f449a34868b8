/**
 * Where an export may be written: never through a link, onto a folder or into the data
 * folder; an existing file only when asked; each refusal one sentence; the file private.
 */
import { inProcessApi } from '../support/inProcessApi';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCli } from '../../main/audit/cli';
import { exportAuditLog } from '../../main/audit/exportLog';
import { writeFailure } from '../../main/audit/exportTarget';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const store = new InMemoryEventStore();
let dir: string;

beforeAll(async () => {
  await store.append(
    Array.from({ length: 5 }, (_, i) => ({
      id: `00000000-0000-7000-8000-00000000000${i}`,
      type: 'equipment.status.changed',
      source: 'test',
      timestamp: 1_700_000_000_000 + i,
      payload: { equipmentId: 'press-1', newStatus: 'running' },
      priority: 'NORMAL' as const,
      status: 'PUBLISHED' as const,
      metadata: {},
    })),
  );
});

const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'plant-export-target-')));
const exportTo = (out: string, more: { overwrite?: boolean; dataDir?: string } = {}) => exportAuditLog({ store, out, format: 'csv', record: false, ...more });
/** A refusal: its code and its one sentence, which never names a temporary file or a raw errno code. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = (await promise.then(() => expect.unreachable('the export was not refused'), (e: unknown) => e)) as { code: string; message: string };
  expect(error.message).not.toMatch(/partial|EISDIR|ENOENT|EROFS|EACCES|EEXIST|ELOOP/);
  expect(error.message.split('; ').length).toBeLessThanOrEqual(2);
  return { code: error.code, message: error.message };
}

describe('export targets', () => {
  afterEach(() => chmodSync(dir, 0o700));

  it('creates a new export for its owner only', async () => {
    const out = join(fresh(), 'shift.csv');
    await exportTo(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('refuses an existing file unless asked (code exists), and a replaced file is not made more open', async () => {
    const out = join(fresh(), 'shift.csv');
    writeFileSync(out, 'the operator kept this', { mode: 0o600 });
    expect(await refusal(exportTo(out))).toEqual({ code: 'exists', message: `shift.csv exists already in ${dir}; confirm to replace it (or choose another name)` });
    expect(readFileSync(out, 'utf8')).toBe('the operator kept this');
    await exportTo(out, { overwrite: true });
    expect(readFileSync(out, 'utf8')).toMatch(/^id,seq,type/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    chmodSync(out, 0o400);
    await exportTo(out, { overwrite: true });
    expect(statSync(out).mode & 0o777).toBe(0o400);
  });

  it('never writes onto or through a symbolic link, even when asked to overwrite', async () => {
    const target = join(fresh(), 'precious.txt');
    writeFileSync(target, 'untouched');
    const link = join(dir, 'report.csv');
    symlinkSync(target, link);
    for (const overwrite of [false, true]) {
      expect(await refusal(exportTo(link, { overwrite }))).toEqual({ code: 'refused', message: `${link} is a symbolic link; exports are never written through links, choose another name` });
    }
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
  });

  it("refuses a folder, a missing folder and the data folder's own files, each in one sentence", async () => {
    const data = fresh();
    writeFileSync(join(data, 'settings.json'), '{"theme":"dark"}');
    mkdirSync(join(data, 'chromium-profile'));
    expect(await refusal(exportTo(join(data, 'chromium-profile'), { overwrite: true }))).toMatchObject({ code: 'refused', message: expect.stringMatching(/is a folder; give the export a file name$/) });
    expect(await refusal(exportTo(join(data, 'nowhere', 'shift.csv')))).toEqual({ code: 'refused', message: `the folder ${join(data, 'nowhere')} does not exist; choose an existing folder` });
    for (const own of ['settings.json', 'journal-0001.ndjson', join('chromium-profile', 'x.csv')]) {
      expect(await refusal(exportTo(join(data, own), { overwrite: true, dataDir: data }))).toMatchObject({ code: 'refused', message: expect.stringMatching(/is inside the data folder, which holds the application's own files; choose another folder$/) });
    }
    expect(readFileSync(join(data, 'settings.json'), 'utf8')).toBe('{"theme":"dark"}');
  });

  it('says in one sentence when the file system is read-only or full, naming the target, not the temporary file', () => {
    const raw = (code: string) => Object.assign(new Error(`${code}: failed, open '/plant/exports/.shift.csv.1a2b3c.partial'`), { code });
    expect(writeFailure(raw('EROFS'), '/plant/exports/shift.csv').message).toBe('cannot write shift.csv: the file system holding /plant/exports is read-only');
    expect(writeFailure(raw('ENOSPC'), '/plant/exports/shift.csv').message).toBe('cannot write shift.csv: the disk holding /plant/exports is full');
    expect(writeFailure(raw('EACCES'), '/plant/exports/shift.csv').message).toBe('cannot write shift.csv: no permission to write in /plant/exports');
  });
});

describe('export targets through the API and the command line', () => {
  let core: PlantCore | undefined;
  afterEach(async () => core?.close());

  it('audit.export answers code exists for an existing file, replaces it with overwrite, and stays out of the data folder', async () => {
    const data = fresh();
    core = await createPlantCore({ store: new InMemoryEventStore(), healthEverySeconds: 0, settingsFile: join(data, 'settings.json') });
    await core.settings.set('theme', 'dark');
    const out = join(mkdtempSync(join(tmpdir(), 'plant-export-out-')), 'shift.ndjson');
    writeFileSync(out, 'older');
    const ctx = { clientId: 'test' };
    const { dispatch } = inProcessApi(core);
    expect(await dispatch('audit.export', [{ out, format: 'ndjson' }], ctx)).toMatchObject({ ok: false, error: { code: 'exists' } });
    expect(await dispatch('audit.export', [{ out, format: 'ndjson', overwrite: true }], ctx)).toMatchObject({ ok: true });
    expect(await dispatch('audit.export', [{ out: join(data, 'settings.json'), format: 'ndjson', overwrite: true }], ctx)).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(JSON.parse(readFileSync(join(data, 'settings.json'), 'utf8'))).toEqual({ theme: 'dark' });
  });

  it('npm run audit -- export refuses an existing file without --overwrite, before opening the store', async () => {
    const out = join(fresh(), 'shift.csv');
    writeFileSync(out, 'kept');
    const lines: string[] = [];
    const code = await runAuditCli(['export', '--data-dir', join(dir, 'no-store-here'), '--format', 'csv', '--out', out], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect({ code, lines }).toEqual({ code: 1, lines: [`export: shift.csv exists already in ${dir}; confirm to replace it (or choose another name) (--overwrite replaces it)`] });
    expect(readFileSync(out, 'utf8')).toBe('kept');
  });
});
