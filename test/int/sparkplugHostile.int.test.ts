// Hostile Sparkplug B payloads through a real Mosquitto: each is kept as ingest.message.rejected
// with a reason, counted, and the ingest goes on reading the edge node's good data afterwards.
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { MqttIngest } from '../../main/ingest/mqttIngest';
import type { RejectedMessagePayload } from '../../shared/ingest/ingestEvents';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { findMosquitto, MOSQUITTO_MISSING, MosquittoBroker } from '../support/mosquitto';
import { encode, TestEdgeNode } from '../support/sparkplugEdgeNode';

const mosquitto = findMosquitto();
if (!mosquitto) console.warn(`Sparkplug hostile-payload tests skipped: ${MOSQUITTO_MISSING}`);

const Payload = proto.org.eclipse.tahu.protobuf.Payload;
/** Bytes a Sparkplug encoder would not write: built straight from the protobuf schema. */
const rawPayload = (fields: Record<string, unknown>): Buffer => Buffer.from(Payload.encode(Payload.create(fields)).finish());
const DATATYPE = { Int8: 1, Int64: 4, UInt64: 8, Double: 10, String: 12 } as const;

let broker: MosquittoBroker;
beforeAll(async () => {
  if (mosquitto) broker = await MosquittoBroker.start();
});
afterAll(async () => {
  await broker?.stop();
});

describe.skipIf(!mosquitto)('hostile Sparkplug B payloads', () => {
  it('keeps every hostile payload as rejected with a reason and goes on ingesting', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store });
    const ingest = await MqttIngest.start({ bus, settings: { url: broker.url, topics: ['spBv1.0/#'], sparkplug: {} }, onError: () => {} });
    await vi.waitFor(() => expect(ingest.status()).toMatchObject({ state: 'connected', subscribed: true }), { timeout: 10_000 });
    const edge = await TestEdgeNode.connect(broker.url, 'line-h', 'gw-h', {
      node: [{ name: 'cpu', alias: 10, type: 'Float', value: 0.5 }],
      devices: [{ device: 'press-1', metrics: [{ name: 'temperature', alias: 1, type: 'Double', value: 20 }, { name: 'cycles', alias: 3, type: 'UInt64', value: 1 }] }],
    });
    edge.answerRebirth = false;
    await edge.birth();
    const same = () => edge.seq; // a payload refused before its seq is read leaves the node's seq where it was
    const hostile: [string, string | null, Buffer | (() => Promise<void>)][] = [
      ['DDATA', 'press-1', Buffer.from('not a protobuf payload \xff\xfe')],
      ['DDATA', 'press-1', encode({ seq: 9, metrics: [{ alias: 1, type: 'Double', value: 1 }] }).subarray(0, 5)],
      ['DDATA', 'press-1', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 256))],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ alias: 3, datatype: DATATYPE.Int8, intValue: 300 }] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ alias: 1, datatype: DATATYPE.Double, stringValue: 'hot' }] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ alias: 1, datatype: 99, doubleValue: 1 }] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ alias: 3, datatype: DATATYPE.UInt64, longValue: 2 ** 60 }] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ name: 'x', datatype: DATATYPE.Int64, longValue: '-9223372036854775808' }] })],
      ['DDATA', 'press-1', rawPayload({ seq: 300, metrics: [{ alias: 1, datatype: DATATYPE.Double, doubleValue: 1 }] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), timestamp: '18446744073709551615', metrics: [] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ alias: 1, datatype: DATATYPE.Double, doubleValue: Number.NaN }] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ datatype: DATATYPE.Double, doubleValue: 1 }] })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: Array.from({ length: 2_001 }, (_, i) => ({ alias: 1 + (i % 2) * 2, datatype: DATATYPE.Double, doubleValue: i })) })],
      ['DDATA', 'press-1', rawPayload({ seq: same(), metrics: [{ name: 'label', datatype: DATATYPE.String, stringValue: 'x'.repeat(2_000) }] })],
      ['DBIRTH', 'press-2', rawPayload({ seq: same(), metrics: [{ name: 'temp\u0000x', datatype: DATATYPE.Double, doubleValue: 1 }] })],
      ['DBIRTH', 'press-2', rawPayload({ seq: same(), metrics: [{ name: '__proto__', datatype: DATATYPE.Double, doubleValue: 1 }] })],
      ['DBIRTH', 'press-2', rawPayload({ seq: same(), metrics: [{ name: 'n'.repeat(300), datatype: DATATYPE.Double, doubleValue: 1 }] })],
      ['DBIRTH', 'press-2', rawPayload({ seq: same(), metrics: [{ name: 'line\u2028break', datatype: DATATYPE.Double, doubleValue: 1 }] })],
      ['NFOO', null, encode({ seq: 0, metrics: [] })],
      ['DDATA', null, encode({ seq: 0, metrics: [] })],
      ['DDATA', 'press-1', Buffer.alloc(300 * 1024, 0x0a)],
      ['DDATA', 'press-1', async () => edge.data('press-1', [{ alias: 1, type: 'Int32', value: 5 }])],
      ['DDATA', 'press-1', async () => edge.data('press-1', [{ alias: 42, type: 'Double', value: 5 }])],
      ['NBIRTH', null, async () => {
        // A birth giving one alias to two metrics is refused whole; the session of the last good birth stays.
        await edge.send('NBIRTH', null, { seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }, { name: 'a', alias: 5, type: 'Double', value: 1 }, { name: 'b', alias: 5, type: 'Double', value: 2 }] });
        edge.seq = 0;
      }],
    ];
    for (const [type, device, body] of hostile) {
      if (typeof body === 'function') await body();
      else await edge.send(type, device, body);
    }
    await vi.waitFor(() => expect(ingest.metrics().rejected).toBe(hostile.length), { timeout: 10_000 });
    console.info(`Sparkplug hostile payloads tried: ${hostile.length}`);

    // The reasons name what is wrong, one sentence each.
    const reasons = (await store.query({ types: ['ingest.message.rejected'], limit: 1000 })).events.map((event) => (event.payload as RejectedMessagePayload).reason);
    expect(reasons).toHaveLength(hostile.length);
    expect(reasons.filter((reason) => /is not a Sparkplug B payload/.test(reason))).toHaveLength(3);
    expect(reasons).toContain('DDATA: metric 1: 300 is outside the range of Int8');
    expect(reasons).toContain('DDATA: metric 1: holds no value of its type Double');
    expect(reasons).toContain('DDATA: metric 1: its data type is missing or not a Sparkplug B data type');
    expect(reasons).toContain('DDATA: payload holds 2001 metrics; at most 2000 are accepted');
    expect(reasons).toContain('DBIRTH: metric 1: name holds control characters');
    expect(reasons).toContain('DBIRTH: metric 1: "__proto__" is not accepted as a metric name');
    expect(reasons).toContain('DDATA: metric "temperature" of line-h/gw-h/press-1 came as Int32; its birth declared Double');
    expect(reasons).toContain('NBIRTH: the birth of line-h/gw-h gives alias 5 to two metrics');
    expect(reasons.some((reason) => reason.includes('does not fit a number exactly (UInt64)'))).toBe(true);
    expect(reasons.some((reason) => reason.includes('does not fit a number exactly (Int64)'))).toBe(true);
    expect(reasons.every((reason) => reason.length > 10 && !reason.includes('\n'))).toBe(true);
    expect(ingest.metrics().lost).toBe(0);

    // Still reading: the next good data of the edge node is stored.
    await edge.data('press-1', [{ alias: 1, type: 'Double', value: 88.5 }]);
    await vi.waitFor(async () => {
      const telemetry = (await store.query({ types: ['equipment.telemetry.recorded'], limit: 1000 })).events;
      expect(telemetry.at(-1)?.payload).toEqual({ lineId: 'line-h', equipmentId: 'press-1', temperature: 88.5 });
    });
    await edge.close();
    await ingest.stop();
    await bus.close();
  });
});
