/**
 * Validation where events enter the system. Every check names the field (as a path such as
 * `payload.readings[3].value`) and the rule it broke, and every validator returns a fresh,
 * normalised copy: the caller may go on mutating what it passed in without touching what
 * was stored.
 */
import { EVENT_STATUSES, PRIORITIES } from './event';
import type { EventStatus, JsonObject, JsonValue, PlantEvent, Priority } from './event';
import { copyJson, FROZEN_EMPTY_OBJECT } from './jsonCopy';
import { isUuidV7 } from './uuidv7';

export { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './jsonCopy';
export const MAX_TYPE_LENGTH = 200;
/** The longest `source`, `correlationId` or `causationId`. */
export const MAX_TEXT_LENGTH = 200;
/** Timestamps lie strictly between the epoch and the largest time a JavaScript Date can hold. */
export const MAX_TIMESTAMP = 8.64e15;

/** An error about one input field: `field` is its path, `rule` what it broke; the message is `field: rule`. */
export class FieldError extends Error {
  readonly field: string;
  readonly rule: string;

  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

export class EventValidationError extends FieldError {
  override name = 'EventValidationError';
}

/** An event as a producer hands it over, before ids, times and defaults are filled in. */
export interface PublishInput {
  type: string;
  payload: JsonValue;
  source?: string;
  correlationId?: string;
  causationId?: string;
  priority?: Priority;
  metadata?: JsonObject;
  timestamp?: number;
  id?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TYPE_PATTERN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;
/**
 * Types already found valid. A process sees a few hundred types at most and most events
 * repeat one, so a Set lookup spares the pattern test; the bound keeps odd input from
 * growing it without end.
 */
const validTypes = new Set<string>();
const MAX_VALID_TYPES = 1024;
const PRIORITY_SET: ReadonlySet<unknown> = new Set(PRIORITIES);
const STATUS_SET: ReadonlySet<unknown> = new Set(EVENT_STATUSES);

/** Checks a complete event (as the bus carries it and the store appends it). */
export function validatePlantEvent(candidate: unknown): PlantEvent {
  return checkPlantEvent(candidate, false);
}

/** Checks what a producer publishes: `type` and `payload` are required, the rest optional. */
export function validatePublishInput(candidate: unknown): PublishInput {
  return checkPublishInput(candidate, copy);
}

/**
 * For sealed.ts: validatePlantEvent, with `payload` and `metadata` deep-frozen as they are
 * copied (an absent metadata is FROZEN_EMPTY_OBJECT), so that sealing needs no second walk.
 */
export function validatePlantEventFrozen(candidate: unknown): PlantEvent {
  return checkPlantEvent(candidate, true);
}

/** For sealed.ts: validatePublishInput, with `payload` and `metadata` deep-frozen as they are copied. */
export function validatePublishInputFrozen(candidate: unknown): PublishInput {
  return checkPublishInput(candidate, frozenCopy);
}

/**
 * For sealed.ts: validatePublishInputFrozen of an input whose payload and metadata belong to
 * the caller alone. `checkInPlace` checks and freezes each where it is, or gives undefined when
 * it cannot tell; that one is then copied and checked as any input is, so the verdicts and the
 * errors are the same.
 */
export function validateOwnedPublishInput(candidate: unknown, checkInPlace: (value: unknown) => JsonValue | undefined): PublishInput {
  return checkPublishInput(candidate, (value, root) => checkInPlace(value) ?? copyJson(value, root, validationError, true));
}

/** How a check takes the payload and the metadata it has found to be plain JSON within the limits. */
type TakeJson = (value: unknown, root: 'payload' | 'metadata') => JsonValue;
const copy: TakeJson = (value, root) => copyJson(value, root, validationError);
const frozenCopy: TakeJson = (value, root) => copyJson(value, root, validationError, true);

function checkPlantEvent(candidate: unknown, freeze: boolean): PlantEvent {
  const take = freeze ? frozenCopy : copy;
  const fields = fieldsOf(candidate, true);
  const event: Mutable<PlantEvent> = {
    id: validateId(fields.id, true) as string,
    type: validateType(fields.type),
    source: validateText(fields.source, 'source', true) as string,
    timestamp: validateTimestamp(fields.timestamp, true) as number,
    payload: validatePayload(fields.payload, take),
    priority: validateChoice(fields.priority, 'priority', PRIORITY_SET, PRIORITIES, true) as Priority,
    status: validateChoice(fields.status, 'status', STATUS_SET, EVENT_STATUSES, true) as EventStatus,
    metadata: validateMetadata(fields.metadata, take) ?? (freeze ? FROZEN_EMPTY_OBJECT : {}),
  };
  const correlationId = validateText(fields.correlationId, 'correlationId', false);
  if (correlationId !== undefined) event.correlationId = correlationId;
  const causationId = validateText(fields.causationId, 'causationId', false);
  if (causationId !== undefined) event.causationId = causationId;
  return event;
}

function checkPublishInput(candidate: unknown, take: TakeJson): PublishInput {
  const fields = fieldsOf(candidate, false);
  const input: PublishInput = { type: validateType(fields.type), payload: validatePayload(fields.payload, take) };
  const id = validateId(fields.id, false);
  if (id !== undefined) input.id = id;
  const source = validateText(fields.source, 'source', false);
  if (source !== undefined) input.source = source;
  const timestamp = validateTimestamp(fields.timestamp, false);
  if (timestamp !== undefined) input.timestamp = timestamp;
  const priority = validateChoice(fields.priority, 'priority', PRIORITY_SET, PRIORITIES, false);
  if (priority !== undefined) input.priority = priority as Priority;
  const metadata = validateMetadata(fields.metadata, take);
  if (metadata !== undefined) input.metadata = metadata;
  const correlationId = validateText(fields.correlationId, 'correlationId', false);
  if (correlationId !== undefined) input.correlationId = correlationId;
  const causationId = validateText(fields.causationId, 'causationId', false);
  if (causationId !== undefined) input.causationId = causationId;
  return input;
}

/** An event type: two or more lowercase segments of `[a-z0-9-]` joined by dots. */
export function validateType(type: unknown): string {
  if (type === undefined) throw new EventValidationError('type', 'is required');
  if (typeof type !== 'string') throw new EventValidationError('type', 'must be a string');
  if (validTypes.has(type)) return type;
  if (type.length > MAX_TYPE_LENGTH) {
    throw new EventValidationError('type', `must be at most ${MAX_TYPE_LENGTH} characters`);
  }
  if (!TYPE_PATTERN.test(type)) {
    throw new EventValidationError('type', 'must be two or more lowercase segments of [a-z0-9-] joined by dots');
  }
  if (validTypes.size >= MAX_VALID_TYPES) validTypes.clear();
  validTypes.add(type);
  return type;
}

/**
 * Checks that `value` is plain JSON within the size and depth limits and returns a deep
 * copy of it, with Date values turned into ISO strings. `field` starts every error path.
 */
export function validateJson(value: unknown, field: string): JsonValue {
  return copyJson(value, field, validationError);
}

function validationError(path: string, rule: string): Error {
  return new EventValidationError(path, rule);
}

/** A full event has these fields; a publish input has them all but `status`. */
export function isEventField(key: string): boolean {
  // A switch over the names is about twice as fast as a Set lookup, and this runs for every key.
  switch (key) {
    case 'id':
    case 'type':
    case 'source':
    case 'timestamp':
    case 'payload':
    case 'correlationId':
    case 'causationId':
    case 'priority':
    case 'status':
    case 'metadata':
      return true;
    default:
      return false;
  }
}

function fieldsOf(candidate: unknown, withStatus: boolean): Record<string, unknown> {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw new EventValidationError('event', 'must be a plain object');
  }
  const proto: unknown = Object.getPrototypeOf(candidate);
  if (proto !== Object.prototype && proto !== null) {
    throw new EventValidationError('event', 'must be a plain object, not a class instance');
  }
  const keys = Object.keys(candidate);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (!isEventField(key) || (key === 'status' && !withStatus)) throw new EventValidationError(key, 'is not an event field');
  }
  return candidate as Record<string, unknown>;
}

function validateId(id: unknown, required: boolean): string | undefined {
  if (id === undefined) {
    if (required) throw new EventValidationError('id', 'is required');
    return undefined;
  }
  if (!isUuidV7(id)) throw new EventValidationError('id', 'must be a UUIDv7 in lowercase canonical form');
  return id;
}

function validateText(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new EventValidationError(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') throw new EventValidationError(field, 'must be a string');
  if (value.trim().length === 0) throw new EventValidationError(field, 'must not be empty');
  if (value.length > MAX_TEXT_LENGTH) {
    throw new EventValidationError(field, `must be at most ${MAX_TEXT_LENGTH} characters`);
  }
  return value;
}

function validateTimestamp(value: unknown, required: boolean): number | undefined {
  if (value === undefined) {
    if (required) throw new EventValidationError('timestamp', 'is required');
    return undefined;
  }
  if (typeof value !== 'number' || !(value > 0 && value < MAX_TIMESTAMP)) {
    throw new EventValidationError('timestamp', 'must be finite milliseconds since the epoch, above 0 and below 8.64e15');
  }
  return value;
}

function validateChoice(
  value: unknown,
  field: string,
  allowed: ReadonlySet<unknown>,
  names: readonly string[],
  required: boolean,
): string | undefined {
  if (value === undefined) {
    if (required) throw new EventValidationError(field, 'is required');
    return undefined;
  }
  if (!allowed.has(value)) throw new EventValidationError(field, `must be one of ${names.join(', ')}`);
  return value as string;
}

function validatePayload(payload: unknown, take: TakeJson): JsonValue {
  if (payload === undefined) throw new EventValidationError('payload', 'is required');
  return take(payload, 'payload');
}

function validateMetadata(metadata: unknown, take: TakeJson): JsonObject | undefined {
  if (metadata === undefined) return undefined;
  const taken = take(metadata, 'metadata');
  if (taken === null || typeof taken !== 'object' || Array.isArray(taken)) {
    throw new EventValidationError('metadata', 'must be a JSON object');
  }
  return taken;
}
