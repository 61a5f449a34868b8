/**
 * A subscriber's queue: CRITICAL before HIGH before NORMAL before LOW, and within one
 * priority in `seq` order (the order of publication). Appends in order are O(1); an item
 * that comes back out of order (a retry, a redelivery) is inserted at its place.
 */
import { PRIORITY_RANK, type Priority } from '../../shared/events/event';

export interface Queued {
  readonly seq: number;
  readonly priority: Priority;
}

class SeqDeque<T extends Queued> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  insert(item: T): void {
    const last = this.items[this.items.length - 1];
    if (this.size === 0 || (last !== undefined && last.seq < item.seq)) {
      this.items.push(item);
      return;
    }
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as T).seq < item.seq) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as unknown as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drainAll(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

export class PriorityQueue<T extends Queued> {
  /** Indexed by priority rank: 3 = CRITICAL … 0 = LOW. */
  private readonly levels = [new SeqDeque<T>(), new SeqDeque<T>(), new SeqDeque<T>(), new SeqDeque<T>()];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    (this.levels[PRIORITY_RANK[item.priority]] as SeqDeque<T>).insert(item);
    this.count++;
  }

  shift(): T | undefined {
    for (let rank = 3; rank >= 0; rank--) {
      const level = this.levels[rank] as SeqDeque<T>;
      if (level.size > 0) {
        this.count--;
        return level.shift();
      }
    }
    return undefined;
  }

  /** Empties the queue, returning what it held (highest priority first). */
  clear(): T[] {
    const all: T[] = [];
    for (let rank = 3; rank >= 0; rank--) all.push(...(this.levels[rank] as SeqDeque<T>).drainAll());
    this.count = 0;
    return all;
  }
}
