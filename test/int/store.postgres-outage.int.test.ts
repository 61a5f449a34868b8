// A PostgreSQL outage under the store, on a real server this file stops and starts: an
// append fails with one sentence after the bounded wait, an append waiting when the server
// comes back goes through, the pool reconnects by itself, and nothing acknowledged is lost,
// after a clean stop or a crash (immediate stop).
import { describe, expect, it } from 'vitest';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import type { StoredEvent } from '../../shared/events/event';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { PostgresUnavailableError } from '../../main/store/postgres/pgConnection';
import { makeEvents } from '../support/events';
import type { PostgresServer } from '../support/postgresServer';
import { postgresAvailable, serverForThisFile } from '../support/postgresServer';

describe.skipIf(!postgresAvailable())('PostgresEventStore through a PostgreSQL outage', () => {
  let server!: PostgresServer;
  serverForThisFile((started) => (server = started));

  it('fails appends with one sentence while the server is down, then reconnects by itself with nothing lost', { timeout: 90_000 }, async () => {
    const url = server.url(await server.createDatabase());
    const impatient = await PostgresEventStore.open({ url, waitMs: 1_000 });
    const patient = await PostgresEventStore.open({ url, waitMs: 60_000 });
    const acknowledged: StoredEvent[] = [];
    try {
      acknowledged.push(...(await impatient.append(makeEvents(20))), ...(await patient.append(makeEvents(5))));
      for (const mode of ['fast', 'immediate'] as const) {
        await server.pause(mode);
        const refused = await impatient.append(makeEvents(3)).then(() => null, (error: unknown) => error as Error);
        expect(refused).toBeInstanceOf(PostgresUnavailableError);
        expect(refused!.message).toMatch(/^The PostgreSQL event store at 127\.0\.0\.1:\d+\/\w+ cannot be reached \(.+\): 3 events were not stored \(waited 1 s\)\.$/);
        expect((await impatient.query({}).catch((error: unknown) => error)) as Error).toBeInstanceOf(PostgresUnavailableError);

        // An append made while the server is down waits for it (up to its bound) and is stored once it is back.
        const waiting = patient.append(makeEvents(4));
        await server.resume();
        acknowledged.push(...(await waiting));
        acknowledged.push(...(await impatient.append(makeEvents(2))));
      }
      const reopened = await PostgresEventStore.open({ url });
      try {
        expect(await reopened.headSeq()).toBe(acknowledged.length);
        for (const event of acknowledged) expect(await reopened.get(event.id)).toEqual(event);
        expect(await verifyStoreChain(reopened)).toMatchObject({ ok: true, events: acknowledged.length });
      } finally {
        await reopened.close();
      }
    } finally {
      await Promise.all([impatient.close(), patient.close()]);
    }
  });
});
