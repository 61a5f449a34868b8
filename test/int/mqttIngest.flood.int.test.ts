/**
 * MQTT ingest when the broker sends faster than the store takes events, against a real
 * Mosquitto: the console's queue stops at its hold mark and the QoS 1 messages beyond it wait
 * at the broker, unacknowledged, instead of overflowing the queue and being given up; every
 * message is stored once.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { MqttIngest } from '../../main/ingest/mqttIngest';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import type { AppendInput } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { findMosquitto, MOSQUITTO_MISSING, MosquittoBroker } from '../support/mosquitto';

const SENT = 600;
const CAPACITY = 40;
const installed = findMosquitto() !== null;
if (!installed) console.log(`SKIPPED the MQTT flood test: ${MOSQUITTO_MISSING}`);

/** The in-memory store with a slow disk: every append takes 20 ms, whatever its size. */
class SlowStore extends InMemoryEventStore {
  override async append(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.append(events, deliveries);
  }
}

let broker: MosquittoBroker | null = null;
beforeAll(async () => {
  if (installed) broker = await MosquittoBroker.start();
});
afterAll(async () => {
  await broker?.stop();
});

describe.skipIf(!installed)('MQTT ingest in a flood', () => {
  it('keeps the queue at its hold mark, leaves the rest at the broker, and stores every message once', async () => {
    const url = (broker as MosquittoBroker).url;
    const store = new SlowStore({ sha256HexOfText: nodeSha256HexOfText });
    const bus = new EventBus({ store });
    const errors: unknown[] = [];
    const ingest = await MqttIngest.start({ bus, settings: { url }, queueCapacity: CAPACITY, onError: (error) => errors.push(error) });
    const producer = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    let largestQueue = 0;
    const watch = setInterval(() => (largestQueue = Math.max(largestQueue, ingest.metrics().queued)), 2);
    try {
      await expect.poll(() => ingest.status()).toMatchObject({ state: 'connected', subscribed: true });
      await Promise.all(Array.from({ length: SENT }, (_, sample) => producer.publishAsync('plant/line-1/press-1/telemetry', JSON.stringify({ sample }), { qos: 1 })));
      await expect.poll(() => store.count({ types: ['equipment.telemetry.recorded'] }), { timeout: 30_000 }).toBe(SENT);
      const page = await store.query({ types: ['equipment.telemetry.recorded'], order: 'asc', limit: SENT });
      const samples = page.events.map((event) => (event.payload as { sample: number }).sample);
      expect(new Set(samples).size).toBe(SENT);
      expect(ingest.metrics()).toMatchObject({ received: SENT, lost: 0 });
      expect(errors).toEqual([]);
      // Half the capacity is the hold mark; one message more can be in hand when it is reached.
      expect(largestQueue).toBeLessThanOrEqual(CAPACITY / 2 + 1);
    } finally {
      clearInterval(watch);
      await producer.endAsync();
      await ingest.stop();
      await bus.close();
      await store.close();
    }
  }, 60_000);
});
