/**
 * A guard on what mapping makes of a fixed set of messages, valid and hostile: every result
 * (event or rejection, with its reason) is digested, ids aside, and the digest is the one the
 * mapping gave before its per-message work was cut down. A change that makes a message map to
 * another event, or be refused for another reason, changes the digest.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealedEvent } from '../../shared/events/sealed';
import { DEFAULT_INGEST_MAPPING } from '../../shared/ingest/defaultMapping';
import { compileIngestMapping } from '../../shared/ingest/mappingConfig';
import { mapMessage, type MapResult } from '../../shared/ingest/mapMessage';

const AT = Date.UTC(2024, 4, 1, 8, 0, 0);
const ID = '018f3a5c-1b2d-7abc-8def-0123456789ab';

const defaults = compileIngestMapping(DEFAULT_INGEST_MAPPING);
const custom = compileIngestMapping({
  source: 'custom',
  rules: [
    { topic: 'odd/{constructor}/{prototype}', type: 'odd.level.named' },
    { topic: 'odd/{lineId}/{equipmentId}/{parameter}', type: 'odd.fields.mapped', payload: { a: 'body.a', b: 'body.a', c: { value: { fixed: [1, { deep: true }] } }, d: 'body.list.1', e: { from: 'body.e', required: false } }, correlationId: 'body.corr', priority: 'HIGH' },
    { topic: 'num/{equipmentId}', type: 'num.value.read', body: 'number', payload: { equipmentId: 'topic.equipmentId', v: 'body', t: 'received', topic: 'topic' } },
    { topic: 'txt/{equipmentId}', type: 'txt.value.read', body: 'text', payload: { text: 'body' }, timestamp: 'topic.equipmentId' },
  ],
});

const nested = (depth: number): string => `{"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
/** A body just under the message limit whose payload, once the topic levels are added, is just over the payload limit. */
const nearLimit = JSON.stringify({ big: 'x'.repeat(256 * 1024 - 40) });
/** Escapes, and characters of two UTF-8 bytes that only the exact size (not its cheap bounds) shows to be within the limit. */
const escaped = JSON.stringify({ big: '\u0001'.repeat(40_000) });
const wide = JSON.stringify({ big: '\u00e9'.repeat(60_000) });

const telemetry = [
  '{"temperature":21.5,"unit":"degC","n":1,"sentAt":1714550400000.123}',
  '{"v":-0,"list":[-0,0,1e308,-1.5e-7],"o":{"p":{"q":[null,true,false,""]}}}',
  '{"__proto__":{"polluted":true},"v":1}',
  '{"constructor":1}',
  '{"prototype":{"a":1}}',
  '{"v":1,"lineId":"spoofed","equipmentId":"spoofed"}',
  '{"text":"Grüße \\u00e9 \\ud83d\\ude00 lone \\ud800 end","2":"two","1":"one"}',
  '{"big":1e999}',
  nested(31),
  nested(32),
  nested(33),
  nearLimit,
  escaped,
  wide,
  '{}',
  '[1,2]',
  'null',
  '"text"',
  '{"a":1',
  '{"timestamp":"2024-05-01T07:59:00.000Z","v":2}',
  '{"timestamp":1714550000000,"v":3}',
  '{"timestamp":-5}',
  '{"timestamp":"yesterday"}',
];

const messages: [topic: string, body: string, mapping: 'default' | 'custom'][] = [
  ...telemetry.map((body): [string, string, 'default'] => ['plant/line-1/press-001/telemetry', body, 'default']),
  ['plant/line-1/press-001/status', '{"status":"down","reason":"jam","timestamp":"2024-05-01T07:59:00.000Z"}', 'default'],
  ['plant/line-1/press-001/status', '{"newStatus":"idle","status":"down"}', 'default'],
  ['plant/line-1/press-001/status', '{"status":"flying"}', 'default'],
  ['plant/line-1/press-001/status', '{"status":"down","reason":-0}', 'default'],
  ['plant/line-1/cnc-3/quality/diameter', '{"value":10.02,"lowerLimit":9.95,"upperLimit":10.05,"unit":"mm","isWithinSpec":true}', 'default'],
  ['plant/line-1/cnc-3/quality/diameter', '{"value":"10"}', 'default'],
  ['plant/events', JSON.stringify({ id: ID, type: 'maintenance.completed', payload: { equipmentId: 'p1', v: -0 }, priority: 'HIGH', metadata: { by: 'x' }, correlationId: 'c-1' }), 'default'],
  ['plant/events', JSON.stringify({ type: 'maintenance.completed', payload: { equipmentId: 'p1' }, source: 'elsewhere', timestamp: 5 }), 'default'],
  ['plant/events', '{"type":"a.b","payload":{"__proto__":1}}', 'default'],
  ['plant/events', '{"type":"a.b","payload":{},"metadata":{"ingest":"mine"}}', 'default'],
  ['plant/events', '{"type":"a.b","payload":{},"metadata":{"plant":{"station":"b","streamSeq":7}}}', 'default'],
  ['plant/line-1', '{}', 'default'],
  ['factory/l1/p1/status', '{}', 'default'],
  ['odd/c1/p1', '{"v":1}', 'custom'],
  ['odd/l1/e1/p1', '{"a":{"b":[1,-0]},"list":[0,{"x":1}],"corr":"c-9","e":null}', 'custom'],
  ['odd/l1/e1/p1', '{"a":1,"list":[0],"corr":"c-9"}', 'custom'],
  ['odd/l1/e1/p1', '{"a":1,"list":[0,1],"corr":"  "}', 'custom'],
  ['odd/l1/e1/p1', '{"a":1,"list":[0,1],"corr":7}', 'custom'],
  ['num/e1', ' -0 ', 'custom'],
  ['num/e1', '1e999', 'custom'],
  ['txt/1714550000000', 'free text', 'custom'],
  ['txt/e1', 'free text', 'custom'],
];

function mapAll(): MapResult[] {
  return messages.map(([topic, body, which]) => mapMessage(which === 'default' ? defaults : custom, { topic, body, receivedAt: AT }));
}

function everyObject(value: unknown, test: (object: object) => boolean): boolean {
  if (value === null || typeof value !== 'object') return true;
  return test(value) && Object.values(value).every((member) => everyObject(member, test));
}

/** The results as text, with the ids mapping makes up replaced (those a message gives are kept). */
function digest(results: readonly MapResult[]): string {
  const text = JSON.stringify(results.map((result) => (result.ok && result.event.id !== ID ? { ...result, event: { ...result.event, id: 'new' } } : result)));
  return createHash('sha256').update(text).digest('hex');
}

describe('mapping a fixed set of messages', () => {
  it('gives the same events and the same rejections, with the same reasons, as before', () => {
    const results = mapAll();
    expect(results.filter((result) => result.ok)).toHaveLength(19);
    expect(results[telemetry.indexOf(nearLimit)]).toMatchObject({ ok: false, code: 'invalid-event', reason: 'payload: is larger than 256 KiB (262144 bytes) serialised' });
    expect(results[telemetry.indexOf(wide)]).toMatchObject({ ok: true });
    expect(digest(results)).toBe('8f9bd176a4c17f9feb24859508f6946350da98228733d8cf2c56df2a6b631f44');
  });

  it('maps a topic it has seen before as it did the first time, each message on its own', () => {
    const topic = 'plant/line-1/press-001/telemetry';
    const first = mapMessage(defaults, { topic, body: '{"v":1,"equipmentId":"spoofed","extra":true}', receivedAt: AT });
    const second = mapMessage(defaults, { topic, body: '{"v":2}', receivedAt: AT });
    expect(first.ok && first.event.payload).toEqual({ v: 1, equipmentId: 'press-001', extra: true, lineId: 'line-1' });
    expect(second.ok && second.event.payload).toEqual({ v: 2, lineId: 'line-1', equipmentId: 'press-001' });
    expect(mapMessage(defaults, { topic: 'plant/line-1/press-001/status', body: '{"status":"idle"}', receivedAt: AT })).toMatchObject({ ok: true, rule: 'equipment status' });
    expect(mapMessage(custom, { topic, body: '{}', receivedAt: AT })).toMatchObject({ ok: false, code: 'no-rule' });
  });

  it('seals and deep-freezes every event it makes, and makes each its own id', () => {
    const events = mapAll().flatMap((result) => (result.ok ? [result.event] : []));
    for (const event of events) {
      expect(isSealedEvent(event)).toBe(true);
      expect(everyObject(event, Object.isFrozen)).toBe(true);
    }
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });
});
