// The audit command line's backup, restore and prune-journal arguments, and what each refuses.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAuditArgs } from '../../main/audit/cliArgs';
import { UsageError } from '../../main/cli/commandLine';

describe('backup, restore and prune-journal arguments', () => {
  it('parses each', () => {
    expect(parseAuditArgs(['backup', '--data-dir', 'd', '--out', 'b.ndjson'])).toEqual({ command: 'backup', dataDir: resolve('d'), out: resolve('b.ndjson') });
    expect(parseAuditArgs(['restore', 'b.ndjson', '--data-dir', 'd'])).toEqual({ command: 'restore', dataDir: resolve('d'), file: resolve('b.ndjson') });
    expect(parseAuditArgs(['prune-journal', '--data-dir', 'd', '--covered-by', 'e.ndjson'])).toEqual({ command: 'prune-journal', dataDir: resolve('d'), coveredBy: resolve('e.ndjson') });
  });

  it('names what is wrong, in one sentence', () => {
    const cases: [string[], RegExp][] = [
      [['backup', '--data-dir', 'd'], /^backup: --out FILE is required$/],
      [['backup', '--out', 'b'], /^backup: --data-dir DIR is required$/],
      [['backup', 'x', '--data-dir', 'd', '--out', 'b'], /^backup: unexpected argument "x"/],
      [['backup', '--data-dir', 'd', '--out', 'b', '--format', 'csv'], /^--format: not an option of "backup"$/],
      [['restore', '--data-dir', 'd'], /^restore: give exactly one FILE \(a backup\)$/],
      [['restore', 'a', 'b', '--data-dir', 'd'], /^restore: give exactly one FILE/],
      [['restore', 'a', '--data-dir', 'd', '--out', 'o'], /^--out: not an option of "restore"$/],
      [['prune-journal', '--data-dir', 'd'], /^prune-journal: --covered-by EXPORT is required/],
      [['prune-journal', '--covered-by', 'e'], /^prune-journal: --data-dir DIR is required$/],
      [['prune-journal', 'x', '--data-dir', 'd', '--covered-by', 'e'], /^prune-journal: unexpected argument "x"$/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseAuditArgs(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parseAuditArgs(argv), argv.join(' ')).toThrow(message);
    }
  });
});
