/**
 * What an operator expects, end to end in browser mode with the simulator running on a fresh
 * (in-memory) store, typed at human speed: alarms counted in the app bar and the navigation,
 * a card in alarm acknowledged from the board, values with units, durations in seconds and
 * minutes, sortable tables, rule editor pickers, 24-hour date entry, a time-travel banner,
 * the compare view in sentences with links into the timeline, health history kept across
 * views; and a screenshot of every view in light and in dark (test-results/screenshots).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { operatorTime, sessionPerFile, startUiSession, TYPING_TEST_MS, type ViewName } from './support/uiPage';

const SCREENSHOTS = join('test-results', 'screenshots');
const VIEWS: readonly ViewName[] = ['timeline', 'equipment', 'alarms', 'deadLetters', 'health', 'audit'];

const session = sessionPerFile(() => startUiSession({ simulator: { rate: 20 } }));

const card = (id: string) => session.ui.page.locator(`[data-testid="equipment-card"][data-equipment-id="${id}"]`);

describe('alarms everywhere', () => {
  test('a rule made with the pickers raises an alarm that the app bar, the navigation and the card show; the card acknowledges it', { timeout: TYPING_TEST_MS }, async () => {
    const { ui } = session;
    await ui.go('equipment');
    // The simulator has reported oven-1 with its telemetry, in units.
    await expect.poll(() => card('oven-1').locator('[data-testid="reading"][data-name="temperature"]').textContent(), { timeout: 30_000 }).toMatch(/°C$/);
    expect(await card('oven-1').locator('[data-testid="reading"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual(['speed', 'temperature', 'vibration']);
    expect(await card('oven-1').locator('[data-testid="reading"][data-name="speed"]').textContent()).toMatch(/m\/min$/);

    await ui.go('alarms');
    await ui.testId('alarms-tab-rules').click();
    await ui.testId('rule-new').click();
    await ui.type('rule-name', 'Oven too hot');
    await ui.page.getByRole('combobox', { name: 'Priority' }).click();
    await ui.page.getByRole('option', { name: 'CRITICAL' }).click();
    await ui.type('rule-equipment', 'oven');
    await ui.page.getByRole('option', { name: 'oven-1' }).click();
    await ui.type('rule-field', 'temp');
    await ui.page.getByRole('option', { name: 'temperature' }).click();
    await ui.type('rule-limit', '1');
    await ui.type('rule-onDelayMs', '0.5');
    await ui.testId('rule-save').click();
    const row = ui.page.locator('[data-testid="rule-row"][data-rule-id="oven-too-hot"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('temperature above 1 (deadband 0, on after 0.5 s, off after 0 s)');

    // Counted in the app bar and beside "Alarms" in the navigation, in the critical colour.
    await expect.poll(() => ui.testId('appbar-alarms-CRITICAL').getAttribute('data-count'), { timeout: 30_000 }).toBe('1');
    expect(await ui.testId('nav-alarms-CRITICAL').getAttribute('data-count')).toBe('1');
    expect(await ui.testId('appbar-alarms-CRITICAL').textContent()).toBe('1 critical');

    await ui.testId('alarms-tab-active').click();
    const alarmRow = ui.alarmRow('oven-too-hot:oven-1');
    await expect.poll(() => alarmRow.getByTestId('alarm-value').textContent()).toMatch(/°C \/ 1 °C$/);
    await expect.poll(() => alarmRow.getByTestId('alarm-duration').textContent()).toMatch(/^\d+(\.\d)? s$|min/);

    await ui.go('equipment');
    const oven = card('oven-1');
    await expect.poll(() => oven.getAttribute('data-alarm-priority')).toBe('CRITICAL');
    const ours = oven.locator('[data-testid="card-alarm"][data-alarm-id="oven-too-hot:oven-1"]');
    expect(await ours.textContent()).toMatch(/Oven too hot: [\d.]+ °C \(limit 1 °C\), for /);
    await ui.screenshot('card-in-alarm');
    await oven.getByTestId('card-acknowledge').click();
    await ui.type('alarm-command-text', 'checking the burner');
    await ui.testId('alarm-command-confirm').click();
    // A refusal would keep the dialog open with its reason: say which.
    await expect.poll(async () => ((await ui.testId('alarm-command-error').count()) ? await ui.testId('alarm-command-error').textContent() : 'no error')).toBe('no error');
    await ui.testId('alarm-command-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => ours.getAttribute('data-state')).toBe('ACTIVE_ACK');
    await expect.poll(() => ui.testId('appbar-alarms-CRITICAL').count()).toBe(0);
    expect(await ui.testId('nav-alarms-CRITICAL').count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });

  test('alarm and rule tables sort by the column clicked, and again the other way', async () => {
    const { ui } = session;
    await ui.go('alarms');
    await ui.testId('alarms-tab-rules').click();
    const names = () => ui.page.locator('[data-testid="rule-row"] td:first-child').allTextContents();
    await ui.testId('rule-row').first().waitFor();
    const ascending = await names();
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })));
    await ui.testId('rules-sort-name').click();
    expect(await names()).toEqual([...ascending].reverse());

    await ui.testId('alarms-tab-active').click();
    await ui.testId('alarm-row').first().waitFor();
    await ui.testId('alarms-sort-equipment').click();
    const equipment = await ui.page.locator('[data-testid="alarm-row"] td:nth-child(5)').allTextContents();
    expect(equipment).toEqual([...equipment].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })));
  });
});

describe('time', () => {
  test('typed dates stop at four year digits; travelling in time shows a banner and a frame until back to live', { timeout: TYPING_TEST_MS }, async () => {
    const { ui } = session;
    await ui.go('equipment');
    const input = ui.testId('travel-input');
    await ui.type('travel-input', '202620');
    expect(await input.inputValue()).toBe('2026-20');
    const when = Date.now() - 20_000;
    await ui.type('travel-input', operatorTime(when));
    expect(await input.inputValue()).toBe(operatorTime(when));
    await ui.testId('travel-go').click();
    await ui.testId('travel-banner').waitFor();
    expect(await ui.testId('travel-banner').textContent()).toContain(`Not live: the board shows the plant as it was at ${operatorTime(when)} UTC`);
    expect(await ui.testId('equipment-board').getAttribute('data-live')).toBe('false');
    await ui.screenshot('time-travel');
    await ui.press('n');
    await ui.testId('travel-banner').waitFor({ state: 'detached' });
    expect(await ui.testId('equipment-board').getAttribute('data-live')).toBe('true');
    expect(await ui.testId('clock').textContent()).toMatch(/^\d\d:\d\d:\d\d UTC/);
  });

  test('the compare view tells the changes of the last 5 minutes in sentences, and a cause opens in the timeline', async () => {
    const { ui } = session;
    await ui.go('equipment');
    await ui.testId('compare-toggle').click();
    await ui.testId('compare-quick-5m').click();
    await ui.testId('compare-run').click();
    const change = ui.page.getByTestId('diff-change').filter({ has: ui.page.getByTestId('diff-cause') }).first();
    await change.waitFor({ timeout: 30_000 });
    const sentences = await ui.page.getByTestId('diff-change').allTextContents();
    expect(sentences.length).toBeGreaterThan(0);
    for (const s of sentences) expect(s).not.toMatch(/lastTelemetry|lastMeasurements|statusSince|\d{13}/);
    expect(sentences.some((s) => /^[a-z]+-\d: .+ → /.test(s))).toBe(true);
    const cause = change.getByTestId('diff-cause').first();
    const eventId = await cause.getAttribute('data-event-id');
    await cause.click();
    await ui.testId('view-timeline').waitFor();
    await expect.poll(() => ui.testId('event-json').textContent()).toContain(`"id": "${eventId}"`);
    await ui.page.keyboard.press('Escape');
  });
});

describe('health', () => {
  test('the charts keep their history when the operator leaves the view and comes back; every subscriber is named', async () => {
    const { ui } = session;
    await ui.go('health');
    const samples = async () => Number(await ui.testId('health').getAttribute('data-samples'));
    await expect.poll(samples, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await ui.go('timeline');
    await ui.go('health');
    expect(await samples()).toBeGreaterThanOrEqual(3);
    const subscribers = await ui.page.locator('[data-testid="subscriber-row"] td:first-child').allTextContents();
    expect(subscribers.length).toBeGreaterThan(0);
    const chart = (await ui.testId('health-queues').textContent()) ?? '';
    for (const name of subscribers) expect(chart).toContain(name);
  });
});

describe('screenshots', () => {
  test('every view in light and in dark', async () => {
    const { ui } = session;
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await ui.page.emulateMedia({ colorScheme: scheme });
      await expect.poll(() => ui.shell.getAttribute('data-theme-mode')).toBe(scheme);
      for (const view of VIEWS) {
        await ui.go(view);
        await ui.page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
        await ui.page.screenshot({ path: join(SCREENSHOTS, `${view}-${scheme}.png`) });
      }
    }
  });
});
