/**
 * Sealed events: validated once, deep-frozen, and marked. A store or bus in the same
 * process that is handed a sealed event knows it is valid and can no longer change, so it
 * neither checks nor copies it again. Only this module seals, and only what it validated or
 * built from validated parts; an event that crossed a process boundary arrives as a copy and
 * is checked in full.
 */
import type { EventStatus, JsonObject, PlantEvent, Priority } from './event';
import { FROZEN_EMPTY_OBJECT } from './jsonCopy';
import { checkParsedEvent, checkParsedJson } from './parsedEvent';
import { newEventId } from './uuidv7';
import { validateOwnedPublishInput, validatePlantEventFrozen, validatePublishInputFrozen, type PublishInput } from './validate';

/** A base whose constructor hands back the object it is given (see SealStamp). */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

/**
 * The seal itself: a private field stamped on the event. When a base constructor returns
 * another object, the subclass's field initialisers run on that object, so
 * `new SealStamp(event)` gives the event a field that only this class can see or test for.
 * Unlike a WeakSet of sealed events, it adds no table that grows with every event and that
 * the garbage collector must go through.
 */
class SealStamp extends ReturnsTarget {
  readonly #sealed = true;

  /** Stamps `target`, which must not be frozen yet. */
  static stamp(target: object): void {
    new SealStamp(target);
  }

  static has(candidate: object): boolean {
    return #sealed in candidate;
  }
}

/**
 * The mark of a publish input checked by sealPublishInput: apart from SealStamp, so that an
 * input, which lacks a full event's fields, never passes for a sealed event.
 */
class InputStamp extends ReturnsTarget {
  readonly #checked = true;

  static stamp(target: object): void {
    new InputStamp(target);
  }

  static has(candidate: unknown): boolean {
    return typeof candidate === 'object' && candidate !== null && #checked in candidate;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * The validators built `payload` and `metadata` frozen already, so deepFreeze stops at once
 * there; it still walks metadata taken from the defaults. Every other field is a string or
 * a number.
 */
function seal(event: PlantEvent): PlantEvent {
  SealStamp.stamp(event);
  Object.freeze(event);
  deepFreeze(event.payload);
  deepFreeze(event.metadata);
  return event;
}

export function isSealedEvent(candidate: unknown): candidate is PlantEvent {
  return typeof candidate === 'object' && candidate !== null && SealStamp.has(candidate);
}

/** A full event, checked (unless already sealed) and sealed; `status` replaces the event's own when given. */
export function sealEvent(candidate: unknown, status?: EventStatus): PlantEvent {
  if (isSealedEvent(candidate) && (status === undefined || candidate.status === status)) return candidate;
  const event = validatePlantEventFrozen(candidate) as { -readonly [K in keyof PlantEvent]: PlantEvent[K] };
  if (status !== undefined) event.status = status;
  return seal(event);
}

/**
 * An event fresh from `JSON.parse` (checked and frozen in place, see parsedEvent.ts), with
 * `status` and `metadata[extraKey] = extra`, sealed; null when only the full check
 * (`sealEvent`) can tell whether it is valid. `body` must not be used by anyone else.
 */
export function sealParsedEvent(body: unknown, status: EventStatus, extraKey: string, extra: JsonObject): PlantEvent | null {
  const event = checkParsedEvent(body, status, extraKey, extra);
  return event && seal(event);
}

export interface InputDefaults {
  readonly source: string;
  readonly status: EventStatus;
  readonly priority?: Priority;
  readonly metadata?: JsonObject;
  readonly now?: () => number;
}

/**
 * A producer's input, checked, deep-frozen and marked, for a boundary that checks what it
 * receives before it hands it on (the API): sealInput then takes it without a second check.
 * `owned`: its payload and metadata belong to the caller alone (fresh from `JSON.parse`), so
 * they are checked and frozen where they are instead of copied, as in sealOwnedInput.
 */
export function sealPublishInput(candidate: unknown, owned = false): PublishInput {
  const input = owned ? validateOwnedPublishInput(candidate, checkParsedJson) : validatePublishInputFrozen(candidate);
  InputStamp.stamp(input);
  return Object.freeze(input);
}

/** An event built from a producer's input (checked, unless sealPublishInput did) and defaults for what it left out, sealed. */
export function sealInput(candidate: unknown, defaults: InputDefaults): PlantEvent {
  return sealChecked(InputStamp.has(candidate) ? (candidate as PublishInput) : validatePublishInputFrozen(candidate), defaults);
}

/**
 * sealInput for an input whose payload and metadata belong to the caller alone (fresh from
 * `JSON.parse`, or built for this event of such values): they are checked and frozen where
 * they are instead of copied, with the same verdicts and errors (parsedEvent.ts).
 */
export function sealOwnedInput(candidate: unknown, defaults: InputDefaults): PlantEvent {
  return sealChecked(validateOwnedPublishInput(candidate, checkParsedJson), defaults);
}

function sealChecked(input: PublishInput, defaults: InputDefaults): PlantEvent {
  const event: { -readonly [K in keyof PlantEvent]: PlantEvent[K] } = {
    id: input.id ?? newEventId(),
    type: input.type,
    source: input.source ?? defaults.source,
    timestamp: input.timestamp ?? (defaults.now ?? Date.now)(),
    payload: input.payload,
    priority: input.priority ?? defaults.priority ?? 'NORMAL',
    status: defaults.status,
    metadata: input.metadata ?? defaults.metadata ?? FROZEN_EMPTY_OBJECT,
  };
  if (input.correlationId !== undefined) event.correlationId = input.correlationId;
  if (input.causationId !== undefined) event.causationId = input.causationId;
  return seal(event);
}
