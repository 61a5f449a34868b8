import { describe, expect, it } from 'vitest';
import { compactStored, expandStored } from '../../shared/api/compactReply';
import type { StoredEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';

type Row = Record<string, unknown>;

/** What the page sent, as the host read it (the page rebuilds from the same JSON). */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The round trip: the host compacts against what it read, the page expands what arrived against its own copy. */
function roundTrip(sent: Row[], stored: Row[]): { events: Row[]; bytes: number } {
  const text = JSON.stringify(compactStored(wire(sent), stored));
  return { events: expandStored<Row>(wire(sent), JSON.parse(text)), bytes: text.length };
}

function storedFrom(input: Row, seq: number, extra: Row = {}): Row {
  return { source: 'plant-event-console', timestamp: 1_700_000_000_000, priority: 'NORMAL', metadata: {}, ...input, status: 'PUBLISHED', seq, hash: `${seq}`.padStart(64, 'a'), ...extra };
}

describe("publishBatch's compact answer", () => {
  it('rebuilds exactly the stored events, and is far smaller than they are', () => {
    const sent = Array.from({ length: 500 }, (_, i) => ({ id: newEventId(), type: 'equipment.telemetry.recorded', source: 'sim', payload: { equipmentId: `press-${i % 7}`, value: i / 3 } }));
    const stored = sent.map((input, i) => storedFrom(input, 41 + i, { subject: input.payload.equipmentId, timestamp: 1_700_000_000_000 + (i > 250 ? 1 : 0) }));
    const { events, bytes } = roundTrip(sent, stored);
    expect(events).toStrictEqual(stored);
    expect(bytes).toBeLessThan(JSON.stringify(stored).length / 3);
  });

  it('carries whatever differs from the input for the events it differs for: a retry answered with the event stored before', () => {
    const sent: Row[] = [
      { id: newEventId(), type: 'operator.note.added', payload: { text: 'new' } },
      { id: newEventId(), type: 'operator.note.added', payload: { b: 1, a: 2 }, timestamp: 5, metadata: { via: 'retry' } },
      { id: newEventId(), type: 'operator.note.added', payload: { n: -0 }, correlationId: 'c-1' },
    ];
    const stored = [
      storedFrom(sent[0] as Row, 7),
      // Stored by an earlier try: its own time, metadata and member order, a field the retry lacks, none the retry has.
      { ...storedFrom({ ...(sent[1] as Row), payload: { a: 2, b: 1 }, timestamp: 3, metadata: {} }, 2), causationId: 'x' },
      storedFrom({ ...(sent[2] as Row), payload: { n: 0 } }, 8),
    ];
    delete (stored[2] as Row).correlationId;
    const { events } = roundTrip(sent, stored);
    expect(events).toStrictEqual(stored);
    expect(Object.keys(events[1]?.payload as Row)).toEqual(['a', 'b']);
    expect(Object.is((events[2]?.payload as Row).n, 0)).toBe(true);
  });

  it('gives every event its own objects: changing one event changes no other', () => {
    const sent = [1, 2].map((n) => ({ id: newEventId(), type: 'a.b', payload: { n } }));
    const events = expandStored<StoredEvent>(wire(sent), wire(compactStored(wire(sent), sent.map((input, i) => storedFrom(input, i + 1, { metadata: { tag: { on: true } } })))));
    (events[0]?.metadata.tag as Row).on = false;
    expect(events[1]?.metadata).toEqual({ tag: { on: true } });
  });

  it('refuses an answer that does not fit the request, naming what is wrong', () => {
    const sent = [{ id: newEventId(), type: 'a.b', payload: 1 }];
    const answer = compactStored(wire(sent), [storedFrom(sent[0] as Row, 1)]);
    expect(() => expandStored(wire(sent), null)).toThrow("the host's short answer to publishBatch: not an object");
    expect(() => expandStored(wire([...sent, ...sent]), answer)).toThrow('1 events for a request of 2');
    expect(() => expandStored(wire(sent), { ...answer, fields: [{ key: 'seq', steps: [1.5] }] })).toThrow('seq: steps must be whole numbers');
    expect(() => expandStored(wire(sent), { ...answer, fields: [{ key: 'seq', values: [1, 2] }] })).toThrow('seq: 2 values for 1 events');
    expect(() => expandStored(wire(sent), { ...answer, fields: [{ key: 'seq', same: 1, at: [3] }] })).toThrow('seq: at must list event indexes');
    expect(() => expandStored(wire(sent), { ...answer, fields: [{ key: '__proto__', same: {} }] })).toThrow('a field without a usable key');
    expect(() => expandStored(wire(sent), { ...answer, removed: [[0]] })).toThrow('removed must list [index, key] pairs');
  });
});
