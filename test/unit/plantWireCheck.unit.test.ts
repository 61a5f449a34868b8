// The plant stream's quick check of a message (shared/events/parsedEvent.ts, checking parsed
// JSON in place) against the full check it stands in for (the event validation every input
// from outside takes): fed the same valid and hostile messages, both give the same verdict,
// and the same event where they accept. The quick check must also never accept alone.
import { describe, expect, it } from 'vitest';
import { checkFully, decodeMessage, encodeEvent, type Decoded, type MessageMeta } from '../../main/plant/wireEvent';
import { PRIORITIES, type JsonObject, type PlantEvent } from '../../shared/events/event';
import { isSealedEvent, sealParsedEvent } from '../../shared/events/sealed';
import { ORIGIN_KEY } from '../../shared/events/plantOrigin';
import { asJsonTexts, generateInvalidEvents, Rng, seededUuidV7 } from '../support/invalidEvents';
import { seededRandom } from '../support/random';

const meta = (type: unknown): MessageMeta => ({ subject: `plant.${typeof type === 'string' ? type : 'x.y'}`, streamSeq: 42, storedAt: 1_800_000_000_500, station: 'line-a' });

/** The verdict before the quick check existed: the same steps, with the full check only. */
function fullVerdict(text: string, meta: MessageMeta): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return decodeMessage(Buffer.from(text), meta); // not JSON: both answer from the same code before any check
  }
  return checkFully(body, meta);
}

/** Whether every object and array of `value` is frozen. */
function deepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(deepFrozen);
}

/** Compares the two checks on one body text: whether the quick check took it, and whether it is an event. */
function compare(text: string, label: string): { quick: boolean; ok: boolean } {
  const parsed: unknown = (() => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  })();
  const type = parsed && typeof parsed === 'object' ? (parsed as { type?: unknown }).type : undefined;
  const m = meta(type);
  const quick = parsed === undefined ? null : sealParsedEvent(parsed, 'PUBLISHED', ORIGIN_KEY, { station: m.station as string, streamSeq: m.streamSeq });
  const full = fullVerdict(text, m);
  const decoded = decodeMessage(Buffer.from(text, 'utf8'), m);
  expect(decoded, label).toEqual(full);
  if (quick) {
    // Never accepted by the quick check alone, and the same event as the full check makes.
    expect(full.ok, label).toBe(true);
    if (full.ok) expect(quick, label).toEqual(full.event);
    expect(isSealedEvent(quick) && deepFrozen(quick), label).toBe(true);
  }
  if (decoded.ok) expect(isSealedEvent(decoded.event) && deepFrozen(decoded.event), label).toBe(true);
  return { quick: quick !== null, ok: full.ok };
}

const base = (rng: Rng): Record<string, unknown> => ({
  id: seededUuidV7(rng),
  type: 'equipment.status.changed',
  source: 'line-1/plc',
  timestamp: 1_700_000_000_000 + rng.int(1e9),
  payload: { equipmentId: 'press-1', value: 1.5, readings: [1, 2, { at: 3 }], note: 'ok', on: true, off: null },
  priority: 'NORMAL',
  metadata: { operator: 'kim' },
});

/** `obj` as JSON with the string value `"@@"` replaced by raw text JSON.stringify cannot make (`1e999`, `-0`). */
const withRaw = (obj: unknown, raw: string) => JSON.stringify(obj).replace('"@@"', raw);
const nested = (depth: number): unknown => (depth === 0 ? 1 : { n: nested(depth - 1) });

describe('the quick check of a stream message', () => {
  it('accepts what the full check accepts, with the same event, for the events stations send', () => {
    const random = seededRandom(14);
    const rng = new Rng(14);
    let quick = 0;
    const bodies: string[] = [];
    for (let i = 0; i < 300; i++) {
      const event = base(rng);
      event.payload = { equipmentId: `press-${random.below(50)}`, value: random.next() * 100, unit: random.pick(['degC', 'bar', 'Ω', '温度', '😀']), sample: i, tags: random.some(['a', 'b', 'c']) };
      event.priority = random.pick(PRIORITIES);
      if (random.chance(0.3)) event.correlationId = `corr-${i}`;
      if (random.chance(0.2)) event.causationId = seededUuidV7(rng);
      if (random.chance(0.3)) delete event.metadata;
      if (random.chance(0.2)) event.metadata = { [ORIGIN_KEY]: { station: 'forged', streamSeq: 1 }, other: [] };
      if (random.chance(0.2)) event.status = random.pick(['CREATED', 'PROCESSED', 'nonsense']);
      bodies.push(JSON.stringify(event));
    }
    // What a station's outbox sends, byte for byte.
    const made: PlantEvent = { id: seededUuidV7(rng), type: 'alarm.raised', source: 'alarm-monitor', timestamp: 1_700_000_000_000, payload: { rule: 'r', level: 3 }, priority: 'HIGH', status: 'PROCESSED', metadata: {}, correlationId: 'c' };
    bodies.push(Buffer.from(encodeEvent(made)).toString('utf8'));
    // Odd but valid: -0, empty containers, a scalar or array payload, nesting at the limit (32 levels), escapes.
    const edge = base(rng);
    bodies.push(withRaw({ ...edge, payload: { zero: '@@' } }, '-0'), withRaw({ ...edge, payload: '@@' }, '-0'));
    bodies.push(JSON.stringify({ ...edge, payload: {}, metadata: {} }), JSON.stringify({ ...edge, payload: [] }), JSON.stringify({ ...edge, payload: 'text' }), JSON.stringify({ ...edge, payload: null }));
    bodies.push(JSON.stringify({ ...edge, payload: nested(32) }), JSON.stringify({ ...edge, metadata: { deep: nested(31) } }));
    bodies.push(JSON.stringify({ ...edge, payload: { 'quote"and\\slash': '\u0000\u001f\ud800', '': 'empty key' } }));
    bodies.push(JSON.stringify({ ...edge, payload: { big: 'x'.repeat(40_000) } })); // the quick bound gives up; the full check accepts
    for (const [i, text] of bodies.entries()) {
      const verdict = compare(text, `valid #${i}: ${text.slice(0, 120)}`);
      expect(verdict.ok).toBe(true);
      if (verdict.quick) quick++;
    }
    // The common shapes are taken by the quick check, not handed on.
    expect(quick).toBeGreaterThanOrEqual(bodies.length - 1);
  });

  it('refuses what the full check refuses, with the same code and reason', () => {
    const rng = new Rng(7);
    const ok = base(rng);
    const bad: [string, unknown][] = [
      ['id', 'NOT-A-UUID'], ['id', ok.id && (ok.id as string).toUpperCase()], ['id', '0189c2d4-1b2c-4d3e-8f40-123456789abc'], ['id', 5], ['id', null],
      ['type', 'Equipment.Status'], ['type', 'single'], ['type', 'a.'.repeat(101) + 'b'], ['type', 7], ['type', ''],
      ['source', ''], ['source', '   '], ['source', 's'.repeat(201)], ['source', 3], ['source', null],
      ['timestamp', 0], ['timestamp', -1], ['timestamp', 8.64e15], ['timestamp', '1700000000000'], ['timestamp', null],
      ['priority', 'low'], ['priority', null], ['priority', 1],
      ['correlationId', ''], ['correlationId', 'c'.repeat(201)], ['correlationId', 5], ['correlationId', null],
      ['causationId', ' '], ['causationId', {}], ['causationId', null],
      ['payload', nested(33)], ['payload', { s: 'x'.repeat(300_000) }], ['payload', Array.from({ length: 70_000 }, () => 1234)],
      ['metadata', null], ['metadata', []], ['metadata', 'x'], ['metadata', 5], ['metadata', { deep: nested(32) }], ['metadata', { s: 'y'.repeat(270_000) }],
      ['seq', 1], ['hash', 'h'], ['subject', 'press-1'], ['extra', true],
    ];
    const texts: string[] = bad.map(([field, value]) => JSON.stringify({ ...ok, [field]: value }));
    for (const field of ['id', 'type', 'source', 'timestamp', 'payload', 'priority']) {
      const without = { ...ok };
      delete without[field];
      texts.push(JSON.stringify(without));
    }
    // What JSON.parse makes and JSON.stringify cannot: keys that would reach a prototype, numbers beyond a double.
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      texts.push(JSON.stringify(ok).replace('{', `{"${key}":{"x":1},`));
      texts.push(JSON.stringify({ ...ok, payload: { a: '@@' } }).replace('{"a":"@@"}', `{"a":1,"${key}":{"polluted":true}}`));
      texts.push(JSON.stringify({ ...ok, metadata: { m: '@@' } }).replace('{"m":"@@"}', `{"${key}":1}`));
      texts.push(JSON.stringify({ ...ok, payload: { list: [{ z: '@@' }] } }).replace('{"z":"@@"}', `{"${key}":[]}`));
    }
    texts.push(withRaw({ ...ok, payload: { v: '@@' } }, '1e999'), withRaw({ ...ok, payload: '@@' }, '-1e999'), withRaw({ ...ok, metadata: { v: ['@@'] } }, '1e400'), withRaw({ ...ok, timestamp: '@@' }, '1e999'));
    texts.push('null', '[]', '5', '"event"', 'true', '{', '', '{"id":}');
    let accepted = 0;
    for (const [i, text] of texts.entries()) {
      const label = `hostile #${i}: ${text.slice(0, 120)}`;
      if (compare(text, label).ok) accepted++;
    }
    expect(accepted).toBe(0);
  });

  it('gives the same verdict as the full check on 1,200 generated defective events and as many random mutations', () => {
    const texts = asJsonTexts(generateInvalidEvents(1200, 14));
    const random = seededRandom(99);
    const rng = new Rng(99);
    const values: unknown[] = ['', ' ', 'x', 0, -1, 1.5, 8.64e15, true, false, null, [], {}, [1, [2]], { a: { b: null } }, 'NORMAL', 'LOW', seededUuidV7(rng), 'a.b', 'A.b', 'a..b', 'a.b-c.d'];
    const fields = ['id', 'type', 'source', 'timestamp', 'payload', 'priority', 'status', 'metadata', 'correlationId', 'causationId', 'seq'];
    for (let i = 0; i < 1200; i++) {
      const event = base(rng);
      for (const field of random.some(fields, 3)) {
        if (random.chance(0.2)) delete event[field];
        else event[field] = random.pick(values);
      }
      if (random.chance(0.2)) (event.payload as JsonObject | null) = { nested: random.pick(values) as JsonObject };
      texts.push(JSON.stringify(event));
    }
    let agreedOk = 0;
    for (const [i, text] of texts.entries()) {
      if (compare(text, `generated #${i}: ${text.slice(0, 160)}`).ok) agreedOk++;
    }
    // Both kinds are in the mix.
    expect(agreedOk).toBeGreaterThan(50);
    expect(agreedOk).toBeLessThan(texts.length - 500);
  });
});
