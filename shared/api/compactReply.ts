/**
 * The browser-mode socket's short answer to `events.publishBatch`: the stored events less what
 * the page sent. Most of a stored event is the page's own input (id, type, source, payload);
 * what the host adds (seq, hash, subject, status, the defaults) is sent per field, once when
 * every event has the same value, as differences when the values are whole numbers (seq,
 * timestamp), as a list otherwise. A field that differs from the input for some events only
 * (a retried event answered with what was stored the first time) is sent for those. The page's
 * bridge rebuilds the events from its request, so `publishBatch` resolves with exactly what
 * the contract promises; the full answer was about twice the request, and writing, sending
 * and reading it were a good part of what the bridge added to each batch.
 */
import type { JsonValue } from '../events/event';

/** One field of the stored events that is not simply the input's. */
export type CompactField =
  /** The same value for every event listed (`at`, or all). */
  | { readonly key: string; readonly same: JsonValue; readonly at?: readonly number[] }
  /** Whole numbers: the first, then each one's difference from the one before. */
  | { readonly key: string; readonly steps: readonly number[]; readonly at?: readonly number[] }
  | { readonly key: string; readonly values: readonly JsonValue[]; readonly at?: readonly number[] };

export interface CompactEvents {
  readonly count: number;
  readonly fields: readonly CompactField[];
  /** Input fields a stored event does not have, as [index, key]. */
  readonly removed: readonly (readonly [number, string])[];
}

type Row = Readonly<Record<string, unknown>>;

/** Deep equality of plain JSON, members in the same order (JSON.parse keeps the order it reads). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return !Object.is(a, -0) && !Object.is(b, -0);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const key = aKeys[i] as string;
    if (key !== bKeys[i] || !sameJson((a as Row)[key], (b as Row)[key])) return false;
  }
  return true;
}

function column(key: string, values: JsonValue[], at: number[] | undefined): CompactField {
  const where = at ? { at } : {};
  const first = values[0] as JsonValue;
  if (values.every((value) => sameJson(value, first))) return { key, same: first, ...where };
  if (values.every((value) => Number.isSafeInteger(value))) {
    const numbers = values as number[];
    return { key, steps: numbers.map((value, i) => (i === 0 ? value : value - (numbers[i - 1] as number))), ...where };
  }
  return { key, values, ...where };
}

/** The stored events less the inputs they were stored from (`sent[i]` for `stored[i]`), for the socket. */
export function compactStored(sent: readonly Row[], stored: readonly Row[]): CompactEvents {
  const differing = new Map<string, { values: JsonValue[]; at: number[] }>();
  const removed: [number, string][] = [];
  for (let i = 0; i < stored.length; i++) {
    const event = stored[i] as Row;
    const input = sent[i] as Row;
    for (const key in event) {
      const value = event[key] as JsonValue;
      if (Object.prototype.hasOwnProperty.call(input, key) && sameJson(input[key], value)) continue;
      let field = differing.get(key);
      if (!field) differing.set(key, (field = { values: [], at: [] }));
      field.values.push(value);
      field.at.push(i);
    }
    for (const key in input) if (!Object.prototype.hasOwnProperty.call(event, key)) removed.push([i, key]);
  }
  const fields = [...differing].map(([key, { values, at }]) => column(key, values, at.length === stored.length ? undefined : at));
  return { count: stored.length, fields, removed };
}

function problem(what: string): Error {
  return new Error(`the host's short answer to publishBatch: ${what}`);
}

/** The values of `field`, one per index it covers; objects are each a fresh copy. */
function valuesOf(field: CompactField, length: number): JsonValue[] {
  if ('same' in field) {
    const same = field.same;
    if (typeof same !== 'object' || same === null) return new Array<JsonValue>(length).fill(same);
    const text = JSON.stringify(same);
    return Array.from({ length }, () => JSON.parse(text) as JsonValue);
  }
  if ('steps' in field) {
    if (!Array.isArray(field.steps) || !field.steps.every((step) => Number.isSafeInteger(step))) throw problem(`${field.key}: steps must be whole numbers`);
    let value = 0;
    return field.steps.map((step, i) => (value = i === 0 ? step : value + step));
  }
  if (!Array.isArray(field.values)) throw problem(`${field.key}: values must be a list`);
  return field.values.map((value) => (typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as JsonValue) : value));
}

/**
 * The stored events, from the inputs the page sent (`sent`: its request as the host read it,
 * which this takes over and changes) and the host's short answer. Throws an Error naming what
 * is wrong when the answer does not fit the request.
 */
export function expandStored<T>(sent: readonly unknown[], compact: unknown): T[] {
  if (typeof compact !== 'object' || compact === null) throw problem('not an object');
  const { count, fields, removed } = compact as Partial<CompactEvents>;
  if (count !== sent.length) throw problem(`${String(count)} events for a request of ${sent.length}`);
  if (!Array.isArray(fields) || !Array.isArray(removed)) throw problem('fields and removed must be lists');
  const events = sent as Record<string, unknown>[];
  if (!events.every((event) => typeof event === 'object' && event !== null && !Array.isArray(event))) throw problem('the request held something that is not an event');
  for (const field of fields as CompactField[]) {
    if (typeof field?.key !== 'string' || field.key === '__proto__') throw problem('a field without a usable key');
    const at = field.at;
    if (at !== undefined && (!Array.isArray(at) || !at.every((i) => Number.isSafeInteger(i) && i >= 0 && i < count))) throw problem(`${field.key}: at must list event indexes`);
    const values = valuesOf(field, at?.length ?? count);
    if (values.length !== (at?.length ?? count)) throw problem(`${field.key}: ${values.length} values for ${at?.length ?? count} events`);
    for (let i = 0; i < values.length; i++) (events[at ? (at[i] as number) : i] as Record<string, unknown>)[field.key] = values[i];
  }
  for (const entry of removed as unknown[]) {
    const [i, key] = Array.isArray(entry) ? entry : [];
    if (!Number.isSafeInteger(i) || i < 0 || i >= count || typeof key !== 'string') throw problem('removed must list [index, key] pairs');
    delete (events[i as number] as Record<string, unknown>)[key];
  }
  return events as T[];
}
