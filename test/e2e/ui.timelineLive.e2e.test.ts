/**
 * The timeline while the plant is busy: the simulator publishing 1,000 events a second into
 * a fresh data folder, an operator scrolls into the list, clicks a row, and types a filter
 * key by key. Every key and the click must land on what the operator aimed at while live
 * events keep arriving above.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sessionPerFile, startHostSession, TYPING_TEST_MS } from './support/uiPage';

const RATE = 1_000;
const dataDir = mkdtempSync(join(tmpdir(), 'plant-live-'));
const session = sessionPerFile(async () => {
  const started = await startHostSession({ dataDir, core: { simulator: { rate: RATE }, healthEverySeconds: 0 } });
  return {
    ...started,
    async close() {
      await started.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

/** The newest event the list shows (its rows' elements are reused, so page order is not list order). */
const topSeq = async () => Math.max(0, ...(await session.ui.page.getByTestId('event-row').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))))));

describe('the timeline with 1,000 live events a second', () => {
  test('a row clicked while scrolled into the list opens that event, and every typed key of a filter is kept', { timeout: TYPING_TEST_MS }, async () => {
    const { ui } = session;
    await ui.go('timeline');
    const list = ui.testId('event-list');
    // The live tail is flowing: the newest row shown keeps changing.
    const before = await topSeq();
    await expect.poll(topSeq, { timeout: 30_000 }).toBeGreaterThan(before + 100);

    // Scrolled a little into the list, the rows in view hold still while events arrive above them.
    await list.hover();
    await ui.page.mouse.wheel(0, 20 * 34);
    await expect.poll(() => list.evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
    const row = ui.page.getByTestId('event-row').nth(25);
    const id = (await row.getAttribute('data-event-id')) as string;
    const seqAtScroll = await topSeq();
    await ui.eventRow(id).click();
    await expect.poll(() => ui.testId('event-json').textContent()).toContain(`"id": "${id}"`);
    // Events kept arriving meanwhile (the list grew above the rows in view).
    await expect.poll(async () => (await list.evaluate((element) => element.scrollTop)) > 20 * 34 || (await topSeq()) > seqAtScroll).toBe(true);
    await ui.testId('drawer-close').click();

    // Key by key while the flow goes on: the field ends up holding exactly what was typed.
    const pattern = 'quality.measurement.*';
    await ui.type('filter-types', pattern);
    expect(await ui.testId('filter-types').inputValue()).toBe(pattern);
    await ui.testId('filter-apply').click();
    await expect.poll(async () => {
      const types = await ui.page.locator('[data-testid="event-row"] .type').allTextContents();
      return types.length > 0 && types.every((type) => type === 'quality.measurement.recorded');
    }, { timeout: 30_000 }).toBe(true);
    expect(await ui.testId('filter-types').inputValue()).toBe(pattern);
    expect(ui.errors).toEqual([]);
  });
});
