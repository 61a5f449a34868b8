/**
 * `npm run web [-- --port N] [-- --data-dir DIR] [-- --memory]`: browser mode from the
 * command line. Builds the user interface if needed, starts the host, prints the address to
 * open (token included), and on SIGINT or SIGTERM flushes every write and stops.
 */
import { mkdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { playwrightPdfRenderer } from '../audit/renderPdf';
import { readCommandLine, UsageError, type OptionTable } from '../cli/commandLine';
import { isReviewFolder, REVIEW_MARKER } from '../core/reviewMode';
import { createAppLogger, type LogLevel } from '../logging/logger';
import { chooseLogLevel, LOG_LEVEL_USAGE, LOG_OPTIONS, parseLogLevel } from '../logging/logOptions';
import { routeLogging } from '../logging/routing';
import { ensureRendererBuilt } from '../platform/rendererBuild';
import { boundHostHeapGrowth } from '../platform/hostHeap';
import { PostgresEventStore } from '../store/postgres/postgresEventStore';
import { STORE_OPTIONS, STORE_USAGE, storeLine, storeUrlFromArgs } from '../store/postgres/storeOption';
import { startWebHost, type WebHost, type WebHostOptions } from './server';
import { PLANT_OPTIONS, PLANT_USAGE, plantFromArgs } from '../plant/plantOptions';
import type { PlantLinkSettings } from '../plant/plantSettings';
import { SPARKPLUG_OPTIONS, SPARKPLUG_USAGE, sparkplugFromArgs } from '../ingest/sparkplug/sparkplugOptions';
import type { SparkplugConfig } from '../../shared/ingest/sparkplugSettings';

export interface WebArgs {
  readonly port: number;
  readonly dataDir: string;
  readonly memory: boolean;
  /** Events per second of the plant simulator; 0 switches it off. */
  readonly simulatorRate: number;
  /** Refuse new events below this much free disk space (MB); default: the larger of 1 GB and 5% of the disk. */
  readonly minFreeDiskMb?: number;
  /** Review mode: the history is only read (also when the data folder was made by the audit import). */
  readonly review: boolean;
  /** The plant link to other stations (`--plant`); absent for a station on its own. */
  readonly plant?: PlantLinkSettings;
  readonly help: boolean;
  /** `--log-level`, when given (else PLANT_LOG_LEVEL, else info). */
  readonly logLevel?: LogLevel;
  /** `--store postgres://…`: events in PostgreSQL; the data folder keeps only the settings. */
  readonly store?: string;
  /** `--sparkplug`…: Sparkplug B on the saved MQTT connection, for this run. */
  readonly sparkplug?: SparkplugConfig;
}

export const USAGE = `Usage: npm run web -- [--port N] [--data-dir DIR] [--memory | --store URL] [--simulator-rate N | --no-simulator] [--review] [--min-free-disk-mb N] [--log-level L]
  --port N        port on 127.0.0.1 (default: PORT, else 0 = any free port)
  --data-dir DIR  where the event store is kept (default: the per-user data folder)
  --memory        keep events in memory only: nothing is kept after the host stops
  --simulator-rate N   events per second from the built-in plant simulator (default 20)
  --no-simulator  no simulated plant (a real deployment fed by MQTT or imports)
  --min-free-disk-mb N  refuse new events while the data folder's disk has less free (default: 1 GB or 5%, the larger)
  --review        review mode: the history is only read (no ingest, no alarms fired, nothing written)
${PLANT_USAGE}
${SPARKPLUG_USAGE}
${LOG_LEVEL_USAGE}
${STORE_USAGE}`;



const APP_FOLDER = 'plant-event-console';

/** The per-user data folder of this platform. */
export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_FOLDER);
}

function parsePort(text: string, where: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new UsageError(`${where}: a port number from 0 to 65535, not "${text}"`);
  return Number(text);
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(rate) || rate > 20_000) {
    throw new UsageError(`--simulator-rate: expected events per second from 0 to 20000, got "${text}"`);
  }
  return rate;
}

/** The options of `npm run web`; a feature with options of its own spreads its table in here. */
export const WEB_OPTIONS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  memory: { type: 'boolean' },
  'simulator-rate': { type: 'string' },
  'no-simulator': { type: 'boolean' },
  'min-free-disk-mb': { type: 'string' },
  review: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...PLANT_OPTIONS,
  ...LOG_OPTIONS,
  ...STORE_OPTIONS,
  ...SPARKPLUG_OPTIONS,
} as const satisfies OptionTable;

export function parseWebArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WebArgs {
  const { values } = readCommandLine(argv, WEB_OPTIONS, { usage: USAGE });
  const memory = values.memory === true;
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(values['data-dir']);
  if (memory && dataDir !== undefined) throw new UsageError('--memory and --data-dir do not go together: with --memory nothing is stored');
  if (values['no-simulator'] && values['simulator-rate'] !== undefined) throw new UsageError('--no-simulator and --simulator-rate do not go together: give one of them');
  const portText = values.port ?? (env.PORT === '' ? undefined : env.PORT);
  const diskText = values['min-free-disk-mb'];
  const plant = plantFromArgs(values, env);
  const store = storeUrlFromArgs(values);
  const sparkplug = sparkplugFromArgs(values);
  if (store !== undefined && memory) throw new UsageError('--memory and --store do not go together: with --store events are kept in PostgreSQL');
  if (diskText !== undefined && !/^\d{1,9}$/.test(diskText)) throw new UsageError(`--min-free-disk-mb: a whole number of megabytes, not "${diskText}"`);
  return {
    port: portText === undefined ? 0 : parsePort(portText, values.port === undefined ? 'PORT' : '--port'),
    dataDir: dataDir ?? defaultDataDir(env),
    memory,
    help: values.help === true,
    simulatorRate: values['no-simulator'] ? 0 : values['simulator-rate'] === undefined ? 20 : parseRate(values['simulator-rate']),
    review: values.review === true,
    ...(plant ? { plant } : {}),
    ...(diskText === undefined ? {} : { minFreeDiskMb: Number(diskText) }),
    ...(values['log-level'] === undefined ? {} : { logLevel: parseLogLevel(values['log-level']) }),
    ...(store === undefined ? {} : { store }),
    ...(sparkplug ? { sparkplug } : {}),
  };
}

/** A host started from the command line's arguments, and its log to close after it. */
export interface BrowserModeHost {
  readonly host: WebHost;
  readonly review: boolean;
  readonly log: (line: string) => void;
  closeLog(): Promise<void>;
}

/**
 * Starts browser mode's host from its arguments, as `npm run web` does. `more` is for the
 * benchmark's control entry (build/bench/soakHost.ts), which runs this same host in a process
 * of its own, at times with a smaller index window.
 */
export async function startBrowserMode(args: WebArgs, more: Pick<WebHostOptions, 'indexWindow'> = {}): Promise<BrowserModeHost> {
  if (!args.memory) mkdirSync(args.dataDir, { recursive: true });
  // The log: <data folder>/logs/plant.log (none with --memory), and the same lines on stderr.
  const logger = createAppLogger({ name: 'plant', stderr: true, level: chooseLogLevel(args.logLevel), ...(args.memory ? {} : { dir: join(args.dataDir, 'logs') }) });
  routeLogging(logger);
  const log = logger.line();
  await ensureRendererBuilt(log);
  const review = args.review || (!args.memory && isReviewFolder(args.dataDir));
  const core = {
    review,
    settingsFile: args.memory ? null : join(args.dataDir, 'settings.json'),
    simulator: args.simulatorRate > 0 ? { rate: args.simulatorRate } : (false as const),
    user: userInfo().username,
    renderPdf: playwrightPdfRenderer(),
    plant: args.plant ?? null,
    sparkplug: args.sparkplug ?? null,
  };
  const disk = args.minFreeDiskMb === undefined ? {} : { disk: { minFreeBytes: args.minFreeDiskMb * 1024 * 1024 } };
  const { store } = args;
  const own = store === undefined ? {} : { openStore: () => PostgresEventStore.open({ url: store, log }) };
  const window = more.indexWindow === undefined ? {} : { indexWindow: more.indexWindow };
  const host = await startWebHost({ port: args.port, memory: args.memory, ...(args.memory ? {} : { dataDir: args.dataDir }), log, core, ...disk, ...own, ...window });
  return { host, review, log, closeLog: () => logger.close() };
}

async function main(): Promise<void> {
  boundHostHeapGrowth();
  let args: WebArgs;
  try {
    args = parseWebArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  if (args.help) return console.log(USAGE);
  const { host, review, log, closeLog } = await startBrowserMode(args);
  const { store } = args;
  console.log(`Plant Event Console (browser mode) at ${host.url}`);
  if (store !== undefined) console.log(storeLine(store));
  console.log(args.memory ? 'In memory (--memory): nothing is kept; every event is lost when the host stops.' : `Data: ${args.dataDir}`);
  if (review) console.log(`Review mode: the history is only read${args.review ? '' : ` (the folder was made by the audit import: ${REVIEW_MARKER})`}.`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: stopping without waiting`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: storing pending writes, then stopping…`);
    host.close().then(
      () => closeLog().then(() => process.exit(0)),
      (error: unknown) => {
        console.error(`could not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(`Plant Event Console (browser mode) could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
