/**
 * MQTT ingest while the store refuses appends for lack of disk space, against a real
 * Mosquitto: the QoS 1 messages published meanwhile are not acknowledged (they wait at the
 * broker, not in the console's memory), the connection stays up through a hold longer than
 * its keepalive, and once space is back every one is stored, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { MqttIngest } from '../../main/ingest/mqttIngest';
import { DiskGuard } from '../../main/store/diskGuard';
import { Journal } from '../../main/store/journal';
import { JournaledStore } from '../../main/store/journaledStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { findMosquitto, MOSQUITTO_MISSING, MosquittoBroker } from '../support/mosquitto';

const MB = 1024 * 1024;
const HELD = 150;
const installed = findMosquitto() !== null;
if (!installed) console.log(`SKIPPED the MQTT disk-hold test: ${MOSQUITTO_MISSING}`);

const root = mkdtempSync(join(tmpdir(), 'mqtt-hold-'));
let broker: MosquittoBroker | null = null;
beforeAll(async () => {
  if (installed) broker = await MosquittoBroker.start();
});
afterAll(async () => {
  await broker?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function telemetry(store: InMemoryEventStore): Promise<StoredEvent[]> {
  const page = await store.query({ types: ['equipment.telemetry.recorded'], order: 'asc', limit: 1_000 });
  return page.events;
}

describe.skipIf(!installed)('MQTT ingest on a nearly full disk', () => {
  it('leaves QoS 1 messages unacknowledged while appends are refused, and stores each once when space is back', async () => {
    const url = (broker as MosquittoBroker).url;
    let freeBytes = 50_000 * MB;
    const disk = new DiskGuard({ dataDir: root, minFreeBytes: 1_000 * MB, intervalMs: 60_000, probe: async () => ({ freeBytes, totalBytes: 100_000 * MB }) });
    await disk.start();
    const inner = new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });
    const journal = await Journal.open(root);
    const store = new JournaledStore({ store: inner, journal, dataDir: root, databaseId: null, admit: disk.admit });
    const bus = new EventBus({ store });
    await disk.attach(bus);
    // A one-second keepalive: the hold below outlasts 1.5 of them.
    const ingest = await MqttIngest.start({ bus, settings: { url, keepaliveSeconds: 1, reconnect: { initialDelayMs: 50, maxDelayMs: 400 } }, onError: () => {} });
    const producer = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    try {
      await expect.poll(() => ingest.status()).toMatchObject({ state: 'connected', subscribed: true });
      const send = (sample: number) => producer.publishAsync('plant/line-1/press-1/telemetry', JSON.stringify({ sample }), { qos: 1 });
      await send(-1);
      await expect.poll(async () => (await telemetry(inner)).length).toBe(1);

      freeBytes = 500 * MB;
      await disk.check();
      expect(disk.refusing).toMatch(/new events are refused until space is freed$/);
      for (let sample = 0; sample < HELD; sample++) await send(sample);
      // The publisher has met the refusal and retried for seconds (backoff 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s).
      await expect.poll(() => ingest.metrics().retries, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
      // The console stopped taking messages: the broker holds the rest (it sends at most its
      // in-flight window without an acknowledgement), and nothing was stored or rejected.
      expect(ingest.metrics().received).toBeLessThan(HELD / 2);
      expect(await telemetry(inner)).toHaveLength(1);
      expect(await inner.count({ types: ['ingest.message.rejected'] })).toBe(0);
      expect(ingest.metrics().connects).toBe(1);

      freeBytes = 20_000 * MB;
      await disk.check();
      await expect.poll(async () => (await telemetry(inner)).length, { timeout: 20_000 }).toBe(HELD + 1);
      const samples = (await telemetry(inner)).map((event) => (event.payload as { sample: number }).sample);
      expect(samples.sort((a, b) => a - b)).toEqual([-1, ...Array.from({ length: HELD }, (_, i) => i)]);
      expect(ingest.metrics()).toMatchObject({ received: HELD + 1, lost: 0, connects: 1 });
    } finally {
      // Space back whatever happened, or stopping would wait for the refused events forever.
      freeBytes = 20_000 * MB;
      await disk.check();
      await producer.endAsync();
      await ingest.stop();
      await bus.close();
      await store.close();
      disk.stop();
    }
  }, 60_000);
});
