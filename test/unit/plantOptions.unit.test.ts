// The plant link's command-line options in browser mode and the desktop app: absent, no
// link (as before); given, checked settings; anything wrong refused with one sentence that
// names the option and never repeats a secret.
import { describe, expect, it } from 'vitest';
import { parseDesktopArgs } from '../../main/electron/args';
import { UsageError } from '../../main/cli/commandLine';
import { plantFromArgs } from '../../main/plant/plantOptions';
import { parseWebArgs } from '../../main/web/cli';

const ENV = { XDG_DATA_HOME: '/tmp/x' };

describe('the plant link options', () => {
  it('leaves a station on its own without --plant, in both command lines', () => {
    expect(parseWebArgs([], ENV).plant ?? null).toBeNull();
    expect(parseDesktopArgs([]).plant ?? null).toBeNull();
  });

  it('reads servers (repeated or comma-separated), the station, the stream and how to sign in', () => {
    const web = parseWebArgs(['--plant', 'nats://10.0.0.5:4222,nats://10.0.0.6:4222', '--plant', 'tls://10.0.0.7:4222', '--station', 'line-side-2', '--plant-user', 'plant', '--plant-password', 'pw'], ENV);
    expect(web.plant).toEqual({ servers: ['nats://10.0.0.5:4222', 'nats://10.0.0.6:4222', 'tls://10.0.0.7:4222'], station: 'line-side-2', stream: 'PLANT', user: 'plant', password: 'pw' });
    const desktop = parseDesktopArgs(['--plant=nats://10.0.0.5:4222', '--plant-token', 't0ken', '--plant-tls-ca', '/etc/plant/ca.pem', '--inspect=0']);
    expect(desktop.plant).toMatchObject({ servers: ['nats://10.0.0.5:4222'], token: 't0ken', tls: { caFile: '/etc/plant/ca.pem' } });
    expect(plantFromArgs({ plant: ['nats://h:1'] }, {}, 'Control Room.local')?.station).toBe('Control-Room-local');
    expect(plantFromArgs({ plant: ['nats://h:1'], 'plant-user': 'u' }, { PLANT_NATS_PASSWORD: 'from-env' }, 'h')?.password).toBe('from-env');
  });

  it('refuses what cannot work, in one sentence naming the option, without echoing a secret', () => {
    const refused: [string[], RegExp][] = [
      [['--plant', 'http://10.0.0.5:4222'], /^--plant: each server must look like nats:\/\/HOST:PORT/],
      [['--plant', 'nats://plant:s3cret@10.0.0.5:4222'], /^--plant: each server must look like/],
      [['--station', 'a'], /^--station: applies only with --plant/],
      [['--plant', 'nats://h:1', '--station', 'line 1'], /^--station: 1 to 64 letters/],
      [['--plant', 'nats://h:1', '--plant-user', 'u'], /^--plant-user and --plant-password go together/],
      [['--plant', 'nats://h:1', '--plant-user', 'u', '--plant-password', 'p', '--plant-token', 't'], /are alternatives/],
      [['--plant', 'nats://h:1', '--plant-tls-cert', '/c.pem'], /^--plant-tls-cert and --plant-tls-key go together/],
      [['--plant', 'nats://h:1', '--plant-stream', 'a.b'], /^--plant-stream: 1 to 64 letters/],
    ];
    for (const [argv, sentence] of refused) {
      let error: unknown;
      try {
        parseWebArgs(argv, ENV);
      } catch (caught) {
        error = caught;
      }
      expect(error, argv.join(' ')).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(sentence);
      expect((error as Error).message).not.toContain('s3cret');
    }
    expect(() => parseDesktopArgs(['--plant', 'mqtt://h:1'])).toThrow(UsageError);
  });
});
