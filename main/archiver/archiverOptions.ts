/**
 * `npm run archiver -- …`: its options, as one parseArgs table made of the plant link's
 * (less `--station`: the archiver is no station) and the `--store` option, plus its own.
 * The checks are the plant link's and the store option's, so each refusal is the same
 * sentence as for a station; a refused value that may hold a secret is never repeated.
 */
import { readCommandLine, UsageError, type OptionTable } from '../cli/commandLine';
import { PLANT_OPTIONS, PLANT_USAGE, plantFromArgs } from '../plant/plantOptions';
import type { PlantLinkSettings } from '../plant/plantSettings';
import { STORE_OPTIONS, STORE_USAGE, storeUrlFromArgs } from '../store/postgres/storeOption';
import { DEFAULT_CONSUMER } from './archiver';

export interface ArchiverArgs {
  readonly plant: PlantLinkSettings;
  /** The PostgreSQL URL (it may hold a password: never printed). */
  readonly store: string;
  readonly consumer: string;
  readonly progressEverySeconds: number;
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `station` is left out on purpose: the archiver is no station.
const { station, ...LINK_OPTIONS } = PLANT_OPTIONS;

export const ARCHIVER_OPTIONS = {
  ...LINK_OPTIONS,
  ...STORE_OPTIONS,
  consumer: { type: 'string' },
  'progress-every': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionTable;

/** The plant link's lines, but the station's. */
const LINK_USAGE = PLANT_USAGE.split('\n').filter((line) => !line.trimStart().startsWith('--station')).join('\n');

export const ARCHIVER_USAGE = `Usage: npm run archiver -- --plant URL --store URL [--plant-stream NAME] [--consumer NAME] [--progress-every S] [sign-in and TLS options]
${LINK_USAGE}
  --consumer NAME      the archiver's durable consumer on the stream (default ${DEFAULT_CONSUMER})
  --progress-every S   seconds between progress lines (default 5)
${STORE_USAGE}`;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The checked options, or `help` alone; throws UsageError with one sentence. */
export function parseArchiverArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ArchiverArgs | 'help' {
  const { values } = readCommandLine(argv, ARCHIVER_OPTIONS, { usage: ARCHIVER_USAGE });
  if (values.help === true) return 'help';
  if (values.plant === undefined) throw new UsageError('--plant: required: the NATS server of the plant stream, e.g. --plant nats://127.0.0.1:4222');
  if (values.store === undefined) throw new UsageError('--store: required: the PostgreSQL database of the archive, e.g. --store postgres://archiver@db-host:5432/plant');
  const consumer = values.consumer ?? DEFAULT_CONSUMER;
  if (!NAME.test(consumer)) throw new UsageError(`--consumer: 1 to 64 letters, digits, "-" or "_" (got "${consumer.slice(0, 80)}")`);
  const every = values['progress-every'] ?? '5';
  if (!/^\d{1,4}$/.test(every) || Number(every) < 1 || Number(every) > 3600) {
    throw new UsageError(`--progress-every: a whole number of seconds from 1 to 3600, not "${every.slice(0, 20)}"`);
  }
  const store = storeUrlFromArgs(values, env);
  // The consumer's name also names the connection, where a station's name would.
  const plant = plantFromArgs({ ...values, station: consumer }, env);
  return { plant: plant!, store: store!, consumer, progressEverySeconds: Number(every) };
}
