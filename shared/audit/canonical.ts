/**
 * Canonical JSON: the one text form every audit hash is computed over. Two JSON values that
 * are equal as data always give the same text, byte for byte, in Node and in Chromium.
 *
 * It is RFC 8785, the JSON Canonicalization Scheme (JCS): for every value JCS accepts, the
 * text is the one the `canonicalize` package (by one of the RFC's authors) writes, which a
 * unit test checks on thousands of random values. JCS refuses strings with a lone
 * surrogate; this writes them as JSON.stringify does (`\ud800`), so that every event the
 * store holds can be hashed, as it always has been.
 *
 * The rules, precisely:
 * - Objects: members sorted by key, comparing keys as sequences of UTF-16 code units (the
 *   order of JavaScript's default `Array.prototype.sort`); members whose value is
 *   `undefined` are left out; no whitespace anywhere: `{"a":1,"b":[true,null]}`.
 * - Arrays keep their order; an `undefined` item is refused (JSON has none).
 * - Strings and keys as `JSON.stringify` writes them (ECMAScript 2019+): `"` and `\` escaped
 *   with a backslash, U+0008/09/0A/0C/0D as `\b \t \n \f \r`, other code points below U+0020
 *   and lone surrogates as `\u` and four lowercase hex digits; every other character as
 *   itself. The text is hashed as UTF-8.
 * - Numbers as `JSON.stringify` writes them: the shortest text that reads back as the same
 *   double (ECMAScript Number::toString), e.g. `1`, `0.1`, `1e+21`, `1.5e-7`; `-0` is written
 *   `0`. NaN and ±Infinity are refused.
 * - `true`, `false`, `null` as such. Anything else (functions, symbols, bigints, class
 *   instances other than plain objects and arrays) is refused with a CanonicalJsonError.
 */

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

/** Marks a value that is not JSON; `canonicalJson` then finds where, for the error message. */
const NOT_JSON = new CanonicalJsonError('not JSON');

/**
 * A code unit that `JSON.stringify` does not write as itself: `"`, `\`, a control character,
 * or a surrogate (only lone surrogates are escaped, but any surrogate sends the string the slow
 * way, which is still exact).
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as `JSON.stringify` writes it; most strings need no escape, and then no call into it. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * A finite number as `JSON.stringify` writes it: Number::toString, `-0` as `0`. By the
 * cheapest route V8 offers for each kind: 32-bit integers through the number-to-string
 * cache; integers from there up to 2^53 (timestamps, mostly) as two halves of at most nine
 * digits, which are 32-bit integers again (Number::toString writes every integer below 1e21
 * in plain decimal, so the digits are the same); any other number through JSON.stringify,
 * which is faster than String() for a double that is not in the cache.
 */
export function jsonNumber(value: number): string {
  if ((value | 0) === value) return `${value}`;
  if (value >= 1e9 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
    const low = value % 1e9; // exact, and so is the division below
    return `${(value - low) / 1e9}${`${low}`.padStart(9, '0')}`;
  }
  return JSON.stringify(value);
}

/**
 * The keys in canonical order: by UTF-16 code units, as the default `sort` and the `<`
 * operator compare strings (keys are distinct, so any correct sort gives the same order).
 * Keys already in order cost one pass and come back as they are; otherwise a sorted copy
 * (by insertion when short), so the list given is never changed.
 */
function canonicalOrder(keys: readonly string[]): readonly string[] {
  const count = keys.length;
  for (let i = 1; i < count; i++) {
    if (keys[i - 1]! > keys[i]!) {
      const sorted = keys.slice();
      if (count > 16) return sorted.sort();
      for (let j = i; j < count; j++) {
        const key = sorted[j]!;
        let k = j - 1;
        while (k >= 0 && sorted[k]! > key) {
          sorted[k + 1] = sorted[k]!;
          k--;
        }
        sorted[k + 1] = key;
      }
      return sorted;
    }
  }
  return keys;
}

/**
 * How objects with one list of own keys (the same keys in the same order) are written: the
 * keys in canonical order and each one's `"key":` text. Objects of one kind (the items of a
 * list, the payloads of one event type) share a layout, so their keys are sorted and escaped
 * once, not for every object.
 */
interface Layout {
  /** The keys as `Object.keys` gives them: what the layout is found by. */
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  readonly heads: readonly string[];
}

/** Layouts by the first of their keys: a few for each first key, the newest first. */
const layouts = new Map<string, Layout[]>();
const LAYOUTS_PER_FIRST_KEY = 4;
/** When this many first keys are known, the cache starts afresh (its memory stays bounded). */
const MAX_FIRST_KEYS = 256;
/** Objects with more keys than this get no layout. */
const MAX_LAYOUT_KEYS = 64;

/**
 * The last few key lists that had no layout. A layout is made when a key list comes again
 * while still in here, so objects whose keys never repeat (maps keyed by id, say) cost only a
 * few comparisons and make no garbage in the cache.
 */
const recent: (readonly string[] | undefined)[] = new Array<undefined>(8).fill(undefined);
let recentNext = 0;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  const count = a.length;
  if (b.length !== count) return false;
  for (let i = 0; i < count; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The layout for exactly these keys in this order, or undefined while they have none (yet). */
function layoutFor(keys: readonly string[]): Layout | undefined {
  const first = keys[0]!;
  const known = layouts.get(first);
  if (known !== undefined) {
    for (let i = 0; i < known.length; i++) {
      const layout = known[i]!;
      if (sameKeys(layout.keys, keys)) return layout;
    }
  }
  for (let i = 0; i < recent.length; i++) {
    const seen = recent[i];
    if (seen !== undefined && sameKeys(seen, keys)) {
      recent[i] = undefined;
      const sorted = canonicalOrder(keys);
      const layout: Layout = { keys, sorted, heads: sorted.map((key) => `${jsonString(key)}:`) };
      if (known === undefined) {
        if (layouts.size >= MAX_FIRST_KEYS) layouts.clear();
        layouts.set(first, [layout]);
      } else {
        known.unshift(layout);
        if (known.length > LAYOUTS_PER_FIRST_KEY) known.length = LAYOUTS_PER_FIRST_KEY;
      }
      return layout;
    }
  }
  recent[recentNext] = keys;
  recentNext = (recentNext + 1) % recent.length;
  return undefined;
}

/**
 * The canonical order of an object's keys (as `Object.keys` gives them, at least one) and each
 * one's `"key":` text: cached as the writer below caches them (chainBytes.ts writes the same
 * JSON as bytes).
 */
export function canonicalLayoutFor(keys: readonly string[]): Pick<Layout, 'sorted' | 'heads'> {
  const layout = keys.length <= MAX_LAYOUT_KEYS ? layoutFor(keys) : undefined;
  if (layout !== undefined) return layout;
  const sorted = canonicalOrder(keys);
  return { sorted, heads: sorted.map((key) => `${jsonString(key)}:`) };
}

/** The fast writer: no paths are built while all goes well. */
function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return jsonNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value);
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
      return writeObject(value as Record<string, unknown>);
    }
    default:
      throw NOT_JSON;
  }
}

function writeArray(array: readonly unknown[]): string {
  const length = array.length;
  if (length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < length; i++) {
    const item: unknown = array[i];
    if (item === undefined) throw NOT_JSON;
    if (i > 0) out += ',';
    out += write(item);
  }
  return out + ']';
}

function writeObject(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const count = keys.length;
  if (count === 0) return '{}';
  let out = '{';
  const layout = count <= MAX_LAYOUT_KEYS ? layoutFor(keys) : undefined;
  if (layout !== undefined) {
    const { sorted, heads } = layout;
    for (let i = 0; i < count; i++) {
      const member = record[sorted[i]!];
      if (member === undefined) continue;
      if (out.length > 1) out += ',';
      out += heads[i]! + write(member);
    }
  } else {
    const sorted = canonicalOrder(keys);
    for (let i = 0; i < count; i++) {
      const key = sorted[i]!;
      const member = record[key];
      if (member === undefined) continue;
      if (out.length > 1) out += ',';
      out += `${jsonString(key)}:${write(member)}`;
    }
  }
  return out + '}';
}

/** The path to the first value that is not JSON, and why (the slow walk, for error messages only). */
function locate(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path}: ${value} is not a JSON number`;
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return null;
  if (typeof value !== 'object') return `${path}: a ${typeof value} is not JSON`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = value[i] === undefined ? `${path}[${i}]: undefined is not JSON` : locate(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `${path}: not a plain object`;
  for (const [key, member] of Object.entries(value)) {
    const found = member === undefined ? null : locate(member, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** Turns the fast writer's NOT_JSON into an error that names the first offending path. */
function explain(error: unknown, value: unknown): unknown {
  return error === NOT_JSON ? new CanonicalJsonError(locate(value, '$') ?? '$: not JSON') : error;
}

/** The canonical JSON text of `value` (see the rules above); throws CanonicalJsonError for non-JSON. */
export function canonicalJson(value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    throw explain(error, value);
  }
}

/** An object's members as canonical `"key":value` texts, sorted by key (undefined members left out). */
export function canonicalMembers(record: Readonly<Record<string, unknown>>): [key: string, text: string][] {
  try {
    const members: [string, string][] = [];
    for (const key of canonicalOrder(Object.keys(record))) {
      const member = record[key];
      if (member !== undefined) members.push([key, `${jsonString(key)}:${write(member)}`]);
    }
    return members;
  } catch (error) {
    throw explain(error, record);
  }
}

/** Joins members (as from `canonicalMembers`) into an object's canonical text, leaving out the keys in `drop`. */
export function joinMembers(members: readonly (readonly [string, string])[], drop?: ReadonlySet<string>): string {
  let out = '{';
  for (const [key, text] of members) {
    if (drop?.has(key)) continue;
    out += (out.length > 1 ? ',' : '') + text;
  }
  return `${out}}`;
}
