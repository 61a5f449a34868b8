/**
 * The PostgreSQL store under test: a fresh database on the file's server for each store, and
 * tampering with stored rows as an attacker holding the superuser role would (triggers
 * switched off for the session), for the audit chain tests.
 */
import pg from 'pg';
import type { StoredEvent } from '../../shared/events/event';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { eventColumns, INSERT_EVENTS } from '../../main/store/postgres/pgWriter';
import type { StoreUnderTest, TamperWithEvent } from '../contract/eventStoreContract';
import type { PostgresServer } from './postgresServer';

export function postgresTamper(url: string, store: () => PostgresEventStore): TamperWithEvent {
  return async (seq, edit) => {
    const current = await store().getBySeq(seq);
    if (!current) throw new Error(`tamper: no event ${seq}`);
    const next = edit(current);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("SET session_replication_role = 'replica'");
      await client.query('DELETE FROM plant_events WHERE seq = $1', [seq]);
      if (next) await client.query(INSERT_EVENTS, eventColumns([next as StoredEvent]));
    } finally {
      await client.end();
    }
  };
}

/** A store on a new database of `server`, reopenable, with tamper(). */
export async function freshPostgresStore(server: PostgresServer, options: { waitMs?: number } = {}): Promise<StoreUnderTest & { url: string }> {
  const url = server.url(await server.createDatabase());
  let latest = await PostgresEventStore.open({ url, ...options });
  return {
    url,
    store: latest,
    reopen: async () => (latest = await PostgresEventStore.open({ url, ...options })),
    tamper: postgresTamper(url, () => latest),
  };
}

/** SQL that turns a database of the current schema back into what schema version 2 left (free text under pg_trgm). */
export const TO_VERSION_2 = `DROP TABLE text_blocks;
  CREATE INDEX plant_events_text ON plant_events USING gin (payload_lc gin_trgm_ops);
  DELETE FROM schema_version WHERE version = 3;`;
