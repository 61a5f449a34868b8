// Sparkplug B from the command line of browser mode and the desktop app: absent, nothing
// changes; given, the choices are checked and laid over the saved MQTT settings for the run;
// a bad value is refused in one sentence naming the option.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../main/cli/commandLine';
import { parseDesktopArgs } from '../../main/electron/args';
import { sparkplugFromArgs, withSparkplugOptions } from '../../main/ingest/sparkplug/sparkplugOptions';
import { parseWebArgs } from '../../main/web/cli';

const ENV = { XDG_DATA_HOME: '/tmp/x' };

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the command line was accepted');
}

describe('the Sparkplug B options', () => {
  it('change nothing when --sparkplug is not given', () => {
    expect(parseWebArgs([], ENV).sparkplug).toBeUndefined();
    expect(parseDesktopArgs(['.', '--no-sandbox']).sparkplug).toBeUndefined();
    const saved = { url: 'mqtt://broker:1883', sparkplug: { hostId: 'kept' } };
    expect(withSparkplugOptions(saved, null)).toBe(saved);
  });

  it('read the switch, the groups (repeated or comma-separated) and the host id, in both command lines', () => {
    expect(parseWebArgs(['--sparkplug'], ENV).sparkplug).toEqual({});
    expect(parseWebArgs(['--sparkplug', '--sparkplug-group', 'line-1, line-2', '--sparkplug-group', 'line-3', '--sparkplug-host-id', 'console-a'], ENV).sparkplug).toEqual({
      groups: ['line-1', 'line-2', 'line-3'],
      hostId: 'console-a',
    });
    expect(parseDesktopArgs(['.', '--sparkplug', '--sparkplug-group=line-1', '--sparkplug-group', 'line-2', '--sparkplug-host-id', 'console-b', '--inspect=0']).sparkplug).toEqual({
      groups: ['line-1', 'line-2'],
      hostId: 'console-b',
    });
  });

  it('refuse a bad value, or a choice without --sparkplug, in one sentence naming the option', () => {
    expect(refusal(() => parseWebArgs(['--sparkplug-host-id', 'console-a'], ENV))).toBe('--sparkplug-host-id: applies only with --sparkplug (Sparkplug B on the MQTT connection)');
    expect(refusal(() => parseDesktopArgs(['--sparkplug-group', 'line-1']))).toMatch(/^--sparkplug-group: applies only with --sparkplug/);
    expect(refusal(() => parseWebArgs(['--sparkplug', '--sparkplug-host-id', 'console/a'], ENV))).toBe('--sparkplug-host-id: must be 1 to 64 characters without /, +, # or control characters');
    expect(refusal(() => parseWebArgs(['--sparkplug', '--sparkplug-group', 'line-1,,line-2'], ENV))).toMatch(/^--sparkplug-group: must be 1 to 64 characters/);
    expect(refusal(() => parseWebArgs(['--sparkplug', '--sparkplug-group', '#'], ENV))).toMatch(/^--sparkplug-group: must be 1 to 64 characters/);
    expect(refusal(() => parseDesktopArgs(['--sparkplug', '--sparkplug-host-id', '--no-sandbox']))).toBe('--sparkplug-host-id: needs a value');
    expect(refusal(() => parseWebArgs(['--sparkplug=yes'], ENV))).toMatch(/^unknown option "--sparkplug=yes"/);
    expect(refusal(() => sparkplugFromArgs({ sparkplug: true, 'sparkplug-host-id': 'a'.repeat(65) }))).toMatch(/^--sparkplug-host-id: must be 1 to 64/);
  });

  it('lay the choices over the saved Sparkplug settings, keeping their mapping, and leave no saved connection alone', () => {
    const saved = { url: 'mqtt://broker:1883', username: 'plant', sparkplug: { hostId: 'old', source: 'edge', rules: [{ metric: 'debug/*', ignore: true }] } };
    expect(withSparkplugOptions(saved, { groups: ['line-9'], hostId: 'console-a' })).toEqual({
      url: 'mqtt://broker:1883',
      username: 'plant',
      sparkplug: { hostId: 'console-a', groups: ['line-9'], source: 'edge', rules: [{ metric: 'debug/*', ignore: true }] },
    });
    expect(withSparkplugOptions({ url: 'mqtt://broker:1883' }, {})).toEqual({ url: 'mqtt://broker:1883', sparkplug: {} });
    expect(withSparkplugOptions(null, { hostId: 'console-a' })).toBeNull();
    expect(withSparkplugOptions(undefined, {})).toBeUndefined();
  });
});
