// The fast paths of the audit hash, checked against plain references on many random inputs:
// sha256 (unrolled rounds, in-place padding, DataView reads) against node:crypto; canonical
// JSON (escape-free strings without JSON.stringify, number shortcuts, cached key layouts)
// against "sort the keys, then JSON.stringify"; chainText against canonicalJson of the chain form.
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError, canonicalMembers, joinMembers, jsonNumber, jsonString } from '../../shared/audit/canonical';
import { chainText, GENESIS_HASH, storeHashOf } from '../../shared/audit/chain';
import { ChainHasher } from '../../shared/audit/chainBytes';
import { ownSha256HexOfText as sha256HexOfText, Sha256, sha256Hex } from '../../shared/audit/sha256';
import type { StoredEvent } from '../../shared/events/event';
import { seededRandom, type SeededRandom } from '../support/random';

const nodeShaText = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const nodeShaBytes = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A seeded generator (mulberry32), so a failure can be replayed. */
/** Code units of every kind the writers treat differently. */
const PIECES = [
  'a', 'Z', '0', ' ', '-', '.', '~', '\u007f', '"', '\\', '/', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u0001', '\u001f',
  'é', 'ß', '\u00ff', '\u0100', '温', '\u2028', '\u2029', '\ufeff', '\ufffd', '\uffff', '🏭', '😀', '\ud800', '\udbff', '\udc00', '\udfff',
];

function text(r: SeededRandom, maxLength: number): string {
  const length = r.below(maxLength + 1);
  const mode = r.below(4);
  let out = '';
  while (out.length < length) {
    if (mode === 0) out += String.fromCharCode(0x20 + r.below(0x5f)); // printable ASCII only
    else if (mode === 1) out += r.pick(PIECES);
    else if (mode === 2) out += String.fromCharCode(r.below(0x10000)); // any code unit, lone surrogates included
    else out += r.next() < 0.9 ? String.fromCharCode(0x61 + r.below(26)) : r.pick(PIECES);
  }
  return out;
}

const TRICKY_NUMBERS = [
  0, -0, 1, -1, 0.1, -0.5, 1e21, 1e-7, 1.5e-7, 123e-20, 1e300, -1e300, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON,
  2 ** 30 - 1, 2 ** 30, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 999_999_999, 1e9, 1e9 + 1, 1_999_999_999, 2e9,
  1704067200000, 1704067200001, 1_000_000_000_000, 1e15, 1e15 + 0.5, 2 ** 52, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 1e20, 1e21 - 65536,
  -1704067200000, 12.5, 52.345, 0.30000000000000004, 4.35, 1 / 3,
];

function number(r: SeededRandom): number {
  switch (r.below(7)) {
    case 0: return r.pick(TRICKY_NUMBERS);
    case 1: return r.below(1000) - 500;
    case 2: return Math.round(r.next() * 1e8) / 1000;
    case 3: return 1e9 + r.below(2 ** 31) * r.below(4_200_000); // integers across the two-halves range
    case 4: return (r.next() - 0.5) * 10 ** (r.below(60) - 30);
    case 5: return 1704067200000 + r.below(1e9);
    default: {
      const bits = new Float64Array(1);
      new Uint32Array(bits.buffer).set([r.below(2 ** 32), r.below(2 ** 32)]);
      return Number.isFinite(bits[0]!) ? bits[0]! : 0.25;
    }
  }
}

/** Keys, from a small pool (so that key lists repeat and layouts get made and reused) or random. */
const KEY_POOL = ['a', 'b', 'B', 'id', 'value', 'unit', 'equipmentId', 'metric', 'sample', '', '0', '1', '9', '10', '2', 'é', 'Z', 'a"b', 'x\\y', '\ud800k', '🏭', 'toString', '__proto__x'];

function key(r: SeededRandom): string {
  return r.next() < 0.8 ? r.pick(KEY_POOL) : text(r, 8);
}

/** A few key lists used over and over: items of a list share one, some share a first key. */
const SHAPES: string[][] = [
  ['equipmentId', 'metric', 'value', 'unit', 'sample'],
  ['equipmentId', 'metric', 'unit'],
  ['equipmentId', 'status'],
  ['a', 'b'],
  ['b', 'a'],
  ['a', 'B', 'b'],
  ['10', '9', 'x', 'a'],
  ['z', 'y', 'x', 'w', 'v', 'u', 't', 's', 'r', 'q', 'p', 'o', 'n', 'm', 'l', 'k', 'j', 'i'], // more than 16 keys
];

function json(r: SeededRandom, depth: number): unknown {
  const roll = r.next();
  if (depth >= 4 || roll < 0.4) {
    const kind = r.below(6);
    if (kind === 0) return null;
    if (kind === 1) return r.next() < 0.5;
    if (kind <= 3) return number(r);
    return text(r, r.next() < 0.9 ? 12 : 80);
  }
  if (roll < 0.6) return Array.from({ length: r.below(6) }, () => json(r, depth + 1));
  const record: Record<string, unknown> = r.next() < 0.05 ? (Object.create(null) as Record<string, unknown>) : {};
  if (roll < 0.85) {
    // A known shape, often several in a row (a list of like items).
    const shape = r.pick(SHAPES);
    for (const k of shape) record[k] = r.next() < 0.05 ? undefined : json(r, depth + 1);
    return record;
  }
  const count = r.next() < 0.05 ? 70 + r.below(10) : r.below(8); // now and then more keys than get a layout
  for (let i = 0; i < count; i++) record[r.next() < 0.5 ? key(r) : `k${r.below(200)}`] = r.next() < 0.05 ? undefined : json(r, depth + 1);
  return record;
}

/** The reference: keys sorted at every depth (by code units, undefined members left out), everything else as JSON.stringify writes it. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record).sort().filter((k) => record[k] !== undefined);
    return `{${members.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('sha256 fast paths', () => {
  it('hashes random text as node:crypto does (UTF-8, lone surrogates as U+FFFD)', () => {
    const r = seededRandom(1);
    for (let i = 0; i < 4000; i++) {
      const t = text(r, 300);
      expect(sha256HexOfText(t), JSON.stringify(t)).toBe(nodeShaText(t));
    }
  });

  it('matches node:crypto at every UTF-8 length around the padding edges', () => {
    for (let bytes = 0; bytes <= 200; bytes++) {
      const ascii = 'x'.repeat(bytes);
      expect(sha256HexOfText(ascii), `${bytes} ASCII bytes`).toBe(nodeShaText(ascii));
      // The same byte length reached with 2-, 3- and 4-byte characters and a lone surrogate (3 bytes as U+FFFD).
      for (const wide of ['é', '温', '🏭', '\udc00']) {
        const width = Buffer.byteLength(wide, 'utf8');
        if (bytes < width) continue;
        const t = 'y'.repeat(bytes - width) + wide;
        expect(Buffer.byteLength(t, 'utf8')).toBe(bytes);
        expect(sha256HexOfText(t), `${bytes} bytes ending in ${JSON.stringify(wide)}`).toBe(nodeShaText(t));
      }
    }
  });

  it('hashes long texts, growing its buffer and then going back to short ones', () => {
    const r = seededRandom(2);
    for (const length of [4000, 5000, 70_000, 10, 300_000, 64, 1_000_003]) {
      const t = r.next() < 0.5 ? 'a'.repeat(length) : text(r, 50).repeat(Math.ceil(length / 25)).slice(0, length);
      expect(sha256HexOfText(t), `length ${length}`).toBe(nodeShaText(t));
    }
    const prev = 'f'.repeat(64);
    expect(sha256HexOfText(prev + '{"a":1}')).toBe(nodeShaText(prev + '{"a":1}'));
  });

  it('hashes byte arrays at any offset of their buffer, like Buffer slices', () => {
    const r = seededRandom(3);
    const big = randomBytes(5000);
    for (let i = 0; i < 500; i++) {
      const start = r.below(1000);
      const data = big.subarray(start, start + r.below(600));
      expect(sha256Hex(data)).toBe(nodeShaBytes(data));
      const copy = new Uint8Array(data);
      expect(sha256Hex(copy)).toBe(nodeShaBytes(data));
    }
  });

  it('streams random chunkings of bytes and of text like node:crypto', () => {
    const r = seededRandom(4);
    for (let i = 0; i < 400; i++) {
      const data = randomBytes(r.below(1500));
      const ours = new Sha256();
      for (let at = 0; at < data.length; ) {
        const size = r.pick([0, 1, 2, 3, 7, 55, 56, 63, 64, 65, 100, 128, 129, 500]);
        ours.update(data.subarray(at, at + size));
        at += size;
      }
      expect(ours.digestHex()).toBe(nodeShaBytes(data));

      const pieces = Array.from({ length: r.below(8) }, () => text(r, 150));
      const oursText = new Sha256();
      const theirs = createHash('sha256');
      for (const piece of pieces) {
        oursText.updateText(piece);
        sha256HexOfText(text(r, 100)); // one-shot hashing in between shares the text buffer
        theirs.update(piece, 'utf8');
      }
      expect(oursText.digestHex()).toBe(theirs.digest('hex'));
    }
  });
});

describe('canonical JSON fast paths', () => {
  it('writes strings exactly as JSON.stringify does', () => {
    const r = seededRandom(5);
    for (const t of [...PIECES, '', '\ud83c\udfed', '\udfed\ud83c', 'a\ud800', '\udc00b']) expect(jsonString(t)).toBe(JSON.stringify(t));
    for (let i = 0; i < 5000; i++) {
      const t = text(r, 60);
      expect(jsonString(t), JSON.stringify(t)).toBe(JSON.stringify(t));
    }
  });

  it('writes finite numbers exactly as JSON.stringify does', () => {
    const r = seededRandom(6);
    for (const n of TRICKY_NUMBERS) expect(jsonNumber(n), String(n)).toBe(JSON.stringify(n));
    for (let i = 0; i < 20_000; i++) {
      const n = number(r);
      expect(jsonNumber(n), String(n)).toBe(JSON.stringify(n));
      expect(jsonNumber(-n), String(-n)).toBe(JSON.stringify(-n));
    }
  });

  it('equals "sort the keys, then JSON.stringify" on random JSON values', () => {
    const r = seededRandom(7);
    for (let i = 0; i < 5000; i++) {
      const value = json(r, 0);
      const want = reference(value);
      expect(canonicalJson(value)).toBe(want);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        expect(joinMembers(canonicalMembers(value as Record<string, unknown>))).toBe(want);
      }
    }
  });

  it('keeps objects with the same keys in another order, or with other keys after the same first key, apart', () => {
    // Each list comes twice in a row (so a layout is made), then they alternate.
    const lists = [['b', 'a', 'c'], ['a', 'b', 'c'], ['b', 'c', 'a'], ['b', 'a'], ['b', 'a', 'c', 'd'], ['b', 'x', 'c'], ['b', 'a', 'c']];
    const build = (keys: string[], seed: number) => Object.fromEntries(keys.map((k, i) => [k, seed * 10 + i]));
    for (let round = 0; round < 3; round++) {
      for (const [n, keys] of lists.entries()) {
        for (let twice = 0; twice < 2; twice++) {
          const value = build(keys, n);
          expect(canonicalJson(value)).toBe(reference(value));
          expect(canonicalJson([value, { ...value, a: undefined }])).toBe(reference([value, { ...value, a: undefined }]));
        }
      }
    }
    // Many first keys, each seen twice: more than the cache keeps, so it starts afresh on the way.
    for (let i = 0; i < 700; i++) {
      const value = { [`first${i}`]: i, b: 1, a: 2 };
      expect(canonicalJson(value)).toBe(reference(value));
      expect(canonicalJson({ ...value })).toBe(reference(value));
    }
  });

  it('refuses what is not JSON with the same messages, also in objects of a known layout', () => {
    const ok = { metric: 'x', value: 1, unit: 'u' };
    canonicalJson(ok);
    canonicalJson({ ...ok });
    expect(() => canonicalJson({ ...ok, value: Number.NaN })).toThrow(new CanonicalJsonError('$.value: NaN is not a JSON number'));
    expect(() => canonicalJson({ a: { b: [1, Infinity] } })).toThrow(new CanonicalJsonError('$.a.b[1]: Infinity is not a JSON number'));
    expect(() => canonicalJson({ a: [1, undefined] })).toThrow(new CanonicalJsonError('$.a[1]: undefined is not JSON'));
    expect(() => canonicalJson({ ...ok, unit: () => 1 })).toThrow(new CanonicalJsonError('$.unit: a function is not JSON'));
    expect(() => canonicalJson({ ...ok, unit: new Date(0) })).toThrow(new CanonicalJsonError('$.unit: not a plain object'));
    expect(() => canonicalJson(10n)).toThrow(new CanonicalJsonError('$: a bigint is not JSON'));
    expect(() => canonicalMembers({ a: { b: -Infinity } })).toThrow(new CanonicalJsonError('$.a.b: -Infinity is not a JSON number'));
    expect(canonicalJson({ ...ok })).toBe(reference(ok));
  });
});

describe('canonical JSON is RFC 8785 (JCS)', () => {
  /** True when JCS can hold the value: RFC 8785 (I-JSON) refuses strings with a lone surrogate. */
  const wellFormed = (value: unknown): boolean => {
    try {
      canonicalize(value);
      return true;
    } catch {
      return false;
    }
  };

  it('writes exactly what the canonicalize package writes, on random JSON values', () => {
    const r = seededRandom(9);
    let compared = 0;
    for (let i = 0; i < 5000; i++) {
      const value = json(r, 0);
      if (!wellFormed(value)) continue;
      compared++;
      expect(canonicalJson(value)).toBe(canonicalize(value));
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('writes numbers and sorts keys as JCS does', () => {
    const numbers = [...TRICKY_NUMBERS, 1e21, -0, 5e-324, 1.5e300, 1e-6, 1e-7, 0.000001, 9007199254740993];
    expect(canonicalJson(numbers)).toBe(canonicalize(numbers));
    expect(canonicalJson([1e21, -0, 5e-324, 1.5e300])).toBe('[1e+21,0,5e-324,1.5e+300]');
    // RFC 8785, section 3.2.3: keys sorted by UTF-16 code units, so U+FB33 (one unit) sorts after 😀 (a surrogate pair).
    const keys = { '\u20ac': 'Euro', '\r': 'CR', '\ufb33': 'Hebrew', '1': 'One', '\ud83d\ude00': 'Smiley', '\u0080': 'Control', '\u00f6': 'o-umlaut' };
    expect(canonicalJson(keys)).toBe(canonicalize(keys));
    expect(canonicalJson(keys)).toBe('{"\\r":"CR","1":"One","\u0080":"Control","\u00f6":"o-umlaut","\u20ac":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}');
  });

  it('goes beyond JCS only for lone surrogates, which it escapes as JSON.stringify does instead of refusing', () => {
    const value = { note: 'half \ud800 a pair' };
    expect(() => canonicalize(value)).toThrow(/surrogate/i);
    expect(canonicalJson(value)).toBe('{"note":"half \\ud800 a pair"}');
  });
});

describe('chainText fast path', () => {
  const hasher = new ChainHasher();
  it('equals canonicalJson of the chain form, and the store hash is SHA-256 of prevHash + that text', () => {
    const r = seededRandom(8);
    let prev = GENESIS_HASH;
    for (let i = 0; i < 3000; i++) {
      const event: StoredEvent = {
        id: r.next() < 0.9 ? `018cc251-f400-7${String(i).padStart(3, '0')}-8000-000000000000` : text(r, 40),
        type: r.next() < 0.9 ? r.pick(['equipment.telemetry.recorded', 'order.step.completed']) : text(r, 30),
        source: r.next() < 0.9 ? 'simulator' : text(r, 20),
        timestamp: r.next() < 0.8 ? 1704067200000 + r.below(1e9) : number(r),
        payload: json(r, 1) as StoredEvent['payload'],
        priority: r.pick(['LOW', 'NORMAL', 'HIGH', 'CRITICAL'] as const),
        status: 'PUBLISHED',
        metadata: (r.next() < 0.5 ? {} : { user: text(r, 10), z: number(r), a: [true, null] }) as StoredEvent['metadata'],
        ...(r.next() < 0.3 ? { correlationId: text(r, 20) } : {}),
        ...(r.next() < 0.3 ? { causationId: text(r, 20) } : {}),
        seq: r.next() < 0.9 ? i + 1 : number(r),
        subject: 'ignored',
      };
      const { status: _status, subject: _subject, hash: _hash, ...form } = event;
      const text_ = chainText(event);
      expect(text_).toBe(canonicalJson(form));
      expect(text_).toBe(reference(form));
      const hash = storeHashOf(prev, event);
      expect(hash).toBe(nodeShaText(prev + text_));
      expect(hasher.next(prev, event)).toBe(hash);
      prev = hash;
    }
  });

  it('ChainHasher gives storeHashOf\'s hash past its first buffer, and its error for what is not JSON', () => {
    const event = { id: 'e1', type: 't', source: 's', timestamp: 1, priority: 'LOW' as const, metadata: {}, seq: 1 };
    const long = { ...event, payload: { note: 'x'.repeat(40_000), more: 'é温😀'.repeat(5_000) } };
    expect(hasher.next(GENESIS_HASH, long)).toBe(storeHashOf(GENESIS_HASH, long));
    const bad = { ...event, payload: { nested: { n: Number.NaN } } };
    expect(() => storeHashOf(GENESIS_HASH, bad)).toThrow('$.nested.n: NaN is not a JSON number');
    expect(() => hasher.next(GENESIS_HASH, bad)).toThrow('$.nested.n: NaN is not a JSON number');
  });
});
