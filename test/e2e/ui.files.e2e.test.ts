/**
 * Browser mode's files as an operator moves them: "Export and download" hands the export to
 * the browser's download, and "Upload…" beside the file to verify sends that file back to the
 * host, fills the path and verifies it. The assertions read the screen and the downloaded file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHostSession, type UiSession } from './support/uiPage';

const dir = mkdtempSync(join(tmpdir(), 'ui-files-'));
let session: UiSession;

beforeAll(async () => {
  session = await startHostSession({ memory: true, core: { simulator: { rate: 20 }, healthEverySeconds: 0 } });
});

afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an export downloads through the browser, and the downloaded file uploaded to Verify is intact', async () => {
  const { ui } = session;
  await ui.go('audit');
  const [download] = await Promise.all([ui.page.waitForEvent('download', { timeout: 30_000 }), ui.testId('export-download').click()]);
  const saved = join(dir, download.suggestedFilename());
  await download.saveAs(saved);
  expect(download.suggestedFilename()).toMatch(/^audit-.*\.ndjson$/);
  expect(readFileSync(saved, 'utf8')).toContain('"manifest"');
  await expect.poll(() => ui.testId('export-result').isVisible()).toBe(true);

  await ui.testId('verify-path-upload-input').setInputFiles(saved);
  await expect.poll(() => ui.testId('verify-path').inputValue(), { timeout: 30_000 }).toMatch(/plant-files-.*upload-/);
  await ui.testId('verify-file-run').click();
  await expect.poll(() => ui.testId('verify-file-verdict').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
  expect(ui.errors).toEqual([]);
});
