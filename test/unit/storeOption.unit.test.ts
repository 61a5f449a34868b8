// `--store postgres://…` on the three command lines: taken where it belongs, refused in one
// sentence where it does not fit, and a refused value (which may hold a password) never
// repeated back.
import { describe, expect, it } from 'vitest';
import { parseAuditArgs } from '../../main/audit/cliArgs';
import { UsageError } from '../../main/cli/commandLine';
import { parseDesktopArgs } from '../../main/electron/args';
import { storeLine, storeUrlFromArgs } from '../../main/store/postgres/storeOption';
import { parseWebArgs } from '../../main/web/cli';

const URL_GIVEN = 'postgres://station_a:pa55-w0rd@db-host:5433/plant';
const env = { XDG_DATA_HOME: '/data' };

function refusal(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('--store postgres://…', () => {
  it('is taken by npm run web, npm start and the audit verify and export commands', () => {
    expect(parseWebArgs(['--store', URL_GIVEN], env)).toMatchObject({ store: URL_GIVEN, memory: false, dataDir: '/data/plant-event-console' });
    expect(parseDesktopArgs(['.', '--no-sandbox', `--store=${URL_GIVEN}`])).toEqual({ store: URL_GIVEN, simulator: true, review: false });
    expect(parseAuditArgs(['verify', '--store', URL_GIVEN])).toEqual({ command: 'verify-store', store: URL_GIVEN });
    expect(parseAuditArgs(['export', '--store', 'postgresql:///plant', '--format', 'ndjson', '--out', '/tmp/x.ndjson'])).toMatchObject({ command: 'export', store: 'postgresql:///plant' });
  });

  it('refuses what does not fit in one sentence, never repeating the value', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['not a URL', () => parseWebArgs(['--store', 'station_a:pa55-w0rd@db-host'], env), /^--store: not a URL; give a PostgreSQL connection URL, e\.g\. /],
      ['another database', () => parseWebArgs(['--store', 'mysql://station_a:pa55-w0rd@db-host/plant'], env), /^--store: only PostgreSQL is supported, as a postgres:\/\/ or postgresql:\/\/ URL/],
      ['no database', () => storeUrlFromArgs({ store: 'postgres://station_a:pa55-w0rd@db-host' }, {}), /^--store: the URL names no database \(and PGDATABASE is not set\)/],
      ['with --memory', () => parseWebArgs(['--memory', '--store', URL_GIVEN], env), /^--memory and --store do not go together/],
      ['with --data-dir in verify', () => parseAuditArgs(['verify', '--data-dir', '/d', '--store', URL_GIVEN]), /^verify: give --data-dir DIR or --store URL, not both$/],
      ['for import', () => parseAuditArgs(['import', '/tmp/f.ndjson', '--data-dir', '/d', '--store', URL_GIVEN]), /^--store: not an option of "import"$/],
      ['desktop, a switch where the URL goes', () => parseDesktopArgs(['--store', '--no-sandbox']), /^--store: not a URL/],
    ];
    for (const [what, run, sentence] of cases) {
      const error = refusal(run);
      expect(error.message, what).toMatch(sentence);
      expect(error.message, what).not.toContain('pa55-w0rd');
    }
  });

  it('names server and database but not the credentials where it says where events are kept', () => {
    const line = storeLine(URL_GIVEN);
    expect(line).toBe('Events: PostgreSQL at db-host:5433/plant (the durable store itself: no store host, journal or anchor in the data folder)');
    expect(line).not.toContain('station_a');
  });
});
