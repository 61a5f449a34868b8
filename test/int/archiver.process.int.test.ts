// `npm run archiver` as an operator runs it, a real process against a real nats-server and
// PostgreSQL started here: it prints where it archives and a progress line every second
// (stored, rate, stream pending), stops on SIGTERM after its batch with status 0 and the
// totals, never prints the database password, and refuses bad options or an unreachable
// server with one sentence and its own exit status.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeEvents } from '../support/events';
import { NatsServer, natsMissing } from '../support/natsServer';
import { PlantPublisher } from '../support/plantPublisher';
import { freePort } from '../support/ports';
import { postgresAvailable, serverForThisFile, type PostgresServer } from '../support/postgresServer';

const SECRET = 's3cret-archive-pw';
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function runArchiver(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/archiver/cli.ts', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { out: '', err: '' };
  child.stdout.on('data', (data: Buffer) => (output.out += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output.err += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, output, exited };
}

describe.skipIf(natsMissing() || !postgresAvailable())('npm run archiver, the process', () => {
  let pg!: PostgresServer;
  serverForThisFile((started) => (pg = started));

  it('archives, prints its progress and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const nats = await NatsServer.start();
    cleanups.push(() => nats.stop());
    const database = await pg.createDatabase('archive');
    const publisher = await PlantPublisher.connect(nats.url);
    cleanups.push(() => publisher.close());
    await publisher.publish(makeEvents(300));

    // Trust authentication on loopback takes any password: the one in the URL must still never show.
    const { child, output, exited } = runArchiver(['--plant', nats.url, '--store', pg.url(database, 'plant', SECRET), '--progress-every', '1']);
    await vi.waitFor(() => expect(output.out).toMatch(/archiver: 300 events stored \(\d+\/s\), 0 rejected, 0 duplicates skipped; stream pending 0\n/), { timeout: 60_000, interval: 100 });
    expect(output.out).toMatch(new RegExp(`stream PLANT at ${nats.url} → PostgreSQL at 127\\.0\\.0\\.1:${pg.port}/${database}, consumer archiver`));
    await publisher.publish(makeEvents(200));
    await vi.waitFor(() => expect(output.out).toMatch(/archiver: 500 events stored/), { timeout: 60_000, interval: 100 });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output.out).toMatch(/archiver: SIGTERM: finishing the batch in hand, then stopping\n/);
    expect(output.out).toMatch(/archiver: stopped; 500 events stored, 0 rejected, 0 duplicates skipped\n$/);
    expect((await pg.sql('SELECT count(*)::int AS n FROM plant_events', database)).rows[0]).toEqual({ n: 500 });
    expect(`${output.out}${output.err}`).not.toContain(SECRET);
  });

  it('refuses bad options (status 2) and an unreachable server (status 1) in one sentence', { timeout: 60_000 }, async () => {
    const missing = runArchiver(['--plant', 'nats://127.0.0.1:4222']);
    expect(await missing.exited).toBe(2);
    expect(missing.output.err).toBe('--store: required: the PostgreSQL database of the archive, e.g. --store postgres://archiver@db-host:5432/plant\n');

    const database = await pg.createDatabase('archive');
    const nowhere = `nats://127.0.0.1:${await freePort()}`;
    const refused = runArchiver(['--plant', nowhere, '--store', pg.url(database, 'plant', SECRET)]);
    expect(await refused.exited).toBe(1);
    expect(refused.output.err).toBe(`The archiver could not go on: ${nowhere} refused the connection: no NATS server listens there, or a firewall rejects it.\n`);
    expect(refused.output.out).toBe('');
  });
});
