/**
 * The operator is told when the store was rebuilt: the profile of a browser-mode data folder
 * is deleted between two runs (as when Chromium wipes a database it finds broken), the next
 * start rebuilds it from the journal, and the console shows a banner saying what happened,
 * how many events came back and where the damaged store was kept, until the alarm is
 * acknowledged. Every acknowledged event is back with its seq and hash.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebHost } from '../../main/web/server';
import type { StoredEvent } from '../../shared/events/event';
import { startHostSession, type UiSession } from './support/uiPage';

const dataDir = mkdtempSync(join(tmpdir(), 'plant-ui-recovered-'));
let session: UiSession | null = null;
afterAll(async () => {
  await session?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a store rebuilt from the journal', () => {
  it('is announced on screen until the operator acknowledges it, with every acknowledged event back', async () => {
    const core = { healthEverySeconds: 0, settingsFile: join(dataDir, 'settings.json'), user: 'olga' };
    const first = await startWebHost({ dataDir, core });
    const acknowledged: StoredEvent[] = [];
    for (let n = 0; n < 40; n++) acknowledged.push(await first.core.bus.createAndPublishEvent('line.counter.incremented', { n }));
    const recorded = await first.core.store.headSeq();
    await first.close();

    rmSync(join(dataDir, 'chromium-profile'), { recursive: true, force: true });
    session = await startHostSession({ dataDir, core });
    const { ui, host } = session;

    const banner = ui.testId('store-recovered-banner');
    await expect.poll(() => banner.textContent(), { timeout: 30_000 }).toContain('The event store was rebuilt from the journal');
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain(`the event store is empty, but this data folder recorded events 1 to ${recorded} as stored: all ${recorded} were lost`);
    expect(text).toContain(`${recorded} events were restored`);
    const aside = readdirSync(dataDir).find((name) => name.startsWith('chromium-profile.damaged-'));
    expect(aside).toBeDefined();
    expect(text).toContain(join(dataDir, aside as string));
    expect(existsSync(join(dataDir, aside as string))).toBe(true);
    for (const event of acknowledged) expect((await host.core.store.getBySeq(event.seq))?.hash).toBe(event.hash);

    // The operator acknowledges the alarm, typing the note key by key; the banner goes.
    await ui.go('alarms');
    const row = ui.page.locator('[data-testid="alarm-row"][data-alarm-id="system:store-recovered"]');
    await row.getByRole('checkbox').check();
    await ui.testId('alarm-ack').click();
    await ui.type('alarm-command-text', 'journal rebuild checked');
    await ui.testId('alarm-command-confirm').click();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    expect(host.core.alarms.active().find((alarm) => alarm.alarmId === 'system:store-recovered')?.acknowledged).toMatchObject({ by: 'olga', note: 'journal rebuild checked' });
  }, 180_000);
});
