// The command lines' shared reader (node:util parseArgs, strict) and its one error class: what it refuses, in one sentence each.
import { describe, expect, it } from 'vitest';
import { parseAuditArgs } from '../../main/audit/cliArgs';
import { readCommandLine, readOwnOptions, UsageError } from '../../main/cli/commandLine';
import { parseDesktopArgs } from '../../main/electron/args';
import { parseWebArgs } from '../../main/web/cli';

const OPTIONS = {
  name: { type: 'string' },
  tag: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

describe('readCommandLine', () => {
  it('reads values as two words or with =, repeats of a repeatable option, switches and -h', () => {
    const line = readCommandLine(['--name', 'a', '--tag=x', '--tag', 'y', '--quiet', '-h'], OPTIONS);
    expect(line.values).toEqual({ name: 'a', tag: ['x', 'y'], quiet: true, help: true });
    expect(line.given).toEqual(['--name', '--tag', '--quiet', '-h']);
  });

  it('takes a value that starts with one dash as the value, and keeps words after -- as words', () => {
    expect(readCommandLine(['--name', '-1'], OPTIONS).values.name).toBe('-1');
    expect(readCommandLine(['--quiet', '--', '--name'], OPTIONS, { allowPositionals: true }).positionals).toEqual(['--name']);
  });

  it.each([
    [['--name', 'a', '--name', 'b'], /^--name: given more than once$/],
    [['--name='], /^--name: needs a value$/],
    [['--name'], /^--name: needs a value$/],
    [['--name', '--quiet'], /^--name: needs a value$/],
    [['--quiet=no'], /^unknown option "--quiet=no"\nUSAGE$/],
    [['--loud'], /^unknown option "--loud"\nUSAGE$/],
    [['-x'], /^unknown option "-x"\nUSAGE$/],
    [['word'], /^unknown option "word"\nUSAGE$/],
    [['--constructor'], /^unknown option "--constructor"\nUSAGE$/],
  ])('%j is refused as a UsageError', (argv, message) => {
    expect(() => readCommandLine(argv, OPTIONS, { usage: 'USAGE' })).toThrow(UsageError);
    expect(() => readCommandLine(argv, OPTIONS, { usage: 'USAGE' })).toThrow(message);
  });

  it('readOwnOptions picks its own options out of a line it shares with others', () => {
    expect(readOwnOptions(['.', '--inspect=0', '--name', 'a', '--quiet', '--remote-debugging-port', '9'], OPTIONS)).toEqual([
      { rawName: '--name', value: 'a', inline: false },
      { rawName: '--quiet', value: undefined, inline: false },
    ]);
  });
});

describe('the three command lines refuse with the same error class', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['audit, an option twice', () => parseAuditArgs(['verify', '--data-dir', 'a', '--data-dir', 'b']), /^--data-dir: given more than once$/],
    ['audit, a switch with a value', () => parseAuditArgs(['import', 'f', '--data-dir', 'd', '--accept-broken=yes']), /^unknown option "--accept-broken=yes"/],
    ['web, a simulator rate and no simulator', () => parseWebArgs(['--no-simulator', '--simulator-rate', '5'], {}), /^--no-simulator and --simulator-rate do not go together/],
    ['web, a port twice', () => parseWebArgs(['--port', '1', '--port', '2'], {}), /^--port: given more than once$/],
    ['desktop, a folder that is blank', () => parseDesktopArgs(['--data-dir=  ']), /^--data-dir needs a folder/],
    ['desktop, a switch where the folder should be', () => parseDesktopArgs(['--data-dir', '--review']), /^--data-dir needs a folder/],
  ])('%s', (_what, run, message) => {
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  it('the desktop app still reads a folder whose name starts with a dash when written with =', () => {
    expect(parseDesktopArgs(['--data-dir=--odd'])).toEqual({ dataDir: '--odd', simulator: true, review: false });
  });
});
