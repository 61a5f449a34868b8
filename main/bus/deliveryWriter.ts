/**
 * Writes delivery records and event statuses to the store in batches. Within one batch only
 * the latest record per (event, subscriber) is written, so a delivery that went DELIVERED →
 * PROCESSED between two flushes costs one write. A failed flush keeps its records and is
 * retried; nothing newer is overwritten by an older record.
 */
import type { EventStatus } from '../../shared/events/event';
import { STATUS_RANK } from '../../shared/events/event';
import type { DeliveryRecord, EventStore } from '../../shared/store/eventStore';

const FLUSH_AT = 2_000;
const RETRY_AFTER_MS = 250;

export class DeliveryWriter {
  private deliveries = new Map<string, DeliveryRecord>();
  private statuses = new Map<string, EventStatus>();
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  get pending(): number {
    return this.deliveries.size + this.statuses.size;
  }

  record(delivery: DeliveryRecord): void {
    this.deliveries.set(`${delivery.eventId}\u0000${delivery.subscriber}`, delivery);
    this.schedule();
  }

  /** Moves an event's status forward (a move backwards is dropped here and in the store). */
  eventStatus(eventId: string, status: EventStatus): void {
    const current = this.statuses.get(eventId);
    if (current === undefined || STATUS_RANK[status] >= STATUS_RANK[current]) this.statuses.set(eventId, status);
    this.schedule();
  }

  /** Resolves when everything recorded so far is in the store. */
  async flush(): Promise<void> {
    while (this.flushing || this.pending > 0) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      await this.writeBatch();
      if (this.pending > 0 && this.retryTimer) {
        // The last write failed: wait for the retry instead of spinning.
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
      }
    }
  }

  private schedule(): void {
    if (this.flushing || this.retryTimer) return;
    if (this.pending >= FLUSH_AT) {
      void this.writeBatch();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      if (!this.flushing && this.pending > 0) void this.writeBatch();
    }, 0);
  }

  private writeBatch(): Promise<void> {
    const deliveries = this.deliveries;
    const statuses = this.statuses;
    this.deliveries = new Map();
    this.statuses = new Map();
    this.flushing = (async () => {
      try {
        if (deliveries.size > 0) await this.store.putDeliveries([...deliveries.values()]);
        if (statuses.size > 0) {
          await this.store.updateStatuses([...statuses].map(([eventId, status]) => ({ eventId, status })));
        }
      } catch (error) {
        this.onError(error);
        // Keep what failed, unless something newer was recorded meanwhile.
        for (const [key, record] of deliveries) if (!this.deliveries.has(key)) this.deliveries.set(key, record);
        for (const [id, status] of statuses) if (!this.statuses.has(id)) this.statuses.set(id, status);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.schedule();
        }, RETRY_AFTER_MS);
      } finally {
        this.flushing = null;
      }
      if (this.pending > 0 && !this.retryTimer) this.schedule();
    })();
    return this.flushing;
  }

  dispose(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
