/**
 * UUIDv7 event ids (RFC 9562, section 5.7), ordered by creation time.
 *
 * Layout: 48 bits of Unix milliseconds, the version nibble 7, a 12-bit counter in `rand_a`,
 * the variant bits 10, then 62 random bits. Within one process the ids sort ascending as
 * strings in the order they were made: when the clock has not moved on since the last id
 * (or has gone backwards) the counter goes up, and when the counter runs out the embedded
 * millisecond is pushed one ahead of the clock (RFC 9562, section 6.2, method 1).
 */

const MAX_MS = 2 ** 48 - 1;
const COUNTER_MAX = 0xfff;
/** A fresh millisecond starts its counter below this, leaving room for at least 2,048 more ids. */
const COUNTER_SEED_RANGE = 0x800;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Random bytes are drawn in blocks: one getRandomValues call serves many ids. */
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomBytes(count: number): number {
  if (poolOffset + count > POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += count;
  return start;
}

let lastMs = -1;
let counter = 0;

function seedCounter(): number {
  const at = randomBytes(2);
  return ((pool[at]! << 8) | pool[at + 1]!) % COUNTER_SEED_RANGE;
}

/**
 * A new UUIDv7. `now` (ms since the epoch) replaces the clock for this id. Ids from the clock
 * never go backwards; an explicit `now` earlier than the last id made is embedded as given,
 * because the caller asked for that time.
 */
export function newEventId(now?: number): string {
  const explicit = now !== undefined;
  const requested = explicit ? Math.floor(now) : Date.now();
  if (!Number.isFinite(requested) || requested < 0 || requested > MAX_MS) {
    throw new RangeError(`newEventId: ${String(now)} is not a millisecond time UUIDv7 can hold`);
  }

  let ms: number;
  let count: number;
  if (explicit && requested < lastMs) {
    ms = requested;
    count = seedCounter();
  } else {
    if (requested > lastMs) {
      lastMs = requested;
      counter = seedCounter();
    } else if (counter < COUNTER_MAX) {
      counter += 1;
    } else if (lastMs < MAX_MS) {
      lastMs += 1;
      counter = seedCounter();
    } else {
      counter = seedCounter();
    }
    ms = lastMs;
    count = counter;
  }
  return format(ms, count);
}

function format(ms: number, count: number): string {
  const high = Math.floor(ms / 0x1000000); // upper 24 bits of the 48-bit time
  const low = ms % 0x1000000;
  const r = randomBytes(8);
  return (
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(low >>> 16) & 0xff]! +
    '-' +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]! +
    '-' +
    HEX[0x70 | (count >>> 8)]! +
    HEX[count & 0xff]! +
    '-' +
    HEX[0x80 | (pool[r]! & 0x3f)]! +
    HEX[pool[r + 1]!]! +
    '-' +
    HEX[pool[r + 2]!]! +
    HEX[pool[r + 3]!]! +
    HEX[pool[r + 4]!]! +
    HEX[pool[r + 5]!]! +
    HEX[pool[r + 6]!]! +
    HEX[pool[r + 7]!]!
  );
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
