/**
 * `sparkplug_metrics_per_s`: Sparkplug B metrics decoded and stored, sustained. An edge node
 * (an MQTT client in this process) publishes DDATA messages of 50 Double metrics by alias at
 * QoS 1 through a real Mosquitto to the console's MQTT ingest with Sparkplug on, whose events
 * go over the bus into the on-disk store path of browser mode (the Chromium store host behind
 * the journal); the figure is the metrics stored per second from the first DDATA until the
 * last event is stored. The baselines, in the same run: `sparkplug_raw_decode_metrics_per_s`,
 * `sparkplug-payload` decoding the same payloads alone, and
 * `sparkplug_raw_receive_metrics_per_s`, a bare MQTT client receiving the same DDATA through
 * the same broker, published the same way, and decoding them (no ingest, no store).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sparkplug from 'sparkplug-payload';
import { openDataDirStore } from '../../main/audit/dataDirStore';
import { EventBus } from '../../main/bus/eventBus';
import { MqttIngest } from '../../main/ingest/mqttIngest';
import { Journal } from '../../main/store/journal';
import { JournaledStore } from '../../main/store/journaledStore';
import { MosquittoBroker } from '../../test/support/mosquitto';
import type { SourcesBenchSettings, SourceFigures } from './sources';
import { median, perSecond, round } from './stats';

const METRICS_PER_MESSAGE = 50;
/** Issue 16's goal for metrics stored per second. */
const TARGET_METRICS_PER_S = 20_000;

const codec = sparkplug.get('spBv1.0');

function ddataPayloads(messages: number): Uint8Array[] {
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  return Array.from({ length: messages }, (_, i) =>
    codec.encodePayload({
      timestamp: Date.now(),
      // The seq runs on from the DBIRTH's 1, wrapping at 255.
      seq: (i + 2) % 256,
      metrics: Array.from({ length: METRICS_PER_MESSAGE }, (_, m) => ({ alias: m + 1, type: 'Double' as const, value: (i * 31 + m) % 1000 / 10, timestamp: Date.now() })),
    }),
  );
}

/** The library alone: decoding every payload, metrics per second. */
export function measureRawDecode(payloads: readonly Uint8Array[]): number {
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  let metrics = 0;
  const started = performance.now();
  for (const payload of payloads) metrics += codec.decodePayload(payload).metrics?.length ?? 0;
  return perSecond(metrics, performance.now() - started);
}

const GROUP = 'bench';
const NODE = 'edge-1';
const DEVICE = 'press-1';
/** Messages the edge node has published and the broker not yet acknowledged, at most. */
const PUBLISH_WINDOW = 200;

function birthPayloads(): [Uint8Array, Uint8Array] {
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  const node = codec.encodePayload({ timestamp: Date.now(), seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] });
  const device = codec.encodePayload({
    timestamp: Date.now(),
    seq: 1,
    metrics: Array.from({ length: METRICS_PER_MESSAGE }, (_, m) => ({ name: `reading-${m + 1}`, alias: m + 1, type: 'Double' as const, value: 0 })),
  });
  return [node, device];
}

/** One sustained run: the payloads (seq from 2 on) through Mosquitto, ingest and the on-disk store; metrics stored per second. */
async function measureStored(broker: MosquittoBroker, payloads: readonly Uint8Array[], log: (line: string) => void): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sparkplug-'));
  const opened = await openDataDirStore(dataDir, { mustExist: false });
  const store = new JournaledStore({ store: opened.store, journal: await Journal.open(dataDir), dataDir, databaseId: null });
  const bus = new EventBus({ store });
  const ingest = await MqttIngest.start({ bus, settings: { url: broker.url, topics: [`spBv1.0/${GROUP}/#`], sparkplug: { groups: [GROUP] } }, onError: () => {} });
  const edge = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  try {
    while (ingest.status().state !== 'connected' || !ingest.status().subscribed) await new Promise((resolve) => setTimeout(resolve, 20));
    const [nodeBirth, deviceBirth] = birthPayloads();
    await edge.publishAsync(`spBv1.0/${GROUP}/NBIRTH/${NODE}`, Buffer.from(nodeBirth), { qos: 1 });
    await edge.publishAsync(`spBv1.0/${GROUP}/DBIRTH/${NODE}/${DEVICE}`, Buffer.from(deviceBirth), { qos: 1 });
    const started = performance.now();
    await publishAll(edge, payloads);
    const published = performance.now() - started;
    const expected = (payloads.length + 1) * METRICS_PER_MESSAGE;
    while ((ingest.metrics().sparkplug?.metrics ?? 0) < expected) await new Promise((resolve) => setTimeout(resolve, 5));
    await ingest.idle();
    const elapsed = performance.now() - started;
    const { rejected, lost } = ingest.metrics();
    if (rejected > 0 || lost > 0) throw new Error(`the Sparkplug run rejected ${rejected} and lost ${lost} messages`);
    log(`sparkplug: published in ${Math.round(published)} ms, stored in ${Math.round(elapsed)} ms`);
    return perSecond(payloads.length * METRICS_PER_MESSAGE, elapsed);
  } finally {
    await edge.endAsync();
    await ingest.stop();
    await bus.close();
    await store.close();
    await opened.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The edge node publishes every DDATA at QoS 1, with up to PUBLISH_WINDOW unacknowledged. */
async function publishAll(edge: mqtt.MqttClient, payloads: readonly Uint8Array[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < payloads.length) {
      const payload = payloads[next++] as Uint8Array;
      await edge.publishAsync(`spBv1.0/${GROUP}/DDATA/${NODE}/${DEVICE}`, Buffer.from(payload), { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: PUBLISH_WINDOW }, lane));
}

/** The client library alone: a bare MQTT subscriber at QoS 1 decoding the same DDATA, metrics per second from the first publish to the last decode. */
async function measureRawReceive(broker: MosquittoBroker, payloads: readonly Uint8Array[]): Promise<number> {
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  const decoder = codec;
  const subscriber = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const edge = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  try {
    await subscriber.subscribeAsync(`spBv1.0/${GROUP}/#`, { qos: 1 });
    let metrics = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    subscriber.on('message', (_topic, body) => {
      metrics += decoder.decodePayload(body).metrics?.length ?? 0;
      if (metrics >= payloads.length * METRICS_PER_MESSAGE) done();
    });
    const started = performance.now();
    await publishAll(edge, payloads);
    await all;
    return perSecond(metrics, performance.now() - started);
  } finally {
    await edge.endAsync();
    await subscriber.endAsync();
  }
}

export async function measureSparkplug(settings: SourcesBenchSettings): Promise<SourceFigures> {
  const messages = settings.quick ? 1_000 : 8_000;
  const payloads = ddataPayloads(messages);
  const raw: number[] = [];
  const received: number[] = [];
  const stored: number[] = [];
  const broker = await MosquittoBroker.start();
  try {
    for (let run = 0; run < settings.runs; run++) {
      for (const which of run % 2 === 0 ? (['raw', 'stored'] as const) : (['stored', 'raw'] as const)) {
        if (which === 'raw') {
          raw.push(measureRawDecode(payloads));
          received.push(await measureRawReceive(broker, payloads));
        } else stored.push(await measureStored(broker, payloads, settings.log));
      }
      settings.log(`sparkplug run ${run + 1}/${settings.runs}: ${Math.round(stored[run] ?? 0)} metrics/s stored, raw decode ${Math.round(raw[run] ?? 0)}, raw receive and decode ${Math.round(received[run] ?? 0)} metrics/s`);
    }
  } finally {
    await broker.stop();
  }
  return {
    sparkplug_messages: messages,
    sparkplug_metrics_per_message: METRICS_PER_MESSAGE,
    sparkplug_metrics_per_s: round(median(stored)),
    sparkplug_raw_decode_metrics_per_s: round(median(raw)),
    sparkplug_vs_raw_decode: round(median(stored.map((value, i) => value / (raw[i] as number)))),
    sparkplug_raw_receive_metrics_per_s: round(median(received)),
    sparkplug_vs_raw_receive: round(median(stored.map((value, i) => value / (received[i] as number)))),
    target_sparkplug_met: median(stored) >= TARGET_METRICS_PER_S,
  };
}
