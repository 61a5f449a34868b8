/**
 * Creating events on the producer side: the seed's `createAndPublishEvent(type, payload,
 * options)` builds its event here.
 */
import type { CreateEventOptions, PlantEvent } from './event';
import { newEventId } from './uuidv7';
import { EventValidationError, validatePublishInput } from './validate';

export const DEFAULT_SOURCE = 'unknown';

const OPTION_FIELDS: ReadonlySet<string> = new Set(['id', 'source', 'timestamp', 'correlationId', 'causationId', 'priority', 'metadata']);

/**
 * A new, validated event with status CREATED. The id (UUIDv7) and timestamp (now) are made
 * when the options do not give them; priority defaults to NORMAL, source to `unknown`,
 * metadata to `{}`. Throws EventValidationError naming the field at fault.
 */
export function createEvent(type: string, payload: unknown, options: CreateEventOptions = {}): PlantEvent {
  for (const key of Object.keys(options)) {
    if (!OPTION_FIELDS.has(key)) throw new EventValidationError(key, 'is not an event field');
  }
  // One fixed shape for every call (a spread of `options` would be slower); absent options stay undefined.
  const input = validatePublishInput({
    type,
    payload,
    id: options.id,
    source: options.source,
    timestamp: options.timestamp,
    correlationId: options.correlationId,
    causationId: options.causationId,
    priority: options.priority,
    metadata: options.metadata,
  });
  const event: { -readonly [K in keyof PlantEvent]: PlantEvent[K] } = {
    id: input.id ?? newEventId(),
    type: input.type,
    source: input.source ?? DEFAULT_SOURCE,
    timestamp: input.timestamp ?? Date.now(),
    payload: input.payload,
    priority: input.priority ?? 'NORMAL',
    status: 'CREATED',
    metadata: input.metadata ?? {},
  };
  if (input.correlationId !== undefined) event.correlationId = input.correlationId;
  if (input.causationId !== undefined) event.causationId = input.causationId;
  return event;
}
