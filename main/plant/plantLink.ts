/**
 * The plant link (issue 14): this station's connection to the plant's NATS JetStream. It
 * connects (and, on a failure it can name, says why in one sentence and tries again with
 * backoff), makes sure of the stream and of this station's durable consumer, then runs the
 * outbox (outbound) and the consumer into the local bus (inbound) until it is closed. The
 * NATS client reconnects by itself after a lost connection; meanwhile the link reports
 * itself offline and the outbox waits.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { PlantLinkState, PlantLinkStatus } from '../../shared/api/plantStatus';
import type { EventStore } from '../../shared/store/eventStore';
import type { EventBus } from '../bus/eventBus';
import { ensureConsumer, type Consumption } from './consume';
import { consumeBatches } from './consumeBatches';
import { Inbound } from './inbound';
import { connectPlant, PlantConnectError } from './natsConnection';
import { Outbox } from './outbox';
import type { PlantLinkSettings } from './plantSettings';
import { ensureStream, PlantStreamError } from './plantStream';
import { StreamPublisher } from './streamPublisher';

/** Behind by more than this many messages, the link says it is catching up. */
const CATCHING_UP_AT = 50;

export interface PlantLinkOptions {
  readonly settings: PlantLinkSettings;
  readonly bus: EventBus;
  readonly store: EventStore;
  readonly log?: (line: string) => void;
  readonly onError?: (error: unknown) => void;
  readonly connectTimeoutMs?: number;
  /** Longest wait between two connection attempts (default 30 s). */
  readonly maxRetryMs?: number;
}

/** The durable consumer's name for a station (NATS names allow no dots or wildcards; station names have none). */
export function durableName(station: string): string {
  return `station-${station}`;
}

export class PlantLink {
  readonly outbox: Outbox;
  private readonly inbound: Inbound;
  private state: PlantLinkState = 'connecting';
  private since = Date.now();
  private lastError: { message: string; at: number } | null = null;
  private nc: NatsConnection | null = null;
  private consumption: Consumption | null = null;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private wakeRetry: (() => void) | null = null;
  private caughtUpOnce = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: PlantLinkOptions) {
    this.log = options.log ?? ((line) => console.warn(line));
    const onError = options.onError ?? ((error: unknown) => this.log(`[plant] ${(error as Error)?.message ?? String(error)}`));
    this.outbox = new Outbox({ store: options.store, bus: options.bus, station: options.settings.station, stream: options.settings.stream, onError });
    this.inbound = new Inbound(options.bus, options.store, options.settings.stream, options.settings.station, this.outbox.echoes);
  }

  async start(): Promise<void> {
    await this.outbox.start();
    this.running = this.run();
  }

  status(): PlantLinkStatus {
    const { settings } = this.options;
    const behind = this.inbound.counts.behind;
    const state = this.state === 'connected' && behind > CATCHING_UP_AT ? 'catching-up' : this.state;
    return {
      station: settings.station,
      stream: settings.stream,
      servers: [...settings.servers],
      state,
      since: this.since,
      waiting: this.outbox.waiting(),
      behind,
      published: this.outbox.published,
      received: this.inbound.counts.received,
      rejected: this.inbound.counts.rejected,
      lastError: this.lastError,
    };
  }

  /**
   * True once the station has had the plant history up to a point since it started (it was
   * connected and not behind), except while it catches up again after an outage: until then
   * its history lacks what other stations stored meanwhile, so absence is not judged from it.
   */
  caughtUp(): boolean {
    const { state } = this.status();
    if (state === 'connected') this.caughtUpOnce = true;
    return this.caughtUpOnce && state !== 'catching-up';
  }

  /** Stops taking and sending; what waits stays in the outbox for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeRetry?.();
    this.outbox.attach(null);
    await this.consumption?.stop().catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
    await this.running;
    await this.outbox.close();
  }

  private enter(state: PlantLinkState): void {
    if (this.state === state) return;
    this.state = state;
    this.since = Date.now();
  }

  private failed(message: string): void {
    // A link that keeps failing the same way says so once, not at every retry.
    if (this.lastError?.message !== message) this.log(`[plant] ${message}`);
    this.lastError = { message, at: Date.now() };
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      try {
        await this.session();
        attempt = 0;
      } catch (error) {
        if (this.closed) return;
        const known = error instanceof PlantConnectError || error instanceof PlantStreamError;
        this.failed(known ? error.message : `the plant link failed: ${(error as Error)?.message ?? String(error)}`);
        attempt++;
      }
      this.outbox.attach(null);
      if (this.closed) return;
      this.enter('offline');
      const delay = Math.min(this.options.maxRetryMs ?? 30_000, 250 * 2 ** Math.min(attempt, 8));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeRetry = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** One connection's life: connect, check the stream and consumer, link both ways until the connection ends. */
  private async session(): Promise<void> {
    const { settings } = this.options;
    const nc = await connectPlant(settings, this.options.connectTimeoutMs);
    this.nc = nc;
    const publisher = new StreamPublisher(nc, settings.stream, settings.station);
    try {
      if (this.closed) return;
      await ensureStream(await jetstreamManager(nc), settings.stream);
      this.inbound.connected(await ensureConsumer(nc, settings.stream, durableName(settings.station)));
      this.watch(nc, publisher);
      this.consumption = await consumeBatches(nc, settings.stream, durableName(settings.station), (messages) => this.inbound.onBatch(messages), {
        onError: (error) => this.failed(`messages from the stream could not be stored yet (they will come again): ${(error as Error)?.message ?? String(error)}`),
      });
      this.outbox.attach(publisher);
      this.enter('connected');
      this.log(`[plant] station ${settings.station} linked to ${settings.servers.join(', ')} (stream ${settings.stream})`);
      const ended = await nc.closed();
      if (ended instanceof Error && !this.closed) throw new PlantConnectError(`the connection to ${settings.servers.join(', ')} ended: ${ended.message}`);
    } finally {
      this.outbox.attach(null);
      publisher.close();
      await this.consumption?.stop().catch(() => undefined);
      this.consumption = null;
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
      this.nc = null;
    }
  }

  /** Follows the client's own reconnections: offline while it is away, connected again when it is back. */
  private watch(nc: NatsConnection, publisher: StreamPublisher): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.enter('offline');
          this.outbox.attach(null);
        } else if (status.type === 'reconnect') {
          this.enter('connected');
          this.outbox.attach(publisher);
        }
      }
    })().catch(() => undefined);
  }
}
