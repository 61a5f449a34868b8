// The audit command line's arguments, and `verify FILE` end to end through runAuditCli.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAuditArgs } from '../../main/audit/cliArgs';
import { UsageError } from '../../main/cli/commandLine';
import { runAuditCli } from '../../main/audit/cli';
import { exportAuditLog } from '../../main/audit/exportLog';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { auditHistory } from '../support/auditFixture';
import { captureOutput } from '../support/cliOutput';

const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit CLI arguments', () => {
  it('parses verify, export with filters, and import', () => {
    expect(parseAuditArgs(['verify', 'x.ndjson'])).toEqual({ command: 'verify-file', file: resolve('x.ndjson') });
    expect(parseAuditArgs(['verify', '--data-dir', 'd'])).toEqual({ command: 'verify-store', dataDir: resolve('d') });
    expect(
      parseAuditArgs(['export', '--data-dir=d', '--format', 'csv', '--bom', '--out', 'o.csv', '--from', '2024-01-01T00:00:00Z', '--to', '1704070800000',
        '--types', 'equipment.*,alarm.raised', '--types', 'quality.check.failed', '--subject', 'press-1', '--priority', 'high', '--source', 'line-1']),
    ).toEqual({
      command: 'export', dataDir: resolve('d'), format: 'csv', out: resolve('o.csv'), bom: true, overwrite: false,
      filters: { from: Date.UTC(2024, 0, 1), to: 1704070800000, types: ['equipment.*', 'alarm.raised', 'quality.check.failed'], subject: 'press-1', priorities: ['HIGH'], sources: ['line-1'] },
    });
    expect(parseAuditArgs(['import', 'f.ndjson', '--data-dir', 'd', '--accept-broken'])).toEqual({ command: 'import', dataDir: resolve('d'), file: resolve('f.ndjson'), acceptBroken: true });
    expect(parseAuditArgs([])).toEqual({ command: 'help' });
    for (const format of ['cloudevents', 'cloudevents-batch']) {
      expect(parseAuditArgs(['export', '--data-dir', 'd', '--format', format, '--out', 'o.json'])).toMatchObject({ command: 'export', format });
    }
  });

  it('names what is wrong with bad arguments', () => {
    const cases: [string[], RegExp][] = [
      [['export', '--data-dir', 'd', '--out', 'o'], /--format: ndjson, csv, cloudevents, cloudevents-batch, pdf is required/],
      [['export', '--data-dir', 'd', '--format', 'xml', '--out', 'o'], /not "xml"/],
      [['export', '--data-dir', 'd', '--format', 'ndjson'], /--out FILE is required/],
      [['export', '--format', 'ndjson', '--out', 'o'], /--data-dir DIR is required/],
      [['export', '--data-dir', 'd', '--format', 'ndjson', '--out', 'o', '--bom'], /--bom: only for --format csv/],
      [['export', '--data-dir', 'd', '--format', 'ndjson', '--out', 'o', '--from', 'yesterday'], /--from: an ISO 8601 time/],
      [['export', '--data-dir', 'd', '--format', 'ndjson', '--out', 'o', '--from', '2000', '--to', '1000'], /must not be after --to/],
      [['export', '--data-dir', 'd', '--format', 'ndjson', '--out', 'o', '--types', 'Equipment'], /--types: "Equipment" is not a type pattern/],
      [['export', '--data-dir', 'd', '--format', 'ndjson', '--out', 'o', '--priority', 'urgent'], /--priority: one of LOW/],
      [['export', '--data-dir', 'd', '--format', 'ndjson', '--out'], /--out: needs a value/],
      [['verify', 'a', 'b'], /give one FILE/],
      [['verify', 'a', '--data-dir', 'd'], /not both/],
      [['verify', 'a', '--bom'], /--bom: not an option of "verify FILE"/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['verify', '--colour'], /unknown option "--colour"/],
      [['import', '--data-dir', 'd'], /exactly one FILE/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseAuditArgs(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parseAuditArgs(argv), argv.join(' ')).toThrow(message);
    }
  });
});

describe('audit CLI: verify FILE', () => {
  it('exits 0 with "intact" for an untouched file and 1 naming the first bad line otherwise', async () => {
    const store = new InMemoryEventStore();
    await store.append(auditHistory(25));
    const file = join(dir, 'log.ndjson');
    const result = await exportAuditLog({ store, out: file, format: 'ndjson', record: false });
    const good = captureOutput();
    expect(await runAuditCli(['verify', file], good.io)).toBe(0);
    expect(good.out).toEqual([`intact: 25 events, head hash ${result.headHash}`]);

    const lines = readFileSync(file, 'utf8').split('\n');
    [lines[11], lines[12]] = [lines[12]!, lines[11]!];
    writeFileSync(file, lines.join('\n'));
    const bad = captureOutput();
    expect(await runAuditCli(['verify', file], bad.io)).toBe(1);
    expect(bad.out).toEqual(['broken: line 12: prevHash does not match the hash of line 11: a line was removed, inserted or moved here']);

    const usage = captureOutput();
    expect(await runAuditCli(['verify', file, '--nope'], usage.io)).toBe(2);
    expect(usage.err[0]).toMatch(/unknown option "--nope"/);
  });
});
