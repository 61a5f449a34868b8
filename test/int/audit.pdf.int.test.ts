// The PDF incident report, printed by a real headless Chromium (Playwright's page.pdf) and
// read back with pdftotext (Debian's poppler-utils): the head hash, the counts, the alarms,
// the equipment states and the events table's cap are in the text.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { exportAuditLog } from '../../main/audit/exportLog';
import { exportPdfReport } from '../../main/audit/pdfExport';
import { playwrightPdfRenderer } from '../../main/audit/renderPdf';
import { AUDIT_EXPORTED_TYPE } from '../../main/audit/exporter';
import { auditHistory } from '../support/auditFixture';
import { findChromium } from '../support/chromium';

const dir = mkdtempSync(join(tmpdir(), 'audit-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pdfText(file: string): string {
  try {
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pdftotext is missing: install Debian\'s poppler-utils (apt-get install poppler-utils)');
    throw error;
  }
}

describe('audit export: PDF incident report', () => {
  it('holds the head hash, the counts by type and priority, the alarms and the equipment states', async () => {
    const store = new InMemoryEventStore();
    const stored = await store.append(auditHistory(120));
    const filters = { from: stored[20]!.timestamp, to: stored[99]!.timestamp };
    const out = join(dir, 'incident.pdf');
    const executablePath = findChromium();
    if (!executablePath) throw new Error('no Chromium for the PDF test');
    const result = await exportPdfReport({
      store, out, filters, maxRows: 50, renderPdf: playwrightPdfRenderer({ executablePath }),
      identity: { appVersion: '1.2.3', exportedBy: 'inspector', workstation: 'ws-pdf' },
    });
    expect(result.count).toBe(80);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');

    // The same filters exported as NDJSON give the same head hash.
    const ndjson = await exportAuditLog({ store, out: join(dir, 'same.ndjson'), format: 'ndjson', filters, record: false });
    expect(ndjson.headHash).toBe(result.headHash);

    const text = pdfText(out);
    expect(text).toContain(result.headHash);
    expect(text).toContain(result.manifest.hash);
    const inRange = stored.slice(20, 100);
    for (const type of new Set(inRange.map((e) => e.type))) {
      const n = inRange.filter((e) => e.type === type).length;
      expect(text, type).toMatch(new RegExp(`${type.replace(/\./g, '\\.')}\\s+${n}\\b`));
    }
    for (const priority of ['LOW', 'NORMAL', 'HIGH', 'CRITICAL']) {
      const n = inRange.filter((e) => e.priority === priority).length;
      expect(text, priority).toMatch(new RegExp(`\\n\\s*${priority}\\s+${n}\\s*\\n`));
    }
    expect(text).toMatch(/total\s+80\b/);
    expect(text).toContain('Alarms in the range');
    expect(text.match(/alarm\.raised/g)!.length).toBeGreaterThanOrEqual(16);
    for (const equipment of ['press-0', 'press-1', 'press-2', 'press-3']) expect(text).toContain(equipment);
    expect(text).toContain('30 more events are in the range');
    expect(text).toContain('inspector');

    const recorded = await store.getEventsByType(AUDIT_EXPORTED_TYPE);
    expect(recorded.map((e) => e.payload)).toEqual([expect.objectContaining({ format: 'pdf', count: 80, headHash: result.headHash })]);
  });
});
