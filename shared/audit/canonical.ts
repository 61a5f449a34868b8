/**
 * Canonical JSON: the one text form every audit hash is computed over. Two JSON values that
 * are equal as data always give the same text, byte for byte, in Node and in Chromium.
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

/** The fast writer: no paths are built while all goes well. */
function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) throw NOT_JSON;
          out += (i > 0 ? ',' : '') + write(item);
        }
        return `${out}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
      return writeObject(value as Record<string, unknown>);
    }
    default:
      throw NOT_JSON;
  }
}

function writeObject(record: Record<string, unknown>): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${write(member)}`;
  }
  return `${out}}`;
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

function guarded<T>(run: () => T, value: unknown): T {
  try {
    return run();
  } catch (error) {
    if (error === NOT_JSON) throw new CanonicalJsonError(locate(value, '$') ?? '$: not JSON');
    throw error;
  }
}

/** The canonical JSON text of `value` (see the rules above); throws CanonicalJsonError for non-JSON. */
export function canonicalJson(value: unknown): string {
  return guarded(() => write(value), value);
}

/** An object's members as canonical `"key":value` texts, sorted by key (undefined members left out). */
export function canonicalMembers(record: Readonly<Record<string, unknown>>): [key: string, text: string][] {
  return guarded(() => {
    const members: [string, string][] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member !== undefined) members.push([key, `${JSON.stringify(key)}:${write(member)}`]);
    }
    return members;
  }, record);
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
