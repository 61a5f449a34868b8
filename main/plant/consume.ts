/**
 * The durable JetStream consumer's shared parts: creating it (explicit acks, from the stream's
 * first message) and reading a delivered message's stream metadata. The station's inbound
 * reads it in batches (consumeBatches.ts); the archiver with its own pull requests
 * (main/archiver/pullStream.ts).
 */
import { AckPolicy, DeliverPolicy, JetStreamApiError, jetstreamManager, type ConsumerInfo, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { headerOf } from './messageHeaders';
import { STATION_HEADER, type MessageMeta } from './wireEvent';

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
    station: headerOf(msg, STATION_HEADER),
    pending: msg.info.pending,
    redelivered: msg.redelivered,
  };
}
