/**
 * What the station does with each event from the plant stream: it is published on the local
 * bus (so it is stored, then delivered to the local consumers like any event) unless its id
 * is already stored. The same id with the same content is the station's own event coming
 * back, or a derived event another station made too: nothing to do. The same id with other
 * content, a message that is no event at all, and an event the local store refuses for good
 * (storeRefusal.ts), are kept as `plant.message.rejected`.
 * Every path resolves only after the local commit, so the message is acknowledged after it.
 */
import { isDuplicateIdError } from '../../shared/events/derivedId';
import type { JsonObject, PlantEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';
import type { EventBus } from '../bus/eventBus';
import type { ConsumedMeta } from './consume';
import type { ConsumedMessage } from './consumeBatches';
import type { Echoes } from './echoes';
import { splitRefused } from './splitRefused';
import { isStoreRefusal, refusalReason } from './storeRefusal';
import { decodeMessage, rejectedEvent, sameContent, type RejectCode } from './wireEvent';

/** A valid event of a batch, with what the stream said of its message and the message's body. */
interface Item {
  readonly event: PlantEvent;
  readonly meta: ConsumedMeta;
  readonly data: Uint8Array;
}

export interface InboundCounts {
  received: number;
  stored: number;
  alreadyStored: number;
  rejected: number;
  /** Messages the consumer still has to deliver after the last one handled. */
  behind: number;
}

export class Inbound {
  readonly counts: InboundCounts = { received: 0, stored: 0, alreadyStored: 0, rejected: 0, behind: 0 };
  /** The stream sequence `behind` was last read from. */
  private behindAt = 0;
  /** Settles when the batch taken last has handed its events to the bus. */
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    private readonly store: EventStore,
    private readonly stream: string,
    private readonly station: string,
    /** What the outbox sent lately: this station's events coming back are known by their bytes. */
    private readonly echoes: Echoes | null = null,
  ) {}

  /** `data`: the message's body, when at hand, for the excerpt of a rejection. */
  async onEvent(event: PlantEvent, meta: ConsumedMeta, data?: Uint8Array): Promise<void> {
    this.counts.received++;
    // The station's own event coming back is nearly always stored already: a look-up is
    // enough, and spares the bus a publish that the store would refuse.
    if (meta.station === this.station) {
      const own = await this.store.get(event.id);
      if (own && sameContent(own, event)) {
        this.counts.alreadyStored++;
        this.handled(meta);
        return;
      }
    }
    try {
      await this.bus.publish(event);
      this.counts.stored++;
    } catch (error) {
      const body = data ?? new TextEncoder().encode(JSON.stringify(event));
      if (isStoreRefusal(error)) {
        await this.keepRejected(body, meta, 'store-refused', `the local store refused the event ${event.id} (${refusalReason(error)})`);
        return;
      }
      if (!isDuplicateIdError(error)) throw error;
      const stored = await this.store.get(event.id);
      if (stored && sameContent(stored, event)) {
        this.counts.alreadyStored++;
      } else {
        await this.keepRejected(body, meta, 'id-conflict', `the event id ${event.id} is already stored here with other content`);
        return;
      }
    } finally {
      this.handled(meta);
    }
  }

  /**
   * A batch of stream messages, in stream order. This station's own events coming back are
   * recognised by their bytes (Echoes) or, failing that, looked up together; the valid events
   * not stored yet are published together (one store write); should that fail on an id
   * already stored (or one given twice), each event takes the one-by-one path, which tells a
   * copy from a conflict.
   *
   * Several batches may be in hand at once (consumeBatches.ts): each decodes while the ones
   * before it are being stored, but hands its events to the bus only after they handed theirs,
   * so the local order stays the stream's.
   */
  async onBatch(messages: readonly ConsumedMessage[]): Promise<void> {
    const valid: Item[] = [];
    const own: number[] = [];
    const bad: { data: Uint8Array; meta: ConsumedMeta; code: RejectCode; reason: string }[] = [];
    let echoed = 0;
    let lastEcho: ConsumedMessage | null = null;
    for (const message of messages) {
      const { data, msgId } = message;
      if (this.echoes?.take(msgId, data)) {
        echoed++;
        lastEcho = message;
        continue;
      }
      const meta = message.meta;
      const decoded = decodeMessage(data, meta);
      if (!decoded.ok) bad.push({ data, meta, code: decoded.code, reason: decoded.reason });
      else {
        if (meta.station === this.station) own.push(valid.length);
        valid.push({ event: decoded.event, meta, data });
      }
    }
    // Echoes are counted together: their metadata is read for the last one only.
    if (lastEcho) this.alreadyHere(lastEcho.meta, echoed);
    const previous = this.turn;
    let handedOver!: () => void;
    this.turn = new Promise((resolve) => (handedOver = resolve));
    let fresh: typeof valid;
    let committed: Promise<unknown>;
    try {
      await previous;
      for (const { data, meta, code, reason } of bad) await this.onRejected(data, meta, code, reason);
      fresh = await this.withoutOwnCopies(valid, own);
      if (fresh.length === 0) return;
      committed = this.bus.publishBatch(fresh.map((item) => item.event));
    } finally {
      handedOver();
    }
    try {
      await committed;
    } catch (error) {
      await this.notStoredTogether(fresh, error);
      return;
    }
    this.storedTogether(fresh);
  }

  private storedTogether(items: readonly Item[]): void {
    this.counts.received += items.length;
    this.counts.stored += items.length;
    this.handled((items[items.length - 1] as Item).meta);
  }

  /**
   * `items` were published together and `error` says why they were not stored. An id already
   * stored: each takes the one-by-one path, which tells a copy from a conflict. A refusal for
   * good by the local store: the halves go apart until each refused event stands alone, and it
   * is kept as rejected with the store's reason while the rest is stored (splitRefused.ts, as the
   * archiver does), so that the batch is acknowledged instead of coming again
   * for ever. Anything else fails the batch, which comes again later.
   */
  private async notStoredTogether(items: readonly Item[], error: unknown): Promise<void> {
    await splitRefused(
      items,
      error,
      async (part) => {
        await this.bus.publishBatch(part.map((item) => item.event));
        this.storedTogether(part);
      },
      async (part, partError) => {
        if (!isDuplicateIdError(partError) && !isStoreRefusal(partError)) throw partError;
        for (const { event, meta, data } of part) await this.onEvent(event, meta, data);
      },
    );
  }

  /** `valid` less this station's events (at the indexes `own`) that are stored here with the same content; looked up at once. */
  private async withoutOwnCopies<T extends { event: PlantEvent; meta: ConsumedMeta }>(valid: T[], own: readonly number[]): Promise<T[]> {
    if (own.length === 0) return valid;
    const copies = await Promise.all(own.map((at) => this.store.get((valid[at] as T).event.id)));
    const drop = new Set<number>();
    own.forEach((at, i) => {
      const copy = copies[i];
      const item = valid[at] as T;
      if (copy && sameContent(copy, item.event)) {
        drop.add(at);
        this.alreadyHere(item.meta);
      }
    });
    return valid.filter((_, at) => !drop.has(at));
  }

  /** The consumer says, as the link connects, how many messages it has still to deliver. */
  connected(waiting: number): void {
    // Messages of the last connection left unacknowledged come again with their old sequence numbers.
    this.behindAt = 0;
    this.counts.behind = waiting;
  }

  /** A message is handled: how far behind the consumer is, as the latest message in stream order says (batches may finish out of order). */
  private handled(meta: ConsumedMeta): void {
    if (meta.streamSeq < this.behindAt) return;
    this.behindAt = meta.streamSeq;
    this.counts.behind = meta.pending;
  }

  private alreadyHere(meta: ConsumedMeta, count = 1): void {
    this.counts.received += count;
    this.counts.alreadyStored += count;
    this.handled(meta);
  }

  async onRejected(data: Uint8Array, meta: ConsumedMeta, code: RejectCode, reason: string): Promise<void> {
    this.counts.received++;
    this.handled(meta);
    await this.keepRejected(data, meta, code, reason);
  }

  private async keepRejected(data: Uint8Array, meta: ConsumedMeta, code: RejectCode, reason: string): Promise<void> {
    const rejection = rejectedEvent(data, meta, code, reason, this.stream);
    try {
      try {
        await this.bus.publish(rejection);
      } catch (error) {
        if (!isStoreRefusal(error)) throw error;
        // The store refuses even the record (its excerpt holds what the store cannot take): kept without the excerpt.
        await this.bus.publish({ ...rejection, payload: { ...(rejection.payload as JsonObject), excerpt: '' } });
      }
      this.counts.rejected++;
    } catch (error) {
      // Kept before, and the acknowledgement was lost: the message came again.
      if (!isDuplicateIdError(error)) throw error;
    }
  }
}
