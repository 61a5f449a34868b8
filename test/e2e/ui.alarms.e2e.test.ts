/**
 * The alarm monitor end to end in browser mode: a rule made in the rule editor (a bad value
 * refused with its reason first), an alarm it raises acknowledged with a note, shelved and
 * unshelved; the history filtered by state change; the KPI panel. Axe on each tab.
 */
import { describe, expect, test } from 'vitest';
import { sessionPerFile, startUiSession, TYPING_TEST_MS } from './support/uiPage';

const session = sessionPerFile(() => startUiSession());

describe('alarm monitor', () => {
  test('rule editor, acknowledge with a note, shelve and unshelve, history, KPIs', { timeout: TYPING_TEST_MS }, async () => {
    const { host, ui } = session;
    await ui.go('alarms');
    await ui.testId('alarms-tab-rules').click();
    await ui.testId('rule-row').first().waitFor();
    await ui.expectAccessible('the rule editor');
    await ui.typeNewRule({ id: 'oven-hot', name: 'Oven too hot', field: 'temperature', limit: 'ninety', equipment: 'oven-7' });
    await ui.testId('rule-save').click();
    expect(await ui.testId('rule-error').textContent()).toContain('limit');
    await ui.type('rule-limit', '90');
    await ui.saveRule('oven-hot');

    await host.core.bus.createAndPublishEvent('equipment.telemetry.recorded', { equipmentId: 'oven-7', lineId: 'line-1', temperature: 97 });
    await ui.testId('alarms-tab-active').click();
    const row = ui.alarmRow('oven-hot:oven-7');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('ACTIVE_UNACK');
    await ui.screenshot('alarms-active');
    await ui.expectAccessible('the active alarms');

    await ui.acknowledge(row, 'operator checking the burner');
    expect(await row.textContent()).toContain('operator checking the burner');

    // Shelving and suppressing each take a typed reason, and each is undone by its own button.
    for (const [command, state, reason] of [['shelve', 'SHELVED', 'burner maintenance'], ['suppress', 'SUPPRESSED', 'burner off for the shift']] as const) {
      await row.getByRole('checkbox').check();
      await ui.testId(`alarm-${command}`).click();
      await ui.type('alarm-command-text', reason);
      await ui.testId('alarm-command-confirm').click();
      await expect.poll(() => row.getAttribute('data-state')).toBe(state);
      await row.getByRole('checkbox').check();
      await ui.testId(`alarm-un${command}`).click();
      await expect.poll(() => row.getAttribute('data-state')).not.toBe(state);
    }

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
