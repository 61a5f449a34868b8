import { describe, expect, test } from 'vitest';
import { resolve } from 'node:path';
import { UsageError } from '../../main/cli/commandLine';
import { defaultDataDir, parseWebArgs } from '../../main/web/cli';

const env = { HOME: '/home/op' } as NodeJS.ProcessEnv;

describe('npm run web: command-line options', () => {
  test('defaults: any free port, the per-user data folder, kept on disk', () => {
    expect(parseWebArgs([], { XDG_DATA_HOME: '/data' })).toEqual({ port: 0, dataDir: '/data/plant-event-console', memory: false, help: false, simulatorRate: 20, review: false });
    expect(parseWebArgs(['--review'], { XDG_DATA_HOME: '/data' })).toMatchObject({ review: true });
    expect(() => parseWebArgs(['--review=yes'], { XDG_DATA_HOME: '/data' })).toThrow(/unknown option "--review=yes"/);
  });

  test('the simulator: a rate, or switched off; a bad rate is named', () => {
    expect(parseWebArgs(['--simulator-rate', '500'], env)).toMatchObject({ simulatorRate: 500 });
    expect(parseWebArgs(['--no-simulator'], env)).toMatchObject({ simulatorRate: 0 });
    expect(() => parseWebArgs(['--simulator-rate', 'fast'], env)).toThrow(/--simulator-rate: expected events per second from 0 to 20000, got "fast"/);
    expect(() => parseWebArgs(['--simulator-rate=99999'], env)).toThrow(/--simulator-rate/);
  });

  test('--port and --data-dir, as two words or with =', () => {
    expect(parseWebArgs(['--port', '8080', '--data-dir', 'here'], env)).toMatchObject({ port: 8080, dataDir: resolve('here') });
    expect(parseWebArgs(['--port=0', '--data-dir=/srv/plant'], env)).toMatchObject({ port: 0, dataDir: '/srv/plant' });
  });

  test('PORT is used when --port is not given, and --port wins over it', () => {
    expect(parseWebArgs([], { ...env, PORT: '4000' }).port).toBe(4000);
    expect(parseWebArgs(['--port', '5000'], { ...env, PORT: '4000' }).port).toBe(5000);
  });

  test('--memory and --help are switches', () => {
    expect(parseWebArgs(['--memory'], env).memory).toBe(true);
    expect(parseWebArgs(['-h'], env).help).toBe(true);
  });

  test.each([
    [['--port', 'eighty'], '--port: a port number from 0 to 65535, not "eighty"'],
    [['--port', '70000'], '--port: a port number from 0 to 65535, not "70000"'],
    [['--port', '-1'], '--port: a port number from 0 to 65535, not "-1"'],
    [['--port'], '--port: needs a value'],
    [['--data-dir'], '--data-dir: needs a value'],
    [['--data-dir='], '--data-dir: needs a value'],
    [['--memory', '--data-dir', '/x'], '--memory and --data-dir do not go together'],
    [['--memory=yes'], 'unknown option "--memory=yes"'],
    [['--colour'], 'unknown option "--colour"'],
    [['serve'], 'unknown option "serve"'],
  ])('%j is refused with a clear error', (argv, message) => {
    expect(() => parseWebArgs(argv, env)).toThrow(UsageError);
    expect(() => parseWebArgs(argv, env)).toThrow(message);
  });

  test('a bad PORT is named as PORT', () => {
    expect(() => parseWebArgs([], { ...env, PORT: 'abc' })).toThrow('PORT: a port number from 0 to 65535, not "abc"');
  });

  test('the default data folder follows each platform', () => {
    expect(defaultDataDir({}, 'linux', '/home/op')).toBe('/home/op/.local/share/plant-event-console');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/op')).toBe('/x/plant-event-console');
    expect(defaultDataDir({}, 'darwin', '/Users/op')).toBe('/Users/op/Library/Application Support/plant-event-console');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'win32', 'C:\\Users\\op')).toContain('plant-event-console');
  });
});
