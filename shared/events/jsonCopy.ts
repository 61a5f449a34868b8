/**
 * The plain-JSON walk behind event validation: one pass that checks every value, builds a
 * fresh deep copy, and keeps lower and upper bounds on the size of the serialised form, so
 * that `JSON.stringify` only runs when the bounds cannot settle the size limit by themselves.
 *
 * There are two walks over the same rules. The fast walk takes the common case and keeps no
 * path, no list of ancestors and no error details: at the first thing it does not simply
 * accept (a bad value, a cycle, another realm's object, a getter that throws) it gives up,
 * and the full walk starts again from the top to tell exactly what is wrong and where. Both
 * accept the same values and build the same copy, so only bad or unusual input pays twice.
 */
import type { JsonObject, JsonValue } from './event';

/** The largest payload (and metadata) allowed, in UTF-8 bytes of `JSON.stringify`. */
export const MAX_JSON_BYTES = 256 * 1024;
/** The deepest nesting of objects and arrays allowed; `{}` is one level. */
export const MAX_JSON_DEPTH = 32;

/** Builds the error thrown for a broken rule at a path such as `payload.readings[3]`. */
export type JsonErrorFactory = (path: string, rule: string) => Error;

/** The longest text `JSON.stringify` writes for a finite number (e.g. `-2.2250738585072014e-308`). */
const MAX_NUMBER_CHARS = 24;
/** A UTF-16 code unit serialises to at most six bytes (`\u001f`, or a lone surrogate `\ud800`). */
const MAX_BYTES_PER_UNIT = 6;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const TOO_BIG = `is larger than 256 KiB (${MAX_JSON_BYTES} bytes) serialised`;

/** The copy of every empty object when copies are frozen: being frozen, one object can serve them all. */
export const FROZEN_EMPTY_OBJECT: JsonObject = Object.freeze({});

/**
 * Checks that `value` is plain JSON within the limits and returns a deep copy, with Date
 * values as ISO strings and `-0` as `0`. Throws `makeError(path, rule)` on the first problem.
 * With `freeze`, every object and array of the copy is frozen as it is built (empty ones are
 * shared), so that sealing the copy finds it frozen already.
 */
export function copyJson(value: unknown, root: string, makeError: JsonErrorFactory, freeze = false): JsonValue {
  // A getter may validate something else while the fast walk runs: keep the outer walk's state.
  const outerLow = low;
  const outerHigh = high;
  const outerFreezing = freezing;
  low = 0;
  high = 0;
  freezing = freeze;
  let copy: JsonValue | undefined;
  let bytesAtMost = 0;
  try {
    copy = fastCopy(value, 0);
    bytesAtMost = high;
  } catch {
    copy = undefined; // the full walk below finds out what went wrong, and where
  } finally {
    low = outerLow;
    high = outerHigh;
    freezing = outerFreezing;
  }
  if (copy === undefined) return fullCopy(value, root, makeError, freeze);
  if (bytesAtMost > MAX_JSON_BYTES && utf8Length(JSON.stringify(copy)) > MAX_JSON_BYTES) throw makeError(root, TOO_BIG);
  return copy;
}

// ---- the fast walk ------------------------------------------------------------------------

/** Thrown by the fast walk at anything it does not simply accept. */
const GIVE_UP: unknown = Symbol('give up');
const FROZEN_EMPTY_ARRAY: JsonValue[] = Object.freeze([]) as unknown as JsonValue[];

/**
 * The fast walk's state lives in the module rather than in a per-call object: bytes the
 * serialised form needs at least and at most so far, and whether copies are built frozen.
 */
let low = 0;
let high = 0;
let freezing = false;

/** `depth` counts the objects and arrays around `value`. */
function fastCopy(value: unknown, depth: number): JsonValue {
  switch (typeof value) {
    case 'string':
      low += value.length + 2;
      high += value.length * MAX_BYTES_PER_UNIT + 2;
      if (low > MAX_JSON_BYTES) throw GIVE_UP;
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw GIVE_UP;
      low += 1;
      high += MAX_NUMBER_CHARS;
      return value === 0 ? 0 : value;
    case 'boolean':
      low += 4;
      high += 5;
      return value;
    case 'object':
      if (value === null) {
        low += 4;
        high += 4;
        return null;
      }
      return Array.isArray(value) ? fastArray(value, depth) : fastObject(value, depth);
  }
  throw GIVE_UP;
}

/** Another realm's array gives up. A cycle nests without end, so it runs into the depth limit. */
function fastArray(array: unknown[], depth: number): JsonValue[] {
  if (depth >= MAX_JSON_DEPTH || Object.getPrototypeOf(array) !== Array.prototype) throw GIVE_UP;
  const length = array.length;
  const punctuation = length === 0 ? 2 : length + 1; // brackets and commas
  low += punctuation;
  high += punctuation;
  if (low + length > MAX_JSON_BYTES) throw GIVE_UP;
  if (length === 0) return freezing ? FROZEN_EMPTY_ARRAY : [];
  const copy: JsonValue[] = [];
  for (let index = 0; index < length; index++) {
    const item: unknown = array[index];
    if (item === undefined) throw GIVE_UP; // undefined, or a hole
    copy.push(fastCopy(item, depth + 1));
  }
  if (freezing) Object.freeze(copy);
  return copy;
}

/** Null-prototype objects come out as ordinary ones, as from the full walk. */
function fastObject(object: object, depth: number): JsonValue {
  const proto = Object.getPrototypeOf(object) as object | null;
  if (proto === Date.prototype) return fastDate(object as Date);
  if ((proto !== Object.prototype && proto !== null) || depth >= MAX_JSON_DEPTH) throw GIVE_UP;
  if (Object.getOwnPropertySymbols(object).length > 0) throw GIVE_UP;
  const keys = Object.keys(object);
  const count = keys.length;
  const punctuation = count === 0 ? 2 : count + 1; // braces and commas
  low += punctuation;
  high += punctuation;
  if (count === 0) return freezing ? FROZEN_EMPTY_OBJECT : {};
  const source = object as Record<string, unknown>;
  const copy: JsonObject = {};
  for (let index = 0; index < count; index++) {
    const key = keys[index]!;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw GIVE_UP;
    low += key.length + 3; // quotes and colon
    high += key.length * MAX_BYTES_PER_UNIT + 3;
    copy[key] = fastCopy(source[key], depth + 1);
  }
  if (freezing) Object.freeze(copy);
  return copy;
}

/** An object that only inherits from Date.prototype throws in `getTime`, and so gives up. */
function fastDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw GIVE_UP;
  const iso = date.toISOString();
  low += iso.length + 2;
  high += iso.length + 2;
  return iso;
}

// ---- the full walk ------------------------------------------------------------------------

interface Walk {
  readonly root: string;
  readonly makeError: JsonErrorFactory;
  /** Keys and indexes from the root down to the value being checked. */
  readonly path: (string | number)[];
  /** The objects and arrays that contain the value being checked, outermost first. */
  readonly ancestors: object[];
  /** Bytes the serialised form needs at least, and at most, counting what was walked so far. */
  low: number;
  high: number;
  /** The last error this walk raised, so that errors from getters can be told apart from it. */
  raised?: Error;
}

/** The walk that names what is wrong: it keeps the path and the ancestors as it goes. */
function fullCopy(value: unknown, root: string, makeError: JsonErrorFactory, freeze: boolean): JsonValue {
  const walk: Walk = { root, makeError, path: [], ancestors: [], low: 0, high: 0 };
  let copy: JsonValue;
  try {
    copy = copyValue(value, walk);
  } catch (error) {
    if (error === walk.raised) throw error;
    // A getter or a proxy trap threw while the value was being read.
    const reason = error instanceof Error ? error.message : String(error);
    throw makeError(pathOf(walk), `could not be read (${reason})`);
  }
  if (walk.high > MAX_JSON_BYTES && utf8Length(JSON.stringify(copy)) > MAX_JSON_BYTES) throw tooBig(walk);
  // Only what the fast walk gave up on and is valid after all (another realm's objects) gets here.
  return freeze ? deepFreeze(copy) : copy;
}

function copyValue(value: unknown, walk: Walk): JsonValue {
  switch (typeof value) {
    case 'string':
      walk.low += value.length + 2;
      walk.high += value.length * MAX_BYTES_PER_UNIT + 2;
      if (walk.low > MAX_JSON_BYTES) throw tooBig(walk);
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw fail(walk, 'is not a finite number');
      walk.low += 1;
      walk.high += MAX_NUMBER_CHARS;
      return value === 0 ? 0 : value;
    case 'boolean':
      walk.low += 4;
      walk.high += 5;
      return value;
    case 'object':
      if (value === null) {
        walk.low += 4;
        walk.high += 4;
        return null;
      }
      return copyObject(value, walk);
    case 'undefined':
      throw fail(walk, 'is undefined, which JSON cannot hold');
    case 'function':
      throw fail(walk, 'is a function, which JSON cannot hold');
    case 'symbol':
      throw fail(walk, 'is a symbol, which JSON cannot hold');
    case 'bigint':
      throw fail(walk, 'is a bigint, which JSON cannot hold');
  }
  throw fail(walk, 'is not a JSON value');
}

function copyObject(value: object, walk: Walk): JsonValue {
  if (value instanceof Date) return dateToIso(value, walk);
  if (walk.ancestors.includes(value)) throw fail(walk, 'is a circular reference');
  if (walk.ancestors.length >= MAX_JSON_DEPTH) throw fail(walk, `is nested deeper than ${MAX_JSON_DEPTH} levels`);
  walk.ancestors.push(value);
  const copy = Array.isArray(value) ? copyArray(value, walk) : copyPlainObject(value, walk);
  walk.ancestors.pop();
  return copy;
}

function copyArray(array: unknown[], walk: Walk): JsonValue[] {
  const proto = Object.getPrototypeOf(array) as object | null;
  if (proto !== Array.prototype && !isOtherRealmArrayPrototype(proto)) {
    throw fail(walk, `is ${describe(array)}, not a plain array`);
  }
  const length = array.length;
  const punctuation = length === 0 ? 2 : length + 1; // brackets and commas
  walk.low += punctuation;
  walk.high += punctuation;
  if (walk.low + length > MAX_JSON_BYTES) throw tooBig(walk);
  const copy: JsonValue[] = [];
  for (let index = 0; index < length; index++) {
    walk.path.push(index);
    const item: unknown = array[index];
    if (item === undefined && !(index in array)) throw fail(walk, 'is a hole in a sparse array');
    copy.push(copyValue(item, walk));
    walk.path.pop();
  }
  return copy;
}

function copyPlainObject(object: object, walk: Walk): JsonObject {
  const proto = Object.getPrototypeOf(object) as object | null;
  if (proto !== Object.prototype && proto !== null && !isOtherRealmObjectPrototype(proto, object)) {
    throw fail(walk, `is ${describe(object)}, not a plain object`);
  }
  if (Object.getOwnPropertySymbols(object).length > 0) throw fail(walk, 'has a symbol key, which JSON cannot hold');
  const keys = Object.keys(object);
  const punctuation = keys.length === 0 ? 2 : keys.length + 1; // braces and commas
  walk.low += punctuation;
  walk.high += punctuation;
  const source = object as Record<string, unknown>;
  const copy: JsonObject = {};
  for (const key of keys) {
    walk.path.push(key);
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw fail(walk, 'is a forbidden key (__proto__, constructor and prototype are not allowed)');
    }
    walk.low += key.length + 3; // quotes and colon
    walk.high += key.length * MAX_BYTES_PER_UNIT + 3;
    copy[key] = copyValue(source[key], walk);
    walk.path.pop();
  }
  return copy;
}

function dateToIso(date: Date, walk: Walk): string {
  let time: number;
  try {
    time = date.getTime();
  } catch {
    throw fail(walk, 'is not a real Date');
  }
  if (Number.isNaN(time)) throw fail(walk, 'is an invalid Date');
  const iso = date.toISOString();
  walk.low += iso.length + 2;
  walk.high += iso.length + 2;
  return iso;
}

/** A plain object made in another realm (an iframe, a vm context) has that realm's Object.prototype. */
function isOtherRealmObjectPrototype(proto: object, object: object): boolean {
  if (Object.getPrototypeOf(proto) !== null || Object.prototype.toString.call(object) !== '[object Object]') return false;
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name === 'Object';
}

/** Another realm's Array.prototype is itself an array, and inherits from an Object.prototype. */
function isOtherRealmArrayPrototype(proto: object | null): boolean {
  if (proto === null || !Array.isArray(proto)) return false;
  const objectProto = Object.getPrototypeOf(proto) as object | null;
  return objectProto !== null && Object.getPrototypeOf(objectProto) === null;
}

function describe(value: object): string {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  const proto: unknown = Object.getPrototypeOf(value);
  const ctor: unknown = proto === null || typeof proto !== 'object' ? undefined : (proto as { constructor?: unknown }).constructor;
  const name = typeof ctor === 'function' && ctor.name !== '' ? ctor.name : tag;
  return `an instance of ${name}`;
}

function fail(walk: Walk, rule: string): Error {
  walk.raised = walk.makeError(pathOf(walk), rule);
  return walk.raised;
}

function tooBig(walk: Walk): Error {
  walk.raised = walk.makeError(walk.root, TOO_BIG);
  return walk.raised;
}

function pathOf(walk: Walk): string {
  let path = walk.root;
  for (const step of walk.path) {
    if (typeof step === 'number') path += `[${step}]`;
    else path += IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  }
  return path;
}

function deepFreeze(value: JsonValue): JsonValue {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** UTF-8 length of a well-formed serialisation (JSON.stringify escapes lone surrogates). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 2; // the pair's two units count 2; the character needs 4
      index++;
    } else bytes += 2;
  }
  return bytes;
}
