/**
 * The OPC UA producer: connects to one server, monitors the configured variables and turns
 * each change into an `equipment.telemetry.recorded` event through the same ingest queue as
 * MQTT; a value that cannot be a reading is kept as an `ingest.message.rejected` event.
 *
 * Connection life: the first connection (and one that failed before a session existed) is
 * retried here with exponential backoff; a connection lost later is repaired by node-opcua
 * itself (a new secure channel with backoff, the session reactivated or recreated, the
 * subscriptions republished or recreated). Every step is published as an
 * `ingest.connection.changed` event with subject `opcua:<name>`. Nothing is made up for the
 * time the server was away: only values the server reports become events. An untrusted
 * server certificate stops the retries until the operator trusts it.
 */
import { MessageSecurityMode, OPCUAClient, SecurityPolicy, UserTokenType, type ClientSession, type DataValue } from 'node-opcua';
import type { OpcuaMetrics, OpcuaStatus } from '../../../shared/api/opcuaTypes';
import type { Priority } from '../../../shared/events/event';
import { INGEST_CONNECTION_CHANGED, INGEST_STOPPED_REASON, type ConnectionChangedPayload, type ConnectionState } from '../../../shared/ingest/ingestEvents';
import { publicOpcuaSettings, validateOpcuaSettings, type OpcuaItem, type ValidOpcuaSettings } from '../../../shared/ingest/opcuaSettings';
import { IngestPublisher, type IngestBus } from '../ingestPublisher';
import { rejectedMessageEvent } from '../rejectedIngest';
import { describeOpcuaFailure } from './opcuaFailure';
import { monitorItems, readServerLimits, type Monitoring } from './opcuaSubscriptions';
import { valueEvent } from './opcuaValues';
import type { ConsolePki } from './pki';

export interface OpcuaIngestOptions {
  readonly bus: IngestBus;
  /** Checked with `validateOpcuaSettings`; an IngestConfigError names the bad field. */
  readonly settings: unknown;
  readonly pki: ConsolePki;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
  readonly queueCapacity?: number;
}

export const opcuaSubject = (name: string) => `opcua:${name}`;

/** Events per bus call; the bus appends at most 2,000 events in one store transaction. */
const OPCUA_BATCH_SIZE = 2_000;

export class OpcuaIngest {
  private readonly publisher: IngestPublisher;
  private readonly now: () => number;
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private monitoring: Monitoring | null = null;
  private current: OpcuaStatus;
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly counts = { received: 0, mapped: 0, rejected: 0, bad: 0, connects: 0 };

  static start(options: OpcuaIngestOptions): OpcuaIngest {
    const ingest = new OpcuaIngest(validateOpcuaSettings(options.settings), options);
    void ingest.run(0);
    return ingest;
  }

  private constructor(
    readonly settings: ValidOpcuaSettings,
    private readonly options: OpcuaIngestOptions,
  ) {
    this.now = options.now ?? Date.now;
    // Up to the bus's largest append: a server reporting thousands of changes per publish costs a store round trip per batch.
    this.publisher = new IngestPublisher({ bus: options.bus, capacity: options.queueCapacity, onError: options.onError, batchSize: OPCUA_BATCH_SIZE });
    const { name, endpointUrl, securityMode } = settings;
    this.current = { name, endpointUrl, securityMode, state: 'connecting', reason: null, since: this.now(), attempt: 0, monitored: 0, items: settings.items.length, subscriptions: 0, lastError: null, untrustedCertificate: null };
  }

  status(): OpcuaStatus {
    return { ...this.current, untrustedCertificate: this.current.state === 'error' ? this.options.pki.untrusted() : null };
  }

  publicSettings(): Record<string, unknown> {
    return publicOpcuaSettings(this.settings);
  }

  metrics(): OpcuaMetrics {
    const queue = this.publisher.metrics();
    return { state: this.current.state, ...this.counts, published: queue.published, queued: queue.queued, lost: queue.lost };
  }

  /** The live session, for browsing; null while not connected. */
  liveSession(): ClientSession | null {
    return this.current.state === 'connected' ? this.session : null;
  }

  /** Tries again at once (after the operator trusted the server's certificate). */
  retryNow(): void {
    if (this.wake) this.wake();
    else if (this.current.state === 'error' && this.session === null) void this.run(0);
  }

  idle(): Promise<void> {
    return this.publisher.idle();
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.publisher.close();
    this.stopping = true;
    this.wake?.();
    await this.closeClient();
    this.setState('disconnected', INGEST_STOPPED_REASON, null);
    await this.publisher.close();
  }

  /** Connects, retrying with backoff until a session exists (or the certificate needs the operator). */
  private async run(attempt: number): Promise<void> {
    for (let tries = attempt; !this.stopping; tries++) {
      this.setState('connecting', tries > 0 ? 'reconnecting' : null, null, tries);
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        await this.closeClient();
        if (this.stopping) return;
        const reason = describeOpcuaFailure(this.settings.endpointUrl, error);
        if (/BadCertificateUntrusted/.test(String((error as Error)?.message))) {
          this.setState('error', reason, null, tries);
          return;
        }
        const delay = this.retryDelay(tries);
        this.setState('error', reason, delay, tries);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => (clearTimeout(timer), resolve());
        });
        this.wake = null;
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const { settings } = this;
    await this.options.pki.initialize();
    const client = OPCUAClient.create({
      applicationName: 'Plant Event Console',
      clientCertificateManager: this.options.pki.manager,
      securityMode: MessageSecurityMode[settings.securityMode],
      securityPolicy: SecurityPolicy[settings.securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      // A first connection is tried twice here (run() then backs off); a connection lost later is
      // repaired by node-opcua, which retries without end, but only when maxRetry is above 0.
      connectionStrategy: { maxRetry: 1, initialDelay: settings.reconnect.initialDelayMs, maxDelay: settings.reconnect.maxDelayMs },
    });
    this.client = client;
    client.on('connection_lost', () => this.setState('disconnected', 'connection lost; node-opcua reconnects and restores the subscriptions', null));
    client.on('backoff', (count: number, delay: number) => this.setState('connecting', 'reconnecting', delay, count + 1));
    client.on('connection_reestablished', () => this.setState('connected', 'reconnected; restoring the session and subscriptions', null, 0));
    await client.connect(settings.endpointUrl);
    const session = await client.createSession(
      settings.username === undefined ? { type: UserTokenType.Anonymous } : { type: UserTokenType.UserName, userName: settings.username, password: settings.password ?? '' },
    );
    this.session = session;
    session.on('session_restored', () => this.setState('connected', 'reconnected; session and subscriptions restored', null, 0));
    const limits = await readServerLimits(session);
    this.monitoring = await monitorItems(session, settings.items, settings.publishingIntervalMs, limits, (item, value) => this.onValue(item, value));
    this.counts.connects++;
    const { monitored, refused, subscriptions } = this.monitoring;
    this.current = { ...this.current, monitored, subscriptions: subscriptions.length };
    const refusal = refused.length === 0 ? null : `the server refused ${refused.length} of ${settings.items.length} items (first: ${refused[0]!.nodeId}: ${refused[0]!.status})`;
    this.setState('connected', refusal, null, 0);
  }

  private onValue(item: OpcuaItem, value: DataValue): void {
    if (this.stopping) return;
    this.counts.received++;
    const receivedAt = this.now();
    const result = valueEvent(item, value, { connection: this.settings.name, source: this.settings.source, receivedAt });
    if (result.ok) {
      this.counts.mapped++;
      if (result.quality === 'Bad') this.counts.bad++;
      this.publisher.enqueue(result.event);
      return;
    }
    this.counts.rejected++;
    this.publisher.enqueue(
      rejectedMessageEvent({
        origin: 'opcua',
        subject: opcuaSubject(this.settings.name),
        connection: this.settings.name,
        source: this.settings.source,
        topic: item.nodeId,
        raw: Buffer.from(result.raw, 'utf8'),
        rule: null,
        code: 'bad-field',
        reason: result.reason,
        receivedAt,
      }),
    );
  }

  private async closeClient(): Promise<void> {
    const { client, session } = this;
    this.client = null;
    this.session = null;
    this.monitoring = null;
    await session?.close(true).catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
  }

  private retryDelay(failedAttempts: number): number {
    const { initialDelayMs, maxDelayMs } = this.settings.reconnect;
    const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failedAttempts, 30));
    return Math.max(initialDelayMs, Math.round(exponential * (1 - 0.2 * Math.random())));
  }

  private setState(state: ConnectionState, reason: string | null, retryInMs: number | null, attempt = this.current.attempt): void {
    const since = this.now();
    const failed = state === 'error' || (state === 'disconnected' && !this.stopping);
    const lastError = failed && reason !== null ? { message: reason, at: since } : this.current.lastError;
    this.current = { ...this.current, state, reason, since, attempt, lastError };
    const payload: ConnectionChangedPayload = {
      subject: opcuaSubject(this.settings.name),
      connection: this.settings.name,
      broker: this.settings.endpointUrl,
      state,
      reason,
      attempt,
      retryInMs,
    };
    const priority: Priority = failed ? 'HIGH' : 'NORMAL';
    this.publisher.enqueue({ type: INGEST_CONNECTION_CHANGED, payload, source: this.settings.source, priority, timestamp: since });
  }
}
