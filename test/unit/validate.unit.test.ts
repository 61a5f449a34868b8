import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createEvent } from '../../shared/events/create';
import type { PlantEvent } from '../../shared/events/event';
import { isUuidV7 } from '../../shared/events/uuidv7';
import {
  MAX_JSON_BYTES,
  validateJson,
  validatePlantEvent,
  validatePublishInput,
  validateType,
} from '../../shared/events/validate';
import { generateInvalidEvents, generateInvalidPublishInputs } from '../support/invalidEvents';
import { validationErrorOf } from '../support/errors';

const ID = '018f3a5c-1b2d-7abc-8def-0123456789ab';

function validEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ID,
    type: 'quality.measurement.recorded',
    source: 'line-3/qc',
    timestamp: 1_700_000_000_000,
    payload: { equipmentId: 'press-1', parameter: 'dimension', value: 10.5, readings: [10.4, 10.6] },
    priority: 'NORMAL',
    status: 'CREATED',
    metadata: { operator: 'j.doe' },
    ...overrides,
  };
}

function nested(levels: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe('generated invalid events', () => {
  const events = generateInvalidEvents();
  const inputs = generateInvalidPublishInputs();

  it('are at least 1,000 of each shape and the same for the same seed', () => {
    expect(events.length).toBeGreaterThanOrEqual(1_000);
    expect(inputs.length).toBeGreaterThanOrEqual(1_000);
    expect(generateInvalidEvents(50, 7).map((c) => c.expectedField)).toEqual(generateInvalidEvents(50, 7).map((c) => c.expectedField));
    expect(new Set(events.map((c) => c.expectedField)).size).toBeGreaterThan(100);
  });

  it('are each rejected by validatePlantEvent, naming the expected field', () => {
    const misses: string[] = [];
    for (const { description, event, expectedField } of events) {
      const error = validationErrorOf(() => validatePlantEvent(event));
      if (error.field !== expectedField) misses.push(`${description}: got ${error.message}`);
      expect(error.message).toBe(`${error.field}: ${error.rule}`);
    }
    expect(misses).toEqual([]);
  });

  it('are each rejected by validatePublishInput, naming the expected field', () => {
    const misses: string[] = [];
    for (const { description, event, expectedField } of inputs) {
      const error = validationErrorOf(() => validatePublishInput(event));
      if (error.field !== expectedField) misses.push(`${description}: got ${error.message}`);
    }
    expect(misses).toEqual([]);
  });

  it('hold exactly one defect: a bad-type case with its type repaired is valid', () => {
    const badTypes = events.filter((c) => c.description.includes(' bad type: '));
    expect(badTypes.length).toBeGreaterThan(50);
    for (const { event } of badTypes) {
      const repaired = { ...(event as Record<string, unknown>), type: 'equipment.status.changed' };
      expect(validatePlantEvent(repaired).type).toBe('equipment.status.changed');
    }
  });
});

describe('validatePlantEvent', () => {
  it('returns an equal, deeply fresh copy and leaves the input alone', () => {
    const input = validEvent();
    const before = structuredClone(input);
    const event = validatePlantEvent(input);
    expect(event).toEqual(input);
    expect(input).toEqual(before);
    (input.payload as { readings: number[] }).readings.push(99);
    (input.metadata as Record<string, unknown>).operator = 'someone else';
    expect(event.payload).toEqual(before.payload);
    expect(event.metadata).toEqual({ operator: 'j.doe' });
  });

  it('defaults metadata to {} and keeps optional ids only when given', () => {
    const event = validatePlantEvent(validEvent({ metadata: undefined, correlationId: undefined, causationId: 'cause-1' }));
    expect(event.metadata).toEqual({});
    expect('correlationId' in event).toBe(false);
    expect(event.causationId).toBe('cause-1');
  });

  it('turns Date values in payload and metadata into ISO strings (the seed passes `timestamp: new Date()`)', () => {
    const at = new Date(Date.UTC(2024, 4, 1, 12, 30));
    const event = validatePlantEvent(validEvent({ payload: { equipmentId: 'equip-123', timestamp: at, times: [at] }, metadata: { at } }));
    expect(event.payload).toEqual({ equipmentId: 'equip-123', timestamp: '2024-05-01T12:30:00.000Z', times: ['2024-05-01T12:30:00.000Z'] });
    expect(event.metadata).toEqual({ at: '2024-05-01T12:30:00.000Z' });
    expect(validationErrorOf(() => validatePlantEvent(validEvent({ payload: { when: new Date('nope') } }))).field).toBe('payload.when');
  });

  it('names unknown top-level fields', () => {
    const error = validationErrorOf(() => validatePlantEvent(validEvent({ foo: 1 })));
    expect(error).toMatchObject({ name: 'EventValidationError', field: 'foo', rule: 'is not an event field' });
    expect(error.message).toBe('foo: is not an event field');
    expect(error).toBeInstanceOf(Error);
  });

  it('accepts any JSON payload, including null and primitives', () => {
    for (const payload of [null, 0, 'text', false, [], {}]) expect(validatePlantEvent(validEvent({ payload })).payload).toEqual(payload);
  });
});

describe('validateJson', () => {
  it('accepts exactly 256 KiB and rejects one byte more, counting UTF-8 bytes and escapes', () => {
    const fits: [string, unknown][] = [
      ['ascii string', 'x'.repeat(MAX_JSON_BYTES - 2)],
      ['object', { blob: 'x'.repeat(MAX_JSON_BYTES - '{"blob":""}'.length) }],
      ['two-byte characters', 'é'.repeat((MAX_JSON_BYTES - 2) / 2)],
      ['emoji and ascii', `${'😀'.repeat((MAX_JSON_BYTES - 4) / 4)}xx`],
      ['escaped control characters', `${'\u0001'.repeat(Math.floor((MAX_JSON_BYTES - 2) / 6))}xx`],
    ];
    for (const [name, value] of fits) {
      const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
      expect(bytes, name).toBe(MAX_JSON_BYTES);
      expect(() => validateJson(value, 'payload'), name).not.toThrow();
      const over = typeof value === 'string' ? `${value}y` : { blob: `${(value as { blob: string }).blob}y` };
      expect(validationErrorOf(() => validateJson(over, 'payload')).field, name).toBe('payload');
    }
  });

  it('accepts 32 levels of nesting and rejects 33, naming the 33rd level', () => {
    expect(() => validateJson(nested(32), 'payload')).not.toThrow();
    const error = validationErrorOf(() => validateJson(nested(33), 'payload'));
    expect(error.rule).toBe('is nested deeper than 32 levels');
    // nested(33) is { a: [ { a: [ ... ] } ] }: 32 steps lead from the payload to the 33rd level.
    expect(error.field).toBe(`payload${'.a[0]'.repeat(16)}`);
    expect(() => validatePlantEvent(validEvent({ metadata: { m: nested(31) } }))).not.toThrow();
    // Here the outermost level is an array and the 33rd level is the empty leaf array.
    expect(validationErrorOf(() => validatePlantEvent(validEvent({ payload: nested(32, []) }))).field).toBe(`payload${'[0].a'.repeat(16)}`);
  });

  it('names the path of the first bad value', () => {
    const payload = { readings: [{ value: 1 }, { value: 2 }, { value: 3 }, { value: NaN }], 'odd key': { 'x.y': undefined } };
    expect(validationErrorOf(() => validateJson(payload, 'payload')).field).toBe('payload.readings[3].value');
    expect(validationErrorOf(() => validateJson({ 'odd key': { 'x.y': undefined } }, 'payload')).field).toBe('payload["odd key"]["x.y"]');
  });

  it('rejects prototype keys, including an own __proto__ made by JSON.parse', () => {
    expect(validationErrorOf(() => validateJson(JSON.parse('{"a":{"__proto__":{"polluted":1}}}'), 'metadata')).field).toBe('metadata.a.__proto__');
    expect(validationErrorOf(() => validateJson({ constructor: 1 }, 'payload')).field).toBe('payload.constructor');
    expect(validationErrorOf(() => validateJson([{ prototype: {} }], 'payload')).field).toBe('payload[0].prototype');
  });

  it('tells holes from undefined in arrays', () => {
    expect(validationErrorOf(() => validateJson([1, , 3], 'payload')).rule).toBe('is a hole in a sparse array');
    expect(validationErrorOf(() => validateJson([1, undefined, 3], 'payload')).rule).toMatch(/undefined/);
  });

  it('accepts shared (non-circular) references and copies each occurrence', () => {
    const shared = { unit: 'mm' };
    const copy = validateJson({ a: shared, b: [shared, shared] }, 'payload') as { a: object; b: object[] };
    expect(copy).toEqual({ a: { unit: 'mm' }, b: [{ unit: 'mm' }, { unit: 'mm' }] });
    expect(copy.a).not.toBe(shared);
  });

  it('accepts null-prototype objects and plain objects from another realm, returning ordinary objects', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const foreign: unknown = runInNewContext('({ a: { b: [1, 2] } })');
    expect(Object.getPrototypeOf(validateJson(bare, 'payload'))).toBe(Object.prototype);
    expect(validateJson(foreign, 'payload')).toEqual({ a: { b: [1, 2] } });
  });

  it('normalises -0 to 0 and keeps lone surrogates', () => {
    expect(Object.is(validateJson(-0, 'payload'), 0)).toBe(true);
    expect(validateJson('\ud800', 'payload')).toBe('\ud800');
  });

  it('reports a getter that throws as a validation error at its path', () => {
    const payload = { ok: 1, get broken(): number { throw new Error('sensor offline'); } };
    expect(validationErrorOf(() => validateJson(payload, 'payload'))).toMatchObject({ field: 'payload.broken', rule: 'could not be read (sensor offline)' });
  });
});

describe('validateType and validatePublishInput', () => {
  it.each(['maintenance.scheduled', 'equipment.status.changed', 'line-3.sensor.value-recorded', 'a.b'])('accepts the type %s', (type) => {
    expect(validateType(type)).toBe(type);
  });

  it('takes only what a producer gives', () => {
    expect(validatePublishInput({ type: 'maintenance.scheduled', payload: { equipmentId: 'press-1' } })).toEqual({
      type: 'maintenance.scheduled',
      payload: { equipmentId: 'press-1' },
    });
    expect(validationErrorOf(() => validatePublishInput({ type: 'a.b', payload: 1, status: 'CREATED' })).field).toBe('status');
  });
});

describe('createEvent', () => {
  it('fills in id, timestamp, source, priority, status and metadata', () => {
    const before = Date.now();
    const event: PlantEvent = createEvent('equipment.status.changed', { equipmentId: 'equip-123', newStatus: 'maintenance', oldStatus: 'operational' });
    expect(isUuidV7(event.id)).toBe(true);
    expect(event.timestamp).toBeGreaterThanOrEqual(before);
    expect(event).toMatchObject({ source: 'unknown', priority: 'NORMAL', status: 'CREATED', metadata: {} });
    expect(() => validatePlantEvent(event)).not.toThrow();
  });

  it('keeps the options it is given and validates them', () => {
    const event = createEvent('quality.check.failed', { equipmentId: 'e' }, { id: ID, source: 'qc', timestamp: 5, priority: 'HIGH', correlationId: 'c', causationId: 'k', metadata: { a: 1 } });
    expect(event).toEqual({ id: ID, type: 'quality.check.failed', source: 'qc', timestamp: 5, payload: { equipmentId: 'e' }, priority: 'HIGH', status: 'CREATED', metadata: { a: 1 }, correlationId: 'c', causationId: 'k' });
    expect(validationErrorOf(() => createEvent('Bad', {})).field).toBe('type');
    expect(validationErrorOf(() => createEvent('a.b', { f: () => 1 })).field).toBe('payload.f');
    expect(validationErrorOf(() => createEvent('a.b', {}, { priority: 'URGENT' as never })).field).toBe('priority');
  });
});
