/**
 * The archiver's reader of its durable pull consumer, on one core subscription of its own:
 * it publishes the pull requests itself (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`,
 * each answered on `<inbox>.<n>`), hands every message to `onMessage` as it arrives, and
 * acknowledges the messages of a batch together once the caller says the batch committed
 * (`settle`): each message still gets its own acknowledgement (explicit acks; an ack of a later
 * message never covers an earlier one, as AckPolicy.All would), and a message of a failed batch
 * goes back (nak, with a delay) to come again.
 *
 * Why not the client's `consume()`: it makes a JsMsg, an iterator step (a promise) and, in the
 * archiver's loop, a promise and an async call per message; with the batcher's own promise per
 * message, the NATS side cost about 30 ms of CPU per 1,000 archived events and its garbage a
 * good part of 24 ms more (profile of 30,000 events, build/bench/archiver.ts's workload). With
 * this reader, on the same loaded machine (load average 12), warm runs of 30,000 events: the
 * archiver's process 76-77 → 60-62 ms of CPU per 1,000 events, nats-server 13-14 → 10-11.
 *
 * Flow: at most `window` messages are asked for or in hand (delivered, not yet settled). A
 * request ends at the server when it is filled, or after EXPIRES_MS with a status (408) saying
 * how many it did not fill. A request can also vanish (a server restart forgets it, a status is
 * lost with the connection): requests older than EXPIRES_MS + GRACE_MS are counted dead, and a
 * reconnection drops them all, so the reader always asks again. What the server sends for a
 * request counted dead only makes the window briefly larger (the consumer's max_ack_pending
 * bounds it).
 */
import { createInbox, nanos, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { STATION_HEADER, type MessageMeta } from '../plant/wireEvent';

/** A message of the stream as delivered, with what its acknowledgement subject says. */
export interface Delivered {
  readonly data: Uint8Array;
  readonly meta: MessageMeta;
  /** Messages of the stream this consumer has not had yet, after this one. */
  readonly pending: number;
  /** Where its acknowledgement goes. */
  readonly ackSubject: string;
}

export interface PullStreamOptions {
  /** Messages asked for or in hand at most. */
  readonly window: number;
  /** How long a failed message waits before the server sends it again. */
  readonly retryDelayMs: number;
  /** A problem the reader cannot mend by asking again (one sentence). */
  readonly log: (line: string) => void;
}

/** How long a pull request waits at the server for messages. */
export const EXPIRES_MS = 5_000;
/** After EXPIRES_MS and this, a request with no answer is counted dead (the server forgot it). */
const GRACE_MS = 1_000;
/** How often dead requests are looked for, and the window filled again after a refused request. */
const TICK_MS = 1_000;
const ACK = Uint8Array.of(43, 65, 67, 75); // "+ACK"

export class PullStream {
  private readonly subscription: Subscription;
  private readonly inbox = createInbox();
  private readonly requestSubject: string;
  /** Requests not yet answered in full: number → [size, sent at]. */
  private readonly requests = new Map<number, { size: number; at: number }>();
  private readonly ticker: ReturnType<typeof setInterval>;
  private readonly nakBody: Uint8Array;
  /** Messages asked for and not yet delivered (an upper bound). */
  private asked = 0;
  /** Delivered and not yet settled. */
  private inHand = 0;
  private nextRequest = 0;
  private stopped = false;
  /** The last status told, so that a repeated one is told once. */
  private lastTold = '';

  constructor(
    private readonly nc: NatsConnection,
    stream: string,
    consumer: string,
    private readonly onMessage: (message: Delivered) => void,
    private readonly options: PullStreamOptions,
  ) {
    this.requestSubject = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`;
    this.nakBody = new TextEncoder().encode(`-NAK ${JSON.stringify({ delay: nanos(options.retryDelayMs) })}`);
    this.subscription = nc.subscribe(`${this.inbox}.*`, { callback: (error, msg) => (error ? this.tell(`the plant stream refused the archiver's subscription: ${error.message}`) : this.take(msg)) });
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref?.();
    void this.followReconnections();
    this.pull();
  }

  /** Acknowledges the messages of a committed batch (`error` null), or hands them back to come again. */
  settle(messages: readonly Delivered[], error: unknown): void {
    this.inHand -= messages.length;
    const body = error === null ? ACK : this.nakBody;
    try {
      for (const message of messages) this.nc.publish(message.ackSubject, body);
    } catch {
      // The connection closed for good: unacknowledged messages come again to the next run, after the ack wait.
    }
    this.pull();
  }

  /** Asks for no more messages; those in hand may still be settled. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.ticker);
    this.subscription.unsubscribe();
  }

  private take(msg: Msg): void {
    // Status answers come on the request's own subject; messages keep their stream subject.
    if (msg.subject.startsWith(this.inbox)) return this.status(msg);
    if (this.asked > 0) this.asked--;
    const delivered = readDelivery(msg);
    if (!delivered) return this.tell(`a message on ${msg.subject.slice(0, 200)} came without a JetStream acknowledgement subject and was left alone`);
    this.inHand++;
    this.onMessage(delivered);
  }

  /** The end of a request (408 expired, 409 ended by the server, 503 no consumer to ask), or a heartbeat. */
  private status(msg: Msg): void {
    const n = Number(msg.subject.slice(this.inbox.length + 1));
    const request = this.requests.get(n);
    const code = msg.headers?.code ?? 0;
    if (code === 100 || !request) return;
    this.requests.delete(n);
    const left = Number(msg.headers?.get('Nats-Pending-Messages') || NaN);
    // Without the count (503: the request reached no consumer) the whole request is unfilled.
    this.asked = Math.max(0, this.asked - (Number.isInteger(left) && left >= 0 ? left : request.size));
    if (code === 408) this.pull();
    else this.tell(`the plant stream answered a pull request with status ${code} (${msg.headers?.description ?? 'no description'}); asking again`);
    // Other ends are asked again by the next tick, not at once, so that a refusal does not become a flood.
  }

  /** Requests with no answer past their expiry are dead: what they asked for is not coming. */
  private tick(): void {
    const deadline = Date.now() - EXPIRES_MS - GRACE_MS;
    let live = 0;
    for (const [n, request] of this.requests) {
      if (request.at < deadline) this.requests.delete(n);
      else live += request.size;
    }
    this.asked = Math.min(this.asked, live);
    this.pull();
  }

  /** Asks for what fits in the window, when that is at least a quarter of it (fewer, larger requests). */
  private pull(): void {
    const room = this.options.window - this.asked - this.inHand;
    if (this.stopped || room < this.options.window / 4 || this.nc.isClosed()) return;
    const n = ++this.nextRequest;
    try {
      this.nc.publish(this.requestSubject, JSON.stringify({ batch: room, expires: nanos(EXPIRES_MS) }), { reply: `${this.inbox}.${n}` });
    } catch {
      return; // Closed meanwhile: nothing more comes.
    }
    this.requests.set(n, { size: room, at: Date.now() });
    this.asked += room;
  }

  /** After a reconnection the server no longer holds this reader's requests: asked again at once. */
  private async followReconnections(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (this.stopped) return;
      if (status.type !== 'reconnect') continue;
      this.requests.clear();
      this.asked = 0;
      this.pull();
    }
  }

  private tell(line: string): void {
    if (line === this.lastTold) return;
    this.lastTold = line;
    this.options.log(line);
  }
}

/**
 * The message and what its acknowledgement subject says: `$JS.ACK.<stream>.<consumer>.<delivered>.
 * <stream seq>.<consumer seq>.<time ns>.<pending>`, or with `<domain>.<account hash>.` after `$JS.ACK.`
 * and a token at the end. Null when it is not one (no JetStream message: never acknowledged).
 */
export function readDelivery(msg: Msg): Delivered | null {
  const ackSubject = msg.reply;
  if (!ackSubject?.startsWith('$JS.ACK.')) return null;
  const tokens = ackSubject.split('.');
  const at = tokens.length === 9 ? 4 : tokens.length >= 12 ? 6 : -1;
  if (at < 0) return null;
  const streamSeq = Number(tokens[at + 1]);
  const nanosStored = Number(tokens[at + 3]);
  const pending = Number(tokens[at + 4]);
  if (!Number.isSafeInteger(streamSeq) || streamSeq < 1 || !Number.isFinite(nanosStored) || !Number.isSafeInteger(pending) || pending < 0) return null;
  const meta: MessageMeta = {
    subject: msg.subject,
    streamSeq,
    storedAt: Math.floor(nanosStored / 1e6),
    station: msg.headers?.get(STATION_HEADER) || null,
  };
  return { data: msg.data, meta, pending, ackSubject };
}
