/**
 * The screens for the plant's sources, end to end in browser mode on a fresh data folder with
 * the simulator running: Connections (a real Mosquitto that requires a password: test with a
 * closed port, test and save the right settings, the status turning "connected", a wrong
 * password shown as the last error, the password never shown back), Simulator (pause,
 * resume, a new rate typed), and Import of event files (all or nothing refused with the bad
 * line named, then only the valid lines; the report still there after leaving the view).
 * Everything is typed key by key; the assertions read the screen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WebHost } from '../../main/web/server';
import { makeEvents } from '../support/events';
import { MosquittoBroker } from '../support/mosquitto';
import { startHostSession, type UiPage, type UiSession } from './support/uiPage';

const SECRET = 'press-line-pw';
const dir = mkdtempSync(join(tmpdir(), 'ui-sources-'));
let broker: MosquittoBroker;
let session: UiSession;
let host: WebHost;
let ui: UiPage;

beforeAll(async () => {
  const data = join(dir, 'data');
  [broker, session] = await Promise.all([
    MosquittoBroker.start({ users: { plant: SECRET } }),
    startHostSession({ dataDir: data, core: { simulator: { rate: 20 }, settingsFile: join(data, 'settings.json'), healthEverySeconds: 0 } }),
  ]);
  ({ host, ui } = session);
});

afterAll(async () => {
  await session?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const text = (testId: string) => ui.testId(testId).textContent();

describe('Connections', () => {
  test('opens from the MQTT chip, tests a closed port and the real broker, saves, and shows "connected"', async () => {
    await ui.testId('ingest-mqtt').click();
    await ui.testId('view-connections').waitFor();
    await expect.poll(() => text('mqtt-status')).toContain('No broker configured');

    await ui.type('mqtt-url', 'mqtt://127.0.0.1:1');
    await ui.type('mqtt-username', 'plant');
    await ui.type('mqtt-password', SECRET);
    // The status refreshes every second while the simulator publishes: what was typed stays.
    await expect.poll(() => ui.testId('mqtt-url').inputValue(), { timeout: 3_000 }).toBe('mqtt://127.0.0.1:1');
    await ui.testId('mqtt-test').click();
    await expect.poll(() => text('mqtt-test-result')).toContain('mqtt://127.0.0.1:1 refused the connection: nothing listens on that port');

    await ui.type('mqtt-url', broker.url);
    await ui.testId('mqtt-test').click();
    await expect.poll(() => text('mqtt-test-result')).toContain(`Connected to mqtt://127.0.0.1:${broker.port}`);
    expect(await text('mqtt-test-result')).toContain('Nothing was saved.');
    expect(await text('mqtt-status')).toContain('No broker configured');
    await ui.expectAccessible('the Connections view');

    await ui.testId('mqtt-save').click();
    await ui.page.locator('[data-testid="mqtt-status"][data-state="connected"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => text('ingest-mqtt'), { timeout: 8_000 }).toBe('MQTT default: connected');
    // The password field is write-only: empty, and labelled as set.
    expect(await ui.testId('mqtt-password').inputValue()).toBe('');
    expect(await text('mqtt-form')).toContain('a password is set');
    await ui.screenshot('connections-connected');
    // Long for a test: three fields typed key by key and two broker round trips, on a machine the CI may share.
  }, 240_000);

  test('shows a wrong password as the last error, and keeps the settings when the operator comes back', async () => {
    await ui.type('mqtt-password', 'not-the-password');
    await ui.testId('mqtt-save').click();
    await expect.poll(() => text('mqtt-last-error'), { timeout: 15_000 }).toMatch(/Not authorized/i);
    await ui.screenshot('connections-last-error');

    await ui.go('timeline');
    await ui.go('connections');
    await expect.poll(() => ui.testId('mqtt-url').inputValue()).toBe(broker.url);
    expect(await ui.testId('mqtt-username').inputValue()).toBe('plant');
    expect(await ui.page.content()).not.toContain('not-the-password');

    // Put the right password back: connected again.
    await ui.type('mqtt-password', SECRET);
    await ui.testId('mqtt-save').click();
    await ui.page.locator('[data-testid="mqtt-status"][data-state="connected"]').waitFor({ timeout: 15_000 });
  });
});

describe('Simulator', () => {
  test('opens from its chip, pauses, takes a new rate typed by the operator, and resumes', async () => {
    await ui.testId('ingest-simulator').click();
    await ui.testId('view-simulator').waitFor();
    await expect.poll(() => text('simulator-state')).toContain('Running at 20 events/s');
    await ui.testId('simulator-pause').click();
    await expect.poll(() => text('simulator-state')).toContain('Paused');
    // The app bar's chip reads the status every 5 s.
    await expect.poll(() => text('ingest-simulator'), { timeout: 8_000 }).toBe('Simulator: paused');

    await ui.type('simulator-rate', '5x');
    expect(await text('simulator')).toContain('Give a number of events per second');
    expect(await ui.testId('simulator-set-rate').isDisabled()).toBe(true);
    await ui.type('simulator-rate', '50');
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => ui.testId('simulator-state').getAttribute('data-rate')).toBe('50');
    await ui.testId('simulator-resume').click();
    await expect.poll(() => text('simulator-state')).toContain('Running at 50 events/s');
    await expect.poll(() => text('ingest-simulator'), { timeout: 8_000 }).toBe('Simulator: 50 ev/s');
    await ui.expectAccessible('the Simulator view');
    await ui.screenshot('simulator');
  });
});

describe('Import of event files', () => {
  test('refuses a file with a bad line all or nothing, naming the line, then imports only the valid lines', async () => {
    const events = makeEvents(3, (i) => ({ type: 'operator.note.added', source: 'shift-log', payload: { note: `note ${i}` } }));
    const file = join(dir, 'shift-notes.ndjson');
    const lines = events.map((e) => JSON.stringify(e));
    lines.splice(2, 0, '{"id": "not-an-event"');
    writeFileSync(file, `${lines.join('\n')}\n`);

    await ui.go('import');
    await ui.type('events-import-path', 'shift-notes.ndjson');
    expect(await text('events-import-form')).toContain('Give an absolute path');
    await ui.type('events-import-path', file);
    await ui.testId('events-import-run').click();
    const report = ui.page.getByTestId('events-import-report');
    await expect.poll(() => report.getAttribute('data-outcome')).toBe('refused');
    expect(await text('events-import-summary')).toContain('0 events imported');
    await expect.poll(() => ui.page.locator('[data-testid="events-import-error"]').first().getAttribute('data-line')).toBe('3');
    expect(await (await ui.page.getByTestId('events-import-error').first().textContent())?.startsWith('line 3: ')).toBe(true);
    expect((await host.core.store.query({ types: ['operator.note.added'] })).events).toHaveLength(0);

    await ui.testId('events-import-mode-valid').click();
    await ui.testId('events-import-run').click();
    await expect.poll(() => report.getAttribute('data-outcome')).toBe('imported');
    expect(await text('events-import-summary')).toContain('3 events imported');
    expect(await text('events-import-summary')).toContain('1 bad line');
    expect((await host.core.store.query({ types: ['operator.note.added'] })).events).toHaveLength(3);
    await ui.expectAccessible('the Import view with a report');
    await ui.screenshot('import-report');

    // The report is main's: still there after the operator looked elsewhere.
    await ui.go('equipment');
    await ui.go('import');
    await expect.poll(() => report.getAttribute('data-imported')).toBe('3');
    expect(await ui.testId('events-import-path').inputValue()).toBe(file);
  });
});
