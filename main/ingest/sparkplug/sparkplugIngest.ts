/**
 * Sparkplug B as a primary host application, on the MQTT connection's messages under
 * `spBv1.0/`: decodes each payload, keeps the edge nodes' sessions (edgeNodes.ts), turns what
 * they say into events (sparkplugEvents.ts), and asks an edge node for a rebirth (NCMD
 * `Node Control/Rebirth` = true) when its data cannot be read against its last birth or its
 * `seq` broke. A message that cannot become events is handed back as rejected with the
 * reason; nothing it holds is lost. At most one rebirth request per edge node is in flight
 * (until its NBIRTH, or REBIRTH_HOLD_MS), so a stream of bad data does not flood it.
 */
import sparkplug from 'sparkplug-payload';
import type { SparkplugIngestMetrics } from '../../../shared/api/statusTypes';
import type { PublishInput } from '../../../shared/events/validate';
import { validatePublishInput, EventValidationError } from '../../../shared/events/validate';
import type { RejectCode } from '../../../shared/ingest/ingestEvents';
import type { ValidSparkplugSettings } from '../../../shared/ingest/sparkplugSettings';
import { decodeSparkplug, SparkplugPayloadError } from './decode';
import { EdgeNodes, type Outcome } from './edgeNodes';
import { gapEvent, metricEvents, statusEvent, type Provenance } from './sparkplugEvents';
import { nodeCommandTopic, parseSparkplugTopic, type SparkplugTopic } from './topic';

export const REBIRTH_HOLD_MS = 5_000;

export interface SparkplugSink {
  enqueue(event: PublishInput): void;
  reject(topic: string, raw: Buffer, code: RejectCode, reason: string, receivedAt: number): void;
  /** Publishes a command to an edge node. */
  command(topic: string, payload: Uint8Array): void;
}


const codec = sparkplug.get('spBv1.0');

export class SparkplugIngest {
  private nodes = new EdgeNodes();
  private readonly rebirthAsked = new Map<string, number>();
  private counts = { messages: 0, metrics: 0, births: 0, deaths: 0, staleDeaths: 0, gaps: 0, rebirthRequests: 0 };

  constructor(
    readonly settings: ValidSparkplugSettings,
    private readonly connection: string,
    private readonly sink: SparkplugSink,
    private readonly now: () => number = Date.now,
  ) {}

  metrics(): SparkplugIngestMetrics {
    return { ...this.counts };
  }

  /** A new MQTT session may have missed births and deaths: every edge node must be born again. */
  reset(): void {
    this.nodes = new EdgeNodes();
    this.rebirthAsked.clear();
  }

  receive(topicName: string, raw: Buffer, receivedAt: number): void {
    this.counts.messages++;
    const topic = parseSparkplugTopic(topicName);
    if (typeof topic === 'string') return this.sink.reject(topicName, raw, 'no-rule', topic, receivedAt);
    let payload;
    try {
      payload = decodeSparkplug(raw);
    } catch (error) {
      if (!(error instanceof SparkplugPayloadError)) throw error;
      this.sink.reject(topicName, raw, error.code, `${topic.type}: ${error.message}`, receivedAt);
      if (topic.type !== 'NCMD' && topic.type !== 'DCMD' && topic.type !== 'NDEATH') this.askRebirth(topic);
      return;
    }
    const handled = this.nodes.handle(topic, payload);
    const from: Provenance = { topic, topicName, seq: payload.seq, receivedAt, timestamp: payload.timestamp ?? receivedAt };
    if (handled.gap) {
      this.counts.gaps++;
      this.sink.enqueue(gapEvent(this.settings, this.connection, handled.gap, from));
    }
    if (handled.rebirth) this.askRebirth(topic);
    const { outcome } = handled;
    switch (outcome.kind) {
      case 'rejected':
        return this.sink.reject(topicName, raw, outcome.code, `${topic.type}: ${outcome.reason}`, receivedAt);
      case 'ignored':
        if (topic.type === 'NDEATH') this.counts.staleDeaths++;
        return;
      case 'death':
        this.counts.deaths++;
        if (topic.device === null) this.publishStatus(null, false, from);
        for (const device of outcome.devices) this.publishStatus(device, false, from);
        return;
      case 'metrics':
        return this.publishMetrics(topic, raw, outcome, from);
    }
  }

  private publishMetrics(topic: SparkplugTopic, raw: Buffer, outcome: Extract<Outcome, { kind: 'metrics' }>, from: Provenance): void {
    if (outcome.birth) {
      this.counts.births++;
      if (topic.device === null) this.rebirthAsked.delete(`${topic.group}/${topic.node}`);
      if (outcome.cameOnline) this.publishStatus(topic.device, true, from);
    }
    let events: PublishInput[];
    try {
      events = metricEvents(this.settings, outcome.metrics, from).map((event) => validatePublishInput(event));
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      return this.sink.reject(from.topicName, raw, 'invalid-event', `${topic.type}: ${error.message}`, from.receivedAt);
    }
    this.counts.metrics += outcome.metrics.length;
    for (const event of events) this.sink.enqueue(event);
  }

  private publishStatus(device: string | null, online: boolean, from: Provenance): void {
    const event = statusEvent(this.settings, device, online, from);
    if (event) this.sink.enqueue(event);
  }

  private askRebirth(topic: SparkplugTopic): void {
    const key = `${topic.group}/${topic.node}`;
    const asked = this.rebirthAsked.get(key);
    const now = this.now();
    if (asked !== undefined && now - asked < REBIRTH_HOLD_MS) return;
    this.rebirthAsked.set(key, now);
    this.counts.rebirthRequests++;
    this.sink.command(nodeCommandTopic(topic.group, topic.node), rebirthPayload(now));
  }
}

/** NCMD `Node Control/Rebirth` = true, as Sparkplug B asks a primary host to send it. */
export function rebirthPayload(now: number): Uint8Array {
  if (!codec) throw new Error('the Sparkplug B codec is not available');
  return codec.encodePayload({ timestamp: now, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true, timestamp: now }] });
}
