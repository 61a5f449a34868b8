/**
 * Publishes to the plant stream with hundreds of acknowledgements awaited at once, over one
 * subscription of its own: each message carries the reply subject `<inbox>.<n>`, and the
 * stream's acknowledgement (or its refusal) comes back there and settles publish n. This is
 * the pattern of the Go client's PublishAsync; the JavaScript client has none.
 *
 * Why not `jetstream(nc).publish`: each call builds a request object with its own timer,
 * inbox token, promise and, once answered, an Error object with a stack (the client's
 * request cancels itself after resolving). Measured on the station's outbox: those were a
 * third of the host's CPU per event published (build/bench/plant.ts).
 *
 * Publishes left unanswered fail after `timeoutMs` (a sweep a few times per timeout, not a
 * timer each), and all at once when the publisher is closed; the outbox then sends them again.
 */
import { PubHeaders } from '@nats-io/jetstream';
import { createInbox, MsgHdrsImpl, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { STATION_HEADER } from './wireEvent';

/** How a publish ended: null with `duplicate` on the stream's acknowledgement, else why it did not. */
export type Settle = (error: Error | null, duplicate: boolean) => void;

/** What the outbox publishes through (a connection's StreamPublisher, or a double in tests). */
export interface StreamSender {
  publish(subject: string, body: Uint8Array, msgId: string, settle: Settle): void;
}

/** Sweeps per timeout: a publish fails between (1 - 1/SWEEPS) and 1 timeout after it left. */
const SWEEPS = 4;
const decoder = new TextDecoder();

/**
 * The headers of this publisher's messages: the station and the stream, the same for every
 * message, encoded once; only the message id is added per message. The client encodes a
 * message's headers by calling `encode()` during the publish; the general headers set the id
 * (a key lookup, a check) and then write every header out again as text and encode it, which
 * was a tenth of the station's CPU per event published.
 */
class MessageHeaders extends MsgHdrsImpl {
  /** The encoded headers up to the message id's line. */
  private readonly head: Buffer;
  private id = '';

  constructor(station: string, stream: string) {
    super();
    this.set(STATION_HEADER, station);
    this.set(PubHeaders.ExpectedStreamHdr, stream);
    // The general text ends with the blank line that closes the headers: the id's line goes before it.
    this.head = Buffer.from(super.toString().slice(0, -2), 'utf8');
  }

  /** The id of the next message encoded. */
  withId(id: string): this {
    // A line break would end the headers early (the client refuses one in any header value).
    if (/[\r\n]/.test(id)) throw new Error(`the message id ${JSON.stringify(id.slice(0, 100))} holds a line break`);
    this.id = id;
    return this;
  }

  override toString(): string {
    return `${this.head.toString('utf8')}${PubHeaders.MsgIdHdr}: ${this.id}\r\n\r\n`;
  }

  override encode(): Uint8Array {
    const line = `${PubHeaders.MsgIdHdr}: ${this.id}\r\n\r\n`;
    const bytes = Buffer.allocUnsafe(this.head.length + Buffer.byteLength(line, 'utf8'));
    this.head.copy(bytes, 0);
    bytes.write(line, this.head.length, 'utf8');
    return bytes;
  }
}

export class StreamPublisher implements StreamSender {
  private readonly pending = new Map<number, { settle: Settle; round: number }>();
  private readonly prefix: string;
  private readonly subscription: Subscription;
  private readonly sweeper: ReturnType<typeof setInterval>;
  /** One header set for every message: the client encodes it during the publish call. */
  private readonly headers: MessageHeaders;
  private next = 0;
  /** Sweeps so far: a publish is stamped with it, and fails SWEEPS sweeps later. */
  private round = 0;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    station: string,
    timeoutMs = 5_000,
  ) {
    this.prefix = `${createInbox()}.`;
    this.subscription = nc.subscribe(`${this.prefix}*`, { callback: (error, msg) => (error ? undefined : this.answered(msg)) });
    this.headers = new MessageHeaders(station, stream);
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, timeoutMs / SWEEPS));
    this.sweeper.unref?.();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  publish(subject: string, body: Uint8Array, msgId: string, settle: Settle): void {
    if (this.closed) return later(settle, new Error('the connection to the plant stream is closed'));
    const n = ++this.next;
    try {
      this.nc.publish(subject, body, { reply: this.prefix + n, headers: this.headers.withId(msgId) });
    } catch (error) {
      // Settled on a later turn, so that the outbox does not resend it from within its own loop.
      return later(settle, error instanceof Error ? error : new Error(String(error)));
    }
    this.pending.set(n, { settle, round: this.round });
  }

  /** Stops listening; every publish not answered yet fails (they are sent again on the next connection). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.subscription.unsubscribe();
    this.failAll(new Error('the connection to the plant stream closed before the stream acknowledged'));
  }

  private answered(msg: Msg): void {
    const n = Number(msg.subject.slice(this.prefix.length));
    const entry = this.pending.get(n);
    // Already failed by the sweep: the outbox sends it again, and the stream's duplicate window keeps one.
    if (!entry) return;
    this.pending.delete(n);
    entry.settle(...verdict(msg, this.stream));
  }

  private sweep(): void {
    this.round++;
    const error = new Error(`the stream did not acknowledge within ${SWEEPS} sweeps (timeout)`);
    // The Map keeps insertion order, which is the order of `round`: the expired lead it.
    for (const [n, entry] of this.pending) {
      if (this.round - entry.round < SWEEPS) break;
      this.pending.delete(n);
      entry.settle(error, false);
    }
  }

  private failAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.settle(error, false);
  }
}

function later(settle: Settle, error: Error): void {
  queueMicrotask(() => settle(error, false));
}

/** The stream's answer: an acknowledgement (duplicate or not), or the reason it refused. */
export function verdict(msg: Msg, stream: string): [Error | null, boolean] {
  // A message that no stream listens for is answered by the server with status 503 and no body.
  if (msg.data.length === 0) return [new Error(`no stream took the message (status ${msg.headers?.code ?? 'none'}): is the stream ${stream} there?`), false];
  let answer: { stream?: unknown; duplicate?: unknown; error?: { description?: unknown; err_code?: unknown } };
  try {
    answer = JSON.parse(decoder.decode(msg.data)) as typeof answer;
  } catch {
    return [new Error('the stream answered with something that is not JSON'), false];
  }
  if (typeof answer !== 'object' || answer === null) return [new Error('the stream answered with JSON that is not an object'), false];
  if (answer.error) return [new Error(`the stream refused the message: ${String(answer.error.description ?? 'no reason given')} (${String(answer.error.err_code ?? '?')})`), false];
  if (answer.stream !== stream) return [new Error(`the acknowledgement names stream ${String(answer.stream)}, not ${stream}`), false];
  return [null, answer.duplicate === true];
}
