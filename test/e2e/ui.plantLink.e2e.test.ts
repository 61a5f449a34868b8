/**
 * The plant link set up from the screen (issue 14 §1), in browser mode on a fresh data
 * folder with a real nats-server started here: the operator types a wrong server URL and is
 * told in one sentence what is wrong with which field, then types the right URL and the
 * station's name key by key, saves, and the app bar's chip says connected. The settings are
 * in settings.json, and the form shows them again after a reload of the page.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NatsServer, natsMissing } from '../support/natsServer';
import { startHostSession, type UiPage, type UiSession } from './support/uiPage';

describe.skipIf(natsMissing())('plant link settings in the Connections view', () => {
  let server: NatsServer;
  let session: UiSession;
  let ui: UiPage;
  // A fresh data folder, settings file included; no simulator, so that the link's first minutes carry only what the test does.
  const dataDir = mkdtempSync(join(tmpdir(), 'ui-plant-link-'));

  beforeAll(async () => {
    [server, session] = await Promise.all([
      NatsServer.start(),
      startHostSession({ dataDir, core: { settingsFile: join(dataDir, 'settings.json'), healthEverySeconds: 0 } }),
    ]);
    ({ ui } = session);
  });

  afterAll(async () => {
    await session?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const text = (testId: string) => ui.testId(testId).textContent();

  test('a bad server URL is refused by name; typed right, the station links and the chip says connected', async () => {
    await ui.go('connections');
    await expect.poll(() => text('plant-link-off')).toContain('Off: this station runs on its own');
    expect(await ui.testId('plant-link-state').count()).toBe(0);

    await ui.type('plant-link-servers', 'http://x');
    await ui.type('plant-link-station', 'line-side');
    await ui.testId('plant-link-save').click();
    await expect.poll(() => text('plant-link-form-error')).toBe(
      'plantLink.configure: servers[0]: must look like nats://HOST:PORT or tls://HOST:PORT, without a user name or password in it',
    );
    expect(await text('plant-link-off')).toContain('Off');

    await ui.type('plant-link-servers', server.url);
    await ui.testId('plant-link-save').click();
    await ui.testId('plant-link-saved').waitFor();
    await ui.page.locator('[data-testid="plant-link-state"][data-state="connected"]').waitFor({ timeout: 30_000 });
    expect(await text('plant-link-state')).toMatch(/^Plant link: connected/);
    await expect.poll(() => text('plant-link-words')).toMatch(/^Plant link: connected/);
    expect(await text('plant-link-card')).toContain('Station line-side');
    await ui.expectAccessible('the plant link form');
    await ui.screenshot('plant-link-connected');

    const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { plantLink?: unknown };
    expect(saved.plantLink).toEqual({ servers: [server.url], station: 'line-side', stream: 'PLANT' });
    await ui.page.reload();
    await ui.go('connections');
    await expect.poll(() => ui.testId('plant-link-station').inputValue()).toBe('line-side');
    expect(await ui.testId('plant-link-servers').inputValue()).toBe(server.url);
    expect(ui.errors).toEqual([]);
  }, 360_000);
});
