// The PostgreSQL store's stored body: built member by member around the payload's JSON (made
// once for the body and the free-text column), it must be exactly the JSON of the body
// object, and hold no line feed, since the appender sends the bodies as lines.
import { describe, expect, it } from 'vitest';
import { bodyOf, bodyWithPayload } from '../../main/store/postgres/pgRows';
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
    ];
    for (const event of events) {
      expect(bodyOf(event)).toBe(objectForm(event));
      expect(bodyWithPayload(event, JSON.stringify(event.payload))).toBe(objectForm(event));
      expect(bodyOf(event)).not.toContain('\n');
    }
  });
});
