/**
 * The alarm monitor end to end in browser mode: a rule made in the rule editor (a bad value
 * refused with its reason first), an alarm it raises acknowledged with a note, shelved and
 * unshelved; the history filtered by state change; the KPI panel. Axe on each tab.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WebHost } from '../../main/web/server';
import { startUiSession, type UiPage, type UiSession } from './support/uiPage';

let session: UiSession;
let host: WebHost;
let ui: UiPage;

beforeAll(async () => {
  session = await startUiSession();
  ({ host, ui } = session);
});

afterAll(async () => {
  await session?.close();
});

describe('alarm monitor', () => {
  test('rule editor, acknowledge with a note, shelve and unshelve, history, KPIs', async () => {
    await ui.go('alarms');
    await ui.testId('alarms-tab-rules').click();
    await ui.testId('rule-row').first().waitFor();
    await ui.expectAccessible('the rule editor');
    await ui.testId('rule-new').click();
    await ui.testId('rule-id').fill('oven-hot');
    await ui.testId('rule-name').fill('Oven too hot');
    await ui.testId('rule-field').fill('temperature');
    await ui.testId('rule-limit').fill('ninety');
    await ui.testId('rule-equipment').fill('oven-7');
    await ui.testId('rule-save').click();
    expect(await ui.testId('rule-error').textContent()).toContain('limit');
    await ui.testId('rule-limit').fill('90');
    await ui.testId('rule-save').click();
    await ui.page.locator('[data-testid="rule-row"][data-rule-id="oven-hot"]').waitFor();

    await host.core.bus.createAndPublishEvent('equipment.telemetry.recorded', { equipmentId: 'oven-7', lineId: 'line-1', temperature: 97 });
    await ui.testId('alarms-tab-active').click();
    const row = ui.page.locator('[data-testid="alarm-row"][data-alarm-id="oven-hot:oven-7"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('ACTIVE_UNACK');
    await ui.screenshot('alarms-active');
    await ui.expectAccessible('the active alarms');

    await row.getByRole('checkbox').check();
    await ui.press('a');
    await ui.testId('alarm-command-text').pressSequentially('operator checking the burner', { delay: 20 });
    await ui.testId('alarm-command-confirm').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('ACTIVE_ACK');
    expect(await row.textContent()).toContain('operator checking the burner');

    await row.getByRole('checkbox').check();
    await ui.testId('alarm-shelve').click();
    await ui.testId('alarm-command-text').pressSequentially('burner maintenance', { delay: 20 });
    await ui.testId('alarm-command-confirm').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('SHELVED');
    await row.getByRole('checkbox').check();
    await ui.testId('alarm-unshelve').click();
    await expect.poll(() => row.getAttribute('data-state')).not.toBe('SHELVED');

    await row.getByRole('checkbox').check();
    await ui.testId('alarm-suppress').click();
    await ui.testId('alarm-command-text').pressSequentially('burner off for the shift', { delay: 20 });
    await ui.testId('alarm-command-confirm').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('SUPPRESSED');
    await row.getByRole('checkbox').check();
    await ui.testId('alarm-unsuppress').click();
    await expect.poll(() => row.getAttribute('data-state')).not.toBe('SUPPRESSED');

    await ui.testId('alarms-tab-history').click();
    await ui.testId('history-row').first().waitFor();
    await ui.testId('history-change').click();
    await ui.page.getByRole('option', { name: 'alarm.acknowledged' }).click();
    await expect.poll(() => ui.page.getByTestId('history-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).toEqual(['alarm.acknowledged']);
    await ui.expectAccessible('the alarm history');

    await ui.testId('alarms-tab-kpis').click();
    await ui.testId('kpi-rate').waitFor();
    expect(await ui.testId('kpi-rate').textContent()).toMatch(/[1-9]\d* raised/);
    await ui.screenshot('alarms-kpis');
    await ui.expectAccessible('the KPI panel');
    expect(ui.errors).toEqual([]);
  });
});
