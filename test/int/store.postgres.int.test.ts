// The store contract against PostgresEventStore on a real PostgreSQL 15 that this file
// starts (Debian's package; skipped, saying why, where it is not installed). Each store gets
// a database of its own.
import { describe } from 'vitest';
import { describeEventStoreContract } from '../contract/eventStoreContract';
import type { PostgresServer } from '../support/postgresServer';
import { postgresAvailable, serverForThisFile } from '../support/postgresServer';
import { freshPostgresStore } from '../support/postgresStore';

describe.skipIf(!postgresAvailable())('PostgresEventStore on PostgreSQL 15', () => {
  let server!: PostgresServer;
  serverForThisFile((started) => (server = started));

  describeEventStoreContract('PostgresEventStore', () => freshPostgresStore(server), { reopens: true });
});
