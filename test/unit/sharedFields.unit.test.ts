// A publishBatch's shared fields (shared/api/sharedFields.ts): what the host reads back after the
// page sent the batch's common fields once is exactly the JSON of the batch the page was given.
import { describe, expect, it } from 'vitest';
import { splitShared, spreadShared } from '../../shared/api/sharedFields';

/** The events as the host reads them, from the page's request written with shared fields when it can. */
function throughTheWire(events: unknown[]): { events: unknown; shared: boolean } {
  const split = splitShared(events);
  const message = JSON.parse(JSON.stringify(split ? { args: [split.events], shared: split.shared } : { args: [events] })) as { args: [unknown[]]; shared?: unknown };
  if (message.shared !== undefined) expect(spreadShared(message.args[0], message.shared)).toBeNull();
  return { events: message.args[0], shared: message.shared !== undefined };
}

class Reading {
  constructor(readonly type: string) {}
}

describe("a publishBatch's shared fields", () => {
  const note = (text: string, more: Record<string, unknown> = {}) => ({ type: 'operator.note.added', source: 'page', payload: { text, type: 'nested, not shared' }, ...more });

  it('carry what every event has the same once, and the host reads back the batch the page was given', () => {
    const batches: unknown[][] = [
      [note('a'), note('b'), note('c', { priority: 'HIGH' })],
      [note('a', { timestamp: 5 }), note('b', { timestamp: 5 })],
      [note('a', { timestamp: 5 }), note('b', { timestamp: Number.NaN })],
      [note('a', { source: 1 }), note('b', { source: 1 })],
      [note('a', { constructor: 'x' }), note('b', { constructor: 'x' })],
      [note('a', { extra: 'same' }), note('b', { extra: 'same' })],
      [note('a', { status: 'CREATED' }), note('b', { status: 'CREATED' })],
      [note('a', { toJSON: () => ({ type: 'a.b', payload: 1 }) }), note('b')],
      [new Reading('a.b'), new Reading('a.b')],
      [note('a'), null, note('b')],
      [note('a'), 'text'],
      [note('only one')],
      [],
    ];
    const sharing = batches.map((batch) => {
      const read = throughTheWire(batch);
      expect(read.events).toEqual(JSON.parse(JSON.stringify(batch)));
      return read.shared;
    });
    expect(sharing).toEqual([true, true, true, true, true, true, true, false, false, false, false, false, false]);
  });

  it("refuses shared fields that are not an event's, or that an event has of its own, naming them", () => {
    const events = () => [{ payload: 1 }, { payload: 2, source: 'own' }];
    expect(spreadShared(events(), { type: 'a.b', source: 's' })).toBe('message.shared.source: events[1] has its own');
    expect(spreadShared(events(), { seq: 1 })).toBe('message.shared.seq: is not an event field');
    expect(spreadShared(events(), JSON.parse('{"__proto__": {"type": "a.b"}}'))).toBe('message.shared.__proto__: is not an event field');
    expect(spreadShared(events(), { type: { nested: true } })).toBe('message.shared.type: must be a string or a number');
    expect(spreadShared(events(), ['type'])).toBe('message.shared: must be an object of event fields');
    expect(spreadShared('not a list', { type: 'a.b' })).toBe('message.shared: only with a list of events');
  });
});
