// Tampering with an NDJSON audit export: more than 200 single edits (flipped bytes, deleted,
// duplicated, swapped and foreign lines, edited manifests), each verified from a file and
// each detected at the first line it affects.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/audit/canonical';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { exportAuditLog } from '../../main/audit/exportLog';
import { verifyExportFile } from '../../main/audit/verifyFile';
import { auditHistory } from '../support/auditFixture';

const EVENTS = 40;
let dir = '';
let original: Buffer;
let lines: string[];
let foreignLine: string;

interface Edit {
  readonly name: string;
  readonly bytes: Buffer;
  /** The first line the edit changes, as numbered in the edited file. */
  readonly line: number;
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const joined = (parts: readonly string[]) => Buffer.from(`${parts.join('\n')}\n`, 'utf8');

function edits(): Edit[] {
  const all: Edit[] = [];
  const count = lines.length; // events + manifest
  const next = random(6);
  const lineOfByte = (offset: number) => {
    let line = 1;
    for (let i = 0; i < offset; i++) if (original[i] === 10) line += 1;
    return line;
  };
  for (let i = 0; i < 100; i++) {
    const offset = Math.floor(next() * original.length);
    const bytes = Buffer.from(original);
    bytes[offset] = bytes[offset]! ^ (1 + Math.floor(next() * 255));
    all.push({ name: `flip byte ${offset}`, bytes, line: lineOfByte(offset) });
  }
  for (let k = 0; k < count; k++) {
    all.push({ name: `delete line ${k + 1}`, bytes: joined(lines.filter((_, i) => i !== k)), line: k + 1 });
    all.push({ name: `duplicate line ${k + 1}`, bytes: joined([...lines.slice(0, k + 1), lines[k]!, ...lines.slice(k + 1)]), line: k + 2 });
    if (k + 1 < count) {
      const swapped = [...lines];
      [swapped[k], swapped[k + 1]] = [swapped[k + 1]!, swapped[k]!];
      all.push({ name: `swap lines ${k + 1} and ${k + 2}`, bytes: joined(swapped), line: k + 1 });
    }
  }
  for (const k of [0, 5, 20, EVENTS]) {
    all.push({ name: `insert a foreign line before line ${k + 1}`, bytes: joined([...lines.slice(0, k), foreignLine, ...lines.slice(k)]), line: k + 1 });
  }
  const manifest = JSON.parse(lines[EVENTS]!).manifest as Record<string, unknown>;
  const manifestEdits: Record<string, unknown>[] = [
    { ...manifest, count: EVENTS - 1 },
    { ...manifest, exportedBy: 'somebody-else' },
    { ...manifest, workstation: 'elsewhere' },
    { ...manifest, exportedAt: '2030-01-01T00:00:00.000Z' },
    { ...manifest, filters: { types: ['equipment.*'] } },
    { ...manifest, headHash: 'f'.repeat(64) },
    { ...manifest, lastSeq: 39 },
    { ...manifest, extra: true },
    Object.fromEntries(Object.entries(manifest).filter(([key]) => key !== 'appVersion')),
    { ...manifest, hash: '0'.repeat(64) },
  ];
  for (const [i, edited] of manifestEdits.entries()) {
    all.push({ name: `manifest edit ${i + 1}`, bytes: joined([...lines.slice(0, EVENTS), canonicalJson({ manifest: edited })]), line: EVENTS + 1 });
  }
  all.push({ name: 'cut the last line break', bytes: original.subarray(0, original.length - 1), line: EVENTS + 1 });
  all.push({ name: 'cut in the middle of a line', bytes: original.subarray(0, original.indexOf('\n', 2000) - 10), line: lineOfByte(original.indexOf('\n', 2000)) });
  all.push({ name: 'CRLF line breaks', bytes: Buffer.from(original.toString('utf8').replace(/\n/g, '\r\n')), line: 1 });
  all.push({ name: 'pretty-printed line 3', bytes: joined([...lines.slice(0, 2), JSON.stringify(JSON.parse(lines[2]!), null, 1).replace(/\n/g, ''), ...lines.slice(3)]), line: 3 });
  return all;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-tamper-'));
  const store = new InMemoryEventStore();
  await store.append(auditHistory(EVENTS));
  const out = join(dir, 'original.ndjson');
  await exportAuditLog({ store, out, format: 'ndjson', record: false, identity: { appVersion: '1', exportedBy: 'a', workstation: 'w' } });
  original = readFileSync(out);
  lines = original.toString('utf8').split('\n').slice(0, -1);
  const other = new InMemoryEventStore();
  await other.append(auditHistory(3));
  await exportAuditLog({ store: other, out: join(dir, 'other.ndjson'), format: 'ndjson', record: false });
  foreignLine = readFileSync(join(dir, 'other.ndjson'), 'utf8').split('\n')[1]!;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit export tampering', () => {
  it('verifies the untouched export', async () => {
    expect(lines).toHaveLength(EVENTS + 1);
    expect(await verifyExportFile(join(dir, 'original.ndjson'))).toMatchObject({ ok: true, events: EVENTS });
  });

  it('detects each of more than 200 single edits at the right line', async () => {
    const cases = edits();
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const wrong: string[] = [];
    const reasons = new Set<string>();
    for (const [i, edit] of cases.entries()) {
      const file = join(dir, `edit-${i}.ndjson`);
      writeFileSync(file, edit.bytes);
      const verdict = await verifyExportFile(file);
      if (verdict.ok) wrong.push(`${edit.name}: not detected`);
      else if (verdict.line !== edit.line) wrong.push(`${edit.name}: reported at line ${verdict.line} (${verdict.reason}), expected line ${edit.line}`);
      else reasons.add(verdict.reason.replace(/[0-9a-f]{64}|\d+/g, '#').slice(0, 60));
    }
    expect(wrong).toEqual([]);
    // The reasons say what kind of change it was, not one message for everything.
    expect(reasons.size).toBeGreaterThan(6);
  });
});
