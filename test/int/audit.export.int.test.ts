// Audit export end to end on the in-memory store: NDJSON export, verification and import
// into an empty store (same events, same equipment state by replay), CSV read back with
// csv-parse, cancelling, refusing a broken file, and the audit.log.exported record.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { CSV_EXPORT_COLUMNS, csvCellValue } from '../../shared/audit/csvWriter';
import { canonicalJson } from '../../shared/audit/canonical';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import { exportAuditLog } from '../../main/audit/exportLog';
import { verifyExportFile } from '../../main/audit/verifyFile';
import { AuditImportRefusedError, importAuditLog } from '../../main/audit/importLog';
import { AUDIT_EXPORTED_TYPE } from '../../main/audit/exporter';
import { auditHistory, equipmentStateHash, portable } from '../support/auditFixture';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const identity = { appVersion: '9.9.9', exportedBy: 'auditor', workstation: 'ws-7' };

async function seeded(count: number): Promise<{ store: InMemoryEventStore; stored: StoredEvent[] }> {
  const store = new InMemoryEventStore();
  const stored = await store.append(auditHistory(count));
  await store.updateStatuses(stored.filter((_, i) => i % 3 === 0).map((e) => ({ eventId: e.id, status: 'PROCESSED' })));
  return { store, stored: await Promise.all(stored.map(async (e) => (await store.get(e.id))!)) };
}

async function allEvents(store: InMemoryEventStore): Promise<StoredEvent[]> {
  return (await store.query({ limit: 1000 })).events;
}

describe('audit export: NDJSON round trip', () => {
  it('exports, verifies, and imports into an empty store with the same events and equipment state', async () => {
    const { store, stored } = await seeded(300);
    const out = join(tempDir(), 'audit.ndjson');
    const progress: number[] = [];
    const result = await exportAuditLog({ store, out, format: 'ndjson', identity, onProgress: (p) => progress.push(p.events) });
    expect(result.count).toBe(300);
    expect(progress.at(-1)).toBe(300);

    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines).toHaveLength(302);
    expect(lines[301]).toBe('');
    const manifest = JSON.parse(lines[300]!).manifest;
    expect(manifest).toMatchObject({ count: 300, firstSeq: 1, lastSeq: 300, headHash: result.headHash, exportedBy: 'auditor', workstation: 'ws-7', appVersion: '9.9.9' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: stored[0]!.id, seq: 1, storeHash: stored[0]!.hash, status: 'PROCESSED' });

    const verdict = await verifyExportFile(out);
    expect(verdict).toMatchObject({ ok: true, events: 300, headHash: result.headHash });

    const recorded = (await store.getEventsByType(AUDIT_EXPORTED_TYPE))[0]!;
    expect(recorded.id).toBe(result.recordedEventId);
    expect(recorded.payload).toMatchObject({ format: 'ndjson', fileName: 'audit.ndjson', count: 300, headHash: result.headHash, manifestHash: manifest.hash, filters: {} });

    const target = new InMemoryEventStore();
    const imported = await importAuditLog({ store: target, file: out });
    expect(imported).toMatchObject({ verified: true, manifestHash: manifest.hash, report: { imported: 300, skippedDuplicates: 0, invalid: 0 } });
    const copies = await allEvents(target);
    expect(copies.map(portable)).toEqual(stored.map(portable));
    for (const copy of copies) expect(copy.metadata.auditImport).toEqual({ sourceFile: 'audit.ndjson', manifestHash: manifest.hash, verified: true });
    const [before, after] = [await equipmentStateHash(store), await equipmentStateHash(target)];
    expect(Object.keys(after.states).sort()).toEqual(['press-0', 'press-1', 'press-2', 'press-3']);
    expect(after.hash).toBe(before.hash);
    expect((await verifyStoreChain(target)).ok).toBe(true);

    const again = await importAuditLog({ store: target, file: out });
    expect(again.report).toMatchObject({ imported: 0, skippedDuplicates: 300 });
  });

  it('exports only the filtered events and records the filters', async () => {
    const { store, stored } = await seeded(120);
    const out = join(tempDir(), 'filtered.ndjson');
    const filters = { types: ['equipment.*'], subject: 'press-1', from: stored[10]!.timestamp, to: stored[100]!.timestamp };
    const result = await exportAuditLog({ store, out, format: 'ndjson', filters, identity });
    const want = stored.filter((e) => e.type.startsWith('equipment.') && e.subject === 'press-1' && e.timestamp >= filters.from && e.timestamp <= filters.to);
    expect(want.length).toBeGreaterThan(5);
    expect(result.count).toBe(want.length);
    expect(result.manifest.filters).toEqual(filters);
    const verdict = await verifyExportFile(out);
    expect(verdict.ok && verdict.manifest.filters).toEqual(filters);
    const ids = readFileSync(out, 'utf8').trim().split('\n').slice(0, -1).map((line) => JSON.parse(line).id);
    expect(ids).toEqual(want.map((e) => e.id));
  });

  it('exports an empty range as a manifest alone, which verifies', async () => {
    const store = new InMemoryEventStore();
    const out = join(tempDir(), 'empty.ndjson');
    const result = await exportAuditLog({ store, out, format: 'ndjson', identity, record: false });
    expect(result.count).toBe(0);
    expect(await verifyExportFile(out)).toMatchObject({ ok: true, events: 0 });
    expect(await store.headSeq()).toBe(0);
  });
});

describe('audit export: cancel and failures', () => {
  it('leaves no file under the target name when cancelled, and keeps an older file there as it was', async () => {
    const { store } = await seeded(30);
    await store.append(auditHistory(20_000));
    const dir = tempDir();
    const out = join(dir, 'big.ndjson');
    writeFileSync(out, 'older export\n');
    const controller = new AbortController();
    const run = exportAuditLog({ store, out, format: 'ndjson', overwrite: true, identity, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toThrow(/abort/i);
    expect(readdirSync(dir)).toEqual(['big.ndjson']);
    expect(readFileSync(out, 'utf8')).toBe('older export\n');
    expect(await store.getEventsByType(AUDIT_EXPORTED_TYPE)).toEqual([]);

    const fresh = join(dir, 'never.ndjson');
    const stopped = new AbortController();
    stopped.abort();
    await expect(exportAuditLog({ store, out: fresh, format: 'csv', signal: stopped.signal })).rejects.toThrow(/abort/i);
    expect(existsSync(fresh)).toBe(false);
  });

  it('refuses a broken file unless accepted, then marks the events unverified', async () => {
    const { store } = await seeded(40);
    const out = join(tempDir(), 'broken.ndjson');
    await exportAuditLog({ store, out, format: 'ndjson', identity });
    const lines = readFileSync(out, 'utf8').split('\n');
    lines.splice(7, 1);
    writeFileSync(out, lines.join('\n'));
    const target = new InMemoryEventStore();
    const refused = await importAuditLog({ store: target, file: out }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuditImportRefusedError);
    expect((refused as AuditImportRefusedError).verdict).toMatchObject({ ok: false, line: 8 });
    expect(await target.headSeq()).toBe(0);

    const accepted = await importAuditLog({ store: target, file: out, acceptBroken: true });
    expect(accepted).toMatchObject({ verified: false, report: { imported: 39 } });
    const manifestHash = JSON.parse(lines[39]!).manifest.hash;
    expect(accepted.manifestHash).toBe(manifestHash);
    for (const event of await allEvents(target)) expect(event.metadata.auditImport).toEqual({ sourceFile: 'broken.ndjson', manifestHash, verified: false });
  });
});

describe('audit export: CSV', () => {
  it('reads back with csv-parse as the same values, neutralised against formulas, with a BOM on request', async () => {
    const { store, stored } = await seeded(90);
    const dir = tempDir();
    const csv = join(dir, 'audit.csv');
    const result = await exportAuditLog({ store, out: csv, format: 'csv', bom: true, identity });
    const ndjson = join(dir, 'audit.ndjson');
    const lines = (await exportAuditLog({ store, out: ndjson, format: 'ndjson', identity, record: false }), readFileSync(ndjson, 'utf8').split('\n'));

    const bytes = readFileSync(csv);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes, { bom: true, columns: true, relax_quotes: false }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(CSV_EXPORT_COLUMNS);
    expect(rows).toHaveLength(90);
    let neutralised = 0;
    rows.forEach((row, i) => {
      const event = stored[i]!;
      const line = JSON.parse(lines[i]!);
      for (const cell of Object.values(row)) {
        if (/^[=+\-@\t\r]/.test(cell)) throw new Error(`row ${i + 1}: a cell starts with a formula character: ${cell}`);
        if (cell.startsWith("'")) neutralised += 1;
      }
      const value = (column: string) => csvCellValue(row[column]!);
      expect(value('id')).toBe(event.id);
      expect(Number(value('seq'))).toBe(event.seq);
      expect(value('type')).toBe(event.type);
      expect(value('source')).toBe(event.source);
      expect(Number(value('timestamp'))).toBe(event.timestamp);
      expect(value('priority')).toBe(event.priority);
      expect(value('status')).toBe(event.status);
      expect(value('correlationId')).toBe(event.correlationId ?? '');
      expect(value('subject')).toBe(event.subject ?? '');
      expect(JSON.parse(value('payload'))).toEqual(event.payload);
      expect(value('payload')).toBe(canonicalJson(event.payload));
      expect(JSON.parse(value('metadata'))).toEqual(event.metadata);
      expect(value('storeHash')).toBe(event.hash);
      expect([value('prevHash'), value('hash')]).toEqual([line.prevHash, line.hash]);
    });
    expect(neutralised).toBeGreaterThan(10);
    // The NDJSON export made afterwards also holds the CSV export's own audit event (line 91).
    expect(JSON.parse(lines[90]!).type).toBe(AUDIT_EXPORTED_TYPE);
    expect(result.headHash).toBe(JSON.parse(lines[89]!).hash);
  });
});
