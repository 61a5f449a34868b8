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
import { isReviewFolder, REVIEW_MARKER } from '../core/reviewMode';
import { createAppLogger, DEFAULT_LOG_LEVEL, logLevelFromEnv } from '../logging/logger';
import { routeLogging } from '../logging/routing';
import { ensureRendererBuilt } from '../platform/rendererBuild';
import { startWebHost } from './server';

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
  readonly help: boolean;
}

export class CliError extends Error {
  override readonly name = 'CliError';
}

export const USAGE = `Usage: npm run web -- [--port N] [--data-dir DIR] [--memory] [--simulator-rate N | --no-simulator] [--review] [--min-free-disk-mb N]
  --port N        port on 127.0.0.1 (default: PORT, else 0 = any free port)
  --data-dir DIR  where the event store is kept (default: the per-user data folder)
  --memory        keep events in memory only: nothing is kept after the host stops
  --simulator-rate N   events per second from the built-in plant simulator (default 20)
  --no-simulator  no simulated plant (a real deployment fed by MQTT or imports)
  --min-free-disk-mb N  refuse new events while the data folder's disk has less free (default: 1 GB or 5%, the larger)
  --review        review mode: the history is only read (no ingest, no alarms fired, nothing written)`;

const APP_FOLDER = 'plant-event-console';

/** The per-user data folder of this platform. */
export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_FOLDER);
}

function parsePort(text: string, where: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new CliError(`${where}: a port number from 0 to 65535, not "${text}"`);
  return Number(text);
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(rate) || rate > 20_000) {
    throw new CliError(`--simulator-rate: expected events per second from 0 to 20000, got "${text}"`);
  }
  return rate;
}

export function parseWebArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WebArgs {
  let port: number | undefined;
  let dataDir: string | undefined;
  let memory = false;
  let help = false;
  let simulatorRate = 20;
  let minFreeDiskMb: number | undefined;
  let review = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined || (inline === undefined && next.startsWith('--'))) throw new CliError(`${flag}: needs a value`);
      if (next === '') throw new CliError(`${flag}: needs a value`);
      return next;
    };
    if (flag === '--port') port = parsePort(value(), '--port');
    else if (flag === '--data-dir') dataDir = resolve(value());
    else if (flag === '--memory' && inline === undefined) memory = true;
    else if (flag === '--no-simulator' && inline === undefined) simulatorRate = 0;
    else if (flag === '--simulator-rate') simulatorRate = parseRate(value());
    else if (flag === '--min-free-disk-mb') {
      const text = value();
      if (!/^\d{1,9}$/.test(text)) throw new CliError(`--min-free-disk-mb: a whole number of megabytes, not "${text}"`);
      minFreeDiskMb = Number(text);
    }
    else if (flag === '--review' && inline === undefined) review = true;
    else if ((flag === '--help' || flag === '-h') && inline === undefined) help = true;
    else throw new CliError(`unknown option "${arg}"\n${USAGE}`);
  }
  if (port === undefined && env.PORT !== undefined && env.PORT !== '') port = parsePort(env.PORT, 'PORT');
  if (memory && dataDir !== undefined) throw new CliError('--memory and --data-dir do not go together: with --memory nothing is stored');
  return { port: port ?? 0, dataDir: dataDir ?? defaultDataDir(env), memory, help, simulatorRate, review, ...(minFreeDiskMb === undefined ? {} : { minFreeDiskMb }) };
}

async function main(): Promise<void> {
  let args: WebArgs;
  try {
    args = parseWebArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  if (args.help) return console.log(USAGE);
  if (!args.memory) mkdirSync(args.dataDir, { recursive: true });
  // The log: <data folder>/logs/plant.log (none with --memory), and the same lines on stderr.
  const logger = createAppLogger({ name: 'plant', stderr: true, level: logLevelFromEnv() ?? DEFAULT_LOG_LEVEL, ...(args.memory ? {} : { dir: join(args.dataDir, 'logs') }) });
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
  };
  const disk = args.minFreeDiskMb === undefined ? {} : { disk: { minFreeBytes: args.minFreeDiskMb * 1024 * 1024 } };
  const host = await startWebHost({ port: args.port, memory: args.memory, ...(args.memory ? {} : { dataDir: args.dataDir }), log, core, ...disk });
  console.log(`Plant Event Console (browser mode) at ${host.url}`);
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
      () => logger.close().then(() => process.exit(0)),
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
