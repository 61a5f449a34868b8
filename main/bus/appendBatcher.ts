/**
 * Group commit: publishes that arrive while the store is busy are appended together in one
 * transaction. Each unit (one publish, or one publishBatch) stays atomic: when a combined
 * append fails, its units are retried one by one so that one bad unit fails alone.
 */
import type { PlantEvent, StoredEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';

export interface AppendUnit {
  readonly events: readonly PlantEvent[];
  readonly subscribers: readonly (readonly string[])[];
  resolve(stored: StoredEvent[]): void;
  reject(error: unknown): void;
}

const MAX_EVENTS_PER_APPEND = 2_000;

export class AppendBatcher {
  private queue: AppendUnit[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly store: EventStore) {}

  get pending(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  submit(unit: AppendUnit): void {
    this.queue.push(unit);
    if (!this.running) {
      this.running = Promise.resolve().then(() => this.run());
    }
  }

  /** Resolves when every unit submitted so far has been appended or rejected. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const units = this.takeBatch();
        if (units.length === 1) {
          await this.appendUnit(units[0] as AppendUnit);
          continue;
        }
        const events: PlantEvent[] = [];
        const subscribers: (readonly string[])[] = [];
        for (const unit of units) {
          events.push(...unit.events);
          subscribers.push(...unit.subscribers);
        }
        let stored: StoredEvent[];
        try {
          stored = await this.store.append(events, subscribers);
        } catch {
          for (const unit of units) await this.appendUnit(unit);
          continue;
        }
        let offset = 0;
        for (const unit of units) {
          unit.resolve(stored.slice(offset, offset + unit.events.length));
          offset += unit.events.length;
        }
      }
    } finally {
      this.running = null;
    }
  }

  private takeBatch(): AppendUnit[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length) {
      const size = (this.queue[taken] as AppendUnit).events.length;
      if (taken > 0 && count + size > MAX_EVENTS_PER_APPEND) break;
      count += size;
      taken++;
    }
    return this.queue.splice(0, taken);
  }

  private async appendUnit(unit: AppendUnit): Promise<void> {
    try {
      unit.resolve(await this.store.append(unit.events, unit.subscribers));
    } catch (error) {
      unit.reject(error);
    }
  }
}
