/**
 * The operator UI end to end, in browser mode: one host (store in memory) and one Chromium
 * for the whole file; each view's main flow driven as an operator would, with an axe check
 * and a screenshot per view (test-results/e2e/ui).
 */
import { describe, expect, test } from 'vitest';
import { operatorTime, sessionPerFile, startUiSession } from './support/uiPage';

const session = sessionPerFile(() => startUiSession());

const publish = (type: string, payload: Record<string, unknown>, options: Record<string, unknown> = {}) => session.host.core.bus.createAndPublishEvent(type, payload, options);

describe('shell', () => {
  test('app bar, navigation by click and by key, help dialog, theme switch', async () => {
    const { ui } = session;
    await expect.poll(() => ui.testId('plant-name').textContent()).toBe('Plant Event Console');
    await ui.testId('ingest-simulator').waitFor();
    await ui.press('2');
    await ui.testId('view-equipment').waitFor();
    await ui.go('timeline');
    await ui.press('?');
    await ui.testId('help-dialog').waitFor();
    expect(await ui.testId('help-dialog').textContent()).toContain('Pause or resume the live tail');
    await ui.expectAccessible('the help dialog');
    await ui.page.keyboard.press('Escape');
    await ui.testId('help-dialog').waitFor({ state: 'detached' });
    const mode = () => ui.shell.getAttribute('data-theme-mode');
    expect(await mode()).toBe('light');
    await ui.testId('theme-toggle').click(); // system → light
    await ui.testId('theme-toggle').click(); // light → dark
    await expect.poll(mode).toBe('dark');
    await ui.screenshot('shell-dark');
    await ui.expectAccessible('the dark theme');
    await ui.press('t'); // dark → system (light here)
    await expect.poll(mode).toBe('light');
  });
});

describe('timeline', () => {
  test('live tail, pause with a count, resume, filters, detail drawer with its correlation trace', async () => {
    const { ui } = session;
    await ui.go('timeline');
    const first = await publish('production.order.started', { equipmentId: 'press-1', lineId: 'line-1', orderId: 'o-1' }, { correlationId: 'order-o-1' });
    const second = await publish('quality.measurement.recorded', { equipmentId: 'press-1', parameter: 'thickness', value: 2.01, text: '<b>not bold</b>' }, { correlationId: 'order-o-1', causationId: first.id });
    await ui.eventRow(second.id).waitFor();
    await ui.eventRow(first.id).waitFor();
    await ui.expectAccessible('the timeline');

    await ui.testId('tail-toggle').click();
    await expect.poll(() => ui.testId('tail-state').getAttribute('data-state')).toBe('paused');
    const whilePaused = await Promise.all([1, 2, 3].map((n) => publish('operator.note.added', { text: `paused ${n}` })));
    await expect.poll(() => ui.testId('new-while-paused').getAttribute('data-count')).toBe('3');
    expect(await ui.eventRow(whilePaused[0]!.id).count()).toBe(0);
    await ui.press('p');
    for (const e of whilePaused) await ui.eventRow(e.id).waitFor();

    await ui.type('filter-types', 'quality.*');
    await ui.testId('filter-apply').click();
    await ui.eventRow(second.id).waitFor();
    await expect.poll(() => ui.page.getByTestId('event-row').count()).toBe(1);

    await ui.eventRow(second.id).click();
    await ui.testId('event-json').waitFor();
    expect(await ui.testId('event-json').textContent()).toContain('"text": "<b>not bold</b>"');
    expect(await ui.page.locator('[data-testid="event-json"] b').count()).toBe(0);
    await ui.testId('causation-tree').waitFor();
    await expect.poll(() => ui.page.getByTestId('trace-node').allTextContents()).toEqual(['production.order.started', 'quality.measurement.recorded']);
    expect(await ui.testId('cause-chain').textContent()).toContain('production.order.started');
    await ui.screenshot('timeline-drawer');
    await ui.expectAccessible('the event drawer');
    await ui.testId('drawer-close').click();
    await ui.testId('filter-clear').click();
    await expect.poll(() => ui.page.getByTestId('event-row').count()).toBeGreaterThanOrEqual(5);
    expect(ui.errors).toEqual([]);
  });
});

describe('equipment board', () => {
  test('cards grouped by line, time travel rebuilds a card, compare lists the change and its cause', async () => {
    const { ui } = session;
    const now = Date.now();
    const t0 = now - 120_000;
    const t1 = now - 60_000;
    await publish('equipment.status.changed', { equipmentId: 'press-1', lineId: 'line-1', newStatus: 'running' }, { timestamp: t0 });
    await publish('equipment.status.changed', { equipmentId: 'cnc-2', lineId: 'line-2', newStatus: 'idle' }, { timestamp: t0 });
    const down = await publish('equipment.status.changed', { equipmentId: 'press-1', lineId: 'line-1', newStatus: 'down', reason: 'jam' }, { timestamp: t1 });
    await ui.go('equipment');
    const press = ui.page.locator('[data-testid="line-group"][data-line-id="line-1"] [data-testid="equipment-card"][data-equipment-id="press-1"]');
    await expect.poll(() => press.getAttribute('data-status'), { timeout: 10_000 }).toBe('down');
    expect(await press.getByTestId('equipment-reason').textContent()).toContain('jam');
    await ui.page.locator('[data-testid="line-group"][data-line-id="line-2"] [data-testid="equipment-card"][data-equipment-id="cnc-2"]').waitFor();
    // Equipment first heard while the board is open is put on its line too.
    await publish('equipment.status.changed', { equipmentId: 'mill-3', lineId: 'line-3', newStatus: 'running' });
    await ui.page.locator('[data-testid="line-group"][data-line-id="line-3"] [data-testid="equipment-card"][data-equipment-id="mill-3"]').waitFor();
    await ui.expectAccessible('the equipment board');
    await ui.screenshot('equipment-live');

    await ui.type('travel-input', operatorTime(now - 90_000));
    await ui.testId('travel-go').click();
    await expect.poll(() => ui.testId('board-time').getAttribute('data-mode')).toBe('at');
    await expect.poll(() => press.getAttribute('data-status')).toBe('running');
    await ui.press('n');
    await expect.poll(() => press.getAttribute('data-status')).toBe('down');

    await ui.testId('compare-toggle').click();
    await ui.type('compare-from', operatorTime(now - 90_000));
    await ui.type('compare-to', operatorTime(now + 1_000));
    await ui.testId('compare-run').click();
    const diff = ui.page.locator('[data-testid="diff"][data-equipment-id="press-1"]');
    await diff.waitFor();
    const status = diff.getByTestId('diff-change').filter({ hasText: 'press-1: running → down' }).first();
    expect(await status.textContent()).toMatch(/running → down at \d\d:\d\d:\d\d(, order \S+)? \(jam\)/);
    await status.locator(`[data-testid="diff-cause"][data-event-id="${down.id}"]`).waitFor();
    await ui.screenshot('equipment-compare');
    await ui.expectAccessible('compare mode');
  });
});

describe('dead letters', () => {
  test('inspect, redrive after a dry-run count, discard with a reason', async () => {
    const { host, ui } = session;
    const stop = host.core.bus.addHandler('test.fail.*', async () => { throw new Error('printer on fire'); }, { name: 'failing-printer', maxAttempts: 1 });
    try {
      const event = await publish('test.fail.now', { equipmentId: 'press-9' });
      const id = `${event.id}/failing-printer`;
      await ui.go('deadLetters');
      const row = ui.page.locator(`[data-testid="dead-letter-row"][data-id="${id}"]`);
      await row.waitFor({ timeout: 15_000 });
      await row.getByTestId('dead-letter-inspect').click();
      expect(await ui.testId('dead-letter-detail').getByTestId('attempt-row').first().textContent()).toContain('printer on fire');
      await ui.expectAccessible('a dead letter inspected');
      await ui.page.keyboard.press('Escape');
      await ui.testId('dead-letter-detail').waitFor({ state: 'detached' });

      await row.getByRole('checkbox').check();
      await ui.testId('redrive').click();
      expect(await ui.testId('redrive-count').getAttribute('data-count')).toBe('1');
      await ui.testId('redrive-confirm').click();
      await expect.poll(() => ui.testId('dead-letter-outcome').textContent()).toContain('Redrove 1 dead letter');
      // It fails again (the handler still throws) and comes back; discard it with a reason.
      await row.waitFor({ timeout: 15_000 });
      await row.getByRole('checkbox').check();
      await ui.testId('discard').click();
      await ui.type('discard-reason', 'printer replaced, job reprinted by hand');
      await ui.testId('discard-confirm').click();
      await row.waitFor({ state: 'detached' });
      await ui.screenshot('dead-letters');
      await ui.expectAccessible('the dead letters');
    } finally {
      stop();
    }
  });
});

describe('health', () => {
  test('live charts of rates, p95, queues, failures and store size', async () => {
    const { ui } = session;
    await ui.go('health');
    await expect.poll(async () => Number(await ui.testId('health').getAttribute('data-samples')), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    for (const panel of ['health-rates', 'health-p95', 'health-queues', 'health-failures', 'health-store']) await ui.testId(panel).waitFor();
    expect(await ui.testId('health-summary').textContent()).toMatch(/Store: [\d,]+ events, connected/);
    await ui.screenshot('health');
    await ui.expectAccessible('the health view');
  });
});

describe('settings kept by main', () => {
  test('the last view, the filter and saved filters come back after a reload', async () => {
    const { host, ui } = session;
    await ui.go('timeline');
    await ui.type('filter-subject', 'press-1');
    await ui.testId('filter-apply').click();
    await ui.type('saved-filter-name', 'press one');
    await ui.testId('saved-filter-save').click();
    await ui.page.getByTestId('saved-filter').filter({ hasText: 'press one' }).waitFor();
    await ui.go('health');
    await expect.poll(async () => (await host.dispatch('settings.get', [], { clientId: 'test' })) as unknown).toMatchObject({
      ok: true,
      value: { 'ui.view': 'health', 'timeline.filter': { subject: 'press-1' }, 'timeline.savedFilters': [{ name: 'press one', filter: { subject: 'press-1' } }] },
    });
    await ui.page.reload();
    await ui.testId('view-health').waitFor();
    await ui.go('timeline');
    expect(await ui.testId('filter-subject').inputValue()).toBe('press-1');
    expect(await ui.page.getByTestId('saved-filter').allTextContents()).toEqual(['press one']);
    await ui.testId('filter-clear').click();
  });
});
