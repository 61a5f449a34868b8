/**
 * A publishBatch's request on the browser-mode socket, shorter: the fields that every event of
 * the batch has with the same string or number (mostly `type` and `source`) go once, as
 * `shared`, instead of in every event. They were about a third of a telemetry batch's 170 kB,
 * which the page writes, Chromium's network process hands on and the host reads, one after the
 * other, for every batch. The host puts them back into each event before the contract checks
 * the batch, so the verdicts and the errors are those of the full request.
 */
import { isEventField } from '../events/validate';

type Row = Record<string, unknown>;

/** An object JSON.stringify writes as its own enumerable fields, and nothing else. */
function isPlainRow(value: unknown): value is Row {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return !('toJSON' in value);
}

/**
 * The page's side: the events less the fields they all share, and those fields; null when
 * they share none (or when one is not a plain object, whose JSON only JSON.stringify knows).
 */
export function splitShared(events: readonly unknown[]): { readonly events: Row[]; readonly shared: Row } | null {
  const first = events[0];
  if (events.length < 2 || !isPlainRow(first)) return null;
  // No prototype: `key in shared` below must not find `constructor` or `toString`.
  const shared = Object.create(null) as Row;
  let count = 0;
  for (const key in first) {
    const value = first[key];
    if ((typeof value === 'string' || typeof value === 'number') && isEventField(key)) {
      shared[key] = value;
      count++;
    }
  }
  for (let i = 1; i < events.length && count > 0; i++) {
    const event = events[i];
    if (!isPlainRow(event)) return null;
    for (const key in shared) {
      if (event[key] !== shared[key]) {
        delete shared[key];
        count--;
      }
    }
  }
  if (count === 0) return null;
  const rest = events.map((event) => {
    const own: Row = {};
    for (const key in event as Row) if (!(key in shared)) own[key] = (event as Row)[key];
    return own;
  });
  return { events: rest, shared };
}

/**
 * Puts the shared fields back into every event of `events` (fresh from `JSON.parse`, changed
 * in place); the problem, naming it, when `shared` is not such fields or an event has one of
 * its own. Events that are not objects are left for the contract to refuse.
 */
export function spreadShared(events: unknown, shared: unknown): string | null {
  if (typeof shared !== 'object' || shared === null || Array.isArray(shared)) return 'message.shared: must be an object of event fields';
  if (!Array.isArray(events)) return 'message.shared: only with a list of events';
  const fields = shared as Row;
  const keys = Object.keys(fields);
  for (const key of keys) {
    if (!isEventField(key)) return `message.shared.${key}: is not an event field`;
    const value = fields[key];
    if (typeof value !== 'string' && typeof value !== 'number') return `message.shared.${key}: must be a string or a number`;
  }
  for (let i = 0; i < events.length; i++) {
    const event: unknown = events[i];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) continue;
    for (const key of keys) {
      if (Object.prototype.hasOwnProperty.call(event, key)) return `message.shared.${key}: events[${i}] has its own`;
      (event as Row)[key] = fields[key];
    }
  }
  return null;
}
