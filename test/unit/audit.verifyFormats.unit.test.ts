// `npm run audit -- verify FILE` on a CSV export or a PDF report (issue 12 §1): one sentence
// saying only NDJSON exports are verified, never "broken: line 1: not valid JSON".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCli } from '../../main/audit/cli';
import { exportAuditLog } from '../../main/audit/exportLog';
import { NotNdjsonExportError, verifyExportFile } from '../../main/audit/verifyFile';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { auditHistory } from '../support/auditFixture';
import { captureOutput } from '../support/cliOutput';

const dir = mkdtempSync(join(tmpdir(), 'audit-formats-'));
const csv = join(dir, 'log.csv');
const csvWithBom = join(dir, 'log-bom.csv');
const pdf = join(dir, 'report.pdf');
const ndjson = join(dir, 'log.ndjson');

beforeAll(async () => {
  const store = new InMemoryEventStore();
  await store.append(auditHistory(5));
  await exportAuditLog({ store, out: csv, format: 'csv', record: false });
  await exportAuditLog({ store, out: csvWithBom, format: 'csv', bom: true, record: false });
  await exportAuditLog({ store, out: ndjson, format: 'ndjson', record: false });
  // A PDF is recognised by its first bytes; the body does not matter here.
  writeFileSync(pdf, '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify on an export that is not NDJSON', () => {
  it.each([
    ['a CSV export', () => csv, /this is a CSV export: only NDJSON exports/],
    ['a CSV export with a byte-order mark', () => csvWithBom, /this is a CSV export: only NDJSON exports/],
    ['a PDF report', () => pdf, /this is a PDF report: it carries no hash chain to verify; only NDJSON exports/],
  ])('given %s, then the CLI says so in one sentence on stderr and exits 1, with no "broken"', async (_what, file, sentence) => {
    const run = captureOutput();
    expect(await runAuditCli(['verify', file()], run.io)).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(sentence);
    expect(run.err[0]).not.toMatch(/broken|not valid JSON/);
  });

  it('given a CSV export, then the verification used by the Audit view refuses it with the same sentence', async () => {
    await expect(verifyExportFile(csv)).rejects.toBeInstanceOf(NotNdjsonExportError);
  });

  it('given the NDJSON export of the same events, then it still verifies intact', async () => {
    const run = captureOutput();
    expect(await runAuditCli(['verify', ndjson], run.io)).toBe(0);
    expect(run.out[0]).toMatch(/^intact: 5 events/);
  });
});
