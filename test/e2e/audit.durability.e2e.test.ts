/**
 * The audit command line's durability side on a real browser-mode data folder: it says the
 * application is running instead of failing on Chromium's profile lock, backs the history up
 * while the application runs, restores it into another folder (a round trip that keeps every
 * seq and hash), refuses a tampered backup without touching anything, and `verify
 * --data-dir` checks the journal and the anchor and names a lost store.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAuditCli } from '../../main/audit/cli';
import { verifyExportFile } from '../../main/audit/verifyFile';
import { readAnchor } from '../../main/store/anchor';
import { startWebHost, type WebHost } from '../../main/web/server';
import type { StoredEvent } from '../../shared/events/event';

const root = mkdtempSync(join(tmpdir(), 'audit-durability-'));
const hosts: WebHost[] = [];
afterAll(async () => {
  for (const host of hosts) await host.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runAuditCli(argv, { out: (line) => out.push(line), err: () => undefined });
  return { code, out };
}

describe('backup, restore and verify with the journal', () => {
  const dataDir = join(root, 'plant');
  const backup = join(root, 'backup.ndjson');
  const acknowledged: StoredEvent[] = [];

  it('says the application is running, and backs up while it runs', async () => {
    const host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    hosts.push(host);
    for (let n = 0; n < 300; n += 20) {
      acknowledged.push(...(await host.core.bus.publishBatch(Array.from({ length: 20 }, (_, i) => ({ type: 'line.counter.incremented', payload: { n: n + i } })))));
    }
    await expect(run(['verify', '--data-dir', dataDir])).rejects.toThrow(new RegExp(`^the Plant Event Console is running on ${dataDir} \\(pid ${process.pid}\\); stop it first`));

    const head = await host.core.store.headSeq();
    await expect.poll(() => { const read = readAnchor(dataDir); return read.ok ? read.anchor?.seq : -1; }).toBe(head);
    const saved = await run(['backup', '--data-dir', dataDir, '--out', backup]);
    expect(saved.code).toBe(0);
    expect(saved.out[0]).toMatch(new RegExp(`^backed up ${head} events \\(seq 1 to ${head}\\) to ${backup}, head hash [0-9a-f]{64}$`));
    expect(await verifyExportFile(backup)).toMatchObject({ ok: true, events: head });
    await host.close();
    hosts.pop();
  });

  it('verify --data-dir checks the journal and the anchor too', async () => {
    const verified = await run(['verify', '--data-dir', dataDir]);
    expect(verified.code).toBe(0);
    expect(verified.out).toEqual([
      expect.stringMatching(/^intact: 300 events/),
      'journal intact: 300 events (seq 1 to 300)',
      'the store holds everything the journal and the anchor recorded (up to seq 300)',
    ]);
  });

  it('restores the backup into another folder with every seq and hash', async () => {
    const other = join(root, 'restored');
    expect(await run(['restore', backup, '--data-dir', other])).toEqual({ code: 0, out: [`restored 300 events into ${other}`] });
    const host = await startWebHost({ dataDir: other, core: { healthEverySeconds: 0 } });
    hosts.push(host);
    expect(host.recovery).toBeNull();
    let lost = 0;
    for (const event of acknowledged) if ((await host.core.store.getBySeq(event.seq))?.hash !== event.hash) lost++;
    console.log(`backup/restore round trip: tried ${acknowledged.length}, survived ${acknowledged.length - lost}, lost ${lost}`);
    expect(lost).toBe(0);
    await host.close();
    hosts.pop();
  });

  it('refuses a tampered backup and changes nothing', async () => {
    const tampered = join(root, 'tampered.ndjson');
    writeFileSync(tampered, readFileSync(backup, 'utf8').replace('"n":7', '"n":8'));
    const target = join(root, 'untouched');
    mkdirSync(target);
    const refused = await run(['restore', tampered, '--data-dir', target]);
    expect(refused.code).toBe(1);
    expect(refused.out).toEqual([expect.stringMatching(/^refused: tampered\.ndjson does not verify \(line \d+: the content does not match its hash.*; nothing was changed$/)]);
    expect(existsSync(join(target, 'journal'))).toBe(false);
  });

  it('verify --data-dir names a store that lost its events', async () => {
    rmSync(join(dataDir, 'chromium-profile'), { recursive: true });
    mkdirSync(join(dataDir, 'chromium-profile'));
    const verified = await run(['verify', '--data-dir', dataDir]);
    expect(verified.code).toBe(1);
    expect(verified.out).toContain('store lost: the event store is empty, but this data folder recorded events 1 to 300 as stored: all 300 were lost; the next start of the application rebuilds it from the journal');
  });
});
