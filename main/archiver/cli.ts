/**
 * `npm run archiver -- --plant nats://… --store postgres://…`: the plant's archiver, headless.
 * Prints where it archives from and to, then a progress line every few seconds on stdout
 * (events stored, per second, rejected, duplicates, what the stream still holds for it);
 * failures and reconnections go to stderr. SIGINT or SIGTERM stops it cleanly: the batch
 * committing finishes, nothing unstored is acknowledged, NATS and PostgreSQL are closed.
 */
import { pathToFileURL } from 'node:url';
import { UsageError } from '../cli/commandLine';
import { useNodeSha256 } from '../store/nodeHash';
import { PostgresEventStore } from '../store/postgres/postgresEventStore';
import { Archiver, type ArchiverStatus } from './archiver';
import { ARCHIVER_USAGE, parseArchiverArgs, type ArchiverArgs } from './archiverOptions';

/** How long an append waits for an unreachable PostgreSQL: shorter than the consumer's ack wait, so a failed batch is handed back before the server sends it again. */
const STORE_WAIT_MS = 5_000;

/** One progress line: the totals since the start, the rate since the line before, and the lag. */
export function progressLine(now: ArchiverStatus, before: ArchiverStatus, seconds: number): string {
  const rate = Math.round((now.stored - before.stored) / Math.max(seconds, 0.001));
  const pending = now.streamPending + now.inHand;
  return `archiver: ${now.stored} events stored (${rate}/s), ${now.rejected} rejected, ${now.duplicates} duplicates skipped; stream pending ${pending}${now.natsConnected ? '' : ' (NATS unreachable)'}`;
}

async function run(args: ArchiverArgs): Promise<void> {
  const log = (line: string) => console.error(`archiver: ${line}`);
  const store = await PostgresEventStore.open({ url: args.store, waitMs: STORE_WAIT_MS, log });
  let archiver: Archiver;
  try {
    archiver = await Archiver.start({ plant: args.plant, consumer: args.consumer, target: store, log });
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  console.log(`archiver: stream ${args.plant.stream} at ${args.plant.servers.join(', ')} → PostgreSQL at ${store.target}, consumer ${args.consumer}; Ctrl+C stops`);

  let before = archiver.status();
  let at = performance.now();
  const timer = setInterval(() => {
    const now = archiver.status();
    const time = performance.now();
    console.log(progressLine(now, before, (time - at) / 1000));
    [before, at] = [now, time];
  }, args.progressEverySeconds * 1000);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`archiver: ${signal} again: stopping without waiting (nothing unstored was acknowledged)`);
      process.exit(1);
    }
    stopping = true;
    clearInterval(timer);
    console.log(`archiver: ${signal}: finishing the batch in hand, then stopping`);
    void archiver
      .stop()
      .then(() => store.close())
      .then(
        () => {
          const last = archiver.status();
          console.log(`archiver: stopped; ${last.stored} events stored, ${last.rejected} rejected, ${last.duplicates} duplicates skipped`);
          process.exit(0);
        },
        (error: unknown) => {
          console.error(`archiver: could not stop cleanly: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await archiver.done;
  if (!stopping) throw new Error('the connection to the plant stream closed for good');
}

async function main(): Promise<void> {
  useNodeSha256();
  let args: ArchiverArgs | 'help';
  try {
    args = parseArchiverArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  if (args === 'help') return console.log(ARCHIVER_USAGE);
  await run(args);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(`The archiver could not go on: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
