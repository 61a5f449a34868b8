// `npm run audit` with CloudEvents between two data folders (on-disk stores in Chromium): export as
// CloudEvents NDJSON and as a batch, every event checked by the cloudevents SDK, imported into
// another folder, the same events there.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudEvent } from 'cloudevents';
import { afterAll, describe, expect, it } from 'vitest';
import { runAuditCli } from '../../main/audit/cli';
import { openDataDirStore } from '../../main/audit/dataDirStore';
import type { StoredEvent } from '../../shared/events/event';
import { auditHistory, portable } from '../support/auditFixture';

const root = mkdtempSync(join(tmpdir(), 'audit-cloudevents-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuditCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

async function eventsIn(dataDir: string, types: string[]): Promise<StoredEvent[]> {
  const opened = await openDataDirStore(dataDir, { mustExist: true });
  try {
    return (await opened.store.query({ types, limit: 1000 })).events;
  } finally {
    await opened.close();
  }
}

describe('npm run audit with CloudEvents', () => {
  it('exports CloudEvents NDJSON and a batch from one data folder and imports each into another, with the same events', async () => {
    const plant = join(root, 'plant');
    const opened = await openDataDirStore(plant, { mustExist: false });
    await opened.store.append(auditHistory(150));
    await opened.close();
    const original = await eventsIn(plant, ['equipment.*', 'quality.*', 'alarm.*', 'production.*']);
    expect(original).toHaveLength(150);

    for (const [format, name] of [['cloudevents', 'events.ndjson'], ['cloudevents-batch', 'events.json']] as const) {
      const file = join(root, name);
      const exported = await cli(['export', '--data-dir', plant, '--format', format, '--out', file, '--types', 'equipment.*,quality.*,alarm.*,production.*']);
      expect(exported).toMatchObject({ code: 0, out: [expect.stringMatching(new RegExp(`^exported 150 events to .* \\(${format}\\)`))] });
      const text = readFileSync(file, 'utf8');
      const cloudEvents = (format === 'cloudevents' ? text.trimEnd().split('\n').map((line) => JSON.parse(line)) : JSON.parse(text)) as Record<string, unknown>[];
      expect(cloudEvents).toHaveLength(151);
      for (const candidate of cloudEvents) expect(new CloudEvent(candidate, true).validate()).toBe(true);

      const review = join(root, `review-${format}`);
      expect((await cli(['import', file, '--data-dir', review])).out).toEqual(['verified: imported 150, already present 0, invalid lines 0']);
      expect((await eventsIn(review, ['*'])).map(portable)).toEqual(original.map(portable));
    }
  });

  it('refuses a CloudEvents file with a malformed event in one sentence, and stores nothing', async () => {
    const file = join(root, 'bad.ndjson');
    const good = { specversion: '1.0', id: 'x-1', source: 'a', type: 'b.c.d', time: '2026-12-03T08:00:00Z', data: {} };
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, id: 'x-2', time: 'now' })}\n`);
    const target = join(root, 'bad-target');
    const refused = await cli(['import', file, '--data-dir', target, '--accept-broken']);
    expect(refused).toMatchObject({ code: 1, out: [expect.stringMatching(/^refused: line 2: "time" must be an RFC 3339 time such as 2026-12-03T08:00:00.000Z, not "now"$/)] });
    expect(await eventsIn(target, ['*'])).toHaveLength(0);
  });
});
