/**
 * The outbound side of the plant link: every event this station originated goes to the
 * stream, with its id as the message id, after its local commit.
 *
 * The outbox is the local store's own log and a position in it. Everything after the
 * position that did not come from the stream (and is not a rejection of the link's own)
 * waits to be published; the position moves past an event only once the stream acknowledged
 * it (and everything before it), and is saved in the store as a snapshot under OUTBOX_KEY.
 * So the outbox is as durable as the events, costs no extra write per event, and grows
 * without bounding the bus: a station offline for days keeps accepting events (the bus's
 * delivery records, with their bounded in-memory queues, would hold publishes up instead).
 * After a crash the events after the saved position are published again; the stream's
 * duplicate window and every station's id check keep one copy.
 *
 * The events come from the bus's tap as they are committed, in order; the store is read
 * only to catch up (after a start, a gap, or a window that was full). Up to IN_FLIGHT
 * publishes await their acknowledgements at once, and each acknowledgement sends the next
 * one at once (publishWindow.ts); the position is saved at most once a second.
 */
import type { StoredEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';
import { encodeCursor } from '../../shared/store/pagePlan';
import type { EventBus } from '../bus/eventBus';
import { HEALTH_EVENT_TYPE } from '../producers/systemHealth';
import { subjectOf } from './plantStream';
import { originOf } from '../../shared/events/plantOrigin';
import { Echoes } from './echoes';
import { PublishWindow, type WindowEntry } from './publishWindow';
import type { StreamSender } from './streamPublisher';
import { encodeEvent, PLANT_MESSAGE_REJECTED } from './wireEvent';

export const OUTBOX_KEY = 'plant-link:outbox';
/** Events read ahead from the store into the window, at most. */
const READ_AHEAD = 5_000;
/** Events taken from the bus's tap into the window, at most (they are in memory already); beyond, the store is read later. */
const TAP_AHEAD = 20_000;
const IN_FLIGHT = 512;
const SAVE_EVERY_MS = 1_000;

export interface OutboxOptions {
  readonly store: EventStore;
  readonly bus: EventBus;
  readonly station: string;
  readonly stream: string;
  readonly onError: (error: unknown) => void;
}

/**
 * True for an event this station should send: made here, and about the plant. What is about
 * this station alone stays here: the link's notes about bad messages, its bus health figures,
 * and the console's own alarms and recovery notes (source `system`: this station's disk or
 * store), whose alarm ids would otherwise read as every station's.
 */
export function isOutbound(event: StoredEvent): boolean {
  return originOf(event) === undefined && event.type !== PLANT_MESSAGE_REJECTED && event.type !== HEALTH_EVENT_TYPE && event.source !== 'system';
}

export class Outbox {
  private readonly window = new PublishWindow(IN_FLIGHT);
  /** What was sent lately, for the inbound side to recognise this station's events coming back. */
  readonly echoes = new Echoes();
  /** Events up to this seq are acknowledged (or not ours to send); saved as the snapshot's seq. */
  private position = 0;
  private savedPosition = 0;
  /** The last seq taken into the window (from the tap or the store). */
  private readTo = 0;
  private head = 0;
  private querying = false;
  /** What the tap gave while the store was being read, taken once the read is in. */
  private stashed: (readonly StoredEvent[])[] = [];
  private stashedCount = 0;
  private lastStoreRead = 0;
  private js: StreamSender | null = null;
  private wakeUp: (() => void) | null = null;
  /** Set by a wake that found the pump busy, so that its next sleep does not miss it. */
  private woken = false;
  private pumping: Promise<void> = Promise.resolve();
  private retryAt = 0;
  private failures = 0;
  private lastSave = 0;
  private untap: (() => void) | null = null;
  private closed = false;
  published = 0;
  duplicates = 0;

  constructor(private readonly options: OutboxOptions) {}

  async start(): Promise<void> {
    const snapshot = await this.options.store.nearestSnapshot(OUTBOX_KEY);
    this.position = this.savedPosition = this.readTo = snapshot?.seq ?? 0;
    this.untap = this.options.bus.onPublished((events) => this.tapped(events));
    this.head = Math.max(this.head, await this.options.store.headSeq());
    this.pumping = this.pump();
  }

  /** Events waiting for the stream: those read and not acknowledged, and (as an upper bound) those not read yet. */
  waiting(): number {
    return this.window.unacked + Math.max(0, this.head - this.readTo);
  }

  /** The stream to publish to while connected; null while not. */
  attach(js: StreamSender | null): void {
    this.js = js;
    this.retryAt = 0;
    this.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.untap?.();
    this.wake();
    await this.pumping;
    await this.save(true);
  }

  /** Committed events, from the bus: taken straight into the window when they follow what was read. */
  private tapped(events: readonly StoredEvent[]): void {
    const last = events[events.length - 1];
    if (!last) return;
    if (last.seq > this.head) this.head = last.seq;
    if (this.querying) {
      // Kept for when the read is in; the read itself may end before them, or cover them.
      if (this.stashedCount < TAP_AHEAD) {
        this.stashed.push(events);
        this.stashedCount += events.length;
      }
    } else if (this.window.unacked < TAP_AHEAD && this.take(events, true)) {
      this.fill();
    }
    // A full window, or a gap, leaves them to a store read.
    this.wake();
  }

  /**
   * Takes events after `readTo` into the window; with `contiguous`, stops at a gap in seq
   * (a batch the tap gave out of order is then read from the store). True when any was taken.
   */
  private take(events: readonly StoredEvent[], contiguous: boolean): boolean {
    let taken = false;
    for (const event of events) {
      if (event.seq <= this.readTo) continue;
      if (contiguous && event.seq !== this.readTo + 1) break;
      this.readTo = event.seq;
      taken = true;
      if (isOutbound(event)) this.window.add(event);
    }
    if (this.readTo > this.head) this.head = this.readTo;
    if (taken) this.position = this.window.position(this.readTo);
    return taken;
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    if (wake) wake();
    else this.woken = true;
  }

  private sleep(ms: number | null): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }

  private async pump(): Promise<void> {
    while (!this.closed) {
      try {
        const js = this.js;
        if (!js || Date.now() < this.retryAt) {
          await this.sleep(js ? this.retryAt - Date.now() : null);
          continue;
        }
        const read = await this.readMore();
        const sent = this.fill();
        await this.save(false);
        if (!read && !sent) await this.sleep(SAVE_EVERY_MS);
      } catch (error) {
        this.options.onError(error);
        await this.sleep(1_000);
      }
    }
  }

  /**
   * Reads the next page of the log after `readTo` into the window: when the tap left events
   * out, and once a second besides (events written to the store without the bus, such as an
   * import). False when there was nothing to read.
   */
  private async readMore(): Promise<boolean> {
    if (this.window.unacked >= READ_AHEAD) return false;
    if (this.readTo >= this.head && Date.now() - this.lastStoreRead < SAVE_EVERY_MS) return false;
    this.querying = true;
    let page;
    try {
      this.lastStoreRead = Date.now();
      page = await this.options.store.query({ order: 'asc', limit: 1_000, ...(this.readTo > 0 ? { cursor: encodeCursor({ seq: this.readTo, back: false, order: 'asc' }) } : {}) });
    } finally {
      this.querying = false;
    }
    let taken = this.take(page.events, false);
    for (const events of this.stashed) taken = this.take(events, true) || taken;
    this.stashed = [];
    this.stashedCount = 0;
    return taken;
  }

  /** Publishes what waits while the window has room (and the link is up, not backing off); false when nothing was sent. */
  private fill(): boolean {
    const js = this.js;
    if (!js || this.closed || Date.now() < this.retryAt) return false;
    let sent = false;
    for (let entry = this.window.take(); entry; entry = this.window.take()) {
      sent = true;
      this.send(js, entry);
    }
    return sent;
  }

  private send(js: StreamSender, entry: WindowEntry): void {
    const { event } = entry;
    const body = encodeEvent(event);
    this.echoes.sent(event.id, body);
    js.publish(subjectOf(event.type), body, event.id, (error, duplicate) => (error ? this.unacknowledged(entry, error) : this.acknowledged(entry, duplicate)));
  }

  private acknowledged(entry: WindowEntry, duplicate: boolean): void {
    this.published++;
    if (duplicate) this.duplicates++;
    this.failures = 0;
    if (this.window.acked(entry)) this.position = this.window.position(this.readTo);
    // The next publish leaves at once; the pump is woken only to read more.
    this.fill();
    if (this.window.unacked <= READ_AHEAD / 2 && this.readTo < this.head) this.wake();
  }

  /** Not acknowledged (server gone, no stream, timeout): it waits, and the outbox backs off. */
  private unacknowledged(entry: WindowEntry, error: Error): void {
    this.window.failed(entry);
    // The publishes in flight fail together: one backoff step for the lot, one log line for the first.
    if (Date.now() < this.retryAt) return;
    this.failures++;
    this.retryAt = Date.now() + Math.min(10_000, 250 * 2 ** Math.min(this.failures, 6));
    if (this.failures === 1) this.options.onError(new Error(`the stream did not acknowledge a publish (${error.message}); ${this.waiting()} events wait in the outbox and are sent again`));
    this.wake();
  }

  private async save(force: boolean): Promise<void> {
    if (this.position === this.savedPosition) return;
    if (!force && Date.now() - this.lastSave < SAVE_EVERY_MS) return;
    const seq = this.position;
    this.lastSave = Date.now();
    await this.options.store.saveSnapshot({ key: OUTBOX_KEY, seq, maxTimestamp: 0, state: { stream: this.options.stream }, createdAt: this.lastSave });
    this.savedPosition = seq;
  }
}
