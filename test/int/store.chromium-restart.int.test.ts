// Durability across a real browser restart: DexieEventStore on Chromium's on-disk IndexedDB
// (a persistent profile), the browser closed and launched again on the same profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorePage } from '../support/browserPage';
import type { StorePage } from '../support/browserPage';
import type { AppendInput } from '../../shared/store/eventStore';
import { makeEvents } from '../support/events';

const DB = 'plant-events';
const BATCHES = 5;
const PER_BATCH = 200;

describe('DexieEventStore on Chromium across a browser restart', () => {
  const profiles: string[] = [];
  const pages: StorePage[] = [];

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
    for (const dir of profiles.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every event and delivery, and continues seq without a gap', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'plant-store-restart-'));
    profiles.push(profileDir);

    const first = await openStorePage({ profileDir });
    pages.push(first);
    await first.page.evaluate((db) => window.__store.open(db), DB);
    const written = [];
    for (let b = 0; b < BATCHES; b++) {
      const events = makeEvents(PER_BATCH, (i) => ({ payload: { equipmentId: `press-${i % 4}`, n: b * PER_BATCH + i } }));
      const deliveries = events.map((_, i) => (i % 2 ? ['audit'] : ['audit', 'alarms']));
      // Arguments cross as one JSON string: Playwright's argument types recurse too deep on JsonValue.
      const batch = JSON.stringify({ events, deliveries });
      written.push(...(await first.page.evaluate((json) => {
        const { events: e, deliveries: d } = JSON.parse(json) as { events: AppendInput[]; deliveries: string[][] };
        return window.__store.append(e, d);
      }, batch)));
    }
    const total = BATCHES * PER_BATCH;
    expect(written.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await first.page.evaluate(() => window.__store.close());
    await first.close();
    pages.splice(0);

    const second = await openStorePage({ profileDir });
    pages.push(second);
    await second.page.evaluate((db) => window.__store.open(db), DB);
    expect(await second.page.evaluate(() => window.__store.headSeq())).toBe(total);
    expect(await second.page.evaluate(() => window.__store.count())).toBe(total);
    const read = [];
    let cursor: string | undefined;
    do {
      const page = await second.page.evaluate((c) => window.__store.query({ limit: 1000, ...(c ? { cursor: c } : {}) }), cursor);
      read.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    expect(read).toEqual(written);
    const audit = await second.page.evaluate(() => window.__store.pendingDeliveries('audit'));
    const alarms = await second.page.evaluate(() => window.__store.pendingDeliveries('alarms'));
    expect(audit.map((d) => d.seq)).toEqual(written.map((e) => e.seq));
    expect(alarms.map((d) => d.seq)).toEqual(written.filter((_, i) => i % 2 === 0).map((e) => e.seq));
    expect(audit.every((d) => d.status === 'PUBLISHED' && d.attempts === 0)).toBe(true);

    const [next] = await second.page.evaluate((json) => window.__store.append(JSON.parse(json) as AppendInput[]), JSON.stringify(makeEvents(1)));
    expect(next!.seq).toBe(total + 1);
    await second.page.evaluate(() => window.__store.close());
  });
});
