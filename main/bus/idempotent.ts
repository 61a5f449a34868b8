/**
 * Delivery is at least once, so a consumer may see an event twice (an acknowledgement lost
 * in a crash, a redrive). `idempotent` wraps a handler so that it applies each event id once,
 * given a record of applied ids that the consumer keeps with its own state.
 */
import type { StoredEvent } from '../../shared/events/event';

export interface AppliedIds {
  has(id: string): boolean;
  add(id: string): unknown;
}

export function idempotent(handler: (event: StoredEvent) => unknown, applied: AppliedIds): (event: StoredEvent) => Promise<void> {
  return async (event) => {
    if (applied.has(event.id)) return;
    await handler(event);
    applied.add(event.id);
  };
}
