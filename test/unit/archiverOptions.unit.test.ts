// `npm run archiver`'s command line: the plant link's and the store's options as a station
// has them (less --station), its own consumer name and progress interval; anything wrong
// refused with one sentence that names the option and never repeats a secret.
import { describe, expect, it } from 'vitest';
import { ARCHIVER_USAGE, parseArchiverArgs } from '../../main/archiver/archiverOptions';
import { UsageError } from '../../main/cli/commandLine';

const PLANT = ['--plant', 'nats://10.0.0.5:4222'];
const STORE = ['--store', 'postgres://archiver:s3cret@db-host:5432/plant'];

function refusal(argv: string[], env: NodeJS.ProcessEnv = {}): Error {
  try {
    parseArchiverArgs(argv, env);
  } catch (error) {
    expect(error, argv.join(' ')).toBeInstanceOf(UsageError);
    return error as Error;
  }
  throw new Error(`not refused: ${argv.join(' ')}`);
}

describe('the archiver options', () => {
  it('reads the stream, the store, the consumer, sign-in and TLS, with defaults for what is left out', () => {
    expect(parseArchiverArgs([...PLANT, ...STORE], {})).toEqual({
      plant: { servers: ['nats://10.0.0.5:4222'], station: 'archiver', stream: 'PLANT' },
      store: 'postgres://archiver:s3cret@db-host:5432/plant',
      consumer: 'archiver',
      progressEverySeconds: 5,
    });
    const full = parseArchiverArgs(
      ['--plant', 'tls://a:4222,tls://b:4222', ...STORE, '--plant-stream', 'SITE_2', '--consumer', 'archive-2', '--progress-every', '30',
        '--plant-user', 'arch', '--plant-tls-ca', '/etc/plant/ca.pem'],
      { PLANT_NATS_PASSWORD: 'from-env' },
    );
    expect(full).toMatchObject({
      plant: { servers: ['tls://a:4222', 'tls://b:4222'], stream: 'SITE_2', station: 'archive-2', user: 'arch', password: 'from-env', tls: { caFile: '/etc/plant/ca.pem' } },
      consumer: 'archive-2',
      progressEverySeconds: 30,
    });
    expect(parseArchiverArgs(['--help'], {})).toBe('help');
    expect(ARCHIVER_USAGE).toMatch(/--consumer NAME/);
    expect(ARCHIVER_USAGE).not.toMatch(/--station/);
  });

  it('refuses what cannot work, in one sentence naming the option, without echoing a secret', () => {
    const refused: [string[], RegExp][] = [
      [[...STORE], /^--plant: required: the NATS server of the plant stream/],
      [[...PLANT], /^--store: required: the PostgreSQL database of the archive/],
      [[...PLANT, '--store', 'mysql://u:s3cret@h/plant'], /^--store: only PostgreSQL is supported/],
      [[...PLANT, '--store', 'postgres://u:s3cret@h'], /^--store: the URL names no database/],
      [[...PLANT, '--store', 'not a url s3cret'], /^--store: not a URL/],
      [['--plant', 'nats://u:s3cret@h:4222', ...STORE], /^--plant: each server must look like/],
      [[...PLANT, ...STORE, '--consumer', 'arch.ive'], /^--consumer: 1 to 64 letters/],
      [[...PLANT, ...STORE, '--consumer', ''], /^--consumer: needs a value/],
      [[...PLANT, ...STORE, '--progress-every', '0'], /^--progress-every: a whole number of seconds from 1 to 3600/],
      [[...PLANT, ...STORE, '--progress-every', '2.5'], /^--progress-every: a whole number/],
      [[...PLANT, ...STORE, '--station', 'a'], /^unknown option "--station"/],
      [[...PLANT, ...STORE, '--plant-user', 'u'], /^--plant-user and --plant-password go together/],
      [[...PLANT, ...STORE, '--plant-token', 't', '--plant-user', 'u', '--plant-password', 's3cret'], /are alternatives/],
      [[...PLANT, ...STORE, '--plant-tls-key', '/k.pem'], /^--plant-tls-cert and --plant-tls-key go together/],
      [[...PLANT, ...STORE, '--plant-stream', 'a>b'], /^--plant-stream: 1 to 64 letters/],
      [[...PLANT, ...STORE, ...STORE], /^--store: given more than once/],
      [[...PLANT, ...STORE, 'extra'], /^unknown option "extra"/],
    ];
    for (const [argv, sentence] of refused) {
      const error = refusal(argv);
      expect(error.message, argv.join(' ')).toMatch(sentence);
      expect(error.message.split('\n')[0]).not.toContain('s3cret');
    }
  });
});
