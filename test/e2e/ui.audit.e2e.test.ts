/**
 * The Audit view end to end, in browser mode: export NDJSON from the view and from the
 * timeline's "Export this view…", verify the file (intact, then tampered with here and named
 * at its line), verify the store, import into a second host's data folder (a broken file
 * only once its chain is explicitly accepted), and cancel an export of a large store, which
 * must leave no file under the target name. Axe checks and screenshots in test-results/e2e/ui.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { playwrightPdfRenderer } from '../../main/audit/renderPdf';
import { startWebHost } from '../../main/web/server';
import { findChromium } from '../support/chromium';
import { auditHistory } from '../support/auditFixture';
import { sessionPerFile, startHostSession, UiPage } from './support/uiPage';

const session = sessionPerFile(() => startHostSession({ memory: true, core: { renderPdf: playwrightPdfRenderer({ executablePath: findChromium() }) } }));
const dir = mkdtempSync(join(tmpdir(), 'ui-audit-'));
const exported = join(dir, 'plant.ndjson');
const intactCopy = join(dir, 'plant-intact.ndjson');
/** The line of the export that the second test changes, as the verdicts number it. */
let tamperedLine = '';

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const publish = (type: string, payload: Record<string, unknown>) => session.host.core.bus.createAndPublishEvent(type, payload, {});

/** The manifest (last line) of an NDJSON export. */
function manifestOf(file: string): { count: number; headHash: string } {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return (JSON.parse(lines[lines.length - 1]!) as { manifest: { count: number; headHash: string } }).manifest;
}

describe('the Audit view', () => {
  test('says what each part does before anything ran, and passes axe', async () => {
    const { ui } = session;
    await ui.go('audit');
    for (const id of ['audit-export', 'audit-verify-file', 'audit-verify-store', 'audit-import']) await ui.testId(id).waitFor();
    expect(await ui.testId('export-filters').textContent()).toContain('Every event in the store.');
    expect(await ui.testId('export-run').isDisabled()).toBe(true);
    await ui.type('export-path', 'relative/audit.ndjson');
    expect(await ui.testId('audit-export').textContent()).toContain('Give an absolute path');
    expect(await ui.testId('export-run').isDisabled()).toBe(true);
    expect(await ui.page.getByTestId('import-accept-broken').locator('input').isDisabled()).toBe(true);
    await ui.expectAccessible('the empty audit view');
  });

  test('exports NDJSON, copies the head hash, verifies it intact, then names the tampered line', async () => {
    const { host, ui } = session;
    // Types no alarm rule or process manager reacts to, so that nothing else is stored meanwhile.
    for (let i = 0; i < 12; i++) await publish(i % 3 === 0 ? 'quality.sample.taken' : 'operator.note.added', { station: `bench-${i % 2}`, n: i, note: '<b>not bold</b>' });
    const stored = await host.core.store.headSeq();
    await ui.go('audit');
    await ui.audit.startExport(exported);
    const result = ui.testId('export-result');
    await result.waitFor();
    const manifest = manifestOf(exported);
    // Everything stored before the export is in it; on a loaded machine the console may have
    // stored one of its own events since (it is then in the export too, and in the count shown).
    expect(manifest.count).toBeGreaterThanOrEqual(stored);
    expect(await result.getAttribute('data-count')).toBe(String(manifest.count));
    expect(await ui.testId('export-result-file').textContent()).toBe(exported);
    expect(await ui.testId('export-head-hash').textContent()).toBe(manifest.headHash);
    await ui.testId('export-head-hash-copy').click();
    await expect.poll(() => ui.page.evaluate(() => navigator.clipboard.readText())).toBe(manifest.headHash);
    // The export itself was recorded as an event.
    await expect.poll(async () => (await host.core.store.query({ types: ['audit.log.exported'] })).events.length).toBe(1);
    copyFileSync(exported, intactCopy);

    const intact = await ui.audit.verifyFile(exported);
    await expect.poll(() => intact.getAttribute('data-ok')).toBe('true');
    expect(await ui.testId('verify-file-verdict-text').textContent()).toBe(`intact: ${manifest.count} events, head hash ${manifest.headHash}`);

    // Change one value on the line of the 4th event published here, keeping it valid JSON: only
    // the hash can tell. (The console's own health reports may stand before it in the export.)
    const lines = readFileSync(exported, 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes('"n":3,'));
    expect(index).toBeGreaterThanOrEqual(0);
    tamperedLine = String(index + 1);
    lines[index] = lines[index]!.replace('"n":3,', '"n":13,');
    writeFileSync(exported, lines.join('\n'));
    const broken = await ui.audit.verifyFile(exported);
    await expect.poll(() => broken.getAttribute('data-ok')).toBe('false');
    expect(await broken.getAttribute('data-line')).toBe(tamperedLine);
    expect(await broken.textContent()).toMatch(new RegExp(`Broken at line ${tamperedLine}.*line ${tamperedLine}: .+`));
    await ui.screenshot('audit-verified-broken');
    await ui.expectAccessible('the audit view with results');
    expect(ui.errors).toEqual([]);
  });

  test('verifies the store chain', async () => {
    const { host, ui } = session;
    await ui.go('audit');
    await ui.testId('verify-store-run').click();
    const verdict = ui.testId('verify-store-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-ok')).toBe('true');
    const checked = Number(await verdict.getAttribute('data-events'));
    // Events published meanwhile may follow; the head it names is the stored event #checked.
    const stored = (await host.core.store.query({ order: 'asc', limit: 1_000 })).events;
    expect(checked).toBeGreaterThanOrEqual(13);
    const head = stored.find((e) => e.seq === checked);
    expect(await ui.testId('verify-store-verdict-text').textContent()).toBe(`intact: ${checked} events, head hash ${head?.hash}`);
  });

  test('"Export this view…" on the timeline exports with the timeline\'s filters', async () => {
    const { host, ui } = session;
    await ui.go('timeline');
    await ui.type('filter-types', 'quality.*');
    await ui.testId('filter-apply').click();
    await ui.testId('timeline-export').click();
    const dialog = ui.testId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-filter').allTextContents()).toEqual(['Types: quality.*']);
    await ui.expectAccessible('the timeline export dialog');
    const file = join(dir, 'quality.ndjson');
    await ui.audit.startExport(file);
    await dialog.getByTestId('export-result').waitFor();
    const wanted = (await host.core.store.query({ types: ['quality.*'], limit: 1_000 })).events.length;
    expect(wanted).toBeGreaterThan(0);
    expect(manifestOf(file).count).toBe(wanted);
    expect(await dialog.getByTestId('export-result').getAttribute('data-count')).toBe(String(wanted));
    await ui.screenshot('audit-timeline-export');
    await ui.testId('export-dialog-close').click();
    await dialog.waitFor({ state: 'detached' });
    await ui.testId('filter-clear').click();
  });

  test('exports a PDF incident report', async () => {
    const { ui } = session;
    await ui.go('audit');
    const file = join(dir, 'report.pdf');
    await ui.audit.startExport(file, 'pdf');
    await ui.testId('export-result').waitFor({ timeout: 60_000 });
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await ui.testId('export-format-ndjson').check();
  });
});

describe('import into a second host', () => {
  test('imports a verified export; refuses the tampered one until the broken chain is accepted', async () => {
    const { browser } = session;
    const dataDir = join(dir, 'review');
    const review = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    const ui2 = await UiPage.open(browser, review.url);
    try {
      const { count } = manifestOf(intactCopy);
      await ui2.go('audit');
      await ui2.audit.startImport(intactCopy);
      const result = ui2.testId('import-result');
      await result.waitFor();
      expect(await result.getAttribute('data-imported')).toBe(String(count));
      expect(await result.getAttribute('data-skipped')).toBe('0');
      expect(await result.getAttribute('data-verified')).toBe('true');
      const first = (await review.core.store.query({ order: 'asc', limit: 1 })).events[0];
      expect(first?.metadata.auditImport).toMatchObject({ sourceFile: 'plant-intact.ndjson', verified: true });

      const accept = ui2.testId('import-accept-broken').locator('input');
      expect(await accept.isDisabled()).toBe(true);
      await ui2.audit.startImport(exported);
      await ui2.testId('import-refused').waitFor();
      expect(await ui2.testId('import-verdict').getAttribute('data-line')).toBe(tamperedLine);
      expect(await ui2.testId('import-result').count()).toBe(0);
      expect(await accept.isDisabled()).toBe(false);
      expect(await accept.isChecked()).toBe(false);
      await ui2.expectAccessible('a refused import');
      await accept.check();
      await ui2.testId('import-run').click();
      await expect.poll(() => ui2.testId('import-result').getAttribute('data-verified')).toBe('false');
      // Same ids as the verified import: every event is already there.
      expect(await ui2.testId('import-result').getAttribute('data-skipped')).toBe(String(count));
      expect(await ui2.testId('import-result').getAttribute('data-imported')).toBe('0');
      await ui2.screenshot('audit-import-unverified');
      expect(ui2.errors).toEqual([]);
    } finally {
      await ui2.close();
      await review.close();
    }
  });
});

describe('cancel', () => {
  test('an export of a large store stops on Cancel and leaves no file under the target name', async () => {
    const { host, ui } = session;
    // Enough that the export runs for several seconds (50,000 take about 3 s here), so Cancel lands mid-way.
    const seeded = Date.now();
    for (let batch = 0; batch < 6; batch++) {
      const events = auditHistory(20_000);
      for (let i = 0; i < events.length; i += 2_000) await host.core.store.append(events.slice(i, i + 2_000));
    }
    console.log(`[ui.audit] seeded 120,000 events in ${Date.now() - seeded} ms`);
    await ui.go('audit');
    const big = join(dir, 'big.ndjson');
    const started = Date.now();
    await ui.audit.startExport(big);
    const cancel = ui.testId('job-cancel');
    await expect.poll(() => cancel.isEnabled()).toBe(true);
    await expect.poll(async () => (await ui.testId('job-progress-text').textContent()) ?? '').toMatch(/events/);
    await ui.screenshot('audit-export-progress');
    await cancel.click();
    await ui.testId('export-cancelled').waitFor();
    console.log(`[ui.audit] export cancelled after ${Date.now() - started} ms`);
    expect(await ui.testId('export-result').count()).toBe(0);
    expect(existsSync(big)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('big.ndjson'))).toEqual([]);
    await expect.poll(async () => (await host.dispatch('audit.status', [], { clientId: 'test' })) as unknown).toMatchObject({ ok: true, value: { running: false } });
  });
});
