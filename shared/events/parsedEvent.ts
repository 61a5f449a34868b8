/**
 * The check of an event that `JSON.parse` has just made, for the plant stream's messages: the
 * same rules as validatePlantEvent (validate.ts, jsonCopy.ts), applied in place instead of on
 * a deep copy. Parsed JSON belongs to nobody else, so its payload and metadata can be checked
 * and frozen where they are; the copy, the object spreads and the second walk that sealing an
 * arbitrary object needs are what a station catching up a backlog paid per message.
 *
 * Like jsonCopy's fast walk, it only accepts: at anything it does not simply accept (a broken
 * rule, a forbidden key, a size the cheap bounds cannot settle) it gives up with null and the
 * caller takes the full check, which names what is wrong. So it accepts no less and no more
 * than the full check; test/unit/plantWireCheck.unit.test.ts feeds both the same valid and
 * hostile messages and compares their verdicts.
 *
 * What parsed JSON cannot hold needs no check here: undefined, functions, symbols, Dates,
 * cycles, class instances, holes. What it can hold and the full check refuses or changes:
 * a number too large to be finite (`1e999`), `-0` (stored as 0), the keys `__proto__`,
 * `constructor` and `prototype`, and nesting or size beyond the limits.
 */
import type { EventStatus, JsonObject, JsonValue, PlantEvent, Priority } from './event';
import { PRIORITIES } from './event';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './jsonCopy';
import { isUuidV7 } from './uuidv7';
import { isEventField, MAX_TEXT_LENGTH, MAX_TIMESTAMP, validateType } from './validate';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const PRIORITY_SET: ReadonlySet<unknown> = new Set(PRIORITIES);
/** A UTF-16 code unit serialises to at most six bytes; a number to at most 24 characters (as in jsonCopy.ts). */
const MAX_BYTES_PER_UNIT = 6;
const MAX_NUMBER_CHARS = 24;

/** Thrown inside the walk at anything it does not simply accept; never leaves this module. */
const GIVE_UP: unknown = Symbol('give up');

/**
 * The event `body` (fresh from `JSON.parse`, changed and frozen in place) holds, with `status`
 * in place of its own and `metadata[extraKey] = extra` added or replaced, not sealed yet; or
 * null when the full check must decide. `extra` must be plain JSON.
 */
export function checkParsedEvent(body: unknown, status: EventStatus, extraKey: string, extra: JsonObject): Mutable<PlantEvent> | null {
  try {
    return check(body, status, extraKey, extra);
  } catch (error) {
    if (error === GIVE_UP) return null;
    throw error;
  }
}

/**
 * A payload or metadata fresh from `JSON.parse` (or built for one event of such values and of
 * plain JSON that is never changed), checked by the same rules and deep-frozen in place; or
 * undefined when only the full check can tell.
 */
export function checkParsedJson(value: unknown): JsonValue | undefined {
  try {
    return checkRoot(value);
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

function check(body: unknown, status: EventStatus, extraKey: string, extra: JsonObject): Mutable<PlantEvent> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const fields = body as Record<string, unknown>;
  for (const key in fields) if (!isEventField(key)) return null;
  const { id, type, source, timestamp, priority, correlationId, causationId } = fields;
  if (!isUuidV7(id) || typeof type !== 'string' || !isText(source) || !isTime(timestamp) || !PRIORITY_SET.has(priority)) return null;
  if (!(correlationId === undefined || isText(correlationId)) || !(causationId === undefined || isText(causationId))) return null;
  // validateType keeps its cache of types seen; it throws on a bad type, which gives up like any other problem.
  try {
    validateType(type);
  } catch {
    return null;
  }
  if (fields.payload === undefined) return null;
  const payload = checkRoot(fields.payload);
  let metadata = fields.metadata;
  if (metadata === undefined) metadata = {};
  else if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return null;
  (metadata as Record<string, unknown>)[extraKey] = extra;
  const event: Mutable<PlantEvent> = {
    id,
    type,
    source: source as string,
    timestamp: timestamp as number,
    payload,
    priority: priority as Priority,
    status,
    metadata: checkRoot(metadata) as JsonObject,
  };
  if (correlationId !== undefined) event.correlationId = correlationId as string;
  if (causationId !== undefined) event.causationId = causationId as string;
  return event;
}

function isText(value: unknown): boolean {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH && value.trim().length > 0;
}

function isTime(value: unknown): boolean {
  return typeof value === 'number' && value > 0 && value < MAX_TIMESTAMP;
}

/**
 * The walk's upper bound on the serialised size in UTF-8 bytes, counted as jsonCopy.ts counts
 * its own: accepted only when it is within the limit; above it, the full check serialises to decide.
 */
let high = 0;

/** Checks a payload or metadata in place (deep-frozen when accepted); `-0` at the top comes back as 0. */
function checkRoot(value: unknown): JsonValue {
  high = 0;
  if (typeof value === 'object' && value !== null) walkObject(value, 0);
  else if (!isScalar(value)) throw GIVE_UP;
  if (high > MAX_JSON_BYTES) throw GIVE_UP;
  return value === 0 ? 0 : (value as JsonValue);
}

/** Counts a string, number, boolean or null; false for anything else. */
function isScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      high += value.length * MAX_BYTES_PER_UNIT + 2;
      return true;
    case 'number':
      if (!Number.isFinite(value)) throw GIVE_UP;
      high += MAX_NUMBER_CHARS;
      return true;
    case 'boolean':
      high += 5;
      return true;
    default:
      if (value !== null) return false;
      high += 4;
      return true;
  }
}

/** `depth` counts the objects and arrays around `value`, as in jsonCopy.ts. */
function walkObject(value: object, depth: number): void {
  if (depth >= MAX_JSON_DEPTH) throw GIVE_UP;
  if (Array.isArray(value)) {
    const length = value.length;
    const punctuation = length === 0 ? 2 : length + 1;
    high += punctuation;
    for (let index = 0; index < length; index++) walkMember(value as unknown as Record<number, unknown>, index, depth);
  } else {
    const members = value as Record<string, unknown>;
    let count = 0;
    for (const key in members) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw GIVE_UP;
      count++;
      high += key.length * MAX_BYTES_PER_UNIT + 3;
      walkMember(members, key, depth);
    }
    const punctuation = count === 0 ? 2 : count + 1;
    high += punctuation;
  }
  if (high > MAX_JSON_BYTES) throw GIVE_UP;
  Object.freeze(value);
}

function walkMember(parent: Record<string | number, unknown>, at: string | number, depth: number): void {
  const member = parent[at];
  if (typeof member === 'object' && member !== null) walkObject(member, depth + 1);
  else if (!isScalar(member)) throw GIVE_UP;
  // The full check stores -0 as 0. Only -0 is written: a value used twice in one payload is frozen by its first visit.
  else if (member === 0 && 1 / member < 0) parent[at] = 0;
}
