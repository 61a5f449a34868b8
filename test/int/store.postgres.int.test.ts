// The store contract against PostgresEventStore on a real PostgreSQL 15 that this file
// starts (Debian's package; skipped, saying why, where it is not installed). Each store gets
// a database of its own.
import { afterAll, beforeAll, describe } from 'vitest';
import { describeEventStoreContract } from '../contract/eventStoreContract';
import { PostgresServer, postgresAvailable } from '../support/postgresServer';
import { freshPostgresStore } from '../support/postgresStore';

describe.skipIf(!postgresAvailable())('PostgresEventStore on PostgreSQL 15', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await PostgresServer.start();
  }, 60_000);
  afterAll(async () => server?.stop(), 60_000);

  describeEventStoreContract('PostgresEventStore', () => freshPostgresStore(server), { reopens: true });
});
