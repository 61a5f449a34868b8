/**
 * The outbox's bookkeeping of events on their way to the stream: those read and not
 * acknowledged yet, in local order, with up to `limit` of them published and awaiting their
 * acknowledgement at once. Acknowledgements may come in any order; the outbox position only
 * moves over the acknowledged prefix, so a crash never skips an event that was not
 * acknowledged (those after it are sent again, and the stream's duplicate window keeps one).
 *
 * Every step costs O(1) per event (amortised): a window of thousands of entries is walked
 * once, not once per acknowledgement.
 */
import type { StoredEvent } from '../../shared/events/event';

export interface WindowEntry {
  readonly event: StoredEvent;
  /** Its place among every entry ever added (stays valid when the array is compacted). */
  readonly at: number;
  state: 'waiting' | 'sent' | 'acked';
}

/** Dropped entries are cut off the array once this many lead it (and they are at least half of it). */
const COMPACT_AT = 1_024;

export class PublishWindow {
  private entries: WindowEntry[] = [];
  /** Index in `entries` of the first entry not acknowledged. */
  private first = 0;
  /** The `at` of entries[0]. */
  private base = 0;
  /** The `at` before which no entry waits to be sent (failed ones move it back). */
  private nextSend = 0;
  private sentCount = 0;
  private unackedCount = 0;

  constructor(private readonly limit: number) {}

  /** Entries read and not acknowledged. */
  get unacked(): number {
    return this.unackedCount;
  }

  /** Entries published whose acknowledgement has not come. */
  get inFlight(): number {
    return this.sentCount;
  }

  add(event: StoredEvent): void {
    this.entries.push({ event, at: this.base + this.entries.length, state: 'waiting' });
    this.unackedCount++;
  }

  /** The next entry to publish (now marked sent), or null when none waits or the window is full. */
  take(): WindowEntry | null {
    const end = this.base + this.entries.length;
    while (this.sentCount < this.limit && this.nextSend < end) {
      const entry = this.entries[this.nextSend - this.base] as WindowEntry;
      this.nextSend++;
      if (entry.state !== 'waiting') continue;
      entry.state = 'sent';
      this.sentCount++;
      return entry;
    }
    return null;
  }

  /** The stream acknowledged `entry`; true when that moved the acknowledged prefix. */
  acked(entry: WindowEntry): boolean {
    if (entry.state !== 'sent') return false;
    entry.state = 'acked';
    this.sentCount--;
    this.unackedCount--;
    if (entry.at !== this.base + this.first) return false;
    while (this.first < this.entries.length && (this.entries[this.first] as WindowEntry).state === 'acked') this.first++;
    if (this.first >= COMPACT_AT && this.first * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.first);
      this.base += this.first;
      this.first = 0;
    }
    return true;
  }

  /** The publish of `entry` failed: it waits to be sent again. */
  failed(entry: WindowEntry): void {
    if (entry.state !== 'sent') return;
    entry.state = 'waiting';
    this.sentCount--;
    if (entry.at < this.nextSend) this.nextSend = entry.at;
  }

  /**
   * The seq up to which every event is acknowledged: just before the first unacknowledged
   * entry, or `readTo` (the last seq read) when every entry is.
   */
  position(readTo: number): number {
    const pending = this.entries[this.first];
    return pending ? pending.event.seq - 1 : readTo;
  }
}
