/**
 * How far one published event has got with its subscribers: the event's own status follows
 * (DELIVERED once a subscriber has it, PROCESSED when all processed it, FAILED when one
 * delivery was dead-lettered). The DeliveryWriter reads it when it next writes.
 *
 * It is also what waits in the subscribers' queues for a fresh event: one object shared by
 * all of them, where a delivery object per subscriber would sit in every queue until its
 * turn (and outlive several young-generation collections).
 */
import type { EventStatus, Priority, StoredEvent } from '../../shared/events/event';

export class EventProgress {
  delivered = false;
  dead = false;
  /** True while the DeliveryWriter holds this event for its next write. */
  queued = false;
  readonly eventId: string;
  /** The event's place in each subscriber's priority queue, which holds this object until delivery. */
  readonly seq: number;
  readonly priority: Priority;

  constructor(
    readonly event: StoredEvent,
    public remaining: number,
  ) {
    this.eventId = event.id;
    this.seq = event.seq;
    this.priority = event.priority;
  }

  /** The status to store now, or null while nothing has happened yet. */
  status(): EventStatus | null {
    if (this.remaining === 0) return this.dead ? 'FAILED' : 'PROCESSED';
    return this.delivered ? 'DELIVERED' : null;
  }
}
