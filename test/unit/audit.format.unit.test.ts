// The audit formats' definitions, checked against the general rules: an export line is the
// canonical JSON of its own content, its hash covers the rest of the line after prevHash; the
// store hash leaves out status; CSV cells are neutralised reversibly.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/audit/canonical';
import { chainHash, chainText, GENESIS_HASH, storeHashOf } from '../../shared/audit/chain';
import { csvCell, csvCellValue } from '../../shared/audit/csvWriter';
import { ExportChain, exportLineOf, manifestLineOf } from '../../shared/audit/exportFormat';
import { verifyExportText } from '../../shared/audit/exportVerifier';
import type { StoredEvent } from '../../shared/events/event';
import { makeEvent } from '../support/events';

function stored(overrides: Partial<StoredEvent> = {}): StoredEvent {
  const event = { ...makeEvent({ correlationId: 'flow-1', causationId: 'cause-1', metadata: { z: 1, a: [{ y: 'é', b: null }] } }), seq: 7, subject: 'equip-1' };
  return { ...event, hash: storeHashOf('a'.repeat(64), event), ...overrides };
}

describe('audit formats', () => {
  it('writes each export line as the canonical JSON of its content, hashed without prevHash and hash', () => {
    for (const event of [stored(), stored({ correlationId: undefined, causationId: undefined, subject: undefined }), stored({ hash: undefined })]) {
      const prev = 'b'.repeat(64);
      const { text, hash } = exportLineOf(event, prev);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      expect(text).toBe(canonicalJson(parsed));
      const { prevHash, hash: own, ...rest } = parsed;
      expect([prevHash, own]).toEqual([prev, hash]);
      expect(hash).toBe(chainHash(prev, canonicalJson(rest)));
      expect(rest).toEqual({ ...Object.fromEntries(Object.entries(event).filter(([key, value]) => key !== 'hash' && value !== undefined)), ...(event.hash ? { storeHash: event.hash } : {}) });
    }
  });

  it('leaves the delivery status and the subject out of the store hash, and keeps seq in it', () => {
    const event = stored();
    for (const e of [event, { ...event, correlationId: undefined, causationId: undefined }]) {
      const { status: _s, subject: _j, hash: _h, ...covered } = e;
      expect(chainText(e)).toBe(canonicalJson(covered));
    }
    const processed: StoredEvent = { ...event, status: 'PROCESSED' };
    expect(storeHashOf(GENESIS_HASH, processed)).toBe(storeHashOf(GENESIS_HASH, event));
    expect(chainText({ ...event, subject: 'other' } as StoredEvent)).toBe(chainText(event));
    expect(storeHashOf(GENESIS_HASH, { ...event, seq: 8 })).not.toBe(storeHashOf(GENESIS_HASH, event));
  });

  it('neutralises formula cells reversibly and quotes per RFC 4180', () => {
    const cases: [string, string][] = [
      ['=1+1', "'=1+1"], ['+49 30', "'+49 30"], ['-5', "'-5"], ['@SUM(A1)', "'@SUM(A1)"], ['\tx', "'\tx"],
      ["'already", "''already"], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['two\nlines', '"two\nlines"'], ['=a,"b"', `"'=a,""b"""`], ['plain', 'plain'], ['', ''],
    ];
    for (const [value, cell] of cases) {
      expect(csvCell(value), value).toBe(cell);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(csvCellValue(unquoted)).toBe(value);
    }
  });

  it('neutralises formulas behind leading blanks and in full-width characters, reversibly', () => {
    const risky = [' =1+1', '  +1', '\n-2', '\u00a0@SUM(A1)', '\ufeff=HYPERLINK("x")', '\r\n=1', '\uff1d1+1', '\uff0b1', '\uff0d1', '\uff20SUM(A1)', ' \uff1dA1'];
    for (const value of risky) {
      const cell = csvCell(value);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted.startsWith("'"), JSON.stringify(value)).toBe(true);
      expect(csvCellValue(unquoted)).toBe(value);
    }
    // Blanks before ordinary text are left alone.
    for (const value of [' plain', '\u00a0100 kg', 'a-b']) expect(csvCell(value)).toBe(value);
  });

  it('verifies text and names a missing final line break', () => {
    const line = exportLineOf(stored(), GENESIS_HASH).text;
    expect(verifyExportText(`${line}\n`)).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/manifest line is missing/) });
    expect(verifyExportText('')).toMatchObject({ ok: false, line: 1 });
  });

  it('can be verified as the README says, with a JCS library and SHA-256 alone', () => {
    const chain = new ExportChain();
    const events = [stored({ seq: 1 }), stored({ seq: 2, payload: { 'ü': [1e21, -0, 0.5], a: '温度 🏭' } }), stored({ seq: 3, correlationId: undefined })];
    const lines = events.map((event) => chain.line(event));
    lines.push(manifestLineOf(chain.manifest({ appVersion: '1', filters: {}, exportedAt: '2026-01-01T00:00:00Z', exportedBy: 'op', workstation: 'ws' })));
    const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    let previous = '0'.repeat(64);
    for (const line of lines.slice(0, -1)) {
      const { prevHash, hash, ...rest } = JSON.parse(line) as Record<string, unknown>;
      expect(prevHash).toBe(previous);
      expect(hash).toBe(sha256(String(prevHash) + canonicalize(rest)));
      previous = String(hash);
    }
    const { manifest } = JSON.parse(lines.at(-1)!) as { manifest: Record<string, unknown> };
    const { hash, ...unsigned } = manifest;
    expect(unsigned.headHash).toBe(previous);
    expect(hash).toBe(sha256(previous + canonicalize(unsigned)));
  });
});
