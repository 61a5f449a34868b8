// `npm run audit -- verify|export --store postgres://…` on a real PostgreSQL 15 started here:
// the store's chain verified (and a changed row named), an export written and verified
// intact, and an unreachable server told in one sentence without the password.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCli } from '../../main/audit/cli';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { makeEvents } from '../support/events';
import { freePort } from '../support/ports';
import { PostgresServer, postgresAvailable } from '../support/postgresServer';
import { postgresTamper } from '../support/postgresStore';

function output() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

describe.skipIf(!postgresAvailable())('npm run audit on a PostgreSQL store', () => {
  let server: PostgresServer;
  const dir = mkdtempSync(join(tmpdir(), 'audit-pg-'));
  beforeAll(async () => {
    server = await PostgresServer.start();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('verifies the chain, exports NDJSON that verifies intact, and names a row changed behind its back', async () => {
    const url = server.url(await server.createDatabase());
    const store = await PostgresEventStore.open({ url });
    await store.append(makeEvents(30));
    const head = await store.chainHead();
    await store.close();

    const verified = output();
    expect(await runAuditCli(['verify', '--store', url], verified.io)).toBe(0);
    expect(verified.out).toEqual([`intact: 30 events, head hash ${head.hash}`]);

    const file = join(dir, 'plant.ndjson');
    const exported = output();
    expect(await runAuditCli(['export', '--store', url, '--format', 'ndjson', '--out', file], exported.io)).toBe(0);
    const exportHead = /^exported 30 events to .+ \(ndjson\), head hash ([0-9a-f]{64})$/.exec(exported.out[0] ?? '')?.[1];
    expect(exportHead, exported.out[0]).toBeDefined();
    const checked = output();
    expect(await runAuditCli(['verify', file], checked.io)).toBe(0);
    expect(checked.out).toEqual([`intact: 30 events, head hash ${exportHead}`]);

    const latest = await PostgresEventStore.open({ url });
    try {
      await postgresTamper(url, () => latest)(12, (event) => ({ ...event, source: 'someone-else' }));
    } finally {
      await latest.close();
    }
    const broken = output();
    expect(await runAuditCli(['verify', '--store', url], broken.io)).toBe(1);
    expect(broken.out[0]).toMatch(/^broken: event seq 12 \(id [0-9a-f-]{36}\): hash mismatch/);
  });

  it('says in one sentence that the server cannot be reached, without the password', async () => {
    const port = await freePort();
    const run = runAuditCli(['verify', '--store', `postgres://auditor:n0t-t0-be-seen@127.0.0.1:${port}/plant`], output().io);
    await expect(run).rejects.toThrow(new RegExp(`^The PostgreSQL event store at 127\\.0\\.0\\.1:${port}/plant cannot be reached`));
    await expect(run).rejects.not.toThrow(/n0t-t0-be-seen|auditor/);
  });
});
