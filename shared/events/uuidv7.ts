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

/**
 * The two hex digits of every byte, as character codes: `format` builds an id with one
 * String.fromCharCode call, which makes a flat string, where joining 20 pieces with `+`
 * makes a rope that the first regex test or map lookup must flatten again.
 */
const HIGH_DIGIT = new Uint8Array(256);
const LOW_DIGIT = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  const hex = byte.toString(16).padStart(2, '0');
  HIGH_DIGIT[byte] = hex.charCodeAt(0);
  LOW_DIGIT[byte] = hex.charCodeAt(1);
}
const DASH = 0x2d;
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
  const t0 = (high >>> 16) & 0xff;
  const t1 = (high >>> 8) & 0xff;
  const t2 = high & 0xff;
  const t3 = (low >>> 16) & 0xff;
  const t4 = (low >>> 8) & 0xff;
  const t5 = low & 0xff;
  const c0 = 0x70 | (count >>> 8); // version 7
  const c1 = count & 0xff;
  const r0 = 0x80 | (pool[r]! & 0x3f); // variant 10
  const r1 = pool[r + 1]!;
  const r2 = pool[r + 2]!;
  const r3 = pool[r + 3]!;
  const r4 = pool[r + 4]!;
  const r5 = pool[r + 5]!;
  const r6 = pool[r + 6]!;
  const r7 = pool[r + 7]!;
  return String.fromCharCode(
    HIGH_DIGIT[t0]!, LOW_DIGIT[t0]!, HIGH_DIGIT[t1]!, LOW_DIGIT[t1]!, HIGH_DIGIT[t2]!, LOW_DIGIT[t2]!, HIGH_DIGIT[t3]!, LOW_DIGIT[t3]!,
    DASH,
    HIGH_DIGIT[t4]!, LOW_DIGIT[t4]!, HIGH_DIGIT[t5]!, LOW_DIGIT[t5]!,
    DASH,
    HIGH_DIGIT[c0]!, LOW_DIGIT[c0]!, HIGH_DIGIT[c1]!, LOW_DIGIT[c1]!,
    DASH,
    HIGH_DIGIT[r0]!, LOW_DIGIT[r0]!, HIGH_DIGIT[r1]!, LOW_DIGIT[r1]!,
    DASH,
    HIGH_DIGIT[r2]!, LOW_DIGIT[r2]!, HIGH_DIGIT[r3]!, LOW_DIGIT[r3]!, HIGH_DIGIT[r4]!, LOW_DIGIT[r4]!,
    HIGH_DIGIT[r5]!, LOW_DIGIT[r5]!, HIGH_DIGIT[r6]!, LOW_DIGIT[r6]!, HIGH_DIGIT[r7]!, LOW_DIGIT[r7]!,
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
