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
 */
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { StoredEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';
import { encodeCursor } from '../../shared/store/pagePlan';
import type { EventBus } from '../bus/eventBus';
import { HEALTH_EVENT_TYPE } from '../producers/systemHealth';
import { subjectOf } from './plantStream';
import { originOf } from '../../shared/events/plantOrigin';
import { encodeEvent, PLANT_MESSAGE_REJECTED, STATION_HEADER } from './wireEvent';

export const OUTBOX_KEY = 'plant-link:outbox';
const READ_AHEAD = 5_000;
const IN_FLIGHT = 512;
const SAVE_EVERY_MS = 1_000;

interface Entry {
  readonly event: StoredEvent;
  state: 'waiting' | 'sent' | 'acked';
}

export interface OutboxOptions {
  readonly store: EventStore;
  readonly bus: EventBus;
  readonly station: string;
  readonly stream: string;
  readonly onError: (error: unknown) => void;
  /** How long one publish waits for the stream's acknowledgement. */
  readonly ackTimeoutMs?: number;
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
  private entries: Entry[] = [];
  /** Events up to this seq are acknowledged (or not ours to send); saved as the snapshot's seq. */
  private position = 0;
  private savedPosition = 0;
  /** The last seq read from the store into `entries`. */
  private readTo = 0;
  private head = 0;
  private js: JetStreamClient | null = null;
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
    this.untap = this.options.bus.onPublished((events) => {
      const last = events[events.length - 1];
      if (last && last.seq > this.head) this.head = last.seq;
      this.wake();
    });
    this.head = Math.max(this.head, await this.options.store.headSeq());
    this.pumping = this.pump();
  }

  /** Events waiting for the stream: those read and not acknowledged, and (as an upper bound) those not read yet. */
  waiting(): number {
    let unacked = 0;
    for (const entry of this.entries) if (entry.state !== 'acked') unacked++;
    return unacked + Math.max(0, this.head - this.readTo);
  }

  /** The stream to publish to while connected; null while not. */
  attach(js: JetStreamClient | null): void {
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
        const sent = this.sendWaiting(js);
        await this.save(false);
        if (!read && !sent) await this.sleep(SAVE_EVERY_MS);
      } catch (error) {
        this.options.onError(error);
        await this.sleep(1_000);
      }
    }
  }

  /** Reads the next page of the log after `readTo` into the entries; false when there was nothing to read. */
  private async readMore(): Promise<boolean> {
    if (this.entries.length >= READ_AHEAD) return false;
    const page = await this.options.store.query({ order: 'asc', limit: 1_000, ...(this.readTo > 0 ? { cursor: encodeCursor({ seq: this.readTo, back: false, order: 'asc' }) } : {}) });
    if (page.events.length === 0) return false;
    for (const event of page.events) {
      this.readTo = event.seq;
      if (isOutbound(event)) this.entries.push({ event, state: 'waiting' });
    }
    this.head = Math.max(this.head, this.readTo);
    this.advance();
    return true;
  }

  /** Sends what waits, up to IN_FLIGHT unacknowledged at once; false when nothing was sent. */
  private sendWaiting(js: JetStreamClient): boolean {
    let inFlight = 0;
    for (const entry of this.entries) if (entry.state === 'sent') inFlight++;
    let sent = false;
    for (const entry of this.entries) {
      if (inFlight >= IN_FLIGHT) break;
      if (entry.state !== 'waiting') continue;
      entry.state = 'sent';
      inFlight++;
      sent = true;
      this.send(js, entry);
    }
    return sent;
  }

  private send(js: JetStreamClient, entry: Entry): void {
    const h = headers();
    h.set(STATION_HEADER, this.options.station);
    js.publish(subjectOf(entry.event.type), encodeEvent(entry.event), {
      msgID: entry.event.id,
      headers: h,
      expect: { streamName: this.options.stream },
      timeout: this.options.ackTimeoutMs ?? 5_000,
    }).then(
      (ack: PubAck) => {
        entry.state = 'acked';
        this.published++;
        if (ack.duplicate) this.duplicates++;
        this.failures = 0;
        this.advance();
        this.wake();
      },
      (error: unknown) => {
        // Not acknowledged (server gone, no stream, timeout): it waits, and the outbox backs off.
        entry.state = 'waiting';
        // The publishes in flight fail together: one backoff step for the lot, one log line for the first.
        if (Date.now() < this.retryAt) return;
        this.failures++;
        this.retryAt = Date.now() + Math.min(10_000, 250 * 2 ** Math.min(this.failures, 6));
        if (this.failures === 1) this.options.onError(new Error(`the stream did not acknowledge a publish (${(error as Error)?.message ?? String(error)}); ${this.waiting()} events wait in the outbox and are sent again`));
        this.wake();
      },
    );
  }

  /** Moves the position past the acknowledged entries at the front. */
  private advance(): void {
    let done = 0;
    while (done < this.entries.length && (this.entries[done] as Entry).state === 'acked') done++;
    if (done > 0) this.entries = this.entries.slice(done);
    const first = this.entries[0];
    this.position = first ? first.event.seq - 1 : this.readTo;
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
