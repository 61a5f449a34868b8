/**
 * A durable JetStream consumer as a reusable unit (the station's inbound link, and an
 * archiver into PostgreSQL): every message of `stream` goes to `onMessage`, in stream order,
 * several at a time so that their local writes share commits; a message is acknowledged
 * only after its `onMessage` resolved, and one whose `onMessage` failed is handed back to
 * the server (nak) to come again later: nothing is lost, and nothing is acknowledged that
 * was not kept. `consumeEvents` adds the check that each message is an event.
 */
import { AckPolicy, DeliverPolicy, JetStreamApiError, jetstream, jetstreamManager, type ConsumerInfo, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { PlantEvent } from '../../shared/events/event';
import { decodeMessage, STATION_HEADER, type MessageMeta, type RejectCode } from './wireEvent';

export interface ConsumedMeta extends MessageMeta {
  /** Messages of the stream after this one that this consumer has not had yet. */
  readonly pending: number;
  readonly redelivered: boolean;
}

export interface ConsumeOptions {
  /** Messages handled at once (default 256); their writes share the store's group commits. */
  readonly concurrency?: number;
  /** How long a failed message waits before it comes again (default 2 s). */
  readonly retryDelayMs?: number;
  /** Told about a message whose handler failed (it will come again). */
  readonly onError?: (error: unknown) => void;
}

export interface Consumption {
  /** Stops taking messages and waits for those in hand to be handled and acknowledged. */
  stop(): Promise<void>;
  /** Settles when the consumption ends (stopped, or the connection closed). */
  readonly done: Promise<void>;
}

/**
 * Creates the durable consumer `durable` on `stream` if missing: explicit acks, from the
 * stream's first message. Resolves with how many messages it has not had acknowledged yet.
 */
export async function ensureConsumer(nc: NatsConnection, stream: string, durable: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const waiting = (info: ConsumerInfo) => info.num_pending + info.num_ack_pending;
  try {
    return waiting(await jsm.consumers.info(stream, durable));
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10014) throw error;
  }
  const info = await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    // A message lost on its way when the connection broke comes again after this long.
    ack_wait: nanos(10_000),
    max_ack_pending: 20_000,
  });
  return waiting(info);
}

/** What the stream says about a message it delivered, besides its body. */
export function consumedMeta(msg: JsMsg): ConsumedMeta {
  return {
    subject: msg.subject,
    streamSeq: msg.info.streamSequence,
    storedAt: Math.floor(msg.info.timestampNanos / 1e6),
    station: msg.headers?.get(STATION_HEADER) || null,
    pending: msg.info.pending,
    redelivered: msg.redelivered,
  };
}

/** Hands every message of the durable consumer to `onMessage`; acknowledges each once it resolved. */
export async function consumeMessages(
  nc: NatsConnection,
  stream: string,
  durable: string,
  onMessage: (data: Uint8Array, meta: ConsumedMeta) => Promise<void>,
  options: ConsumeOptions = {},
): Promise<Consumption> {
  const concurrency = options.concurrency ?? 256;
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  // Short pull requests: after a server restart (which forgets them) the client asks again within seconds.
  const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 100), expires: 5_000 });
  const inHand: Promise<void>[] = [];
  const handle = async (msg: JsMsg): Promise<void> => {
    const meta = consumedMeta(msg);
    try {
      await onMessage(msg.data, meta);
      msg.ack();
    } catch (error) {
      msg.nak(options.retryDelayMs ?? 2_000);
      options.onError?.(error);
    }
  };
  const done = (async () => {
    for await (const msg of messages) {
      inHand.push(handle(msg));
      // Keeps at most `concurrency` in hand, releasing the oldest first (they finish in about that order).
      if (inHand.length >= concurrency) await inHand.shift();
    }
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

/**
 * `consumeMessages` for events: a valid event goes to `onEvent` with its stream metadata; a
 * message that is not one goes to `onRejected` with a reason (and is acknowledged once that
 * resolves, so a bad message is kept once and never loops).
 */
export function consumeEvents(
  nc: NatsConnection,
  stream: string,
  durable: string,
  handlers: {
    onEvent(event: PlantEvent, meta: ConsumedMeta): Promise<void>;
    onRejected(data: Uint8Array, meta: ConsumedMeta, code: RejectCode, reason: string): Promise<void>;
  },
  options?: ConsumeOptions,
): Promise<Consumption> {
  return consumeMessages(
    nc,
    stream,
    durable,
    (data, meta) => {
      const decoded = decodeMessage(data, meta);
      return decoded.ok ? handlers.onEvent(decoded.event, meta) : handlers.onRejected(data, meta, decoded.code, decoded.reason);
    },
    options,
  );
}
