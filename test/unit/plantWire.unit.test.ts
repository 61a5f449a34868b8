// The plant link's pure parts: which events leave the station, how a stream message is
// read as an event (with its origin), and that two copies of an event compare equal
// whatever each store added.
import { describe, expect, it } from 'vitest';
import { isOutbound } from '../../main/plant/outbox';
import { decodeMessage, encodeEvent, sameContent } from '../../main/plant/wireEvent';
import type { StoredEvent } from '../../shared/events/event';
import { originOf } from '../../shared/events/plantOrigin';
import { newEventId } from '../../shared/events/uuidv7';

const made = (type: string, extra: Partial<StoredEvent> = {}): StoredEvent => ({
  id: newEventId(), type, source: 'line-1-hmi', timestamp: 1_800_000_000_000, payload: { note: 'n' }, priority: 'NORMAL', status: 'PROCESSED', metadata: {}, seq: 7, hash: 'h', ...extra,
});
const meta = (subject: string) => ({ subject, streamSeq: 42, storedAt: 1_800_000_000_500, station: 'a' });

describe('what leaves the station', () => {
  it('sends what the station made about the plant, and keeps what came from the stream or concerns it alone', () => {
    expect(isOutbound(made('operator.note.added'))).toBe(true);
    expect(isOutbound(made('alarm.acknowledged', { source: 'alarm-monitor' }))).toBe(true);
    expect(isOutbound(made('operator.note.added', { metadata: { plant: { station: 'b', streamSeq: 3 } } }))).toBe(false);
    expect(isOutbound(made('plant.message.rejected'))).toBe(false);
    expect(isOutbound(made('system.bus.health.reported'))).toBe(false);
    expect(isOutbound(made('alarm.raised', { source: 'system' }))).toBe(false);
  });
});

describe('a stream message as an event', () => {
  it('reads back what a station sent, with the origin added and the same content', () => {
    const event = made('operator.note.added', { correlationId: 'c-1' });
    const decoded = decodeMessage(encodeEvent(event), meta('plant.operator.note.added'));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(originOf(decoded.event)).toEqual({ station: 'a', streamSeq: 42 });
    expect(decoded.event.status).toBe('PUBLISHED');
    expect(sameContent(decoded.event, event)).toBe(true);
    expect(sameContent(decoded.event, { ...event, payload: { note: 'other' } })).toBe(false);
  });

  it('says why a message is not an event', () => {
    const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const event = made('operator.note.added');
    const cases: [Uint8Array, string, string][] = [
      [new Uint8Array([0xc3, 0x28]), 'plant.a.b', 'bad-encoding'],
      [new TextEncoder().encode('{'), 'plant.a.b', 'not-json'],
      [body(null), 'plant.a.b', 'invalid-event'],
      [body({ ...event, metadata: 'x' }), 'plant.operator.note.added', 'invalid-event'],
      [body({ ...event, timestamp: 'yesterday' }), 'plant.operator.note.added', 'invalid-event'],
      [encodeEvent(event), 'plant.other.thing.happened', 'subject-mismatch'],
      [new Uint8Array(1024 * 1024 + 1), 'plant.a.b', 'too-large'],
    ];
    for (const [data, subject, code] of cases) {
      const decoded = decodeMessage(data, meta(subject));
      expect(decoded.ok ? 'ok' : decoded.code, subject).toBe(code);
      if (!decoded.ok) expect(decoded.reason).toMatch(/\S/);
    }
  });
});
