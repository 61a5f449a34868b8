/**
 * The PostgreSQL store's schema, as numbered migrations applied in order when a store opens
 * (under an advisory lock, so two stations opening a new database do not both migrate). The
 * `schema_version` table records the last one applied; a database from a newer version of
 * the console is refused, never changed.
 *
 * Events are append-only in the database itself: a trigger refuses UPDATE, DELETE and
 * TRUNCATE on `plant_events`. What moves after an append lives in other tables: the status
 * (`event_status`, one row per event whose status moved), delivery records, snapshots, and
 * the chain head, which a trigger lets move forward only.
 */
import type pg from 'pg';
import { GENESIS_HASH } from '../../../shared/audit/chain';
import { buildTextBlocks } from './pgTextBlocks';

/** Advisory lock keys (one namespace for this application): migrations, and the one appender at a time. */
export const MIGRATION_LOCK = 7_201_501;
export const APPEND_LOCK = 7_201_502;

/** A migration: SQL, or a step that needs this process (keys made as the writer makes them). */
type Migration = string | ((client: pg.PoolClient) => Promise<void>);

const MIGRATIONS: readonly Migration[] = [
  // 1: events, their statuses, deliveries, snapshots, the chain head.
  `CREATE EXTENSION IF NOT EXISTS pg_trgm;
   CREATE TABLE plant_events (
     seq bigint PRIMARY KEY,
     id text NOT NULL UNIQUE,
     type text NOT NULL,
     source text NOT NULL,
     ts double precision NOT NULL,
     priority smallint NOT NULL,
     status0 smallint NOT NULL,
     subject text,
     correlation_id text,
     hash text NOT NULL,
     body text NOT NULL,
     payload_lc text NOT NULL
   );
   COMMENT ON COLUMN plant_events.body IS 'the event as JSON text (without seq, status, subject and hash); cast to jsonb to query it';
   COMMENT ON COLUMN plant_events.status0 IS 'the status given at append (index in CREATED, PUBLISHED, DELIVERED, PROCESSED, FAILED); later moves are in event_status';
   CREATE INDEX plant_events_type ON plant_events (type, seq);
   CREATE INDEX plant_events_source ON plant_events (source, seq);
   CREATE INDEX plant_events_subject ON plant_events (subject, seq) WHERE subject IS NOT NULL;
   CREATE INDEX plant_events_correlation ON plant_events (correlation_id, seq) WHERE correlation_id IS NOT NULL;
   CREATE INDEX plant_events_ts ON plant_events (ts);
   CREATE INDEX plant_events_priority ON plant_events (priority, seq);
   CREATE INDEX plant_events_text ON plant_events USING gin (payload_lc gin_trgm_ops);

   CREATE TABLE event_status (seq bigint PRIMARY KEY, status smallint NOT NULL);
   CREATE INDEX event_status_status ON event_status (status, seq);

   CREATE TABLE deliveries (
     subscriber text NOT NULL,
     event_id text NOT NULL,
     seq bigint NOT NULL,
     status text NOT NULL,
     dead_lettered_at double precision,
     discarded_at double precision,
     record text NOT NULL,
     PRIMARY KEY (subscriber, event_id)
   );
   CREATE INDEX deliveries_event ON deliveries (event_id);
   CREATE INDEX deliveries_pending ON deliveries (subscriber, seq) WHERE status <> 'PROCESSED' AND dead_lettered_at IS NULL;
   CREATE INDEX deliveries_dead ON deliveries (dead_lettered_at, seq) WHERE dead_lettered_at IS NOT NULL AND discarded_at IS NULL;

   CREATE TABLE snapshots (
     key text NOT NULL,
     seq bigint NOT NULL,
     max_ts double precision NOT NULL,
     created_at double precision NOT NULL,
     state text NOT NULL,
     PRIMARY KEY (key, seq)
   );

   CREATE TABLE chain_head (one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint NOT NULL, hash text NOT NULL);
   INSERT INTO chain_head (seq, hash) VALUES (0, '${GENESIS_HASH}');

   CREATE FUNCTION plant_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'plant_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$;
   CREATE TRIGGER plant_events_append_only BEFORE UPDATE OR DELETE ON plant_events
     FOR EACH ROW EXECUTE FUNCTION plant_events_refuse_change();
   CREATE TRIGGER plant_events_no_truncate BEFORE TRUNCATE ON plant_events
     FOR EACH STATEMENT EXECUTE FUNCTION plant_events_refuse_change();

   CREATE FUNCTION chain_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq THEN
       RAISE EXCEPTION 'chain_head only moves forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
     END IF;
     RETURN NEW;
   END $$;
   CREATE TRIGGER chain_head_forward BEFORE UPDATE OR DELETE ON chain_head
     FOR EACH ROW EXECUTE FUNCTION chain_head_forward_only();`,
  // 2: the time index carries what a page in a time window filters on, so that such a page is found in the index
  // alone (pgReader.ts): walking seq and reading each row's time read 130,000 rows for 201 at 200,000 events.
  `CREATE INDEX plant_events_ts_cover ON plant_events (ts) INCLUDE (seq, type, subject, priority);
   DROP INDEX plant_events_ts;`,
  // 3: free text through the blocks' keys (pgTextBlocks.ts) instead of pg_trgm over every event, which cost
  // PostgreSQL as much CPU per append as everything else together.
  async (client) => {
    await client.query(`CREATE OR REPLACE FUNCTION plant_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TABLE text_blocks (first_seq bigint PRIMARY KEY, last_seq bigint NOT NULL, keys int4[] NOT NULL);
      COMMENT ON TABLE text_blocks IS 'the free-text index: the hashed words and trigrams of the events first_seq to last_seq';
      CREATE TRIGGER text_blocks_append_only BEFORE UPDATE OR DELETE ON text_blocks FOR EACH ROW EXECUTE FUNCTION plant_events_refuse_change();
      CREATE TRIGGER text_blocks_no_truncate BEFORE TRUNCATE ON text_blocks FOR EACH STATEMENT EXECUTE FUNCTION plant_events_refuse_change();`);
    await buildTextBlocks(client);
    await client.query('CREATE INDEX text_blocks_keys ON text_blocks USING gin (keys); DROP INDEX plant_events_text');
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaVersionError extends Error {
  override readonly name = 'SchemaVersionError';
}

/** Brings the database up to SCHEMA_VERSION, inside the caller's transaction; refuses a newer one. */
export async function migrate(client: pg.PoolClient, target: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  // Created only when missing, so a station role without CREATE can open an up-to-date database.
  const exists = await client.query<{ found: string | null }>("SELECT to_regclass('schema_version')::text AS found");
  if (exists.rows[0]?.found === null) await client.query('CREATE TABLE schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const current = Number((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version')).rows[0]?.v ?? 0);
  if (current > SCHEMA_VERSION) {
    throw new SchemaVersionError(
      `The PostgreSQL event store at ${target} has schema version ${current}, newer than this console's ${SCHEMA_VERSION}: open it with a newer version of the console; nothing was changed.`,
    );
  }
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    const migration = MIGRATIONS[version - 1]!;
    if (typeof migration === 'string') await client.query(migration);
    else await migration(client);
    await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version]);
  }
}
