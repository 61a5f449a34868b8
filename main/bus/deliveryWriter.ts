/**
 * Writes delivery records and event statuses to the store in batches. A delivery is written
 * in the state it has when the batch is written, so one that went DELIVERED → PROCESSED
 * between two writes costs one record. A failed write keeps its deliveries for the retry.
 */
import type { EventStatus } from '../../shared/events/event';
import { STATUS_RANK } from '../../shared/events/event';
import type { DeliveryRecord, EventStore, StatusUpdate } from '../../shared/store/eventStore';
import type { EventProgress } from './eventProgress';
import type { DeliverySource } from './subscription';

const FLUSH_AT = 2_000;
const RETRY_AFTER_MS = 250;

export class DeliveryWriter {
  /** Deliveries changed since the last write, by their live state (one entry per delivery: see `queued`). */
  private deliveries: DeliverySource[] = [];
  private statuses = new Map<string, EventStatus>();
  /** Published events whose status moved, read when the batch is written (one entry each: see `queued`). */
  private progressed: EventProgress[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  get pending(): number {
    return this.deliveries.length + this.statuses.size + this.progressed.length;
  }

  /** A published event's status moved (written as it stands when the batch is written). */
  progress(progress: EventProgress): void {
    if (progress.queued) return;
    progress.queued = true;
    this.progressed.push(progress);
    this.schedule();
  }

  record(delivery: DeliverySource): void {
    if (delivery.queued) return;
    delivery.queued = true;
    this.deliveries.push(delivery);
    this.schedule();
  }

  /** Moves an event's status forward (a move backwards is dropped here and in the store). */
  eventStatus(eventId: string, status: EventStatus): void {
    this.mergeStatus(this.statuses, eventId, status);
    this.schedule();
  }

  private mergeStatus(statuses: Map<string, EventStatus>, eventId: string, status: EventStatus): void {
    const current = statuses.get(eventId);
    if (current === undefined || STATUS_RANK[status] >= STATUS_RANK[current]) statuses.set(eventId, status);
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
    // Each event's progress is listed once, so with no status set otherwise (the usual case)
    // the updates need no merging by id.
    const updates: StatusUpdate[] = [];
    for (const progress of this.progressed) {
      progress.queued = false;
      const status = progress.status();
      if (status === null) continue;
      if (statuses.size === 0) updates.push({ eventId: progress.eventId, status });
      else this.mergeStatus(statuses, progress.eventId, status);
    }
    for (const [eventId, status] of statuses) updates.push({ eventId, status });
    this.progressed = [];
    this.deliveries = [];
    this.statuses = new Map();
    // Taken as records now: a delivery that moves on during the write is recorded again.
    const records: DeliveryRecord[] = [];
    for (const delivery of deliveries) {
      delivery.queued = false;
      records.push(delivery.toRecord());
    }
    this.flushing = (async () => {
      try {
        // Both in one turn: a store over RPC carries them in one message, not two round trips.
        await Promise.all([records.length > 0 ? this.store.putDeliveries(records) : undefined, updates.length > 0 ? this.store.updateStatuses(updates) : undefined]);
      } catch (error) {
        this.onError(error);
        // Keep what failed, unless something newer was recorded meanwhile.
        for (const delivery of deliveries) {
          if (delivery.queued) continue;
          delivery.queued = true;
          this.deliveries.push(delivery);
        }
        for (const { eventId, status } of updates) if (!this.statuses.has(eventId)) this.statuses.set(eventId, status);
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
