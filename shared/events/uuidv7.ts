/**
 * UUIDv7 event ids (RFC 9562, section 5.7), ordered by creation time, made by the `uuid`
 * package. Ids from the clock sort ascending as strings in the order they were made within
 * one process: `uuid` keeps a 32-bit counter, seeded at random each new millisecond, that
 * goes up when the clock stands still or goes backwards (RFC 9562, section 6.2, method 2).
 *
 * What stays here is what the package does not do the way the events need: refusing a time
 * a UUIDv7 cannot hold, and the strict lowercase check and timestamp reading of stored ids.
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
  if (now === undefined) return v7();
  const ms = Math.floor(now);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
    throw new RangeError(`newEventId: ${String(now)} is not a millisecond time UUIDv7 can hold`);
  }
  return v7({ msecs: ms });
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
