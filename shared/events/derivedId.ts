/**
 * Event ids derived from what caused an event. A consumer that reacts to an event again (a
 * redelivery, a replay after a restart) derives the same id for the same reaction, and the
 * store refuses the second copy: at-least-once processing with exactly-once effects.
 * The id is a valid UUIDv7: the time of the cause, then 74 bits from hashes of the key.
 */
import { fnv1a64 } from '../domain/stateHash';

/** A UUIDv7 for `ms` whose other bits come from `key` (the same key and time give the same id). */
export function derivedEventId(key: string, ms: number): string {
  const time = Math.max(0, Math.min(Math.floor(ms), 2 ** 48 - 1)).toString(16).padStart(12, '0');
  const bits = fnv1a64(key) + fnv1a64(`${key}\u0000second half`);
  const variant = ((parseInt(bits[3] as string, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${bits.slice(0, 3)}-${variant}${bits.slice(4, 7)}-${bits.slice(7, 19)}`;
}

/** True when `error` is the store's refusal of an id it already holds. */
export function isDuplicateIdError(error: unknown): boolean {
  return error instanceof Error && /duplicate id/.test(error.message);
}
