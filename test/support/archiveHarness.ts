/**
 * The archiver tests' setting: a NATS server, a fresh database on the file's PostgreSQL
 * server (made ready by `prepare` when given, e.g. a constraint of the database's owner), a
 * plant publisher, the store and an archiver to start and start again; everything is handed
 * to `cleanups`, which the test file runs after each test.
 */
import { vi, expect } from 'vitest';
import { Archiver } from '../../main/archiver/archiver';
import { checkPlantSettings } from '../../main/plant/plantSettings';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { NatsServer } from './natsServer';
import { PlantPublisher } from './plantPublisher';
import type { PostgresServer } from './postgresServer';

export const SLOW = { timeout: 60_000, interval: 200 };

export async function archiveHarness(pg: PostgresServer, cleanups: (() => Promise<unknown>)[], prepare?: (database: string) => Promise<unknown>) {
  const nats = await NatsServer.start();
  cleanups.push(() => nats.stop());
  const database = await pg.createDatabase('archive');
  const store = await PostgresEventStore.open({ url: pg.url(database), waitMs: 2_000 });
  cleanups.push(() => store.close());
  await prepare?.(database);
  const publisher = await PlantPublisher.connect(nats.url);
  cleanups.push(() => publisher.close());
  const lines: string[] = [];
  const plant = checkPlantSettings({ servers: [nats.url], station: 'archiver' });
  const startArchiver = async () => {
    const archiver = await Archiver.start({ plant, target: store, log: (line) => lines.push(line) });
    cleanups.push(() => archiver.stop());
    return archiver;
  };
  const rows = async () => (await pg.sql('SELECT id, body FROM plant_events ORDER BY seq', database)).rows as { id: string; body: string }[];
  const waitForRows = (count: number) => vi.waitFor(async () => expect((await rows()).length).toBe(count), SLOW);
  return { nats, publisher, store, lines, startArchiver, rows, waitForRows };
}
