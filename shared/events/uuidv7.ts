/**
 * UUIDv7 event ids (RFC 9562, section 5.7), ordered by creation time. Ids from the clock sort
 * ascending as strings in the order they were made within one process: a 32-bit counter,
 * seeded at random each new millisecond, goes up when the clock stands still or goes
 * backwards (RFC 9562, section 6.2, method 2), laid out in the bits exactly as the `uuid`
 * package's v7 lays out its own. They are made here rather than by that package because every
 * ingested event takes one: the package copies its random bytes and the id's bytes into new
 * arrays and lowercases the finished text, about a microsecond an id on the host's busiest
 * thread; here the time's digits are written once a millisecond, the random bytes come from a
 * pool, and the text is made in one piece.
 *
 * An id for an explicit time is still the package's (ids for a given time are rare). What
 * stays here besides: refusing a time a UUIDv7 cannot hold, and the strict lowercase check and
 * timestamp reading of stored ids.
 */
import { v7 } from 'uuid';

const MAX_MS = 2 ** 48 - 1;
const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A new UUIDv7. `now` (ms since the epoch) replaces the clock for this id and is embedded
 * exactly as given, even when it is earlier than the last id made; such ids take random
 * counter bits, so several with the same `now` have no order among themselves.
 */
export function newEventId(now?: number): string {
  if (now === undefined) return nextClockId();
  const ms = Math.floor(now);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
    throw new RangeError(`newEventId: ${String(now)} is not a millisecond time UUIDv7 can hold`);
  }
  return v7({ msecs: ms });
}

/** Character codes of the lowercase hex digits. */
const HEX_CODES = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** Random bytes, drawn from the platform's CSPRNG (Node's and the browsers' `crypto`) a pool at a time. */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/**
 * The character codes of the id being made, turned into its text in one call: text joined from
 * a dozen pieces is a chain of a dozen intermediate strings, about 400 bytes of garbage an id on
 * the host's busiest thread, copied once more when first read as a whole.
 */
const codes: number[] = Array.from('00000000-0000-7000-8000-000000000000', (c) => c.charCodeAt(0));

/** Writes `byte` as two hex digits at `at`. */
function putByte(at: number, byte: number): void {
  codes[at] = HEX_CODES[byte >>> 4]!;
  codes[at + 1] = HEX_CODES[byte & 0x0f]!;
}

/** The last id's millisecond and its counter; the millisecond's digits stay in `codes` until it changes. */
let lastMs = -Infinity;
let counter = 0;

/** The next id from the clock: the `uuid` package's v7 state and layout, with the time's digits written once a millisecond. */
function nextClockId(): string {
  const now = Date.now();
  if (now > lastMs) {
    counter = (randomByte() << 23) | (randomByte() << 16) | (randomByte() << 8) | randomByte();
    lastMs = now;
    putTime(now);
  } else {
    counter = (counter + 1) | 0;
    if (counter === 0) {
      lastMs++;
      putTime(lastMs);
    }
  }
  const seq = counter;
  putByte(14, 0x70 | ((seq >>> 28) & 0x0f));
  putByte(16, (seq >>> 20) & 0xff);
  putByte(19, 0x80 | ((seq >>> 14) & 0x3f));
  putByte(21, (seq >>> 6) & 0xff);
  putByte(24, ((seq << 2) & 0xff) | (randomByte() & 0x03));
  for (let at = 26; at < 36; at += 2) putByte(at, randomByte());
  return String.fromCharCode.apply(null, codes);
}

/** The 48-bit millisecond time as the first two groups of an id (`xxxxxxxx-xxxx-`; the dashes stay). */
function putTime(ms: number): void {
  const high = Math.floor(ms / 0x10000);
  for (let i = 0; i < 4; i++) putByte(i * 2, (high >>> (24 - i * 8)) & 0xff);
  putByte(9, Math.floor(ms / 0x100) & 0xff);
  putByte(11, ms & 0xff);
}

/** True for a UUIDv7 in canonical form: lowercase hex, version 7, variant 10. */
export function isUuidV7(s: unknown): s is string {
  return typeof s === 'string' && s.length === 36 && UUID_V7_PATTERN.test(s);
}

/** The millisecond time embedded in a UUIDv7. Throws a TypeError for anything else. */
export function uuidV7Timestamp(id: string): number {
  if (!isUuidV7(id)) throw new TypeError(`uuidV7Timestamp: ${JSON.stringify(id)} is not a UUIDv7`);
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
