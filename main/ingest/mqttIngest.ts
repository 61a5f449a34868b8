/**
 * The MQTT producer: subscribes to a plant broker and turns each message into an event by
 * the topic mapping. It never drops a message silently:
 *
 * - a mapped message is published as its event (with `metadata.ingest` naming topic and rule);
 * - a message that cannot be mapped or fails validation is published as an
 *   `ingest.message.rejected` event (topic, code, reason, bounded excerpt of the raw body),
 *   so it is stored and listed with the dead letters, and counted in `metrics().rejected`;
 * - when the store falls behind, QoS 1 messages are left unacknowledged at the queue's hold
 *   mark, so the broker keeps them; what a full queue still cannot hold (QoS 0 has no such
 *   brake) is counted as `lost` and reported to `onError`.
 *
 * The connection's life is published as `ingest.connection.changed` events (connecting,
 * connected, disconnected, error, with the reason), and lost connections are retried with
 * exponential backoff (the `mqtt` client's own fixed-period reconnect is turned off).
 */
import type { MqttIngestMetrics, MqttIngestStatus } from '../../shared/api/statusTypes';
export type { MqttIngestMetrics, MqttIngestStatus } from '../../shared/api/statusTypes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Priority } from '../../shared/events/event';
import {
  connectionSubject,
  INGEST_CONNECTION_CHANGED,
  INGEST_STOPPED_REASON,
  MAX_MESSAGE_BYTES,
  REJECT_CODES,
  type ConnectionChangedPayload,
  type ConnectionState,
  type RejectCode,
} from '../../shared/ingest/ingestEvents';
import { mapMessage } from '../../shared/ingest/mapMessage';
import { publicSettings, validateMqttSettings, type ValidMqttSettings } from '../../shared/ingest/mqttSettings';
import { IngestPublisher, type IngestBus } from './ingestPublisher';
import { clientOptions } from './mqttOptions';
import { gatherWrites } from './gatherWrites';
import { rejectedMessageEvent } from './rejectedIngest';
import { isSparkplugTopic } from './sparkplug/topic';
import { SparkplugIngest } from './sparkplug/sparkplugIngest';
import { publishHostState } from './sparkplug/hostState';

export interface MqttIngestOptions {
  readonly bus: IngestBus;
  /** Checked with `validateMqttSettings`; an IngestConfigError names the bad field. */
  readonly settings: unknown;
  readonly now?: () => number;
  /** Randomness for the backoff's jitter. */
  readonly random?: () => number;
  readonly onError?: (error: unknown) => void;
  /** Events held while the bus is overloaded. */
  readonly queueCapacity?: number;
}



const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

export class MqttIngest {
  private readonly publisher: IngestPublisher;
  private readonly now: () => number;
  private readonly random: () => number;
  private client: MqttClient | null = null;
  private current: MqttIngestStatus;
  private lastError: string | null = null;
  private everConnected = false;
  /** Between the broker's CONNACK and the connection's close. */
  private connected = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private received = 0;
  private mapped = 0;
  private connects = 0;
  private readonly rejectedByCode = Object.fromEntries(REJECT_CODES.map((code) => [code, 0])) as Record<RejectCode, number>;
  private readonly sparkplug: SparkplugIngest | null;

  /** Checks the settings, reads the TLS files and starts connecting (without waiting for the broker). */
  static async start(options: MqttIngestOptions): Promise<MqttIngest> {
    const settings = validateMqttSettings(options.settings);
    const ingest = new MqttIngest(settings, options);
    ingest.connect(await clientOptions(settings));
    return ingest;
  }

  private constructor(
    readonly settings: ValidMqttSettings,
    options: MqttIngestOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.publisher = new IngestPublisher({ bus: options.bus, capacity: options.queueCapacity, onError: options.onError });
    this.sparkplug = settings.sparkplug && new SparkplugIngest(settings.sparkplug, settings.name, {
      enqueue: (event) => this.publisher.enqueue(event),
      reject: (topic, raw, code, reason, receivedAt) => this.reject(topic, raw, 'sparkplug', code, reason, receivedAt, settings.sparkplug?.source),
      command: (topic, payload) => this.client?.publish(topic, Buffer.from(payload), { qos: 0 }),
    }, this.now);
    this.current = { name: settings.name, broker: settings.broker, state: 'connecting', reason: null, since: this.now(), attempt: 0, topics: settings.topics, subscribed: false, lastError: null };
  }

  status(): MqttIngestStatus {
    return this.current;
  }

  /** The settings as the API may show them (no password). */
  publicSettings(): Record<string, unknown> {
    return publicSettings(this.settings);
  }

  metrics(): MqttIngestMetrics {
    const queue = this.publisher.metrics();
    const rejected = Object.values(this.rejectedByCode).reduce((sum, n) => sum + n, 0);
    return {
      state: this.current.state,
      received: this.received,
      mapped: this.mapped,
      rejected,
      rejectedByCode: { ...this.rejectedByCode },
      connects: this.connects,
      published: queue.published,
      queued: queue.queued,
      lost: queue.lost,
      retries: queue.retries,
      ...(this.sparkplug ? { sparkplug: this.sparkplug.metrics() } : {}),
    };
  }

  /** Resolves when every message received so far is stored (or counted as lost). */
  idle(): Promise<void> {
    return this.publisher.idle();
  }

  /** Disconnects, publishes the final `disconnected` state and waits until everything is stored. */
  async stop(): Promise<void> {
    if (this.stopping) return this.publisher.close();
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    if (client && this.connected && this.settings.sparkplug?.hostId) await publishHostState(client, this.settings.sparkplug.hostId, false);
    if (client) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    this.setState('disconnected', INGEST_STOPPED_REASON, null);
    await this.publisher.close();
  }

  private connect(options: mqtt.IClientOptions): void {
    this.publishState(null);
    const client = mqtt.connect(this.settings.url, options);
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('error', (error) => {
      this.lastError = error.message;
    });
    client.on('close', () => this.onClose(client));
    client.on('message', (topic, body) => this.onMessage(topic, body));
    // mqtt.js emits 'message', then calls this; a QoS 1 message's PUBACK goes when it calls back.
    client.handleMessage = (_packet, callback) => this.acknowledge(client, callback);
  }

  /**
   * Lets mqtt.js acknowledge a message: at once normally (the publisher's queue carries it
   * through a busy bus), but while the publisher holds (the store refuses appends for lack of
   * disk space, or the queue is as long as it should get) only once there is room again.
   * mqtt.js reads no further packet meanwhile, so the rest of the messages wait at the broker
   * (its in-flight window and queue), unacknowledged, instead of in this process's memory or
   * given up for a full queue; then they come in and are stored, each once.
   */
  private acknowledge(client: MqttClient, callback: () => void): void {
    if (!this.publisher.holding) {
      gatherWrites(client);
      callback();
      return;
    }
    // No packet is read while holding, so neither is the broker's answer to a ping: without
    // pings sent and the timer reset by hand, mqtt.js would close the connection after 1.5
    // keepalives, and the broker would drop this clean session's waiting messages with it.
    const everyMs = this.settings.keepaliveSeconds * 500;
    const keepAlive = everyMs > 0
      ? setInterval(() => {
          if (!client.connected) return;
          client.sendPing();
          client.reschedulePing(true);
        }, everyMs)
      : null;
    void this.publisher.whenRoom().then(() => {
      if (keepAlive) clearInterval(keepAlive);
      callback();
    });
  }

  private onConnect(client: MqttClient): void {
    this.connects++;
    this.everConnected = true;
    this.connected = true;
    this.lastError = null;
    this.setState('connected', null, null, 0);
    if (this.sparkplug) {
      this.sparkplug.reset();
      if (this.sparkplug.settings.hostId) void publishHostState(client, this.sparkplug.settings.hostId, true);
    }
    const filters = Object.fromEntries(this.settings.topics.map((filter) => [filter, { qos: this.settings.qos }]));
    client.subscribe(filters, (error, granted) => {
      if (this.stopping) return;
      if (error) {
        this.setState('error', `subscribing failed: ${error.message}`, null);
        return;
      }
      const refused = (granted ?? []).filter((grant) => grant.qos === 128).map((grant) => grant.topic);
      if (refused.length > 0) this.setState('error', `the broker refused the subscription to ${refused.join(', ')}`, null);
      else if (client === this.client && this.connected) this.current = { ...this.current, subscribed: true };
    });
  }

  private onClose(client: MqttClient): void {
    const wasConnected = this.connected;
    this.connected = false;
    if (this.stopping || this.retryTimer !== null || client !== this.client) return;
    const attempt = wasConnected ? 0 : this.current.attempt;
    const delay = this.retryDelay(attempt);
    const reason = this.lastError ?? (wasConnected ? 'connection lost' : 'connection closed before the broker accepted it');
    this.setState(this.lastError === null ? 'disconnected' : 'error', reason, delay, attempt);
    this.lastError = null;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopping) return;
      this.setState('connecting', this.everConnected ? 'reconnecting' : null, null, attempt + 1);
      client.reconnect();
    }, delay);
  }

  private retryDelay(failedAttempts: number): number {
    const { initialDelayMs, maxDelayMs } = this.settings.reconnect;
    const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failedAttempts, 30));
    return Math.max(initialDelayMs, Math.round(exponential * (1 - 0.2 * this.random())));
  }

  private onMessage(topic: string, raw: Buffer): void {
    this.received++;
    const receivedAt = this.now();
    if (this.sparkplug && isSparkplugTopic(topic) && raw.length <= MAX_MESSAGE_BYTES) {
      this.sparkplug.receive(topic, raw, receivedAt);
      return;
    }
    if (raw.length > MAX_MESSAGE_BYTES) {
      this.reject(topic, raw, null, 'too-large', `body is ${raw.length} bytes; at most ${MAX_MESSAGE_BYTES} are accepted`, receivedAt);
      return;
    }
    let body: string;
    try {
      body = STRICT_UTF8.decode(raw);
    } catch {
      this.reject(topic, raw, null, 'bad-encoding', 'body is not valid UTF-8 text', receivedAt);
      return;
    }
    const result = mapMessage(this.settings.mapping, { topic, body, receivedAt });
    if (result.ok) {
      this.mapped++;
      this.publisher.enqueue(result.event);
    } else {
      this.reject(topic, raw, result.rule, result.code, result.reason, receivedAt);
    }
  }

  private reject(topic: string, raw: Buffer, rule: string | null, code: RejectCode, reason: string, receivedAt: number, source = this.settings.mapping.source): void {
    this.rejectedByCode[code]++;
    this.publisher.enqueue(rejectedMessageEvent({ connection: this.settings.name, source, topic, raw, rule, code, reason, receivedAt }));
  }

  private setState(state: ConnectionState, reason: string | null, retryInMs: number | null, attempt = this.current.attempt): void {
    const since = this.now();
    const failed = state === 'error' || (state === 'disconnected' && !this.stopping);
    const lastError = failed && reason !== null ? { message: reason, at: since } : this.current.lastError;
    this.current = { ...this.current, state, reason, since, attempt, subscribed: state === 'connected' && this.current.subscribed, lastError };
    this.publishState(retryInMs);
  }

  private publishState(retryInMs: number | null): void {
    const { state, reason, attempt } = this.current;
    const payload: ConnectionChangedPayload = {
      subject: connectionSubject(this.settings.name),
      connection: this.settings.name,
      broker: this.settings.broker,
      state,
      reason,
      attempt,
      retryInMs,
    };
    const priority: Priority = state === 'error' || state === 'disconnected' ? 'HIGH' : 'NORMAL';
    this.publisher.enqueue({ type: INGEST_CONNECTION_CHANGED, payload, source: this.settings.mapping.source, priority, timestamp: this.current.since });
  }
}
