/**
 * Three stations in browser mode (issue 14 §4), each a host on its own fresh data folder with
 * its store on disk, linked through one nats-server started here, each with a console open:
 * an event published at A through the API shows once on B's and C's timelines, naming A as
 * its origin; a measurement out of spec raises one alarm everywhere, and when the operator
 * at B acknowledges it with a typed note, A's and C's screens show it acknowledged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWebHost, type WebHost } from '../../main/web/server';
import { checkPlantSettings } from '../../main/plant/plantSettings';
import type { StoredEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { NatsServer, natsMissing } from '../support/natsServer';
import { UiPage } from './support/uiPage';

const NAMES = ['a', 'b', 'c'] as const;

/** Publishes through the page's `window.plant`, as the console's own code and an operator's script do. */
function publishAt(ui: UiPage, input: PublishInput): Promise<StoredEvent> {
  return ui.page.evaluate((event) => (window as unknown as { plant: { events: { publish(e: unknown): Promise<StoredEvent> } } }).plant.events.publish(event), input as never);
}

describe.skipIf(natsMissing())('three browser-mode stations on one plant link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plant-three-'));
  let server: NatsServer;
  let browser: Browser;
  const hosts: WebHost[] = [];
  const uis: UiPage[] = [];

  beforeAll(async () => {
    server = await NatsServer.start();
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    // One after the other: three store hosts starting at once on a loaded machine wait for each other anyway.
    for (const name of NAMES) {
      const dataDir = join(dir, name);
      hosts.push(await startWebHost({ dataDir, core: { settingsFile: join(dataDir, 'settings.json'), healthEverySeconds: 0, user: `operator-${name}`, plant: checkPlantSettings({ servers: [server.url], station: name }) } }));
      uis.push(await UiPage.open(browser, hosts.at(-1)!.url));
    }
  }, 300_000);

  afterAll(async () => {
    for (const ui of uis) await ui.close();
    await browser?.close();
    for (const host of hosts) await host.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an event from A shows once at B and C; an alarm acknowledged at B shows acknowledged at A and C', async () => {
    const [a, b, c] = uis as [UiPage, UiPage, UiPage];
    for (const ui of uis) await ui.page.locator('[data-testid="plant-link-state"][data-state="connected"]').waitFor({ timeout: 60_000 });

    for (const ui of uis) await ui.go('timeline');
    const note = await publishAt(a, { type: 'operator.note.added', source: 'station-a-test', payload: { subject: 'shift', text: 'handover at line 2' } });
    for (const ui of [b, c]) {
      await expect.poll(() => ui.eventRow(note.id).count(), { timeout: 60_000 }).toBe(1);
    }
    for (const host of hosts.slice(1)) {
      const stored = (await host.core.store.get(note.id)) as StoredEvent;
      expect(stored.metadata.plant).toMatchObject({ station: 'a' });
      expect((await host.core.store.query({ types: ['operator.note.added'] })).events).toHaveLength(1);
    }

    await publishAt(a, {
      type: 'quality.measurement.recorded',
      source: 'station-a-test',
      payload: { equipmentId: 'oven-7', lineId: 'line-2', parameter: 'diameter', value: 12.9, unit: 'mm', lowerLimit: 12, upperLimit: 12.5, isWithinSpec: false },
    });
    const row = (ui: UiPage) => ui.page.locator('[data-testid="alarm-row"][data-alarm-id="out-of-spec:oven-7"]');
    for (const ui of uis) {
      await ui.go('alarms');
      await expect.poll(() => row(ui).getAttribute('data-state'), { timeout: 60_000 }).toBe('ACTIVE_UNACK');
    }

    await row(b).getByRole('checkbox').check();
    await b.press('a');
    await b.testId('alarm-command-text').pressSequentially('gauge checked at line 2', { delay: 40 });
    await b.testId('alarm-command-confirm').click();
    await expect.poll(() => row(b).getAttribute('data-state')).toBe('ACTIVE_ACK');
    for (const ui of [a, c]) {
      await expect.poll(() => row(ui).getAttribute('data-state'), { timeout: 60_000 }).toBe('ACTIVE_ACK');
      await expect.poll(() => row(ui).textContent()).toContain('gauge checked at line 2');
    }
    // One raise and one acknowledgement in every store, whichever station derived or typed it.
    for (const host of hosts) {
      const alarms = (await host.core.store.query({ types: ['alarm.*'] })).events.map((e) => e.type).sort();
      expect(alarms).toEqual(['alarm.acknowledged', 'alarm.raised']);
    }
    await b.screenshot('plant-three-stations-b');
    for (const ui of uis) expect(ui.errors).toEqual([]);
  }, 600_000);
});
