import { afterEach, describe, expect, it, vi } from 'vitest';
import { isUuidV7, newEventId, uuidV7Timestamp } from '../../shared/events/uuidv7';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('newEventId', () => {
  it('makes canonical UUIDv7 strings: version 7, variant 10, the clock time embedded', () => {
    const before = Date.now();
    const id = newEventId();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUuidV7(id)).toBe(true);
    expect(uuidV7Timestamp(id)).toBeGreaterThanOrEqual(before);
    // The time may run at most a few ms ahead of the clock when many ids were made in one ms.
    expect(uuidV7Timestamp(id)).toBeLessThanOrEqual(after + 5);
  });

  it('embeds an explicit time exactly, even one earlier than the last id made', () => {
    for (const ms of [1, 1_000, 1_700_000_000_123, 2 ** 40 + 7]) {
      expect(uuidV7Timestamp(newEventId(ms))).toBe(ms);
    }
  });

  it('makes ids that sort ascending as strings in the order they were made, with no duplicates', () => {
    const ids = Array.from({ length: 50_000 }, () => newEventId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stays ascending when the clock stands still, without running ahead of it', () => {
    const frozen = Date.now() + 1_000;
    vi.spyOn(Date, 'now').mockReturnValue(frozen);
    const ids = Array.from({ length: 20_000 }, () => newEventId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // uuid's counter holds at least 2^31 ids per millisecond, so these all carry the frozen time.
    expect(new Set(ids.map(uuidV7Timestamp))).toEqual(new Set([frozen]));
  });

  it('counts up by one within a millisecond, in the bits the uuid package keeps its counter in', () => {
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 3_000);
    /** The 32-bit counter: 4 bits after the version, 8, 6 after the variant, 8, and the top 6 bits of the next byte. */
    const counterOf = (id: string): number => {
      const hex = id.replace(/-/g, '');
      const byte = (i: number) => parseInt(hex.slice(i * 2, i * 2 + 2), 16);
      return (((byte(6) & 0x0f) << 28) | (byte(7) << 20) | ((byte(8) & 0x3f) << 14) | (byte(9) << 6) | (byte(10) >> 2)) >>> 0;
    };
    const counters = Array.from({ length: 1_000 }, () => counterOf(newEventId()));
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBe(((counters[i - 1]! + 1) | 0) >>> 0);
  });

  it('stays ascending when the clock goes backwards', () => {
    let clock = Date.now() + 2_000;
    vi.spyOn(Date, 'now').mockImplementation(() => (clock -= 7));
    const ids = Array.from({ length: 500 }, () => newEventId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it('rejects times a UUIDv7 cannot hold', () => {
    for (const bad of [-1, NaN, Infinity, 2 ** 48]) expect(() => newEventId(bad)).toThrow(RangeError);
  });

  it('varies the random bits between ids made in the same millisecond', () => {
    const tails = new Set(Array.from({ length: 100 }, () => newEventId(1_234_567).slice(19)));
    expect(tails.size).toBe(100);
  });
});

describe('isUuidV7', () => {
  const good = '018f3a5c-1b2d-7abc-8def-0123456789ab';

  it('accepts a canonical UUIDv7', () => {
    expect(isUuidV7(good)).toBe(true);
  });

  it.each([
    ['a UUIDv4', '9f0c1c5e-7d3b-4c2a-9b1e-2f6f3a1d0c4b'],
    ['upper case', good.toUpperCase()],
    ['the variant 110', good.replace('-8def-', '-cdef-')],
    ['no dashes', good.replace(/-/g, '')],
    ['braces', `{${good}}`],
    ['one digit short', good.slice(0, 35)],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['a number', 42],
    ['null', null],
  ])('rejects %s', (_name, value) => {
    expect(isUuidV7(value)).toBe(false);
  });
});

describe('uuidV7Timestamp', () => {
  it('reads the 48-bit millisecond prefix', () => {
    expect(uuidV7Timestamp('018f3a5c-1b2d-7abc-8def-0123456789ab')).toBe(0x018f3a5c1b2d);
  });

  it('throws on anything that is not a UUIDv7', () => {
    expect(() => uuidV7Timestamp('9f0c1c5e-7d3b-4c2a-9b1e-2f6f3a1d0c4b')).toThrow(TypeError);
  });
});
