// CloudEvents 1.0 export and import: every exported event validated by the cloudevents SDK (the
// independent judge), round trips of NDJSON and batch into another store, and hostile input refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudEvent } from 'cloudevents';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../shared/api/errors';
import { MANIFEST_TYPE } from '../../shared/audit/cloudEvents';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { exportAuditLog } from '../../main/audit/exportLog';
import { AuditImportRefusedError, importAuditLog } from '../../main/audit/importLog';
import { auditHistory, portable } from '../support/auditFixture';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cloudevents-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const tempDir = () => dir;

const identity = { appVersion: '9.9.9', exportedBy: 'auditor', workstation: 'ws-7' };

/** The audit history with a causation id and a timestamp with a fraction of a millisecond, every third event PROCESSED. */
async function seeded(count: number): Promise<{ store: InMemoryEventStore; stored: StoredEvent[] }> {
  const history = auditHistory(count);
  history[1] = { ...history[1]!, causationId: history[0]!.id, timestamp: history[1]!.timestamp + 0.25 };
  const store = new InMemoryEventStore();
  const appended = await store.append(history);
  const processed = appended.filter((_, i) => i % 3 === 0);
  await store.updateStatuses(processed.map(({ id }) => ({ eventId: id, status: 'PROCESSED' })));
  return { store, stored: (await store.query({ limit: 1000 })).events };
}

const allEvents = async (store: InMemoryEventStore) => (await store.query({ limit: 1000 })).events;

function exported(file: string, format: 'cloudevents' | 'cloudevents-batch'): Record<string, unknown>[] {
  const text = readFileSync(file, 'utf8');
  if (format === 'cloudevents-batch') return JSON.parse(text) as Record<string, unknown>[];
  const lines = text.split('\n');
  expect(lines.at(-1)).toBe('');
  return lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('CloudEvents export and import', () => {
  for (const format of ['cloudevents', 'cloudevents-batch'] as const) {
    it(`${format}: every exported event is a valid CloudEvent, and the file imports into another store as the same events, verified`, async () => {
      const { store, stored } = await seeded(120);
      const out = join(tempDir(), `audit.${format === 'cloudevents' ? 'ndjson' : 'json'}`);
      const result = await exportAuditLog({ store, out, format, identity });
      expect(result).toMatchObject({ format, count: 120 });

      const cloudEvents = exported(out, format);
      expect(cloudEvents).toHaveLength(121);
      for (const candidate of cloudEvents) expect(new CloudEvent(candidate, true).validate()).toBe(true);
      const first = cloudEvents[0]!;
      expect(first).toMatchObject({
        specversion: '1.0',
        id: stored[0]!.id,
        source: stored[0]!.source,
        type: stored[0]!.type,
        subject: stored[0]!.subject,
        time: new Date(stored[0]!.timestamp).toISOString(),
        datacontenttype: 'application/json',
        data: stored[0]!.payload,
        priority: stored[0]!.priority,
        correlationid: stored[0]!.correlationId,
        plantseq: 1,
        plantstatus: 'PROCESSED',
        plantstorehash: stored[0]!.hash,
      });
      expect(cloudEvents[1]).toMatchObject({ causationid: stored[0]!.id, planttimestamp: String(stored[1]!.timestamp) });
      expect(cloudEvents.at(-1)).toMatchObject({ type: MANIFEST_TYPE, data: { count: 120, headHash: result.headHash } });
      for (const candidate of cloudEvents) for (const name of Object.keys(candidate)) expect(name).toMatch(/^([a-z0-9]{1,20}|data_base64)$/);

      const target = new InMemoryEventStore();
      const imported = await importAuditLog({ store: target, file: out });
      expect(imported).toMatchObject({ verified: true, report: { imported: 120, invalid: 0 } });
      expect((await allEvents(target)).map(portable)).toEqual(stored.map(portable));
      expect((await allEvents(target))[0]?.metadata.auditImport).toMatchObject({ sourceFile: out.split('/').at(-1), verified: true });
      // A second import of the same file stores nothing again.
      expect((await importAuditLog({ store: target, file: out })).report).toMatchObject({ imported: 0, skippedDuplicates: 120 });
    });
  }

  it('refuses a changed CloudEvents export as unverified, and imports it only when accepted, marked unverified', async () => {
    const { store } = await seeded(10);
    const out = join(tempDir(), 'audit.ndjson');
    await exportAuditLog({ store, out, format: 'cloudevents', identity });
    const cloudEvents = exported(out, 'cloudevents');
    (cloudEvents[4]!.data as Record<string, unknown>).temperature = 99;
    writeFileSync(out, cloudEvents.map((event) => `${JSON.stringify(event)}\n`).join(''));
    const target = new InMemoryEventStore();
    await expect(importAuditLog({ store: target, file: out })).rejects.toThrow(AuditImportRefusedError);
    expect(await target.headSeq()).toBe(0);
    const accepted = await importAuditLog({ store: target, file: out, acceptBroken: true });
    expect(accepted).toMatchObject({ verified: false, report: { imported: 10 } });
  });

  it('imports CloudEvents from elsewhere (no chain) only as unverified, keeping foreign extensions in metadata', async () => {
    const file = join(tempDir(), 'foreign.ndjson');
    const foreign = { specversion: '1.0', id: 'ext-1', source: 'urn:plant:mes', type: 'production.order.started', time: '2026-12-03T08:00:00Z', data: { orderId: 'o-1' }, traceparent: 'abc', partitionkey: 'line-1' };
    writeFileSync(file, `${JSON.stringify(foreign)}\n`);
    const target = new InMemoryEventStore();
    await expect(importAuditLog({ store: target, file })).rejects.toThrow(AuditImportRefusedError);
    await importAuditLog({ store: target, file, acceptBroken: true });
    const [copy] = await allEvents(target);
    expect(copy).toMatchObject({ type: 'production.order.started', source: 'urn:plant:mes', timestamp: Date.UTC(2026, 11, 3, 8), priority: 'NORMAL', payload: { orderId: 'o-1' }, metadata: { cloudEvents: { traceparent: 'abc', partitionkey: 'line-1', id: 'ext-1' } } });
    expect(copy?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect((await importAuditLog({ store: target, file, acceptBroken: true })).report).toMatchObject({ imported: 0, skippedDuplicates: 1 });
  });

  const base = { specversion: '1.0', id: 'e-1', source: 'line-1', type: 'equipment.status.changed', time: '2026-12-03T08:00:00Z', data: { equipmentId: 'p-1' } };
  const HOSTILE: [string, string, RegExp][] = [
    ['not JSON', '{"specversion":"1.0", nope\n', /^line 1: not valid JSON$/],
    ['an array line', `${JSON.stringify(base)}\n[1,2]\n`, /^line 2: not a JSON object$/],
    ['wrong specversion', `${JSON.stringify({ ...base, specversion: '0.3' })}\n`, /"specversion" must be "1.0", not "0.3"/],
    ['no id', `${JSON.stringify({ ...base, id: '' })}\n`, /"id" must be a non-empty string/],
    ['an id of the wrong type', `${JSON.stringify({ ...base, id: 7 })}\n`, /"id" must be a non-empty string/],
    ['no source', `${JSON.stringify({ ...base, source: undefined })}\n`, /"source" must be a non-empty string/],
    ['a time that is not RFC 3339', `${JSON.stringify({ ...base, time: 'yesterday' })}\n`, /"time" must be an RFC 3339 time/],
    ['binary data', `${JSON.stringify({ ...base, data: undefined, data_base64: 'AAAA' })}\n`, /binary data \("data_base64"\) is not accepted/],
    ['XML content', `${JSON.stringify({ ...base, datacontenttype: 'application/xml' })}\n`, /"datacontenttype" must be JSON/],
    ['an upper-case extension', `${JSON.stringify({ ...base, Priority: 'HIGH' })}\n`, /"Priority" is not a CloudEvents attribute name/],
    ['a long extension name', `${JSON.stringify({ ...base, averyveryverylongextensionname: 'x' })}\n`, /is not a CloudEvents attribute name/],
    ['an object extension', `${JSON.stringify({ ...base, correlationid: { a: 1 } })}\n`, /extension "correlationid" must be a string, an integer or a boolean/],
    ['an unknown priority', `${JSON.stringify({ ...base, priority: 'URGENT' })}\n`, /"priority" must be one of LOW, NORMAL, HIGH, CRITICAL/],
    ['plantmetadata that is not an object', `${JSON.stringify({ ...base, plantmetadata: '[1]' })}\n`, /"plantmetadata" must be a JSON object as text/],
    ['a negative plantseq', `${JSON.stringify({ ...base, plantseq: -4 })}\n`, /"plantseq" must be a whole number of at least 1/],
    ['a batch that is not an array', '[1, 2', /^the batch: not valid JSON$/],
    ['a batch of non-objects', '[1, 2]', /^event 1 of the batch: not a JSON object$/],
    ['a manifest without data', `${JSON.stringify({ ...base, type: MANIFEST_TYPE, data: 'x' })}\n`, /manifest's "data" must be an object/],
  ];
  it(`refuses ${HOSTILE.length} kinds of hostile CloudEvents input with one sentence, storing nothing`, async () => {
    const target = new InMemoryEventStore();
    for (const [what, text, reason] of HOSTILE) {
      const file = join(tempDir(), 'hostile.ndjson');
      writeFileSync(file, text);
      const refusal = await importAuditLog({ store: target, file, acceptBroken: true }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal, what).toBeInstanceOf(InputError);
      expect((refusal as Error).message, what).toMatch(reason);
      expect((refusal as Error).message.includes('\n'), what).toBe(false);
    }
    console.info(`CloudEvents hostile inputs tried: ${HOSTILE.length}`);
    expect(await target.headSeq()).toBe(0);
  });
});
