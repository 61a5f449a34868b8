/**
 * The station's inbound consumer, in batches: a station catching up a backlog takes the
 * messages that are there (up to MAX_BATCH at once) and hands them over together, so that
 * they are validated, appended in one store write and acknowledged after that commit, instead
 * of one publish and one commit per message (measured: `plant_catch_up_events_per_s` in
 * build/bench/plant.ts). A batch ends when the stream has nothing more for this consumer
 * (live traffic then goes through one message at a time, without waiting) or when it is full.
 * Up to IN_HAND batches are in hand at once, each acknowledged after its own commit. A batch
 * whose handler failed is handed back (nak) to come again later: nothing is lost, and
 * nothing is acknowledged that was not kept.
 */
import { jetstream, PubHeaders, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { consumedMeta, type ConsumedMeta, type ConsumeOptions, type Consumption } from './consume';
import { headerOf } from './messageHeaders';

/**
 * The store host's cost per append is largely fixed, so larger batches cost less per event.
 * Measured in a 50,000-event catch-up on a loaded machine, CPU per 1,000 events (host main
 * thread, store-host page, Chromium's browser process with IndexedDB): batches of 500, 4 in
 * hand: 58, 54, 16 ms; 1,000, 3 in hand: 55-63, 49-54, 12-14 ms; 2,000, 3 in hand: 50-56,
 * 38-50, 10-12 ms. Not 2,000: every message taken from the server must be acknowledged within
 * the consumer's ack_wait (10 s, consume.ts), and those in hand, being gathered and in the
 * client's buffer (BUFFERED) add up: up to 6,000 here, 12,000 with batches of 2,000, which a
 * station slowed to 1,000 events/s would not keep.
 */
const MAX_BATCH = 1_000;
/** Messages the client keeps ready beyond the batches in hand. */
const BUFFERED = 2 * MAX_BATCH;
/**
 * Batches handled at once: the next one is taken from the client and decoded while the one
 * before is being stored (the handler keeps their order on the bus), so neither side waits
 * for the other; measured in `plant_catch_up_events_per_s`.
 */
const IN_HAND = 3;

export interface ConsumedMessage {
  readonly data: Uint8Array;
  readonly meta: ConsumedMeta;
  /** The publisher's message id (its event id, for a station's message), from the header. */
  readonly msgId: string | null;
}

/** A message as the handler sees it: its stream metadata is read only when asked for (this station's own events coming back need none). */
class Consumed implements ConsumedMessage {
  readonly msgId: string | null;
  private known: ConsumedMeta | null = null;

  constructor(private readonly msg: JsMsg) {
    this.msgId = headerOf(msg, PubHeaders.MsgIdHdr);
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get meta(): ConsumedMeta {
    return (this.known ??= consumedMeta(this.msg));
  }
}

export async function consumeBatches(
  nc: NatsConnection,
  stream: string,
  durable: string,
  onBatch: (messages: readonly ConsumedMessage[]) => Promise<void>,
  options: Omit<ConsumeOptions, 'concurrency'> = {},
): Promise<Consumption> {
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  // Short pull requests: after a server restart (which forgets them) the client asks again within seconds.
  const messages = await consumer.consume({ max_messages: BUFFERED, expires: 5_000 });
  let batch: JsMsg[] = [];
  const flush = async (): Promise<void> => {
    const taken = batch;
    batch = [];
    try {
      await onBatch(taken.map((msg) => new Consumed(msg)));
      for (const msg of taken) msg.ack();
    } catch (error) {
      for (const msg of taken) msg.nak(options.retryDelayMs ?? 2_000);
      options.onError?.(error);
    }
  };
  const done = (async () => {
    const inHand: Promise<void>[] = [];
    for await (const msg of messages) {
      batch.push(msg);
      if (msg.info.pending !== 0 && batch.length < MAX_BATCH) continue;
      inHand.push(flush());
      if (inHand.length >= IN_HAND) await inHand.shift();
    }
    if (batch.length > 0) inHand.push(flush());
    await Promise.all(inHand);
  })();
  return {
    done,
    async stop() {
      await messages.close();
      await done;
    },
  };
}
