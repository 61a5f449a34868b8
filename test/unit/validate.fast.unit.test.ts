import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isSealedEvent, sealEvent, sealInput, sealPublishInput } from '../../shared/events/sealed';
import { MAX_JSON_BYTES, validateJson, validatePlantEvent, validatePublishInput, validateType } from '../../shared/events/validate';
import { validationErrorOf } from '../support/errors';

const ID = '018f3a5c-1b2d-7abc-8def-0123456789ab';
const DEFAULTS = { source: 'test', status: 'PUBLISHED' } as const;

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: ID, type: 'equipment.telemetry.recorded', source: 's', timestamp: 1, payload: { v: 1 }, priority: 'LOW', status: 'CREATED', metadata: {}, ...overrides };
}

function everyObject(value: unknown, test: (object: object) => boolean): boolean {
  if (value === null || typeof value !== 'object') return true;
  return test(value) && Object.values(value).every((member) => everyObject(member, test));
}

describe('sealing builds frozen copies', () => {
  const payload = { a: [1, { b: new Date(0) }], c: { d: [] }, e: {} };

  it('deep-freezes payload and metadata and registers the event, from an event or an input', () => {
    for (const sealed of [sealEvent(event({ payload, metadata: { m: { n: [1] } } })), sealInput({ type: 'a.b', payload, metadata: { m: [] } }, DEFAULTS)]) {
      expect(isSealedEvent(sealed)).toBe(true);
      expect(everyObject(sealed, Object.isFrozen)).toBe(true);
      expect(sealed.payload).toEqual({ a: [1, { b: '1970-01-01T00:00:00.000Z' }], c: { d: [] }, e: {} });
    }
  });

  it('marks the event itself and nothing else: the mark is invisible, and copies, lookalikes and parts are not sealed', () => {
    const sealed = sealInput({ type: 'a.b', payload: { v: 1 } }, DEFAULTS);
    expect(isSealedEvent(sealed)).toBe(true);
    expect(Object.keys(sealed)).toEqual(['id', 'type', 'source', 'timestamp', 'payload', 'priority', 'status', 'metadata']);
    expect(Object.getOwnPropertySymbols(sealed)).toEqual([]);
    expect(JSON.parse(JSON.stringify(sealed))).toEqual({ ...sealed });
    for (const other of [{ ...sealed }, structuredClone(sealed), Object.create(sealed) as object, sealed.payload, new Proxy(sealed, {}), null, 'text']) {
      expect(isSealedEvent(other)).toBe(false);
    }
  });

  it('freezes what the full walk copied too (a plain object from another realm)', () => {
    const sealed = sealEvent(event({ payload: [runInNewContext('({ a: { b: [1, 2] } })')] }));
    expect(sealed.payload).toEqual([{ a: { b: [1, 2] } }]);
    expect(everyObject(sealed, Object.isFrozen)).toBe(true);
  });

  it('takes an input checked at the boundary as it is, without a second copy, and never for a sealed event', () => {
    const input = sealPublishInput({ type: 'a.b', payload: { v: [1] }, metadata: { m: {} } });
    expect(everyObject(input, Object.isFrozen)).toBe(true);
    expect(isSealedEvent(input)).toBe(false);
    const sealed = sealInput(input, DEFAULTS);
    expect(sealed.payload).toBe(input.payload);
    expect(sealed.metadata).toBe(input.metadata);
    // A copy carries no mark: it is checked and copied again.
    expect(sealInput({ ...input }, DEFAULTS).payload).not.toBe(input.payload);
    expect(() => sealPublishInput({ type: 'a.b', payload: 1, status: 'PUBLISHED' })).toThrow('status: is not an event field');
  });

  it('still deep-freezes metadata taken from the defaults', () => {
    const metadata = { origin: { via: 'test' } };
    const sealed = sealInput({ type: 'a.b', payload: 1 }, { ...DEFAULTS, metadata });
    expect(sealed.metadata).toBe(metadata);
    expect(Object.isFrozen(metadata.origin)).toBe(true);
  });

  it('gives events without metadata one shared frozen empty object', () => {
    const first = sealInput({ type: 'a.b', payload: 1 }, DEFAULTS);
    const second = sealEvent(event({ metadata: undefined }));
    expect(first.metadata).toEqual({});
    expect(Object.isFrozen(first.metadata)).toBe(true);
    expect(second.metadata).toBe(first.metadata);
  });
});

describe('the validators still return mutable copies', () => {
  it('freezes nothing for validateJson, validatePlantEvent and validatePublishInput', () => {
    const value = { a: [1, { b: {} }], c: [] };
    const results = [validateJson(value, 'settings'), validatePlantEvent(event({ payload: value, metadata: {} })), validatePublishInput({ type: 'a.b', payload: value })];
    for (const result of results) expect(everyObject(result, (object) => !Object.isFrozen(object))).toBe(true);
    const event1 = validatePlantEvent(event({ metadata: undefined }));
    const event2 = validatePlantEvent(event({ metadata: undefined }));
    expect(event1.metadata).not.toBe(event2.metadata);
  });
});

describe('the fast walk and the full walk agree', () => {
  it('accepts a Date below the depth limit (a Date is not a level)', () => {
    let value: unknown = new Date(0);
    for (let i = 0; i < 32; i++) value = { a: value };
    expect(() => validateJson(value, 'payload')).not.toThrow();
  });

  it('names a cycle where it closes, not where the depth runs out', () => {
    const inner: Record<string, unknown> = { x: 1 };
    inner.back = { again: inner };
    expect(validationErrorOf(() => validateJson({ list: [inner] }, 'payload'))).toMatchObject({ field: 'payload.list[0].back.again', rule: 'is a circular reference' });
  });

  it('reports the first problem in walk order, whatever the kind', () => {
    expect(validationErrorOf(() => validateJson({ a: [1, 2, { b: NaN }], c: Symbol('s') }, 'payload')).field).toBe('payload.a[2].b');
    expect(validationErrorOf(() => validateJson({ a: 'x'.repeat(MAX_JSON_BYTES), b: NaN }, 'payload')).field).toBe('payload');
    expect(validationErrorOf(() => validateJson({ b: NaN, a: 'x'.repeat(MAX_JSON_BYTES) }, 'payload')).field).toBe('payload.b');
  });

  it('keeps each walk’s size count apart when a getter validates something else', () => {
    // 'é' takes two bytes: the payload is too big, which only the upper bound of the outer walk shows.
    const payload = {
      a: 'é'.repeat(100_000),
      get b(): number {
        validateJson(1, 'inner');
        return 1;
      },
      c: 'é'.repeat(40_000),
    };
    expect(validationErrorOf(() => validateJson(payload, 'payload')).field).toBe('payload');
    const fits = { ...payload, c: 'é'.repeat(20_000) };
    expect(() => validateJson(fits, 'payload')).not.toThrow();
  });
});

describe('validateType', () => {
  it('still refuses a bad type after accepting good ones', () => {
    expect(validateType('equipment.status.changed')).toBe('equipment.status.changed');
    expect(validationErrorOf(() => validateType('Equipment.status.changed')).field).toBe('type');
    expect(validateType('equipment.status.changed')).toBe('equipment.status.changed');
    expect(validationErrorOf(() => validateType(`a.${'b'.repeat(200)}`)).rule).toBe('must be at most 200 characters');
  });
});
