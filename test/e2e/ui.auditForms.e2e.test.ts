/**
 * The Audit view's forms as an operator uses them while the simulator runs: what was typed
 * and what came out stay when the operator looks at another view and comes back, and a
 * success message disappears as soon as the format or the target changes (it spoke of a
 * file that is no longer the one in the form). Typed key by key; the assertions read the screen.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHostSession, type UiPage, type UiSession } from './support/uiPage';

const dir = mkdtempSync(join(tmpdir(), 'ui-audit-forms-'));
let session: UiSession;
let ui: UiPage;

beforeAll(async () => {
  session = await startHostSession({ memory: true, core: { simulator: { rate: 20 }, healthEverySeconds: 0 } });
  ui = session.ui;
});

afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Audit view keeps what the operator did', () => {
  test('inputs and results survive a visit to another view; a success message does not survive a new format or target', async () => {
    const ndjson = join(dir, 'shift.ndjson');
    await ui.go('audit');
    await ui.type('export-filter-types', 'equipment.*');
    await ui.type('export-path', ndjson);
    await ui.testId('export-run').click();
    await expect.poll(() => ui.testId('export-result').getAttribute('data-file'), { timeout: 30_000 }).toBe(ndjson);
    expect(existsSync(ndjson)).toBe(true);
    await ui.type('verify-path', ndjson);
    await ui.testId('verify-file-run').click();
    await expect.poll(() => ui.testId('verify-file-verdict').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');

    await ui.go('timeline');
    await ui.go('audit');
    expect(await ui.testId('export-filter-types').inputValue()).toBe('equipment.*');
    expect(await ui.testId('export-path').inputValue()).toBe(ndjson);
    expect(await ui.testId('export-result').getAttribute('data-file')).toBe(ndjson);
    expect(await ui.testId('verify-path').inputValue()).toBe(ndjson);
    expect(await ui.testId('verify-file-verdict').getAttribute('data-ok')).toBe('true');

    // Another format: the message about the NDJSON file goes, the path follows the format.
    await ui.testId('export-format-csv').click();
    await ui.testId('export-result').waitFor({ state: 'detached' });
    expect(await ui.testId('export-path').inputValue()).toBe(join(dir, 'shift.csv'));
    await ui.testId('export-run').click();
    await expect.poll(() => ui.testId('export-result').getAttribute('data-file'), { timeout: 30_000 }).toBe(join(dir, 'shift.csv'));

    // Another target: likewise, as soon as it is typed.
    await ui.testId('export-path').press('End');
    await ui.testId('export-path').press('Backspace');
    await ui.testId('export-result').waitFor({ state: 'detached' });
    // And the verdict goes when the file to verify changes.
    await ui.testId('verify-path').press('End');
    await ui.testId('verify-path').pressSequentially('x', { delay: 35 });
    await ui.testId('verify-file-verdict').waitFor({ state: 'detached' });
    await ui.screenshot('audit-forms-kept');
  });
});
