/**
 * How far one published event has got with its subscribers: the event's own status follows
 * (DELIVERED once a subscriber has it, PROCESSED when all processed it, FAILED when one
 * delivery was dead-lettered). The DeliveryWriter reads it when it next writes.
 */
import type { EventStatus } from '../../shared/events/event';

export class EventProgress {
  delivered = false;
  dead = false;
  /** True while the DeliveryWriter holds this event for its next write. */
  queued = false;

  constructor(
    readonly eventId: string,
    public remaining: number,
  ) {}

  /** The status to store now, or null while nothing has happened yet. */
  status(): EventStatus | null {
    if (this.remaining === 0) return this.dead ? 'FAILED' : 'PROCESSED';
    return this.delivered ? 'DELIVERED' : null;
  }
}
