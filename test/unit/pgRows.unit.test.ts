// The PostgreSQL store's stored body: built member by member around the payload's JSON (made
// once for the body and the free-text column), it must be exactly the JSON of the body
// object, and hold no line feed, since the appender sends the bodies as lines. The other
// columns go as array literals, whose elements must read back as the very values.
import { describe, expect, it } from 'vitest';
import { textElements } from '../../main/store/postgres/pgArrays';
import { bodyOf, bodyWithPayload } from '../../main/store/postgres/pgRows';
import { jsonNumber } from '../../shared/audit/canonical';
import type { PlantEvent } from '../../shared/events/event';
import { makeEvent } from '../support/events';

const objectForm = (e: PlantEvent): string => JSON.stringify({
  id: e.id, type: e.type, source: e.source, timestamp: e.timestamp, payload: e.payload, priority: e.priority, metadata: e.metadata,
  ...(e.correlationId === undefined ? {} : { correlationId: e.correlationId }), ...(e.causationId === undefined ? {} : { causationId: e.causationId }),
});

describe('PostgreSQL event body', () => {
  it('is the JSON of the body object, with and without the optional ids, whatever the strings hold', () => {
    const odd = 'line\nfeed "quoted" \\ \u2028 \u0000 \ud800 温度 😀';
    const events = [
      makeEvent(),
      makeEvent({ correlationId: 'flow-1', causationId: odd, payload: { note: odd, n: 1.5e-7, list: [1, null, { a: odd }] }, metadata: { who: odd } }),
      makeEvent({ source: odd, timestamp: 1_700_000_000_123, payload: {} }),
      makeEvent({ timestamp: 1_700_000_000_123.25 }),
    ];
    for (const event of events) {
      expect(bodyOf(event)).toBe(objectForm(event));
      expect(bodyWithPayload(event, JSON.stringify(event.payload))).toBe(objectForm(event));
      // The appender hands in the time's text it also writes into the time column.
      expect(bodyWithPayload(event, JSON.stringify(event.payload), jsonNumber(event.timestamp))).toBe(objectForm(event));
      expect(bodyOf(event)).not.toContain('\n');
    }
  });
});

describe('PostgreSQL text array elements', () => {
  it('quotes every value, escapes quotes and backslashes, and writes a missing value as NULL', () => {
    expect(textElements([])).toBe('');
    expect(textElements(['a', 'NULL', '', 'x,y {z}'])).toBe('"a","NULL","","x,y {z}"');
    expect(textElements(['a"b', null, 'c\\d', undefined, '温度'])).toBe('"a\\"b",NULL,"c\\\\d",NULL,"温度"');
  });
});
