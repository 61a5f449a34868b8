/**
 * What an operator meets in the first minutes (issue 12 §1), on a fresh data folder with the
 * simulator on, typing character by character: forms keep their drafts while events arrive;
 * an alarm's start stays visible after operator actions; the acknowledge dialog submits on
 * Enter and a refusal names the alarm once.
 */
import { describe, expect, test } from 'vitest';
import { sessionPerFile, startFreshFolderSession } from './support/uiPage';

const session = sessionPerFile(startFreshFolderSession);

describe('the timeline filter form', () => {
  test('keeps every typed character in every text field while events arrive, until Apply', async () => {
    const { ui } = session;
    await ui.go('timeline');
    // Proof that events are arriving (and re-rendering the view) while typing.
    await expect.poll(() => ui.page.getByTestId('event-row').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    const fields: [string, string][] = [
      ['Search payload text', 'press temperature'],
      ['Types (e.g. equipment.*)', 'equipment.*'],
      ['Sources', 'plant-simulator'],
      ['Subject', 'press-1'],
      ['Correlation id', 'order-PO-1'],
    ];
    for (const [label, text] of fields) {
      const field = ui.page.getByLabel(label, { exact: true });
      await field.click();
      await field.pressSequentially(text, { delay: 40 });
      expect(await field.inputValue(), label).toBe(text);
    }
    // Everything is still there once all the fields were typed (nothing reset them since).
    for (const [label, text] of fields) expect(await ui.page.getByLabel(label, { exact: true }).inputValue(), label).toBe(text);
  });

  test('applies what was typed, and Clear empties the form', async () => {
    const { ui } = session;
    await ui.testId('filter-clear').click();
    const types = ui.testId('filter-types');
    await expect.poll(() => types.inputValue()).toBe('');
    await types.click();
    await types.pressSequentially('equipment.status.*', { delay: 40 });
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => ui.testId('loaded-count').textContent()).toContain('1 filter active');
    expect(await types.inputValue()).toBe('equipment.status.*');
    await expect.poll(async () => (await ui.page.locator('[data-testid="event-row"] .type').allTextContents()).every((t) => t.startsWith('equipment.status.'))).toBe(true);
    await ui.testId('filter-clear').click();
    await expect.poll(() => types.inputValue()).toBe('');
  });
});

describe('an alarm acknowledged from the Active list', () => {
  test('Enter submits the note (Shift+Enter is a new line); Since stays the raise time; the last action says who; a refusal names the alarm once', async () => {
    const { host, ui } = session;
    const rules = host.core.alarms.rules();
    await host.core.alarms.setRules(
      [...rules, { id: 'oven-hot', name: 'Oven too hot', enabled: true, priority: 'HIGH', kind: 'threshold', field: 'temperature', comparator: 'above', limit: 90, deadband: 1, onDelayMs: 0, offDelayMs: 0, equipment: ['oven-7'] }],
      { kind: 'created', ruleId: 'oven-hot', user: 'olga' },
    );
    await ui.go('alarms');
    await ui.testId('alarms-tab-active').click();
    await host.core.bus.createAndPublishEvent('equipment.telemetry.recorded', { equipmentId: 'oven-7', lineId: 'line-1', temperature: 97 });
    const row = ui.alarmRow('oven-hot:oven-7');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('ACTIVE_UNACK');
    const raisedSince = await row.getByTestId('alarm-since').textContent();
    expect(await row.getByTestId('alarm-last-action').textContent()).toBe('');

    await row.getByRole('checkbox').check();
    await ui.press('a');
    const note = ui.testId('alarm-command-text');
    await note.pressSequentially('burner checked', { delay: 40 });
    await ui.page.keyboard.press('Shift+Enter');
    await note.pressSequentially('valve ok', { delay: 40 });
    expect(await note.inputValue()).toBe('burner checked\nvalve ok');
    await ui.page.keyboard.press('Enter');
    await ui.testId('alarm-command-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => row.getAttribute('data-state')).toBe('ACTIVE_ACK');
    expect(await row.getByTestId('alarm-since').textContent()).toBe(raisedSince);
    expect(await row.getByTestId('alarm-last-action').textContent()).toMatch(/^Acknowledged by olga at /);
    expect(await row.textContent()).toContain('valve ok');

    // Acknowledging it again is refused: the outcome names the alarm once, with the reason.
    await row.getByRole('checkbox').check();
    await ui.press('a');
    await note.pressSequentially('again', { delay: 40 });
    await ui.page.keyboard.press('Enter');
    const outcome = ui.testId('alarm-outcome');
    await expect.poll(() => outcome.textContent()).toContain('Refused');
    const text = (await outcome.textContent()) ?? '';
    expect(text.split('oven-hot:oven-7').length - 1, text).toBe(1);
    expect(text).toContain('already acknowledged');
  });
});

describe('the equipment board, open while new equipment reports', () => {
  test('puts equipment first heard while the board is open under its line, without reopening the board', async () => {
    const { host, ui } = session;
    await ui.go('equipment');
    await ui.testId('line-group').first().waitFor();
    // The payload an MQTT message on plant/line-mqtt/mixer-1/status maps to (shared/ingest/defaultMapping.ts).
    await host.core.bus.createAndPublishEvent('equipment.status.changed', { lineId: 'line-mqtt', equipmentId: 'mixer-1', newStatus: 'running' }, { source: 'mqtt:default' });
    const card = ui.page.locator('[data-testid="line-group"][data-line-id="line-mqtt"] [data-testid="equipment-card"][data-equipment-id="mixer-1"]');
    await card.waitFor({ timeout: 15_000 });
    expect(await ui.page.locator('[data-testid="line-group"][data-line-id="No line reported"]').count()).toBe(0);
  });
});
