// The audit command line against a real browser-mode data folder: the store host page in a
// headless Chromium on the folder's profile (Dexie on Chromium's IndexedDB, on disk).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAuditCli } from '../../main/audit/cli';
import { openDataDirStore } from '../../main/audit/dataDirStore';
import { verifyExportFile } from '../../main/audit/verifyFile';
import { auditHistory } from '../support/auditFixture';

const root = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runAuditCli(argv, { out: (line) => out.push(line), err: () => undefined });
  return { code, out };
}

describe('npm run audit against a data folder', () => {
  it('verifies the store chain, exports NDJSON and PDF, and imports into another folder', async () => {
    const dataDir = join(root, 'plant');
    const opened = await openDataDirStore(dataDir, { mustExist: false });
    const stored = await opened.store.append(auditHistory(200));
    await opened.close();

    const verified = await run(['verify', '--data-dir', dataDir]);
    expect(verified).toEqual({ code: 0, out: [`intact: 200 events, head hash ${stored[199]!.hash}`] });

    const file = join(root, 'export.ndjson');
    const exported = await run(['export', '--data-dir', dataDir, '--format', 'ndjson', '--out', file, '--types', 'equipment.*']);
    expect(exported.code).toBe(0);
    const verdict = await verifyExportFile(file);
    expect(verdict).toMatchObject({ ok: true, events: 80 });
    expect(exported.out).toEqual([`exported 80 events to ${file} (ndjson), head hash ${verdict.ok ? verdict.headHash : ''}`]);
    expect(await run(['verify', file])).toMatchObject({ code: 0 });

    const pdf = join(root, 'report.pdf');
    expect((await run(['export', '--data-dir', dataDir, '--format', 'pdf', '--out', pdf, '--subject', 'press-2'])).code).toBe(0);

    // The store now also holds the two exports' audit.log.exported events, chained.
    expect((await run(['verify', '--data-dir', dataDir])).out[0]).toMatch(/^intact: 202 events, head hash [0-9a-f]{64}$/);

    const reviewDir = join(root, 'review');
    expect(await run(['import', file, '--data-dir', reviewDir])).toEqual({ code: 0, out: ['verified: imported 80, already present 0, invalid lines 0'] });
    expect((await run(['verify', '--data-dir', reviewDir])).out[0]).toMatch(/^intact: 80 events/);
  });

  it('refuses a folder with no store for verify and export', async () => {
    await expect(run(['verify', '--data-dir', join(root, 'nothing')])).rejects.toThrow(/no event store in/);
  });
});
